"""The statuspil board in a real window, used with real touches.

Actions are made through the core (as a workshop's action step would), the board is
shown, and a finger taps rows, the panel's buttons and the confirm; then a fresh
``Board`` reads the store, so what the screen claims is what is on disk.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.core.activities.actions import ActionPlan, local_date
from kiosk.core.activities.statuspil import Board
from kiosk.core.workshop import Workshop
from kiosk.ui import messages

pytestmark = pytest.mark.window

SCREENSHOTS_DIR = "screenshots/tests"
THEMES = ["Travlhed om morgenen", "Vagtplanen kommer for sent", "Mere ro til dokumentation",
          "Bedre overblik over ugen", "Faglig sparring hver uge", "Tunge løft uden hjælpemidler",
          "Klare aftaler om ruter", "Pauser der bliver holdt", "Nye kolleger tages godt imod",
          "Færre afbrydelser i telefonen"]
OWNERS = ["Mette", "Jonas", "Aisha", "Lars P.", "Birgitte", "Tove og Ali"]
TEAMS = ["Hjemmeplejen Nord", "Køkkenet", "Rengøringen", "Aftenvagten"]


# -- helpers ---------------------------------------------------------------------------------

def seed(k, n: int, *, team: str = "Hjemmeplejen Nord", teams=None, days_ahead: int = 10):
    """n actions made through the core (ActionPlan), up to 100 per session (the core's
    limit), each with an owner and a follow-up day; returns [(session id, action id)]."""
    app = k.app
    method = app.method_by_id("trivselsdialog")
    made = []
    per = 100 if teams is None else -(-n // len(teams))
    left, s = n, 0
    while left > 0:
        name = (teams or [team])[s % len(teams or [team])]
        ws = Workshop.start(app.store, app.clock, method, name, lang="da")
        plan = ActionPlan(app.store, ws.session.id, app.clock)
        today = local_date(app.clock.now())
        with app.store.batch(ws.session.id):
            for _ in range(min(left, per)):
                j = len(made)
                a = plan.add(None, THEMES[j % len(THEMES)] + ("" if j < len(THEMES) else f" {j}"))
                plan.set_owner(a.id, OWNERS[j % len(OWNERS)])
                plan.set_follow_up(a.id, (today + timedelta(days=days_ahead + j % 20)).isoformat())
                made.append((ws.session.id, a.id))
                left -= 1
        s += 1
    return made


def board_of(k, monkeypatch):
    """The board, re-read after the test seeded actions behind its back (it is the idle screen)."""
    k.app.show("board")
    screen = k.screen()
    screen.refresh()
    k.frames(3)
    assert k.app.sm.current == "board"
    return screen


def fresh(k) -> Board:
    """The board as the store has it, read by a new controller."""
    return Board(k.app.store, k.app.clock)


def banner(k) -> str:
    bar = k.app.root.ids.banner
    return bar.ids.msg.text if bar.height > 0 and bar.opacity > 0 else ""


def move_forward(k, screen, key):
    """Tap the row, tap "Move to …" in the panel, tap the confirm's yes."""
    row = screen.row_for(*key)
    assert row is not None
    k.tap(row)
    panel = screen._panel
    assert panel is not None and panel.parent is not None
    k.tap(panel.buttons["forward"])
    from kiosk.ui import theme
    assert list(k.app.confirm_view.ids.yes.face) == list(theme.GO)      # forward: green, not a warning
    k.tap(k.app.confirm_view.ids.yes)
    assert panel.parent is None


def shot(k, name):
    from tests.conftest import ROOT

    k.screenshot(ROOT / SCREENSHOTS_DIR / name)


# -- tests -------------------------------------------------------------------------------------

def test_move_twice_undo_once_and_the_undo_goes_after_its_window(kiosk, monkeypatch):
    k = kiosk
    keys = seed(k, 5)
    screen = board_of(k, monkeypatch)
    key = keys[0]
    row = screen.row_for(*key)
    assert row.ids.stages.stage == 0 and not row.ids.undo.live
    shot(k, "board-5-1920x1080.png")

    k.tap(row)
    panel = screen._panel
    assert "undervejs" not in panel.buttons["forward"].text and "sat i gang" in panel.buttons["forward"].text
    shot(k, "board-panel-1920x1080.png")
    k.tap(panel.buttons["forward"])
    assert k.app.confirm_view.question == "Move “Travlhed om morgenen” to “sat i gang”?"
    shot(k, "board-confirm-1920x1080.png")
    k.tap(k.app.confirm_view.ids.yes)
    assert fresh(k).action(*key).stage == 1
    k.advance(2)
    move_forward(k, screen, key)
    assert fresh(k).action(*key).stage == 2

    row = screen.row_for(*key)
    assert row.ids.undo.live and row.ids.stages.stage == 2
    assert "Undo" in row.undo_text
    k.advance(3)
    k.tap(row.ids.undo)                         # the later move is taken back
    a = fresh(k).action(*key)
    assert a.stage == 1
    assert [(h["from"], h["to"], h["by"], h["event"]) for h in a.history] == [(0, 1, "board", "move")]
    row = screen.row_for(*key)
    assert row.ids.stages.stage == 1
    assert row.ids.undo.live                    # the first move is still in its window

    k.advance(31)
    assert not screen.row_for(*key).ids.undo.live
    assert fresh(k).undo_left(fresh(k).action(*key)) == 0
    assert fresh(k).action(*key).stage == 1     # the undo window closing changes nothing


def test_a_stale_panel_is_refused_and_nothing_jumps(kiosk, monkeypatch):
    k = kiosk
    keys = seed(k, 3)
    screen = board_of(k, monkeypatch)
    key = keys[1]
    k.tap(screen.row_for(*key))                 # the panel shows stage 0
    fresh(k).forward(*key, seen_stage=0)        # someone else moves it meanwhile
    k.tap(screen._panel.buttons["forward"])
    k.tap(k.app.confirm_view.ids.yes)
    assert k.app.notice_kind == "error"
    assert banner(k) == messages.refusal("moved_meanwhile")
    a = fresh(k).action(*key)
    assert a.stage == 1 and len(a.history) == 1  # one stage on, not two
    assert screen.row_for(*key).ids.stages.stage == 1
    assert screen._panel.parent is None


def test_park_keeps_the_row_in_place_while_its_undo_is_offered(kiosk, monkeypatch):
    k = kiosk
    keys = seed(k, 4)
    screen = board_of(k, monkeypatch)
    key = keys[0]
    before = [r.arrow.action.key for r in screen.rows if r.arrow]
    k.tap(screen.row_for(*key))
    k.tap(screen._panel.buttons["park"])
    k.tap(k.app.confirm_view.ids.yes)
    assert fresh(k).action(*key).parked
    assert [r.arrow.action.key for r in screen.rows if r.arrow] == before
    row = screen.row_for(*key)
    assert "Parked" in row.when_text and row.ids.undo.live
    k.advance(31)
    after = [r.arrow.action.key for r in screen.rows if r.arrow]
    assert after[-1] == key                     # then it goes to the parked ones, last
    k.tap(screen.row_for(*key))
    assert "park" in screen._panel.buttons and "forward" not in [
        n for n, b in screen._panel.buttons.items() if b.parent is not None]
    assert screen._panel.buttons["park"].text == "Unpark"
    k.tap(screen._panel.ids.close)


def test_an_overdue_action_is_marked_with_a_sign_and_a_word(kiosk, monkeypatch):
    k = kiosk
    keys = seed(k, 2, days_ahead=1)            # follow-up tomorrow and the day after
    screen = board_of(k, monkeypatch)
    row = screen.row_for(*keys[0])
    assert not row.overdue and "Not followed up" not in row.when_text
    k.advance(3 * 86_400)
    row = screen.row_for(*keys[0])
    assert row.overdue and row.attention
    assert "⚠" in row.when_text and "Not followed up" in row.when_text   # nobody has followed it up since
    shot(k, "board-overdue-1920x1080.png")


def test_an_empty_board_says_how_actions_get_here(kiosk, monkeypatch):
    k = kiosk
    screen = board_of(k, monkeypatch)
    assert all(r.arrow is None and r.opacity == 0 for r in screen.rows)
    empty = k.find("empty")
    assert empty.opacity == 1 and "workshop agrees on actions" in empty.text
    assert k.find("prev").opacity == 0 and k.find("next").opacity == 0
    k.tap("start")
    assert k.app.sm.current == "picker"


def test_120_actions_page_with_big_rows_and_a_flat_widget_count(kiosk, monkeypatch):
    k = kiosk
    seed(k, 120, teams=TEAMS)
    screen = board_of(k, monkeypatch)
    shot(k, "board-120-1920x1080.png")
    rows = [r for r in screen.rows if r.arrow is not None]
    assert len(rows) >= 5
    assert all(r.height >= 80 for r in rows)
    assert screen.pages == -(-120 // len(screen.rows))
    assert "of" in screen.page_text and "120 actions" in screen.page_text
    counts = []
    for i in range(50):
        k.advance(1)
        counts.append(len(list(screen.walk())))
        if i == 10:
            k.tap("next")
            assert screen.page == 1
    assert len(set(counts)) == 1, counts
    k.tap("team")                                # narrow to one team
    picker = screen.team_picker
    k.tap(next(b for b in picker.ids.grid.children if b.text == "Køkkenet"))
    assert screen.team == "Køkkenet" and screen.page == 0
    assert {r.arrow.team for r in screen.rows if r.arrow} == {"Køkkenet"}
    assert len(list(screen.walk())) == counts[0]


def test_a_dropped_trial_keeps_its_row_and_undo_then_goes_to_the_archive(kiosk, monkeypatch):
    k = kiosk
    key = seed(k, 1)[0]
    plan = ActionPlan(k.app.store, key[0], k.app.clock)
    plan.set_trial(key[1], True, local_date(k.app.clock.now()).isoformat())  # review today
    screen = board_of(k, monkeypatch)
    row = screen.row_for(*key)
    assert row.attention and "Review due" in row.when_text
    k.tap(row)
    k.tap(screen._panel.buttons["drop"])
    from kiosk.ui import theme
    assert list(k.app.confirm_view.ids.yes.face) == list(theme.WARN)    # dropping: the warning colour
    k.tap(k.app.confirm_view.ids.yes)
    assert fresh(k).action(*key).dropped
    row = screen.row_for(*key)
    assert row is not None and "Dropped" in row.when_text and row.ids.undo.live
    k.advance(31)
    assert screen.row_for(*key) is None
    k.tap("archive")
    assert screen.archive_mode and screen.row_for(*key) is not None
    k.tap("archive")
    assert not screen.archive_mode


def test_the_night_dims_the_board_and_a_tap_wakes_it_without_opening_anything(kiosk, monkeypatch):
    from datetime import datetime

    k = kiosk
    seed(k, 2)
    screen = board_of(k, monkeypatch)
    assert not screen.dimmed
    now = datetime.fromtimestamp(k.app.clock.now())
    night = now.replace(hour=23, minute=30)
    k.advance((night - now).total_seconds() % 86_400 + 121)
    assert screen.dimmed and screen.ids.dim.opacity == 1
    k.tap(screen.rows[0])                       # lands on the veil, not on the row
    assert not screen.dimmed and (screen._panel is None or screen._panel.parent is None)
    k.advance(61)
    assert screen.dimmed                        # a minute later it is dark again
