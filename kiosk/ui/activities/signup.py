"""``signup``: everyone puts a note with their name on the one theme they will work on.

One column per theme (the vote's winners, the groups, or every theme — the step's
``themes`` parameter), side by side, in two rows when there are many. At the top of
a column the theme as a card with how many have signed up ("3 signed up", in
words, not only as a number of chips); below it the names, each on its own white
note; at the bottom "+ Add my name", which opens the big keyboard. A name dragged
into another column moves that person; a tap on a name asks whether to take it
off. Everything is undone by the kiosk's one Undo button.

Sign-ups whose theme is no longer on the list stay in sight in a column of their
own ("No longer a theme"), from where they can be dragged onto a theme.

The rules are the core's (``kiosk.core.signup``): this view only asks and shows.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.core.signup import PERSON_MAX, Signup, theme_items
from kiosk.core.wall import Cluster, WallError
from kiosk.i18n import tr
from kiosk.ui import messages, theme
from kiosk.ui.activities.notes import CLUSTER, Style, WallView
from kiosk.ui.activities.sort import card_height, item_text
from kiosk.ui.app import FAILED
from kiosk.ui.board import Card, NoteBoard  # noqa: F401  (kv)
from kiosk.ui.composer import Composer

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

Rect = tuple[float, float, float, float]

NAME_COLOUR = (0.97, 0.97, 0.97, 1)
"""A name note is white: it reads as a name, not as one of the topics (yellow, pink, blue)."""
ADD_COLOUR = (0.78, 0.86, 0.92, 1)
COL_MIN = 300
"""The narrowest column at 1080p: a theme's card and names of a first name and a letter."""
COL_GAP = 14
PAD = 10
CHIP_H = 80
"""A name note is a touch target: ≥ 80 px at 1080p."""
CHIP_MIN_W = 140
ADD_H = 84
ADD_H_TIGHT = 80
"""The add card when the columns wrap into rows: still a finger's target."""
ADD = "add:"
"""The key prefix of a column's "+ Add my name" card."""


class Column:
    """One theme's column: its panel behind the board and the drop area it stands for."""

    def __init__(self, key: Optional[str], label: str, item=None) -> None:
        self.key = key
        """The theme's wall key; None for the names whose theme left the list."""
        self.label = label
        self.item = item
        self.rect: Rect = (0, 0, 0, 0)
        self.fill = Color(*theme.PANEL)
        self.panel = RoundedRectangle()
        self.frame = Color(0.3, 0.36, 0.42, 1)
        self.line = Line(width=1)

    def contains(self, x: float, y: float) -> bool:
        cx, cy, w, h = self.rect
        return cx <= x <= cx + w and cy <= y <= cy + h


def chip_rects(n: int, box: Rect, scale: float) -> list[Rect]:
    """n name notes in a box, one column while they fit, then side by side; when even
    that is too few rows, the rows overlap like a fanned stack (the name on each note's
    first line stays in sight) rather than shrinking below a finger's size. The notes
    never leave the box: a column full to the brim still shows its count on the theme."""
    if n == 0:
        return []
    bx, by, bw, bh = box
    bh = max(bh, 1.0)
    gap = 8 * scale
    h = min(CHIP_H * scale, bh)
    rows_fit = max(1, int((bh + gap) // (h + gap)))
    cols = min(max(1, math.ceil(n / rows_fit)), max(1, int((bw + gap) // (CHIP_MIN_W * scale + gap))))
    rows = math.ceil(n / cols)
    w = (bw - (cols - 1) * gap) / cols
    step = h + gap
    if rows > 1 and rows * step - gap > bh:
        step = max(0.0, (bh - h) / (rows - 1))
    top = by + bh
    return [(bx + (i % cols) * (w + gap), top - h - (i // cols) * step, w, h) for i in range(n)]


def share_row(names: list[list], per_row: int, width: float, gap: float) -> list[tuple[float, float]]:
    """(x, width) of each column: the columns of a row share its width by how many names
    they hold (one more for every four), so a popular theme gets room for its names side
    by side instead of a stack too deep to read."""
    out: list[tuple[float, float]] = []
    for start in range(0, len(names), per_row):
        row = names[start:start + per_row]
        weights = [1 + len(people) / 4 for people in row]
        room = width - (per_row - 1) * gap
        if len(row) < per_row:  # a last, shorter row keeps the columns' usual width
            room = room * len(row) / per_row
        x = 0.0
        for wt in weights:
            w = room * wt / sum(weights)
            out.append((x, w))
            x += w + gap
    return out


class SignupView(WallView):
    status = StringProperty("")
    hint = StringProperty("")
    empty = StringProperty("")
    """Why there is nothing to sign up for ('' when there are themes)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        params = self.step.params
        self.which = params.get("themes", "chosen")
        self.one_per_person = bool(params.get("one_per_person", True))
        self.columns: list[Column] = []
        self.composer: Optional[Composer] = None
        board = self.ids.board
        board.bind(on_tap=lambda _b, key: self.tap(key), on_drop=self._dropped,
                   size=lambda *_: self.refresh(), pos=lambda *_: self.refresh())

    @property
    def signup(self) -> Signup:
        return Signup(self.wall, step=self.step.id, one_per_person=self.one_per_person)

    # -- drawing ---------------------------------------------------------------------------

    def refresh(self):
        if self.get_root_window() is None or self.app.store is None:
            return
        board, s = self.ids.board, self.app.s
        board.scale = s
        wall = self.wall
        themes = theme_items(wall, self.which)
        if not themes:
            self.empty = messages.refusal("no_themes")
            self.columns = []
            board.set_cards([])
            self._draw_columns()
            self.status = self.hint = ""
            return
        self.empty = ""
        grouped, elsewhere = self.signup.by_theme([t.key for t in themes])
        self.columns = [Column(t.key, wall.label(t.key) or tr("Unnamed group"), t) for t in themes]
        if elsewhere:
            self.columns.append(Column(None, tr("No longer a theme")))
        names = [grouped[t.key] for t in themes] + ([elsewhere] if elsewhere else [])

        n = len(self.columns)
        gap = COL_GAP * s
        per_row = min(n, max(1, int((board.width + gap) // (COL_MIN * s + gap))))
        rows = math.ceil(n / per_row)
        ch = (board.height - (rows - 1) * gap) / rows
        spans = share_row(names, per_row, board.width, gap)
        head_h = card_height(3 if rows == 1 else 1, badge=True) * s  # wrapped: room for the names
        add_h = (ADD_H if rows == 1 else ADD_H_TIGHT) * s
        pad = PAD * s
        cards: list[Card] = []
        for i, (col, people) in enumerate(zip(self.columns, names)):
            r = i // per_row
            x, cw = spans[i]
            y = board.height - (r + 1) * ch - r * gap
            col.rect = (x, y, cw, ch)
            count = tr("{n} signed up").format(n=len(people))
            head = (x + pad, y + ch - pad - head_h, cw - 2 * pad, head_h)
            if col.key is not None:
                cards.append(self._theme_card(col, head, count))
                cards.append(Card(key=ADD + col.key, text="+ " + tr("Add my name"), colour=ADD_COLOUR,
                                  rect=(x + pad, y + pad, cw - 2 * pad, add_h), draggable=False))
                bottom = y + pad + add_h + 8 * s
            else:
                cards.append(Card(key="elsewhere", text=col.label, colour=(0.75, 0.75, 0.75, 1), rect=head,
                                  badge=count, draggable=False))
                bottom = y + pad
            box = (x + pad, bottom, cw - 2 * pad, head[1] - 8 * s - bottom)
            for note, rect in zip(people, chip_rects(len(people), box, s)):
                cards.append(Card(key=note.key, text=note.text, rect=rect, colour=NAME_COLOUR))
        board.set_cards(cards)
        self._draw_columns()
        total = sum(len(p) for p in names)
        self.status = tr("{n} signed up · {themes} themes").format(n=total, themes=len(themes))
        self.hint = tr("Drag a name to move it · tap a name to take it off")

    def _theme_card(self, col: Column, rect: Rect, count: str) -> Card:
        item = col.item
        if isinstance(item, Cluster):
            colour, mark = CLUSTER, ""
        else:
            style = self.styles.get(item.kind, Style(theme.NOTE_YELLOW, "", item.kind))
            colour, mark = style.colour, style.mark
        return Card(key=col.key, text=item_text(self.wall, item), rect=rect, colour=colour, mark=mark,
                    badge=count, draggable=False)

    def _draw_columns(self):
        layer, board, s = self.ids.columns, self.ids.board, self.app.s
        layer.canvas.before.clear()
        ox, oy = board.pos
        for col in self.columns:
            x, y, w, h = col.rect
            col.panel.pos, col.panel.size, col.panel.radius = (x + ox, y + oy), (w, h), [16 * s]
            col.line.rounded_rectangle = (x + ox, y + oy, w, h, 16 * s)
            col.line.width = 2 * s
            if col.key is None:
                col.fill.rgba = (0.16, 0.16, 0.19, 1)
            for instruction in (col.fill, col.panel, col.frame, col.line):
                layer.canvas.before.add(instruction)

    def column_at(self, x: float, y: float) -> Optional[Column]:
        return next((c for c in self.columns if c.contains(x, y)), None)

    # -- intents ---------------------------------------------------------------------------

    def tap(self, key: str):
        if key.startswith(ADD):
            self.compose(key[len(ADD):])
        elif any(c.key == key for c in self.columns):
            self.compose(key)  # the theme's card: the same as its "+ Add my name"
        elif key.startswith("n"):
            self.ask_withdraw(key)

    def compose(self, theme_key: str):
        col = next((c for c in self.columns if c.key == theme_key), None)
        if col is None:
            return
        wall, signup = self.wall, self.signup
        label = col.label if len(col.label) <= 60 else col.label[:58] + "…"
        self.composer = Composer(
            on_save=lambda text: self.app.act(signup.add, theme_key, text, undo=wall) is not FAILED,
            title=tr("Your name on “{theme}”").format(theme=label), limit=PERSON_MAX, colour=NAME_COLOUR)
        self.composer.ids.save.text = tr("Sign up")
        self.composer.open()

    def ask_withdraw(self, key: str):
        wall, signup = self.wall, self.signup
        try:
            note = wall.item(key)
        except WallError:
            self.refresh()
            return
        self.app.confirm(tr("Take “{name}” off this theme? Undo brings it back.").format(name=note.text),
                         tr("Take off"), lambda: self.app.act(signup.withdraw, note.id, undo=wall))

    def _dropped(self, board, key: str, x: float, y: float, target):
        col = self.column_at(x, y)
        if col is None or col.key is None or not key.startswith("n"):
            return  # outside a theme's column: the board already put it back
        wall = self.wall
        try:
            note = wall.item(key)
        except WallError:
            self.refresh()
            return
        if getattr(note, "signup", None) == col.key:
            return
        self.app.act(self.signup.move, note.id, col.key, undo=wall)


View = SignupView
