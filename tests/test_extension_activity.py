"""An activity is one core module and one view (issue 12, DESIGN.md §5).

The tally (tests/extension: ``tally.py`` + ``tally_view.py``/``.kv``) lives outside the
kiosk package and nothing in ``kiosk`` names it. Registered with ``register`` from
here, it is checked in a method file by the loader, runs in the real window by real
taps that change the store, and is in every export format.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.core import activities, export
from kiosk.core.activities.actions import ActionPlan
from kiosk.core.loader import MethodError, load_method

pytestmark = pytest.mark.window

SHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "tests"

METHOD = """
[method]
id = "tally-test"
title = "Tally test"
language = "en"
summary = "Ideas, marked."
source = "The registry's test"

[[steps]]
id = "ideas"
title = "Ideas"
minutes = 10
activity = "write"
[steps.params]
kinds = [{{ id = "idea", title = "Ideas", colour = "yellow" }}]

[[steps]]
id = "count"
title = "Count the marks"
minutes = 5
activity = "tally"
[steps.params]
most = {most}
heading = "Marks on the ideas"
"""


@pytest.fixture
def tally():
    from extension import tally

    activities.register(tally.ACTIVITY)
    yield tally
    activities.unregister("tally")


def table(data: bytes, doc: dict) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=export.csv_delimiter(doc)))


def method_file(tmp_path, most):
    path = tmp_path / f"tally-{most}.toml"
    path.write_text(METHOD.format(most=most), encoding="utf-8")
    return path


def test_unregistered_the_tally_is_an_unknown_activity(tmp_path):
    with pytest.raises(MethodError) as e:
        load_method(method_file(tmp_path, 3))
    [problem] = e.value.problems
    assert problem.field == "steps[1] (id 'count').activity"
    assert problem.expected == ("one of: talk, rounds, write, present, group, sort, vote, matrix, rate, cards, "
                                "timeline, actions, signup, map, statuspil, review (got \"tally\")")


def test_the_tally_is_checked_in_a_method_file_once_registered(tmp_path, tally):
    with pytest.raises(MethodError) as e:
        load_method(method_file(tmp_path, 0))
    assert [(p.field, p.expected) for p in e.value.problems] == [
        ("steps[1] (id 'count').params.most", "an integer from 1 to 99 (got 0)")]
    short = method_file(tmp_path, 99)
    short.write_text(short.read_text().replace("minutes = 5", "minutes = 1"))
    with pytest.raises(MethodError) as e:  # its own cross-check, with the step's minutes
        load_method(short)
    assert [(p.field, p.expected) for p in e.value.problems] == [
        ("steps[1] (id 'count').params.most", "at most a mark a second of the step's 1 minutes (got 99)")]
    method = load_method(method_file(tmp_path, 3))
    assert method.steps[1].activity == "tally"
    assert method.steps[1].params == {"most": 3, "heading": "Marks on the ideas", "from_prepared": False}


def test_the_tally_runs_by_touch_and_is_in_every_export(tmp_path, tally, kiosk, clock):
    k = kiosk
    method = load_method(method_file(tmp_path, 3))
    assert k.app.start_workshop(method, "Team Tally"), k.app.notice
    ws = k.app.workshop
    sid = ws.session.id
    wall = k.app.wall()
    breaks = wall.add_note("idea", "More breaks", step="ideas")
    wall.add_note("idea", "Quiet room", step="ideas")
    ActionPlan(k.app.store, sid, clock).add(breaks.key, "More breaks")

    k.app.act(ws.go_to, 1, undo=ws)
    k.frames(3)
    view = k.find("activity").children[0]
    assert type(view).__name__ == "TallyView" and view.heading == "Marks on the ideas"

    def button():
        return next(b for b in view.ids.rows.children if b.item_key == breaks.key)

    assert button().height >= 80 and button().font_size >= 28  # a finger's target, read from 3 m
    for n in range(1, 4):
        k.tap(button())
        assert button().text == f"More breaks   ·   {n} ×"  # the screen redrew from the store
    marks = k.app.store.all(sid, tally.TABLE)
    assert [(d["step"], d["item"]) for d in marks] == [("count", breaks.key)] * 3
    k.tap(button())  # a fourth: the tally refuses, in its own words, and nothing is written
    assert k.app.notice == "This post-it has as many marks as it can hold." and k.app.notice_kind == "error"
    k.screenshot(SHOTS / "extension_tally_refused.png")
    assert len(k.app.store.all(sid, tally.TABLE)) == 3

    doc = export.document(k.app.store, sid, clock=clock, lang="en")
    assert doc["tally"]["marks"] == [{"key": breaks.key, "label": "More breaks", "count": 3}]
    rendered = {fmt: export.render(doc, fmt) for fmt, spec in export.FORMATS.items() if not spec.paper}
    assert set(rendered) == {"pdf", "md", "notes.csv", "actions.csv", "ics", "json"}

    md = rendered["md"].decode("utf-8")
    assert "Tally: Count the marks" in md and "More breaks: 3 marks" in md
    notes_rows = table(rendered["notes.csv"], doc)
    assert notes_rows[0][-1] == "Tally"  # its column, last
    assert [(r[2], r[-1]) for r in notes_rows[1:]] == [("More breaks", "3"), ("Quiet room", "")]
    actions_rows = table(rendered["actions.csv"], doc)
    assert actions_rows[0][-1] == "Tally" and actions_rows[1][-1] == "3"
    assert json.loads(rendered["json"])["tally"]["marks"][0]["count"] == 3
    ics = rendered["ics"].decode("utf-8")
    assert "SUMMARY:Tally: Count the marks" in ics and "More breaks: 3" in ics
    pdf = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(rendered["pdf"])).pages).split())
    assert "More breaks: 3 marks" in pdf
    page = export.page(doc, {})
    assert "Tally: Count the marks" in page and "More breaks: 3 marks" in page
    assert "Tally: 3 marks" in export.summary_text(doc)
