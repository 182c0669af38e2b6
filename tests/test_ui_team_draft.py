"""The team's name and the adjusted times survive a walk-away and a power cut before
Start, with real taps: type the name, adjust a step, leave the screen untouched until
the board comes back, restart the kiosk, pick the same method — both are back; Start
makes the session and the draft is gone. Another method, or the next day, starts clean.
"""

from __future__ import annotations

import pytest

from kiosk.core.workshop import ACTIVE_KEY

from test_ui_picker_plan import pick, tap_visible

pytestmark = pytest.mark.window


def to_team(k, method_id: str = "trivselsdialog"):
    k.app.show("board")
    k.frames(2)
    k.tap("start")
    pick(k, method_id)
    assert k.app.sm.current == "team"
    return k.screen()


def test_name_and_times_survive_walking_away_and_a_restart(display, data_dir, clock):
    from kiosk_testing import Driver
    from kiosk.ui.app import IDLE_SECONDS

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        to_team(k)
        k.type(k.find("keyboard"), "Køkkenet Øst")
        k.tap("plan")
        tap_visible(k, k.screen().rows["refleksion"].ids.plus5)
        k.tap("done")
        k.advance(IDLE_SECONDS + 5)                                # walked away
        assert k.app.sm.current == "board"
        draft = k.app.store.get_state("draft")
        assert draft["team"] == "Køkkenet Øst" and draft["minutes"] == {"refleksion": 15.0}
    finally:
        k.close()                                                  # the power goes

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        team = to_team(k)
        assert k.find("name").text == "Køkkenet Øst"
        assert "1 step adjusted" in team.plan_text
        assert k.app.notice == "The team's name and the times from before are back."
        k.tap("start")
        assert k.app.sm.current == "workshop"
        doc = k.app.store.load_session(k.app.store.get_state(ACTIVE_KEY))
        assert doc["team"] == "Køkkenet Øst"
        assert {s["id"]: s["minutes"] for s in doc["method"]["steps"]}["refleksion"] == 15
        assert k.app.store.get_state("draft") is None              # done with it
    finally:
        k.close()


def test_another_method_or_the_next_day_starts_clean_and_an_emptied_name_clears_it(kiosk):
    k = kiosk
    to_team(k)
    k.type(k.find("keyboard"), "Lageret")
    k.tap("back")                                                  # to the picker: kept
    assert k.app.store.get_state("draft")["team"] == "Lageret"
    k.tap("back")
    to_team(k, "apu")
    assert k.find("name").text == "" and k.app.notice == ""       # another method: clean
    k.tap("back")
    assert k.app.store.get_state("draft")["team"] == "Lageret"    # … and the other draft stays
    k.tap("back")
    k.advance(13 * 3600)                                           # the next day
    to_team(k)
    assert k.find("name").text == ""
    k.find("name").text = "X"
    k.find("name").text = ""
    k.tap("back")                                                  # nothing typed, nothing adjusted
    assert k.app.store.get_state("draft") is None
