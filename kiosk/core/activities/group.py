"""Group: notes that say the same are stacked into named groups (DESIGN.md §4).

The rules are the wall's (``Wall.group``, ``ungroup``, ``name_cluster``), and so are
its refusals; ``kinds`` limits the step to notes of some kinds.
"""

from __future__ import annotations

from kiosk.core.params import FROM_PREPARED, LENS_KINDS, prepared_off

from . import Activity

ACTIVITY = Activity(
    "group",
    params=(FROM_PREPARED, LENS_KINDS),
    needs_notes=prepared_off,
    kind_params=("kinds",),
    order=50,
)
