"""A wall clock that jumps (NTP correcting after boot, a dead RTC battery, an admin) while a
timer runs, and across a restart: the timers measure with the monotonic clock, absorb the
jump without showing it, and store state that a restart reads right.

The clock is injected: ``advance`` is time passing (wall and monotonic move), ``jump``
moves the wall clock alone. Every workshop here runs on a real store in tmp_path, and a
restart is a new Store and a new Workshop (with a new clock) on the same folder.
"""

from __future__ import annotations

import errno
import logging
import os

import pytest

from kiosk.clock import JUMP_TOLERANCE, FakeClock
from kiosk.core.idle import IdleRule
from kiosk.core.activities.rounds import Rounds
from kiosk.core.activities.statuspil import Board
from kiosk.core.timer import Timer, format_clock
from kiosk.core.tokens import EXPIRED, VALID, Tokens
from kiosk.core.workshop import (CLOCK_BACK, HEARTBEAT_SECONDS, OFF_LONG, OFF_PLAUSIBLE_SECONDS, SEEN_KEY,
                                 Workshop)
from kiosk.store import Store, StoreError

HOUR, DAY = 3600.0, 86_400.0
ROUNDS = [{"name": "Alone", "minutes": 2}, {"name": "Pairs", "minutes": 4}, {"name": "All", "minutes": 6}]


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def started(data, clock, method) -> Workshop:
    """A workshop on a real store in ``data``, its first step's timer (10 min) running."""
    ws = Workshop.start(Store(data, clock=clock), clock, method, "Team A")
    ws.toggle()
    return ws


def stored_timer(store, ws, step=None) -> Timer:
    doc = store.load_session(ws.session.id)
    return Timer.from_dict(doc["timers"][step or ws.session.step.id])


def restart(data, old: Workshop, wall: float) -> Workshop:
    """The kiosk stops and starts again at wall clock ``wall``: a new process, so a new
    store and a new clock (whose monotonic time has nothing to do with the old one)."""
    old.store.close()
    clock = FakeClock(wall, monotonic=5.0)
    ws = Workshop.resume(Store(data, clock=clock), clock)
    assert ws is not None
    return ws


# -- the clock itself --------------------------------------------------------------------------

def test_the_fake_clock_moves_wall_and_monotonic_apart():
    c = FakeClock(1_000_000.0)
    c.advance(10)
    assert (c.now(), c.steady(), c.skew()) == (1_000_010.0, 1_000_010.0, 0.0)
    c.jump(-HOUR)                                   # NTP sets it back: no time passes
    assert c.now() == 1_000_010.0 - HOUR
    assert c.steady() == 1_000_010.0                # the timers' line does not move
    assert c.skew() == -HOUR
    c.advance(5)
    assert c.steady() == 1_000_015.0 and c.skew() == -HOUR
    c.reanchor(c.skew())
    assert c.steady() == c.now() and c.epoch == 1 and c.shift_since(0) == -HOUR
    c.jump(JUMP_TOLERANCE / 2)                      # NTP's small steps are not jumps
    assert c.skew() == 0.0
    c.advance(-30)                                  # a set-back by advance: real time never runs back
    assert c.monotonic() == 1000.0 + 15


# -- a jump while the step timer runs ------------------------------------------------------------

@pytest.mark.parametrize("jump", [-HOUR, DAY])
def test_a_jump_while_the_timer_runs_is_ignored_and_not_stored(data, method, jump, caplog):
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(120)
    assert ws.remaining() == 480
    clock.jump(jump)
    assert ws.remaining() == 480                    # not frozen at 10:00, not "+1490 min"
    with caplog.at_level(logging.WARNING, logger="kiosk.core.workshop"):
        assert ws.keep_time() == jump               # noticed …
    assert any("jumped" in r.getMessage() for r in caplog.records)   # … logged …
    assert ws.remaining() == 480                    # … and ignored
    assert ws.keep_time() == 0.0                    # once
    # what is stored is right on the wall clock as it reads now: the corruption is not saved
    assert stored_timer(ws.store, ws).remaining(clock.now()) == 480
    clock.advance(60)
    assert ws.remaining() == 420
    assert format_clock(ws.remaining()) == "07:00"
    ws.store.close()


def test_back_an_hour_then_back_to_the_true_time_is_never_over_time(data, method):
    """The issue's sequence: NTP sets the clock back an hour, then to the true time."""
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(120)
    clock.jump(-HOUR)
    ws.keep_time()
    clock.advance(60)
    assert ws.remaining() == 420                    # it kept counting (did not freeze at 10:00)
    clock.jump(HOUR)
    assert ws.remaining() == 420                    # not "+50 min over time"
    ws.keep_time()
    clock.advance(30)
    assert ws.remaining() == 390
    assert stored_timer(ws.store, ws).remaining(clock.now()) == 390
    again = restart(data, ws, clock.now() + 10)     # ten seconds off: counted, as in the room
    assert again.remaining() == 380 and again.clock_doubt is None
    again.store.close()


def test_a_tap_right_after_a_jump_stores_the_true_time(data, method):
    """An intent before the tick absorbed the jump: it absorbs it first."""
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(100)
    clock.jump(DAY)
    ws.toggle()                                     # pause
    assert ws.remaining() == 500
    timer = stored_timer(ws.store, ws)
    assert not timer.running and timer.remaining(clock.now()) == 500
    clock.advance(999)
    assert ws.remaining() == 500                    # paused means paused
    ws.store.close()


def test_an_undo_after_a_jump_does_not_bring_the_jump_back(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(60)
    ws.add_minutes(5)                               # an undo step from before the jump: running
    clock.advance(60)
    clock.jump(-HOUR)
    ws.keep_time()
    clock.advance(30)
    ws.undo()                                       # the +5 undone: the timer still ran all along
    assert ws.remaining() == 600 - 150
    assert stored_timer(ws.store, ws).remaining(clock.now()) == 450
    ws.store.close()


def test_a_failed_write_keeps_the_true_time_and_tries_again(data, method, monkeypatch):
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(60)
    clock.jump(-HOUR)
    real = os.replace

    def full(src, dst, *a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    assert ws.keep_time() == 0.0                    # not stored: never raises to the tick
    assert ws.remaining() == 540                    # the screen is right all the same
    clock.advance(1)
    monkeypatch.setattr(os, "replace", real)
    assert ws.keep_time() == 0.0                    # not every tick: a while later
    clock.advance(10)
    assert ws.keep_time() == -HOUR
    assert stored_timer(ws.store, ws).remaining(clock.now()) == 600 - 71
    ws.store.close()


def test_the_heartbeat_is_stored_while_a_timer_runs(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    sid = ws.session.id
    assert ws.store.load_session(sid)[SEEN_KEY] == clock.now()      # with the start itself
    clock.advance(HEARTBEAT_SECONDS - 1)
    ws.keep_time()
    assert ws.store.load_session(sid)[SEEN_KEY] == clock.now() - (HEARTBEAT_SECONDS - 1)
    clock.advance(1)
    ws.keep_time()
    assert ws.store.load_session(sid)[SEEN_KEY] == clock.now()
    ws.toggle()                                     # paused: nothing runs across a restart
    at = clock.now()
    clock.advance(5 * HEARTBEAT_SECONDS)
    ws.keep_time()
    assert ws.store.load_session(sid)[SEEN_KEY] == at
    ws.store.close()


# -- across a restart ----------------------------------------------------------------------------

def test_a_restart_after_an_absorbed_jump_shows_the_same_time(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(200)
    clock.jump(DAY)
    ws.keep_time()
    clock.advance(50)
    again = restart(data, ws, clock.now() + 60)     # a minute off, on the jumped (now true) clock
    assert again.remaining() == 600 - 250 - 60
    assert again.clock_doubt is None
    again.store.close()


def test_a_clock_gone_back_while_off_resumes_from_the_last_heartbeat_and_says_so(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    for _ in range(2):
        clock.advance(60)
        ws.keep_time()                              # heartbeats at 60 and 120 s
    clock.advance(30)
    seen = ws.store.load_session(ws.session.id)[SEEN_KEY]
    assert seen == clock.now() - 30
    # the kiosk is off; it comes back with its clock an hour behind (dead RTC battery):
    # the stored start lies in the future, so how long it was off cannot be known
    again = restart(data, ws, clock.now() - HOUR)
    assert again.clock_doubt == CLOCK_BACK
    assert again.remaining() == 600 - 120           # as at the last heartbeat, not frozen at 10:00
    assert again.remaining() > 0 and again.session.timer.running
    assert stored_timer(again.store, again).remaining(again.clock.now()) == 480   # re-anchored
    assert again.take_clock_doubt() == CLOCK_BACK and again.take_clock_doubt() is None
    again.clock.advance(30)
    assert again.remaining() == 450
    third = restart(data, again, again.clock.now() + 5)   # stored right: no doubt the next time
    assert third.clock_doubt is None and third.remaining() == 445
    third.store.close()


def test_a_clock_gone_forward_a_day_while_off_counts_at_most_the_cap(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    ws.add_minutes(120)                             # a long step: over time only after hours
    clock.advance(60)
    ws.keep_time()
    again = restart(data, ws, clock.now() + DAY)
    assert again.clock_doubt == OFF_LONG
    assert again.off_seconds == DAY
    assert again.remaining() == 130 * 60 - 60 - OFF_PLAUSIBLE_SECONDS    # not "+1490 min"
    assert stored_timer(again.store, again).remaining(again.clock.now()) == again.remaining()
    again.store.close()


def test_a_plausible_time_off_counts_as_in_the_room_without_a_notice(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(100)
    again = restart(data, ws, clock.now() + 5 * 60)  # a five-minute power cut
    assert again.clock_doubt is None
    assert again.remaining() == 600 - 100 - 300
    again.store.close()


def test_an_older_file_without_a_heartbeat_whose_start_lies_in_the_future(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(100)
    doc = ws.store.load_session(ws.session.id)
    del doc[SEEN_KEY]                               # as a kiosk before the heartbeat wrote it
    ws.store.save_session(doc)
    again = restart(data, ws, clock.now() - HOUR)
    assert again.clock_doubt == CLOCK_BACK
    assert 0 < again.remaining() <= 600             # a sane time, and it says it cannot know
    again.store.close()


def test_a_paused_timer_needs_no_clock_across_a_restart(data, method):
    clock = FakeClock()
    ws = started(data, clock, method)
    clock.advance(100)
    ws.toggle()
    again = restart(data, ws, clock.now() - DAY)
    assert again.clock_doubt is None and again.remaining() == 500
    again.store.close()


# -- rounds inside a step -------------------------------------------------------------------------

def rounds_step(method):
    """The method's first step, given three rounds (2, 4, 6 min)."""
    from dataclasses import replace

    steps = list(method.steps)
    steps[0] = replace(steps[0], params={**(steps[0].params or {}), "rounds": ROUNDS})
    return replace(method, steps=tuple(steps))


@pytest.mark.parametrize("jump", [-HOUR, DAY])
def test_a_running_round_ignores_a_jump_and_hands_over_on_time(data, method, jump):
    clock = FakeClock()
    m = rounds_step(method)
    ws = Workshop.start(Store(data, clock=clock), clock, m, "Team A")
    step = ws.session.step
    rounds = Rounds.for_step(ws.store, ws.session.id, step, clock)
    rounds.toggle()
    clock.advance(60)
    rounds.add_minutes(1)                           # its undo step, from before the jump, runs
    clock.jump(jump)
    assert rounds.remaining() == 120 and rounds.current == 0   # no hand-over a day early
    assert rounds.tick() == 0
    ws.keep_time()                                  # the workshop absorbs it for every timer
    assert rounds.remaining() == 120 and rounds.current == 0
    clock.advance(30)
    rounds.undo()                                   # the minute taken back, the round ran on
    assert rounds.current == 0 and rounds.running and rounds.remaining() == 30
    clock.advance(29)
    assert rounds.tick() == 0 and rounds.current == 0
    clock.advance(1)
    assert rounds.tick() == 1 and rounds.current == 1 and rounds.remaining() == 4 * 60
    again = Rounds.for_step(ws.store, ws.session.id, step, clock)
    assert again.state() == rounds.state()          # what is stored says the same
    # a restart reads the stored rounds on the wall clock as it reads now
    clock.advance(20)
    ws.store.close()
    fresh = FakeClock(clock.now(), monotonic=3.0)
    store = Store(data, clock=fresh)
    resumed = Workshop.resume(store, fresh)
    assert resumed.clock_doubt is None
    r = Rounds.for_step(store, ws.session.id, resumed.session.step, fresh)
    assert r.current == 1 and r.remaining() == 4 * 60 - 20
    store.close()


def test_a_round_running_across_a_restart_with_the_clock_gone_back(data, method):
    clock = FakeClock()
    m = rounds_step(method)
    ws = Workshop.start(Store(data, clock=clock), clock, m, "Team A")
    rounds = Rounds.for_step(ws.store, ws.session.id, ws.session.step, clock)
    rounds.toggle()                                 # only the round runs, not the step timer
    clock.advance(60)
    ws.keep_time()                                  # the heartbeat at 60 s
    clock.advance(30)
    ws.store.close()
    fresh = FakeClock(clock.now() - HOUR, monotonic=3.0)
    store = Store(data, clock=fresh)
    resumed = Workshop.resume(store, fresh)
    assert resumed.clock_doubt == CLOCK_BACK
    r = Rounds.for_step(store, ws.session.id, resumed.session.step, fresh)
    assert r.current == 0 and r.running and r.remaining() == 60   # as at the heartbeat
    store.close()


# -- the other waits: idle, export links, the board's undo ------------------------------------

def test_the_idle_return_waits_real_time_whatever_the_wall_clock_does():
    clock = FakeClock()
    rule = IdleRule(120, clock)
    clock.jump(DAY)
    assert not rule.should_return(False, False)     # a jump forward is not a day without a touch
    clock.advance(119)
    assert not rule.should_return(False, False)
    clock.jump(-HOUR)
    clock.advance(1)
    assert rule.should_return(False, False)         # a jump back does not make the wait endless


def test_an_export_link_lives_its_minutes_whatever_the_wall_clock_does():
    clock = FakeClock()
    tokens = Tokens(clock, minutes=15)
    tok = tokens.issue("s1")
    clock.jump(DAY)
    assert tokens.lookup(tok.value)[0] == VALID     # a jump forward does not kill a live link
    clock.advance(14 * 60)
    clock.jump(-HOUR)
    clock.advance(60)
    assert tokens.lookup(tok.value)[0] == EXPIRED   # a jump back does not keep it open an hour
    assert not tokens.live()


def test_the_boards_undo_window_does_not_stay_open_after_the_clock_went_back(store, clock, method):
    from kiosk.core.activities.actions import ActionError, ActionPlan
    from kiosk.core.session import Session

    session = Session.create(method, "Team A", clock.now())
    store.save_session(session.to_dict())
    a = ActionPlan(store, session.id, clock).add("c1", "Fewer meetings")
    board = Board(store, clock, undo_seconds=30)
    board.forward(session.id, a.id, seen_stage=a.stage)
    clock.advance(10)
    assert board.undo_left(board.action(session.id, a.id)) == 20
    clock.jump(-HOUR)
    assert board.undo_left(board.action(session.id, a.id)) == 0.0   # not open for an hour more
    with pytest.raises(ActionError) as err:
        board.undo(session.id, a.id)
    assert str(err.value) == "undo_expired"


def test_a_store_error_in_the_heartbeat_is_not_raised(data, method, monkeypatch):
    clock = FakeClock()
    ws = started(data, clock, method)

    def fail(doc):
        raise StoreError("full", str(data), "full")

    monkeypatch.setattr(ws.store, "save_session", fail)
    clock.advance(HEARTBEAT_SECONDS)
    assert ws.keep_time() == 0.0                    # logged; the tick goes on
    monkeypatch.undo()
    ws.store.close()
