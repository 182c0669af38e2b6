"""Minutes and the Facilitator panel on the workshop screen, by real taps in a real window
(issue 15): the referent writes a step's minutes on the wall's keyboard (and a physical
one), they are in the export under their step, a later step recalls them; bad input (too
long, the group moved on meanwhile) loses nothing; the facilitator's notes show only in
their panel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.core import export
from kiosk.core.loader import load_method
from kiosk.core.minutes import MAX_CHARS, TABLE

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "minutes"

METHOD = """
[method]
id = "minutes-ui"
title = "Referatprøve"
language = "en"
summary = "Welcome, a round, a round-off."
source = "The minutes' window test"

[method.facilitator]
roles = ["Agree who keeps the time and who writes the minutes"]
safety = ["Nobody is named in the minutes"]

[[steps]]
id = "welcome"
title = "Welcome"
minutes = 10
activity = "talk"
record = "Expectations"
prompts = ["Say briefly what you expect of today"]
[steps.facilitator]
purpose = "Everyone is heard once before the work starts"
tips = ["Write the expectations down as they are said"]
pitfalls = ["Long speeches eat the time"]

[[steps]]
id = "checkin"
title = "Check-in"
minutes = 6
activity = "rounds"
[steps.params]
rounds = [{ name = "Situation", minutes = 3 }, { name = "Need", minutes = 3 }]

[[steps]]
id = "roundoff"
title = "Round-off"
minutes = 10
activity = "talk"
record = "Evaluation"
recall = ["welcome"]
prompts = ["Were the expectations met?"]
"""


@pytest.fixture
def method(tmp_path):
    path = tmp_path / "minutes-ui.toml"
    path.write_text(METHOD, encoding="utf-8")
    return load_method(path)


def stored(k, sid):
    return {d["step"]: d["text"] for d in k.app.store.all(sid, TABLE)}


def test_minutes_typed_on_a_talk_step_reach_the_export_and_the_round_off(kiosk, method, clock):
    from tests.test_ui_physical_keyboard import type_on_the_keyboard

    k = kiosk
    assert k.app.start_workshop(method, "Team M"), k.app.notice
    k.frames(3)                                      # the screen laid out
    ws, screen = k.app.workshop, k.screen()
    sid = ws.session.id
    button = k.find("minutes")
    assert screen.minutes_asked and button.height >= 80 and "Minutes" in button.text  # it asks: in colour
    k.tap("minutes")
    panel = screen.minutes_panel
    assert panel.get_root_window() is not None and panel.heading == "Expectations"
    field = panel.ids.text
    k.type(panel.ids.keyboard, "Learn")
    k.tap(panel.ids.keyboard.keys["enter"])          # the wall's enter key: a new line here
    k.type(panel.ids.keyboard, "Calm")
    type_on_the_keyboard(k, " days", field)          # a physical keyboard goes on in the same field
    assert field.text == "Learn\nCalm days" and panel.counter == f"15/{MAX_CHARS}"
    k.tap(panel.ids.save)
    assert panel.get_root_window() is None
    assert stored(k, sid) == {"welcome": "Learn\nCalm days"} and screen.minutes_written

    doc = export.document(k.app.store, sid, clock=clock)   # the export, as the phone takes it
    assert [(m["title"], m["heading"], m["text"]) for m in doc["minutes"]] == [
        ("Welcome", "Expectations", "Learn\nCalm days")]
    md = export.markdown(doc)
    assert md.index("### Welcome — Expectations") < md.index("Learn  \nCalm days")
    assert "<h3>Welcome — Expectations</h3><p>Learn<br>Calm days</p>" in export.page(doc, {})
    assert json.loads(export.render(doc, "json"))["minutes"][0]["text"] == "Learn\nCalm days"

    k.tap("undo")                                    # the one Undo button takes the save back
    assert stored(k, sid) == {} and not screen.minutes_written
    k.tap("minutes")
    panel = screen.minutes_panel
    assert panel.ids.text.text == ""
    k.type(panel.ids.keyboard, "Learn")
    k.app.act(ws.next, undo=ws)                      # the group moves on (another hand, a pad) …
    k.frames(2)
    assert ws.session.step.id == "checkin" and not screen.minutes_asked
    k.tap(panel.ids.save)                            # … the minutes still go to the step they were for
    assert stored(k, sid) == {"welcome": "Learn"}

    k.tap("minutes")                                 # a step that does not ask can have minutes too
    panel = screen.minutes_panel
    assert panel.heading == "Minutes" and panel.step_title.endswith("Check-in")
    panel.ids.text.text = "x" * (MAX_CHARS + 1)      # pasted, say: too long
    assert panel.over and panel.counter.endswith("!")
    k.tap(panel.ids.save)
    assert panel.get_root_window() is not None and len(panel.ids.text.text) == MAX_CHARS + 1  # nothing lost
    assert k.app.notice_kind == "error" and str(MAX_CHARS) in k.app.notice
    assert stored(k, sid) == {"welcome": "Learn"}
    k.tap(panel.ids.keyboard.keys["backspace"])
    k.tap(panel.ids.save)
    assert panel.get_root_window() is None and len(stored(k, sid)["checkin"]) == MAX_CHARS

    k.app.act(ws.next, undo=ws)                      # the round-off recalls the welcome's minutes
    k.frames(3)
    view = k.find("activity").children[0]
    recall = view.ids.recall
    assert view.recalling and recall.opacity == 1 and recall.height > 200
    assert "Expectations · Welcome" in recall.text and "Learn" in recall.text
    assert recall.font >= 28 * k.app.s              # read from 3 m
    k.screenshot(SHOTS / "roundoff-recall-1920x1080.png")


def test_the_facilitator_panel_shows_the_notes_only_while_open(kiosk, method):
    k = kiosk
    assert k.app.start_workshop(method, "Team F"), k.app.notice
    k.frames(3)
    screen = k.screen()
    assert k.find("facilitator").height >= 80
    k.tap("facilitator")
    panel = screen.facilitator_panel
    assert panel.get_root_window() is not None
    assert panel.tab == "method"                     # the first step opens on what to prepare
    assert "Roles" in panel.text and "who writes the minutes" in panel.text and "Nobody is named" in panel.text
    k.screenshot(SHOTS / "facilitator-method-1920x1080.png")
    k.tap(panel.ids.tab_step)
    assert panel.tab == "step" and "Purpose" in panel.text and "Everyone is heard once" in panel.text
    assert panel.text.index("Purpose") < panel.text.index("Tips") < panel.text.index("Pitfalls")
    k.tap(panel.ids.close)
    assert panel.get_root_window() is None
    shown = [w.text for top in k.window.children for w in top.walk() if isinstance(getattr(w, "text", None), str)]
    assert not [t for t in shown if "Everyone is heard" in t or "who writes the minutes" in t]

    ws = k.app.workshop
    k.app.act(ws.next, undo=ws)
    k.frames(2)
    k.tap("facilitator")                              # a step without notes says so
    panel = screen.facilitator_panel
    assert panel.tab == "step" and panel.empty
    assert panel.text == "There are no facilitator notes for this step."
    k.tap(panel.ids.close)


# -- screenshots: python -m tests.test_ui_minutes 1920x1080 (or 3840x2160) -------------------

def shoot(size: str) -> list[Path]:
    """The minutes panel, the round-off's recall and the facilitator panel of the
    Trivselsdialog, in Danish."""
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="da")
    shots = []
    try:
        method = load_method(ROOT / "methods" / "trivselsdialog.toml")
        assert k.app.start_workshop(method, "Hjemmeplejen Nord")
        k.frames(3)
        shots.append(k.screenshot(SHOTS / f"welcome-{size}.png"))
        screen = k.screen()
        k.tap("minutes")
        panel = screen.minutes_panel
        k.type(panel.ids.keyboard, "Lære noget nyt om hinanden")
        k.tap(panel.ids.keyboard.keys["enter"])
        k.type(panel.ids.keyboard, "Mere ro i hverdagen")
        shots.append(k.screenshot(SHOTS / f"minutes-panel-{size}.png"))
        k.tap(panel.ids.save)
        k.tap("facilitator")
        shots.append(k.screenshot(SHOTS / f"facilitator-method-{size}.png"))
        k.tap(screen.facilitator_panel.ids.tab_step)
        shots.append(k.screenshot(SHOTS / f"facilitator-step-{size}.png"))
        k.tap(screen.facilitator_panel.ids.close)
        ws = k.app.workshop
        k.app.act(ws.go_to, method.step_index("afrunding"), undo=ws)
        k.frames(3)
        shots.append(k.screenshot(SHOTS / f"roundoff-recall-{size}.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(ROOT))
    from kiosk_testing import print_shots

    print_shots(shoot)
