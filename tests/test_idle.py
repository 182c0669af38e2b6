"""Idle rules: back to the board after a quiet while (never out of a running workshop),
a slow burn-in drift, and night dimming across midnight."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from kiosk.core.idle import IdleError, IdleRule, burn_in_offset, night_dim


def test_returns_to_the_board_after_the_timeout_without_a_touch(clock):
    rule = IdleRule(120, clock)
    clock.advance(119)
    assert not rule.should_return(False, False)
    clock.advance(1)
    assert rule.should_return(False, False)
    rule.touched()
    assert not rule.should_return(False, False)
    clock.advance(120)
    assert rule.should_return(False, False)
    assert not rule.should_return(True, False)  # already there


def test_a_running_workshop_is_never_left(clock):
    rule = IdleRule(60, clock)
    clock.advance(3 * 3600)  # a group talking without touching the screen
    assert not rule.should_return(False, True)
    assert rule.should_return(False, False)


def test_a_clock_set_back_starts_the_wait_over(clock):
    rule = IdleRule(60, clock)
    clock.advance(-3600)
    assert not rule.should_return(False, False)
    clock.advance(59)
    assert not rule.should_return(False, False)
    clock.advance(1)
    assert rule.should_return(False, False)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "60", True, None])
def test_a_bad_timeout_is_refused(clock, bad):
    with pytest.raises(IdleError) as err:
        IdleRule(bad, clock)
    assert err.value.reason == "timeout_invalid"


def test_burn_in_drift_is_small_slow_deterministic_and_cycles():
    t0 = 1_800_000_123.0
    points = [burn_in_offset(t0 + s) for s in range(600)]
    assert all(abs(dx) <= 8 and abs(dy) <= 8 for dx, dy in points)
    assert len(set(points)) > 20  # it really moves
    assert max(abs(dx) for dx, _ in points) == 8
    assert burn_in_offset(t0) == burn_in_offset(t0) == burn_in_offset(t0 + 600) == burn_in_offset(t0 + 6000)
    steps = [max(abs(a[0] - b[0]), abs(a[1] - b[1])) for a, b in zip(points, points[1:])]
    assert max(steps) <= 1  # a pixel at a time, never a jump
    assert burn_in_offset(t0, amplitude=0) == (0, 0)
    assert all(isinstance(v, int) for v in burn_in_offset(t0, period=60, amplitude=3))
    with pytest.raises(IdleError):
        burn_in_offset(t0, period=0)


@pytest.mark.parametrize("now, dim", [("22:00", True), ("23:30", True), ("00:00", True),
                                      ("05:59", True), ("06:00", False), ("12:00", False),
                                      ("21:59", False)])
def test_night_dim_wraps_past_midnight(now, dim):
    assert night_dim(now) is dim


def test_night_dim_takes_times_and_plain_windows():
    assert night_dim(time(23, 15))
    assert not night_dim(datetime(2027, 1, 1, 9, 30))
    assert night_dim("13:30", start="13:00", end="14:00")
    assert not night_dim("14:00", start="13:00", end="14:00")
    assert not night_dim("03:00", start="22:00", end="22:00")  # no night configured
    for bad in ("25:00", "noon", "", 22):
        with pytest.raises(IdleError) as err:
            night_dim(bad)
        assert err.value.reason == "time_invalid"
