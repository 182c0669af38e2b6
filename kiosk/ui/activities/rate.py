"""``rate``: statements each marked on a scale (green / yellow / red, or the method's own
words such as "too low / right / too high"), with the spread of answers in view.

Each table or participant taps the value it chooses for a statement: one tap is one
mark, stored before the count grows. Every value of every statement is a big tile
with a shape, its word and its count, and a bar whose length is that value's share
of the statement's marks — so a unanimous green and a split between green and red
look different at a glance, without relying on colour. A wrong tap: the kiosk's
Undo takes the newest mark back; "Take back" then a tap on an answer removes one of
its marks (a slip noticed later, even after a restart). More statements than fit turn into pages with big
◀ ▶ buttons (no scroll bars).

The rules (what a mark is, the tally, the spread) are ``kiosk.core.activities.rate``'s.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk.core.activities.rate import TRAFFIC_SHAPES, TRAFFIC_WORDS, Rating, most_of, spread_of
from kiosk.i18n import N_, tr
from kiosk.ui import theme
from kiosk.ui.activities.base import ActivityView
from kiosk.ui.widgets import KButton, sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

ROW_MIN = 118
"""px at 1080p: a statement row with its tiles (touch targets ≥ 80 px)."""
ROW_MAX = 200

SHAPES = ("●", "▲", "■", "◆", "★", "✚", "⬟")
"""One shape per scale position, so a value reads without its colour."""

# the words a method may use for the traffic light, in the languages we have
COLOUR_WORDS = {
    "green": "green", "grønn": "green", "grøn": "green", "grønt": "green", "grønne": "green",
    "yellow": "yellow", "gul": "yellow", "gult": "yellow", "gule": "yellow",
    "red": "red", "rød": "red", "rødt": "red", "røde": "red",
}
TRAFFIC = {"green": theme.GO, "yellow": theme.NOTE_YELLOW, "red": theme.WARN}
PALETTE = (theme.ACCENT, theme.GO, (0.902, 0.624, 0.0, 1), (0.8, 0.475, 0.655, 1), theme.ACCENT_DARK,
           (0.94, 0.89, 0.26, 1), (0.6, 0.6, 0.6, 1))
"""Okabe–Ito for a scale of the method's own words."""

SPREAD = {"none": N_("no marks yet"), "agreed": N_("all agree"), "mixed": N_("mixed"),
          "split": N_("split: both ends")}


def scale_looks(scale: list[str]) -> list[tuple[str, tuple, str]]:
    """(shape, colour, word) per scale value: the traffic light by its words, else by position."""
    out = []
    for i, word in enumerate(scale):
        key = COLOUR_WORDS.get(word.strip().lower())
        if key is not None:
            label = tr(TRAFFIC_WORDS[key]) if word in TRAFFIC_WORDS else word
            out.append((TRAFFIC_SHAPES[key], TRAFFIC[key], label))
        else:
            out.append((SHAPES[i % len(SHAPES)], PALETTE[i % len(PALETTE)], word))
    return out


class RateTile(KButton):
    """One value of one statement: tap to give it a mark; the bar is its share."""

    shape = StringProperty("")
    word = StringProperty("")
    count = NumericProperty(0)
    share = NumericProperty(0.0)
    tone = ColorProperty(theme.GO)
    most = BooleanProperty(False)
    removing = BooleanProperty(False)
    """The view is in take-back mode: a tap takes one mark away (the count shows '−')."""


class StatementRow(BoxLayout):
    number = StringProperty("")
    text = StringProperty("")
    summary = StringProperty("")


class RateView(ActivityView):
    wide = True
    LANES = True
    LANE_MIN = 860
    """A lane keeps a statement's line and its three answers readable side by side."""

    page = NumericProperty(0)
    pages = NumericProperty(1)
    page_text = StringProperty("")
    hint = StringProperty("")
    task = StringProperty("")
    """The step's first prompt: what the group does now."""
    prompts_text = StringProperty("")
    room_for_prompts = BooleanProperty(False)
    removing = BooleanProperty(False)
    """Take-back mode: the next tap on an answer takes one of its marks away."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.rating = Rating.for_step(self.app.store, self.workshop.session.id, self.step, self.app.clock,
                                      group=None if self.lane is ... else self.lane)  # a table's own marks
        self.looks = scale_looks(self.rating.scale)
        self.rows: dict[int, StatementRow] = {}
        self.tiles: dict[tuple[int, int], RateTile] = {}
        self._per_page = 0
        prompts = list(self.step.prompts)
        self.task = escape_markup(prompts[0]) if prompts else ""
        self.prompts_text = "\n".join(f"•  {escape_markup(p)}" for p in prompts[1:])
        self.ids.body.bind(size=lambda *_: self._layout())

    # -- paging ------------------------------------------------------------------------

    def per_page(self) -> int:
        h = self.ids.body.height
        return max(1, int(h // (ROW_MIN * self.app.s))) if h > 1 else 5

    def _layout(self):
        n = self.per_page()
        if n != self._per_page:
            first = self.page * self._per_page  # keep the statement at the top in view
            self._per_page = n
            self.page = first // n
            self._build()

    def turn(self, delta: int):
        self.page = max(0, min(self.pages - 1, self.page + delta))
        self._build()

    def _build(self):
        n = len(self.rating.statements)
        per = self._per_page or self.per_page()
        self.pages = max(1, -(-n // per))
        self.page = min(self.page, self.pages - 1)
        first = self.page * per
        shown = range(first, min(n, first + per))
        self.page_text = (tr("Statements {a}–{b} of {n}").format(a=first + 1, b=shown[-1] + 1, n=n)
                          if self.pages > 1 else "")
        box = self.ids.rows
        box.clear_widgets()
        self.rows, self.tiles = {}, {}
        s = self.app.s
        room = self.ids.body.height
        row_h = min(ROW_MAX * s, max(ROW_MIN * s, (room - (len(shown) - 1) * box.spacing) / max(1, len(shown))))
        box.height = len(shown) * row_h + (len(shown) - 1) * box.spacing
        self.room_for_prompts = room - box.height - self.ids.body.spacing >= 120 * s
        self.ids.rate_prompts.size_hint_y = 1 if self.room_for_prompts else None
        if not self.room_for_prompts:
            self.ids.rate_prompts.height = 0
        for i in shown:
            row = StatementRow(number=f"{i + 1}.", text=escape_markup(self.rating.statements[i]), height=row_h)
            for v, (shape, colour, word) in enumerate(self.looks):
                tile = RateTile(shape=sym(shape), word=escape_markup(word), tone=colour, height=row_h)
                tile.bind(on_release=lambda _t, i=i, v=v: self.mark(i, v))
                row.ids.tiles.add_widget(tile)
                self.tiles[(i, v)] = tile
            self.rows[i] = row
            box.add_widget(row)
        self.refresh()

    # -- drawing -----------------------------------------------------------------------

    def refresh(self):
        tally = self.rating.tally()
        for i, row in self.rows.items():
            counts = tally[i]
            total = sum(counts)
            most = most_of(counts)
            for v, n in enumerate(counts):
                tile = self.tiles[(i, v)]
                tile.count = n
                tile.removing = self.removing
                tile.share = n / total if total else 0.0
                tile.most = most == v
            spread = spread_of(counts)
            marks = tr("1 mark") if total == 1 else tr("{n} marks").format(n=total)
            row.summary = tr(SPREAD[spread]) if spread == "none" else f"{marks} · {tr(SPREAD[spread])}"
        self.hint = (tr("Tap the answer that has one mark too many") if self.removing
                     else tr("One tap = one mark · a wrong tap: Undo"))

    # -- intents -----------------------------------------------------------------------

    def mark(self, statement: int, value: int):
        """A tap on an answer: one more mark, or in take-back mode one mark less (then
        the mode ends, so a second tap cannot take away more than was meant)."""
        if self.removing:
            self.removing = False
            self.app.act(self.rating.take_back, statement, value, undo=self.rating)
        else:
            self.app.act(self.rating.mark, statement, value, undo=self.rating)
        self.refresh()

    def toggle_removing(self):
        self.removing = not self.removing
        self.refresh()


View = RateView
