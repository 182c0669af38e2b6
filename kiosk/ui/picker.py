"""Pick a method: big cards with its length, group size, meetings and when to use it.

The when-line is shown in the kiosk's language (``Method.when_for``). A wall of 12–15
methods scrolls by a finger's drag, and the ▲ / ▼ buttons page it for those who do
not know a wall can be swiped; there is no scroll bar to aim at.

The common case comes first (``kiosk.core.method_order``: the Trivselsdialog, then
what this kiosk has run most). The list shows whole rows only: the cards are made
as tall as fills the view with a whole number of rows, ▲ / ▼ page by those rows,
and a swipe comes to rest on a row, so no card is ever cut in half at the edge.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView
from kivy.utils import escape_markup

from kiosk.core.method_order import ordered, uses
from kiosk.i18n import LANGUAGES, tr
from kiosk.store import StoreError
from kiosk.ui.widgets import KButton


def duration(minutes: float) -> str:
    h, m = divmod(int(round(minutes)), 60)
    if h and m:
        return tr("{h} h {m} min").format(h=h, m=m)
    return tr("{h} h").format(h=h) if h else tr("{m} min").format(m=m)


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


class FingerScroll(ScrollView):
    """A ScrollView for several hands at once.

    Kivy's ScrollView follows one finger: a second finger landing while the first is
    down becomes the one it follows, and the first finger's tap is lost. Here a finger
    that lands while another is down goes straight to what it touches (a button takes
    it as its own tap), and the first finger keeps its tap or its scroll.
    """

    def on_touch_down(self, touch):
        if self._touch and self._touch is not touch:
            if not self.collide_point(*touch.pos):
                return False
            touch.ud[self._extra_key()] = True
            return self.simulate_touch_down(touch)
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if touch.ud.get(self._extra_key()):
            touch.push()
            touch.apply_transform_2d(self.to_local)
            done = super(ScrollView, self).on_touch_up(touch)  # to the children, not the scrolling
            touch.pop()
            return done
        return super().on_touch_up(touch)

    def _extra_key(self) -> str:
        return f"fingerscroll.{self.uid}"


def paging(scroll, content) -> tuple[bool, bool]:
    """(can page up, can page down) of a ScrollView over ``content``."""
    over = content.height - scroll.height
    return over > 1 and scroll.scroll_y < 0.999, over > 1 and scroll.scroll_y > 0.001


def page(scroll, content, direction: int) -> None:
    """Scroll one screenful up (+1) or down (−1), keeping a fifth of it in view."""
    over = content.height - scroll.height
    if over > 0:
        effect = scroll.effect_y
        if effect is not None:  # a list still gliding from a swipe stops where the page goes
            effect.velocity = 0
        step = max(1.0, scroll.height * 0.8) / over
        scroll.scroll_y = min(1.0, max(0.0, scroll.scroll_y + direction * step))
        if effect is not None:
            scroll._update_effect_y_bounds()  # the effect starts from the new place


def row_offset(scroll, content) -> float:
    """How far (px) the view is scrolled down from the top of ``content``."""
    return (1.0 - scroll.scroll_y) * max(0.0, content.height - scroll.height)


def show_row(scroll, content, row: float, row_h: float) -> None:
    """Scroll so that row number ``row`` (0: the first) is at the top of the view, within
    the list's ends, and stop a glide (a list still gliding from a swipe stops there)."""
    over = content.height - scroll.height
    if over <= 0 or row_h <= 0:
        return
    last = round(over / row_h)  # the view holds a whole number of rows: the end is a row too
    target = min(max(0, int(round(row))), last) * row_h
    effect = scroll.effect_y
    if effect is not None:
        effect.velocity = 0
    scroll.scroll_y = min(1.0, max(0.0, 1.0 - target / over))
    if effect is not None:
        scroll._update_effect_y_bounds()  # the effect starts from the new place


class MethodCard(KButton):
    method = ObjectProperty(None)


class PickerScreen(Screen):
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
        self._even = Clock.create_trigger(self.even_out)
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
        self._settle = Clock.schedule_interval(self._settle_check, 0.05)

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
