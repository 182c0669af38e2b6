"""How a note looks, for every wall activity alike: colour and a shape per kind.

The kinds come from the method's write steps (id, title, colour). The first kind
is marked '+', the second '−' (works well / works less well), a prepared kind '♦',
so the kind reads without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.app import App
from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui import theme
from kiosk.ui.board import Card

COLOURS = {
    "yellow": theme.NOTE_YELLOW, "pink": theme.NOTE_PINK,
    "blue": (0.6, 0.8, 0.95, 1), "green": (0.55, 0.85, 0.7, 1), "orange": (0.95, 0.72, 0.4, 1),
    "purple": (0.78, 0.68, 0.9, 1), "grey": (0.8, 0.8, 0.8, 1), "white": (0.97, 0.97, 0.97, 1),
}
CLUSTER = (0.72, 0.84, 0.94, 1)
MARKS = ("+", "−", "●", "▲", "■")


@dataclass(frozen=True)
class Style:
    colour: tuple
    mark: str
    title: str


def kind_styles(method) -> dict[str, Style]:
    """kind id → its look, from every write step of the method."""
    out: dict[str, Style] = {}
    plain = 0
    for step in method.steps:
        if step.activity != "write":
            continue
        for kind in step.params.get("kinds", []):
            if kind["id"] in out:
                continue
            if kind.get("prepared"):
                mark = "♦"  # ★ marks the matrix's act-here corner
            else:
                mark = MARKS[min(plain, len(MARKS) - 1)]
                plain += 1
            out[kind["id"]] = Style(COLOURS.get(kind.get("colour"), theme.NOTE_YELLOW), mark, kind["title"])
    return {**_made_by_activities(method), **out}


def _made_by_activities(method) -> dict[str, Style]:
    """The looks of notes an activity makes itself (a cards step's statement cards,
    jokers and points), so they look the same in every later step."""
    import importlib

    from kiosk.core import activities
    from kiosk.i18n import tr

    out: dict[str, Style] = {}
    for activity in dict.fromkeys(s.activity for s in method.steps if s.activity != "write"):
        try:
            module = importlib.import_module(activities.get(activity).view_module)
        except KeyError:  # an activity this kiosk does not have: its step runs as talk
            continue
        styles = getattr(module, "STYLES", None)
        for kind, style in (styles or {}).items():
            out.setdefault(kind, Style(style.colour, style.mark, tr(style.title)))
    return out


class WallView(BoxLayout):
    """The base of every activity that works on the wall: it needs the room, and the notes' looks."""

    step = ObjectProperty(None)
    workshop = ObjectProperty(None, allownone=True)
    wide = True

    def __init__(self, **kw):
        super().__init__(**kw)
        self.app = App.get_running_app()
        self.styles = kind_styles(self.workshop.session.method)

    @property
    def wall(self):
        return self.app.wall()


def note_card(note, styles: dict[str, Style], rect, **kw) -> Card:
    style = styles.get(note.kind, Style(theme.NOTE_YELLOW, "", note.kind))
    return Card(key=note.key, text=note.text, rect=rect, colour=style.colour, mark=style.mark,
                face_down=note.face_down, **kw)


CARD_W, CARD_H = 240, 124
"""A note's card on the wall at 1080p: three lines of theme.NOTE text beside its mark
(a word such as 'sammenhold' fits a line)."""


def grid(n: int, width: float, height: float, card_w: float, card_h: float, gap: float,
         origin=(0.0, 0.0)) -> list[tuple[float, float, float, float]]:
    """n card rects filling rows from the top left; cards shrink when there are too many."""
    if n == 0:
        return []
    scale = 1.0
    while True:
        w, h, g = card_w * scale, card_h * scale, gap * scale
        cols = max(1, int((width + g) // (w + g)))
        rows = -(-n // cols)
        if rows * (h + g) - g <= height or scale < 0.35:
            break
        scale *= 0.9
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        out.append((origin[0] + c * (w + g), origin[1] + height - (r + 1) * h - r * g, w, h))
    return out
