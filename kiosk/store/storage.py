"""A crash-safe TinyDB storage: whole-file atomic writes, rotating backups, recovery.

TinyDB's own ``JSONStorage`` rewrites its file in place and parses it again on
every query. On a wall kiosk that sees power cuts, an in-place rewrite can leave
half a file behind. This storage instead:

* reads and parses the file once, at open, and answers every ``read()`` from
  memory (TinyDB calls ``read()`` for every query);
* writes the whole state to ``<name>.<pid>.tmp``, fsyncs it, keeps the version
  it replaces as ``<name>.bak0`` (a hard link: no copying) and a few older ones
  as ``.bak1`` … ``.bakN`` rotated at most once per interval, renames the
  temporary file over the real one and fsyncs the directory, so the file on
  disk is always either the old or the new state, never a mix;
* on open, moves a damaged file aside and falls back to the newest good backup,
  and says so in :attr:`SafeJSONStorage.recovery` so the screen can tell people.
  Damaged means anything that is not a state this storage writes: half a file,
  not JSON, a folder or a dangling link in its place, a file that cannot be
  read, or one the caller's ``validate`` rejects (for the store: a file that
  holds nothing, or a session file without its session);
* only ever keeps, as a backup, a file it wrote or checked itself, so an empty
  or damaged file never pushes a good copy out;
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
import stat
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
    kept for inspection (None when the file was simply missing). The rest says
    what went back, for the screen: ``reason`` what was wrong with the file
    (for the log and the admin), ``saved_at`` when the restored version was
    saved (wall clock, seconds), ``previous`` whether it is the version just
    before the last save (``.bak0``), so that at most the last change is lost.
    """

    path: str
    backup_used: Optional[str]
    moved_to: Optional[str]
    reason: str = ""
    saved_at: Optional[float] = None
    previous: bool = False

    @property
    def lost(self) -> bool:
        """True when no good copy existed: the data of this file is gone."""
        return self.backup_used is None

    @property
    def message(self) -> str:
        """One sentence for the log and the command line (the screen words its own)."""
        why = f" ({self.reason})" if self.reason else ""
        kept = f" The damaged file was kept as {self.moved_to}." if self.moved_to else ""
        if self.backup_used is None:
            return f"{self.path} was damaged{why} and no good backup was found, so it starts empty.{kept}"
        what = f"damaged{why}" if self.moved_to else "missing"
        when = ""
        if self.saved_at is not None:
            when = " saved " + time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.saved_at))
        if self.previous:
            lost = "so at most the last change is lost"
        else:
            lost = "so the last changes before it may be missing"
        return f"{self.path} was {what}; it was restored from the backup {self.backup_used}{when}, {lost}.{kept}"


class _Damaged(Exception):
    """A file exists but does not hold a state this storage would have written."""


#: Errors that say something about the process or the moment, not about the
#: file: they are raised as StoreError, never taken as damage (no move aside).
_TRANSIENT = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.EINTR, errno.EAGAIN}


def _ident(st: os.stat_result) -> tuple:
    """What tells one version of a file from another without reading it."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _read(path: str) -> Optional[tuple[bytes, os.stat_result]]:
    """A regular file's bytes and stat; None if nothing is there; _Damaged if something else is.

    Opened without blocking and checked with fstat before reading, so a FIFO,
    a device or a folder in the file's place is damage, not a hang or a flood.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        if os.path.lexists(path):
            raise _Damaged("a link to a file that does not exist") from None
        return None
    except OSError as exc:
        if exc.errno in _TRANSIENT:
            raise
        raise _Damaged(f"cannot be read: {exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _Damaged("a folder in place of the file")
        if not stat.S_ISREG(st.st_mode):
            raise _Damaged("not a regular file")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as exc:
        if exc.errno in _TRANSIENT:
            raise
        raise _Damaged(f"cannot be read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    return b"".join(chunks), st


def _parse(raw: bytes) -> dict:
    """Bytes -> TinyDB state, or _Damaged. Empty files count as damaged: we never write one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise _Damaged(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise _Damaged("not a TinyDB state (a dict of tables)")
    for name, table in data.items():
        # TinyDB turns every key into an int and every value into a Document:
        # anything else would fail at the first query, long after the open.
        if not isinstance(table, dict):
            raise _Damaged(f"table {name!r} is not a dict of documents")
        for doc_id, doc in table.items():
            if not (doc_id.isdigit() and doc_id.isascii()) or not isinstance(doc, dict):
                raise _Damaged(f"table {name!r} holds {doc_id!r}, which is not a document")
    return data


class SafeJSONStorage(Storage):
    """TinyDB storage that never leaves a half-written file and reads from memory.

    ``on_load(data, path) -> data`` runs once on the loaded state (the store uses
    it for schema migrations); if it changes an existing file, the result is
    written back at once, so the pre-migration file becomes the newest backup.

    ``validate(data) -> reason or None`` says whether a parsed state is one the
    caller could have written. A file it rejects is damaged (moved aside, the
    newest good backup used), a backup it rejects is skipped, and a state it
    rejects is never written, so the storage cannot make a file it would refuse.

    ``backups`` is how many older versions are kept: ``.bak0`` is the version
    before the last write (renewed at every write, so a recovery loses at most
    the last change), ``.bak1`` … ``.bakN`` rotate at most once per
    ``backup_interval`` seconds and reach further back. 0 keeps none.
    """

    def __init__(self, path: str | os.PathLike, *, backups: int = 3,
                 backup_interval: float = 60.0, clock: Any = None,
                 on_load: Optional[Callable[[dict, str], dict]] = None,
                 validate: Optional[Callable[[dict], Optional[str]]] = None,
                 create_dirs: bool = False) -> None:
        super().__init__()
        self.path = os.path.abspath(os.fspath(path))
        self.dir, self.name = os.path.split(self.path)
        self.backups = max(0, int(backups))
        self.backup_interval = float(backup_interval)
        self._clock = clock
        self._validate = validate
        self._last_rotation: Optional[float] = None
        # stat identity of the file as this storage last wrote or read it; a
        # file on disk that does not match was changed by someone else and is
        # checked before it may become a backup.
        self._disk_ident: Optional[tuple] = None
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

    def _check(self, raw: bytes) -> dict:
        """Parsed and validated state of a file's bytes, or _Damaged."""
        data = _parse(raw)
        reason = self._validate(data) if self._validate is not None else None
        if reason:
            raise _Damaged(reason)
        return data

    def _load(self) -> tuple[dict, Optional[str], bool]:
        """Return (state, text of the main file if it was good, whether to write now)."""
        moved_to = reason = None
        try:
            found = _read(self.path)
            if found is not None:
                raw, st = found
                data = self._check(raw)
                self._disk_ident = _ident(st)
                return data, raw.decode("utf-8"), False
        except _Damaged as exc:
            reason = str(exc)
            moved_to = self._move_aside(self.path)
            log.warning("%s is damaged (%s); kept as %s", self.path, reason, moved_to)
        except OSError as exc:
            raise error_from_os(exc, self.path, "read") from exc
        # The main file is damaged or missing. Missing with a backup present
        # means someone deleted it (a write never leaves it missing): the
        # newest good backup is then the newest state we have.
        backups = self._existing_backups()
        bad: list[str] = []
        for bak in backups:
            try:
                found = _read(bak)
                if found is None:
                    continue  # rotated away between the listing and now
                raw, st = found
                data = self._check(raw)
            except (OSError, _Damaged) as exc:
                log.warning("backup %s is unusable too (%s); trying an older one", bak, exc)
                bad.append(bak)
                continue
            self._set_aside_backups(bad)
            self.recovery = Recovery(self.path, bak, moved_to, reason=reason or "",
                                     saved_at=st.st_mtime, previous=bak == self._backup_path(0))
            log.warning("%s", self.recovery.message)
            return data, None, True
        self._set_aside_backups(bad)
        if moved_to is not None or backups:
            self.recovery = Recovery(self.path, None, moved_to, reason=reason or "")
            log.error("%s", self.recovery.message)
        return {}, None, False

    def _set_aside_backups(self, bad: list[str]) -> None:
        """Move damaged backups out of the rotation, so they never take a good copy's slot
        (and a file left with only damaged backups is not reported again at every start)."""
        for bak in bad:
            try:
                self._move_aside(bak)
            except StoreError as exc:
                log.warning("could not set aside the damaged backup %s: %s", bak, exc)

    def _existing_backups(self) -> list[str]:
        """``<name>.bakN`` files on disk, newest (lowest N, .bak0 first) first, whatever the count."""
        prefix = self.path + ".bak"
        found = []
        for p in glob.glob(glob.escape(prefix) + "*"):
            suffix = p[len(prefix):]
            if suffix.isdigit() and suffix.isascii():
                found.append((int(suffix), p))
        return [p for _, p in sorted(found)]

    def _move_aside(self, path: str) -> str:
        """Keep a damaged file for inspection under a name that says when it was found."""
        now = self._clock.now() if self._clock is not None else time.time()
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        target = f"{path}.corrupt-{stamp}"
        n = 1
        while os.path.lexists(target):
            n += 1
            target = f"{path}.corrupt-{stamp}-{n}"
        try:
            os.rename(path, target)
        except OSError as exc:
            raise error_from_os(exc, path, "set aside the damaged file") from exc
        self._fsync_dir()
        return target

    # -- writing -----------------------------------------------------------------

    def _restore(self) -> None:
        self._data = json.loads(self._baseline)

    def _persist(self, data: dict) -> None:
        """Atomic replace of the file; memory equals ``data`` only if it succeeded."""
        reason = self._validate(data) if self._validate is not None else None
        if reason:
            # The next open would call this file damaged: refuse it now instead.
            self._restore()
            raise StoreError("invalid", self.path, f"{self.path} was not written: it would be "
                                                   f"{reason}, which the kiosk reads as damage.")
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
                ident = _ident(os.fstat(fd))  # a rename keeps inode, size and mtime
            finally:
                os.close(fd)
            self._keep_copies()
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
        self._disk_ident = ident
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

    def _keep_copies(self) -> None:
        """Before the rename: the file about to be replaced becomes .bak0 (and now and then .bak1).

        Only the file this storage wrote or read (same stat identity), or one
        that passes the same checks as at open, may become a backup: a file
        damaged or emptied behind the kiosk's back is set aside instead, so it
        never pushes a good copy out. A failure here is logged and the write
        goes on: the new data matters more than an extra old copy.
        """
        if self.backups <= 0:
            return
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("could not look at %s before replacing it: %s", self.path, exc)
            return
        if _ident(st) != self._disk_ident and not self._still_good():
            return
        prev = self._backup_path(0)
        try:
            try:
                os.unlink(prev)
            except FileNotFoundError:
                pass
            # No fsync on the copy fallback: this runs at every write, and a
            # .bak0 torn by a power cut is skipped like any damaged backup.
            self._link_or_copy(self.path, prev, durable=False)
        except OSError as exc:
            log.warning("could not keep the previous version of %s: %s", self.path, exc)
        self._maybe_rotate()

    def _still_good(self) -> bool:
        """The file was changed by someone else since this storage wrote it: may it be a backup?"""
        try:
            found = _read(self.path)
            if found is None:
                return False
            self._check(found[0])
            return True
        except _Damaged as exc:
            try:
                kept = self._move_aside(self.path)
            except StoreError as err:
                log.warning("%s was damaged behind the kiosk's back (%s) and could not be set aside: %s",
                            self.path, exc, err)
            else:
                log.warning("%s was damaged behind the kiosk's back (%s); kept as %s, "
                            "and the kiosk's own state is written in its place", self.path, exc, kept)
        except OSError as exc:
            log.warning("could not read %s before replacing it: %s", self.path, exc)
        return False

    def _maybe_rotate(self) -> None:
        """Shift .bak1 … up to the first free slot, then hard-link the current file as .bak1.

        At most once per ``backup_interval`` so a burst of taps does not push
        the older, possibly better, backups out within seconds (.bak0 already
        holds the version before each write). A free slot (a backup set aside
        as damaged, a crash mid-rotation) is filled before the oldest is dropped.
        """
        now = self._clock.now() if self._clock is not None else time.monotonic()
        last = self._last_rotation
        if last is not None and 0 <= now - last < self.backup_interval:
            return
        try:
            free = 1
            while free < self.backups and os.path.lexists(self._backup_path(free)):
                free += 1
            for n in range(free - 1, 0, -1):
                os.replace(self._backup_path(n), self._backup_path(n + 1))
            bak1 = self._backup_path(1)
            if os.path.lexists(bak1):  # only when the last slot is bak1 itself
                os.unlink(bak1)
            self._link_or_copy(self.path, bak1, durable=True)
            self._last_rotation = now
        except OSError as exc:
            log.warning("could not rotate backups of %s: %s", self.path, exc)

    @staticmethod
    def _link_or_copy(src: str, dst: str, durable: bool) -> None:
        """A hard link (no copying); a copy on filesystems without them (FAT on a USB stick),
        via a temporary name so a crash never leaves half a backup under dst."""
        try:
            os.link(src, dst)
            return
        except FileExistsError:
            raise
        except OSError:
            pass
        part = f"{dst}.{os.getpid()}.tmp"
        try:
            shutil.copyfile(src, part)
            if durable:
                fd = os.open(part, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            os.replace(part, dst)
        except OSError:
            try:
                os.unlink(part)
            except OSError:
                pass
            raise

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
