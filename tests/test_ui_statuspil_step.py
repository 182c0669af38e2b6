"""The trivselsdialog's statuspil step in a real window, used with real touches: the
session's actions as arrows (the board's own drawing), a tap on a stage + confirm sets
where an action starts, the store (read by a fresh Board) has it, Undo takes it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.activities.statuspil import Board

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "board"


def start_with_actions(k, themes, owners=("Mette", "Jonas", "Aisha")):
    app = k.app
    assert app.start_workshop(app.method_by_id("trivselsdialog"), "Hjemmeplejen Nord"), app.notice
    plan = ActionPlan(app.store, app.workshop.session.id, app.clock)
    made = []
    for i, theme in enumerate(themes):
        a = plan.add(None, theme)
        plan.set_owner(a.id, owners[i % len(owners)])
        made.append(a)
    ws = app.workshop
    app.act(ws.go_to, ws.session.method.step_index("statuspil"), undo=ws)
    k.frames(3)
    view = k.find("activity").children[0]
    assert type(view).__name__ == "StatuspilView"
    return view, made


def stage_centre(k, arrow, stage: int):
    """The window point of a stage's chevron body, found by the arrow's own hit test."""
    for i in range(1, 400):
        x = arrow.width * i / 400
        if arrow.stage_at(x) == stage and arrow.stage_at(x + arrow.width / 40) == stage:
            return arrow.to_window(arrow.x + x + arrow.width / 80, arrow.center_y)
    raise AssertionError(f"no stage {stage} on the arrow")


def tap_at(k, pos):
    t = k.touch(*pos)
    t.touch_down()
    k.frames(1)
    t.touch_up()
    k.frames(2)


def test_a_stage_tapped_and_confirmed_is_stored_logged_and_undone(kiosk):
    k = kiosk
    view, made = start_with_actions(k, ["Travlhed om morgenen", "Vagtplanen kommer for sent"])
    a = made[1]
    row = view.row_for(a.id)
    assert row is not None and list(row.ids.arrow.stages) == ["aftalt", "sat i gang", "undervejs", "fulgt op", "i mål"]
    assert "aftalt" in view.stages_text and view.page_text == "2 actions"

    tap_at(k, stage_centre(k, row.ids.arrow, 2))                    # "undervejs"
    confirm = k.app.confirm_view
    assert "undervejs" in confirm.question and "Vagtplanen" in confirm.question
    k.tap(confirm.ids.yes)
    stored = Board(k.app.store, k.app.clock).action(a.session_id, a.id)
    assert stored.stage == 2
    [record] = stored.history
    assert (record["from"], record["to"], record["by"]) == (0, 2, "workshop")
    assert view.row_for(a.id).ids.arrow.stage == 2                  # the screen shows what is stored
    assert Board(k.app.store, k.app.clock).action(made[0].session_id, made[0].id).stage == 0

    k.screenshot(SHOTS / "statuspil-step-1920x1080.png")
    k.tap("undo")                                                   # the kiosk's one Undo
    stored = Board(k.app.store, k.app.clock).action(a.session_id, a.id)
    assert stored.stage == 0 and stored.history == ()
    assert view.row_for(a.id).ids.arrow.stage == 0


def test_a_mis_tap_is_harmless_and_the_same_stage_says_so(kiosk):
    k = kiosk
    view, made = start_with_actions(k, ["Pauser der bliver holdt"])
    a = made[0]
    arrow = view.row_for(a.id).ids.arrow
    tap_at(k, stage_centre(k, arrow, 4))
    k.tap(k.app.confirm_view.ids.no)                                # changed their mind
    assert Board(k.app.store, k.app.clock).action(a.session_id, a.id).stage == 0
    tap_at(k, stage_centre(k, arrow, 0))                            # where it already is
    assert "already there" in k.app.notice
    assert Board(k.app.store, k.app.clock).action(a.session_id, a.id).history == ()


def test_no_actions_shows_the_arrow_they_will_get(kiosk):
    k = kiosk
    view, _ = start_with_actions(k, [])
    assert not view.has_actions and "No actions yet" in view.empty_text
    assert list(view.ids.example.stages)[0] == "aftalt"
    assert view.ids.empty.get_root_window() is not None


def test_many_actions_page_with_big_buttons(kiosk):
    k = kiosk
    view, made = start_with_actions(k, [f"Indsats nummer {i}" for i in range(1, 13)])
    per = len(view.rows)
    assert 3 <= per < 12 and view.pages == -(-12 // per)
    k.tap(view.ids.next_page)
    assert view.page == 1 and view.rows[0].action.id == made[per].id
    row = view.rows[0]
    tap_at(k, stage_centre(k, row.ids.arrow, 1))
    k.tap(k.app.confirm_view.ids.yes)
    assert Board(k.app.store, k.app.clock).action(made[per].session_id, made[per].id).stage == 1
