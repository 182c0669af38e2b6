"""The kiosk's log: bounded on disk, and never able to stop the app.

Kivy's own file log writes one unbounded file per run, and a write that fails (a
full disk) goes to ``handleError``, which prints to stderr, which Kivy sends back
into the log: a loop that ended the process at the first failed save. Here Kivy's
file log is off (``KIVY_NO_FILELOG``, ``KIVY_LOG_MODE=PYTHON``, set by the CLI) and
the root logger gets:

- :class:`SafeFileHandler`: ``kiosk.log`` plus a few rotated copies, each at most
  ``max_bytes``; a line that cannot be written is dropped and counted, the file is
  tried again a little later, and the first line that gets through says how many
  were lost;
- :class:`SafeStreamHandler`: warnings and errors to stderr (the journal under
  systemd), also dropped and counted when stderr is gone.

Neither raises, prints, or calls ``handleError``'s default (which writes to stderr).
No Kivy here: it is installed before Kivy is imported.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import threading
import time
from pathlib import Path

LOG_NAME = "kiosk.log"
MAX_BYTES = 2 * 1024 * 1024
"""One log file's cap; with BACKUPS rotated copies the log never holds more than 10 MB."""
BACKUPS = 4
MAX_LINE = 16 * 1024
"""A longer record (a huge repr in a traceback) is cut: one line cannot fill the disk."""
RETRY_SECONDS = 5.0
"""After a failed write, lines are dropped without touching the disk for this long (then one
open is tried: cheap, and the log comes back soon after the admin frees space)."""
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class SafeFileHandler(logging.Handler):
    """A size-capped, rotating log file; a failed write is dropped and counted."""

    def __init__(self, folder: str | os.PathLike, name: str = LOG_NAME, *, max_bytes: int = MAX_BYTES,
                 backups: int = BACKUPS, retry_seconds: float = RETRY_SECONDS,
                 monotonic=time.monotonic) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.path = self.folder / name
        self.max_bytes = max(1024, int(max_bytes))
        self.backups = max(0, int(backups))
        self.retry_seconds = float(retry_seconds)
        self._monotonic = monotonic
        self._fd: int | None = None
        self._size = 0
        self._retry_at = 0.0
        self.dropped = 0
        """Lines lost since the process started (the health line reports it)."""
        self._unreported = 0
        self._last_error = ""
        self.setFormatter(logging.Formatter(FORMAT))

    # -- logging.Handler ---------------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        try:
            data = self._encode(self.format(record))
        except Exception:  # a record whose message cannot even be formatted
            self._drop("the record could not be formatted")
            return
        if self._fd is None and not self._open():
            self._drop(None)
            return
        if self._unreported:
            note = (f"{time.strftime('%Y-%m-%d %H:%M:%S')} WARNING kiosk.log: {self._unreported} log "
                    f"line(s) were dropped ({self._last_error})")
            if not self._write(self._encode(note)):
                self._drop(None)
                return
            self._unreported = 0
        if not self._write(data):
            self._drop(None)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802  (logging's name)
        """Never print (stderr may be the log itself): count it."""
        self._drop("the handler failed")

    def close(self) -> None:
        with self.lock:
            self._close_fd()
        super().close()

    # -- the file ------------------------------------------------------------------------

    @staticmethod
    def _encode(text: str) -> bytes:
        data = text.encode("utf-8", "backslashreplace")
        if len(data) > MAX_LINE:
            data = data[:MAX_LINE - 20] + b" ... (cut)"
        return data + b"\n"

    def _drop(self, reason: str | None) -> None:
        self.dropped += 1
        self._unreported += 1
        if reason:
            self._last_error = reason

    def _open(self) -> bool:
        now = self._monotonic()
        if now < self._retry_at:
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            self._fail(exc)
            return False
        self._fd = fd
        try:
            self._size = os.fstat(fd).st_size
        except OSError:
            self._size = 0
        return True

    def _write(self, data: bytes) -> bool:
        if self._size + len(data) > self.max_bytes and not self._rotate():
            return False
        try:
            written = os.write(self._fd, data)
        except OSError as exc:
            self._fail(exc)
            return False
        self._size += written
        if written != len(data):  # the disk filled in the middle of the line
            self._fail(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
            return False
        return True

    def _rotate(self) -> bool:
        """kiosk.log → .1 → .2 …; the oldest goes. Renames need no free space."""
        self._close_fd()
        try:
            if self.backups == 0:
                os.unlink(self.path)
            else:
                for n in range(self.backups - 1, 0, -1):
                    src = self.folder / f"{self.path.name}.{n}"
                    if src.exists():
                        os.replace(src, self.folder / f"{self.path.name}.{n + 1}")
                os.replace(self.path, self.folder / f"{self.path.name}.1")
        except FileNotFoundError:
            pass
        except OSError as exc:
            self._fail(exc)
            return False
        self._retry_at = 0.0
        return self._open()

    def _fail(self, exc: OSError) -> None:
        self._last_error = exc.strerror or str(exc)
        self._close_fd()
        self._retry_at = self._monotonic() + self.retry_seconds

    def _close_fd(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None


class SafeStreamHandler(logging.StreamHandler):
    """Warnings and errors to stderr (the journal); a closed or broken stream is counted, not fatal."""

    def __init__(self, stream=None) -> None:
        super().__init__(stream if stream is not None else sys.__stderr__)
        self.dropped = 0
        self.setFormatter(logging.Formatter("kiosk: %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            self.dropped += 1
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
        self.dropped += 1


_installed: SafeFileHandler | None = None


def install(folder: str | os.PathLike, *, console_level: int = logging.WARNING,
            name: str = LOG_NAME) -> SafeFileHandler:
    """Route every logger (Kivy's too, in its PYTHON log mode) to the safe handlers.

    Also logs uncaught exceptions (of the UI loop and of threads) through them, so a
    traceback reaches the file and the journal without anything writing to stderr
    behind logging's back.
    """
    global _installed
    root = logging.getLogger()
    for h in [h for h in root.handlers if isinstance(h, (SafeFileHandler, SafeStreamHandler))]:
        root.removeHandler(h)
        h.close()
    handler = SafeFileHandler(folder, name)  # a process of the kiosk's own (the web) has its own file
    root.addHandler(handler)
    console = SafeStreamHandler()
    console.setLevel(console_level)
    root.addHandler(console)
    root.setLevel(logging.INFO)
    logging.raiseExceptions = False  # belt and braces: no handler of ours reaches it anyway
    logging.getLogger("kiosk").info("%s started (pid %d); log %s", "kiosk" if name == LOG_NAME else name,
                                    os.getpid(), handler.path)

    def excepthook(kind, value, tb):
        logging.getLogger("kiosk").critical("uncaught exception", exc_info=(kind, value, tb))

    def thread_excepthook(args):
        if args.exc_type is SystemExit:
            return
        logging.getLogger("kiosk").critical("uncaught exception in thread %s",
                                            getattr(args.thread, "name", "?"),
                                            exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    _installed = handler
    return handler


def installed() -> SafeFileHandler | None:
    """The file handler ``install`` set up in this process (None in tests that did not)."""
    return _installed


def dropped() -> int:
    """Log lines lost so far (file and stderr)."""
    total = _installed.dropped if _installed is not None else 0
    for h in logging.getLogger().handlers:
        if isinstance(h, SafeStreamHandler):
            total += h.dropped
    return total
