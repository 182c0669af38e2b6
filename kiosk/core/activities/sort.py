"""Sort: notes go into the method's columns (keep / change …), or the parking lot
(DESIGN.md §4).

The rules are the wall's (``Wall.sort``, ``sort_columns``), and so are its refusals.
With ``items`` the step brings its own notes (the method's list, seeded as notes), so it needs none
from an earlier step and later steps can work on them.
"""

from __future__ import annotations

from kiosk.core.params import FROM_PREPARED, ID_TITLE, PARKING_LOT, Param, Tables, Text, Texts, prepared_off
from kiosk.core.wall import NOTE_MAX

from . import Activity

ACTIVITY = Activity(
    "sort",
    params=(
        Param("columns", Tables(ID_TITLE, "column"), required=True),
        PARKING_LOT,
        Param("items", Texts(unique=True, item=Text(max_len=NOTE_MAX))),
        FROM_PREPARED,
    ),
    needs_notes=lambda p: prepared_off(p) and not p.get("items"),
    makes_notes=lambda p: bool(p.get("items")),
    order=60,
)
