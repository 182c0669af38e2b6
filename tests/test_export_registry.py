"""The export asks the activity registry, and the format table is the only list of formats.

An activity registered from outside the package (here: a made-up "tally" whose
counts live in their own store table) reaches every format through its hooks, with
no line of the export naming it; a format added to ``FORMATS`` is served by the web
routes and written by ``kiosk export`` alike. Real store, the web process's HTTP loop
on 127.0.0.1 (in a thread, ``export_testing``), real parsers (csv, icalendar, pypdf,
html.parser).
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from html.parser import HTMLParser

import icalendar
import pytest
from pypdf import PdfReader

from kiosk.core import export
from kiosk.core.activities import Activity, register, unregister
from kiosk.core.activities.actions import ActionPlan
from kiosk.core.activities.vote import VOTES, VoteRound
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop
from kiosk.i18n import N_

TALLIES = "tallies"
MARK = "Tællestreger <b>&"
"""What the made-up activity writes, with markup each format must escape."""


def collect(ctx) -> dict:
    counts = {d["what"]: d["count"] for d in ctx.store.all(ctx.session_id, TALLIES)}
    return {"tally": {"counts": counts, "total": sum(counts.values())} if counts else None}


def sections(doc: dict, t) -> list:
    part = doc.get("tally")
    if not part:
        return []
    return [(MARK, [(f"{what}: {n}", [f"{n} × |"]) for what, n in part["counts"].items()])]


def summary(doc: dict, t) -> list[str]:
    part = doc.get("tally")
    return ["", f"{MARK} {part['total']}"] if part else []


def columns(doc: dict, table: str, t) -> list:
    if not doc.get("tally"):
        return []
    if table == "notes":
        return [("Tally", lambda note: doc["tally"]["counts"].get(note["text"], ""))]
    return [("Tally total", lambda action: doc["tally"]["total"])]


def events(doc: dict, t) -> list[dict]:
    if not doc.get("tally"):
        return []
    day = date.fromisoformat(doc["session"]["date"]) + timedelta(days=7)
    return [{"uid": f"tally-{doc['session']['id']}@dialog-kiosk",
             "date": day.isoformat(), "summary": f"{MARK}: count again", "description": ""}]


@pytest.fixture
def tally():
    spec = register(Activity("tally", collect=collect, sections=sections, summary=summary,
                             columns=columns, events=events))
    yield spec
    unregister("tally")


@pytest.fixture
def sid(store, clock, method):
    ws = Workshop.start(store, clock, method, "Team Tælle", lang="da")
    wall = Wall(store, ws.session.id, clock)
    wall.add_note("godt", "Kaffen", step="refleksion")
    plan = ActionPlan(store, ws.session.id, clock)
    plan.set_owner(plan.add(None, "Travlhed").id, "Mette")
    return ws.session.id


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def page_text(html_text: str) -> str:
    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            if data.strip():
                self.parts.append(data.strip())

    p = Text()
    p.feed(html_text)
    return " ".join(p.parts)


def test_a_registered_activity_is_in_every_format_without_the_export_naming_it(store, clock, sid, tally):
    store.insert(sid, TALLIES, {"what": "Kaffen", "count": 4})
    store.insert(sid, TALLIES, {"what": "Pauser", "count": 2})
    doc = export.document(store, sid, clock=clock)

    assert json.loads(export.render(doc, "json"))["tally"] == {"counts": {"Kaffen": 4, "Pauser": 2}, "total": 6}
    md = export.render(doc, "md").decode()
    assert "## Tællestreger \\<b\\>\\&" in md and "- Kaffen: 4\n    - 4 × \\|" in md
    page = export.page(doc, {})
    assert "<b>&amp;" not in page and "Tællestreger &lt;b&gt;&amp;" in page
    assert "Tællestreger <b>& Kaffen: 4 4 × |" in page_text(page)
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.render(doc, "pdf"))).pages)
    assert MARK in pdf and "Pauser: 2" in pdf
    notes = csv_rows(export.render(doc, "notes.csv"))
    assert notes[0][-1] == "Tally" and notes[1][2] == "Kaffen" and notes[1][-1] == "4"
    actions = csv_rows(export.render(doc, "actions.csv"))
    assert actions[0][-1] == "Tally total" and actions[1][-1] == "6"
    cal = icalendar.Calendar.from_ical(export.render(doc, "ics"))
    assert f"{MARK}: count again" in [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert f"{MARK} 6" in export.summary_text(doc).splitlines()


def test_an_activity_with_nothing_to_show_adds_nothing(store, clock, sid, tally):
    doc = export.document(store, sid, clock=clock)
    assert doc["tally"] is None
    assert "Tællestreger" not in export.render(doc, "md").decode() + export.page(doc, {})
    assert "Tally" not in csv_rows(export.render(doc, "notes.csv"))[0]


def test_a_part_that_reuses_a_field_of_the_document_is_a_clear_error(store, clock, sid):
    register(Activity("greedy", collect=lambda ctx: {"actions": []}))
    try:
        with pytest.raises(ValueError, match=r"greedy activity's export part reuses the field\(s\) \['actions'\]"):
            export.document(store, sid, clock=clock)
    finally:
        unregister("greedy")
    assert export.document(store, sid, clock=clock)["actions"], "the registry is whole again"


def test_a_format_added_to_the_table_is_served_and_written(store, clock, sid, tmp_path, monkeypatch):
    from export_testing import ThreadedExport
    from kiosk import cli

    text = export.Format("text/plain; charset=utf-8", ".txt", N_("Summary (text)"),
                         lambda doc: export.summary_text(doc).encode("utf-8"))
    monkeypatch.setitem(export.FORMATS, "txt", text)

    srv = ThreadedExport(store, clock, worker=False, warm=False)  # the table is this process's
    try:
        path = "/" + srv.share(sid).url.split("/", 3)[3]
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", path)
        page = conn.getresponse().read().decode()
        assert f'href="{path}/txt"' in page and "Summary (text)" in page
        conn.request("GET", f"{path}/txt")
        r = conn.getresponse()
        body = r.read().decode()
        assert r.status == 200 and r.getheader("Content-Type") == "text/plain; charset=utf-8"
        assert '-2027-01-15.txt"' in r.getheader("Content-Disposition") and "Travlhed" in body
        conn.close()
    finally:
        srv.stop()

    out = tmp_path / "plan.txt"
    assert cli.main(["export", "--data", str(store.data_dir), "--session", sid, "--format", "txt",
                     "--out", str(out)]) == 0
    assert "Travlhed" in out.read_text(encoding="utf-8") and "Mette" in out.read_text(encoding="utf-8")


def test_the_kiosk_command_reads_the_formats_only_for_an_export():
    """The formats come from the export's table, yet starting the kiosk (which builds
    the same parser) does not import the export."""
    code = ("import sys, kiosk.cli\n"
            "kiosk.cli.parser()\n"
            "print('kiosk.core.export' in sys.modules)\n"
            "from kiosk.core.export import FORMATS\n"
            "print(list(kiosk.cli.EXPORT_FORMATS) == [*FORMATS, 'csv', 'html', 'runsheet', 'all'])\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True"]


def test_the_round_and_the_export_count_votes_alike(store, clock, sid, method):
    """One tally for both: a stored record with unreadable points counts in neither
    (the round used to fail on it while the export passed over it)."""
    step = next(s for s in method.steps if s.activity == "vote")
    wall = Wall(store, sid, clock)
    keys = [i.key for i in wall.items()]
    r = VoteRound.for_step(store, sid, step.id, step.params, items=keys)
    r.next_voter()
    r.cast(keys[0])
    store.insert(sid, VOTES, {"round": step.id, "voter": 9, "item": keys[0], "points": "lots"})
    assert r.totals() == {keys[0]: 1}
    (exported,) = export.document(store, sid, clock=clock)["votes"]
    assert [(x["key"], x["points"]) for x in exported["ranking"]] == list(r.totals().items())
