"""Export formats of a real session (made through Workshop, Wall, VoteRound, ActionPlan
and Board on a real store): the document, Markdown, both CSVs, JSON, ICS, the phone
page and the plain summary — parsed with real parsers, hostile notes included."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest

from kiosk import i18n
from kiosk.core import export
from kiosk.core.activities.actions import ActionPlan, today
from export_sample import FORMULA_NOTE, NORDIC_NOTE, XSS_NOTES, sample_session
from kiosk.core.activities.statuspil import Board
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop

ROOT = Path(__file__).resolve().parents[1]
DAY = 86_400
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def sid(store, clock, method):
    return sample_session(store, clock, method)


@pytest.fixture
def doc(store, clock, sid):
    return export.document(store, sid, clock=clock)


def day(clock, n: int) -> str:
    return (today(clock) + timedelta(days=n)).isoformat()


def csv_rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM first, so a spreadsheet reads UTF-8"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=delimiter))


# -- the document ----------------------------------------------------------------------------

def test_the_document_holds_the_session_as_the_wall_ended(doc, sid, clock):
    s = doc["session"]
    assert doc["kind"] == "session" and doc["lang"] == "da"
    assert (s["id"], s["method_title"], s["team"], s["meetings"]) == (sid, "Trivselsdialog", "Team Æblegrød", 1)
    assert s["date"] == today(clock).isoformat() and s["next_meeting"] == day(clock, 42)
    assert [c["title"] for c in doc["columns"]] == ["Bevare", "Forandre"] and doc["parking_title"] == "P-plads"

    items = {i["label"]: i for i in doc["items"]}
    busy = items["Travlhed og afbrydelser"]
    assert busy["type"] == "cluster" and busy["column_title"] == "Forandre" and busy["chosen"]
    assert [n["text"] for n in busy["notes"]] == ["For mange afbrydelser – vi når ikke vores kerneopgaver",
                                                  "Trivselsmålingen: 38 % oplever stress"]
    assert busy["notes"][1]["kind_title"] == "Trioens post-its"
    assert items["Møder & ansvar"]["type"] == "cluster"
    assert items[NORDIC_NOTE]["column_title"] == "Bevare"
    assert items[XSS_NOTES[1]]["column"] == "parking" and items[FORMULA_NOTE]["column"] == "parking"
    assert len(doc["notes"]) == 11  # every note, clustered or not
    in_cluster = next(n for n in doc["notes"] if n["text"].startswith("Møderne"))
    assert in_cluster["theme"] == "Møder & ansvar" and in_cluster["column_title"] == "Forandre"

    (vote,) = doc["votes"]
    assert vote["voters"] == 4 and vote["mode"] == "dots"
    ranking = [(r["rank"], r["label"], r["points"], r["tied"], r["winner"]) for r in vote["ranking"]]
    assert ranking == [(1, "Travlhed og afbrydelser", 3, False, True),
                       (2, "Møder & ansvar", 2, True, True),
                       (2, XSS_NOTES[0], 2, True, True),
                       (4, "Godt samarbejde med ledelsen", 1, False, False)]

    m = doc["matrix"]
    assert m["x_axis"] == "Vores egen indflydelse" and len(m["quadrants"]) == 4
    spots = {i["label"]: (i["number"], i["quadrant"]) for i in m["items"]}
    assert spots == {XSS_NOTES[0]: (1, "theirs_important"), "Travlhed og afbrydelser": (2, "ours_important"),
                     "Møder & ansvar": (3, "ours_important"), NORDIC_NOTE: (4, "ours_minor")}
    assert next(i for i in m["items"] if i["number"] == 2)["quadrant_label"].startswith("Vigtigt, og vi kan")


def test_the_document_holds_the_action_plans_with_their_stage(doc, clock):
    a1, a2, a3 = doc["actions"]
    assert a1["problem"] == "Travlhed og afbrydelser"
    assert a1["measure"] == "Telefonfri formiddag kl. 9–11; én tager telefonen på skift"
    assert a1["owner"] == "Mette Ørsted" and a1["follow_up"] == day(clock, 3)
    assert a1["trial"] and a1["review"] == day(clock, 21) and a1["missing"] == []
    assert [x["title"] for x in a1["answers"]][0] == "Hvad ønsker vi at forandre?"
    assert a1["behind"]["points"] == 3 and len(a1["behind"]["notes"]) == 2
    assert (a1["stage_name"], a2["stage_name"], a2["stage"]) == ("aftalt", "undervejs", 2)
    assert [h["to"] for h in a2["history"]] == ["sat i gang", "undervejs"]
    assert a3["problem"] == XSS_NOTES[0] and a3["measure"] == XSS_NOTES[1]
    assert not any(a["overdue"] for a in doc["actions"])


def test_an_action_past_its_follow_up_is_overdue_in_the_export(store, clock, sid):
    clock.advance(4 * DAY)
    doc = export.document(store, sid, clock=clock)
    assert [a["overdue"] for a in doc["actions"]] == [True, False, False]
    assert "Overskredet" in export.render(doc, "md").decode()


def test_json_is_the_whole_document(doc):
    data = export.render(doc, "json")
    assert json.loads(data.decode("utf-8")) == doc
    assert "Æblegrød".encode() in data  # UTF-8 as it is, not \\u escapes


def test_an_unknown_session_or_a_bad_id_is_refused(store, clock):
    for bad in ("no-such-session", "../kiosk", ""):
        with pytest.raises(export.ExportError) as err:
            export.document(store, bad, clock=clock)
        assert err.value.reason == "unknown_session"


def test_an_empty_session_exports_in_every_format(store, clock, method):
    ws = Workshop.start(store, clock, method, "Tomt hold")
    doc = export.document(store, ws.session.id, clock=clock)
    assert doc["items"] == [] and doc["actions"] == [] and doc["votes"] == []
    for fmt in export.FORMATS:
        assert export.render(doc, fmt)
    assert "Ingen handlinger endnu." in export.page(doc, {})
    assert len(csv_rows(export.render(doc, "notes.csv"), ";")) == 1  # the header


def test_formats_file_names_and_unknown_format(doc):
    assert set(export.FORMATS) == {"md", "notes.csv", "actions.csv", "json", "ics", "pdf",
                                   "poster", "iglo", "top", "cards", "pieces"}  # the print-outs: test_printouts
    assert export.FORMATS["pdf"].mimetype == "application/pdf"
    assert export.FORMATS["ics"].mimetype.startswith("text/calendar")
    names = {fmt: export.filename(doc, fmt) for fmt in export.FORMATS}
    date_ = doc["session"]["date"]
    assert names["notes.csv"] == f"trivselsdialog-team-aeblegroed-{date_}-notes.csv"
    assert names["pdf"] == f"trivselsdialog-team-aeblegroed-{date_}.pdf"
    assert all(re.fullmatch(r"[a-z0-9.-]+", n) for n in names.values())
    with pytest.raises(ValueError):
        export.render(doc, "exe")
    with pytest.raises(ValueError):
        export.filename(doc, "../../etc/passwd")
    assert export.slug('../"Å ø/æ\\<b>') == "aa-oe-ae-b"


# -- CSV -------------------------------------------------------------------------------------

def test_notes_csv_opens_right_and_runs_no_formula(doc):
    rows = csv_rows(export.render(doc, "notes.csv"), ";")
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Nr.", "Slags", "Tekst"]
    assert len(body) == 11 and all(len(r) == len(header) for r in body)
    texts = [r[2] for r in body]
    assert NORDIC_NOTE in texts and XSS_NOTES[0] in texts
    assert "'" + FORMULA_NOTE in texts and FORMULA_NOTE not in texts
    assert "'-2 medarbejdere siden sommer; +travlhed @alle" in texts
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    clustered = next(r for r in body if r[2].startswith("Møderne"))
    assert clustered[3] == "Møder & ansvar" and clustered[4] == "Forandre"


def test_actions_csv_has_problem_measure_owner_follow_up_and_stage(doc, clock):
    rows = csv_rows(export.render(doc, "actions.csv"), ";")
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    assert {"Problem", "Indsats", "Ansvarlig", "Opfølgning", "Trin"} <= set(col)
    assert len(body) == 3
    first, second, third = body
    assert first[col["Ansvarlig"]] == "Mette Ørsted" and first[col["Opfølgning"]] == day(clock, 3)
    assert second[col["Trin"]] == "undervejs (3/5)"
    assert third[col["Problem"]] == XSS_NOTES[0] and third[col["Indsats"]] == XSS_NOTES[1]
    assert third[col["Ansvarlig"]] == "'=cmd|' /C calc'!A0"
    assert first[col["Hvad vil vi opnå – hvad er det konkrete mål?"]] == "Ro til fordybelse om formiddagen"
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell


def test_english_csv_is_comma_separated(store, clock, sid):
    doc = export.document(store, sid, clock=clock, lang="en")
    assert export.csv_delimiter(doc) == ","
    rows = csv_rows(export.render(doc, "actions.csv"), ",")
    assert rows[0][1:4] == ["Problem", "Measure", "Responsible"]


@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+45 1234", "'+45 1234"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (None, ""), (3, "3"),
])
def test_csv_cells_are_neutralised(value, shown):
    assert export.csv_cell(value) == shown


# -- ICS -------------------------------------------------------------------------------------

def test_ics_has_an_event_per_follow_up_review_and_next_meeting(doc, clock, store, sid):
    data = export.render(doc, "ics")
    cal = icalendar.Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    got = sorted((str(e["DTSTART"].dt), str(e["SUMMARY"])) for e in events)
    assert got == sorted([
        (day(clock, 3), "Opfølgning: Travlhed og afbrydelser"),
        (day(clock, 21), "Evaluering af prøvehandling: Travlhed og afbrydelser"),
        (day(clock, 14), "Opfølgning: Møder & ansvar"),
        (day(clock, 30), f"Opfølgning: {XSS_NOTES[0]}"),
        (day(clock, 42), "Næste møde: Trivselsdialog — Team Æblegrød"),
    ])
    first = next(e for e in events if str(e["DTSTART"].dt) == day(clock, 3))
    assert "Telefonfri formiddag kl. 9–11; én tager telefonen på skift" in str(first["DESCRIPTION"])
    assert "Mette Ørsted" in str(first["DESCRIPTION"])
    assert str(first["DTEND"].dt) == day(clock, 4)  # a whole day
    # RFC 5545: CRLF lines of at most 75 octets, the escapes in place
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"kl. 9\xe2\x80\x9311\\; \xc3\xa9n" in data.replace(b"\r\n ", b"")
    # stable ids: the same events from another render, later, after a change elsewhere
    clock.advance(DAY)
    ActionPlan(store, sid, clock).set_owner(doc["actions"][1]["id"], "Ny ejer")
    again = icalendar.Calendar.from_ical(export.render(export.document(store, sid, clock=clock), "ics"))
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events}
    assert len({str(e["UID"]) for e in events}) == 5


def test_ics_leaves_out_finished_actions(store, clock, sid, doc):
    a2 = doc["actions"][1]
    board = Board(store, clock)
    board.forward(sid, a2["id"], seen_stage=2)
    board.forward(sid, a2["id"], seen_stage=3)  # "i mål": done
    cal = icalendar.Calendar.from_ical(export.render(export.document(store, sid, clock=clock), "ics"))
    assert not any("Møder" in str(e["SUMMARY"]) for e in cal.walk("VEVENT"))


@pytest.mark.parametrize("text", ["a,b;c\\d\ne", "æ" * 200, "x" * 74 + "ø" + "y" * 10])
def test_ics_escaping_and_folding_round_trip(text):
    line = "SUMMARY:" + export.ics_text(text)
    folded = export.ics_fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    cal = icalendar.Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260101\r\n" + folded + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == text


# -- Markdown --------------------------------------------------------------------------------

def test_markdown_holds_everything_and_escapes_markup(doc):
    md = export.render(doc, "md").decode("utf-8")
    assert md.startswith("# Trivselsdialog — Team Æblegrød\n")
    for text in ("## Handleplan", "Mette Ørsted", "Søren Å.", "undervejs (3/5)", "## Matrix", "P-plads",
                 "Vores egen indflydelse", "Trivselsmålingen: 38 % oplever stress", "går videre"):
        assert text in md, text
    assert "<" not in md.replace("\\<", "")  # every < a note wrote is escaped
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert '"\\>\\<img src=x onerror=alert(1)\\>' in md
    assert export.md_escape("a *b* [c](d) `e` <f> | g & h\nnext") == \
        "a \\*b\\* \\[c\\](d) \\`e\\` \\<f\\> \\| g \\& h next"
    # a text that starts a list item's line must not open a block of its own
    for text, shown in (("# Hej", "\\# Hej"), ("- a", "\\- a"), ("---", "\\---"), ("12. c", "12\\. c"),
                        ("=1+1", "\\=1+1"), ("2024 var godt", "2024 var godt")):
        assert export.md_escape(text) == shown


# -- the page --------------------------------------------------------------------------------

class Page(HTMLParser):
    """Everything a browser would act on: tags, attributes, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
        if tag == "a":
            a = dict(attrs)
            self.links[a.get("href", "")] = a.get("download", "")

    def handle_data(self, data):
        self.text.append(data)


def parsed(html_text: str) -> Page:
    p = Page()
    p.feed(html_text)
    p.close()
    return p


def test_the_page_shows_notes_as_text_and_runs_nothing(doc):
    links = {fmt: f"/e/tok/{fmt}" for fmt in export.FORMATS}
    html_text = export.page(doc, links)
    assert html_text.startswith("<!DOCTYPE html>") and '<html lang="da">' in html_text
    p = parsed(html_text)
    assert "script" not in p.tags and "img" not in p.tags and "iframe" not in p.tags
    assert not [a for a in p.attrs if a[1].startswith("on")], "no event handler attribute"
    assert not [a for a in p.attrs if a[1] in ("src", "srcset", "background")]
    assert "link" not in p.tags, "no external style sheet"
    hrefs = [v for t, n, v in p.attrs if n == "href"]
    assert sorted(hrefs) == sorted(links[f] for f in export.offered(doc)), "the download buttons are the only links"
    assert p.links["/e/tok/pdf"] == export.filename(doc, "pdf")
    text = "".join(p.text)
    for t in (XSS_NOTES[0], XSS_NOTES[1], FORMULA_NOTE, NORDIC_NOTE, "Mette Ørsted", "Handleplan",
              "Travlhed og afbrydelser", "P-plads", "undervejs", "Betydning for trivsel og arbejdsmiljø"):
        assert t in text, t
    assert "<script>" not in html_text and "<img" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    # the matrix is an inline picture, its text escaped too
    svg = html_text[html_text.index("<svg"):html_text.index("</svg>")]
    assert "<circle" in svg and "Vores egen indflydelse" in svg and "<script" not in svg


def test_the_page_refuses_links_that_are_not_http_or_relative(doc):
    html_text = export.page(doc, {"pdf": "javascript:alert(1)", "md": 'x" onclick="alert(1)',
                                  "json": "data:text/html,<script>", "ics": "https://kiosk.local/e/t/ics"})
    p = parsed(html_text)
    assert [v for t, n, v in p.attrs if n == "href"] == ["https://kiosk.local/e/t/ics"]
    assert "javascript:" not in html_text and "onclick" not in html_text


def test_the_page_is_in_the_sessions_language(store, clock, sid):
    nb = export.page(export.document(store, sid, clock=clock, lang="nb"), {})
    en = export.page(export.document(store, sid, clock=clock, lang="en"), {})
    assert "Handlingsplan" in nb and '<html lang="nb">' in nb
    assert "Action plan" in en and "Responsible" in en


def test_rendering_never_changes_the_screens_language(store, clock, sid):
    i18n.set_language("nb")
    try:
        doc = export.document(store, sid, clock=clock)
        export.page(doc, {})
        export.render(doc, "md")
        assert i18n.language() == "nb" and i18n.tr("Next step") == "Neste steg"
    finally:
        i18n.set_language(i18n.DEFAULT)


def test_translator_gives_one_language_without_switching():
    before = i18n.language()
    assert i18n.translator("da")("Next step") == "Næste trin"
    assert i18n.translator("nb")("Next step") == "Neste steg"
    assert i18n.translator("en")("Next step") == "Next step"
    assert i18n.translator("xx")("Next step") == i18n.translator(i18n.DEFAULT)("Next step")
    assert i18n.language() == before


# -- the board -------------------------------------------------------------------------------

def test_the_board_export_holds_every_open_action_of_every_session(store, clock, method, sid):
    other = Workshop.start(store, clock, method, "Køkkenet", lang="nb").session.id
    wall = Wall(store, other, clock)
    note = wall.add_note("godt", "Fælles frokost", step="refleksion")
    plan = ActionPlan(store, other, clock)
    a = plan.add(note.key, note.text)
    plan.set_owner(a.id, "Åse")
    plan.set_follow_up(a.id, day(clock, 1))
    b = plan.add(None, "Parkeret sag")
    Board(store, clock).park(other, b.id, seen_stage=0)
    clock.advance(2 * DAY)

    store.set_state("settings", {"lang": "nb"})
    doc = export.document(store, None, clock=clock)
    assert doc["kind"] == "board" and doc["lang"] == "nb" and doc["session"] is None
    rows = {(x["team"], x["problem"]): x for x in doc["actions"]}
    assert len(rows) == 5
    assert rows[("Køkkenet", "Fælles frokost")]["overdue"] and rows[("Køkkenet", "Fælles frokost")]["owner"] == "Åse"
    assert rows[("Køkkenet", "Parkeret sag")]["parked"]
    assert rows[("Team Æblegrød", "Møder & ansvar")]["stage_name"] == "undervejs"
    assert doc["actions"][0]["problem"] == "Fælles frokost", "overdue first, as on the board"
    assert [m["team"] for m in doc["meetings"]] == ["Team Æblegrød"]

    text = export.page(doc, {f: f"/e/t/{f}" for f in export.FORMATS})
    p = parsed(text)
    assert "script" not in p.tags
    body = "".join(p.text)
    assert "Køkkenet" in body and "Forfalt" in body and "Parkert" in body and XSS_NOTES[0] in body
    assert export.filename(doc, "ics").startswith("statuspil-")
    rows_csv = csv_rows(export.render(doc, "actions.csv"), ";")
    assert rows_csv[0][:2] == ["Gruppe", "Metode"] and len(rows_csv) == 6
    cal = icalendar.Calendar.from_ical(export.render(doc, "ics"))
    assert any("Fælles frokost" in str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    for fmt in export.FORMATS:
        assert export.render(doc, fmt)


def test_a_finished_action_leaves_the_board_export_after_the_archive_days(store, clock, sid, doc):
    a2 = doc["actions"][1]
    board = Board(store, clock)
    board.forward(sid, a2["id"], seen_stage=2)
    board.forward(sid, a2["id"], seen_stage=3)
    assert any(a["problem"] == "Møder & ansvar" and a["finished"]
               for a in export.document(store, None, clock=clock)["actions"])
    clock.advance(15 * DAY)
    assert not any(a["problem"] == "Møder & ansvar" for a in export.document(store, None, clock=clock)["actions"])


# -- the summary -----------------------------------------------------------------------------

def test_summary_text_has_the_actions_and_fits_a_limit(doc, clock):
    text = export.summary_text(doc)
    assert text.startswith("Trivselsdialog — Team Æblegrød\n")
    for t in ("Mette Ørsted", day(clock, 3), "undervejs (3/5)", "Travlhed og afbrydelser (3)", "P-plads:",
              XSS_NOTES[0]):
        assert t in text, t
    short = export.summary_text(doc, max_chars=200)
    assert len(short) <= 200 and short.endswith("…")
    assert short[:-1] == text[:len(short) - 1], "cut at a whole line, nothing rewritten"
    assert "\n" in short and short[-2] == "\n"
    assert export.summary_text(doc, max_chars=1) == "…"


# -- the other activities: ratings, sign-ups, timeline, map ----------------------------------

def load(name: str):
    from kiosk.core.loader import load_method

    return load_method(ROOT / "methods" / f"{name}.toml")


def test_ratings_of_the_ned_dialogduk_are_exported(store, clock):
    from kiosk.core.activities.rate import Rating

    method = load("ned-dialogduk")
    sid = Workshop.start(store, clock, method, "Lageret", lang="nb").session.id
    step = next(s for s in method.steps if s.id == "paastander")
    rating = Rating.for_step(store, sid, step, clock)
    for statement, value in ((0, 0), (0, 0), (0, 2), (1, 1)):
        rating.mark(statement, value)
    doc = export.document(store, sid, clock=clock)
    (r,) = doc["ratings"]
    assert r["title"] == step.title and r["scale"] == ["grønn", "gul", "rød"]
    assert r["statements"][0]["counts"] == [2, 0, 1] and r["statements"][1]["counts"] == [0, 1, 0]
    assert r["statements"][0]["text"] == step.params["statements"][0]
    md = export.render(doc, "md").decode()
    assert f"## {step.title}" in md and "grønn 2 · gul 0 · rød 1" in md
    page = "".join(parsed(export.page(doc, {})).text)
    assert step.params["statements"][0] in page and "grønn 2 · gul 0 · rød 1" in page


def test_sign_ups_of_the_dialogverksted_are_exported(store, clock):
    from kiosk.core.activities.signup import Signup

    method = load("dialogverksted")
    sid = Workshop.start(store, clock, method, "Barnehagen").session.id
    wall = Wall(store, sid, clock)
    a = wall.add_note("tema", "Arbeidsmengde", step="dialog-temaer")
    b = wall.add_note("tema", "Samarbeid", step="dialog-temaer")
    signup = Signup(wall, step="paamelding")
    signup.add(a.key, "Kari")
    signup.add(a.key, "Ola <b>")
    signup.add(b.key, "Åsmund")
    doc = export.document(store, sid, clock=clock)
    themes = {x["label"]: x["names"] for x in doc["signups"]["themes"]}
    assert themes == {"Arbeidsmengde": ["Kari", "Ola <b>"], "Samarbeid": ["Åsmund"]}
    assert all(n["text"] not in ("Kari", "Åsmund") for n in doc["notes"]), "names are not topics"
    page = export.page(doc, {})
    assert "Ola &lt;b&gt;" in page and "Arbeidsmengde (2)" in page
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.render(doc, "pdf"))).pages)
    assert "Arbeidsmengde (2)" in text and "Åsmund" in text


def test_the_timeline_and_its_periods_are_exported(store, clock):
    from kiosk.core.activities.timeline import Timeline

    method = load("historievaerksted")
    sid = Workshop.start(store, clock, method, "Hjemmeplejen").session.id
    wall = Wall(store, sid, clock)
    step = next(s for s in method.steps if s.activity == "timeline")
    kind = next(s for s in method.steps if s.activity == "write").params["kinds"][0]["id"]
    line = Timeline(store, sid, clock, wall, step.id, step.params)
    early, late = line.years[0], line.years[-1]
    n1 = wall.add_note(kind, "Fusionen med nabokommunen", step="skriv")
    n2 = wall.add_note(kind, "Ny leder – og ny ro", step="skriv")
    line.place(n1.id, early)
    line.place(n2.id, late)
    line.add_period("Forandringens år", early, early + 2)
    doc = export.document(store, sid, clock=clock)
    tl = doc["timeline"]
    assert tl["years"] == [{"year": early, "notes": ["Fusionen med nabokommunen"]},
                           {"year": late, "notes": ["Ny leder – og ny ro"]}]
    assert tl["periods"] == [{"name": "Forandringens år", "first": early, "last": early + 2}]
    rows = csv_rows(export.render(doc, "notes.csv"), ";")
    assert rows[0][-1] == "År" and [r[-1] for r in rows[1:]] == [str(early), str(late)]
    md = export.render(doc, "md").decode()
    assert f"- {early}–{early + 2}: Forandringens år" in md and f"- {late}\n    - Ny leder – og ny ro" in md


def test_the_map_with_its_centre_and_links_is_exported(store, clock):
    from kiosk.core.activities.map import MapBoard

    method = load("arbejdsmiljofortaelling")
    sid = Workshop.start(store, clock, method, "IT-afdelingen").session.id
    wall = Wall(store, sid, clock)
    step = next(s for s in method.steps if s.activity == "map")
    board = MapBoard(wall, store, sid, step.id, centre=step.params.get("centre"),
                     kind=step.params.get("kind", "map"))
    board.set_centre("Travlhed i supporten")
    a = board.write("Mange opkald", 0.2, 0.8)
    b = board.write("Ingen pauser", 0.8, 0.8)
    board.toggle_link(a.key, b.key)
    doc = export.document(store, sid, clock=clock)
    m = doc["map"]
    assert m["centre"] == "Travlhed i supporten"
    assert [p["label"] for p in m["points"]] == ["Mange opkald", "Ingen pauser"]
    assert m["links"] == [["Mange opkald", "Ingen pauser"]]
    page = "".join(parsed(export.page(doc, {})).text)
    assert "Travlhed i supporten" in page and "Mange opkald — Ingen pauser" in page

    later = [s for s in method.steps if s.activity == "map"][-1]
    assert later.id != step.id, "the method retells the story in a second map step"
    MapBoard(wall, store, sid, later.id).set_centre("Travlhed — og hvad vi gør")
    assert export.document(store, sid, clock=clock)["map"]["centre"] == "Travlhed — og hvad vi gør"


def test_summary_text_fits_a_byte_budget_for_a_qr_code(doc):
    full = export.summary_text(doc)
    for budget in (60, 300, 700):
        short = export.summary_text(doc, max_bytes=budget)
        assert len(short.encode("utf-8")) <= budget
        assert short.endswith("…") and full.startswith(short[:-1])
    assert export.summary_text(doc, max_bytes=10 ** 6) == full
    assert export.summary_text(doc, max_bytes=2) == ""  # not even the ellipsis (3 bytes) fits
    tiny = export.summary_text(doc, max_bytes=12)
    assert tiny.endswith("…") and len(tiny.encode()) <= 12, "a first line too long is cut inside"


def test_exporting_reads_only(store, clock, sid, tmp_path):
    """The web server renders from a thread while the wall writes: an export must never write."""
    folder = Path(store.data_dir)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}
    for target in (sid, None):
        doc = export.document(store, target, clock=clock)
        for fmt in export.FORMATS:
            export.render(doc, fmt)
        export.page(doc, {"pdf": "/x"})
        export.summary_text(doc, max_bytes=500)
    after = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_notes_csv_decimals_follow_the_separator(store, clock, sid):
    da = csv_rows(export.render(export.document(store, sid, clock=clock), "notes.csv"), ";")
    en = csv_rows(export.render(export.document(store, sid, clock=clock, lang="en"), "notes.csv"), ",")
    col_da, col_en = da[0].index("Indflydelse"), en[0].index("Influence")
    assert "0,80" in [r[col_da] for r in da[1:]] and "0.80" in [r[col_en] for r in en[1:]]


def test_a_document_is_one_moment_while_the_kiosk_keeps_writing(store, clock, method):
    """A writer adds a post-it, then an action grown from it (two writes, as the screen
    does). Every document made meanwhile shows each action with the note behind it:
    never an action from after a tap beside a wall from before it."""
    import threading

    ws = Workshop.start(store, clock, method, "Køkkenet", lang="da")
    sid = ws.session.id
    wall, plan = Wall(store, sid, clock), ActionPlan(store, sid, clock)
    stop = threading.Event()
    written = []

    def writer():
        for i in range(60):
            if stop.is_set():
                break
            note = wall.add_note("godt", f"Idé nummer {i}", step="refleksion")
            plan.add(f"n{note.id}", "")
            written.append(i)

    t = threading.Thread(target=writer)
    t.start()
    docs = []
    try:
        while t.is_alive() or not docs:
            docs.append(export.document(store, sid, clock=clock))
    finally:
        stop.set()
        t.join()
    assert len(written) == 60 and len(docs) > 1
    for doc in docs:
        notes = {n["text"] for n in doc["notes"]}
        for a in doc["actions"]:
            assert a["behind"] is not None and a["behind"]["notes"][0] in notes, a
