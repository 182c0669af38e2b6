"""``timeline``: the history workshop's line of years (core: ``kiosk.core.timeline``).

The years run left to right as tall lanes, each with its year as a big label
under it (with how many post-its it holds), so 5–15 years read from across the
room. Post-its not placed yet wait in the tray along the bottom: a finger drags
one up onto a year (or back down to take it off). A year with more notes than
its lane can show fans them (each keeps its first line in sight); a tap on the
year shows all its notes large. Period headings run over the years at the top:
*+ Period* asks for the name on the big keyboard, then for the first and the
last year (two taps); a tap on a heading offers to take it away. In the
past-and-future variant a dashed line with "now" marks where the future starts.
The rule for this step (no comments while placing) stays in sight at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from kivy.graphics import Color, InstructionGroup, Line, Rectangle
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.core.timeline import Timeline
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.activities.notes import Style, WallView
from kiosk.ui.activities.sort import LINE_H, fit_grid, more_card, overflow
from kiosk.ui.app import FAILED
from kiosk.ui.board import PAD, Card, NoteBoard  # noqa: F401  (kv)
from kiosk.ui.composer import Composer
from kiosk.ui.widgets import KButton

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

TRAY_H = 150
YEAR_H = 84
BAND_H = 70
GAP = 8
CARD_LINES = 3
EVENT = "event"
"""The kind of a post-it written here when the method has no write step."""


def lane_rects(n: int, x: float, bottom: float, top: float, width: float, scale: float
               ) -> tuple[list[tuple[float, float, float, float]], Optional[float], int]:
    """Rects for n notes stacked down from the top of one year's lane.

    Returns (rects of the notes shown, text height in sight on a covered card or
    None, how many of the oldest are left out because even fanned they would not
    fit). The newest note is always shown whole at the bottom of the fan.
    """
    if n == 0:
        return [], None, 0
    gap = GAP * scale
    h = min((2 * PAD + CARD_LINES * LINE_H) * scale, top - bottom)
    room = top - bottom
    if n * h + (n - 1) * gap <= room:
        return [(x, top - (i + 1) * h - i * gap, width, h) for i in range(n)], None, 0
    least = (PAD + LINE_H + 4) * scale          # a covered card keeps its first line
    fits = max(1, int((room - h) // least) + 1)
    shown = min(n, fits)
    step = (room - h) / (shown - 1) if shown > 1 else 0
    rects = [(x, top - h - i * step, width, h) for i in range(shown)]
    return rects, max(0.0, step - PAD * scale), n - shown


class YearSheet(ModalView):
    """All the notes of one year, large, to read what a full lane only fans."""

    title = StringProperty("")


class TimelineView(WallView):
    hint = StringProperty("")
    rule = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        app = self.app
        self.line = Timeline(app.store, self.workshop.session.id, app.clock, self.wall, self.step.id,
                             self.step.params)
        self.kind = next(iter(self.styles), EVENT)
        rules = list(getattr(self.step, "rules", ()) or ())
        self.rule = rules[0] if rules else tr("No comments while placing: each says a few words about their own post-its")
        self.pending: Optional[dict] = None
        """A period being made: {"name": …, "first": year or None}."""
        self.composer = None
        self.sheet = None
        self.year_buttons: dict[int, KButton] = {}
        self.more_labels: dict[int, Label] = {}
        """Per year: "+n" over a lane whose oldest notes do not fit (the label counts them all)."""
        self.period_buttons: dict[int, KButton] = {}
        self._lanes = InstructionGroup()
        self.ids.lanes.canvas.add(self._lanes)
        self._now_label = Label(text=tr("now"), bold=True, color=theme.ACCENT)
        self.ids.marks.add_widget(self._now_label)
        for year in self.line.years:
            b = KButton(markup=True, halign="center")
            b.year = year
            b.bind(on_release=lambda btn: self.tap_year(btn.year))
            self.year_buttons[year] = b
            self.ids.marks.add_widget(b)
            more = Label(bold=True, color=theme.TEXT, opacity=0)
            self.more_labels[year] = more
            self.ids.marks.add_widget(more)
        board = self.ids.board
        board.bind(on_drop=self._dropped, size=lambda *_: self.refresh(), pos=lambda *_: self.refresh())

    # -- geometry --------------------------------------------------------------------

    def geometry(self):
        board, s = self.ids.board, self.app.s
        n = len(self.line.years)
        col_w = board.width / max(1, n)
        tray_top = TRAY_H * s
        lane_bottom = tray_top + GAP * s + YEAR_H * s + GAP * s
        lane_top = board.height - BAND_H * s - GAP * s
        return col_w, tray_top, lane_bottom, lane_top

    def year_at(self, x: float, y: float) -> Optional[int]:
        """The year whose lane (or label) a point in board coordinates is over; None: the tray."""
        col_w, tray_top, _bottom, _top = self.geometry()
        if y <= tray_top:
            return None
        i = int(max(0, min(len(self.line.years) - 1, x // max(1.0, col_w))))
        return self.line.years[i]

    # -- drawing -----------------------------------------------------------------------

    def refresh(self):
        if self.get_root_window() is None or self.app.workshop is None:
            return
        board, s = self.ids.board, self.app.s
        board.scale = s
        line = self.line
        col_w, tray_top, lane_bottom, lane_top = self.geometry()
        ox, oy = board.pos
        cards: list[Card] = []
        counts = line.counts()
        narrow = col_w < 150 * s
        for i, year in enumerate(line.years):
            x = i * col_w
            notes = line.on(year)
            rects, covered, hidden = lane_rects(len(notes), x + 4 * s, lane_bottom, lane_top, col_w - 8 * s, s)
            more = self.more_labels[year]
            if hidden:  # room at the top of the lane for "+n": the oldest that no longer show
                rects, covered, hidden = lane_rects(len(notes), x + 4 * s, lane_bottom, lane_top - 40 * s,
                                                    col_w - 8 * s, s)
                more.text = f"+{hidden}"
                more.font_size = 30 * s
                more.texture_update()
                more.size = more.texture_size
                more.pos = (ox + x + (col_w - more.width) / 2, oy + lane_top - 38 * s)
                more.opacity = 1
            else:
                more.text, more.opacity = "", 0
            shown = notes[hidden:]
            for j, (note, rect) in enumerate(zip(shown, rects)):
                cards.append(self._card(note, rect, narrow, text_h=covered if j < len(shown) - 1 else None))
            b = self.year_buttons[year]
            b.pos = (ox + x + 3 * s, oy + tray_top + GAP * s)
            b.size = (col_w - 6 * s, YEAR_H * s)
            b.font_size = min(34 * s, col_w * 0.3)
            count = counts[year]
            picking = self.pending is not None and self.pending.get("first") == year
            b.face = theme.ACCENT_DARK if picking else (theme.PANEL_HI if count else theme.PANEL)
            b.text = f"{year}\n[size={int(b.font_size * 0.8)}]{count if count else '–'}[/size]"
        unplaced = line.unplaced()
        rects, covered = fit_grid(len(unplaced), (0, 0, board.width, tray_top - 4 * s), s)
        cols = len({r[0] for r in rects}) or 1
        shown, more = overflow(unplaced, rects)
        for j, (note, rect) in enumerate(zip(shown, rects)):
            hidden = covered is not None and j + cols < len(rects)
            cards.append(self._card(note, rect, False, text_h=covered if hidden else None))
        if more:
            cards.append(more_card(rects[-1], more))
        board.set_cards(cards)
        self._draw_lanes(col_w, tray_top, lane_bottom, lane_top)
        self._draw_periods(col_w)
        placed = sum(counts.values())
        if self.pending is not None:
            name = self.pending["name"]
            self.hint = (tr("Tap the first year of “{name}”").format(name=name) if self.pending.get("first") is None
                         else tr("Now tap the last year of “{name}”").format(name=name))
        elif not line.notes():
            self.hint = tr("No post-its yet: tap “+ Write a post-it”, then drag it up onto its year")
        elif unplaced:
            self.hint = tr("{placed} on the timeline · {left} to place: drag each one up onto its year").format(
                placed=placed, left=len(unplaced))
        else:
            self.hint = tr("{placed} on the timeline · tap a year to read all its post-its").format(placed=placed)
        self.ids.period.text = tr("Cancel the period") if self.pending is not None else tr("+ Period heading")

    def _card(self, note, rect, narrow: bool, text_h=None) -> Card:
        style = self.styles.get(note.kind, Style(theme.NOTE_YELLOW, "", note.kind))
        return Card(key=note.key, text=note.text, rect=rect, colour=style.colour,
                    mark="" if narrow else style.mark, text_h=text_h)

    def _draw_lanes(self, col_w, tray_top, lane_bottom, lane_top):
        board, s = self.ids.board, self.app.s
        ox, oy = board.pos
        g = self._lanes
        g.clear()
        line = self.line
        for i, year in enumerate(line.years):
            g.add(Color(*((0.10, 0.16, 0.21, 1) if i % 2 else (0.13, 0.19, 0.25, 1))))
            g.add(Rectangle(pos=(ox + i * col_w, oy + tray_top + GAP * s), size=(col_w, board.height - tray_top - GAP * s)))
        g.add(Color(*theme.MUTED))
        g.add(Line(points=[ox, oy + lane_bottom - GAP * s / 2, ox + board.width, oy + lane_bottom - GAP * s / 2],
                   width=2 * s))
        g.add(Color(0, 0, 0, 0.25))   # the tray: a darker shelf under the line
        g.add(Rectangle(pos=(ox, oy), size=(board.width, tray_top)))
        future = line.years.index(line.base_year) + 1
        label = self._now_label
        if future < len(line.years):
            x = ox + future * col_w
            g.add(Color(*theme.ACCENT))
            g.add(Line(points=[x, oy + tray_top, x, oy + board.height], width=3 * s,
                       dash_length=12 * s, dash_offset=8 * s))
            label.font_size = 28 * s
            label.texture_update()
            label.size = label.texture_size
            label.pos = (x - label.width - 8 * s, oy + board.height - label.height - 6 * s)  # in the headings' row
            label.opacity = 1
        else:
            label.opacity = 0

    def _draw_periods(self, col_w):
        board, s = self.ids.board, self.app.s
        ox, oy = board.pos
        marks = self.ids.marks
        for b in self.period_buttons.values():
            marks.remove_widget(b)
        self.period_buttons = {}
        years = self.line.years
        rows: list[int] = []          # the last year taken in each row
        placed = []
        for p in self.line.periods():
            row = next((r for r, end in enumerate(rows) if end < p.first), None)
            if row is None:
                rows.append(p.last)
                row = len(rows) - 1
            else:
                rows[row] = p.last
            placed.append((p, row))
        n_rows = max(1, min(2, len(rows)))
        row_h = (BAND_H * s - 4 * s) / n_rows
        for p, row in placed:
            row = min(row, n_rows - 1)
            a, b_ = years.index(p.first), years.index(p.last)
            btn = KButton(text=p.name, face=theme.ACCENT_DARK, font_size=(28 if n_rows == 1 else 24) * s)
            btn.pos = (ox + a * col_w + 3 * s, oy + board.height - (row + 1) * row_h)
            btn.size = ((b_ - a + 1) * col_w - 6 * s, row_h - 4 * s)
            btn.shorten = True
            btn.period = p.id
            btn.bind(on_release=lambda w: self.tap_period(w.period))
            self.period_buttons[p.id] = btn
            marks.add_widget(btn)

    # -- fingers -------------------------------------------------------------------------

    def _dropped(self, board, key: str, x: float, y: float, target):
        year = self.year_at(x, y)
        try:
            note = self.wall.item(key)
        except Exception:
            self.refresh()
            return
        if year == note.year or (year is None and note.year not in self.line.years):
            self.refresh()
            return
        if year is None:
            self.app.act(self.line.unplace, note.id, undo=self.wall)
        else:
            self.app.act(self.line.place, note.id, year, undo=self.wall)
        self.refresh()

    def tap_year(self, year: int):
        if self.pending is None:
            self.show_year(year)
            return
        if self.pending.get("first") is None:
            self.pending["first"] = year
            self.refresh()
            return
        name, first = self.pending["name"], self.pending["first"]
        self.pending = None
        if self.app.act(self.line.add_period, name, first, year, undo=self.line) is FAILED:
            self.refresh()

    def show_year(self, year: int):
        notes = self.line.on(year)
        self.sheet = YearSheet(title=tr("{year}: {n} post-its").format(year=year, n=len(notes)))
        board = self.sheet.ids.board

        def lay(*_):
            s = self.app.s
            board.scale = s
            rects, covered = fit_grid(len(notes), (0, 0, board.width, board.height), s)
            cols = len({r[0] for r in rects}) or 1
            shown, more = overflow(notes, rects)
            board.set_cards([Card(key=n.key, text=n.text, rect=r, draggable=False,
                                  colour=self.styles.get(n.kind, Style(theme.NOTE_YELLOW, "", "")).colour,
                                  text_h=covered if covered is not None and j + cols < len(rects) else None)
                             for j, (n, r) in enumerate(zip(shown, rects))]
                            + ([more_card(rects[-1], more)] if more else []))
        board.bind(size=lay)
        self.sheet.open()
        lay()

    def tap_period(self, period_id: int):
        p = next((p for p in self.line.periods() if p.id == period_id), None)
        if p is None:
            return
        self.app.confirm(tr("Take away the heading “{name}”?").format(name=escape_markup(p.name)), tr("Take away"),
                         lambda: self.app.act(self.line.remove_period, period_id, undo=self.line))

    def period(self):
        """+ Period heading: the name first, then two years; tapped again while picking, it cancels."""
        if self.pending is not None:
            self.pending = None
            self.refresh()
            return

        def named(text: str) -> bool:
            from kiosk.core.timeline import clean_period_name
            from kiosk.core.wall import WallError
            from kiosk.ui import messages

            try:
                name = clean_period_name(text)
            except WallError as e:
                self.app.say(messages.refusal(e.reason), "error")
                return False
            self.pending = {"name": name, "first": None}
            self.refresh()
            return True
        self.composer = Composer(on_save=named, title=tr("Name of the period"), limit=40,
                                 colour=theme.ACCENT)
        self.composer.open()

    def write(self):
        def add(text: str) -> bool:
            return self.app.act(self.line.write, self.kind, text, undo=self.wall) is not FAILED
        style = self.styles.get(self.kind)
        self.composer = Composer(on_save=add, title=style.title if style else tr("A post-it"),
                                 colour=style.colour if style else theme.NOTE_YELLOW)
        self.composer.open()


View = TimelineView
