"""The admin deletes a waiting session in Settings (behind the PIN), with real taps:
Delete asks first, Cancel keeps it, Yes deletes it from the store and from home's list,
the other waiting session stays.

Screenshots: ``python -m tests.test_ui_delete_session 1920x1080`` (or 3840x2160) writes
Settings with two waiting sessions and the confirm under screenshots/delete/.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.loader import load_method
from kiosk.core.activities.statuspil import Board
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop, waiting_sessions

from test_meetings import at_meeting_end, day

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]


def two_waiting(app):
    """Kjøkkenet between its meetings (a note, two actions, meeting 2 in three weeks) and
    Lageret prepared with two of the trio's notes — made through the core."""
    ws = at_meeting_end(app.store, app.clock)
    between = ws.session.id
    Wall(app.store, between, app.clock).add_note("less", "Bedre overlapp", step="prioritere")
    plan = ActionPlan(app.store, between, app.clock)
    for theme in ("Overlapp ved vaktskifte", "Faste pauser"):
        plan.set_owner(plan.add(None, theme).id, "Kari")
    ws.end_meeting(day(app.clock, 21))
    method = load_method(ROOT / "methods" / "trivselsdialog.toml")
    prepared = Workshop.prepare(app.store, app.clock, method, "Lageret").id
    wall = Wall(app.store, prepared, app.clock)
    wall.add_note("trio", "Travlt på kø", step="refleksion", face_down=True)
    wall.add_note("trio", "Støj", step="refleksion", face_down=True)
    return between, prepared


def to_settings(k):
    """The board's Menu, the PIN by taps, Settings."""
    k.app.show(k.app.idle_screen())
    k.frames(4)
    assert k.app.sm.current == "board"
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    assert k.app.sm.current == "settings"
    return k.screen()


def test_delete_a_waiting_session_asks_first_then_deletes_it(kiosk):
    k = kiosk
    app = k.app
    between, prepared = two_waiting(app)
    screen = to_settings(k)
    assert screen.waiting_title == "Waiting sessions"
    rows = list(reversed(screen.ids.waiting.children))
    assert [r.waiting.session_id for r in rows] == [between, prepared]   # the dated one first
    assert rows[0].head == "Kjøkkenet · Dialogverksted" and rows[0].under.startswith("meeting 2 · ")
    assert rows[1].under == "prepared, not started · 2 post-its prepared"
    delete = screen.ids.delete_0
    assert delete.text == "Delete" and delete.height >= 80 * app.s and delete.width >= 80 * app.s
    assert screen.ids.pin.y >= rows[0].top and rows[-1].y >= screen.ids.quit.top   # no overlap: it fits

    k.tap(delete)                                                       # Kjøkkenet: asks first
    confirm = app.confirm_view
    assert confirm.get_parent_window() is not None
    assert "Kjøkkenet" in confirm.question and "(1)" in confirm.question and "(2)" in confirm.question
    assert "cannot be undone" in confirm.question
    k.tap(confirm.ids.no)                                           # Cancel keeps it
    assert confirm.get_parent_window() is None
    assert {w.session_id for w in waiting_sessions(app.store)} == {between, prepared}
    assert len(Board(app.store, app.clock).open_actions()) == 2

    k.tap(screen.ids.delete_0)
    k.tap(app.confirm_view.ids.yes)                                     # Yes deletes it
    assert app.store.load_session(between) is None
    assert [w.session_id for w in waiting_sessions(app.store)] == [prepared]
    assert Board(app.store, app.clock).open_actions() == []
    assert app.notice == "The session of Kjøkkenet was deleted."
    rows = list(reversed(screen.ids.waiting.children))
    assert [r.waiting.session_id for r in rows] == [prepared] and "delete_1" not in screen.ids

    k.tap("back")                                                       # home lists only Lageret
    app.show("home")
    k.frames(2)
    home = k.screen()
    assert app.sm.current == "home"
    assert [b.waiting.session_id for b in home.continue_buttons()] == [prepared]
    assert len(Wall(app.store, prepared, app.clock).notes()) == 2        # the other untouched


def test_no_waiting_session_says_so_and_a_vanished_one_is_refused_in_words(kiosk):
    k = kiosk
    app = k.app
    screen = to_settings(k)
    assert screen.waiting_title == "Waiting sessions: none" and screen.ids.waiting.children == []
    k.tap("back")
    between, prepared = two_waiting(app)
    screen = to_settings(k)
    assert len(screen.ids.waiting.children) == 2
    k.tap(screen.ids.delete_1)                                          # Lageret …
    Workshop.delete_waiting(app.store, prepared)                        # … gone meanwhile
    k.tap(app.confirm_view.ids.yes)
    assert app.notice == "That session cannot be found."
    assert [r.waiting.session_id for r in screen.ids.waiting.children] == [between]


def test_six_waiting_show_four_and_say_more_and_the_screen_still_fits_in_danish(kiosk):
    k = kiosk
    app = k.app
    method = load_method(ROOT / "methods" / "trivselsdialog.toml")
    teams = ["Team " + "ABCDEF"[i] + " — " + "lang afdelingsbetegnelse " * 2 for i in range(6)]
    for team in teams:
        Workshop.prepare(app.store, app.clock, method, team[:60])
    assert app.save_settings(replace(app.settings, lang="da"))
    screen = to_settings(k)
    assert screen.waiting_title == "Ventende forløb (+2 mere, ikke vist)"
    rows = list(reversed(screen.ids.waiting.children))
    assert len(rows) == 4 and [f"delete_{i}" in screen.ids for i in range(5)] == [True] * 4 + [False]
    assert all(r.under.startswith("forberedt, ikke startet · ") for r in rows)
    assert rows[0].head.startswith("Team A — lang afdelingsbetegnelse")
    assert rows[0].head.endswith("Trivselsdialog")
    assert screen.ids.delete_0.text == "Slet"
    assert screen.ids.pin.y >= rows[0].top                                   # below the PIN row …
    assert min(r.y for r in rows) >= screen.ids.quit.top + 20 * app.s        # … above the bottom row
    assert all(r.right <= app.root_window.width for r in rows)
    k.screenshot(ROOT / "screenshots" / "delete" / "settings-six-waiting-da-1920x1080.png")
    k.tap(screen.ids.delete_3)
    assert app.confirm_view.question.startswith("Slet forløbet for Team D — ")
    k.tap(app.confirm_view.ids.yes)
    assert len(waiting_sessions(app.store)) == 5
    assert screen.waiting_title == "Ventende forløb (+1 mere, ikke vist)"


# -- screenshots ----------------------------------------------------------------------------

def _shoot(size: str) -> list:
    import sys

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="en")
    out = ROOT / "screenshots" / "delete"
    try:
        two_waiting(k.app)
        screen = to_settings(k)
        shots = [k.screenshot(out / f"settings-waiting-{size}.png")]
        k.tap(screen.ids.delete_0)
        shots.append(k.screenshot(out / f"confirm-delete-{size}.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
