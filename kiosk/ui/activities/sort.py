"""``sort``: drag the themes into the method's columns (keep / change …) or the parking lot.

The view is one NoteBoard over drop zones drawn behind it: a tray of the themes
not sorted yet, one tall panel per column of the step, and the parking lot (the
P-plads) when the step has one. A card dropped with its centre inside a zone is
sorted there (``Wall.sort``); dropped anywhere else it snaps back. The zones keep
fixed widths (the tray two shares, every column one), so no drop target moves
while a finger is on its way to it; each zone lays its cards out in a grid, as
large as fits (a full one fans its cards, each first line in sight).

How an item looks as a card and the grid a zone lays them out in are the shared
card layout (``kiosk.ui.widgets.cards``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from kivy.clock import Clock
from kivy.graphics import Color, Line, RoundedRectangle
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.label import Label

from kiosk.core.wall import PARKING, WallError, sort_columns
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.later import guarded
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets.cards import Rect, grid_cards, heading_size, heading_text

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

ZONE_PAD = 10
ZONE_GAP = 10
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
    LANES = True
    LANE_MIN = 700
    """A lane keeps the unsorted row and two or three columns of readable post-its."""
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
            return wall.items(**self.in_lane)
        lane = None if self.lane is ... else self.lane  # each table sorts its own puzzle
        if not self._seeded:  # once per view (act redraws, which comes back here)
            self._seeded = True
            self.app.act(wall.seed, self.step.id, texts, group=lane)  # a failed write is said on screen
        return [n for n in wall.seeded(self.step.id, group=lane) if n.cluster is None]

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
            Clock.schedule_once(guarded(lambda dt: self._cool(), self), 0)
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
