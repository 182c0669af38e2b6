"""A step's countdown, computed from stored wall-clock facts.

A timer is the planned length, the minutes added or taken away, and the intervals
during which it ran. Nothing counts down in memory: the remaining time is derived
from these facts and the clock, so it survives a restart, and a timer left running
through a power cut has kept running, as the workshop in the room did.

The instants are on the clock's steady line (``clock.steady()``), not the raw wall
clock: a wall clock that jumps while a timer runs does not change what it shows, and
the jump is absorbed by shifting the open run (``shifted``), so what is stored stays in
the wall clock's frame for a restart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .record import Record


@dataclass(frozen=True)
class Timer(Record):
    planned: float
    """Planned length in seconds (the step's minutes × 60)."""
    adjust: float = 0.0
    """Seconds added (+) or taken away (−) by the facilitator."""
    runs: tuple[tuple[float, float | None], ...] = field(default=())
    """Intervals (start, end) it ran; the last has end None while it runs."""

    @property
    def running(self) -> bool:
        return bool(self.runs) and self.runs[-1][1] is None

    @property
    def started(self) -> bool:
        return bool(self.runs)

    @property
    def length(self) -> float:
        """Planned plus adjustments, never below zero."""
        return max(0.0, self.planned + self.adjust)

    def elapsed(self, now: float) -> float:
        total = 0.0
        for start, end in self.runs:
            stop = now if end is None else end
            total += max(0.0, stop - start)
        return total

    def remaining(self, now: float) -> float:
        """Seconds left; negative once it runs over time."""
        return self.length - self.elapsed(now)

    def overtime(self, now: float) -> bool:
        return self.remaining(now) < 0

    def start(self, now: float) -> Timer:
        if self.running:
            return self
        return replace(self, runs=self.runs + ((now, None),))

    def pause(self, now: float) -> Timer:
        if not self.running:
            return self
        start, _ = self.runs[-1]
        return replace(self, runs=self.runs[:-1] + ((start, max(start, now)),))

    def toggle(self, now: float) -> Timer:
        return self.pause(now) if self.running else self.start(now)

    def add(self, seconds: float) -> Timer:
        """Add (or with a negative number take away) time; never below zero length."""
        new = self.adjust + seconds
        return replace(self, adjust=max(-self.planned, new))

    def ends_at(self, now: float) -> float:
        """When it reaches zero if it runs from now on without pause."""
        return now + max(0.0, self.remaining(now))

    def shifted(self, seconds: float) -> Timer:
        """The same timer in a wall-clock frame moved by ``seconds``: the start of the run
        that is open moves with it, so what ran so far stays what ran (a clock jump absorbed,
        see kiosk.clock). Closed runs count only their length, so they stay."""
        if not self.running or not seconds:
            return self
        start, _ = self.runs[-1]
        return replace(self, runs=self.runs[:-1] + ((start + seconds, None),))


def format_clock(seconds: float) -> str:
    """'12:05' for a countdown, '+03:10' over time, 'h:mm:ss' past an hour."""
    over = seconds < 0
    # Counting down, round up: the display shows 10:00 until a whole second has passed.
    s = int(abs(seconds)) if over else math.ceil(seconds - 1e-9)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    text = f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
    return ("+" if over else "") + text


def format_big(seconds: float) -> tuple[str, str]:
    """The count for a narrow timer column (wall steps): whole minutes, or seconds in
    the last minute, so two digits can be a fifth of the screen high. Returns the
    number ('13', '45', '+3') and its unit, 'min' or 'sec'. Counting down, minutes
    round up like ``format_clock`` (12:05 left reads 13)."""
    over = seconds < 0
    s = int(abs(seconds)) if over else math.ceil(seconds - 1e-9)
    if s < 60:
        number, unit = s, "sec"
    else:
        number, unit = (s // 60 if over else math.ceil(s / 60)), "min"
    return ("+" if over else "") + str(number), unit
