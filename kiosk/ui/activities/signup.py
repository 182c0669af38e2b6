"""``signup``: everyone puts a note with their name on the one theme they will work on.

One column per theme (the vote's winners, the groups, or every theme — the step's
``themes`` parameter), side by side, in two rows when there are many. At the top of
a column the theme as a card with how many have signed up ("3 signed up", in
words, not only as a number of chips); below it the names, each on its own white
note; at the bottom "+ Add my name", which opens the big keyboard. A name dragged
into another column moves that person; a tap on a name asks whether to take it
off. Everything is undone by the kiosk's one Undo button.

A theme most of the group picks keeps its names readable: the names stand side by
side in the column, the column's row of the wall gets the height it needs when the
columns wrap into two rows, the strips grow thinner only down to one line of body
text (never overlapping), and past that the last place says "+n more" (the count is
on the theme's card too).

Sign-ups whose theme is no longer on the list stay in sight in a column of their
own ("No longer a theme"), from where they can be dragged onto a theme.

The rules are the core's (``kiosk.core.activities.signup``): this view only asks and shows.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.core.activities.signup import PERSON_MAX, Signup, theme_items
from kiosk.core.wall import Cluster, WallError
from kiosk.i18n import tr
from kiosk.ui import messages, theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import CLUSTER, card_height, item_text, more_card, style_of
from kiosk.ui.act import FAILED
from kiosk.ui.widgets.board import Card, NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets.composer import Composer

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
NAME_MIN_H = 52
"""The thinnest a name strip gets (at 1080p): one line of 28 px text with its padding,
still a finger's width (33 mm on a 55" screen). Below it, the rest wait behind "+n more"."""
CHIP_MIN_W = 140
CHIP_GAP = 8
ADD_H = 84
"""The "+ Add my name" card: two lines of a narrow column's words, a finger's target."""
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
    """Places for n name notes in a box: one column while they fit, then side by side,
    as tall as fits (up to CHIP_H), thinner only down to NAME_MIN_H; they never overlap
    and never leave the box. Returns fewer than n places when even the thinnest strips do
    not fit: the caller shows "+k more" in the last one."""
    if n == 0:
        return []
    bx, by, bw, bh = box
    gap = CHIP_GAP * scale
    max_cols = max(1, int((bw + gap) // (CHIP_MIN_W * scale + gap)))
    least = min(NAME_MIN_H * scale, max(bh, 1.0))
    h, rows_fit = least, 1
    for tall in range(CHIP_H, NAME_MIN_H - 1, -2):  # the tallest strips that hold everyone
        h = min(tall * scale, max(bh, 1.0))
        rows_fit = max(1, int((bh + gap) // (h + gap)))
        if rows_fit * max_cols >= n:
            break
    cols = min(max_cols, max(1, math.ceil(n / rows_fit)))
    rows = min(rows_fit, math.ceil(n / cols))
    w = (bw - (cols - 1) * gap) / cols
    top = by + bh
    return [(bx + (i % cols) * (w + gap), top - h - (i // cols) * (h + gap), w, h)
            for i in range(min(n, rows * cols))]


def names_rows(n: int, width: float, scale: float) -> int:
    """How many rows of the thinnest strips n names need in a column this wide."""
    gap = CHIP_GAP * scale
    cols = max(1, int((width + gap) // (CHIP_MIN_W * scale + gap)))
    return math.ceil(n / cols)


def share_height(fixed: float, names: list[float], room: float) -> list[float]:
    """The heights of the wall's rows of columns: each row gets its fixed parts (the
    theme's card, "+ Add my name") and the height its names need at the thinnest, and
    what is left is shared equally; when the names do not all fit, the room left after
    the fixed parts is shared by how much each row's names need."""
    rows = len(names)
    total = rows * fixed + sum(names)
    if total <= room:
        return [fixed + need + (room - total) / rows for need in names]
    if rows * fixed >= room or not sum(names):
        return [room / rows] * rows
    left = room - rows * fixed
    return [fixed + left * need / sum(names) for need in names]


def share_row(names: list[list], per_row: int, width: float, gap: float,
              least: float = 0.0) -> list[tuple[float, float]]:
    """(x, width) of each column: the columns of a row share its width by how many names
    they hold (one more for every four), so a popular theme gets room for its names side
    by side instead of a stack too deep to read; but no column gets less than ``least``
    (a theme's words and its "+ Add my name" must stay readable)."""
    out: list[tuple[float, float]] = []
    for start in range(0, len(names), per_row):
        row = names[start:start + per_row]
        weights = [1 + len(people) / 4 for people in row]
        room = width - (per_row - 1) * gap
        if len(row) < per_row:  # a last, shorter row keeps the columns' usual width
            room = room * len(row) / per_row
        floor = min(least, room / len(row))
        widths = [0.0] * len(row)
        free = list(range(len(row)))
        while free:  # the narrowest held at the floor, the rest shared again by weight
            left = room - sum(widths[i] for i in range(len(row)) if i not in free)
            total = sum(weights[i] for i in free)
            small = [i for i in free if left * weights[i] / total < floor]
            if not small:
                for i in free:
                    widths[i] = left * weights[i] / total
                break
            for i in small:
                widths[i] = floor
                free.remove(i)
        x = 0.0
        for w in widths:
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
        spans = share_row(names, per_row, board.width, gap, COL_MIN * s)
        add_h, pad = ADD_H * s, PAD * s
        room = board.height - (rows - 1) * gap
        chip = (NAME_MIN_H + CHIP_GAP) * s
        names_h = [names_rows(len(people), spans[i][1] - 2 * pad, s) * chip for i, people in enumerate(names)]
        rows_h = [max(names_h[r * per_row:(r + 1) * per_row]) for r in range(rows)]

        def fixed(lines: int) -> float:  # a column without its names
            return 2 * pad + card_height(lines, badge=True) * s + 8 * s + add_h + 8 * s

        # The theme's words as whole as the room allows (3 lines, fewer while the names
        # would not fit otherwise); the names then get every row the height they need.
        lines = next((n for n in (3, 2, 1) if rows * fixed(n) + sum(rows_h) <= room), 1)
        heights = share_height(fixed(lines), rows_h, room)
        cards: list[Card] = []
        for i, (col, people) in enumerate(zip(self.columns, names)):
            r = i // per_row
            x, cw = spans[i]
            ch = heights[r]
            y = board.height - sum(heights[:r + 1]) - r * gap
            col.rect = (x, y, cw, ch)
            # a column with few names beside a full one has room for more of its theme's words
            more = next((n for n in (3, 2) if n > lines and fixed(n) + names_h[i] <= ch), lines)
            head_h = card_height(more, badge=True) * s
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
            places = chip_rects(len(people), box, s)
            shown = people if len(places) >= len(people) else people[:len(places) - 1]
            for note, rect in zip(shown, places):
                cards.append(Card(key=note.key, text=note.text, rect=rect, colour=NAME_COLOUR))
            if len(shown) < len(people):  # not even the thinnest strips hold them all
                cards.append(more_card(places[-1], len(people) - len(shown), col.key or "elsewhere"))
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
            style = style_of(self.styles, item.kind)
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
