"""Table-group steps: one lane per table on the wall, and the plenary after them (DESIGN.md §4).

A step with ``groups = true`` runs at the tables at once: each table's notes, stacks,
sort columns, puzzle, marks and vote stay in its own lane (``Note.group``), so one
table's top 3 is its own. A later step without ``groups`` is the plenary: it sees every
lane's items together (``Wall.items()`` without ``group``), e.g. each table's chosen
wishes as one list for the room's vote.

The rules here are pure: which lanes a step has, how they fit the screen (side by
side, or tabs when a lane would be too narrow to read from 3 m), the key a lane's own
records (votes, marks) are filed under, and which table a written note belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from kiosk.i18n import N_

MIN_LANE = 300
"""The narrowest lane, in px at 1080p (the app's scale 1), that still reads at 3 m: one
column of post-its at the wall's own card size (240 px wide, 28 px text) with the lane's
margins, and its title ("Table 2 · 4 people" at the body size). An activity with a bar of
buttons asks for more (its view's ``LANE_MIN``)."""
LANE_GAP = 16
"""Between two lanes, in px at 1080p."""

ROOM = None
"""The lane of a step run in groups before the room was split: the whole room's."""


def lanes(tables: int) -> list[Optional[int]]:
    """The lanes of a table-group step: one per table (1, 2, …); a room never split has
    one lane, the whole room's (``ROOM``), and the screen says how to split it."""
    if isinstance(tables, bool) or not isinstance(tables, int) or tables < 1:
        return [ROOM]
    return list(range(1, tables + 1))


@dataclass(frozen=True)
class Layout:
    """How a table-group step's lanes share the screen."""

    tabs: bool
    """True: one lane at a time, with a tab per table (too many to read side by side)."""
    shown: int
    """Lanes on screen at once (all of them side by side, or 1 behind tabs)."""
    width: float
    """Each shown lane's width, in the caller's px."""


def layout(width: float, count: int, scale: float = 1.0, min_lane: float = MIN_LANE) -> Layout:
    """Side by side while every lane keeps ``min_lane`` (at ``scale``), else tabs: a lane
    too narrow for one readable column of post-its helps no table. ``width`` is the room
    the lanes have, in px."""
    count = max(1, int(count))
    gap = LANE_GAP * scale
    each = (width - gap * (count - 1)) / count
    if count == 1 or each >= min_lane * scale:
        return Layout(False, count, max(0.0, each))
    return Layout(True, 1, max(0.0, width))


def lane_key(step_id: str, group: Optional[int]) -> str:
    """What a lane's own records (a vote's dots, a rating's marks) are filed under: the
    step's id for the whole room, "<step>@<table>" for a table's lane."""
    return str(step_id) if group is None else f"{step_id}@{int(group)}"


def split_key(key: Any) -> tuple[str, Optional[int]]:
    """``lane_key`` back: "vaelg@2" → ("vaelg", 2); "vaelg" → ("vaelg", None)."""
    text = str(key)
    step, at, table = text.rpartition("@")
    if at and step and table.isdigit() and table.isascii() and int(table) > 0:
        return step, int(table)
    return text, None


def lane_title(group: Optional[int], t: Callable[[str], str] = lambda s: s) -> str:
    """A lane's heading, in ``t``'s language: "Table 2", or "Everyone" for the room's.
    A table number says nothing about who wrote what."""
    if group is None:
        return t(N_("Everyone"))
    return t(N_("Table {n}")).format(n=group)


def writer_group(step, tables: int, author_table: Optional[int] = None,
                 picked: Optional[int] = None) -> Optional[int]:
    """The lane a note written now belongs to: none outside a table-group step; else the
    table the writer picked on the composer, or the author's own table, or the room's
    when the room was never split. A table that is not there (the room was split
    again into fewer) counts as not picked."""
    if not getattr(step, "groups", False) or tables < 1:
        return None
    for table in (picked, author_table):
        if isinstance(table, int) and not isinstance(table, bool) and 1 <= table <= tables:
            return table
    return None


def by_lane(items: Iterable[Any]) -> dict[Optional[int], list[Any]]:
    """Items (or export rows with a "group") per lane, the tables in order, the room's last:
    the plenary's list and the export's "Table 1: …" sections."""
    out: dict[Optional[int], list[Any]] = {}
    for item in items:
        group = item.get("group") if isinstance(item, dict) else getattr(item, "group", None)
        out.setdefault(group if isinstance(group, int) else None, []).append(item)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
