"""The statuspil board against the real store: moves, stale taps, undo window, overdue,
archive, trial verdicts, next meetings, restart, 0 and 200 actions, a full disk."""

from __future__ import annotations

import errno
import os
import time
from datetime import timedelta

import pytest

from kiosk.core.activities import statuspil as statuspil_mod
from kiosk.core.activities.actions import ACTIONS, Action, ActionError, ActionPlan, today
from kiosk.core.session import Session
from kiosk.core.activities.statuspil import (DEFAULT_STAGES, PARKED, Board, next_meeting, set_next_meeting,
                                  stages_from)
from kiosk.store import Store, StoreError

pytestmark = pytest.mark.refusal(error=ActionError)

DAY = 86_400


@pytest.fixture
def board(store, clock):
    return Board(store, clock)


def day(clock, n: int) -> str:
    return (today(clock) + timedelta(days=n)).isoformat()


def new_session(store, clock, method, team: str = "Team A") -> str:
    session = Session.create(method, team, clock.now())
    store.save_session(session.to_dict())
    return session.id


def new_action(store, clock, sid: str, label: str = "Travlhed", *, follow_up: int | None = 14,
               owner: str = "Mette") -> Action:
    plan = ActionPlan(store, sid, clock)
    a = plan.add("c1", label)
    plan.set_owner(a.id, owner)
    if follow_up is not None:
        plan.set_follow_up(a.id, day(clock, follow_up))
    return plan.get(a.id)


@pytest.fixture
def sid(store, clock, method):
    return new_session(store, clock, method)


@pytest.fixture
def act(store, clock, sid):
    return new_action(store, clock, sid)


def full_disk(monkeypatch):
    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)


def board_view(board: Board) -> list[tuple]:
    return [(r.team, r.action.to_dict(), r.overdue) for r in board.open_actions()]


# -- stage lists --------------------------------------------------------------------------------

def test_stage_lists_come_from_the_method_or_the_default(method):
    step = method.steps[method.step_index("statuspil")]
    assert stages_from(step.params) == DEFAULT_STAGES == ("aftalt", "sat i gang", "undervejs",
                                                          "fulgt op", "i mål")
    assert stages_from(None) == stages_from({}) == stages_from({"stages": None}) == DEFAULT_STAGES
    assert stages_from({"stages": ["planlagt", "ferdig"]}) == ("planlagt", "ferdig")


@pytest.mark.parametrize("stages", [[], ["one"], ["a", "a"], ["Aftalt", "aftalt"], ["a", ""],
                                    "aftalt,i mål", ["a", None], ["a", PARKED], [str(i) for i in range(13)]])
def test_empty_or_duplicate_stage_lists_are_refused(stages, refused):
    refused("stages_invalid", stages_from, {"stages": stages})


# -- moving -------------------------------------------------------------------------------------

def test_forward_and_back_log_every_move_with_its_time(board, clock, sid, act):
    a = board.forward(sid, act.id, seen_stage=0)
    assert a.stage == 1 and a.stage_name == "sat i gang"
    clock.advance(60)
    a = board.forward(sid, act.id, seen_stage=1, by="workshop")
    clock.advance(60)
    a = board.back(sid, act.id, seen_stage=2)
    assert a.stage == 1 and board.action(sid, act.id) == a
    assert [(h["at"], h["from"], h["to"], h["by"]) for h in a.history] == [
        (clock.now() - 120, 0, 1, "board"), (clock.now() - 60, 1, 2, "workshop"), (clock.now(), 2, 1, "board")]


def test_the_last_stage_finishes_and_back_reopens(board, clock, sid, act, refused):
    a = board.move(sid, act.id, 4, seen_stage=0)
    assert a.finished and a.finished_at == clock.now()
    refused("finished", board.forward, sid, act.id, seen_stage=4)
    a = board.back(sid, act.id, seen_stage=4)
    assert a.stage == 3 and not a.finished


def test_moves_that_do_nothing_or_go_nowhere_are_refused(board, sid, act, refused):
    refused("no_move", board.back, sid, act.id, seen_stage=0)
    refused("no_move", board.move, sid, act.id, 0, seen_stage=0)
    for bad in (5, -1, "2", True, None):
        refused("no_such_stage", board.move, sid, act.id, bad, seen_stage=0)
    refused("by_unknown", board.forward, sid, act.id, seen_stage=0, by="phone")
    assert board.action(sid, act.id).history == ()


def test_a_stale_tap_is_refused_so_nothing_jumps_two_stages(store, clock, sid, act, refused):
    left, right = Board(store, clock), Board(store, clock)  # e.g. the screen and a second view
    left.forward(sid, act.id, seen_stage=0)
    refused("moved_meanwhile", right.forward, sid, act.id, seen_stage=0)
    refused("moved_meanwhile", right.move, sid, act.id, 2, seen_stage=0)
    a = right.action(sid, act.id)
    assert a.stage == 1 and len(a.history) == 1
    refused("moved_meanwhile", left.forward, sid, act.id, seen_stage=True)  # True is not stage 1


def test_unknown_actions_and_sessions_are_refused_without_making_files(board, store, sid, act, refused):
    for s, i in ((sid, 99), (sid, 0), ("nope", act.id), ("../x", act.id), (sid, "1")):
        refused("unknown_action", board.forward, s, i, seen_stage=0)
    assert not os.path.exists(os.path.join(store.sessions_dir, "nope.json"))


def test_every_change_is_one_file_write(board, sid, act, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst, *a, **kw):
        seen.append(os.path.basename(dst))
        return real(src, dst, *a, **kw)
    monkeypatch.setattr(os, "replace", spy)
    board.forward(sid, act.id, seen_stage=0)
    assert seen.count(f"{sid}.json") == 1


def test_the_move_log_is_bounded(board, sid, act, monkeypatch):
    monkeypatch.setattr(statuspil_mod, "HISTORY_MAX", 3)
    for i in range(6):
        board.forward(sid, act.id, seen_stage=0) if i % 2 == 0 else board.back(sid, act.id, seen_stage=1)
    a = board.action(sid, act.id)
    assert len(a.history) == 3 and a.history[-1]["to"] == 0


# -- parking ------------------------------------------------------------------------------------

def test_park_keeps_the_stage_and_blocks_moves_until_unparked(board, sid, act, refused):
    board.forward(sid, act.id, seen_stage=0)
    a = board.park(sid, act.id, seen_stage=1)
    assert a.parked and a.stage == 1 and a.place == PARKED
    refused("moved_meanwhile", board.forward, sid, act.id, seen_stage=1)  # saw it before parking
    refused("parked", board.forward, sid, act.id, seen_stage=PARKED)
    refused("no_move", board.park, sid, act.id, seen_stage=PARKED)
    a = board.unpark(sid, act.id, seen_stage=PARKED)
    assert not a.parked and a.stage == 1
    refused("no_move", board.unpark, sid, act.id, seen_stage=1)
    assert [h["event"] for h in a.history] == ["move", "park", "unpark"]
    board.move(sid, act.id, 4, seen_stage=1)
    refused("finished", board.park, sid, act.id, seen_stage=4)


def test_parked_actions_sort_last_and_are_never_overdue(board, store, clock, sid):
    late = new_action(store, clock, sid, "Late", follow_up=1)
    other = new_action(store, clock, sid, "Other", follow_up=30)
    clock.advance(3 * DAY)
    board.park(sid, late.id, seen_stage=0)
    rows = board.open_actions()
    assert [r.action.id for r in rows] == [other.id, late.id] and not rows[1].overdue


# -- undo ---------------------------------------------------------------------------------------

def test_undo_within_half_a_minute_of_that_actions_last_move(board, store, clock, sid, act, refused):
    board.forward(sid, act.id, seen_stage=0)
    clock.advance(29)
    assert board.undo_left(board.action(sid, act.id)) == pytest.approx(1)
    a = board.undo(sid, act.id)
    assert a.stage == 0 and a.history == ()
    refused("nothing_to_undo", board.undo, sid, act.id)
    board.forward(sid, act.id, seen_stage=0)
    clock.advance(20)
    other = new_action(store, clock, sid, "Other")
    board.forward(sid, other.id, seen_stage=0)  # another action's move does not renew this window
    clock.advance(11)
    refused("undo_expired", board.undo, sid, act.id)
    assert board.action(sid, act.id).stage == 1 and board.undo_left(board.action(sid, act.id)) == 0
    assert board.undo(sid, other.id).stage == 0


def test_undo_puts_back_finished_at_and_refuses_after_someone_else_moved(board, clock, sid, act, refused):
    board.move(sid, act.id, 3, seen_stage=0)
    clock.advance(40)
    board.forward(sid, act.id, seen_stage=3)
    assert board.action(sid, act.id).finished
    a = board.undo(sid, act.id, seen_stage=4)
    assert a.stage == 3 and a.finished_at is None and len(a.history) == 1
    board.forward(sid, act.id, seen_stage=3)
    board.back(sid, act.id, seen_stage=4)  # a second passer-by
    refused("moved_meanwhile", board.undo, sid, act.id, seen_stage=4)  # the first one's UNDO
    # undoing a back-move from the last stage restores the old finished time
    finished_at = clock.now()
    clock.advance(5)
    a = board.undo(sid, act.id)
    assert a.stage == 4 and a.finished_at == finished_at


def test_the_undo_window_survives_a_restart(store, clock, sid, act):
    Board(store, clock).forward(sid, act.id, seen_stage=0)
    store.close()
    clock.advance(10)
    again = Store(store.data_dir, clock=clock)
    try:
        assert Board(again, clock).undo(sid, act.id).stage == 0
    finally:
        again.close()


def test_the_board_keeps_no_per_tap_state(board, sid, act):
    before = dict(vars(board))
    for _ in range(20):
        board.forward(sid, act.id, seen_stage=0)
        board.undo(sid, act.id)
    assert vars(board) == before


# -- overdue, archive ---------------------------------------------------------------------------

def test_overdue_follows_the_clock(board, store, clock, sid):
    soon = new_action(store, clock, sid, "Soon", follow_up=1)
    later = new_action(store, clock, sid, "Later", follow_up=5)
    none = new_action(store, clock, sid, "No date", follow_up=None)
    assert [r.action.id for r in board.open_actions()] == [soon.id, later.id, none.id]
    clock.advance(1 * DAY)
    assert not board.overdue(board.action(sid, soon.id))  # the follow-up day itself is not late
    clock.advance(5 * DAY)
    rows = board.open_actions()
    assert [(r.action.id, r.overdue) for r in rows] == [(soon.id, True), (later.id, True), (none.id, False)]
    board.move(sid, soon.id, 4, seen_stage=0)
    assert not board.overdue(board.action(sid, soon.id))


def test_overdue_ones_come_first_then_by_date_then_team(board, store, clock, method):
    b = new_session(store, clock, method, "Børnehaven")
    a = new_session(store, clock, method, "administration")
    late = new_action(store, clock, b, "Late", follow_up=1)
    same_b = new_action(store, clock, b, "Same day", follow_up=10)
    same_a = new_action(store, clock, a, "Same day", follow_up=10)
    first = new_action(store, clock, a, "Earlier", follow_up=8)
    clock.advance(2 * DAY)
    assert [(r.team, r.action.id) for r in board.open_actions()] == [
        ("Børnehaven", late.id), ("administration", first.id), ("administration", same_a.id),
        ("Børnehaven", same_b.id)]


def test_finished_actions_move_to_the_archive_after_n_days(board, store, clock, sid, act):
    other = new_action(store, clock, sid, "Other")
    board.move(sid, act.id, 4, seen_stage=0)
    clock.advance(13 * DAY)
    rows = board.open_actions()
    assert [r.action.id for r in rows] == [other.id, act.id]  # finished ones after the open ones
    assert board.archive() == []
    clock.advance(1 * DAY)
    assert [r.action.id for r in board.open_actions()] == [other.id]
    assert [r.action.id for r in board.archive()] == [act.id] and board.archived(board.action(sid, act.id))
    assert Board(store, clock, archive_days=0).archive(limit=0) == []


def test_board_settings_are_checked(store, clock):
    for bad in ({"archive_days": -1}, {"undo_seconds": -1}, {"adjust_days": 0}, {"archive_days": "14"}):
        with pytest.raises(ValueError):
            Board(store, clock, **bad)


# -- trial actions ------------------------------------------------------------------------------

def trial(store, clock, sid, review_in: int = 7) -> Action:
    a = new_action(store, clock, sid, "Prøvehandling")
    return ActionPlan(store, sid, clock).set_trial(a.id, True, day(clock, review_in))


def test_review_is_due_on_the_review_day(board, store, clock, sid):
    t = trial(store, clock, sid)
    assert not board.review_due(board.action(sid, t.id))
    clock.advance(7 * DAY)
    assert board.review_due(board.action(sid, t.id))
    assert board.open_actions()[0].review_due


def test_continue_ends_the_reviews(board, store, clock, sid, refused):
    t = trial(store, clock, sid)
    clock.advance(7 * DAY)
    a = board.set_verdict(sid, t.id, "continue", seen_stage=0)
    assert a.verdict == "continue" and not board.review_due(a) and not a.finished
    refused("no_move", board.set_verdict, sid, t.id, "continue", seen_stage=0)
    assert [r.action.id for r in board.open_actions()] == [t.id]


def test_adjust_keeps_it_open_and_moves_the_review_on(board, store, clock, sid):
    t = trial(store, clock, sid)
    clock.advance(8 * DAY)
    a = board.set_verdict(sid, t.id, "adjust", seen_stage=0)
    assert a.verdict == "adjust" and a.review == day(clock, 14) and not board.review_due(a)
    clock.advance(14 * DAY)
    assert board.review_due(board.action(sid, t.id))


def test_drop_finishes_it_into_the_archive_and_undo_brings_it_back(board, store, clock, sid, refused):
    t = trial(store, clock, sid)
    board.forward(sid, t.id, seen_stage=0)
    a = board.set_verdict(sid, t.id, "drop", seen_stage=1)
    assert a.dropped and a.finished and a.stage == 1
    assert board.open_actions() == [] and [r.action.id for r in board.archive()] == [t.id]
    refused("finished", board.forward, sid, t.id, seen_stage=1)
    refused("finished", board.set_verdict, sid, t.id, "adjust", seen_stage=1)
    a = board.undo(sid, t.id)
    assert a.verdict is None and not a.finished and a.stage == 1
    assert [r.action.id for r in board.open_actions()] == [t.id]


def test_bad_verdicts_are_refused(board, store, clock, sid, act, refused):
    refused("not_trial", board.set_verdict, sid, act.id, "drop", seen_stage=0)
    t = trial(store, clock, sid)
    refused("verdict_unknown", board.set_verdict, sid, t.id, "maybe", seen_stage=0)
    assert board.action(sid, t.id).history == ()


# -- the next meeting ---------------------------------------------------------------------------

def test_next_meetings_are_stored_per_session_and_shown_soonest_first(board, store, clock, method):
    a = new_session(store, clock, method, "Team A")
    b = new_session(store, clock, method, "Team B")
    new_session(store, clock, method, "Team C")
    assert set_next_meeting(store, a, day(clock, 21)) == day(clock, 21)
    set_next_meeting(store, b, day(clock, 7))
    assert [(m.team, m.date) for m in board.next_meetings()] == [("Team B", day(clock, 7)),
                                                               ("Team A", day(clock, 21))]
    set_next_meeting(store, a, day(clock, 28))  # moved: one document, updated
    assert store.all(a, "meta") == [{"key": "next_meeting", "value": day(clock, 28), "doc_id": 1}]
    clock.advance(10 * DAY)
    assert [m.team for m in board.next_meetings()] == ["Team A"]  # B's meeting has been
    set_next_meeting(store, a, None)
    assert board.next_meetings() == [] and next_meeting(store, a) is None


def test_next_meeting_input_is_checked(store, clock, sid, refused):
    for bad, reason in ((day(clock, -1), "date_past"), ("in two weeks", "date_invalid"),
                        ("2026-02-30", "date_invalid")):
        refused(reason, set_next_meeting, store, sid, bad)
    refused("unknown_session", set_next_meeting, store, "nope", day(clock, 1))
    refused("unknown_session", set_next_meeting, store, "../x", day(clock, 1))
    assert next_meeting(store, sid) is None


def test_the_next_meeting_survives_the_workshop_saving_its_session(store, clock, method):
    session = Session.create(method, "Team A", clock.now())
    store.save_session(session.to_dict())
    set_next_meeting(store, session.id, day(clock, 14))
    store.save_session(session.next(clock.now()).to_dict())  # a tap in the workshop
    assert next_meeting(store, session.id) == day(clock, 14)


# -- restart, 0 and 200 actions, full disk ------------------------------------------------------

def test_a_restart_shows_the_same_board(store, clock, method):
    a, b = new_session(store, clock, method, "A"), new_session(store, clock, method, "B")
    x, y = new_action(store, clock, a, "x"), new_action(store, clock, b, "y", follow_up=2)
    board = Board(store, clock)
    board.forward(a, x.id, seen_stage=0)
    board.park(b, y.id, seen_stage=0)
    set_next_meeting(store, b, day(clock, 20))
    view, meetings = board_view(board), board.next_meetings()
    store.close()
    again = Store(store.data_dir, clock=clock)
    try:
        assert board_view(Board(again, clock)) == view and Board(again, clock).next_meetings() == meetings
    finally:
        again.close()


def test_an_empty_board_is_an_empty_list(board, store, clock, method):
    assert board.open_actions() == [] and board.archive() == [] and board.next_meetings() == []
    new_session(store, clock, method)
    assert board.open_actions() == [] and board.skipped == []


def test_200_actions_stay_correct_and_fast(board, store, clock, method):
    sids = [new_session(store, clock, method, f"Team {i}") for i in range(4)]
    for s_i, sid in enumerate(sids):
        with store.batch(sid):  # seeded in one write per session; the board reads them as usual
            for i in range(50):
                n = s_i * 50 + i
                store.insert(sid, ACTIONS, Action(
                    id=0, session_id=sid, theme_key=f"c{i}", theme_label=f"Tema {n:03d}", owner="Ole",
                    follow_up=day(clock, n % 40 + 1), stage=n % 4, created_at=clock.now(),
                    history=tuple({"at": clock.now(), "from": k, "to": k + 1, "by": "board",
                                   "event": "move", "before": {}} for k in range(n % 4))).to_dict())
    clock.advance(10 * DAY)
    rows = board.open_actions()
    assert len(rows) == 200 and len({r.action.key for r in rows}) == 200
    overdue = [r for r in rows if r.overdue]
    assert overdue == rows[:len(overdue)] and len(overdue) == sum(1 for n in range(200) if n % 40 + 1 < 10)
    rest = rows[len(overdue):]
    assert [r.action.follow_up for r in rest] == sorted(r.action.follow_up for r in rest)
    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        board.open_actions()
        timings.append(time.perf_counter() - t0)
    assert min(timings) < 0.050, timings
    # a tap on the 200th still works and the board stays correct
    last = rows[-1].action
    board.forward(last.session_id, last.id, seen_stage=last.stage)
    assert len(board.open_actions()) == 200


def test_a_broken_action_document_does_not_blank_the_board(board, store, clock, sid, act):
    with store.batch(sid):
        store.insert(sid, ACTIONS, {"stage": "x", "stages": [], "follow_up": 7, "owner": None})
    rows = board.open_actions()
    assert len(rows) == 2 and {r.action.stages for r in rows} == {DEFAULT_STAGES}


def test_a_failed_write_leaves_memory_and_disk_unchanged(board, store, clock, sid, monkeypatch):
    a = new_action(store, clock, sid, "a")
    t = trial(store, clock, sid)
    board.forward(sid, a.id, seen_stage=0)
    before = board_view(board)
    full_disk(monkeypatch)
    for attempt in (lambda: board.forward(sid, a.id, seen_stage=1),
                    lambda: board.move(sid, a.id, 4, seen_stage=1),
                    lambda: board.park(sid, a.id, seen_stage=1),
                    lambda: board.set_verdict(sid, t.id, "drop", seen_stage=0),
                    lambda: board.undo(sid, a.id),
                    lambda: set_next_meeting(store, sid, day(clock, 5))):
        with pytest.raises(StoreError) as err:
            attempt()
        assert err.value.kind == "full"
        assert board_view(board) == before
    monkeypatch.undo()
    assert next_meeting(store, sid) is None
    store.close()
    again = Store(store.data_dir, clock=clock)
    try:
        assert board_view(Board(again, clock)) == before
    finally:
        again.close()
