"""Pick a method: each shown with its length, group size and when to use it."""

from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen
from kivy.utils import escape_markup

from kiosk.i18n import tr
from kiosk.ui.widgets import KButton


def duration(minutes: float) -> str:
    h, m = divmod(int(round(minutes)), 60)
    if h and m:
        return tr("{h} h {m} min").format(h=h, m=m)
    return tr("{h} h").format(h=h) if h else tr("{m} min").format(m=m)


class MethodCard(KButton):
    method = ObjectProperty(None)


class PickerScreen(Screen):
    def on_pre_enter(self, *args):
        self.refresh()

    def refresh(self):
        app = App.get_running_app()
        grid = self.ids.grid
        grid.clear_widgets()
        for method in sorted(app.methods, key=lambda m: m.title.lower()):
            grid.add_widget(Factory.MethodCard(method=method, text=self.card_text(method)))
        self.ids.empty.opacity = 0 if app.methods else 1

    def card_text(self, m) -> str:
        meetings = tr("{n} meetings").format(n=m.meetings) if m.meetings > 1 else ""
        facts = " · ".join(x for x in (duration(m.minutes), m.group_size, meetings) if x)
        return (f"[size={int(46 * App.get_running_app().s)}]{escape_markup(m.title)}[/size]\n"
                f"[b]{escape_markup(facts)}[/b]\n{escape_markup(m.summary)}")

    def pick(self, method):
        app = App.get_running_app()
        app.screen("team").prepare(method)
        app.show("team")

    def back(self):
        app = App.get_running_app()
        app.show(app.idle_screen())
