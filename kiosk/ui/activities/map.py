"""``map``: attention points around a central theme, linked where they affect each other.

The TRIO catalogue's *arbejdsmiljøfortælling*: the central theme sits in the middle
(from the method file, or typed by the group: tap it), the attention points around
it. On the left a tray holds the post-its not on the map yet: a tap puts one on the
map where there is room, a drag puts it where the finger lets go. On the map a drag
moves a post-it; dragged back into the tray it leaves the map.

Links are thick lines between two post-its: tap one (it gets a frame and the line
above says what to do next), then tap the other — the link is made, or taken away
if it was there. Dropping one post-it onto another does the same. Each card says
how many links it has (↔ 2), so the count does not rest on the lines alone.
"+ New point" writes a post-it straight onto the map; with one selected, "Edit" and
"Delete" act on it. The kiosk's Undo takes back any of it.

The lines are drawn with Kivy's canvas under the NoteBoard's cards, in the board's
own pixels, so they scale from 1080p to 4K with everything else (``app.s``); the part
between a link's two cards is drawn once more, faintly, over everything, so a line
that passes under the central theme or a third post-it shows across it and is not
read as a link to it (the theme has no links: the points are linked to each other).
While fingers carry post-its (several at once), the lines of each follow its finger:
the board reports each move (``on_carry``) and only those lines' points change,
nothing is laid out again; when the finger lets go they rest where the card does.

A post-it put on the map by a tap (or written with "+ New point") goes where its card
covers no other card and not the theme (the core's ``free_spot`` given the card's
size); the cards are as large as leaves a place for each (``SIZES``): three lines of
28 px text up to about 10 on a 1080p map beside the timer, two lines up to 14, then
narrower; past that a new one goes where it covers the others least.
The rules are the core's (``kiosk.core.activities.map``): this view only asks and shows.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.activities import map as rules
from kiosk.core.activities.map import CENTRE_MAX, MapBoard
from kiosk.core.wall import Note, WallError
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import card_height, grid_cards, inside, item_card
from kiosk.ui.act import FAILED
from kiosk.ui.widgets.board import Card, NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets.composer import Composer

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

CENTRE_COLOUR = (0.97, 0.97, 0.97, 1)
TRAY_W = 290
GAP = 14
CARD_W = 240
CENTRE_W, CENTRE_H = 380, 150
LINK_W = 7
"""A link's line width at 1080p: readable from across the room."""
THROUGH = 0.45
"""How much of a link shows across the central theme or a third card it passes (drawn
over them): enough to see that it passes, little enough to leave their text readable."""
LINK = "↔"
MAP_PAD = 8
"""Room between the map panel's edge and the cards nearest it, at 1080p."""
TRAY_HEAD = 84
"""Room for the tray's heading: two lines of small bold text at 1080p."""
SIZES = ((CARD_W, 3), (CARD_W, 2), (200, 2))
"""A card on the map at 1080p, (width, lines of text), largest first: the map takes the
largest that has a place for every card side by side; two lines of 28 px text and
the ↔ line are the least (more cards than that size has room for overlap)."""


class MapView(WallView):
    status = StringProperty("")
    hint = StringProperty("")
    selected = StringProperty("", allownone=True)
    """The key of the post-it tapped first (its link partner comes next), '' for none."""
    can_edit = BooleanProperty(False)
    writes = BooleanProperty(True)

    def __init__(self, **kw):
        super().__init__(**kw)
        params = self.step.params
        self.writes = params.get("write", True) is not False
        self.kind = params.get("kind") or "map"
        self.board = MapBoard(self.wall, self.app.store, self.workshop.session.id, self.step.id,
                              centre=params.get("centre"), kind=self.kind,
                              max_length=int(params.get("max_length", 140)))
        self.composer: Optional[Composer] = None
        self.map_rect = (0.0, 0.0, 1.0, 1.0)
        """Where the cards' centres may go (the map panel less its edge), board coordinates."""
        self.panel_rect = (0.0, 0.0, 1.0, 1.0)
        self.tray_rect = (0.0, 0.0, 0.0, 0.0)
        self.centre_rect = (0.0, 0.0, 0.0, 0.0)
        self._on_map = 0
        self._rest: dict[str, tuple[float, float]] = {}
        """Where each post-it on the map has its centre at rest (board coordinates)."""
        self._carried: dict[str, tuple[float, float]] = {}
        """Where the post-its fingers carry now have their centres."""
        self._lines: list[tuple[str, str, Line, Line]] = []
        """The drawn links: (one end's key, the other's, its line, its faint part over the cards)."""
        board = self.ids.board
        board.bind(on_tap=lambda _b, key: self.tap(key), on_drop=self._dropped, on_carry=self._carry,
                   size=lambda *_: self.refresh(), pos=lambda *_: self.refresh())

    @property
    def card_size(self) -> tuple[float, float]:
        """A card on the map: as large as leaves a place for each of them (SIZES)."""
        return self.size_for(self._on_map)

    def size_for(self, n: int) -> tuple[float, float]:
        """The size of n cards on the map: the largest of SIZES whose cells (the core's
        places side by side, clear of the central theme) are n or more."""
        s = self.app.s
        _x, _y, mw, mh = self.map_rect
        centre = self._centre_part()
        for width, lines in SIZES:
            w, h = width * s, card_height(lines, badge=True) * s
            if len(rules.cells((w / mw, h / mh), centre)) >= n:
                break
        return w, h

    def _centre_part(self) -> tuple[float, float]:
        """The central theme with its frame, as parts of the map's width and height."""
        _x, _y, mw, mh = self.map_rect
        _cx, _cy, cw, ch = self.centre_rect
        frame = 12 * self.app.s
        return (cw + frame) / mw, (ch + frame) / mh

    def free_spot(self) -> tuple[float, float]:
        """Where a point put on the map by a tap goes: where its card overlaps no other
        card and not the central theme, when the map has such a place (the core's rule,
        given the sizes this screen draws)."""
        self._layout()
        spots = [i.map_at for i in rules.placed(self.wall)]
        _x, _y, mw, mh = self.map_rect
        w, h = self.size_for(len(spots) + 1)
        return rules.free_spot(spots, card=(w / mw, h / mh), centre=self._centre_part())

    # -- geometry ------------------------------------------------------------------------

    def _layout(self):
        board, s = self.ids.board, self.app.s
        tray_w = TRAY_W * s
        self.tray_rect = (0.0, 0.0, tray_w, board.height)
        mx = tray_w + GAP * s
        self.panel_rect = (mx, 0.0, max(1.0, board.width - mx), board.height)
        pad = MAP_PAD * s  # the cards keep off the panel's edge
        self.map_rect = (mx + pad, pad, max(1.0, board.width - mx - 2 * pad), max(1.0, board.height - 2 * pad))
        x, y, w, h = self.map_rect
        cw, ch = min(CENTRE_W * s, w * 0.5), CENTRE_H * s
        self.centre_rect = (x + (w - cw) / 2, y + (h - ch) / 2, cw, ch)

    def spot_to_board(self, spot) -> tuple[float, float]:
        """Where a card's centre is drawn for a (0..1) spot, kept wholly inside the map."""
        x, y, w, h = self.map_rect
        cw, ch = self.card_size
        px = min(max(x + spot[0] * w, x + cw / 2), x + w - cw / 2)
        py = min(max(y + spot[1] * h, y + ch / 2), y + h - ch / 2)
        return px, py

    def board_to_spot(self, px: float, py: float) -> tuple[float, float]:
        """A drop point as a spot, pushed off the central theme so no card hides it."""
        cx, cy, cw, ch = self.centre_rect
        w, h = self.card_size
        ccx, ccy = cx + cw / 2, cy + ch / 2
        hx, hy = (cw + w) / 2 + 8 * self.app.s, (ch + h) / 2 + 8 * self.app.s
        dx, dy = px - ccx, py - ccy
        if abs(dx) < hx and abs(dy) < hy:
            if abs(dx) / hx > abs(dy) / hy:
                px = ccx + (hx if dx >= 0 else -hx)
            else:
                py = ccy + (hy if dy >= 0 else -hy)
        x, y, mw, mh = self.map_rect
        return (min(1.0, max(0.0, (px - x) / mw)), min(1.0, max(0.0, (py - y) / mh)))

    # -- drawing ---------------------------------------------------------------------------

    def refresh(self):
        if self.get_root_window() is None or self.app.store is None:
            return
        board, s = self.ids.board, self.app.s
        board.scale = s
        wall = self.wall
        self._layout()
        placed, waiting = rules.placed(wall), rules.tray(wall)
        self._on_map = len(placed)
        links, degree = rules.links(wall), rules.degree(wall)
        if self.selected and self.selected not in degree:
            self.selected = ""
        cards: list[Card] = []
        tx, ty, tw, th = self.tray_rect
        head = TRAY_HEAD * s
        cards += grid_cards(wall, waiting, self.styles, (tx + 10 * s, ty + 10 * s, tw - 20 * s, th - head - 10 * s), s)
        centre = self.board.centre
        button = self.ids.centre
        button.text = centre or tr("Tap to write the central theme")
        button.color = (0.08, 0.08, 0.08, 1) if centre else (0.35, 0.35, 0.35, 1)
        w, h = self.card_size
        centres = {}
        for item in placed:
            px, py = self.spot_to_board(item.map_at)
            centres[item.key] = (px, py)
            n = degree.get(item.key, 0)
            cards.append(item_card(wall, item, self.styles, (px - w / 2, py - h / 2, w, h), s,
                                   badge=f"{LINK} {n}" if n else "", selected=item.key == self.selected))
        board.set_cards(cards)
        self._rest = centres
        self._carried = {k: v for k, v in self._carried.items() if k in board.cards}
        self._draw_back(links)
        self.can_edit = bool(self.selected) and self.selected.startswith("n")
        self.status = tr("{placed} on the map · {links} links").format(placed=len(placed), links=len(links))
        if self.selected:  # the framed card says which one: the line says only what to do
            self.hint = tr("Now tap the post-it to link it with")
        elif not centre:
            self.hint = tr("Tap the middle to write the central theme")
        else:
            self.hint = tr("Drag post-its around the theme · tap two, one after the other, to link them")
        self.ids.tray_label.text = tr("Not on the map ({n})").format(n=len(waiting)) if waiting else \
            tr("Off the map: drag here")

    def _draw_back(self, links):
        """The tray and the map as panels, and the links as thick lines, under the cards."""
        layer, board, s = self.ids.back, self.ids.board, self.app.s
        ox, oy = board.pos
        layer.canvas.clear()
        with layer.canvas:
            tx, ty, tw, th = self.tray_rect
            Color(*theme.MUTED)
            Line(rounded_rectangle=(tx + ox, ty + oy, tw, th, 16 * s), width=2 * s)
            Color(*theme.PANEL)
            x, y, w, h = self.panel_rect
            RoundedRectangle(pos=(x + ox, y + oy), size=(w, h), radius=[16 * s])
            Color(*theme.ACCENT)
            under = [(a, b, Line(points=self._ends(a, b), width=LINK_W * s, cap="round"))
                     for a, b in links if a in self._rest and b in self._rest]
        over = self.ids.over  # a link that passes the theme or a card shows faintly across it
        over.canvas.clear()
        with over.canvas:
            Color(*theme.ACCENT[:3], THROUGH)
            self._lines = [(a, b, line, Line(points=self._between(a, b), width=LINK_W * s, cap="none"))
                           for a, b, line in under]
        cx, cy, cw, ch = self.centre_rect
        button = self.ids.centre
        button.pos, button.size = (cx + ox, cy + oy), (cw, ch)
        with layer.canvas:  # a thick frame: the middle reads as the theme, not as one more note
            Color(*theme.ACCENT_DARK)
            RoundedRectangle(pos=(cx + ox - 6 * s, cy + oy - 6 * s), size=(cw + 12 * s, ch + 12 * s),
                             radius=[18 * s])
        label = self.ids.tray_label
        label.pos = (tx + ox + 14 * s, ty + oy + th - TRAY_HEAD * s)
        label.size = (tw - 28 * s, TRAY_HEAD * s)
        label.text_size = label.size

    def _centre_of(self, key: str) -> tuple[float, float]:
        return self._carried.get(key) or self._rest[key]

    def _ends(self, a: str, b: str) -> list[float]:
        """A link's line from one card's centre to the other's, where each is now."""
        ox, oy = self.ids.board.pos
        (ax, ay), (bx, by) = self._centre_of(a), self._centre_of(b)
        return [ax + ox, ay + oy, bx + ox, by + oy]

    def _between(self, a: str, b: str) -> list[float]:
        """The part of a link's line between the edges of its two cards (nothing when they
        overlap): drawn faintly over everything, so a line that passes under the theme or
        a third card is not taken for a link to it."""
        ax, ay, bx, by = self._ends(a, b)
        dx, dy = bx - ax, by - ay
        w, h = self.card_size
        t = min(w / 2 / abs(dx) if dx else math.inf, h / 2 / abs(dy) if dy else math.inf)
        if 2 * t >= 1:
            return []
        return [ax + dx * t, ay + dy * t, bx - dx * t, by - dy * t]

    def _carry(self, _board, key: str, x, y):
        """A finger moved a post-it (x, y: its centre now) or let it go (None): its links follow."""
        if x is None:
            if self._carried.pop(key, None) is None:
                return
        else:
            self._carried[key] = (x, y)
        for a, b, line, through in self._lines:
            if key in (a, b):
                line.points = self._ends(a, b)
                through.points = self._between(a, b)

    def link_lines(self) -> list[tuple[str, str, list[float]]]:
        """The links as drawn: (key, key, [x1, y1, x2, y2] in the coordinates of the board's pos)."""
        return [(a, b, list(line.points)) for a, b, line, _through in self._lines]

    # -- intents ---------------------------------------------------------------------------

    def _act(self, intent, *args, undo=None):
        return self.app.act(intent, *args, undo=undo if undo is not None else self.wall)

    def tap(self, key: str):
        wall = self.wall
        try:
            item = wall.item(key)
        except WallError:
            self.refresh()
            return
        if item.map_at is None:  # in the tray: onto the map where there is room
            self._act(self.board.place, key, *self.free_spot())
            return
        if not self.selected:
            self.selected = key
        elif self.selected == key:
            self.selected = ""
        else:
            first, self.selected = self.selected, ""
            self._act(self.board.toggle_link, first, key)
            return
        self.refresh()

    def _dropped(self, board, key: str, x: float, y: float, target):
        wall = self.wall
        try:
            item = wall.item(key)
        except WallError:
            self.refresh()
            return
        if target and target != key and item.map_at is not None:
            try:
                other = wall.item(target)
            except WallError:
                other = None
            if other is not None and other.map_at is not None:
                self.selected = ""
                self._act(self.board.toggle_link, key, target)  # dropped onto another: link them
                return
        if inside(self.panel_rect, x, y):
            self._act(self.board.place, key, *self.board_to_spot(x, y))
        elif inside(self.tray_rect, x, y) and item.map_at is not None:
            if self.selected == key:
                self.selected = ""
            self._act(self.board.unplace, key)

    def compose_centre(self):
        board = self.board
        self.composer = Composer(
            on_save=lambda text: self._act(board.set_centre, text, undo=board) is not FAILED,
            text=board.centre, title=tr("The central theme"), limit=CENTRE_MAX, colour=CENTRE_COLOUR)
        self.composer.ids.save.text = tr("Save")
        self.composer.open()

    def new_point(self):
        board = self.board

        def write(text: str):
            return self._act(board.write, text, *self.free_spot()) is not FAILED
        style = self.styles.get(self.kind)
        self.composer = Composer(on_save=write, title=tr("An attention point"), limit=board.max_length,
                                 colour=style.colour if style else theme.NOTE_YELLOW)
        self.composer.open()

    def _selected_note(self) -> Optional[Note]:
        """The selected attention point (a written note, not a theme), or None."""
        try:
            note = self.wall.item(self.selected)
        except WallError:
            return None
        return note if isinstance(note, Note) else None

    def edit_selected(self):
        note = self._selected_note()
        if note is None:
            return
        board = self.board
        self.composer = Composer(
            on_save=lambda text: self._act(board.edit, note.id, text) is not FAILED,
            text=note.text, title=tr("An attention point"), limit=board.max_length,
            colour=self.styles[note.kind].colour if note.kind in self.styles else theme.NOTE_YELLOW)
        self.composer.ids.save.text = tr("Save")
        self.composer.open()

    def delete_selected(self):
        note = self._selected_note()
        if note is None:
            return
        board = self.board

        def gone():
            self.selected = ""
            self._act(board.delete, note.id)
        self.app.confirm(tr("Take “{text}” off the wall? Its links go with it. Undo brings both back.").format(
            text=note.text if len(note.text) <= 60 else note.text[:58] + "…"), tr("Delete"), gone)


View = MapView
