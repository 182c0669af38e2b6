"""How the kiosk is doing after weeks on the wall: one line for the log, once an hour.

Uptime, memory (resident set), free space where the data lives, the store's size
on disk and log lines lost. Pure Python (no Kivy): the app calls it from its clock.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

LOW_DISK_BYTES = 10 * 1024 * 1024
"""Below this much free space the kiosk warns on screen: a session file is rewritten
whole at every tap, so a few MB is what the next minutes of a workshop need."""

_STARTED = time.monotonic()


@dataclass(frozen=True)
class Health:
    uptime_s: float
    rss_bytes: int | None
    free_bytes: int | None
    store_bytes: int
    log_dropped: int

    @property
    def low_disk(self) -> bool:
        return self.free_bytes is not None and self.free_bytes < LOW_DISK_BYTES

    def line(self) -> str:
        return (f"health: up {uptime_text(self.uptime_s)}, memory {_mb(self.rss_bytes)} RSS, "
                f"disk {_mb(self.free_bytes)} free, store {_mb(self.store_bytes)}, "
                f"log lines dropped {self.log_dropped}")


def _mb(n: int | None) -> str:
    return "?" if n is None else f"{n / (1024 * 1024):.1f} MB"


def uptime_text(seconds: float) -> str:
    s = int(seconds)
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes = s // 60
    return f"{days}d {hours}h {minutes:02d}m" if days else f"{hours}h {minutes:02d}m"


def rss_bytes() -> int | None:
    """The resident memory now (Linux /proc), else the peak the kernel reports."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        try:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        except (OSError, ValueError):
            return None


def free_bytes(folder: str | os.PathLike) -> int | None:
    """Space an unprivileged writer may still use in ``folder`` (None: cannot tell)."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize


def store_bytes(data_dir: str | os.PathLike) -> int:
    """kiosk.json, the sessions and their backups: what the store keeps (not Kivy's logs)."""
    data_dir = Path(data_dir)
    total = 0
    for folder, only in ((data_dir, "kiosk.json"), (data_dir / "sessions", "")):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            try:
                if e.name.startswith(only) and e.is_file(follow_symlinks=False):
                    total += e.stat(follow_symlinks=False).st_size
            except OSError:
                pass
    return total


def check(data_dir: str | os.PathLike, log_dropped: int = 0) -> Health:
    return Health(time.monotonic() - _STARTED, rss_bytes(), free_bytes(data_dir), store_bytes(data_dir),
                  log_dropped)
