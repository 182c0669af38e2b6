"""A wall of post-its that stays fast with hundreds of notes.

The notes at rest are drawn once into an offscreen texture (an Fbo) and shown
as one rectangle, so a frame costs the same with 30 notes as with 300. A change
redraws only where it shows: a new note draws its one card, an edited, turned or
deleted note the cards under its place (each card keeps its instructions while it
stays the same); a new layout (the board's size, a shrunk grid, another order)
draws all (drawing all 120 cards took 33 ms for every note a phone sent). A note a
finger lifts is taken out of that texture and drawn live on top until it is
dropped; several fingers can carry several notes at once. A small movement is a
tap, not a drag, and a note dropped outside the board snaps back.

The board knows no rules: it shows the cards it is given and reports taps and
drops (``on_tap(key)``, ``on_drop(key, x, y, target_key)``) for the activity
widget to turn into intents on the core. While a finger carries a card,
``on_carry(key, x, y)`` reports where its centre is on each move, and
``on_carry(key, None, None)`` when the finger lets go (before any ``on_drop``), so
a view can make what it draws around the cards (a map's links) follow the finger.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.core.text import Label as CoreLabel
from kivy.graphics import (ClearBuffers, ClearColor, Color, InstructionGroup, Line, Rectangle,
                           RoundedRectangle, ScissorPop, ScissorPush)
from kivy.graphics.fbo import Fbo
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.text import fit_text
from kiosk.ui.widgets import symbol_font

TAP_SLOP = 18
"""Pixels (at 1080p) a finger may wobble and still tap."""

# A card's text geometry at 1080p, shared with the layouts that fit text to cards.
PAD = 8
MARK_W = 38
"""Room kept at the right of the text for the kind's mark."""
BADGE_H = 30
MORE = "more:"
"""Key prefix of a card that stands for notes a full grid cannot show: a tap on it does nothing."""


@dataclass(frozen=True)
class Card:
    """One note or cluster as the board shows it."""

    key: str
    text: str
    rect: tuple[float, float, float, float]
    """x, y, width, height in the board's own coordinates."""
    colour: tuple = theme.NOTE_YELLOW
    mark: str = ""
    """A shape that says the kind without colour (e.g. '+' or '−')."""
    face_down: bool = False
    badge: str = ""
    """A line under the text: votes, a cluster's size …"""
    selected: bool = False
    draggable: bool = True
    text_h: float | None = None
    """At most this much height for the text (a card in a fanned stack shows its first lines)."""


class _Texts:
    """Rendered text textures, reused while a card's text and size stay the same."""

    def __init__(self) -> None:
        self._cache: dict[tuple, object] = {}

    def get(self, text: str, width: float, size: float, bold: bool = False, font: str | None = None):
        key = (text, int(width), int(size), bold, font)
        tex = self._cache.get(key)
        if tex is None:
            label = CoreLabel(text=text, font_size=size, bold=bold, color=(0.1, 0.1, 0.1, 1),
                              text_size=(width or None, None), halign="left", valign="top",
                              **({"font_name": font} if font else {}))
            label.refresh()
            tex = label.texture
            if len(self._cache) > 2000:  # a long workshop edits many notes: stay bounded
                self._cache.clear()
            self._cache[key] = tex
        return tex


def draw_card(card: Card, texts: _Texts, scale: float, offset=(0.0, 0.0)) -> InstructionGroup:
    """The instructions for one card (used for the cached wall and for a lifted card)."""
    x, y, w, h = card.rect
    x, y = x + offset[0], y + offset[1]
    pad = PAD * scale
    g = InstructionGroup()
    g.add(Color(0, 0, 0, 0.35))
    g.add(RoundedRectangle(pos=(x + 4 * scale, y - 4 * scale), size=(w, h), radius=[6 * scale]))
    g.add(Color(*card.colour))
    g.add(RoundedRectangle(pos=(x, y), size=(w, h), radius=[6 * scale]))
    if card.selected:
        g.add(Color(*theme.ACCENT_DARK))
        g.add(Line(rounded_rectangle=(x - 3 * scale, y - 3 * scale, w + 6 * scale, h + 6 * scale, 8 * scale),
                   width=4 * scale))
    text_size = theme.NOTE * scale
    if card.face_down:
        tex = texts.get("?", 0, 60 * scale, bold=True)  # width 0: as wide as the glyph, to centre it
        g.add(Color(1, 1, 1, 0.9))
        g.add(Rectangle(texture=tex, size=tex.size, pos=(x + (w - tex.width) / 2, y + (h - tex.height) / 2)))
    else:
        body_w = w - 2 * pad - (MARK_W * scale if card.mark else 0)
        body_h = h - 2 * pad - (BADGE_H * scale if card.badge else 0)
        if card.text_h is not None:
            body_h = min(body_h, card.text_h)
        tex = texts.get(fit_text(card.text, body_w, body_h, text_size), body_w, text_size)
        shown_h = min(tex.height, max(0.0, body_h))
        # Whole lines fit (fit_text); clip only what a fanned stack covers.
        region = tex.get_region(0, tex.height - shown_h, tex.width, shown_h) if shown_h < tex.height else tex
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=region, size=(tex.width, shown_h), pos=(x + pad, y + h - pad - shown_h)))
    if card.mark:
        # width 0: as wide as the glyph, so it sits at the right edge, clear of the text
        mt = texts.get(card.mark, 0, 30 * scale, bold=True, font=symbol_font(card.mark))
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=mt, size=mt.size, pos=(x + w - pad - mt.width, y + h - pad - mt.height)))
    if card.badge:
        bt = texts.get(card.badge, w - 2 * pad, 24 * scale, bold=True, font=symbol_font(card.badge))
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=bt, size=bt.size, pos=(x + pad, y + pad)))
    return g


def card_extent(card: Card, group: InstructionGroup, scale: float) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) a card's instructions may touch: its shadow, its ring
    when selected, a glyph wider than a small card; a pixel to spare for rounding."""
    x, y, w, h = card.rect
    ring = 8 * scale if card.selected else 0
    x0, y0, x1, y1 = x - ring, y - 4 * scale - ring, x + w + 4 * scale + ring, y + h + ring
    for part in group.children:
        if isinstance(part, Rectangle):  # RoundedRectangle too
            (px, py), (pw, ph) = part.pos, part.size
            x0, y0, x1, y1 = min(x0, px), min(y0, py), max(x1, px + pw), max(y1, py + ph)
    return x0 - 1, y0 - 1, x1 + 1, y1 + 1


class NoteBoard(Widget):
    """Cards at rest in one cached texture; lifted cards drawn live."""

    scale = NumericProperty(1.0)
    """Layout scale (the app's ``s``)."""
    __events__ = ("on_tap", "on_drop", "on_carry")

    def __init__(self, **kw):
        super().__init__(**kw)
        self.cards: dict[str, Card] = {}
        self.order: list[str] = []
        self.lifted: dict[int, dict] = {}  # touch uid → {key, dx, dy, group, translate}
        self.text_scales: dict[str, float] = {}
        """A card's size against the wall's (text, padding, mark), by key; absent: 1
        (a narrow timeline lane draws its notes smaller)."""
        self._texts = _Texts()
        self._drawn: dict[str, tuple] = {}
        """What the texture shows, by key: (card, scale, its instructions, its extent)."""
        self._drawn_order: list[str] = []
        self._full = True
        """The next redraw draws every card (a new size, a new texture)."""
        with self.canvas:
            self._fbo = Fbo(size=(max(1, int(self.width)), max(1, int(self.height))))
            Color(1, 1, 1, 1)
            self._view = Rectangle(pos=self.pos, size=self.size, texture=self._fbo.texture)
        self._fbo.add_reload_observer(self._reloaded)
        self.bind(pos=self._place, size=self._resize)

    # -- what to show ----------------------------------------------------------------

    def set_cards(self, cards: list[Card]) -> None:
        """Show these cards (later ones on top); lifted cards stay in the finger."""
        self.cards = {c.key: c for c in cards}
        self.order = [c.key for c in cards]
        self.redraw()

    def card_scale(self, key: str) -> float:
        return self.scale * self.text_scales.get(key, 1.0)

    def redraw(self, full: bool = False) -> None:
        """Bring the texture to the cards at rest: only the places that changed, unless
        ``full`` or the layout moved (the order of the cards that stay)."""
        lifted = {v["key"] for v in self.lifted.values()}
        order = [k for k in self.order if k not in lifted]
        before = self._drawn
        drawn: dict[str, tuple] = {}
        dirty: list[tuple] = []
        for key in order:
            card, scale = self.cards[key], self.card_scale(key)
            old = before.get(key)
            if old is not None and old[0] == card and old[1] == scale:
                drawn[key] = old
                continue
            group = draw_card(card, self._texts, scale)
            drawn[key] = (card, scale, group, card_extent(card, group, scale))
            dirty.append(drawn[key][3])
            if old is not None:
                dirty.append(old[3])
        dirty += [old[3] for key, old in before.items() if key not in drawn]
        stayed = [k for k in self._drawn_order if k in drawn]
        full = full or self._full or stayed != [k for k in order if k in before]
        self._drawn, self._drawn_order, self._full = drawn, order, False
        if not full and not dirty:
            return
        fbo = self._fbo
        fbo.clear()
        if full:
            with fbo:
                ClearColor(0, 0, 0, 0)
                ClearBuffers()
            for key in order:
                fbo.add(drawn[key][2])
        else:
            # The union of what changed, cleared and drawn again from every card that
            # touches it, in order: the same pixels as drawing all (tests/test_ui_noteboard.py).
            x0 = max(0, int(min(d[0] for d in dirty)))
            y0 = max(0, int(min(d[1] for d in dirty)))
            x1 = min(fbo.size[0], int(max(d[2] for d in dirty)) + 1)
            y1 = min(fbo.size[1], int(max(d[3] for d in dirty)) + 1)
            if x1 <= x0 or y1 <= y0:
                return
            fbo.add(ScissorPush(x=x0, y=y0, width=x1 - x0, height=y1 - y0))
            fbo.add(ClearColor(0, 0, 0, 0))
            fbo.add(ClearBuffers())
            for key in order:
                e = drawn[key][3]
                if e[0] < x1 and e[2] > x0 and e[1] < y1 and e[3] > y0:
                    fbo.add(drawn[key][2])
            fbo.add(ScissorPop())
        fbo.draw()
        self._view.texture = fbo.texture

    def _reloaded(self, *_):
        """The GL context came back empty: draw every card again, not only the last change."""
        self.redraw(full=True)

    def _place(self, *_):
        self._view.pos = self.pos

    def _resize(self, *_):
        size = (max(1, int(self.width)), max(1, int(self.height)))
        if tuple(self._fbo.size) != size:
            self._fbo.size = size
            self._full = True
        self._view.size = self.size
        self.redraw()

    # -- finding cards -----------------------------------------------------------------

    def card_at(self, x: float, y: float, exclude: set[str] = frozenset()) -> str | None:
        """The topmost card under a point in board coordinates."""
        for key in reversed(self.order):
            if key in exclude:
                continue
            cx, cy, w, h = self.cards[key].rect
            if cx <= x <= cx + w and cy <= y <= cy + h:
                return key
        return None

    def _local(self, touch):
        return touch.x - self.x, touch.y - self.y

    # -- fingers ---------------------------------------------------------------------------

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        lx, ly = self._local(touch)
        held = {v["key"] for v in self.lifted.values()}
        key = self.card_at(lx, ly, exclude=held)
        if key is None:
            return False
        touch.grab(self)
        touch.ud[self] = {"key": key, "start": (lx, ly)}
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return False
        info = touch.ud.get(self)
        if info is None:
            return False
        lx, ly = self._local(touch)
        if touch.uid not in self.lifted:
            sx, sy = info["start"]
            card = self.cards.get(info["key"])
            if card is None or not card.draggable:
                return True
            if abs(lx - sx) + abs(ly - sy) < TAP_SLOP * self.scale:
                return True
            self._lift(touch, card, sx, sy)
        lift = self.lifted[touch.uid]
        lift["translate"].x = lx - lift["sx"]
        lift["translate"].y = ly - lift["sy"]
        x, y, w, h = lift["rect"]
        self.dispatch("on_carry", lift["key"], x + w / 2 + lift["translate"].x, y + h / 2 + lift["translate"].y)
        return True

    def _lift(self, touch, card: Card, sx: float, sy: float) -> None:
        from kivy.graphics import PopMatrix, PushMatrix, Translate

        group = InstructionGroup()
        group.add(PushMatrix())
        translate = Translate(0, 0)
        group.add(translate)
        group.add(draw_card(card, self._texts, self.card_scale(card.key), offset=(self.x, self.y)))
        group.add(PopMatrix())
        self.canvas.after.add(group)
        self.lifted[touch.uid] = {"key": card.key, "sx": sx, "sy": sy, "group": group, "translate": translate,
                                  "rect": card.rect}  # the board may re-lay out before this finger lets go
        self.redraw()

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        info = touch.ud.pop(self, None)
        lift = self.lifted.pop(touch.uid, None)
        if info is None:
            return True
        if lift is None:
            if not info["key"].startswith(MORE):
                self.dispatch("on_tap", info["key"])
            return True
        self.canvas.after.remove(lift["group"])
        self.dispatch("on_carry", lift["key"], None, None)
        card = self.cards.get(lift["key"])
        lx, ly = self._local(touch)
        inside = self.collide_point(*touch.pos)
        if card is not None and inside:
            x, y, w, h = lift["rect"]
            nx, ny = x + lx - lift["sx"], y + ly - lift["sy"]
            held = {v["key"] for v in self.lifted.values()} | {card.key}
            target = self.card_at(lx, ly, exclude=held)
            self.redraw()  # back in the wall where it was, until the activity says otherwise
            self.dispatch("on_drop", card.key, nx + w / 2, ny + h / 2, target)
        else:
            self.redraw()  # dropped off the board: it snaps back
        return True

    def on_tap(self, key):
        pass

    def on_drop(self, key, x, y, target):
        """x, y: where the card's centre landed, in board coordinates."""
        pass

    def on_carry(self, key, x, y):
        """x, y: where a carried card's centre is now (board coordinates); None, None: let go."""
        pass
