"""Home: start a workshop, go back into the running one, or continue a session that
waits for its next meeting (dialogverksted, APU: two meetings weeks apart).

The statuspil board is the idle screen; its "Start a workshop" brings the facilitator
here when a session waits (else straight to the method picker). Each waiting session
is one big button, "Continue <team> — meeting 2" with the agreed day; a tap asks
first (opening the meeting cannot be taken back with Undo) and then opens the same
session, its wall and its actions, at the first step of the next meeting. With the
data folder unusable this screen only says so (``fatal``).

A session prepared ahead of its workshop (the trio's notes typed in, see prepare.py)
waits for its first meeting: its button says "Start the workshop: <team>" with how many
post-its are prepared, and a smaller "Edit post-its" beside it opens the prepare screen
again until the workshop starts.
"""

from __future__ import annotations

import time

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk.core.activities.actions import today
from kiosk.core.workshop import Waiting, waiting_sessions
from kiosk.i18n import tr
from kiosk.store import StoreError
from kiosk.ui import theme
from kiosk.ui.screen import KioskScreen
from kiosk.ui.text import meeting_day
from kiosk.ui.widgets import KButton, sym

WAITING_SHOWN = 4
"""Continue buttons at most (the soonest meetings); more sessions waiting at once is rare."""


class HomeScreen(KioskScreen):
    clock_text = StringProperty("")
    date_text = StringProperty("")
    fatal = StringProperty("")
    """Set when the kiosk cannot work at all (locked or unwritable data)."""
    has_waiting = BooleanProperty(False)
    """Sessions wait for their next meeting: their Continue buttons are shown."""
    any_started = BooleanProperty(True)
    """False when every waiting session is only prepared (the heading says so)."""

    def on_pre_enter(self, *args):
        self.tick()
        self.refresh()

    def tick(self):
        now = time.localtime(App.get_running_app().clock.now())
        self.clock_text = time.strftime("%H:%M", now)
        self.date_text = time.strftime("%d.%m.%Y", now)

    def show_fatal(self, text: str):
        self.fatal = text

    # -- the sessions waiting for their next meeting -------------------------------------

    def waiting(self) -> list[Waiting]:
        app = App.get_running_app()
        if app.store is None or app.workshop is not None:
            return []  # no data; or a workshop runs (end it before another meeting opens)
        try:
            return waiting_sessions(app.store)
        except StoreError:
            return []

    def refresh(self):
        box = self.ids.waiting
        box.clear_widgets()
        for name in [n for n in self.ids if n.startswith(("continue_", "edit_"))]:
            del self.ids[name]
        app = App.get_running_app()
        waiting = self.waiting()
        self.has_waiting = bool(waiting)
        self.any_started = any(w.started for w in waiting) or not waiting
        day = today(app.clock)
        for i, w in enumerate(waiting[:WAITING_SHOWN]):
            if w.started:
                head = tr("Continue {team} — meeting {n}").format(team=w.team, n=w.meeting)
                under = f"{w.method_title} · {meeting_day(w.date, day)}"
            else:
                head = tr("Start the workshop: {team}").format(team=w.team)
                count = (tr("1 post-it prepared") if w.prepared == 1
                         else tr("{n} post-its prepared").format(n=w.prepared))
                under = f"{w.method_title} · {count}"
            text = (f"{sym('▶')} " + escape_markup(head) + f"\n[size={int(theme.SMALL * app.s)}]"
                    + escape_markup(under) + "[/size]")
            b = KButton(text=text, markup=True, face=theme.GO, height=140 * app.s, font_size=40 * app.s,
                        halign="center")
            b.bind(size=lambda btn, size: setattr(btn, "text_size", (size[0] - 40 * app.s, None)))
            b.waiting = w
            b.bind(on_release=lambda btn: self.ask_continue(btn.waiting))
            self.ids[f"continue_{i}"] = b  # named, so an outside test (the probe) finds it
            if w.started:
                box.add_widget(b)
                continue
            row = BoxLayout(size_hint_y=None, height=b.height, spacing=20 * app.s)
            b.bind(height=row.setter("height"))  # the row is as tall as its buttons, whatever they get
            edit = KButton(text=f"{sym('✎')}  " + escape_markup(tr("Edit post-its")), markup=True,
                           face=theme.ACCENT_DARK, size_hint_x=None, width=300 * app.s, font_size=36 * app.s)
            edit.waiting = w
            edit.bind(on_release=lambda btn: self.edit_prepared(btn.waiting))
            self.ids[f"edit_{i}"] = edit
            row.add_widget(b)
            row.add_widget(edit)
            box.add_widget(row)

    def continue_buttons(self) -> list:
        """The Continue (or Start) buttons, top first (for tests)."""
        out = []
        for child in reversed(self.ids.waiting.children):
            out.append(child if isinstance(child, KButton) else child.children[-1])
        return out

    def edit_buttons(self) -> list:
        """The "Edit post-its" buttons of the sessions not started yet, top first."""
        return [child.children[0] for child in reversed(self.ids.waiting.children)
                if not isinstance(child, KButton)]

    def edit_prepared(self, w: Waiting):
        """Back into the prepare screen for a session that has not started."""
        app = App.get_running_app()
        if app.screen("prepare").open(w.session_id):
            app.show("prepare")
        else:
            self.refresh()  # it started or went meanwhile: show what is true now

    def ask_continue(self, w: Waiting):
        app = App.get_running_app()
        if not w.started:
            app.confirm(tr("Start the workshop of {team} now? Its prepared post-its are on the wall.").format(
                team=w.team), tr("Start the workshop"),
                lambda: app.continue_meeting(w.session_id) or self.refresh(), face=theme.GO)
            return
        app.confirm(tr("Open meeting {n} of {team} now? The same wall and the same actions, its timers fresh.").format(
            n=w.meeting, team=w.team), tr("Open meeting {n}").format(n=w.meeting),
            lambda: app.continue_meeting(w.session_id) or self.refresh(), face=theme.GO)

    # -- the running workshop, starting, leaving ------------------------------------------

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

    def board(self):
        app = App.get_running_app()
        app.show(app.idle_screen())

    def menu(self):
        App.get_running_app().screen("pin").ask(then="settings")
