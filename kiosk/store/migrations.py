"""Schema versions of the store's files, and the steps that bring old files forward.

Every TinyDB file the store writes carries its version in the ``_meta`` table.
A file from an older version is migrated on open, one step at a time; a file
from a *newer* version is refused, because rewriting it with an older
understanding of the data would silently drop what we do not know about.
"""

from __future__ import annotations

from typing import Callable

from .storage import StoreError

#: The data format this code writes.
SCHEMA_VERSION = 1

#: ``MIGRATIONS[n]`` turns a version-``n`` state (the raw TinyDB dict of tables)
#: into a version ``n + 1`` state. Version 1 is the first, so none exist yet.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}

META_TABLE = "_meta"
_META_DOC = "1"
_VERSION_FIELD = "schema_version"


def version_of(data: dict) -> int | None:
    """The schema version recorded in a TinyDB state, or None when none is."""
    doc = data.get(META_TABLE, {}).get(_META_DOC)
    if not isinstance(doc, dict) or _VERSION_FIELD not in doc:
        return None
    return doc[_VERSION_FIELD]


def _stamp(data: dict, version: int) -> dict:
    data.setdefault(META_TABLE, {})[_META_DOC] = {_VERSION_FIELD: version}
    return data


def migrate(data: dict, path: str = "") -> dict:
    """Bring ``data`` to :data:`SCHEMA_VERSION`, or raise StoreError(kind='schema').

    A state without a version is new (or from before versions, which for
    version 1 is the same thing) and is simply stamped with the current one.
    """
    # Read the module globals at call time so a test can install a migration.
    target = SCHEMA_VERSION
    found = version_of(data)
    where = path or "a data file"
    if found is None:
        return _stamp(data, target)
    if isinstance(found, bool) or not isinstance(found, int) or found < 1:
        raise StoreError("schema", path, f"{where} has an unreadable data format version "
                                         f"({found!r}); it was left untouched.")
    if found > target:
        raise StoreError("schema", path, f"{where} was written by a newer version of the kiosk "
                                         f"(data format {found}; this one knows up to {target}). "
                                         "Update the kiosk software; the file was left untouched.")
    while found < target:
        step = MIGRATIONS.get(found)
        if step is None:
            raise StoreError("schema", path, f"The kiosk cannot bring {where} from data format "
                                             f"{found} to {found + 1}; the file was left untouched.")
        data = _stamp(step(data), found + 1)
        found += 1
    return data
