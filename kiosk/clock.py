"""One injectable clock, so tests move time without sleeping.

Two kinds of time come from it:

- ``now()``: the wall clock (seconds since the epoch), for what is about the calendar:
  today's date, the next meeting, "ends about 14:35", when a note was written.
- ``steady()``: what the timers measure with. It is on the wall clock's scale (so
  stored timer facts are wall-clock instants and a restart can resume from them), but
  it moves with the monotonic clock: when NTP corrects the wall clock after boot, or a
  dead RTC battery gives a wrong date, the wall clock jumps and the steady line does not.

A jump of the wall clock shows as ``skew()`` (wall minus steady, beyond a small
tolerance). Whoever holds timer facts absorbs it (``Workshop.keep_time``): the facts are
shifted by the skew and stored, then ``reanchor`` moves the steady line onto the wall
clock again, so what is stored stays in the wall clock's frame and a restart shows the
right time. ``epoch`` counts the re-anchorings, so a controller holding timer facts in
memory (the rounds) knows to read them again.
"""

from __future__ import annotations

import time

JUMP_TOLERANCE = 2.0
"""Seconds the wall clock may differ from the steady line before it counts as a jump:
NTP's small steps are well below what a timer shows, a real jump is far above it."""


class Clock:
    """The wall clock, the monotonic clock and the steady line between them.

    A subclass gives ``now()`` and ``monotonic()``; the line is anchored when it is made.
    """

    def __init__(self) -> None:
        self._wall0 = float(self.now())
        self._mono0 = float(self.monotonic())
        self.jumps: list[float] = []
        """The skews absorbed so far, oldest first (``epoch`` is their number)."""

    def now(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def monotonic(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def steady(self) -> float:
        """Wall-clock seconds that move only as real time passes: the wall clock at the
        last anchoring plus the monotonic time since. Timers read this."""
        return self._wall0 + (float(self.monotonic()) - self._mono0)

    def skew(self) -> float:
        """How far the wall clock has jumped away from the steady line; 0.0 within
        ``JUMP_TOLERANCE`` (no jump)."""
        d = float(self.now()) - self.steady()
        return d if abs(d) > JUMP_TOLERANCE else 0.0

    @property
    def epoch(self) -> int:
        """How many times the steady line was moved (``reanchor``, ``resume_at``)."""
        return len(self.jumps)

    def shift_since(self, epoch: int) -> float:
        """The seconds the steady line moved since ``epoch``: what facts held in memory
        since then must be shifted by to be in today's frame."""
        return float(sum(self.jumps[epoch:]))

    def reanchor(self, skew: float) -> None:
        """Move the steady line by ``skew`` (the one ``skew()`` gave, after the timer facts
        were shifted by it), so it meets the wall clock again."""
        self._wall0 += float(skew)
        self.jumps.append(float(skew))

    def resume_at(self, steady: float) -> float:
        """Put the steady line at ``steady`` now (a restart that trusts the stored facts
        more than the wall clock); returns the skew that then shows (wall − steady), which
        ``Workshop.keep_time`` absorbs like a jump."""
        self._mono0 = float(self.monotonic())
        self._wall0 = float(steady)
        return float(self.now()) - float(steady)


class SystemClock(Clock):
    """The real clocks: ``time.time`` and ``time.monotonic`` (which NTP never steps)."""

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock(Clock):
    """A clock the tests move by hand.

    ``advance`` is time passing (both clocks move); ``jump`` sets the wall clock alone,
    as NTP or an admin does (the monotonic clock never jumps). A negative ``advance`` is
    a wall clock set back, since real time never runs backwards.
    """

    def __init__(self, start: float = 1_800_000_000.0, monotonic: float = 1000.0) -> None:
        self.t = float(start)
        self.m = float(monotonic)
        super().__init__()

    def now(self) -> float:
        return self.t

    def monotonic(self) -> float:
        return self.m

    def advance(self, seconds: float) -> None:
        self.t += seconds
        self.m += max(0.0, seconds)

    def jump(self, seconds: float) -> None:
        """The wall clock jumps by ``seconds`` (back if negative); no time passes."""
        self.t += seconds
