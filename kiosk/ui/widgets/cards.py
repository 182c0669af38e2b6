"""How notes and wall items become cards, and where the cards go (for every view alike).

A note's look comes from its kind: a colour and a mark, so the kind reads without
colour ('+' works well, '−' works less well, '♦' prepared). The kinds come from the
method's write steps and from the activities that make notes of their own
(``kiosk.ui.activities.base.kind_styles``).

Where cards go is one algorithm, ``layout``: it is given the card sizes a view may
use and takes the largest that lets every card fit the box, rows from the top; when
even the smallest does not fit, the rows overlap like a fanned stack (each card's
first line in sight) rather than the text shrinking below what can be read from
across the room. The two ways the views ask for it:

* ``note_grid``: one card shape (a post-it on the write wall), shrunk evenly when
  there are many, from the top left;
* ``fit_grid``: cards sized for their text (two to four lines, 210–360 px wide),
  then widened to fill the box, centred.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

from kivy.core.text import Label as CoreLabel

from kiosk.core.wall import Cluster
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.text import _width as text_width, fit_text
from kiosk.ui.widgets.board import BADGE_H, MORE, PAD, Card

Rect = tuple[float, float, float, float]
Size = tuple[float, float, float]
"""A card size a grid may use: (width, height, gap to the next card), in pixels."""

# -- looks ------------------------------------------------------------------------------

COLOURS = {
    "yellow": theme.NOTE_YELLOW, "pink": theme.NOTE_PINK,
    "blue": (0.6, 0.8, 0.95, 1), "green": (0.55, 0.85, 0.7, 1), "orange": (0.95, 0.72, 0.4, 1),
    "purple": (0.78, 0.68, 0.9, 1), "grey": (0.8, 0.8, 0.8, 1), "white": (0.97, 0.97, 0.97, 1),
}
CLUSTER = (0.72, 0.84, 0.94, 1)


@dataclass(frozen=True)
class Style:
    colour: tuple
    mark: str
    title: str


def inside(rect: Optional[Rect], x: float, y: float) -> bool:
    """Whether a point (a dropped card's centre) is in a rect (x, y, w, h); no rect: no."""
    if rect is None:
        return False
    rx, ry, rw, rh = rect
    return rx <= x <= rx + rw and ry <= y <= ry + rh


def style_of(styles: dict[str, Style], kind: str) -> Style:
    """A kind's look; a kind nobody described is a plain yellow note."""
    style = styles.get(kind)
    return style if style is not None else Style(theme.NOTE_YELLOW, "", kind)


def note_card(note, styles: dict[str, Style], rect, **kw) -> Card:
    style = style_of(styles, note.kind)
    return Card(key=note.key, text=note.text, rect=rect, colour=style.colour, mark=style.mark,
                face_down=note.face_down, **kw)


# -- sizes ---------------------------------------------------------------------------------

CARD_W, CARD_H = 240, 124
"""A note's card on the wall at 1080p: three lines of theme.NOTE text beside its mark
(a word such as 'sammenhold' fits a line)."""
LINE_H = 35
"""Height of one line of card text (Roboto at theme.NOTE = 28 px, with Å on the line), at 1080p."""
MIN_CARD_W = 210
MAX_CARD_W = 360
LINES = (4, 3, 2)
"""How many lines of text a card may hold, most first: never fewer than two."""
SMALLEST = 0.35
"""A one-shape grid shrinks its cards down to about this share of their size."""


def card_height(lines: int, badge: bool = False) -> float:
    """A card's height at 1080p for this many lines (and the badge line)."""
    return 2 * PAD + lines * LINE_H + (BADGE_H if badge else 0)


def shrinking(card_w: float, card_h: float, gap: float) -> list[Size]:
    """One card shape at full size, then 10 % smaller each time, gap and all."""
    out, scale = [], 1.0
    while True:
        out.append((card_w * scale, card_h * scale, gap * scale))
        if scale < SMALLEST:
            return out
        scale *= 0.9


def text_sizes(scale: float, badge: bool = False, gap: float = 10) -> list[Size]:
    """The cards a text may get: two to four lines, MIN_CARD_W to MAX_CARD_W wide."""
    return [(width * scale, card_height(lines, badge) * scale, gap * scale)
            for lines in LINES for width in range(MAX_CARD_W, MIN_CARD_W - 1, -10)]


# -- the one grid ----------------------------------------------------------------------------

def layout(n: int, box: Rect, sizes: Sequence[Size], scale: float,
           grow: Optional[tuple[float, float]] = None) -> tuple[list[Rect], Optional[float]]:
    """n card rects in rows from the top of ``box``.

    The size is the largest (by area; the earlier of two equal ones) among ``sizes``
    that fits all n, else the smallest. ``grow``: (widest, tallest) the cards may
    become to fill the box's width and its spare height, the row then centred;
    without it the cards keep their size from the left. When the rows still do not
    fit they overlap like a fanned stack, each card's first line in sight, and the
    cards that get no place are left out (``overflow`` puts a "more" card in the last).
    Returns (rects, the text height left in sight on a covered card, or None when
    nothing overlaps).
    """
    if n == 0:
        return [], None
    bx, by, bw, bh = box
    best = None
    for w, h, gap in sizes:
        rows = max(1, int((bh + gap) // (h + gap)))
        cols = max(1, int((bw + gap) // (w + gap)))
        if cols * rows >= n and (best is None or w * h > best[0] * best[1]):
            best = (w, h, gap)
    if best is None:
        best = min(sizes, key=lambda size: size[0] * size[1])
    w, h, gap = best
    cols = max(1, min(int((bw + gap) // (w + gap)), n))
    if grow is not None:
        w = min(max(w, (bw - (cols - 1) * gap) / cols), grow[0], bw)  # fill the box's width
    h = min(h, bh)
    rows = max(1, math.ceil(n / cols))
    if grow is not None and rows * (h + gap) - gap < bh:  # room to spare below: taller cards
        h = max(h, min(grow[1], (bh + gap) / rows - gap))
    step, covered = h + gap, None
    if rows > 1 and rows * step - gap > bh:
        least = (PAD + LINE_H + 2) * scale  # a first line in sight
        rows = min(rows, max(1, 1 + int((bh - h) // least)))  # the rest: a "more" card (grid_cards)
        step = (bh - h) / (rows - 1) if rows > 1 else h
        lines = max(1, int((step - PAD * scale) // (LINE_H * scale)))
        covered = lines * LINE_H * scale
    left = bx + (bw - (cols * (w + gap) - gap)) / 2 if grow is not None else bx
    top = by + bh
    rects = []
    for i in range(min(n, rows * cols)):
        r, c = divmod(i, cols)
        rects.append((left + c * (w + gap), top - h - r * step, w, h))
    return rects, covered


def note_grid(n: int, box: Rect, scale: float, card: tuple[float, float] = (CARD_W, CARD_H),
              gap: float = 12) -> list[Rect]:
    """n cards of one shape (``card`` at 1080p) from the top left, shrunk evenly when many."""
    return layout(n, box, shrinking(card[0] * scale, card[1] * scale, gap * scale), scale)[0]


def fit_grid(n: int, box: Rect, scale: float, badge: bool = False, gap: float = 10
             ) -> tuple[list[Rect], Optional[float]]:
    """n cards sized for their text: the biggest that fit, widened to fill the box
    (see ``layout``); a card with a badge line is taller."""
    grow = (MAX_CARD_W * scale, card_height(LINES[0], badge) * scale)
    return layout(n, box, text_sizes(scale, badge, gap), scale, grow)


def overflow(items: list, rects: list) -> tuple[list, int]:
    """The items that get a place in the grid, and how many wait behind the "more" card
    in its last place (0: all shown)."""
    if len(rects) >= len(items):
        return list(items), 0
    shown = list(items[:max(0, len(rects) - 1)])
    return shown, len(items) - len(shown)


# -- wall items as cards -------------------------------------------------------------------

def item_text(wall, item) -> str:
    """What a card says: a note's text; a cluster's name (or first note) and its size."""
    if isinstance(item, Cluster):
        return f"{wall.label(item.key)} ({len(wall.cluster_notes(item.id))})"
    return item.text


def cluster_text(wall, item, rect: Rect, scale: float, badge: str = "", text_h: Optional[float] = None) -> str:
    """A cluster's name cut to fit its card with its size kept at the end ('Fællesskab
    og… (4)'): cut as a whole, the count went first and nobody could tell a group's size."""
    size = theme.NOTE * scale
    body_w = rect[2] - 2 * PAD * scale
    body_h = rect[3] - 2 * PAD * scale - (BADGE_H * scale if badge else 0)
    if text_h is not None:
        body_h = min(body_h, text_h)
    whole = item_text(wall, item)
    if fit_text(whole, body_w, body_h, size) == whole:
        return whole
    suffix = f" ({len(wall.cluster_notes(item.id))})"
    return fit_text(wall.label(item.key), max(1.0, body_w - text_width(suffix, size)), body_h, size) + suffix


def item_card(wall, item, styles: dict[str, Style], rect: Rect, scale: float, *,
              badge: str = "", selected: bool = False, draggable: bool = True,
              text_h: Optional[float] = None) -> Card:
    """A note or cluster as a card: the kind's colour and mark, the text cut to fit."""
    if isinstance(item, Cluster):
        colour, mark, face_down = CLUSTER, "", False
        text = cluster_text(wall, item, rect, scale, badge, text_h)
    else:
        style = style_of(styles, item.kind)
        colour, mark, face_down = style.colour, style.mark, item.face_down
        text = item.text
    return Card(key=item.key, text=text, rect=rect, colour=colour, mark=mark,
                face_down=face_down, badge=badge, selected=selected, draggable=draggable, text_h=text_h)


def more_card(rect: Rect, n: int, where: str = "") -> Card:
    """'+5 more': the notes a full grid cannot show come up as the others are moved.
    It can be neither dragged nor tapped (the board ignores its key)."""
    return Card(key=MORE + where, text=tr("+{n} more").format(n=n), rect=rect, colour=theme.MUTED,
                draggable=False)


def grid_cards(wall, items, styles, box: Rect, scale: float, badge=None, **card) -> list[Card]:
    """Cards for ``items`` in a fitted grid; a card half hidden by the next row shows
    only the whole lines that stay in sight, and a grid too full for a first line each
    ends in a "more" card. ``badge`` and the other Card fields may be functions of the item."""
    rects, covered = fit_grid(len(items), box, scale, badge is not None)
    if badge is not None:
        card["badge"] = badge
    shown, more = overflow(items, rects)
    n = len(rects)
    cols = len({r[0] for r in rects}) or 1
    out = []
    for i, (item, rect) in enumerate(zip(shown, rects)):
        hidden = covered is not None and i + cols < n
        out.append(item_card(wall, item, styles, rect, scale, text_h=covered if hidden else None,
                             **{k: (v(item) if callable(v) else v) for k, v in card.items()}))
    if more:
        out.append(more_card(rects[-1], more, f"{box[0]:.0f}"))
    return out


# -- headings over a group of cards ------------------------------------------------------

def heading_size(text: str, width: float, scale: float, big: float = 38, least: float = 30) -> float:
    """The font size for a zone heading: big, smaller in a narrow zone, never below ``least``."""
    label = CoreLabel(text=text, font_size=big * scale, bold=True)
    label.refresh()
    wide = (label.texture.width or 1) * 1.04  # a little slack: the Label must not shorten it
    return max(least * scale, min(big * scale, big * scale * width / wide))


def heading_text(title: str, n: int, width: float, scale: float) -> str:
    """'Bevare  (4)' on one line, or the count on a line of its own in a narrow zone."""
    one = f"{title}  ({n})"
    if heading_size(one, width, scale, least=0) >= 30 * scale:
        return one
    return f"{title}\n({n})"
