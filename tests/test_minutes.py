"""Minutes on any step, recalled on a later one, in every export; facilitator notes never
exported (issue 15). Core only: a real store, no window."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from kiosk.core import export, facilitator
from kiosk.core.activities.actions import ActionPlan
from kiosk.core.loader import load_method
from kiosk.core.export.document import iso_time
from kiosk.core.minutes import MAX_CHARS, REFUSALS, TABLE, Minutes, MinutesError
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop

pytestmark = pytest.mark.refusal(error=MinutesError)

METHOD = """
[method]
id = "minutes-test"
title = "Prøveforløb"
language = "da"
summary = "Et lille forløb med referat."
source = "Testen selv"

[method.facilitator]
roles = ["ROLLE-HEMMELIG: tovholder og referent aftales"]
prepare = ["FORBERED-HEMMELIG: book lokalet"]
materials = ["MATERIALE-HEMMELIG: tusser"]
room = ["RUM-HEMMELIG: stole i en halvcirkel"]
safety = ["TRYGHED-HEMMELIG: ingen navne i referatet"]

[[steps]]
id = "velkomst"
title = "Velkomst"
minutes = 10
activity = "talk"
record = "Forventninger"
prompts = ["Sig kort, hvad I forventer"]
[steps.facilitator]
purpose = "FORMÅL-HEMMELIG: at alle bliver hørt"
say = ["SIG-HEMMELIG: velkommen til"]
tips = ["TIPS-HEMMELIG: start til tiden"]
pitfalls = ["FALDGRUBE-HEMMELIG: lange oplæg"]

[[steps]]
id = "skriv"
title = "Skriv"
minutes = 10
activity = "write"
[steps.params]
kinds = [{ id = "godt", title = "Godt", colour = "yellow" }]

[[steps]]
id = "handling"
title = "Handleplan"
minutes = 20
activity = "actions"
[steps.params]
questions = [{ id = "hvad", title = "Hvad gør vi?" }, { id = "hvem", title = "Hvem gør det?" }]

[[steps]]
id = "afrunding"
title = "Afrunding"
minutes = 10
activity = "talk"
record = "Evaluering"
recall = ["velkomst"]
[steps.facilitator]
tips = ["AFRUND-HEMMELIG: vend tilbage til forventningerne"]
"""

SECRETS = ["ROLLE-HEMMELIG", "FORBERED-HEMMELIG", "MATERIALE-HEMMELIG", "RUM-HEMMELIG", "TRYGHED-HEMMELIG",
           "FORMÅL-HEMMELIG", "SIG-HEMMELIG", "TIPS-HEMMELIG", "FALDGRUBE-HEMMELIG", "AFRUND-HEMMELIG"]


@pytest.fixture
def method(tmp_path):
    path = tmp_path / "minutes-test.toml"
    path.write_text(METHOD, encoding="utf-8")
    return load_method(path)


@pytest.fixture
def ws(store, clock, method):
    return Workshop.start(store, clock, method, "Team P", "da")


@pytest.fixture
def minutes(store, clock, ws, method):
    return Minutes(store, ws.session.id, method, clock)


def test_each_step_keeps_its_own_minutes_in_the_session_file(minutes, store, ws, clock):
    assert minutes.text("velkomst") == "" and minutes.heading("velkomst") == "Forventninger"
    assert minutes.heading("skriv") == ""                      # a step that does not ask still can have them
    kept = minutes.save("velkomst", "  Lære noget nyt  \r\nMere ro på  \r\n\n")
    assert kept == "Lære noget nyt\nMere ro på"                 # line ends one kind, ends trimmed
    clock.advance(60)
    minutes.save("skriv", "Alle skrev to post-its")
    assert minutes.text("velkomst") == "Lære noget nyt\nMere ro på"
    assert minutes.text("skriv") == "Alle skrev to post-its"
    rows = {d["step"]: d for d in store.all(ws.session.id, TABLE)}
    assert set(rows) == {"velkomst", "skriv"} and rows["skriv"]["at"] == rows["velkomst"]["at"] + 60
    minutes.save("velkomst", "Lære noget nyt")                  # saved again: replaced, still one record
    assert [d["text"] for d in store.all(ws.session.id, TABLE) if d["step"] == "velkomst"] == ["Lære noget nyt"]
    minutes.save("skriv", "   \n ")                             # saved empty: gone
    assert minutes.text("skriv") == "" and {d["step"] for d in store.all(ws.session.id, TABLE)} == {"velkomst"}


def test_too_long_unknown_step_or_not_text_is_refused_and_nothing_changes(minutes, store, ws, refused):
    minutes.save("velkomst", "Kort")
    assert refused("minutes_long", minutes.save, "velkomst", "x" * (MAX_CHARS + 1))
    assert refused("no_such_step", minutes.save, "findes-ikke", "Tekst")
    assert refused("minutes_not_text", minutes.save, "velkomst", {"text": "x"})
    assert minutes.text("velkomst") == "Kort" and len(minutes._undo) == 1
    assert minutes.save("velkomst", "y" * MAX_CHARS + "  \n") == "y" * MAX_CHARS  # at the limit: kept
    assert str(MAX_CHARS) in REFUSALS["minutes_long"]  # the message says the limit the rule holds


def test_undo_walks_back_each_save_and_a_save_of_the_same_text_is_none(minutes, store, ws):
    minutes.save("velkomst", "Første")
    minutes.save("velkomst", "Anden")
    minutes.save("afrunding", "Evalueret")
    minutes.save("velkomst", "Anden")                           # no change: nothing to undo
    assert len(minutes._undo) == 3
    minutes.save("afrunding", "")                               # taken away …
    assert minutes.undo() and minutes.text("afrunding") == "Evalueret"   # … and back
    assert minutes.undo() and minutes.text("afrunding") == ""
    assert minutes.undo() and minutes.text("velkomst") == "Første"
    assert minutes.undo() and minutes.text("velkomst") == ""
    assert not minutes.undo() and not minutes.can_undo
    assert store.all(ws.session.id, TABLE) == []


def test_a_later_step_recalls_the_earlier_minutes(minutes, method):
    end = method.steps[3]
    assert [(r.step_id, r.title, r.heading, r.text) for r in minutes.recalled(end)] == [
        ("velkomst", "Velkomst", "Forventninger", "")]             # nothing written yet: said as empty
    minutes.save("velkomst", "At blive hørt")
    assert [r.text for r in minutes.recalled(end)] == ["At blive hørt"]
    assert minutes.recalled(method.steps[0]) == []


def test_the_facilitator_notes_in_reading_order_and_none_where_there_are_none(method):
    assert [k for k, _ in facilitator.step_notes(method.steps[0])] == ["purpose", "say", "tips", "pitfalls"]
    assert facilitator.step_notes(method.steps[0])[0] == ("purpose", ["FORMÅL-HEMMELIG: at alle bliver hørt"])
    assert [k for k, _ in facilitator.method_notes(method)] == ["roles", "prepare", "materials", "room", "safety"]
    assert facilitator.step_notes(method.steps[1]) == []
    assert facilitator.step_notes(object()) == [] and facilitator.method_notes(object()) == []
    assert set(facilitator.HEADINGS) == set(facilitator.STEP_PARTS) | set(facilitator.METHOD_PARTS)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _every_format(doc: dict) -> dict[str, str]:
    """The session as each download and page says it (the session's export formats)."""
    out = {fmt: export.render(doc, fmt).decode("utf-8-sig") for fmt in ("md", "notes.csv", "actions.csv",
                                                                          "ics", "json")}
    out["pdf"] = _pdf_text(export.render(doc, "pdf"))
    out["html"] = export.page(doc, {fmt: f"/e/x/{fmt}" for fmt in export.FORMATS})
    out["summary"] = export.summary_text(doc)
    return out


def test_minutes_are_in_every_export_under_their_step_and_facilitator_notes_in_none(store, clock, ws, minutes):
    sid = ws.session.id
    note = Wall(store, sid, clock).add_note("godt", "Mere tid til pauser", step="skriv")
    ActionPlan(store, sid, clock).add(note.key, "Mere tid til pauser")
    minutes.save("afrunding", "Vi nåede det hele\n\nNæste gang: <kaffe> & kage")
    minutes.save("velkomst", "Lære hinanden at kende\nMere ro")
    doc = export.document(store, sid, clock=clock)
    assert [(m["step"], m["title"], m["heading"], m["text"]) for m in doc["minutes"]] == [
        ("velkomst", "Velkomst", "Forventninger", "Lære hinanden at kende\nMere ro"),   # the method's order
        ("afrunding", "Afrunding", "Evaluering", "Vi nåede det hele\n\nNæste gang: <kaffe> & kage")]
    assert doc["minutes"][0]["written_at"] == iso_time(clock.now()) and "at" not in doc["minutes"][0]
    formats = _every_format(doc)
    md = formats["md"]
    assert "## Referat" in md and "### Velkomst — Forventninger" in md
    assert md.index("### Velkomst — Forventninger") < md.index("Lære hinanden at kende") < md.index(
        "### Afrunding — Evaluering") < md.index("Vi nåede det hele")
    assert "Næste gang: \\<kaffe\\> \\& kage" in md                    # escaped, shown literally
    html = formats["html"]
    assert "<h3>Velkomst — Forventninger</h3><p>Lære hinanden at kende<br>Mere ro</p>" in html
    assert "&lt;kaffe&gt; &amp; kage" in html and "<kaffe>" not in html
    pdf = formats["pdf"]
    assert "Referat" in pdf and "Velkomst — Forventninger" in pdf and "Lære hinanden at kende" in pdf
    assert pdf.index("Afrunding — Evaluering") < pdf.index("Vi nåede det hele")
    assert json.loads(formats["json"])["minutes"][1]["text"].endswith("<kaffe> & kage")
    for name, text in formats.items():                               # the notes: shown only in their panel
        leaked = [s for s in SECRETS if s in text]
        assert leaked == [], f"facilitator notes in the {name} export: {leaked}"
    assert "Mere tid til pauser" in formats["actions.csv"] and "Mere tid til pauser" in formats["notes.csv"]


def test_a_session_without_minutes_exports_no_minutes_heading(store, clock, ws):
    doc = export.document(store, ws.session.id, clock=clock)
    assert doc["minutes"] == []
    assert "Referat" not in export.markdown(doc) and "Referat" not in export.page(doc, {})
