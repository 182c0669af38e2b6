"""``timeline``: the history workshop's line of years (core: ``kiosk.core.activities.timeline``).

The years run left to right as tall lanes, each with its year as a big label
under it (with how many post-its it holds), so 5–15 years read from across the
room. Post-its not placed yet wait in the tray along the bottom: a finger drags
one up onto a year (or back down to take it off). A year with more notes than
its lane can show fans them (each keeps its first line in sight); a tap on the
year shows all its notes large. Period headings run over the years at the top:
*+ Period* asks for the name on the big keyboard, then for the first and the
last year (two taps); a tap on a heading offers to take it away. Overlapping
headings stack in rows of their own (``kiosk.core.activities.timeline.period_rows``; at most
three cover one year: 80 px for one row, 64 for two, 52 for three), above the lanes
and never over them; a year's lane reaches up to the lowest heading over it. In the
past-and-future variant a dashed line with "now" marks where the future starts.
The rule for this step (no comments while placing) stays in sight at the top.

Lane notes are fitted like every card on the wall (``kiosk.ui.text.fit_text``:
hyphenated where a line ends, "…" where the card is full). Their text is 28 px
(at 1080p) where a lane has the room; where many years share the width it gets
as small as it must for an eight-letter word to fit a line, never below 22 px
(``lane_text_px``): 28 px at 10 years, 22 px at 15 on a 1080p wall.
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

from kiosk.core.activities.timeline import Timeline
from kiosk.i18n import tr
from kiosk.ui import messages, theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import LINE_H, fit_grid, heading_size, more_card, overflow, style_of
from kiosk.ui.act import FAILED
from kiosk.ui.widgets.board import MARK_W, PAD, Card, NoteBoard  # noqa: F401  (kv)
from kiosk.ui.text import hyphenate
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.widgets import KButton

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

TRAY_H = 150
TRAY_EMPTY_H = 80
"""With every post-it placed the tray is only where one is dragged to take it off
again: the lanes and headings get the room (headings come last in the step)."""
YEAR_H = 84
GAP = 8
CARD_LINES = 3
ROW_H = (80, 64, 52)
"""A heading row's height at 1080p when the headings need one, two or three rows: a
finger's 80 px while there is one row, and still a row each for three (the lanes keep
room for a post-it). More rows than three (stored before the rule) share the room of three."""
ROW_GAP = 4
NOW_H = 40
"""The strip over the headings where "now" stands in the past-and-future variant."""
LANE_INSET = 2
"""Room each side of a lane's cards: the lanes' alternating shades keep them apart."""
LANE_MIN_PX = 22
FIT_WORD = "kolleger"
"""An everyday eight-letter word that a lane's line should hold whole (lane_text_px)."""
EVENT = "event"
"""The kind of a post-it written here when the method has no write step."""


def lane_rects(n: int, x: float, bottom: float, top: float, width: float, scale: float
               ) -> tuple[list[tuple[float, float, float, float]], Optional[float], int]:
    """Rects for n notes stacked down from the top of one year's lane.

    Returns (rects of the notes shown, text height in sight on a covered card or
    None, how many of the oldest are left out because even fanned they would not
    fit). The newest note is always shown whole at the bottom of the fan: three lines
    of it, or two in a lane too short for three and the first lines of two more.
    """
    if n == 0:
        return [], None, 0
    gap = GAP * scale
    room = top - bottom
    least = (PAD + LINE_H + 4) * scale          # a covered card keeps its first line
    full = (2 * PAD + CARD_LINES * LINE_H) * scale
    if n * full + (n - 1) * gap > room and full + min(n - 1, 2) * least > room:
        full = (2 * PAD + 2 * LINE_H) * scale
    h = min(full, room)
    if n * h + (n - 1) * gap <= room:
        return [(x, top - (i + 1) * h - i * gap, width, h) for i in range(n)], None, 0
    fits = max(1, int((room - h) // least) + 1)
    shown = min(n, fits)
    step = (room - h) / (shown - 1) if shown > 1 else 0
    rects = [(x, top - h - i * step, width, h) for i in range(shown)]
    return rects, max(0.0, step - PAD * scale), n - shown


def lane_text_px(card_w: float, scale: float, mark: bool = False) -> int:
    """The text size (px at 1080p) of the notes in a lane whose cards are ``card_w`` wide.

    The wall's 28 px where a line holds an eight-letter word whole; smaller, a pixel at a
    time, where it does not (15 years side by side), but never below LANE_MIN_PX. The
    card's padding (and mark) shrink with its text.
    """
    for px in range(theme.NOTE, LANE_MIN_PX - 1, -1):
        f = px / theme.NOTE
        body = card_w - 2 * PAD * scale * f - (MARK_W * scale * f if mark else 0)
        if hyphenate(FIT_WORD, body - 1, px * scale) == FIT_WORD:
            return px
    return LANE_MIN_PX


def band_layout(n_rows: int, future: bool) -> tuple[float, float, float]:
    """(band height, row height, top strip for "now") at 1080p for this many heading rows."""
    now = NOW_H if future else 0
    if n_rows == 0:
        return float(now), 0.0, float(now)
    if n_rows <= len(ROW_H):
        row = ROW_H[n_rows - 1]
    else:  # more rows than the rule allows: they share the room of the most it allows
        most = len(ROW_H) * ROW_H[-1] + (len(ROW_H) - 1) * ROW_GAP
        row = (most - (n_rows - 1) * ROW_GAP) / n_rows
    return now + n_rows * row + (n_rows - 1) * ROW_GAP, float(row), float(now)


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
        self._tray_label = Label(text=tr("Drag a post-it down here to take it off the timeline"),
                                 color=theme.MUTED, halign="center", valign="middle", opacity=0)
        self.ids.marks.add_widget(self._tray_label)
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

    @property
    def future(self) -> bool:
        """The past-and-future variant: years after this one are on the line."""
        return self.line.years[-1] > self.line.base_year

    def band(self) -> tuple[float, float, float, int]:
        """The headings' band at the top of the board: (height, row height, strip for
        "now" over the rows, rows), in pixels."""
        s = self.app.s
        rows = self.line.period_rows()
        n_rows = max(rows.values()) + 1 if rows else 0
        height, row, now = band_layout(n_rows, self.future)
        return height * s, row * s, now * s, n_rows

    def geometry(self):
        board, s = self.ids.board, self.app.s
        n = len(self.line.years)
        col_w = board.width / max(1, n)
        tray_top = (TRAY_H if self.line.unplaced() else TRAY_EMPTY_H) * s
        lane_bottom = tray_top + GAP * s + YEAR_H * s + GAP * s
        band_h = self.band()[0]
        lane_top = board.height - band_h - (GAP * s if band_h else 0)
        return col_w, tray_top, lane_bottom, lane_top

    def lane_tops(self) -> dict[int, float]:
        """Where each year's lane ends at the top (board coordinates): under the lowest
        heading over that year, so a year no heading covers keeps the band's room."""
        board, s = self.ids.board, self.app.s
        _h, row_h, now_h, _n = self.band()
        rows = self.line.period_rows()
        deepest = {y: -1 for y in self.line.years}
        for p in self.line.periods():
            for y in range(p.first, p.last + 1):
                if y in deepest:
                    deepest[y] = max(deepest[y], rows[p.id])
        tops = {}
        for y, row in deepest.items():
            used = now_h + (row + 1) * row_h + max(0, row) * ROW_GAP * s
            tops[y] = board.height - used - (GAP * s if used else 0)
        return tops

    def heading_rect(self, period, row: int) -> tuple[float, float, float, float]:
        """A heading's rect in board coordinates: over its years, in its row of the band."""
        board, s = self.ids.board, self.app.s
        col_w = self.geometry()[0]
        _h, row_h, now_h, _n = self.band()
        years = self.line.years
        a, b = years.index(period.first), years.index(period.last)
        top = board.height - now_h - row * (row_h + ROW_GAP * s)
        return (a * col_w + 3 * s, top - row_h, (b - a + 1) * col_w - 6 * s, row_h)

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
        scales: dict[str, float] = {}
        counts = line.counts()
        narrow = col_w < 150 * s
        card_w = col_w - 2 * LANE_INSET * s
        px = lane_text_px(card_w, s, mark=not narrow and any(st.mark for st in self.styles.values()))
        self.lane_px = px
        f = px / theme.NOTE
        tops = self.lane_tops()
        for i, year in enumerate(line.years):
            x = i * col_w + LANE_INSET * s
            lane_top = tops[year]
            notes = line.on(year)
            rects, covered, hidden = lane_rects(len(notes), x, lane_bottom, lane_top, card_w, s * f)
            more = self.more_labels[year]
            if hidden:  # room at the top of the lane for "+n": the oldest that no longer show
                rects, covered, hidden = lane_rects(len(notes), x, lane_bottom, lane_top - 40 * s, card_w, s * f)
                more.text = f"+{hidden}"
                more.font_size = 30 * s
                more.texture_update()
                more.size = more.texture_size
                more.pos = (ox + i * col_w + (col_w - more.width) / 2, oy + lane_top - 38 * s)
                more.opacity = 1
            else:
                more.text, more.opacity = "", 0
            shown = notes[hidden:]
            for j, (note, rect) in enumerate(zip(shown, rects)):
                cards.append(self._card(note, rect, narrow, text_h=covered if j < len(shown) - 1 else None))
                scales[note.key] = f
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
        board.text_scales = scales
        board.set_cards(cards)
        self._draw_lanes(col_w, tray_top, lane_bottom)
        self._draw_periods(col_w)
        tray = self._tray_label  # an empty tray says what it is for
        tray.opacity = 0 if unplaced else 1
        tray.font_size = theme.SMALL * s
        tray.pos, tray.size = (ox, oy), (board.width, tray_top)
        tray.text_size = tray.size
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
        style = style_of(self.styles, note.kind)
        return Card(key=note.key, text=note.text, rect=rect, colour=style.colour,
                    mark="" if narrow else style.mark, text_h=text_h)

    def _draw_lanes(self, col_w, tray_top, lane_bottom):
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
            now_h = NOW_H * s  # in its strip over the headings' rows
            label.pos = (x - label.width - 8 * s, oy + board.height - now_h + (now_h - label.height) / 2)
            label.opacity = 1
        else:
            label.opacity = 0

    def _draw_periods(self, col_w):
        """One button per heading, over its years in its own row: overlapping headings
        stack (``period_rows``), none over another or over the lanes."""
        board, s = self.ids.board, self.app.s
        ox, oy = board.pos
        marks = self.ids.marks
        for b in self.period_buttons.values():
            marks.remove_widget(b)
        self.period_buttons = {}
        rows = self.line.period_rows()
        row_h = self.band()[1]
        for p in self.line.periods():
            x, y, w, h = self.heading_rect(p, rows[p.id])
            # 28 px where the name fits its years, down to 22 px in a narrow one; "…" past that
            size = min(heading_size(p.name, w - 10 * s, s, big=theme.NOTE, least=LANE_MIN_PX), row_h - 20 * s)
            btn = KButton(text=p.name, face=theme.ACCENT_DARK, shorten=True)
            btn.pos, btn.size = (ox + x, oy + y), (w, h)  # after the kv rule's height and font
            btn.font_size, btn.text_size = size, (w - 10 * s, None)  # a one-year heading needs its width
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
        if self.line.crowded(first, year):  # the rule is the core's (add_period refuses too)
            self.pending["first"] = None         # pick both years again (or cancel)
            self.refresh()
            self.app.say(messages.refusal("period_crowded"), "error")
            return
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
                                  colour=style_of(self.styles, n.kind).colour,
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
            from kiosk.core.activities.timeline import clean_period_name
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
