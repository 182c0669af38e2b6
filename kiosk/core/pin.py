"""Wrong admin PINs back off, so the PIN cannot be guessed by tapping.

A 4-digit PIN has 10 000 values; tapped at a few a second they all go in an hour.
So the first ``FREE_TRIES - 1`` wrong PINs in a row cost nothing (a finger slips),
the ``FREE_TRIES``-th closes the pad for ``FIRST_WAIT`` seconds, and each wrong PIN
after that doubles the wait, up to ``MAX_WAIT``. A right PIN clears the count.
That leaves about a hundred guesses a day.

The state (the count, when the last wrong PIN came, how long the pad stays shut)
lives in kiosk.json, so pulling the plug does not clear it. Its times are wall-clock
seconds, and a wall clock can be set back (NTP after boot, a dead RTC battery):
a last failure that lies in the future is moved to now, so the pad is never shut
for longer than the wait itself, however far the clock went back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FREE_TRIES = 3
"""The wrong PIN that first closes the pad (the two before it are free)."""
FIRST_WAIT = 30.0
"""Seconds the pad stays shut after the ``FREE_TRIES``-th wrong PIN in a row."""
MAX_WAIT = 15 * 60.0
"""The longest wait, however many wrong PINs came before."""
STATE_KEY = "pin_guard"
"""Its key in the store's kiosk-wide state (kiosk.json)."""


def wait_after(failures: int) -> float:
    """Seconds the pad stays shut after ``failures`` wrong PINs in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return min(FIRST_WAIT * 2.0 ** min(failures - FREE_TRIES, 32), MAX_WAIT)


@dataclass(frozen=True)
class PinGuard:
    """Wrong PINs in a row and the wait they cost; immutable, stored as a dict."""

    failures: int = 0
    last: float = 0.0
    """Wall-clock time of the last wrong PIN."""
    wait: float = 0.0
    """Seconds the pad stays shut after ``last``."""

    def wait_left(self, now: float) -> float:
        """Seconds until a PIN may be typed again (0: now)."""
        if self.wait <= 0:
            return 0.0
        elapsed = max(0.0, now - self.last)   # a clock set back counts as no time gone
        return max(0.0, min(self.wait, MAX_WAIT) - elapsed)

    def locked(self, now: float) -> bool:
        return self.wait_left(now) > 0

    def settled(self, now: float) -> PinGuard:
        """The same guard on a clock that went back: a last failure after ``now`` is
        moved to ``now`` (so the wait ends at most one wait from now, not when the
        clock catches up). Unchanged on a clock that did not go back."""
        if self.last > now:
            return PinGuard(self.failures, now, self.wait)
        return self

    def failed(self, now: float) -> PinGuard:
        """After one more wrong PIN at ``now``."""
        n = self.failures + 1
        return PinGuard(n, now, wait_after(n))

    def succeeded(self) -> PinGuard:
        """After a right PIN: nothing is counted against the next admin."""
        return PinGuard()

    def to_dict(self) -> dict:
        return {"failures": self.failures, "last": self.last, "wait": self.wait}

    @classmethod
    def from_dict(cls, d) -> PinGuard:
        """From kiosk.json. A count that is not a count reads as none (only someone at
        the machine's shell can damage the file, and they can reset the PIN anyway);
        a damaged wait is the one the count earns, never more than ``MAX_WAIT``."""
        if not isinstance(d, dict):
            return cls()
        failures, last, wait = d.get("failures"), d.get("last"), d.get("wait")
        if not (isinstance(failures, int) and not isinstance(failures, bool) and failures >= 0):
            return cls()
        if not _number(last):
            last = 0.0
        if not _number(wait) or wait < 0:
            wait = wait_after(failures)
        return cls(failures, float(last), min(float(wait), MAX_WAIT))


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def load(store) -> PinGuard:
    """The guard as the store has it (a fresh one when none was saved)."""
    return PinGuard.from_dict(store.get_state(STATE_KEY))


def save(store, guard: PinGuard) -> None:
    """Write the guard to kiosk.json before the screen shows it (raises StoreError)."""
    store.set_state(STATE_KEY, guard.to_dict())


def countdown(seconds: float) -> str:
    """'0:30', '14:59': the wait as a wall screen shows it, rounded up (never '0:00'
    while the pad is still shut)."""
    s = max(0, math.ceil(seconds))
    return f"{s // 60}:{s % 60:02d}"
