"""The stage arrow: an action's stages as chevrons, on the statuspil board, in its
action panel and in the workshop's statuspil step (DESIGN.md §4)."""

from __future__ import annotations

from typing import Optional

from kivy.app import App
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, InstructionGroup, Line, Mesh, PopMatrix, PushMatrix, Rectangle, Translate
from kivy.properties import BooleanProperty, ListProperty, NumericProperty
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.widgets import SYMBOLS


class StageArrow(Widget):
    """An action's stages as chevrons, left to right: done ones filled with ✓, the
    current one filled, outlined and named, the ones to come outlined (named when the
    name fits). Parked or dropped: the whole arrow drawn faint (the row says why).

    Drawn in the widget's own coordinates under a Translate, so moving the widget (the
    burn-in drift) moves one matrix instead of redrawing; text textures are cached.
    """

    stages = ListProperty([])
    """The stage names, from the data (shown as they are)."""
    stage = NumericProperty(0)
    """The current stage's index."""
    finished = BooleanProperty(False)
    """At the last stage: the last chevron is drawn as done too."""
    faint = BooleanProperty(False)
    """Parked or dropped: drawn at half strength."""
    font_px = NumericProperty(30)
    """Text size at 1080p (scaled with ``app.s``)."""
    name_done = BooleanProperty(False)
    """Also name the done stages, beside their ✓, where the name fits (the panel)."""

    _textures: dict = {}

    def __init__(self, **kw):
        super().__init__(**kw)
        with self.canvas:
            PushMatrix()
            self._move = Translate(0, 0)
            self._group = InstructionGroup()
        self.canvas.add(self._group)
        self.canvas.add(PopMatrix())
        self.bind(stages=self._redraw, stage=self._redraw, finished=self._redraw, faint=self._redraw,
                  size=self._redraw, font_px=self._redraw, name_done=self._redraw, pos=self._moved)
        app = App.get_running_app()
        if app is not None:
            app.bind(s=self._redraw)

    def _moved(self, *_):
        self._move.xy = self.pos

    @classmethod
    def texture(cls, text: str, size: float, bold: bool = True, symbols: bool = False):
        key = (text, round(size), bold, symbols)
        tex = cls._textures.get(key)
        if tex is None:
            if len(cls._textures) > 400:  # stage names are few; a bound in case data is wild
                cls._textures.clear()
            kw = {"font_name": SYMBOLS} if symbols else {}
            label = CoreLabel(text=text, font_size=size, bold=bold, **kw)
            label.refresh()
            tex = cls._textures[key] = label.texture
        return tex

    def widths(self, total: float, tip: float, gap: float, s: float) -> list[float]:
        """Each chevron's width: equal shares, but the current one at least wide enough
        for its name (the others share what is left)."""
        n = len(self.stages)
        avail = total + (n - 1) * (tip - gap)  # chevrons overlap by a tip, minus the gap
        equal = avail / n
        if not 0 <= self.stage < n:
            return [equal] * n
        need = self.texture(self.stages[int(self.stage)], self.font_px * s).width + 2 * tip + 28 * s
        if need <= equal or n == 1:
            return [equal] * n
        need = min(need, avail * 0.6)
        rest = (avail - need) / (n - 1)
        return [need if i == self.stage else rest for i in range(n)]

    def _shape(self) -> tuple[float, float, float]:
        """(scale, tip, gap): how far a chevron's tip reaches into the next, and the gap between."""
        app = App.get_running_app()
        s = app.s if app is not None else 1.0
        return s, min(self.height * 0.32, 26 * s), 5 * s

    def stage_at(self, x: float) -> Optional[int]:
        """The stage index under ``x`` (the arrow's own coordinates), from the same widths
        and overlaps the arrow is drawn with; None outside."""
        n = len(self.stages)
        if n == 0 or not 0 <= x <= self.width:
            return None
        s, tip, gap = self._shape()
        left = 0.0
        for i, w in enumerate(self.widths(self.width, tip, gap, s)):
            right = left + w - tip + gap
            if x < right - gap / 2 + tip / 2 or i == n - 1:
                return i
            left = right
        return n - 1

    def _redraw(self, *_):
        g = self._group
        g.clear()
        n = len(self.stages)
        if n == 0 or self.width <= 0 or self.height <= 0:
            return
        s, tip, gap = self._shape()
        w, h = self.width, self.height
        alpha = 0.45 if self.faint else 1.0
        cur = int(self.stage)
        x = 0.0
        for i, (name, sw) in enumerate(zip(self.stages, self.widths(w, tip, gap, s))):
            done = i < cur or (self.finished and i == cur)
            current = i == cur
            pts = [x, 0, x + sw - tip, 0, x + sw, h / 2, x + sw - tip, h, x, h]
            if i > 0:
                pts += [x + tip, h / 2]
            cx = x + (tip if i > 0 else 0) / 2 + (sw - tip) / 2
            verts, idx = [cx, h / 2, 0, 0], [0]
            for j in range(0, len(pts), 2):
                verts += [pts[j], pts[j + 1], 0, 0]
                idx.append(j // 2 + 1)
            idx.append(1)
            fill = theme.GO if done else theme.ACCENT if current else theme.PANEL_HI
            g.add(Color(fill[0], fill[1], fill[2], alpha))
            g.add(Mesh(vertices=verts, indices=idx, mode="triangle_fan"))
            if current:
                g.add(Color(*theme.TEXT[:3], alpha))
                g.add(Line(points=pts, close=True, width=3 * s, joint="miter"))
            elif not done:
                g.add(Color(*theme.MUTED[:3], alpha * 0.8))
                g.add(Line(points=pts, close=True, width=1.2 * s))
            body_x0 = x + (tip if i > 0 else 10 * s)
            body_w = x + sw - tip - body_x0
            tex = None
            fp = self.font_px * s
            if done and (current or self.name_done):  # ✓ and the name, as room allows
                name_tex, mark = self.texture(name, fp, current), self.texture("✓", fp, True, symbols=True)
                both = mark.width + 8 * s + name_tex.width
                if both <= body_w:
                    self._blit(mark, body_x0 + (body_w - both) / 2, h, theme.TEXT, alpha)
                    self._blit(name_tex, body_x0 + (body_w - both) / 2 + mark.width + 8 * s, h, theme.TEXT, alpha)
                else:
                    tex = name_tex if current and name_tex.width <= body_w else mark
            elif current:
                tex = self.texture(name, fp, True)
            elif done:
                tex = self.texture("✓", fp * 1.1, True, symbols=True)
            else:
                tex = self.texture(name, fp, False)
                if tex.width > body_w:
                    tex = None  # a name that does not fit is left out, never squeezed
            if tex is not None:
                colour = theme.BG if current and not done else theme.TEXT if (done or current) else theme.MUTED
                self._blit(tex, body_x0 + (body_w - tex.width) / 2, h, colour, alpha)
            x += sw - tip + gap

    def _blit(self, tex, x: float, h: float, colour, alpha: float):
        g = self._group
        g.add(Color(colour[0], colour[1], colour[2], alpha))
        g.add(Rectangle(texture=tex, pos=(round(x), round((h - tex.height) / 2)), size=tex.size))
