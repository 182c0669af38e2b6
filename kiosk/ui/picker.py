"""Pick a method: big cards with its length, group size, meetings and when to use it.

The when-line is shown in the kiosk's language (``Method.when_for``). A wall of 12–15
methods scrolls by a finger's drag, and the ▲ / ▼ buttons page it for those who do
not know a wall can be swiped; there is no scroll bar to aim at.

The common case comes first (``kiosk.core.method_order``: the Trivselsdialog, the
Dialogverksted on a Norwegian kiosk, then
what this kiosk has run most). The list shows whole rows only: the cards are made
as tall as fills the view with a whole number of rows, ▲ / ▼ page by those rows,
and a swipe comes to rest on a row, so no card is ever cut in half at the edge.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.utils import escape_markup

from kiosk.core.method_order import ordered, uses
from kiosk.i18n import LANGUAGES, tr
from kiosk.store import StoreError
from kiosk.ui.screen import KioskScreen
from kiosk.ui.text import duration
from kiosk.ui.later import guarded
from kiosk.ui.widgets import KButton
from kiosk.ui.widgets.scroll import FingerScroll, paging, row_offset, show_row  # noqa: F401  (FingerScroll: picker.kv)


def length_text(method) -> str:
    """'2 h 30 min', or per meeting: '2 meetings: 2 h + 2 h 15 min'."""
    if method.meetings <= 1:
        return duration(method.minutes)
    per = [sum(s.minutes for s in method.steps if s.meeting == n) for n in range(1, method.meetings + 1)]
    return tr("{n} meetings").format(n=method.meetings) + ": " + " + ".join(duration(m) for m in per)


def facts(method) -> list[str]:
    out = [length_text(method)]
    if method.group_size:
        group = tr("Group: {size}").format(size=method.group_size)
        head, _, tail = group.rpartition(" ")  # no lone word ("4") on a line of its own
        out.append(f"{head}\u00a0{tail}" if head else group)
    return out


class MethodCard(KButton):
    method = ObjectProperty(None)


class PickerScreen(KioskScreen):
    can_up = BooleanProperty(False)
    can_down = BooleanProperty(False)
    count_text = StringProperty("")
    card_height = NumericProperty(270)
    """Every card as tall as the tallest, so the rows line up."""

    rows_per_page = NumericProperty(1)
    """Whole rows of cards the view shows: what ▲ / ▼ move by."""

    def __init__(self, **kw):
        super().__init__(**kw)
        app = App.get_running_app()
        app.bind(lang=self._redraw, s=self._redraw)
        self._even = Clock.create_trigger(guarded(self.even_out))  # not after the app stopped
        self._settle = None
        self.ids.scroll.bind(height=lambda *_: self._even(), on_scroll_stop=lambda *_: self.snap_soon())

    def even_out(self, *args):
        """Every card as tall as the tallest needs, and then taller, so that the view holds
        a whole number of rows exactly: paging by rows never leaves a card cut at the edge."""
        app = App.get_running_app()
        cards = self.ids.grid.children
        tallest = max((c.texture_size[1] for c in cards), default=0)
        need = max(270 * app.s, tallest + 40 * app.s)  # 20 px above and below the text at least
        view, gap = self.ids.scroll.height, self.ids.grid.spacing[1]
        rows = max(1, int((view + gap) // (need + gap)))
        self.rows_per_page = rows
        self.card_height = max(need, (view - (rows - 1) * gap) / rows)

    @property
    def row_h(self) -> float:
        return self.card_height + self.ids.grid.spacing[1]

    def _redraw(self, *args):
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def on_pre_enter(self, *args):
        self.refresh()

    def refresh(self):
        app = App.get_running_app()
        grid = self.ids.grid
        grid.clear_widgets()
        # the cards are kept between visits: a new card each time left its kv bindings
        # (to app.s, app.lang) behind on the app, a little more on every visit
        cards = getattr(self, "_cards", {})
        self._cards = {}
        for method in self.in_order(app):
            card = cards.get(method.id)
            if card is None or card.method is not method:
                card = Factory.MethodCard(method=method)
            card.text = self.card_text(method)
            self._cards[method.id] = card
            grid.add_widget(card)
        self.ids.empty.opacity = 0 if app.methods else 1
        n = len(app.methods)
        self.count_text = tr("{n} methods").format(n=n) if n > 1 else ""
        self.ids.scroll.scroll_y = 1
        self.update_paging()

    @staticmethod
    def in_order(app) -> list:
        """The methods, the common case first (kiosk.core.method_order); how often each was
        run comes from the store's sessions, and a store that cannot say leaves that out."""
        try:
            used = uses(app.store.list_sessions()) if app.store is not None else {}
        except (StoreError, OSError):
            used = {}
        return ordered(app.methods, app.lang, used)

    def card_text(self, m) -> str:
        app = App.get_running_app()
        s = app.s
        line = m.when_for(app.lang)
        lang = LANGUAGES.get(m.language, m.language).upper()
        return (f"[size={int(46 * s)}][b]{escape_markup(m.title)}[/b][/size]"
                f"   [size={int(28 * s)}][color=#bdc9d4]{escape_markup(lang)}[/color][/size]\n"
                f"[size={int(12 * s)}] [/size]\n"
                f"[b]{escape_markup('  ·  '.join(facts(m)))}[/b]\n"
                f"[size={int(12 * s)}] [/size]\n"
                f"[color=#d0dae2]{escape_markup(line)}[/color]")

    # -- paging for those who do not swipe -------------------------------------------

    def update_paging(self, *args):
        self.can_up, self.can_down = paging(self.ids.scroll, self.ids.grid)

    def page(self, direction: int):
        """Up (+1) or down (−1) by the whole rows the view holds."""
        scroll, grid = self.ids.scroll, self.ids.grid
        row = round(row_offset(scroll, grid) / self.row_h) - direction * self.rows_per_page
        show_row(scroll, grid, row, self.row_h)
        self.update_paging()

    def snap(self, *args):
        """Bring a list a swipe left between two rows to rest on the nearest row."""
        scroll, grid = self.ids.scroll, self.ids.grid
        show_row(scroll, grid, row_offset(scroll, grid) / self.row_h, self.row_h)
        self.update_paging()

    def snap_soon(self):
        """After a finger lets go, snap once the glide has all but stopped."""
        if self._settle is not None:
            self._settle.cancel()
        self._settle = Clock.schedule_interval(guarded(self._settle_check, self), 0.05)

    def _settle_check(self, dt):
        scroll = self.ids.scroll
        effect = scroll.effect_y
        if scroll._touch is not None:
            return None  # a finger is on the list again: wait for it
        if effect is not None and abs(effect.velocity) > 40 * App.get_running_app().s:
            return None
        self._settle = None
        self.snap()
        return False

    def card_for(self, method_id: str):
        """The card of a method, scrolled into view (for tools and tests that tap it)."""
        card = next(c for c in self.ids.grid.children if c.method.id == method_id)
        scroll, grid = self.ids.scroll, self.ids.grid
        rows = max(1, int(self.rows_per_page))
        index = list(reversed(grid.children)).index(card) // max(1, grid.cols)
        top = round(row_offset(scroll, grid) / self.row_h)
        if not top <= index < top + rows:  # not in sight: its row at the top
            show_row(scroll, grid, index, self.row_h)
        self.update_paging()
        return card

    # -- intents ----------------------------------------------------------------------

    def pick(self, method):
        app = App.get_running_app()
        if self.manager is None or self.manager.current != self.name:
            return  # another finger picked a method a moment ago: the first one counts
        app.screen("team").prepare(method)
        app.show("team")

    def back(self):
        app = App.get_running_app()
        app.show(app.idle_screen())
