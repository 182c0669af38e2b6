"""The print-outs: the process poster, the IGLO sheet, the top actions (NED's sheet 5),
the statement cards and the puzzle's pieces to cut out, and the facilitator's run
sheet. Each PDF's text is read back with pypdf and checked for what the session
holds; page 1 of each is drawn with poppler's pdftoppm into screenshots/printouts/
to be looked at. Sessions are made through the real core, once per module."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.clock import FakeClock
from kiosk.core import export
from kiosk.core.activities.actions import ActionPlan, measure_question, today
from kiosk.core.activities.vote import VoteRound
from kiosk.core.export import printdata, runsheet
from kiosk.core.export.printdata import clock_text
from kiosk.core.loader import load_method
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop
from kiosk.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "printouts"
PDFTOPPM = shutil.which("pdftoppm") or ("/usr/bin/pdftoppm" if Path("/usr/bin/pdftoppm").exists() else None)
T0 = 1_800_000_000.0
MM = 72 / 25.4
"""PDF points per millimetre."""

LONG_MEASURE = ("Lage hverdagsregler for godt arbeidsmiljø sammen, med åpenhet om fravær, en fast prat med "
                "leder før legen og en plan for hvordan vi tar imot nye kolleger – vi starter neste uke SLUTTORD")

SMALL_METHOD = '''
[method]
id = "lille-proeve"
title = "Lille prøve på drejebogen"
language = "da"
summary = "En lille metode til at prøve facilitatorens drejebog."
source = "Skrevet til testen."

[method.facilitator]
roles = ["Facilitator: styrer tiden og ordet", "Referent: skriver pointerne ned på skærmen"]
prepare = ["Læs resultaterne igennem med trioen, og find de mønstre, der går igen på tværs af spørgsmålene, så I kan fortælle kort om dem; tag også de gode svar med, for det giver energi at begynde med det, der virker, og skriv de tre vigtigste ned på en planche, der kan hænge ved siden af skærmen hele dagen ENDEORD"]
materials = ["Post-its og kuglepenne til alle"]
room = ["Stole i en halvcirkel foran skærmen"]
safety = ["Fortæller nogen om chikane, så tag det op bagefter, under fire øjne"]

[[steps]]
id = "velkomst"
title = "Velkomst og forventninger"
phase = "Velkommen"
activity = "talk"
minutes = 10
prompts = ["Hvad håber du, vi når i dag?"]
rules = ["Vi lytter til hinanden", "Det er i orden at være uenige"]
record = "Forventninger"

[steps.facilitator]
purpose = "Alle får sagt noget i starten, så det er lettere at tale senere."
say = ["Velkommen – i dag taler vi om, hvordan vi har det på arbejdet"]
tips = ["Start selv, kort"]
pitfalls = ["Lad ikke én person tale hele tiden"]

[[steps]]
id = "skriv"
title = "Skriv post-its"
phase = "Vores hverdag"
activity = "write"
minutes = 7.5

[steps.params]
kinds = [{ id = "godt", title = "Det fungerer godt", colour = "yellow" }]

[[steps]]
id = "afslutning"
title = "Afrunding"
activity = "talk"
minutes = 5
rules = ["Vi lytter til hinanden"]
'''


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def placed(data: bytes, page: int = 0) -> list[tuple[float, float, str]]:
    """Every text run on a page with where it starts (x, y in mm from the top left)."""
    reader = PdfReader(io.BytesIO(data))
    pg = reader.pages[page]
    height = float(pg.mediabox.height)
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((tm[4] / MM, (height - tm[5]) / MM, text.strip()))
    pg.extract_text(visitor_text=visit)
    return out


def draw(data: bytes, name: str, tmp_path: Path) -> Path:
    """Page 1 as a PNG in screenshots/printouts/, for a person to look at."""
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; ./dev.sh test installs it")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    SHOTS.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([PDFTOPPM, "-r", "45", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(SHOTS / name)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    png = SHOTS / f"{name}.png"
    from PIL import Image

    with Image.open(png) as im:
        grey = im.convert("L")
        ink = 1 - sum(grey.histogram()[245:]) / (grey.width * grey.height)
    assert ink > 0.01, f"{name}: page 1 is blank"
    return png


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One data folder: NED with votes and actions, dialogverksted with IGLO levels, the
    perspective talk, empty sessions, and a session of a small method with facilitator
    notes. Returns (store, clock, {name: session id})."""
    clock = FakeClock(T0)
    store = Store(tmp_path_factory.mktemp("printouts") / "data", clock=clock)
    ids = {}
    day = lambda n: (today(clock) + timedelta(days=n)).isoformat()  # noqa: E731

    ned = load_method(ROOT / "methods" / "ned-dialogduk.toml")
    ws = Workshop.start(store, clock, ned, "Hjemmetjenesten Øst")
    ws.toggle()                 # the first timer runs from T0
    ws.add_minutes(5)           # the welcome takes 20 minutes instead of 15
    sid = ids["ned"] = ws.session.id
    wall = Wall(store, sid, clock)
    notes = [wall.add_note("tiltak", text, step="tiltak") for text in (
        "Hverdagsregler", "Fast ukentlig fagmøte", "Fadderordning for nye", "Felles lunsj")]
    wall.reveal([n.id for n in notes])
    vote = next(s for s in ned.steps if s.activity == "vote")
    ballot = [n.key for n in notes]
    r = VoteRound.for_step(store, sid, vote.id, vote.params, items=ballot)
    for picks in ([1, 1, 0], [1, 2, 0], [3, 2, 1], [0, 1, 2]):  # 3 · 5 · 3 · 1 points
        r.next_voter()
        for k in picks:
            r.cast(ballot[k])
        r.done()
    plan = ActionPlan(store, sid, clock)
    owners = {0: "Kari Ødegård", 1: "Per Ås", 2: "Leder", 3: "Åse"}
    for i in (3, 2, 0, 1):      # agreed in another order than the votes rank them
        a = plan.add(notes[i].key, wall.label(notes[i].key))
        plan.answer(a.id, "tiltak", LONG_MEASURE if i == 0 else f"Konkret: {wall.label(notes[i].key)}, æ ø å")
        plan.set_owner(a.id, owners[i])
        plan.set_follow_up(a.id, day(7 * (i + 1)))
    ids["ned_empty"] = Workshop.start(store, clock, ned, "Tomt bord").session.id

    dv = load_method(ROOT / "methods" / "dialogverksted.toml")
    sid = ids["dv"] = Workshop.start(store, clock, dv, "Kantinen").session.id
    plan = ActionPlan(store, sid, clock)
    for name, level in (("Ta ordet selv", "individual"), ("Felles pauser", "group"),
                        ("Ny turnusplan", "leadership"), ("Støydemping i lokalet", "organisation"),
                        ("Bedre oppslagstavle", None)):
        a = plan.add(None, f"Tema: {name}")
        questions = next(s for s in dv.steps if s.activity == "actions").params["questions"]
        plan.answer(a.id, measure_question(questions), f"{name} – tiltak")
        plan.set_owner(a.id, "Nina Ærø")
        plan.set_follow_up(a.id, day(14))
        if level:
            plan.set_iglo(a.id, level)
    ids["dv_empty"] = Workshop.start(store, clock, dv, "Tom kantine").session.id

    ps = load_method(ROOT / "methods" / "perspektivsamtale.toml")
    ids["ps"] = Workshop.start(store, clock, ps, "Team Æblegrød").session.id

    path = tmp_path_factory.mktemp("method") / "lille.toml"
    path.write_text(SMALL_METHOD, encoding="utf-8")
    small = load_method(path)
    ids["small"] = Workshop.start(store, clock, small, "Lille hold").session.id
    yield store, clock, ids, small
    store.close()


def doc_of(world, name: str) -> dict:
    store, clock, ids, _ = world
    return export.document(store, ids[name], clock=clock)


# -- the process poster -----------------------------------------------------------------------

def test_the_poster_is_the_agenda_with_the_sessions_clock_times(world, tmp_path):
    doc = doc_of(world, "ned")
    agenda = doc["session"]["agenda"]
    assert agenda[0]["start"] == clock_text(T0) and agenda[0]["length"] == 20  # 15 + the 5 added
    assert agenda[1]["start"] == clock_text(T0 + 20 * 60)                      # so the rest moves on
    assert agenda[-1]["end"] == clock_text(T0 + 165 * 60)
    data = export.render(doc, "poster")
    reader, text = pdf_text(data)
    assert len(reader.pages) == 1 and reader.pages[0].mediabox.width / MM == pytest.approx(420, abs=1)
    assert "NED dialogduk" in text and "Hjemmetjenesten Øst" in text and "165 min" in text
    # each agenda point under its arrow's times: task 1 is its three steps, 20 to 30 minutes in
    assert f"{clock_text(T0)}–{clock_text(T0 + 20 * 60)}" in text
    assert f"{clock_text(T0 + 20 * 60)}–{clock_text(T0 + 30 * 60)}" in text
    for title in ("Oppgave 2: Hva har vi ansvar for?", "Ark 5: våre tre viktigste tiltak", "Avslutning"):
        assert title in text
    words = placed(data)
    task1 = next(x for x, _, s in words if s.startswith("Oppgave 1"))
    step = next(x for x, _, s in words if s.startswith("Tre gode"))
    assert abs(task1 - step) < 1, "a step stands in its agenda point's column"
    draw(data, "poster-ned", tmp_path)


def test_a_meeting_not_begun_gets_minutes_and_a_line_for_its_start(world, tmp_path):
    doc = doc_of(world, "dv")
    meeting2 = [e for e in doc["session"]["agenda"] if e["meeting"] == 2]
    assert meeting2 and all(e["start"] is None for e in meeting2)
    reader, text = pdf_text(export.render(doc, "poster"))
    assert len(reader.pages) == 2 and "Møte 2 av 2" in text and "Start kl. ________" in text
    later = printdata.with_start(doc["session"]["agenda"], "9.00")
    assert [e["start"] for e in later if e["meeting"] == 2][0] == "09:00"
    assert [e["start"] for e in later if e["meeting"] == 1] == [e["start"] for e in doc["session"]["agenda"]
                                                                  if e["meeting"] == 1]
    with pytest.raises(ValueError):
        printdata.with_start(later, "25:00")


# -- the IGLO sheet ------------------------------------------------------------------------

def test_the_iglo_sheet_puts_each_action_under_who_must_act(world, tmp_path):
    doc = doc_of(world, "dv")
    assert "iglo" in export.offered(doc)
    data = export.render(doc, "iglo")
    reader, text = pdf_text(data)
    assert len(reader.pages) == 1
    assert "Hvem må handle? (IGLO)" in text and "Kantinen" in text
    for head in ("I · Individ", "G · Gruppe", "L · Ledelse", "O · Organisasjon", "Nivå ikke valgt ennå"):
        assert head in text
    assert text.count("Ansvarlig: Nina Ærø") == 5
    words = placed(data)
    column = {s: x for x, y, s in words if y < 50 and "·" in s or s == "Nivå ikke valgt ennå"}
    for name, head in (("Ta ordet selv", "I · Individ"), ("Felles pauser", "G · Gruppe"),
                       ("Ny turnusplan", "L · Ledelse"), ("Støydemping", "O · Organisasjon"),
                       ("Bedre oppslagstavle", "Nivå ikke valgt ennå")):
        x = next(x for x, y, s in words if s.startswith(name.split()[0]))  # the measure, maybe wrapped
        left = column[head]
        assert left - 1 < x < left + 80, f"{name} is not under {head}"
    draw(data, "iglo-dialogverksted", tmp_path)

    # a long plan: the type shrinks, then the columns go on to a second page; nothing is left off
    many = [{**doc["actions"][1], "measure": f"Tiltak nummer {n} for gruppa"} for n in range(40)]
    reader, text = pdf_text(export.render({**doc, "actions": many}, "iglo"))
    assert len(reader.pages) >= 2 and all(f"Tiltak nummer {n} for gruppa" in text for n in range(40))


def test_an_empty_iglo_sheet_is_the_form_to_fill_by_hand(world, tmp_path):
    doc = doc_of(world, "dv_empty")
    data = export.render(doc, "iglo")
    _, text = pdf_text(data)
    assert "Ingen tiltak ennå: skriv dem på arket for hånd." in text
    assert "I · Individ" in text and "Nivå ikke valgt ennå" not in text
    draw(data, "iglo-empty", tmp_path)


# -- NED's sheet 5 ---------------------------------------------------------------------------

def test_sheet_5_holds_the_three_actions_with_most_votes(world, tmp_path):
    doc = doc_of(world, "ned")
    assert doc["printouts"]["top"] == 3
    data = export.render(doc, "top")
    reader, text = pdf_text(data)
    assert len(reader.pages) == 1
    assert "Våre 3 viktigste tiltak" in text
    # 5 · 3 · 3 points: the order of the votes, not the order they were agreed in (3, 2, 0, 1);
    # that order breaks the tie
    order = [text.index(s) for s in ("Konkret: Fast ukentlig fagmøte", "Konkret: Fadderordning for nye",
                                     "Lage hverdagsregler")]
    assert order == sorted(order)
    assert "SLUTTORD" in text, "a long measure wraps, it is not cut"
    assert "Felles lunsj" not in text and "1 tiltak til står i handlingsplanen." in text
    assert "Ansvarlig: Per Ås" in text and "Stemmer: 5" in text and "æ ø å" in text
    draw(data, "top-ned", tmp_path)


def test_an_empty_sheet_5_has_three_places_to_write_on(world, tmp_path):
    doc = doc_of(world, "ned_empty")
    data = export.render(doc, "top")
    _, text = pdf_text(data)
    assert text.count("Skriv tiltaket her") == 3 and "Ingen tiltak ennå" in text
    draw(data, "top-empty", tmp_path)


# -- cards and pieces to cut out -----------------------------------------------------------------

def test_the_statement_cards_print_every_deck_and_the_jokers(world, tmp_path):
    doc = doc_of(world, "ps")
    (step,) = doc["printouts"]["decks"]
    assert "cards" in export.offered(doc) and "pieces" not in export.offered(doc)
    data = export.render(doc, "cards")
    reader, text = pdf_text(data)
    pages = sum(-(-len(d["cards"]) // 12) for d in step["decks"]) + 1
    assert len(reader.pages) == pages and reader.pages[0].mediabox.width / MM == pytest.approx(210, abs=1)
    for deck in step["decks"]:
        assert f"Udsagnskort: {deck['title']}" in text
        for card in deck["cards"]:
            assert " ".join(card.split()) in text
    assert text.count("Skriv dit eget udsagn") == step["jokers"] == 3
    first = placed(data)
    card = next((x, y) for x, y, s in first if s.startswith("Hård tone") or s == "Hård tone")
    assert 14 < card[0] < 20, "the cards' grid is centred on the page, marks outside it"
    draw(data, "cards-perspektivsamtale", tmp_path)


def test_the_puzzle_prints_the_16_factors_other_and_the_columns_on_one_page(world, tmp_path):
    doc = doc_of(world, "ned")
    (puzzle,) = doc["printouts"]["factors"]
    assert len(puzzle["items"]) == 17 and puzzle["items"][-1] == "Annet"
    data = export.render(doc, "pieces")
    reader, text = pdf_text(data)
    assert len(reader.pages) == 1
    for piece in puzzle["items"] + ["Leder", "Ansatte", "Begge"]:
        assert piece in text
    assert "Tilbakemeldingskultur" in text, "a long word gets smaller type, it is not cut in two"
    draw(data, "pieces-ned", tmp_path)


def test_a_method_without_cards_or_puzzle_does_not_offer_them_and_says_so(world):
    ned, dv = doc_of(world, "ned"), doc_of(world, "dv")
    assert [f for f in export.offered(ned) if export.FORMATS[f].paper] == ["poster", "top", "pieces"]
    assert [f for f in export.offered(dv) if export.FORMATS[f].paper] == ["poster", "iglo", "top"]
    _, text = pdf_text(export.render(ned, "cards"))
    assert "Metoden har ingen utsagnskort å skrive ut." in text
    _, text = pdf_text(export.render(ned, "iglo"))
    assert "Metoden spør ikke hvem som må handle (IGLO)" in text


def test_the_board_and_broken_timers_give_pages_not_errors(world):
    store, clock, ids, _ = world
    board = export.document(store, None, clock=clock)
    assert not [f for f in export.offered(board) if export.FORMATS[f].paper]
    for fmt in ("poster", "cards"):  # every print-out says it alike (paper.PER_SESSION)
        _, text = pdf_text(export.render(board, fmt))
        assert "laves til ét forløb" in text
    # a stored session whose timers are garbage still prints its plan
    bad = {**store.load_session(ids["ned_empty"]), "id": "broken-timers", "status": "between",
           "timers": {"velkommen": "x", "hvorfor": {"planned": "a", "runs": [["b"], []]}}}
    store.save_session(bad)
    doc = export.document(store, "broken-timers", clock=clock)
    assert doc["session"]["agenda"][0]["length"] == 15 and doc["session"]["agenda"][0]["start"] is None
    _, text = pdf_text(export.render(doc, "poster"))
    assert "Start kl." in text and "15 min" in text


def test_the_phone_page_lists_the_print_outs_the_session_has(world):
    doc = doc_of(world, "ned")
    page = export.page(doc, {f: f"/e/tok/{f}" for f in export.FORMATS})
    assert "<h2 class=\"noprint\">Til utskrift</h2>" in page
    for fmt in ("poster", "top", "pieces"):
        assert f'href="/e/tok/{fmt}"' in page
        assert f'download="{export.filename(doc, fmt)}"' in page
    assert 'href="/e/tok/cards"' not in page and 'href="/e/tok/iglo"' not in page
    assert "Prosessplakat (PDF, A3)" in page and "runsheet" not in page


# -- the facilitator's run sheet -------------------------------------------------------------------

def test_the_run_sheet_carries_the_facilitator_notes_and_the_times(world, tmp_path):
    store, clock, ids, small = world
    doc = runsheet.sheet_doc(small.to_dict(), now=T0, start="9.00")
    data = runsheet.render(doc)
    reader, text = pdf_text(data)
    assert reader.pages[0].mediabox.width / MM == pytest.approx(210, abs=1)
    assert "Facilitatorens drejebog" in text and "Lille prøve på drejebogen" in text and "Før workshoppen" in text
    for line in ("09:00–09:10", "09:10–09:18", "09:18–09:22", "Vores hverdag: Skriv post-its", "7,5 min",
                 "Referent: skriver pointerne ned på skærmen", "ENDEORD", "Post-its og kuglepenne til alle",
                 "Stole i en halvcirkel", "chikane", "Formål: Alle får sagt noget i starten",
                 "Det kan du sige", "Start selv, kort", "Lad ikke én person tale hele tiden",
                 "Hvad håber du, vi når i dag?", "Referat: Forventninger"):
        assert line in text, line
    assert text.count("Vi lytter til hinanden") == 1, "a ground rule several steps show is listed once"
    draw(data, "runsheet-small", tmp_path)

    # without a start: minutes from the start, and a line to write it on
    _, text = pdf_text(runsheet.render(runsheet.sheet_doc(small.to_dict(), now=T0)))
    assert "0:00–0:10" in text and "0:10–0:17" in text or "0:10–0:18" in text
    assert "Start kl. ________" in text


def test_facilitator_notes_reach_the_run_sheet_and_no_export(world):
    store, clock, ids, _ = world
    session = store.load_session(ids["small"])
    _, text = pdf_text(runsheet.render(runsheet.sheet_doc(session["method"], now=T0, session=session)))
    assert "Lille hold" in text and "Start selv, kort" in text and clock_text(T0) in text
    doc = export.document(store, ids["small"], clock=clock)
    everything = json.dumps(doc, ensure_ascii=False) + export.page(doc, {f: f"/{f}" for f in export.FORMATS})
    everything += export.render(doc, "md").decode("utf-8")
    for secret in ("Start selv, kort", "chikane", "Alle får sagt noget i starten"):
        assert secret not in everything
    assert "runsheet" not in export.FORMATS


def test_a_method_without_facilitator_notes_still_gets_a_run_sheet(world):
    method = {**world[3].to_dict(), "facilitator": {}}
    method["steps"] = [{**s, "facilitator": {}} for s in method["steps"]]
    _, text = pdf_text(runsheet.render(runsheet.sheet_doc(method, now=T0, lang="nb")))
    assert "Metodefilen har ennå ingen notater til fasilitator" in text and "Velkomst og forventninger" in text
