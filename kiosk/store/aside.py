"""Set a session aside: its files leave the kiosk's view, whole, and nothing is deleted.

For a session whose file the kiosk cannot open (a folder in its place, unreadable,
written by a newer kiosk): the admin's "Set aside" in Settings moves the file, its
backups and any damaged copies into ``DATA/set-aside/<id>-<time>/`` and drops the
session from the list, so the kiosk starts clean and the data waits for someone who
can look at it (or a kiosk update that can read it: move the files back).
"""

from __future__ import annotations

import glob
import os
import time
from typing import Optional

from .storage import StoreError, error_from_os, fsync_dir

SET_ASIDE = "set-aside"


def set_aside_session(store, session_id: str, now: float) -> Optional[str]:
    """Move every file of the session into a new folder under ``DATA/set-aside``; drop its index
    entry. Returns that folder, or None when the session has no file (or its id could never
    name one). Raises StoreError (nothing moved, or only backups) when the disk refuses.

    Backups move first and the main file last, as ``Store.delete_session`` removes them:
    a power cut part-way leaves the damaged main file where it was, never a session
    brought back from a backup behind the admin's back.
    """
    try:
        sid = store._check_id(session_id)
    except StoreError:
        return None
    with store._lock:
        path = store._let_go(sid, "set aside")
        extras = sorted(glob.glob(glob.escape(path) + ".*"))
        files = [p for p in extras if os.path.lexists(p)] + ([path] if os.path.lexists(path) else [])
        folder = None
        if files:
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
            base = os.path.join(store.data_dir, SET_ASIDE, f"{sid}-{stamp}")
            folder, n = base, 1
            while os.path.lexists(folder):
                n += 1
                folder = f"{base}-{n}"
            try:
                os.makedirs(folder)
                for f in files:
                    os.rename(f, os.path.join(folder, os.path.basename(f)))
            except OSError as exc:
                raise error_from_os(exc, path, "set aside") from exc
            fsync_dir(folder)
            fsync_dir(store.sessions_dir)
        store._pending_index.pop(sid, None)
        store._sync_index(sid, None)
    return folder
