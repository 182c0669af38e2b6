"""The idle screen: the clock, start a workshop, or go back into the running one.

(The statuspil board takes this place when actions exist; see the statuspil issue.)
"""

from __future__ import annotations

import time

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.i18n import tr


class HomeScreen(Screen):
    clock_text = StringProperty("")
    date_text = StringProperty("")
    fatal = StringProperty("")
    """Set when the kiosk cannot work at all (locked or unwritable data)."""

    def on_pre_enter(self, *args):
        self.tick()

    def tick(self):
        now = time.localtime(App.get_running_app().clock.now())
        self.clock_text = time.strftime("%H:%M", now)
        self.date_text = time.strftime("%d.%m.%Y", now)

    def show_fatal(self, text: str):
        self.fatal = text

    def resume_text(self, workshop, _rev, _lang) -> str:
        if workshop is None:
            return ""
        s = workshop.session
        phases = s.method.phases()
        n = next(i for i, p in enumerate(phases, start=1) if s.step in p.steps)
        return tr("Continue: {team} — {method}, step {n} of {total}").format(
            team=s.team, method=s.method.title, n=n, total=len(phases))

    def start(self):
        App.get_running_app().show("picker")

    def resume(self):
        App.get_running_app().show("workshop")

    def menu(self):
        App.get_running_app().screen("pin").ask(then="settings")
