"""Several writers at the wall at once: how many composers fit, and their unsent drafts.

On a write step the wall shows composers side by side, each with its own keyboard,
so two or three people write at the same moment instead of queueing at one. How
many fit is a rule of the room, not of pixels: X and DRM often report a wrong DPI,
so the screen's diagonal is a setting (``Settings.screen_inches``) and the rule
works in millimetres from it, assuming the kiosk runs fullscreen (the window is
the screen). Two things must hold for ``n`` composers:

* every key is at least ``KEY_MM`` wide (a fingertip, DESIGN.md §2), measured on the
  row that makes the narrowest keys;
* every writer has ``ELBOW_MM`` of the wall's width to stand at: people stand
  shoulder to shoulder, so a 55" screen takes two writers, 65" and 75" three.

On a 16:9 screen the standing room decides; the key width decides on a narrow
(portrait) screen or a keyboard with more keys per row. One composer is always
possible: a single writer never loses the keyboard.

A composer left open when its step changes keeps its text as a draft of that step
(nothing typed is lost, and nothing goes on the wall that its writer did not send);
the step's view offers the drafts again when the step is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

KEY_MM = 15.0
"""The narrowest key a fingertip hits reliably."""
ELBOW_MM = 450.0
"""The width of wall one writer stands at, shoulder to shoulder with the next."""
MAX_WRITERS = 4
"""More people than this do not stand at one screen, however large."""

DESK_MARGIN = 16
"""px at 1080p (scaled like the rest): the desk's padding at its left and right."""
WRITER_GAP = 20
"""px at 1080p between two composers."""
WRITER_PADDING = 14
"""px at 1080p inside a composer, each side."""
KEY_GAP = 10
"""px at 1080p between two keys of a row (the on-screen keyboard's spacing)."""

DRAFTS = "drafts"
"""The per-session store table of drafts."""
DRAFT_MAX = 2000
"""A draft longer than this is not text someone typed on a wall keyboard."""


@dataclass(frozen=True)
class Row:
    """One row of the keyboard: how many keys, and how many key widths they take
    (a wide key such as space counts as several)."""

    keys: int
    units: float


def mm_per_px(width_px: float, height_px: float, diagonal_in: float) -> float:
    """How wide one pixel is on a screen of that diagonal, the window filling it."""
    if width_px <= 0 or height_px <= 0 or diagonal_in <= 0:
        raise ValueError("a screen has a size")
    return diagonal_in * 25.4 / math.hypot(width_px, height_px)


def key_px(n: int, width_px: float, rows: Sequence[Row], scale: float) -> float:
    """The narrowest key's width in px with ``n`` composers across ``width_px``
    (``scale``: the layout's, 1.0 at 1080p; the gaps and paddings scale with it)."""
    column = (width_px - 2 * DESK_MARGIN * scale - (n - 1) * WRITER_GAP * scale) / n
    inner = column - 2 * WRITER_PADDING * scale
    return min((inner - (r.keys - 1) * KEY_GAP * scale) / r.units for r in rows if r.units > 0)


def key_mm(n: int, width_px: float, height_px: float, diagonal_in: float,
           rows: Sequence[Row], scale: float) -> float:
    return key_px(n, width_px, rows, scale) * mm_per_px(width_px, height_px, diagonal_in)


def writers_that_fit(width_px: float, height_px: float, diagonal_in: float,
                     rows: Iterable[Row], scale: Optional[float] = None) -> int:
    """How many composers side by side: the most with keys ≥ ``KEY_MM`` and ``ELBOW_MM``
    of wall for each writer, at most ``MAX_WRITERS``, at least one.

    ``rows``: the keyboard's rows; ``scale``: the layout's (by default as the app
    computes it: 1.0 at 1920×1080, never below 0.4)."""
    rows = [r for r in rows if r.keys > 0 and r.units > 0]
    if not rows:
        raise ValueError("a keyboard has keys")
    if scale is None:
        scale = max(0.4, min(width_px / 1920.0, height_px / 1080.0))
    mm = mm_per_px(width_px, height_px, diagonal_in)
    wall_mm = width_px * mm
    for n in range(MAX_WRITERS, 1, -1):
        if wall_mm / n >= ELBOW_MM and key_px(n, width_px, rows, scale) * mm >= KEY_MM:
            return n
    return 1


# -- drafts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    """What one composer held when its step was left: its kind, its text, who wrote it."""

    kind: str
    text: str
    author: Optional[int] = None
    table: Optional[int] = None
    """The table an anonymous writer wrote for, in a table-group step."""


def _number(value) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _draft(doc: dict, step_id: str) -> Optional[Draft]:
    """A stored draft of this step, or None for one of another step or a damaged one."""
    kind, text = doc.get("kind"), doc.get("text")
    if doc.get("step") != step_id or not isinstance(kind, str) or not isinstance(text, str):
        return None
    return Draft(kind, text[:DRAFT_MAX], _number(doc.get("author")), _number(doc.get("table")))


def keep_drafts(store, session_id: str, step_id: str, drafts: Iterable[Draft]) -> int:
    """Keep the texts of the composers still open when ``step_id`` is left, beside any
    kept before; one store batch. Blank texts are not kept. Returns how many were kept."""
    kept = [d for d in drafts if d.text.strip()]
    if not kept:
        return 0
    with store.batch(session_id):
        for d in kept:
            store.insert(session_id, DRAFTS, {"step": step_id, "kind": d.kind, "text": d.text[:DRAFT_MAX],
                                              "author": d.author, "table": d.table})
    return len(kept)


def drafts(store, session_id: str, step_id: str) -> list[Draft]:
    """The drafts kept for a step, oldest first."""
    out = []
    for doc in sorted(store.all(session_id, DRAFTS), key=lambda d: d["doc_id"]):
        d = _draft(doc, step_id)
        if d is not None:
            out.append(d)
    return out


def take_drafts(store, session_id: str, step_id: str) -> list[Draft]:
    """The step's drafts, taken out of the store (in one batch) as they go back into composers."""
    docs = [d for d in store.all(session_id, DRAFTS) if d.get("step") == step_id]
    out = [d for d in (_draft(doc, step_id) for doc in sorted(docs, key=lambda d: d["doc_id"])) if d]
    if docs:
        with store.batch(session_id):
            for doc in docs:
                store.remove(session_id, DRAFTS, doc["doc_id"])
    return out


def count_drafts(store, session_id: str, step_id: str) -> int:
    return len(drafts(store, session_id, step_id))

