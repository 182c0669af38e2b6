"""When the wall screen goes back to the statuspil board, and how it looks after itself.

The board is the kiosk's idle screen (DESIGN.md §4): when nobody has touched the
screen for a while and no workshop is running, it returns there, so the next person
walking past sees the actions, not a settings page someone left open. A running
workshop is never left: a group may stand talking for twenty minutes without a touch,
and taking their step away would lose their place on the screen.

A screen that shows the same board for weeks is at risk of burn-in (OLED, and
some LCDs retain images), so the board drifts a few pixels in a slow cycle, and it
can dim at night when nobody walks past.
"""

from __future__ import annotations

import math
from datetime import datetime, time
from typing import Union

from .refusal import Refusal


class IdleError(Refusal):
    """A setting the idle rules cannot use; ``reason`` is a key for the screen."""


class IdleRule:
    """Return to the board after ``timeout_seconds`` without a touch.

    ``touched()`` on every touch (the app's window hook); ``should_return`` asked
    now and then (say once a second). The rule holds one number, the last touch, on
    the clock's monotonic time: a wall clock that NTP moves does not make the wait
    endless (set back) or end it at once (set forward).
    """

    def __init__(self, timeout_seconds: float, clock) -> None:
        if (isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, (int, float))
                or not math.isfinite(timeout_seconds) or timeout_seconds <= 0):
            raise IdleError("timeout_invalid")
        self.timeout = float(timeout_seconds)
        self.clock = clock
        self.last_touch = float(clock.monotonic())

    def touched(self) -> None:
        self.last_touch = float(self.clock.monotonic())

    def idle_for(self) -> float:
        """Seconds since the last touch. (Should the clock ever read less than at the
        last touch, that counts as a touch now, so the wait starts over.)"""
        now = float(self.clock.monotonic())
        if now < self.last_touch:
            self.last_touch = now
        return now - self.last_touch

    def should_return(self, now_screen_is_board: bool, workshop_running: bool) -> bool:
        """True when the app should show the board now: nobody touched the screen for
        the timeout, it is not already on the board, and no workshop is running
        (during a workshop the workshop screen stays, whatever the idle time)."""
        if now_screen_is_board or workshop_running:
            return False
        return self.idle_for() >= self.timeout


def burn_in_offset(now: float, period: float = 600, amplitude: float = 8) -> tuple[int, int]:
    """A slow drift (dx, dy) in whole pixels, within ±``amplitude``, repeating every
    ``period`` seconds: x goes round once, y twice (a figure of eight), so every pixel
    of the board spends time a few pixels away from where it was. Deterministic in
    ``now``, so a restart takes up the drift where the cycle is."""
    if period <= 0 or amplitude < 0:
        raise IdleError("drift_invalid")
    phase = 2 * math.pi * ((now % period) / period)
    return (round(amplitude * math.sin(phase)), round(amplitude * math.sin(2 * phase)))


TimeLike = Union[time, datetime, str]


def _as_time(value: TimeLike) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            hh, mm = value.strip().split(":")
            return time(int(hh), int(mm))
        except ValueError:
            pass
    raise IdleError("time_invalid")


def night_dim(now_local_time: TimeLike, start: TimeLike = "22:00", end: TimeLike = "06:00") -> bool:
    """Whether the board should be dimmed at this local time: from ``start`` up to (not
    including) ``end``. A window past midnight (22:00–06:00) wraps; start == end means
    never (no night configured). Times are "HH:MM", ``datetime.time`` or ``datetime``."""
    t, a, b = _as_time(now_local_time), _as_time(start), _as_time(end)
    t = t.replace(tzinfo=None)
    a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    if a == b:
        return False
    if a < b:
        return a <= t < b
    return t >= a or t < b
