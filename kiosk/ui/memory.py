"""Keep a kiosk that runs for weeks from holding on to memory it no longer uses.

What grew in the board's soak (benchmarks/bench_board_soak.py) was not Python
objects — tracemalloc counted about 1 MB over five simulated days, most of it the
actions' own growing history — but the C heap: every text the board draws becomes a
texture whose pixels Mesa (llvmpipe renders in system memory) mallocs and frees, in
many sizes, from several threads. glibc keeps such freed memory for reuse: large
blocks drift onto the heap because its mmap threshold rises after each freed large
block, and free pages inside the heap are returned only by ``malloc_trim``. So the
resident size crept up by 5–10 MB a fortnight, although nothing leaked.

Two bounds, both for glibc only (anything else: nothing happens):

* ``tune()`` at start: a fixed mmap threshold, so a large buffer (a texture's
  pixels) is its own mapping and goes back to the system when freed, and a lower
  trim threshold for the top of the heap;
* ``maybe_trim(now)``: ``malloc_trim(0)`` (free pages of every arena back to the
  system) at most once per ``TRIM_EVERY`` seconds, called by the idle board's tick —
  never during a workshop, where a few milliseconds might show.

``KIOSK_MALLOC_TUNING=0`` turns both off (the soak benchmark's ``--baseline``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

log = logging.getLogger(__name__)

TRIM_EVERY = 3600.0
"""Seconds (of the kiosk's clock) between two trims of the idle board."""
MMAP_THRESHOLD = 256 * 1024
"""Bytes: a block this large or larger is mmapped (a label texture's pixels usually are)."""
TRIM_THRESHOLD = 1024 * 1024
"""Bytes of free memory at the top of the heap that glibc gives back by itself."""

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

_libc = None
_last_trim: float | None = None


def enabled() -> bool:
    return os.environ.get("KIOSK_MALLOC_TUNING", "1") != "0"


def _glibc():
    global _libc
    if _libc is None:
        _libc = False
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            lib.malloc_trim, lib.mallopt  # noqa: B018  (glibc has both; musl and macOS do not)
            _libc = lib
        except (OSError, AttributeError):
            pass
    return _libc or None


def tune() -> bool:
    """Set the fixed thresholds (once, at start); False where it cannot be done."""
    lib = _glibc() if enabled() else None
    if lib is None:
        return False
    ok = lib.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    ok = lib.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    if not ok:
        log.warning("the allocator did not take the kiosk's thresholds")
    return ok


def trim() -> bool:
    """Give free heap pages back to the system now; True if glibc released any."""
    lib = _glibc() if enabled() else None
    return bool(lib is not None and lib.malloc_trim(0))


def maybe_trim(now: float) -> bool:
    """``trim()`` if the last one is ``TRIM_EVERY`` seconds ago (or the clock went back)."""
    global _last_trim
    if not enabled():
        return False
    if _last_trim is not None and 0 <= now - _last_trim < TRIM_EVERY:
        return False
    _last_trim = now
    trim()
    return True
