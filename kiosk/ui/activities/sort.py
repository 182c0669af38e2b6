"""``sort``: drag the themes into the method's columns (keep / change …) or the parking lot.

The view is one NoteBoard over drop zones drawn behind it: a tray of the themes
not sorted yet, one tall panel per column of the step, and the parking lot (the
P-plads) when the step has one. A card dropped with its centre inside a zone is
sorted there (``Wall.sort``); dropped anywhere else it snaps back. The zones keep
fixed widths (the tray two shares, every column one), so no drop target moves
while a finger is on its way to it; each zone lays its cards out in a grid, as
large as fits (a full one fans its cards, each first line in sight).

The small helpers at the top (how an item looks as a card, text that fits a card,
a grid that fits a box) are shared with the vote and matrix views.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line, RoundedRectangle
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.label import Label

from kiosk.core.wall import PARKING, Cluster, WallError, sort_columns
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.activities.notes import CLUSTER, Style, WallView
from kiosk.ui.board import MORE, Card, NoteBoard  # noqa: F401  (kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

Rect = tuple[float, float, float, float]

# -- shared by sort, vote and matrix: a wall item as a card -------------------------------

from kiosk.ui.board import BADGE_H, PAD  # noqa: E402  (the board's card geometry)
from kiosk.ui.text import _width as text_width, fit_text  # noqa: E402

LINE_H = 35
"""Height of one line of card text (Roboto at theme.NOTE = 28 px, with Å on the line), at 1080p."""

MIN_CARD_W = 210
MAX_CARD_W = 360
ZONE_PAD = 10
ZONE_GAP = 10
LINES = (4, 3, 2)
"""How many lines of text a card may hold, most first: never fewer than two."""


def card_height(lines: int, badge: bool = False) -> float:
    """A card's height at 1080p for this many lines (and the badge line)."""
    return 2 * PAD + lines * LINE_H + (BADGE_H if badge else 0)


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
        style = styles.get(item.kind, Style(theme.NOTE_YELLOW, "", item.kind))
        colour, mark, face_down = style.colour, style.mark, item.face_down
        text = item.text
    return Card(key=item.key, text=text, rect=rect, colour=colour, mark=mark,
                face_down=face_down, badge=badge, selected=selected, draggable=draggable, text_h=text_h)


def fit_grid(n: int, box: Rect, scale: float, badge: bool = False, gap: float = 10
             ) -> tuple[list[Rect], Optional[float]]:
    """n card rects in rows from the top left of ``box``: the biggest cards that fit.

    The size is the largest card area among two to four lines of text and widths
    from MIN_CARD_W to MAX_CARD_W; the cards then widen to fill the box. When even
    the smallest does not fit, the rows overlap like a fanned stack (each card's
    first line still shows) rather than the text shrinking below what can be read
    from across the room. Returns (rects, text height left in sight on a covered
    card, or None when nothing overlaps).
    """
    bx, by, bw, bh = box
    gap *= scale
    best = None
    for lines in LINES:
        h = card_height(lines, badge) * scale
        rows = max(1, int((bh + gap) // (h + gap)))
        for width in range(MAX_CARD_W, MIN_CARD_W - 1, -10):
            w = width * scale
            cols = max(1, int((bw + gap) // (w + gap)))
            if cols * rows >= n:
                if best is None or w * h > best[0] * best[1]:
                    best = (w, h, cols)
                break
    if best is None:
        w, h = MIN_CARD_W * scale, card_height(LINES[-1], badge) * scale
        cols = max(1, int((bw + gap) // (w + gap)))
    else:
        w, h, cols = best
    cols = max(1, min(cols, n))
    w = min(max(w, (bw - (cols - 1) * gap) / cols), MAX_CARD_W * scale, bw)  # fill the box's width
    h = min(h, bh)
    rows = max(1, math.ceil(n / cols))
    if rows * (h + gap) - gap < bh:  # room to spare below: taller cards, more of each text
        h = max(h, min(card_height(LINES[0], badge) * scale, (bh + gap) / rows - gap))
    step, covered = h + gap, None
    if rows > 1 and rows * step - gap > bh:
        least = (PAD + LINE_H + 2) * scale  # a first line in sight
        rows = min(rows, max(1, 1 + int((bh - h) // least)))  # the rest: a "more" card (grid_cards)
        step = (bh - h) / (rows - 1) if rows > 1 else h
        lines = max(1, int((step - PAD * scale) // (LINE_H * scale)))
        covered = lines * LINE_H * scale
    left = bx + (bw - (cols * (w + gap) - gap)) / 2
    top = by + bh
    rects = []
    for i in range(min(n, rows * cols)):
        r, c = divmod(i, cols)
        rects.append((left + c * (w + gap), top - h - r * step, w, h))
    return rects, covered


def overflow(items: list, rects: list) -> tuple[list, int]:
    """The items that get a place in the grid, and how many wait behind the "more" card
    in its last place (0: all shown)."""
    if len(rects) >= len(items):
        return list(items), 0
    shown = list(items[:max(0, len(rects) - 1)])
    return shown, len(items) - len(shown)


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


TRAY_SHARE = 2
"""The tray of themes not sorted yet is as wide as two columns: it holds them all at the start."""


def zone_widths(n_zones: int, width: float, scale: float) -> list[float]:
    """Zone widths along a row: the tray (first) two shares, each column and the parking
    lot one share. They depend only on how many zones the step has and the board's width,
    never on the cards, so a drop target stays where it was between two drags."""
    gaps = ZONE_GAP * scale * max(0, n_zones - 1)
    shares = [TRAY_SHARE] + [1] * max(0, n_zones - 1)
    unit = max(0.0, width - gaps) / sum(shares)
    return [unit * share for share in shares]


# -- the sort view ---------------------------------------------------------------------------

class Zone:
    """One drop zone: a column id (None: the unsorted tray), its heading and where it is."""

    def __init__(self, column: Optional[str], title: str) -> None:
        self.column = column
        self.title = title
        self.rect: Rect = (0, 0, 0, 0)
        self.fill = Color(*theme.PANEL)
        self.frame = Color(0, 0, 0, 0)
        self.panel = RoundedRectangle()
        self.line = Line(width=1)
        self.label = Label(bold=True, color=theme.TEXT, halign="left", valign="middle")

    def contains(self, x: float, y: float) -> bool:
        zx, zy, zw, zh = self.rect
        return zx <= x <= zx + zw and zy <= y <= zy + zh


class SortView(WallView):
    hint = StringProperty("")
    """One line over the zones: how many are still to sort, and what to do."""

    HEAD = 72

    def __init__(self, **kw):
        super().__init__(**kw)
        params = self.step.params
        self.columns = sort_columns(params)
        self.zones = [Zone(None, tr("Not sorted yet"))]
        self.zones += [Zone(c["id"], c["title"]) for c in params.get("columns", [])]
        if PARKING in self.columns:
            self.zones.append(Zone(PARKING, params.get("parking_lot") or tr("Parking lot")))
        layer = self.ids.zones
        for z in self.zones:
            for instruction in (z.fill, z.panel, z.frame, z.line):
                layer.canvas.before.add(instruction)
        for z in self.zones:
            layer.add_widget(z.label)
        self._hot: Optional[Zone] = None
        self._seeded = False
        board = self.ids.board
        board.bind(on_drop=self._dropped, size=lambda *_: self.refresh(), pos=lambda *_: self.refresh())

    def sort_items(self, wall) -> list:
        """What this step sorts: its own seeded items when the method gives them (NED's
        puzzle), else everything on the wall."""
        texts = self.step.params.get("items")
        if not texts:
            return wall.items()
        if not self._seeded:  # once per view (act redraws, which comes back here)
            self._seeded = True
            self.app.act(wall.seed, self.step.id, texts)  # a failed write is said on screen
        return [n for n in wall.seeded(self.step.id) if n.cluster is None]

    def zone_of(self, item) -> Zone:
        for z in self.zones[1:]:
            if item.column == z.column:
                return z
        return self.zones[0]  # unsorted, or a column this step does not have

    # -- drawing -----------------------------------------------------------------------

    def refresh(self):
        if self.get_root_window() is None:  # not on screen (another screen shows, or the app stopped)
            return
        board, s = self.ids.board, self.app.s
        board.scale = s
        wall = self.wall
        members: dict[int, list] = {id(z): [] for z in self.zones}
        for item in self.sort_items(wall):
            members[id(self.zone_of(item))].append(item)
        counts = [len(members[id(z)]) for z in self.zones]
        head, pad = self.HEAD * s, ZONE_PAD * s
        rows_h = board.height - head - pad
        widths = zone_widths(len(self.zones), board.width, s)
        cards, x = [], 0.0
        for z, w, n in zip(self.zones, widths, counts):
            z.rect = (x, 0.0, w, board.height)
            cards += grid_cards(wall, members[id(z)], self.styles, (x + pad, pad, w - 2 * pad, rows_h), s)
            z.label.text = heading_text(z.title, n, w - 30 * s, s)
            x += w + ZONE_GAP * s
        board.set_cards(cards)
        self._draw_zones()
        left = counts[0]
        if left:
            self.hint = tr("{n} not sorted yet · drag each one into a column").format(n=left)
        else:
            self.hint = tr("All sorted · drag a card to move it again")

    def _draw_zones(self):
        board, s = self.ids.board, self.app.s
        ox, oy = board.pos
        for z in self.zones:
            x, y, w, h = z.rect
            x, y = x + ox, y + oy
            z.panel.pos, z.panel.size, z.panel.radius = (x, y), (w, h), [16 * s]
            hot = z is self._hot
            if z.column is None:      # the tray: an outline, the columns are filled panels
                z.fill.rgba = theme.PANEL_HI if hot else (0, 0, 0, 0)
            elif z.column == PARKING:
                z.fill.rgba = theme.PANEL_HI if hot else (0.16, 0.16, 0.19, 1)
            else:
                z.fill.rgba = theme.PANEL_HI if hot else theme.PANEL
            z.frame.rgba = theme.ACCENT if hot else theme.MUTED if z.column is None else (0.3, 0.36, 0.42, 1)
            z.line.rounded_rectangle = (x, y, w, h, 16 * s)
            z.line.width = (5 if hot else 2) * s
            two = "\n" in z.label.text
            z.label.font_size = 28 * s if two else heading_size(z.label.text, w - 30 * s, s)
            z.label.line_height = 0.95
            z.label.shorten = not two
            z.label.max_lines = 2 if two else 1
            z.label.pos = (x + 18 * s, y + h - self.HEAD * s)
            z.label.size = (w - 30 * s, self.HEAD * s)
            z.label.text_size = z.label.size

    # -- fingers -----------------------------------------------------------------------

    def _zone_at(self, x: float, y: float) -> Optional[Zone]:
        return next((z for z in self.zones if z.contains(x, y)), None)

    def on_touch_move(self, touch):
        """While a card is carried, the zone under its centre lights up (outline and fill)."""
        handled = super().on_touch_move(touch)
        board = self.ids.board
        lift = board.lifted.get(touch.uid)
        hot = None
        if lift is not None and lift["key"] in board.cards:
            x, y, w, h = board.cards[lift["key"]].rect
            lx, ly = touch.x - board.x, touch.y - board.y
            hot = self._zone_at(x + lx - lift["sx"] + w / 2, y + ly - lift["sy"] + h / 2)
        if lift is not None and hot is not self._hot:
            self._hot = hot
            self._draw_zones()
        return handled

    def on_touch_up(self, touch):
        handled = super().on_touch_up(touch)
        if self._hot is not None:  # the board lets go of the card after this pass: look then
            Clock.schedule_once(lambda dt: self._cool(), 0)
        return handled

    def _cool(self):
        if self._hot is not None and not self.ids.board.lifted:
            self._hot = None
            self._draw_zones()

    def _dropped(self, board, key: str, x: float, y: float, target):
        zone = self._zone_at(x, y)
        wall = self.wall
        if zone is None:
            return  # between or outside the zones: the board already put it back
        try:
            current = wall.item(key).column
        except WallError:  # gone meanwhile (an undo): redraw from the wall
            self.refresh()
            return
        if zone.column == current or (zone.column is None and current not in self.columns):
            return
        self.app.act(wall.sort, key, zone.column, columns=self.columns, undo=wall)


View = SortView
