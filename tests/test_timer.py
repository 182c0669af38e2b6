"""Timer arithmetic from stored facts: pauses, adjustments, restarts, over time."""

import pytest

from kiosk.clock import FakeClock
from kiosk.core.timer import Timer, format_clock


def test_not_started_shows_full_length():
    t = Timer(planned=600)
    assert not t.started and not t.running
    assert t.remaining(1000.0) == 600


def test_runs_and_pauses_accumulate():
    c = FakeClock(0)
    t = Timer(planned=600).start(c.now())
    c.advance(100)
    t = t.pause(c.now())
    c.advance(1000)  # paused: nothing counts
    assert t.remaining(c.now()) == 500
    t = t.start(c.now())
    c.advance(50)
    assert t.remaining(c.now()) == 450
    assert t.running and t.elapsed(c.now()) == 150


def test_start_and_pause_are_idempotent():
    t = Timer(planned=60).start(10)
    assert t.start(20) == t
    p = t.pause(30)
    assert p.pause(40) == p
    assert p.remaining(99) == 40


def test_adjust_adds_and_takes_away_but_never_below_zero_length():
    t = Timer(planned=300).add(60).add(300)
    assert t.length == 660
    t = Timer(planned=120).add(-60).add(-60).add(-60)
    assert t.length == 0 and t.adjust == -120


def test_counts_over_time_instead_of_stopping():
    t = Timer(planned=60).start(0)
    assert t.remaining(90) == -30
    assert t.overtime(90)
    assert format_clock(t.remaining(90)) == "+00:30"


def test_restart_from_stored_facts_shows_the_right_time():
    """A timer left running through a power cut has kept running, like the room."""
    c = FakeClock(5000)
    t = Timer(planned=600).start(c.now())
    c.advance(120)
    stored = t.to_dict()
    c.advance(300)  # the kiosk was off for five minutes
    again = Timer.from_dict(stored)
    assert again == t
    assert again.remaining(c.now()) == 180


def test_ends_at_when_running_and_over_time():
    t = Timer(planned=600).start(0)
    assert t.ends_at(100) == 600
    assert t.ends_at(700) == 700  # over time: it ends now, not in the past


@pytest.mark.parametrize("seconds,text", [
    (600, "10:00"), (599.2, "10:00"), (599.0, "09:59"), (0.5, "00:01"), (0, "00:00"),
    (-0.5, "+00:00"), (-61, "+01:01"), (3725, "1:02:05"), (-3725, "+1:02:05"),
])
def test_format_clock(seconds, text):
    assert format_clock(seconds) == text


def test_the_big_count_of_a_narrow_timer():
    from kiosk.core.timer import format_big

    assert format_big(12 * 60 + 5) == ("13", "min")   # rounds up, as the clock does
    assert format_big(60) == ("1", "min")
    assert format_big(59.2) == ("1", "min")            # shown as 01:00 by the clock too
    assert format_big(45) == ("45", "sec")
    assert format_big(0) == ("0", "sec")
    assert format_big(-25) == ("+25", "sec")
    assert format_big(-3 * 60 - 10) == ("+3", "min")  # over time counts whole minutes gone
    assert format_big(125 * 60) == ("125", "min")
