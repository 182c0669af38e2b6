"""The PDF action plan: its text read back with pypdf, its fonts, and every page drawn
to PNG with poppler's pdftoppm (saved under screenshots/export-pdf/ to be looked at)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.core import export
from kiosk.core.activities.actions import ActionPlan, today
from export_sample import FORMULA_NOTE, NORDIC_NOTE, XSS_NOTES, sample_session
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "export-pdf"
PDFTOPPM = shutil.which("pdftoppm") or ("/usr/bin/pdftoppm" if Path("/usr/bin/pdftoppm").exists() else None)


@pytest.fixture
def sid(store, clock, method):
    return sample_session(store, clock, method)


def day(clock, n: int) -> str:
    return (today(clock) + timedelta(days=n)).isoformat()


def text_of(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, " ".join(text.split())


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


def render_pages(data: bytes, name: str, tmp_path: Path, dpi: int = 60) -> list[Path]:
    """Every page as a PNG, kept in screenshots/export-pdf/ for a person to look at."""
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed, so the pages cannot be drawn")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob(f"{name}-*.png"):
        old.unlink()
    r = subprocess.run([PDFTOPPM, "-r", str(dpi), "-png", str(pdf), str(SHOTS / name)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return sorted(SHOTS.glob(f"{name}-*.png"))


def ink(png: Path) -> float:
    """The share of a page that is not white (0 = blank)."""
    from PIL import Image

    with Image.open(png) as im:
        grey = im.convert("L")
        hist = grey.histogram()
        return 1 - sum(hist[245:]) / (grey.width * grey.height)


def test_the_pdf_is_the_written_action_plan(store, clock, sid, tmp_path):
    doc = export.document(store, sid, clock=clock)
    data = export.render(doc, "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    reader, text = text_of(data)
    for expected in (
        "Handleplan", "Oversigt", "Trivselsdialog", "Team Æblegrød", f"Dato {doc['session']['date']}",
        # per action: problem, measure, responsible, timeline and follow-up
        "1. Travlhed og afbrydelser", "Problem Travlhed og afbrydelser",
        "Indsats Telefonfri formiddag kl. 9–11; én tager telefonen på skift",
        "Ansvarlig Mette Ørsted", "Tidsplan og opfølgning", f"Opfølgning: {day(clock, 3)}",
        f"Prøvehandling, evaluering: {day(clock, 21)}", "Status: aftalt (1/5)", "Status: undervejs (3/5)",
        "Hvad vil vi opnå – hvad er det konkrete mål? Ro til fordybelse om formiddagen", "Søren Å.",
        # the notes and votes behind each action
        "Bag handlingen · Stemmer: 3", "For mange afbrydelser – vi når ikke vores kerneopgaver",
        "Trivselsmålingen: 38 % oplever stress",
        # the wall
        "Væggen", "Stemmer: Afstemning ved uenighed", "Matrix", "Vores egen indflydelse",
        "Betydning for trivsel og arbejdsmiljø", "Bevare (3)", "Forandre (3)", "P-plads (2)",
        NORDIC_NOTE, FORMULA_NOTE, XSS_NOTES[0], XSS_NOTES[1], "=cmd|' /C calc'!A0",
        f"Næste møde {day(clock, 42)}",
    ):
        assert expected in text, expected
    assert re.search(r"1/%d\b" % len(reader.pages), text), "page numbers 'n/N' in the footer"
    assert any("Roboto" in f for f in fonts_of(reader)), fonts_of(reader)
    assert reader.metadata.title == "Trivselsdialog — Team Æblegrød"
    assert export.render(doc, "pdf") == data, "the same document gives the same bytes (cacheable)"

    pages = render_pages(data, "session", tmp_path)
    assert len(pages) == len(reader.pages) >= 2
    from PIL import Image

    for png in pages:
        with Image.open(png) as im:
            assert abs(im.width / im.height - 210 / 297) < 0.01, "A4 portrait"
        assert 0.005 < ink(png) < 0.5, f"{png.name} is blank or a black box"


def test_the_board_pdf_lists_every_open_action_with_its_team(store, clock, sid, method, tmp_path):
    other = Workshop.start(store, clock, method, "Køkkenet").session.id
    plan = ActionPlan(store, other, clock)
    a = plan.add(None, "Fælles frokost om fredagen")
    plan.set_owner(a.id, "Åse")
    doc = export.document(store, None, clock=clock)
    data = export.render(doc, "pdf")
    reader, text = text_of(data)
    for expected in ("Statuspil: åbne handlinger", "Oversigt", "Køkkenet", "Fælles frokost om fredagen",
                     "Ansvarlig Åse", "Team Æblegrød", "Mangler stadig: indsats, opfølgningsdato", "Næste møder"):
        assert expected in text, expected
    assert "Væggen" not in text, "the board has no wall of its own"
    for png in render_pages(data, "board", tmp_path):
        assert ink(png) > 0.005


def test_a_long_plan_breaks_into_pages_and_keeps_every_word(store, clock, method, tmp_path):
    sid = Workshop.start(store, clock, method, "Et meget stort hold med et langt navn").session.id
    wall = Wall(store, sid, clock)
    plan = ActionPlan(store, sid, clock)
    long_answer = ("Vi gør det sådan her – trin for trin, med æ, ø og å og «citater»; " * 8)[:500]
    for i in range(1, 26):
        note = wall.add_note("mindre-godt", f"Tema nummer {i}: " + "ord " * 25, step="refleksion")
        a = plan.add(note.key, note.text)
        for q in plan.questions:  # a question with fixed answers takes one of them
            plan.answer(a.id, q["id"], q["choices"][i % len(q["choices"])] if q.get("choices")
                        else f"{long_answer[:480]} #{i}")
        plan.set_owner(a.id, f"Ansvarlig nummer {i:02d}")
        plan.set_follow_up(a.id, day(clock, i))
    doc = export.document(store, sid, clock=clock)
    data = export.render(doc, "pdf")
    reader, text = text_of(data)
    assert len(reader.pages) > 10
    for i in range(1, 26):
        assert f"Ansvarlig nummer {i:02d}" in text
        assert f"#{i} " in text + " "
    assert text.count("«citater»") >= 25 * 5
    pages = render_pages(data, "long", tmp_path, dpi=40)
    assert len(pages) == len(reader.pages)
    assert all(ink(p) > 0.005 for p in pages)


def test_english_headings_and_an_empty_session(store, clock, method):
    sid = Workshop.start(store, clock, method, "Empty").session.id
    doc = export.document(store, sid, clock=clock, lang="en")
    _, text = text_of(export.render(doc, "pdf"))
    assert "Action plan" in text and "No actions yet." in text and "Team Empty" in text


def test_the_pdf_finds_its_fonts_without_starting_kivy(tmp_path):
    code = (
        "import sys\n"
        "from kiosk.clock import FakeClock\n"
        "from kiosk.store import Store\n"
        "from kiosk.core import export\n"
        "sys.path.insert(0, 'tests')\n"
        "from export_sample import sample_session, sample_method\n"
        "clock = FakeClock(1_800_000_000.0)\n"
        f"store = Store({str(tmp_path / 'data')!r}, clock=clock)\n"
        "sid = sample_session(store, clock, sample_method())\n"
        "data = export.render(export.document(store, sid, clock=clock), 'pdf')\n"
        "print(len(data) > 10000, 'kivy' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "False"]
    assert "missing the following glyphs" not in r.stderr + r.stdout
