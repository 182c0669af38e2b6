"""The store as the export server process sees it: read-only, straight from the files.

The kiosk process stays the store's one writer (``kiosk.store.Store`` holds the folder's
lock). Its files are replaced whole by a rename (``SafeJSONStorage``: temporary file,
fsync, ``os.replace``), so a reader that opens the path sees either the old file or the
new one, never a torn one. This view opens each file read-only when asked, and keeps
what it parsed while the file's inode, size and mtime stay the same.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from kiosk.store.storage import StoreError

_SESSION_DOC = "1"


class StoreView:
    """The reads ``kiosk.core.export`` makes (load_session, all, get_state, list_sessions …)."""

    def __init__(self, data_dir: str | os.PathLike) -> None:
        self.data_dir = os.path.abspath(os.fspath(data_dir))
        self.sessions_dir = os.path.join(self.data_dir, "sessions")
        self._lock = threading.RLock()
        self._parsed: dict[str, tuple[tuple, dict]] = {}
        self._pinned: Optional[dict[str, dict]] = None
        self._depth = 0

    def _file(self, path: str) -> dict:
        if self._pinned is not None and path in self._pinned:
            return self._pinned[path]
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            data: dict = {}
        except OSError as exc:
            raise StoreError("damaged", path, f"cannot be read: {exc}") from exc
        else:
            try:
                st = os.fstat(fd)
                ident = (st.st_ino, st.st_size, st.st_mtime_ns)
                cached = self._parsed.get(path)
                if cached is not None and cached[0] == ident:
                    data = cached[1]
                else:
                    with os.fdopen(os.dup(fd), "rb") as f:
                        raw = f.read()
                    try:
                        data = json.loads(raw.decode("utf-8")) if raw else {}
                    except ValueError as exc:
                        raise StoreError("damaged", path, f"not JSON: {exc}") from exc
                    if not isinstance(data, dict):
                        raise StoreError("damaged", path, "not a JSON object")
                    self._parsed[path] = (ident, data)
            finally:
                os.close(fd)
        if self._pinned is not None:
            self._pinned[path] = data
        return data

    def _session_file(self, sid: str) -> dict:
        if not isinstance(sid, str) or not sid or "/" in sid or sid.startswith("."):
            raise StoreError("invalid", "", f"Not a session id: {sid!r}.")
        return self._file(os.path.join(self.sessions_dir, f"{sid}.json"))

    @staticmethod
    def _copy(value: Any) -> Any:
        return json.loads(json.dumps(value, ensure_ascii=False))

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see each file once (as it was when first read in the block)."""
        with self._lock:
            outer = self._pinned is None
            if outer:
                self._pinned = {}
            try:
                yield
            finally:
                if outer:
                    self._pinned = None

    def load_session(self, session_id: str) -> Optional[dict]:
        with self._lock:
            doc = self._session_file(session_id).get("session", {}).get(_SESSION_DOC)
            return None if doc is None else self._copy(doc)

    def all(self, session_id: str, table: str) -> list[dict]:
        with self._lock:
            raw = self._copy(self._session_file(session_id).get(table, {}))
            return [{**doc, "doc_id": int(i)} for i, doc in sorted(raw.items(), key=lambda kv: int(kv[0]))]

    def first(self, session_id: str, table: str, field: str, value: Any) -> Optional[dict]:
        return next((d for d in self.all(session_id, table) if d.get(field) == value), None)

    def get(self, session_id: str, table: str, doc_id: int) -> Optional[dict]:
        return next((d for d in self.all(session_id, table) if d["doc_id"] == int(doc_id)), None)

    def get_state(self, key: str, default: Any = None) -> Any:
        with self._lock:
            for doc in self._file(os.path.join(self.data_dir, "kiosk.json")).get("state", {}).values():
                if doc.get("key") == key:
                    return self._copy(doc.get("value"))
            return default

    def list_sessions(self) -> list[dict]:
        with self._lock:
            raw = self._file(os.path.join(self.data_dir, "kiosk.json")).get("sessions", {})
            entries = [self._copy(doc) for doc in raw.values()]
        def order(e):
            c = e.get("created_at")
            n = c if isinstance(c, (int, float)) and not isinstance(c, bool) else float("-inf")
            return (n, str(e.get("id")))
        return sorted(entries, key=order, reverse=True)
