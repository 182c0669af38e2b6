"""The one object the app talks to for anything that must survive a power cut.

Layout of a data folder::

    kiosk.json               kiosk-wide: tables ``state`` (key/value), ``sessions``
                             (a small index for lists), ``_meta`` (schema version)
    sessions/<id>.json       one TinyDB file per session: table ``session`` (one
                             document, the session itself), generic tables for
                             notes, votes, actions, log …, and ``_meta``
    <file>.bak0              each file as it was before its last write
    <file>.bak1 … .bak3      older versions, rotated at most once a minute
    <file>.corrupt-<time>    a damaged file (or backup) set aside at open
    kiosk.lock               held with flock while a Store is open

A file that exists but does not hold what the store writes there (a kiosk.json
without any table, a session file without its session) is damaged, exactly like
half a file: the store goes back to the newest good backup and says so in
:attr:`Store.recoveries`.

One tap writes one session's file, so its cost does not grow with months of
history. Every method returns only after the change is on disk, and takes one
lock, so a web-server thread can read through the same Store.
"""

from __future__ import annotations

import fcntl
import glob
import json
import logging
import os
import re
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Optional

from tinydb import TinyDB
from tinydb.table import Document

from kiosk.clock import SystemClock

from . import migrations
from .storage import Recovery, SafeJSONStorage, StoreError, error_from_os, fsync_dir

log = logging.getLogger(__name__)

#: Fields of a session copied into the kiosk-wide index (what a list shows).
INDEX_FIELDS = ("id", "team", "method_id", "method_title", "created_at", "status")

_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TABLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_RESERVED_TABLES = {"session", migrations.META_TABLE}
_SESSION_DOC = 1  # the doc_id of the one document in a session file's ``session`` table


def _clean(value: Any, what: str) -> Any:
    """A deep copy that is exactly what the file will hold (tuples become lists …).

    Going through JSON also refuses values the file cannot hold before anything
    changes, and keeps memory equal to what a restart would read back.
    """
    try:
        return json.loads(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise StoreError("invalid", "", f"The {what} cannot be saved: {exc}.") from exc


def _copy(value: Any) -> Any:
    """A deep copy for callers, so they cannot change stored data behind the store's back."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def _raw(db: TinyDB, table: str) -> dict:
    """A table's documents straight from the storage's memory ({'<doc_id>': doc}); do not mutate."""
    return (db.storage.read() or {}).get(table, {})


def _newer_format(data: dict) -> bool:
    """Written by a newer kiosk: its content is not ours to judge (migrate refuses it)."""
    found = migrations.version_of(data)
    return isinstance(found, int) and not isinstance(found, bool) and found > migrations.SCHEMA_VERSION


def _kiosk_damage(data: dict) -> Optional[str]:
    """Why a kiosk.json state is not one the store writes, or None.

    The store writes kiosk.json only to add something to a table (a setting,
    an index entry), so an existing file always holds a table besides the
    format stamp. ``{}`` or a bare stamp is what a failed flush or a careless
    hand leaves, and taking it as a fresh kiosk would silently drop the
    settings and the running workshop. (Tables may be empty: deleting the last
    session empties the index, and that is kept.) A missing kiosk.json is a
    new data folder, not damage.
    """
    if _newer_format(data):
        return None
    if not any(name != migrations.META_TABLE for name in data):
        return "empty: only its format stamp" if data else "empty: {}"
    return None


def _session_damage(sid: str):
    """The check for sessions/<sid>.json: a session file exists only to hold its session."""
    def check(data: dict) -> Optional[str]:
        if _newer_format(data):
            return None
        doc = data.get("session", {}).get(str(_SESSION_DOC))
        if doc is None:
            return "holds no session"
        if doc.get("id") != sid:
            return f"holds the session {doc.get('id')!r}, not {sid!r}"
        return None
    return check


def _index_entry(doc: Mapping) -> dict:
    return {k: doc.get(k) for k in INDEX_FIELDS}


def _newest_first(entry: dict) -> tuple:
    created = entry.get("created_at")
    number = created if isinstance(created, (int, float)) and not isinstance(created, bool) else float("-inf")
    return (number, str(entry.get("id")))


class Store:
    """Sessions, kiosk state and per-session tables, on crash-safe TinyDB files."""

    def __init__(self, data_dir: str | os.PathLike, *, backups: int = 3,
                 backup_interval: float = 60.0, clock: Any = None) -> None:
        self.data_dir = os.path.abspath(os.fspath(data_dir))
        self.sessions_dir = os.path.join(self.data_dir, "sessions")
        self.backups = backups
        self.backup_interval = backup_interval
        self.clock = clock if clock is not None else SystemClock()
        #: Every file recovered from a backup (or lost) since open, for the screen.
        self.recoveries: list[Recovery] = []
        self._lock = threading.RLock()
        self._sessions: dict[str, TinyDB] = {}
        self._batches: dict[str, int] = {}          # session id -> batch depth
        self._pending_index: dict[str, dict] = {}   # index entries waiting for a batch's end
        self._stale_index: set[str] = set()         # index writes that failed; retried later
        self._closed = False
        self._lock_fd: Optional[int] = None

        try:
            os.makedirs(self.sessions_dir, exist_ok=True)
        except OSError as exc:
            raise self._folder_error(exc) from exc
        self._lock_fd = self._acquire_lock()
        try:
            self._probe_writable()
            self._sweep_tmp()
            self._kiosk = self._open_db(os.path.join(self.data_dir, "kiosk.json"), _kiosk_damage)
            full = self._kiosk.storage.recovery is not None
            self._reconcile_index(full=full)
        except BaseException:
            self._release_lock()
            raise

    # -- opening and closing -------------------------------------------------------

    def _folder_error(self, exc: OSError) -> StoreError:
        err = error_from_os(exc, self.data_dir, "use the data folder")
        if err.kind == "readonly":
            return StoreError("readonly", self.data_dir,
                              f"The data folder {self.data_dir} cannot be written (read-only disk or "
                              "no permission), so nothing could be saved. Choose a writable folder.")
        return err

    def _acquire_lock(self) -> int:
        """One kiosk per folder: two writers would each overwrite the other's files."""
        path = os.path.join(self.data_dir, "kiosk.lock")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise self._folder_error(exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError("locked", self.data_dir,
                             f"Another kiosk program is already using the data folder {self.data_dir}. "
                             "Close it first; only one may write there at a time.") from None
        except OSError as exc:
            os.close(fd)
            raise self._folder_error(exc) from exc
        try:  # the pid helps whoever finds two kiosks running; not needed for the lock itself
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        return fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            finally:
                os.close(self._lock_fd)
                self._lock_fd = None

    def _probe_writable(self) -> None:
        """Fail at start with a clear message, not at the first tap of a workshop."""
        for folder in (self.data_dir, self.sessions_dir):
            probe = os.path.join(folder, f".probe.{os.getpid()}.tmp")
            try:
                fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.close(fd)
                os.unlink(probe)
            except OSError as exc:
                raise self._folder_error(exc) from exc

    def _sweep_tmp(self) -> None:
        """We hold the lock, so every temporary file here is a crash's leftover."""
        for folder in (self.data_dir, self.sessions_dir):
            for tmp in glob.glob(os.path.join(glob.escape(folder), "*.tmp")):
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass

    def _open_db(self, path: str, validate) -> TinyDB:
        db = TinyDB(path, storage=SafeJSONStorage, backups=self.backups,
                    backup_interval=self.backup_interval, clock=self.clock,
                    on_load=migrations.migrate, validate=validate)
        if db.storage.recovery is not None:
            self.recoveries.append(db.storage.recovery)
        return db

    def close(self) -> None:
        """Release the folder. Every write is already on disk, so nothing is flushed."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for db in self._sessions.values():
                db.close()
            self._sessions.clear()
            if hasattr(self, "_kiosk"):
                self._kiosk.close()
            self._release_lock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("closed", self.data_dir, f"The store for {self.data_dir} was already closed.")

    # -- helpers -------------------------------------------------------------------

    @staticmethod
    def _check_id(session_id: Any) -> str:
        """Session ids become file names: no dots, no slashes, bounded."""
        if not isinstance(session_id, str) or not _ID_RE.fullmatch(session_id):
            raise StoreError("invalid", "", f"{session_id!r} is not a valid session id (1-64 letters, "
                                            "digits, '-' or '_').")
        return session_id

    @staticmethod
    def _check_table(table: Any) -> str:
        if not isinstance(table, str) or not _TABLE_RE.fullmatch(table) or table in _RESERVED_TABLES:
            raise StoreError("invalid", "", f"{table!r} is not a table name the store allows.")
        return table

    @staticmethod
    def _check_doc_id(doc_id: Any) -> int:
        if isinstance(doc_id, bool) or not isinstance(doc_id, int) or doc_id < 1:
            raise StoreError("invalid", "", f"{doc_id!r} is not a document id (a positive integer).")
        return doc_id

    def _session_path(self, sid: str) -> str:
        return os.path.join(self.sessions_dir, f"{sid}.json")

    def _on_disk(self, sid: str) -> bool:
        path = self._session_path(sid)
        # lexists: a folder, a dangling link … in the file's place is a damaged session, not none
        return os.path.lexists(path) or bool(glob.glob(glob.escape(path) + ".bak*"))

    def _session_db(self, sid: str, create: bool) -> Optional[TinyDB]:
        """The cached TinyDB of a session; None if it has no file and ``create`` is false."""
        db = self._sessions.get(sid)
        if db is None:
            if not create and not self._on_disk(sid):
                return None  # do not cache (or create) anything for ids that do not exist
            db = self._open_db(self._session_path(sid), _session_damage(sid))
            self._sessions[sid] = db
        return db

    def _session_doc(self, db: Optional[TinyDB]) -> Optional[dict]:
        if db is None:
            return None
        return _raw(db, "session").get(str(_SESSION_DOC))

    def _existing_session(self, sid: str) -> TinyDB:
        db = self._session_db(sid, create=False)
        if self._session_doc(db) is None:
            raise StoreError("missing", self._session_path(sid), f"There is no session {sid!r}.")
        return db

    def _table(self, db: TinyDB, name: str):
        # No query cache: a failed write or a rolled-back batch replaces the
        # state under TinyDB, and a cache could then answer with the old one.
        return db.table(name, cache_size=0)

    # -- kiosk-wide state ----------------------------------------------------------

    def _state_doc(self, key: str) -> tuple[Optional[int], Optional[dict]]:
        for doc_id, doc in _raw(self._kiosk, "state").items():
            if doc.get("key") == key:
                return int(doc_id), doc
        return None, None

    def get_state(self, key: str, default: Any = None) -> Any:
        """A kiosk-wide value (active session, settings …); a copy."""
        with self._lock:
            self._check_open()
            _, doc = self._state_doc(key)
            return default if doc is None else _copy(doc.get("value"))

    def set_state(self, key: str, value: Any) -> None:
        """Set a kiosk-wide value; written before this returns, skipped if unchanged."""
        if not isinstance(key, str):
            raise StoreError("invalid", "", f"State keys are strings, not {key!r}.")
        value = _clean(value, f"value for {key!r}")
        with self._lock:
            self._check_open()
            doc_id, doc = self._state_doc(key)
            if doc is not None and doc.get("value") == value and not self._stale_index:
                return
            table = self._table(self._kiosk, "state")

            def change() -> None:
                if doc_id is None:
                    table.insert({"key": key, "value": value})
                else:
                    table.update({"value": value}, doc_ids=[doc_id])
            self._kiosk_write(change)

    # -- the session index ---------------------------------------------------------

    def _index_docs(self) -> dict[str, tuple[int, dict]]:
        raw = _raw(self._kiosk, "sessions")
        return {doc.get("id"): (int(doc_id), doc) for doc_id, doc in raw.items()}

    def _kiosk_write(self, change) -> None:
        """One write of kiosk.json, folding in index entries an earlier failure left stale."""
        storage = self._kiosk.storage
        storage.begin()
        try:
            for sid in sorted(self._stale_index):
                self._apply_index(sid, self._current_entry(sid))
            change()
        except BaseException:
            storage.rollback()
            raise
        storage.commit()  # raises StoreError with memory restored on failure
        self._stale_index.clear()

    def _current_entry(self, sid: str) -> Optional[dict]:
        """The index entry a session's own file implies (None: the session is gone)."""
        doc = self._session_doc(self._session_db(sid, create=False))
        return None if doc is None else _index_entry(doc)

    def _apply_index(self, sid: str, entry: Optional[dict]) -> None:
        table = self._table(self._kiosk, "sessions")
        found = self._index_docs().get(sid)
        if entry is None:
            if found is not None:
                table.remove(doc_ids=[found[0]])
        elif found is None:
            table.insert(entry)
        elif found[1] != entry:
            table.update(_replace_with(entry), doc_ids=[found[0]])

    def _sync_index(self, sid: str, entry: Optional[dict]) -> None:
        found = self._index_docs().get(sid)
        current = None if found is None else found[1]
        if current == entry and sid not in self._stale_index:
            return
        try:
            self._kiosk_write(lambda: self._apply_index(sid, entry))
        except StoreError as exc:
            # The session file already holds the change, so the caller must not
            # hear "nothing changed". The index is derived data: list_sessions
            # shows the truth now, the next kiosk.json write repairs it, and so
            # does the next start (the session file is then newer than the index).
            self._stale_index.add(sid)
            log.warning("session %s saved, its index entry not yet: %s", sid, exc)

    def _reconcile_index(self, full: bool) -> None:
        """Repair the index after a crash between a session write and its index write.

        Session files are written before the index, so only files at least as
        new as kiosk.json can disagree with it; those (and files the index does
        not know) are opened. After kiosk.json itself was recovered from a
        backup, every session file is checked.
        """
        names = os.listdir(self.sessions_dir)
        on_disk = set()
        for name in names:
            sid, dot, rest = name.partition(".")
            if _ID_RE.fullmatch(sid) and (rest == "json" or re.fullmatch(r"json\.bak\d+", rest)):
                on_disk.add(sid)
        index = self._index_docs()
        try:
            kiosk_mtime = os.stat(self._kiosk.storage.path).st_mtime_ns
        except OSError:
            kiosk_mtime = None
        check = on_disk - index.keys()
        for sid in on_disk & index.keys():
            if full or kiosk_mtime is None:
                check.add(sid)
                continue
            try:
                if os.stat(self._session_path(sid)).st_mtime_ns >= kiosk_mtime:
                    check.add(sid)
            except OSError:
                check.add(sid)  # only backups left, or not a file: let the storage recover it
        fixes: dict[str, Optional[dict]] = {}
        for sid in sorted(check):
            try:
                entry = self._current_entry(sid)
            except StoreError as exc:
                # One unreadable session (say, from a newer kiosk) must not stop
                # the kiosk; it raises again when someone opens that session.
                log.warning("index check skipped %s: %s", sid, exc)
                continue
            if entry is None and sid not in index:
                continue  # a file without a session document: nothing to list
            if entry != (index[sid][1] if sid in index else None):
                fixes[sid] = entry
        for sid in index.keys() - on_disk:
            fixes[sid] = None
        if fixes:
            def change() -> None:
                for sid, entry in fixes.items():
                    self._apply_index(sid, entry)
            self._kiosk_write(change)

    # -- sessions ------------------------------------------------------------------

    def save_session(self, doc: Mapping) -> None:
        """Write a session's document; kiosk.json is touched only if a listed field changed.

        So a timer tap costs one small file write, whatever the history holds.
        A missing ``created_at`` keeps the stored one, or is set from the clock.
        """
        if not isinstance(doc, Mapping) or "id" not in doc:
            raise StoreError("invalid", "", "A session needs an 'id'.")
        sid = self._check_id(doc["id"])
        stored = _clean(dict(doc), f"session {sid!r}")
        with self._lock:
            self._check_open()
            db = self._session_db(sid, create=True)
            old = self._session_doc(db)
            if stored.get("created_at") is None:
                stored["created_at"] = (old or {}).get("created_at") or self.clock.now()
            if old != stored:
                table = self._table(db, "session")
                if old is None:
                    table.insert(Document(stored, doc_id=_SESSION_DOC))
                else:
                    table.update(_replace_with(stored), doc_ids=[_SESSION_DOC])
            entry = _index_entry(stored)
            if self._batches.get(sid):
                self._pending_index[sid] = entry  # the batch's end writes it after the file
            else:
                self._sync_index(sid, entry)

    def load_session(self, session_id: str) -> Optional[dict]:
        """The session's document (a deep copy), or None if there is none."""
        sid = self._check_id(session_id)
        with self._lock:
            self._check_open()
            doc = self._session_doc(self._session_db(sid, create=False))
            return None if doc is None else _copy(doc)

    def list_sessions(self) -> list[dict]:
        """Index entries (id, team, method, created_at, status), newest first."""
        with self._lock:
            self._check_open()
            entries = {sid: _copy(doc) for sid, (_, doc) in self._index_docs().items()}
            for sid in self._stale_index:  # a failed index write: the session file is the truth
                entry = self._current_entry(sid)
                if entry is None:
                    entries.pop(sid, None)
                else:
                    entries[sid] = entry
            return sorted(entries.values(), key=_newest_first, reverse=True)

    def _let_go(self, sid: str, doing: str) -> str:
        """Close a session's open file before its files are moved or removed (under the
        lock; refused inside the session's own batch); its main file's path."""
        self._check_open()
        if self._batches.get(sid):
            raise StoreError("invalid", "", f"Session {sid!r} cannot be {doing} inside its own batch.")
        db = self._sessions.pop(sid, None)
        if db is not None:
            db.close()
        return self._session_path(sid)

    def delete_session(self, session_id: str) -> None:
        """Remove a session's file, its backups and its index entry. Idempotent.

        Backups go first and the index entry last, so a crash part-way leaves
        either the session or nothing, never a session brought back from a backup.
        """
        sid = self._check_id(session_id)
        with self._lock:
            path = self._let_go(sid, "deleted")
            try:
                for extra in sorted(glob.glob(glob.escape(path) + ".*")):
                    os.unlink(extra)
                if os.path.exists(path):
                    os.unlink(path)
            except OSError as exc:
                raise error_from_os(exc, path, "delete") from exc
            fsync_dir(self.sessions_dir)  # make the unlinks durable before the index changes
            self._pending_index.pop(sid, None)
            self._sync_index(sid, None)

    # -- generic per-session tables ------------------------------------------------

    def insert(self, session_id: str, table: str, doc: Mapping) -> int:
        """Add a document (note, vote, action …) to a session's table; returns its id."""
        sid, name = self._check_id(session_id), self._check_table(table)
        if not isinstance(doc, Mapping):
            raise StoreError("invalid", "", f"Only mappings can be stored in {name!r}.")
        clean = _clean({k: v for k, v in doc.items() if k != "doc_id"}, f"{name} document")
        with self._lock:
            self._check_open()
            return self._table(self._existing_session(sid), name).insert(clean)

    def update(self, session_id: str, table: str, doc_id: int, fields: Mapping) -> None:
        """Set some fields of one document; no write when nothing changes."""
        sid, name, doc_id = self._check_id(session_id), self._check_table(table), self._check_doc_id(doc_id)
        if not isinstance(fields, Mapping):
            raise StoreError("invalid", "", f"Fields for {name!r} must be a mapping.")
        clean = _clean({k: v for k, v in fields.items() if k != "doc_id"}, f"{name} fields")
        with self._lock:
            self._check_open()
            db = self._existing_session(sid)
            current = _raw(db, name).get(str(doc_id))
            if current is None:
                raise StoreError("missing", self._session_path(sid),
                                 f"There is no document {doc_id} in {name!r} of session {sid!r}.")
            if all(k in current and current[k] == v for k, v in clean.items()):
                return
            self._table(db, name).update(clean, doc_ids=[doc_id])

    def remove(self, session_id: str, table: str, doc_id: int) -> None:
        """Delete one document; removing one that is already gone is not an error (double taps)."""
        sid, name, doc_id = self._check_id(session_id), self._check_table(table), self._check_doc_id(doc_id)
        with self._lock:
            self._check_open()
            db = self._existing_session(sid)
            if str(doc_id) in _raw(db, name):
                self._table(db, name).remove(doc_ids=[doc_id])

    def get(self, session_id: str, table: str, doc_id: int) -> Optional[dict]:
        """One document as a copy with its 'doc_id', or None."""
        sid, name, doc_id = self._check_id(session_id), self._check_table(table), self._check_doc_id(doc_id)
        with self._lock:
            self._check_open()
            db = self._session_db(sid, create=False)
            if db is None:
                return None
            doc = _raw(db, name).get(str(doc_id))
            return None if doc is None else {**_copy(doc), "doc_id": doc_id}

    def all(self, session_id: str, table: str) -> list[dict]:
        """Every document of a session's table, as copies with 'doc_id', in insertion order."""
        sid, name = self._check_id(session_id), self._check_table(table)
        with self._lock:
            self._check_open()
            db = self._session_db(sid, create=False)
            if db is None:
                return []
            raw = _copy(_raw(db, name))
            return [{**doc, "doc_id": int(i)} for i, doc in sorted(raw.items(), key=lambda kv: int(kv[0]))]

    def first(self, session_id: str, table: str, field: str, value: Any) -> Optional[dict]:
        """The first document of a session's table whose ``field`` is ``value`` (None: none);
        for the tables that keep one record per key (a step's rounds, a meta value)."""
        return next((d for d in self.all(session_id, table) if d.get(field) == value), None)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Hold writers off while several reads must agree: an export reads a session's
        notes, votes and actions as of one moment, not a wall from before a tap and its
        actions from after it. Reads are in memory, so writers wait milliseconds."""
        with self._lock:
            yield

    @contextmanager
    def batch(self, session_id: str) -> Iterator[None]:
        """Several changes to one session, written as ONE file write at the end.

        For gestures that change many notes at once (a drop that regroups a
        cluster, a vote round): it is faster, and a crash keeps all or none of
        it. On an exception nothing is written and memory is put back. Changes
        to kiosk state or to other sessions inside the block are not part of it.
        """
        sid = self._check_id(session_id)
        with self._lock:
            self._check_open()
            storage = self._session_db(sid, create=True).storage
            pending_before = self._pending_index.get(sid)
            storage.begin()
            self._batches[sid] = self._batches.get(sid, 0) + 1
            try:
                yield
            except BaseException:
                self._end_batch(sid)
                storage.rollback()
                if pending_before is None:
                    self._pending_index.pop(sid, None)
                else:
                    self._pending_index[sid] = pending_before
                raise
            outermost = self._end_batch(sid)
            try:
                storage.commit()
            except BaseException:
                if outermost:
                    self._pending_index.pop(sid, None)
                raise
            if outermost and sid in self._pending_index:
                self._sync_index(sid, self._pending_index.pop(sid))

    def _end_batch(self, sid: str) -> bool:
        depth = self._batches[sid] - 1
        if depth:
            self._batches[sid] = depth
        else:
            del self._batches[sid]
        return depth == 0


def _replace_with(new: dict):
    """A TinyDB update that replaces a document's content, dropping keys no longer there."""
    def apply(doc: dict) -> None:
        doc.clear()
        doc.update(new)
    return apply
