"""One injectable clock, so tests move time without sleeping.

Times are wall-clock seconds since the epoch (floats). Timers store these facts,
not countdown values, so a restart after a power cut shows the right time.
"""

from __future__ import annotations

import time


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.t = float(start)

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds
