"""Pick a method: big cards with its length, group size, meetings and when to use it.

The when-line is shown in the kiosk's language (``Method.when_for``). A wall of 12–15
methods scrolls by a finger's drag, and the ▲ / ▼ buttons page it for those who do
not know a wall can be swiped; there is no scroll bar to aim at.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView
from kivy.utils import escape_markup

from kiosk.i18n import LANGUAGES, tr
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


class MethodCard(KButton):
    method = ObjectProperty(None)


class PickerScreen(Screen):
    can_up = BooleanProperty(False)
    can_down = BooleanProperty(False)
    count_text = StringProperty("")
    card_height = NumericProperty(270)
    """Every card as tall as the tallest, so the rows line up."""

    def __init__(self, **kw):
        super().__init__(**kw)
        app = App.get_running_app()
        app.bind(lang=self._redraw, s=self._redraw)
        self._even = Clock.create_trigger(self.even_out)

    def even_out(self, *args):
        app = App.get_running_app()
        cards = self.ids.grid.children
        tallest = max((c.texture_size[1] for c in cards), default=0)
        self.card_height = max(270 * app.s, tallest + 64 * app.s)

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
        for method in sorted(app.methods, key=lambda m: (m.title.casefold(), m.id)):
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
        page(self.ids.scroll, self.ids.grid, direction)
        self.update_paging()

    def card_for(self, method_id: str):
        """The card of a method, scrolled into view (for tools and tests that tap it)."""
        card = next(c for c in self.ids.grid.children if c.method.id == method_id)
        self.ids.scroll.scroll_to(card, padding=0, animate=False)
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
