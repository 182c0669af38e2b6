"""Name the team, then start: the last screen before the workshop runs."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.core.session import TEAM_MAX
from kiosk.ui import keyboard  # noqa: F401  (registers the keyboard's kv rules)


class TeamScreen(Screen):
    method = ObjectProperty(None, allownone=True)
    counter = StringProperty("")

    def prepare(self, method):
        self.method = method
        self.ids.name.text = ""

    def on_enter(self, *args):
        self.ids.name.focus = True

    def name_changed(self, text: str):
        if len(text) > TEAM_MAX:  # keep the field honest: the counter never lies
            self.ids.name.text = text[:TEAM_MAX]
            return
        self.counter = f"{len(text)}/{TEAM_MAX}"

    def start(self):
        app = App.get_running_app()
        app.start_workshop(self.method, self.ids.name.text)

    def back(self):
        App.get_running_app().show("picker")
