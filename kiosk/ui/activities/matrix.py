"""``matrix``: place the themes on a 2×2 plane, then choose the few to act on.

Across: our own influence (the method's ``x_axis``); up: how much it matters (its
``y_axis``). The top-right quadrant — important, and ours to change — is tinted
and carries a ★ with its label in bold, so it reads without colour. A tray beside
the plane holds the themes not placed yet. Drag a card onto the plane to place it
(``Wall.place`` with the spot in 0..1), back to the tray to take it off
(``Wall.unplace``), onto the parking lot (when the step has one) to park it. Tap a
placed card to choose it or not; the counter says how many are chosen of how many
the method asks for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.core.activities.matrix import ACT_HERE, QUADRANTS, pick_problem
from kiosk.core.wall import PARKING, WallError, clamp
from kiosk.i18n import tr
from kiosk.ui import messages, theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import card_height, grid_cards, inside, item_card
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets import sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

TICK = "✓"
PLANE_CARD_W = 220
LABEL_BAND = 80
"""Height of the quadrant labels' strip along the plane's top and bottom; cards stay clear of it."""
TRAY_W = 490
AXIS = 58
GAP = 16
TRAY_HEAD = 60
PARK_H = 100


class AxisLabel(Label):
    angle = NumericProperty(0)
    """Degrees, counter-clockwise: 90 runs the text up the left side."""


class MatrixView(WallView):
    empty = StringProperty("")
    """Why there is nothing to place ('' when there are themes)."""
    counter = StringProperty("")
    """'3 of 3–5 chosen'."""
    hint = StringProperty("")
    x_text = StringProperty("")
    y_text = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        p = self.params = self.step.params
        self.pick_min, self.pick_max = p.get("pick_min"), p.get("pick_max")
        self.parking_title = p.get("parking_lot") or ""
        self.x_text = f"{escape_markup(p.get('x_axis', ''))}  {sym('→')}"
        self.y_text = f"{escape_markup(p.get('y_axis', ''))}  {sym('→')}"
        labels = self.labels = list(p.get("quadrants") or [""] * 4)
        self.plane: tuple = (0, 0, 0, 0)
        self.tray: tuple = (0, 0, 0, 0)
        self.park: Optional[tuple] = None
        layer = self.ids.layer
        self._quad_fill = {q: (Color(0, 0, 0, 0), Rectangle()) for q in QUADRANTS}
        self._quad_label = {}
        for q, text in zip(QUADRANTS, labels):
            here = q == ACT_HERE
            shown = (f"{sym('★')} " if here else "") + escape_markup(text)
            self._quad_label[q] = Label(text=shown, markup=True, bold=here, halign="center",
                                        color=theme.TEXT if here else theme.MUTED)
        self._frame = (Color(*theme.MUTED), Line(width=2))
        self._cross = (Color(*theme.MUTED), Line(width=2), Line(width=2))
        self._act_frame = (Color(*theme.GO), Line(width=4))
        self._tray = (Color(*theme.PANEL), RoundedRectangle())
        self._park = (Color(0.16, 0.16, 0.19, 1), RoundedRectangle(), Color(*theme.MUTED), Line(width=2))
        for fill, rect in self._quad_fill.values():
            layer.canvas.before.add(fill)
            layer.canvas.before.add(rect)
        for instruction in (*self._frame, *self._cross, *self._act_frame, *self._tray, *self._park):
            layer.canvas.before.add(instruction)
        for label in self._quad_label.values():
            layer.add_widget(label)
        self._tray_label = Label(bold=True, color=theme.TEXT, halign="left", valign="middle", shorten=True)
        self._park_label = Label(bold=True, color=theme.TEXT, halign="center", valign="middle")
        layer.add_widget(self._tray_label)
        layer.add_widget(self._park_label)
        board = self.ids.board
        board.bind(on_tap=lambda _b, key: self.tap(key), on_drop=self._dropped,
                   size=lambda *_: self.refresh(), pos=lambda *_: self.refresh())

    def items(self):
        """The themes: clusters and loose notes, except those in the parking lot."""
        return [i for i in self.wall.items(kinds=self.step.params.get("kinds")) if i.column != PARKING]

    # -- geometry (board coordinates) --------------------------------------------------

    def _layout(self):
        board, s = self.ids.board, self.app.s
        w, h = board.width, board.height
        tray_w = TRAY_W * s
        self.plane = (AXIS * s, AXIS * s, max(10.0, w - AXIS * s - GAP * s - tray_w), max(10.0, h - AXIS * s))
        tx = w - tray_w
        if self.parking_title:
            self.park = (tx, 0.0, tray_w, PARK_H * s)
            self.tray = (tx, PARK_H * s + GAP * s, tray_w, h - PARK_H * s - GAP * s)
        else:
            self.park = None
            self.tray = (tx, 0.0, tray_w, h)

    def quadrant_rect(self, q: str):
        px, py, pw, ph = self.plane
        i = QUADRANTS.index(q)  # reading order: top-left, top-right, bottom-left, bottom-right
        col, row = i % 2, 1 - i // 2
        return (px + col * pw / 2, py + row * ph / 2, pw / 2, ph / 2)

    def spot_of(self, x: float, y: float) -> tuple[float, float]:
        """A point on the board as (influence, importance) in 0..1."""
        px, py, pw, ph = self.plane
        return clamp((x - px) / pw), clamp((y - py) / ph)

    # -- drawing -----------------------------------------------------------------------

    def refresh(self):
        if self.get_root_window() is None:  # not on screen (another screen shows, or the app stopped)
            return
        board, s = self.ids.board, self.app.s
        board.scale = s
        wall = self.wall
        items = self.items()
        if not items:
            self.empty = messages.refusal("no_themes")
            board.set_cards([])
        else:
            self.empty = ""
        self._layout()
        self._draw_plane()
        placed = [i for i in items if i.matrix is not None]
        waiting = [i for i in items if i.matrix is None]
        px, py, pw, ph = self.plane
        cw, ch = PLANE_CARD_W * s, card_height(2, badge=True) * s
        cards = []
        band = LABEL_BAND * s if any(self.labels) else 0
        for item in sorted(placed, key=lambda i: -i.matrix[1]):  # the lower ones on top
            x, y = item.matrix
            # shown inside the plane and clear of the quadrant labels along its top and bottom
            cx = min(max(px + x * pw, px + cw / 2), px + pw - cw / 2)
            cy = min(max(py + y * ph, py + band + ch / 2), py + ph - band - ch / 2)
            cards.append(item_card(wall, item, self.styles, (cx - cw / 2, cy - ch / 2, cw, ch), s,
                                   badge=TICK if item.chosen else " ", selected=item.chosen))
        tx, ty, tw, th = self.tray
        pad = 12 * s
        box = (tx + pad, ty + pad, tw - 2 * pad, th - TRAY_HEAD * s - pad)
        cards = grid_cards(wall, waiting, self.styles, box, s, selected=lambda i: i.chosen) + cards
        board.set_cards(cards)
        self._tray_label.text = tr("To place") + f"  ({len(waiting)})"
        self._counter()

    def _counter(self):
        n = len(self.wall.chosen())
        lo, hi = self.pick_min, self.pick_max
        if lo is not None and hi is not None:
            self.counter = tr("{n} of {lo}–{hi} chosen").format(n=n, lo=lo, hi=hi) if lo != hi \
                else tr("{n} of {hi} chosen").format(n=n, hi=hi)
        elif hi is not None:
            self.counter = tr("{n} chosen (at most {hi})").format(n=n, hi=hi)
        elif lo is not None:
            self.counter = tr("{n} chosen (at least {lo})").format(n=n, lo=lo)
        else:
            self.counter = tr("{n} chosen").format(n=n)
        problem = pick_problem(n, lo, hi)
        if problem == "too_few_chosen" and not self.wall.placed():
            self.hint = tr("Drag the themes onto the matrix, then tap the ones to act on")
        elif problem:
            self.hint = messages.refusal(problem)
        else:
            self.hint = tr("Tap a theme on the matrix to choose it or to let it go")

    def _draw_plane(self):
        board, s = self.ids.board, self.app.s
        ox, oy = board.pos
        px, py, pw, ph = self.plane
        px, py = px + ox, py + oy
        for q in QUADRANTS:
            fill, rect = self._quad_fill[q]
            qx, qy, qw, qh = self.quadrant_rect(q)
            rect.pos, rect.size = (qx + ox, qy + oy), (qw, qh)
            fill.rgba = (theme.GO[0], theme.GO[1], theme.GO[2], 0.28) if q == ACT_HERE else theme.PANEL
            label = self._quad_label[q]
            label.font_size = theme.SMALL * s
            band = LABEL_BAND * s
            label.size = (qw - 30 * s, band)
            label.text_size = label.size
            label.valign = "middle"
            label.shorten = False
            label.max_lines = 2
            top = QUADRANTS.index(q) < 2
            label.pos = (qx + ox + 15 * s, (qy + oy + qh - band) if top else (qy + oy))
        self._frame[1].rectangle = (px, py, pw, ph)
        self._cross[1].points = [px + pw / 2, py, px + pw / 2, py + ph]
        self._cross[2].points = [px, py + ph / 2, px + pw, py + ph / 2]
        ax, ay, aw, ah = self.quadrant_rect(ACT_HERE)
        self._act_frame[1].rectangle = (ax + ox + 2 * s, ay + oy + 2 * s, aw - 4 * s, ah - 4 * s)
        self._act_frame[1].width = 4 * s
        tx, ty, tw, th = self.tray
        self._tray[1].pos, self._tray[1].size, self._tray[1].radius = (tx + ox, ty + oy), (tw, th), [16 * s]
        self._tray_label.font_size = 34 * s
        self._tray_label.pos = (tx + ox + 16 * s, ty + oy + th - TRAY_HEAD * s)
        self._tray_label.size = (tw - 32 * s, TRAY_HEAD * s)
        self._tray_label.text_size = self._tray_label.size
        if self.park is not None:
            kx, ky, kw, kh = self.park
            self._park[1].pos, self._park[1].size, self._park[1].radius = (kx + ox, ky + oy), (kw, kh), [16 * s]
            self._park[3].rounded_rectangle = (kx + ox, ky + oy, kw, kh, 16 * s)
            self._park_label.text = tr("{lot}: drag here for later").format(lot=self.parking_title)
            self._park_label.font_size = theme.SMALL * s
            self._park_label.pos, self._park_label.size = (kx + ox, ky + oy), (kw, kh)
            self._park_label.text_size = (kw - 30 * s, kh)
        else:  # no parking lot in this step: nothing drawn there
            self._park[0].a = self._park[2].a = 0
        axis_x, axis_y = self.ids.x_axis, self.ids.y_axis
        axis_x.font_size = axis_y.font_size = theme.BODY * s
        axis_x.size = (pw, AXIS * s)
        axis_x.pos = (px, oy)
        axis_y.size = (ph, AXIS * s)
        axis_y.center = (ox + AXIS * s / 2, py + ph / 2)

    # -- intents -----------------------------------------------------------------------

    def _live(self, key: str):
        """The item, or None (and a redraw) when it left the wall since the board was drawn."""
        try:
            return self.wall.item(key)
        except WallError:
            self.refresh()
            return None

    def tap(self, key: str):
        wall = self.wall
        item = self._live(key)
        if item is None:
            return
        if item.matrix is None:
            self.app.say(tr("Drag it onto the matrix first; then a tap chooses it."))
            return
        self.app.act(wall.choose, key, not item.chosen, pick_max=self.pick_max, undo=wall)

    def _dropped(self, board, key: str, x: float, y: float, target):
        wall = self.wall
        item = self._live(key)
        if item is None:
            return
        if inside(self.plane, x, y):
            self.app.act(wall.place, key, *self.spot_of(x, y), undo=wall)
        elif inside(self.park, x, y):
            self.app.act(wall.sort, key, PARKING, columns=[PARKING], undo=wall)
        elif inside(self.tray, x, y) and item.matrix is not None:
            self.app.act(wall.unplace, key, undo=wall)
        # anywhere else (the axes' margins, the gap): the board has put it back


View = MatrixView
