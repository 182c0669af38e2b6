"""A crash-safe TinyDB storage: whole-file atomic writes, rotating backups, recovery.

TinyDB's own ``JSONStorage`` rewrites its file in place and parses it again on
every query. On a wall kiosk that sees power cuts, an in-place rewrite can leave
half a file behind. This storage instead:

* reads and parses the file once, at open, and answers every ``read()`` from
  memory (TinyDB calls ``read()`` for every query);
* writes the whole state to ``<name>.<pid>.tmp``, fsyncs it, keeps a few
  rotating backups as hard links (no copying), renames the temporary file over
  the real one and fsyncs the directory, so the file on disk is always either
  the old or the new state, never a mix;
* on open, moves a corrupt file aside and falls back to the newest good backup,
  and says so in :attr:`SafeJSONStorage.recovery` so the screen can tell people;
* on a failed write (full disk, read-only disk …) puts the in-memory state back
  to what is on disk and raises :class:`StoreError` with a plain message.
"""

from __future__ import annotations

import errno
import glob
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from tinydb.storages import Storage

log = logging.getLogger(__name__)

# Compact, and UTF-8 on disk so æ ø å stay readable in the file itself.
_DUMPS = dict(ensure_ascii=False, separators=(",", ":"))


class StoreError(Exception):
    """Anything the store cannot do, with a sentence a person can act on.

    ``kind`` lets callers react without parsing text: 'full', 'readonly', 'io'
    (the disk refused a write), 'locked' (another kiosk uses the folder),
    'schema' (data from a newer version), 'invalid' (bad id or non-JSON value),
    'missing' (no such session or document), 'closed' (store already closed).
    """

    def __init__(self, kind: str, path: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.path = str(path)
        self.message = message

    def __repr__(self) -> str:
        return f"StoreError(kind={self.kind!r}, path={self.path!r}, message={self.message!r})"


def error_from_os(exc: OSError, path: str, doing: str = "save") -> StoreError:
    """Turn an OSError into a StoreError whose kind says what a person can do."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return StoreError("full", path, f"The disk is full, so the kiosk could not {doing} {path}. "
                                        "Free some space; the last saved state is kept.")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreError("readonly", path, f"The kiosk may not write to {path} (read-only disk or "
                                            f"no permission), so it could not {doing} it.")
    return StoreError("io", path, f"The disk reported an error ({exc.strerror or exc}) while the "
                                  f"kiosk tried to {doing} {path}; the last saved state is kept.")


@dataclass(frozen=True)
class Recovery:
    """What happened when a damaged or missing file was replaced at open.

    ``backup_used`` is the backup the data came from (None: no good copy was
    left and the file starts empty); ``moved_to`` is where the damaged file was
    kept for inspection (None when the file was simply missing).
    """

    path: str
    backup_used: Optional[str]
    moved_to: Optional[str]

    @property
    def lost(self) -> bool:
        """True when no good copy existed: the data of this file is gone."""
        return self.backup_used is None

    @property
    def message(self) -> str:
        """One sentence for the screen."""
        if self.backup_used is None:
            kept = f" The damaged file was kept as {self.moved_to}." if self.moved_to else ""
            return f"{self.path} was damaged and no good backup was found, so it starts empty.{kept}"
        what = "damaged" if self.moved_to else "missing"
        kept = f" The damaged file was kept as {self.moved_to}." if self.moved_to else ""
        return (f"{self.path} was {what}; it was restored from the backup {self.backup_used}, "
                f"so the last changes before it may be missing.{kept}")


class _Damaged(Exception):
    """A file exists but does not hold a TinyDB state."""


def _parse(raw: bytes) -> dict:
    """Bytes -> TinyDB state, or _Damaged. Empty files count as damaged: we never write one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise _Damaged(str(exc)) from exc
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise _Damaged("not a TinyDB state (a dict of tables)")
    return data


class SafeJSONStorage(Storage):
    """TinyDB storage that never leaves a half-written file and reads from memory.

    ``on_load(data, path) -> data`` runs once on the loaded state (the store uses
    it for schema migrations); if it changes an existing file, the result is
    written back at once, so the pre-migration file becomes the newest backup.
    """

    def __init__(self, path: str | os.PathLike, *, backups: int = 3,
                 backup_interval: float = 60.0, clock: Any = None,
                 on_load: Optional[Callable[[dict, str], dict]] = None,
                 create_dirs: bool = False) -> None:
        super().__init__()
        self.path = os.path.abspath(os.fspath(path))
        self.dir, self.name = os.path.split(self.path)
        self.backups = max(0, int(backups))
        self.backup_interval = float(backup_interval)
        self._clock = clock
        self._last_rotation: Optional[float] = None
        self.recovery: Optional[Recovery] = None
        self.write_count = 0  # real file writes; tests and benchmarks count them
        self._closed = False
        # Batches: while _depth > 0, write() only updates memory; the snapshots
        # let a (nested) batch put memory back exactly as it was at its start.
        self._depth = 0
        self._dirty = False
        self._snapshots: list[tuple[str, bool]] = []
        self._table_text: dict[str, tuple[dict, str]] = {}

        if create_dirs:
            os.makedirs(self.dir, exist_ok=True)
        self._remove_stale_tmp()
        data, existing_text, must_write = self._load()
        if on_load is not None:
            data = on_load(data, self.path)
        self._data: dict = data
        # The last persisted state as text: the one thing a failed write or a
        # rolled-back batch goes back to. TinyDB mutates the dict read()
        # returns before it calls write(), so a reference would not do.
        self._baseline = json.dumps(data, **_DUMPS)
        if must_write or (existing_text is not None and existing_text != self._baseline):
            # Persist a recovery or a migration now, not at the next tap.
            self._persist(data)

    # -- TinyDB's Storage interface --------------------------------------------

    def read(self) -> dict:
        """The in-memory state; no file access (TinyDB calls this per query)."""
        if self._closed:
            raise StoreError("closed", self.path, f"{self.path} was already closed.")
        return self._data

    def write(self, data: dict) -> None:
        """Persist ``data`` atomically; inside a batch, only remember it."""
        if self._closed:
            raise StoreError("closed", self.path, f"{self.path} was already closed.")
        if self._depth:
            self._data = data
            self._dirty = True
            return
        self._persist(data)

    def close(self) -> None:
        """Nothing is buffered (every write is already on disk); just refuse further use."""
        self._closed = True

    # -- batches -----------------------------------------------------------------

    @property
    def in_batch(self) -> bool:
        return self._depth > 0

    def begin(self) -> None:
        """Start a batch: writes stay in memory until the outermost commit()."""
        # Outside a batch memory equals the baseline, so no copy is needed then.
        snap = self._baseline if self._depth == 0 else json.dumps(self._data, **_DUMPS)
        self._snapshots.append((snap, self._dirty))
        self._depth += 1

    def commit(self) -> None:
        """End a batch; the outermost one writes the file once if anything changed."""
        self._snapshots.pop()
        self._depth -= 1
        if self._depth == 0 and self._dirty:
            self._dirty = False
            self._persist(self._data)  # on failure memory goes back to the baseline

    def rollback(self) -> None:
        """End a batch, putting memory back to how it was when the batch began."""
        snap, dirty = self._snapshots.pop()
        self._depth -= 1
        self._data = json.loads(snap)
        self._dirty = dirty

    # -- opening -----------------------------------------------------------------

    def _backup_path(self, n: int) -> str:
        return f"{self.path}.bak{n}"

    def _remove_stale_tmp(self) -> None:
        """Temporary files left by a crash are never the truth: the rename never happened."""
        for tmp in glob.glob(os.path.join(glob.escape(self.dir), glob.escape(self.name) + ".*.tmp")):
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass

    @staticmethod
    def _read_bytes(path: str) -> Optional[bytes]:
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    def _load(self) -> tuple[dict, Optional[str], bool]:
        """Return (state, text of the main file if it was good, whether to write now)."""
        try:
            raw = self._read_bytes(self.path)
        except OSError as exc:
            raise error_from_os(exc, self.path, "read") from exc
        moved_to = None
        if raw is not None:
            try:
                return _parse(raw), raw.decode("utf-8"), False
            except _Damaged as exc:
                moved_to = self._move_aside()
                log.warning("%s is damaged (%s); kept as %s", self.path, exc, moved_to)
        # The main file is damaged or missing. Missing with a backup present
        # means a crash between rotation steps (or someone deleted it): the
        # newest good backup is then the newest state we have.
        backups = self._existing_backups()
        for bak in backups:
            try:
                data = _parse(self._read_bytes(bak) or b"")
            except (OSError, _Damaged):
                log.warning("backup %s is unreadable too; trying an older one", bak)
                continue
            self.recovery = Recovery(self.path, bak, moved_to)
            log.warning("%s", self.recovery.message)
            return data, None, True
        if moved_to is not None or backups:
            self.recovery = Recovery(self.path, None, moved_to)
            log.error("%s", self.recovery.message)
        return {}, None, False

    def _existing_backups(self) -> list[str]:
        """``<name>.bakN`` files on disk, newest (lowest N) first, whatever the configured count."""
        prefix = self.path + ".bak"
        found = []
        for p in glob.glob(glob.escape(prefix) + "*"):
            suffix = p[len(prefix):]
            if suffix.isdigit():
                found.append((int(suffix), p))
        return [p for _, p in sorted(found)]

    def _move_aside(self) -> str:
        """Keep a damaged file for inspection under a name that says when it was found."""
        now = self._clock.now() if self._clock is not None else time.time()
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        target = f"{self.path}.corrupt-{stamp}"
        n = 1
        while os.path.lexists(target):
            n += 1
            target = f"{self.path}.corrupt-{stamp}-{n}"
        try:
            os.rename(self.path, target)
        except OSError as exc:
            raise error_from_os(exc, self.path, "set aside the damaged file") from exc
        self._fsync_dir()
        return target

    # -- writing -----------------------------------------------------------------

    def _restore(self) -> None:
        self._data = json.loads(self._baseline)

    def _persist(self, data: dict) -> None:
        """Atomic replace of the file; memory equals ``data`` only if it succeeded."""
        try:
            text, table_text = self._serialize(data)
            blob = text.encode("utf-8")
        except (TypeError, ValueError) as exc:  # includes lone surrogates (UnicodeEncodeError)
            self._restore()
            raise StoreError("invalid", self.path, f"A value could not be saved to {self.path}: {exc}."
                             ) from exc
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
            try:
                view = memoryview(blob)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            self._maybe_rotate()
            os.replace(tmp, self.path)
        except OSError as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            self._restore()
            raise error_from_os(exc, self.path) from exc
        # The rename is the commit point; a directory fsync makes it durable.
        self._fsync_dir()
        self._data = data
        self._baseline = text
        self._table_text = table_text
        self.write_count += 1

    def _serialize(self, data: dict) -> tuple[str, dict]:
        """json.dumps(data), re-encoding only the tables that changed since the last write.

        TinyDB never edits a table in place: every change builds a new dict for
        that table and puts it into the state (Table._update_table), and a
        restore or rollback makes all-new objects. So a table that is still the
        *same object* as at the last write has the same content, and its text
        can be reused. A statuspil tap in a big old session then re-encodes the
        small actions table, not the 300 notes next to it.
        """
        cache = {}
        parts = []
        for name, table in data.items():
            hit = self._table_text.get(name)
            text = hit[1] if hit is not None and hit[0] is table else json.dumps(table, **_DUMPS)
            cache[name] = (table, text)  # holds the table, so its id() cannot be reused
            parts.append(f"{json.dumps(name, **_DUMPS)}:{text}")
        return "{" + ",".join(parts) + "}", cache

    def _maybe_rotate(self) -> None:
        """Shift bakN, then hard-link the current file as bak1 (no copy).

        At most once per ``backup_interval`` so a burst of taps does not push
        the older, possibly better, backups out within seconds. A failed
        rotation is logged and the write goes on: the new data matters more
        than an extra old copy.
        """
        if self.backups <= 0 or not os.path.exists(self.path):
            return
        now = self._clock.now() if self._clock is not None else time.monotonic()
        last = self._last_rotation
        if last is not None and 0 <= now - last < self.backup_interval:
            return
        try:
            for n in range(self.backups - 1, 0, -1):
                src = self._backup_path(n)
                if os.path.lexists(src):
                    os.replace(src, self._backup_path(n + 1))
            bak1 = self._backup_path(1)
            if os.path.lexists(bak1):  # only when backups == 1
                os.unlink(bak1)
            try:
                os.link(self.path, bak1)
            except OSError:
                # Filesystems without hard links (FAT on a USB stick): copy,
                # via a temporary name so a crash never leaves half a backup.
                part = f"{bak1}.{os.getpid()}.tmp"
                shutil.copyfile(self.path, part)
                fd = os.open(part, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(part, bak1)
            self._last_rotation = now
        except OSError as exc:
            log.warning("could not rotate backups of %s: %s", self.path, exc)

    def _fsync_dir(self) -> None:
        fsync_dir(self.dir)


def fsync_dir(path: str) -> None:
    """Make renames and unlinks in ``path`` durable; best effort, as some filesystems refuse."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        log.warning("could not open %s to fsync it: %s", path, exc)
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            log.warning("could not fsync %s: %s", path, exc)
    finally:
        os.close(fd)
