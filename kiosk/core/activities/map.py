"""The map (the TRIO catalogue's *arbejdsmiljøfortælling*): attention points placed
around a central theme, with links between the ones that affect each other.

Everything but the central theme's text is a facet of the wall's items (the notes
in no group, and the groups), so the map is one more lens on the same wall:

* ``map_at`` — where the item sits on the map, (x, y) in 0..1 with y upwards and
  the centre at (0.5, 0.5); None: not on the map (it waits in the tray);
* ``links`` — keys of the items it is linked to. A link is undirected and stored on
  one end only (the item tapped first); it is shown while both ends are items on
  the map, so a link to a note that was deleted, or that went into a group,
  disappears with it (and comes back if an undo brings the note back).

The central theme's text comes from the step's ``centre`` parameter or is typed by
the group; a typed one is kept in the session's "maps" table (one document per
step) with its own small undo. Intents are checked first (a refusal is a
``MapError``, a ``WallError``, and changes nothing); wall changes go through the
wall's one change mechanism, so the wall's undo takes them back.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Optional

from ..undo import STEP_DEPTH, Undoable, UndoLog
from ..wall import Item, Note, Wall, WallError, clean_point, clean_text
from kiosk.core.params import Bool, Int, Param, Slug, Text
from kiosk.core.wall import NOTE_MAX
from kiosk.i18n import N_

from . import Activity

MAPS = "maps"
"""The per-session table with the typed central theme of each map step."""
CENTRE_MAX = 120
"""The central theme is a heading: a few words."""
ROOM = 0.25
"""How far (in map units) a new point wants to be from every other."""

Pair = tuple[str, str]


class MapError(WallError):
    """A map intent the rules refuse; ``reason`` is a key for the screen's message."""


def pair(a: str, b: str) -> Pair:
    """A link as an unordered pair (the same whichever end was tapped first)."""
    return (a, b) if a <= b else (b, a)


def clean_centre(text: Any) -> str:
    """A central theme as stored: trimmed, single-spaced, 1..CENTRE_MAX characters."""
    value = " ".join(text.split()) if isinstance(text, str) else ""
    if not value:
        raise MapError("centre_empty")
    if len(value) > CENTRE_MAX:
        raise MapError("centre_long")
    return value


def placed(wall: Wall) -> list[Item]:
    """The items on the map, in wall order."""
    return [i for i in wall.items() if i.map_at is not None]


def tray(wall: Wall) -> list[Item]:
    """The items not on the map yet (face-down notes are not shown to the room)."""
    return [i for i in wall.items() if i.map_at is None and not (isinstance(i, Note) and i.face_down)]


def links(wall: Wall) -> list[Pair]:
    """Every link between two items on the map, each once, in the order they were made
    (a link whose other end is gone, grouped or off the map is left out)."""
    on_map = {i.key for i in placed(wall)}
    out: dict[Pair, None] = {}
    for item in placed(wall):
        for other in item.links:
            if other in on_map and other != item.key:
                out.setdefault(pair(item.key, other), None)
    return list(out)


def free_spot(spots: list[tuple[float, float]], *, radius: float = 0.34,
              card: Optional[tuple[float, float]] = None,
              centre: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    """Where a newly written point goes: the first place on a ring around the centre
    (above, below, left, right, then the diagonals; then a wider ring) with room around
    it; when the rings are full, the place of a grid over the whole map that is furthest
    from every point already there, so a new note does not land on another.

    ``card``: a card's (width, height) as parts of the map's (the screen knows them).
    With it, room means that the card there overlaps no other card nor the central
    theme (``centre``: its width and height as parts of the map), with a little air
    between, and lies wholly on the map: the free one of the ``cells`` nearest the
    middle (cards side by side pack the map fullest), else a free place between them;
    on a full map, the place where it overlaps the others least."""
    if card is not None:
        return _free_place(spots, radius, card, centre)
    ring = []
    for r, turn in ((radius, 0.0), (radius + 0.1, math.pi / 8)):
        for k in (0, 4, 2, 6, 1, 5, 3, 7):
            a = math.pi / 2 - k * math.pi / 4 + turn
            ring.append((0.5 + r * math.cos(a), 0.5 + r * math.sin(a)))
    grid = [(0.06 + 0.88 * i / 6, 0.08 + 0.84 * j / 4) for j in range(5) for i in range(7)]
    grid = [g for g in grid if not (abs(g[0] - 0.5) < 0.2 and abs(g[1] - 0.5) < 0.2)]  # not on the centre
    places = [(min(1.0, max(0.0, x)), min(1.0, max(0.0, y))) for x, y in ring + grid]
    if not spots:
        return places[0]

    def room(c):
        return min(math.dist(c, p) for p in spots)
    return next((c for c in places if room(c) >= ROOM), None) or max(places, key=room)


AIR = 0.08
"""Air between the cells' cards, as a part of a card's size."""
SNUG = 0.02
"""The least air between a new point's card and another, as a part of a card's size."""


def cells(card: tuple[float, float], centre: tuple[float, float] = (0.0, 0.0)) -> list[tuple[float, float]]:
    """The places where cards of this size (parts of the map's width and height) sit
    side by side with a little air, spread over the whole map, the central theme's
    (its size, in the middle) left out: nearest the middle first, then from the top."""
    w, h = (min(1.0, max(1e-3, float(v))) for v in card)
    cols, rows = (max(1, int((1 + v * AIR) / (v * (1 + AIR)) + 1e-9)) for v in (w, h))  # n cards, n - 1 airs
    xs = [0.5] if cols == 1 else [w / 2 + (1 - w) * i / (cols - 1) for i in range(cols)]
    ys = [0.5] if rows == 1 else [h / 2 + (1 - h) * j / (rows - 1) for j in range(rows)]
    out = [(x, y) for y in ys for x in xs if _clear_of_centre((x, y), (w, h), centre)]
    out.sort(key=lambda c: (round(math.hypot((c[0] - 0.5) / w, (c[1] - 0.5) / h), 6), -c[1], c[0]))
    return out


def _clear_of_centre(c, card, centre) -> bool:
    (w, h), (cw, ch) = card, centre
    return abs(c[0] - 0.5) >= (w + cw) / 2 + w * AIR / 2 or abs(c[1] - 0.5) >= (h + ch) / 2 + h * AIR / 2


def _free_place(spots, radius, card, centre) -> tuple[float, float]:
    w, h = (min(1.0, max(1e-3, float(v))) for v in card)
    cw, ch = (max(0.0, float(v)) for v in centre)

    def on_map(p):  # where the screen draws a card put at p: wholly on the map
        return (min(max(p[0], w / 2), 1 - w / 2), min(max(p[1], h / 2), 1 - h / 2))
    others = [on_map(p) for p in spots]
    reach_x, reach_y = w * (1 + SNUG), h * (1 + SNUG)

    def room(c) -> float:
        """1 or more: clear of every card; less: how far it is from the nearest, in card sizes."""
        return min((max(abs(c[0] - o[0]) / reach_x, abs(c[1] - o[1]) / reach_y) for o in others), default=9.0)

    def by_middle(places):
        return sorted(places, key=lambda c: (round(math.hypot((c[0] - 0.5) / w, (c[1] - 0.5) / h), 6), -c[1], c[0]))
    # the cells first (side by side they pack the most cards); then right beside a card
    # already there (cards put there by hand, or of a larger size before); then a grid
    beside = [on_map((o[0] + dx, o[1] + dy)) for o in others
              for dx, dy in ((0, reach_y), (0, -reach_y), (reach_x, 0), (-reach_x, 0))]
    nx, ny = max(2, math.ceil(2 / w)), max(2, math.ceil(2 / h))
    grid = [on_map((w / 2 + (1 - w) * i / (nx - 1), h / 2 + (1 - h) * j / (ny - 1)))
            for j in range(ny) for i in range(nx)]
    places = cells((w, h), (cw, ch)) + [c for c in by_middle(beside) + by_middle(grid)
                                        if _clear_of_centre(c, (w, h), (cw, ch))]
    places = places or [on_map((0.5, 0.5 + radius))]
    best = next((c for c in places if room(c) >= 1 - 1e-9), None)
    return best if best is not None else max(places, key=room)


def linked(wall: Wall, a: str, b: str) -> bool:
    return pair(a, b) in set(links(wall))


def degree(wall: Wall) -> dict[str, int]:
    """How many links each item on the map has (the screen writes it on the card)."""
    out = {i.key: 0 for i in placed(wall)}
    for a, b in links(wall):
        out[a] += 1
        out[b] += 1
    return out


class MapBoard(Undoable):
    """One map step of a session: its central theme, the spots and the links."""

    def __init__(self, wall: Wall, store, session_id: str, step_id: str, *,
                 centre: Optional[str] = None, kind: str = "map", max_length: int = 140) -> None:
        self.wall = wall
        self.store = store
        self.session_id = session_id
        self.step_id = step_id
        self.default_centre = centre or ""
        """The method file's central theme ('' when the group types it)."""
        self.kind = kind
        self.max_length = int(max_length)
        self._undo: UndoLog[Optional[dict]] = UndoLog(STEP_DEPTH)

    # -- the central theme -------------------------------------------------------------

    def _doc(self) -> Optional[dict]:
        return next((d for d in self.store.all(self.session_id, MAPS) if d.get("step") == self.step_id), None)

    @property
    def centre(self) -> str:
        """The central theme: typed by the group in this step, else the method's for this
        step, else the one typed in an earlier map step of the session (a second map step
        goes on with the same story), else ''."""
        doc = self._doc()
        text = doc.get("centre") if doc else None
        if isinstance(text, str) and text:
            return text
        if self.default_centre:
            return self.default_centre
        others = [d.get("centre") for d in self.store.all(self.session_id, MAPS)
                  if isinstance(d.get("centre"), str) and d.get("centre")]
        return others[-1] if others else ""

    def set_centre(self, text: str) -> str:
        value = clean_centre(text)
        doc = self._doc()
        if doc is not None and doc.get("centre") == value:
            return value
        with self.store.batch(self.session_id):
            if doc is None:
                self.store.insert(self.session_id, MAPS, {"step": self.step_id, "centre": value})
            else:
                self.store.update(self.session_id, MAPS, doc["doc_id"], {"centre": value})
        self._undo.push(None if doc is None else {"centre": doc.get("centre")})
        return value

    def undo(self) -> bool:
        """The central theme as it was before the last change ('' back to the method's)."""
        return self._undo.undo(self._put_back)

    def _put_back(self, before: Optional[dict]) -> None:
        doc = self._doc()
        if doc is not None:
            with self.store.batch(self.session_id):
                self.store.update(self.session_id, MAPS, doc["doc_id"],
                                  {"centre": None if before is None else before.get("centre")})

    # -- the attention points ----------------------------------------------------------

    def write(self, text: str, x: float = 0.5, y: float = 0.5) -> Note:
        """A new attention point, written on the map and put down at (x, y)."""
        text = clean_text(text, self.max_length)
        spot = clean_point(x, y)
        now = float(self.wall.clock.now())
        return self.wall._change(lambda c: c.insert_note(
            kind=self.kind, text=text, step=self.step_id, created_at=now, map_at=spot))

    def place(self, key: str, x: float, y: float) -> Item:
        """Put an item on the map, or move it there (clamped to the map)."""
        item = self.wall._item_of_wall(key)
        spot = clean_point(x, y)
        return self.wall._change(lambda c: c.put(replace(item, map_at=spot)))

    def unplace(self, key: str) -> Item:
        """Take an item off the map, back to the tray (its links wait with it)."""
        item = self.wall._item_of_wall(key)
        return self.wall._change(lambda c: c.put(replace(item, map_at=None)))

    def toggle_link(self, a: str, b: str) -> bool:
        """Link two items on the map, or take the link away if they are linked; returns
        whether they are linked now. Both must be on the map ('not_on_map')."""
        if a == b:
            raise MapError("same_item")
        first, second = self.wall._item_of_wall(a), self.wall._item_of_wall(b)
        if first.map_at is None or second.map_at is None:
            raise MapError("not_on_map")
        if linked(self.wall, a, b):
            def unlink(c) -> bool:
                for item, other in ((first, b), (second, a)):
                    if other in item.links:
                        c.put(replace(item, links=tuple(k for k in item.links if k != other)))
                return False
            return self.wall._change(unlink)
        # a stale copy of the link (to a note that was gone and came back) is replaced, not doubled
        return self.wall._change(lambda c: c.put(replace(first, links=tuple(k for k in first.links if k != b) + (b,)))
                                 is not None)

    def edit(self, note_id: int, text: str) -> Note:
        return self.wall.edit_text(note_id, text, max_length=self.max_length)

    def delete(self, note_id: int) -> Note:
        """Take an attention point off the wall; its links go with it (undo brings both back)."""
        return self.wall.delete_note(note_id)



# -- its part of an export (kiosk.core.export) ----------------------------------------------

def collect(ctx) -> dict:
    """The central theme (the latest map step's: a later step may retell it), the
    items on the map with their spots, and the links between them."""
    placed_items = [i for i in ctx.items if i.get("map")]
    if not placed_items:
        return {"map": None}
    steps = ctx.steps("map")
    centre = ""
    for step in reversed(steps):
        centre = MapBoard(ctx.wall, ctx.store, ctx.session_id, step.get("id"),
                          centre=(step.get("params") or {}).get("centre")).centre
        if centre:
            break
    return {"map": {
        "title": str(steps[0].get("title") or "") if steps else "",
        "centre": centre,
        "points": [{"key": i["key"], "label": i["label"], **i["map"]} for i in placed_items],
        "links": [[ctx.label(a), ctx.label(b)] for a, b in links(ctx.wall)],
    }}


def sections(doc: dict, t) -> list:
    """The central theme, the items on the map, then the links ("A — B")."""
    mp = doc.get("map")
    if not mp:
        return []
    lines = [(f"{t(N_('Central theme'))}: {mp['centre']}", [])] if mp["centre"] else []
    lines += [(p["label"], []) for p in mp["points"]]
    if mp["links"]:
        lines.append((t(N_("Links")), [f"{a} — {b}" for a, b in mp["links"]]))
    return [(mp["title"] or t(N_("Map")), lines)]

# attention points around a central theme, linked to each other (arbejdsmiljøfortælling);
# centre absent: the group types it; write: new points can be written on the map
ACTIVITY = Activity(
    "map",
    params=(
        Param("centre", Text(max_len=CENTRE_MAX)),
        Param("write", Bool(), default=True),
        Param("kind", Slug()),
        Param("max_length", Int(10, 500), default=NOTE_MAX),
    ),
    makes_notes=lambda p: p.get("write", True) is not False,
    refusals={
        "centre_empty": N_("Write the central theme in a few words first."),
        "centre_long": N_("The central theme is at most 120 characters."),
        "not_on_map": N_("Put both post-its on the map first, then link them."),
    },
    collect=collect,
    sections=sections,
    order=140,
)
