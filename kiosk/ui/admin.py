"""The admin side, behind the PIN: language, chime, PIN, delete a waiting session, end the
workshop, leave kiosk mode."""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.core.activities.actions import today
from kiosk.core import pin as pin_rule
from kiosk.core.pin import PinGuard
from kiosk.core.refusal import Refusal
from kiosk.core.settings import DEFAULT_PIN, PIN_MAX, SettingsError, check_new_pin
from kiosk.core.workshop import Waiting, Workshop, session_contents, waiting_sessions
from kiosk.store import StoreError
from kiosk.i18n import LANGUAGES, tr
from kiosk.ui import messages, theme
from kiosk.ui.act import FAILED
from kiosk.ui.screen import KioskScreen
from kiosk.ui.text import meeting_day
from kiosk.ui.widgets import KButton, keyboard, sym  # noqa: F401  (the keyboard's kv rules: the Wi-Fi sheet)

log = logging.getLogger("kiosk")


class PinKey(KButton):
    key = StringProperty("")


class PinScreen(KioskScreen):
    entered = StringProperty("")
    message = StringProperty("")
    mode = StringProperty("check")
    """'check' the admin PIN, or type a 'new' one and 'confirm' it."""
    wait = StringProperty("")
    """The countdown ('0:30') while wrong PINs keep the pad shut; '' when it is open."""
    locked = BooleanProperty(False)
    """The keys are off while the pad is shut (kiosk.core.pin)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.then = self.back_to = ""
        self._new = ""
        self.forced = False
        """The PIN typed was the published default: a new one first, then ``then``."""
        self._guard: PinGuard | None = None

    # -- the back-off (kiosk.core.pin) ----------------------------------------------

    def guard(self) -> PinGuard:
        """The screen's copy is the truth while the kiosk runs (so a write that failed,
        e.g. on a full disk, still counts); it is read from kiosk.json once."""
        if self._guard is None:
            app = App.get_running_app()
            try:
                self._guard = pin_rule.load(app.store) if app.store is not None else PinGuard()
            except StoreError:
                self._guard = PinGuard()
        return self._guard

    def _keep(self, guard: PinGuard) -> None:
        """Keep the new guard, on disk before the screen shows it; a failed write is
        logged and the guard still holds until the kiosk restarts."""
        self._guard = guard
        app = App.get_running_app()
        if app.store is None:
            return
        try:
            pin_rule.save(app.store, guard)
        except StoreError as e:
            log.error("the PIN back-off could not be saved: %s", e)

    def tick(self):
        """The countdown, five times a second (the app ticks the current screen)."""
        now = App.get_running_app().clock.now()
        guard = self.guard()
        settled = guard.settled(now)  # the clock went back: the wait counts from now
        if settled != guard:
            self._keep(settled)
        left = settled.wait_left(now) if self.mode == "check" else 0.0
        was = self.locked
        self.locked = left > 0
        self.wait = pin_rule.countdown(left) if self.locked else ""
        if self.locked:
            self.message = tr("{n} wrong PINs in a row. You can try again in").format(n=settled.failures)
            self.entered = ""
        elif was:
            self.message = self.prompt()

    # -- the pad --------------------------------------------------------------------

    def ask(self, then: str, mode: str = "check"):
        app = App.get_running_app()
        self.then = then
        self.back_to = app.sm.current if app.sm.current != "pin" else app.idle_screen()
        self.mode = mode
        self.forced = False
        self.entered = ""
        self._new = ""
        self.locked = False
        self.message = self.prompt()
        self.tick()
        app.show("pin")

    def prompt(self) -> str:
        if self.mode == "new" and self.forced:
            return tr("The PIN is still {pin}, which is printed in the manual. Choose a new PIN (4–8 digits)").format(
                pin=DEFAULT_PIN)
        return {"check": tr("Admin PIN"), "new": tr("Type the new PIN (4–8 digits)"),
                "confirm": tr("Type the new PIN again")}[self.mode]

    def dots(self, entered, _lang) -> str:
        return "●  " * len(entered) if entered else "○"

    def press(self, key: str):
        if self.locked:
            return
        if key == "back":
            self.entered = self.entered[:-1]
        elif key == "ok":
            self.submit()
        elif len(self.entered) < PIN_MAX:
            self.entered += key

    def submit(self):
        app = App.get_running_app()
        pin, self.entered = self.entered, ""
        if self.mode == "check":
            self.check(pin)
        elif self.mode == "new":
            try:
                check_new_pin(pin)
            except SettingsError as e:
                self.message = messages.refusal(str(e))
                return
            self._new, self.mode = pin, "confirm"
            self.message = self.prompt()
        else:
            if pin != self._new:
                self.mode, self.message = "new", messages.refusal("pin_mismatch")
                return
            if app.save_settings(app.settings.with_pin(pin)):
                app.say(tr("The PIN was changed."))
                if self.forced:
                    app.admin = True
                app.show(self.then)

    def check(self, pin: str):
        """The admin PIN, unless wrong ones keep the pad shut; the default opens only
        the choice of a new PIN."""
        app = App.get_running_app()
        now = app.clock.now()
        guard = self.guard().settled(now)
        if guard.locked(now):
            self.tick()
            return
        if not app.settings.pin_ok(pin):
            self._keep(guard.failed(now))
            self.message = tr("Wrong PIN. Try again.")
            self.tick()
            return
        if guard != PinGuard():
            self._keep(guard.succeeded())
        if app.settings.must_change(pin):
            self.mode, self.forced = "new", True
            self.message = self.prompt()
            return
        app.admin = True
        app.show(self.then)

    def cancel(self):
        App.get_running_app().show(self.back_to)


WAITING_SHOWN = 4
"""Waiting sessions listed in Settings (two rows of two): the screen still fits 1080p."""
WAITING_SHOWN_BESIDE_DAMAGED = 2
"""One row of waiting sessions while a damaged running session takes the other row's place."""


class Stepper(BoxLayout):
    """A setting stepped through a few sensible stops with − and + (no typing, no slider
    a finger cannot hit)."""

    field = StringProperty("")
    label = StringProperty("")
    value = StringProperty("")
    can_down = BooleanProperty(True)
    can_up = BooleanProperty(True)
    button_w = NumericProperty(110)
    value_w = NumericProperty(150)


class WaitingRow(BoxLayout):
    """One waiting session in Settings: who and when, and a Delete button."""

    waiting = ObjectProperty(None, allownone=True)
    head = StringProperty("")
    under = StringProperty("")


class DamagedRow(BoxLayout):
    """The running session that could not be reopened: who, why, Try again and Set aside."""

    head = StringProperty("")
    under = StringProperty("")


class SettingsScreen(KioskScreen):
    waiting_title = StringProperty("")

    def on_pre_enter(self, *args):
        self.refresh_waiting()

    # -- delete a waiting session (DESIGN.md §5) ------------------------------------------

    def refresh_waiting(self):
        """List the sessions that wait (prepared, or between meetings), the soonest first."""
        app = App.get_running_app()
        grid = self.ids.waiting
        grid.clear_widgets()
        for name in [n for n in self.ids if n.startswith("delete_")]:
            del self.ids[name]
        try:
            waiting = waiting_sessions(app.store) if app.store is not None else []
        except StoreError:
            waiting = []
        shown = WAITING_SHOWN_BESIDE_DAMAGED if self.show_damaged() else WAITING_SHOWN
        if not waiting:
            self.waiting_title = tr("Waiting sessions: none")
        elif len(waiting) > shown:
            self.waiting_title = tr("Waiting sessions (+{n} more, not shown)").format(
                n=len(waiting) - shown)
        else:
            self.waiting_title = tr("Waiting sessions")
        day = today(app.clock)
        for i, w in enumerate(waiting[:shown]):
            if w.started:
                under = tr("meeting {n}").format(n=w.meeting) + " · " + meeting_day(w.date, day)
            else:
                count = (tr("1 post-it prepared") if w.prepared == 1
                         else tr("{n} post-its prepared").format(n=w.prepared))
                under = tr("prepared, not started") + " · " + count
            row = WaitingRow(waiting=w, head=f"{w.team} · {w.method_title}", under=under)
            self.ids[f"delete_{i}"] = row.ids.delete
            grid.add_widget(row)

    # -- the running session that could not be reopened (app.resume_problem) --------------

    def show_damaged(self) -> bool:
        """Put the damaged session's row above the waiting ones; True when there is one."""
        app = App.get_running_app()
        box = self.ids.damaged
        box.clear_widgets()
        for name in ("retry", "set_aside"):
            self.ids.pop(name, None)
        problem = app.resume_problem
        if problem is None:
            return False
        row = DamagedRow(head=tr("{who}: could not be reopened").format(who=_who(problem)), under=problem.problem)
        self.ids["retry"], self.ids["set_aside"] = row.ids.retry, row.ids.set_aside
        box.add_widget(row)
        return True

    def retry(self):
        App.get_running_app().retry_resume()
        if self.manager is not None and self.manager.current == self.name:
            self.refresh_waiting()

    def ask_set_aside(self):
        app = App.get_running_app()
        problem = app.resume_problem
        if problem is None:
            return
        question = tr("Set {who} aside? Its files move to the folder “set-aside” in the data folder; nothing is deleted. The kiosk then starts without it.").format(who=_who(problem))  # noqa: E501
        app.confirm(question, tr("Set aside"), self.set_aside, face=theme.ACCENT_DARK)

    def set_aside(self):
        App.get_running_app().set_aside_damaged()
        self.refresh_waiting()

    def ask_delete(self, w: Waiting):
        app = App.get_running_app()
        try:
            notes, actions = session_contents(app.store, w.session_id)
        except StoreError as e:
            app.say(messages.store_error(e), "error")
            return
        question = tr("Delete the session of {team} ({method})? Its post-its ({notes}) and its actions ({actions}) go with it, also from the statuspil board. This cannot be undone.")  # noqa: E501
        app.confirm(question.format(team=w.team, method=w.method_title, notes=notes, actions=actions),
                    tr("Delete the session"), lambda: self.delete(w))

    def delete(self, w: Waiting):
        app = App.get_running_app()
        if app.act(Workshop.delete_waiting, app.store, w.session_id) is not FAILED:
            app.say(tr("The session of {team} was deleted.").format(team=w.team))
        self.refresh_waiting()

    # -- settings -------------------------------------------------------------------------

    def languages(self):
        return list(LANGUAGES.items())

    def set_language(self, lang: str):
        app = App.get_running_app()
        app.save_settings(_replace(app.settings, lang=lang))

    def toggle_chime(self):
        app = App.get_running_app()
        app.save_settings(_replace(app.settings, chime=not app.settings.chime))

    def toggle_night(self):
        app = App.get_running_app()
        app.save_settings(_replace(app.settings, night_dim=not app.settings.night_dim))

    def step(self, field: str, direction: int):
        """One stop up or down; stored before the screen shows it."""
        app = App.get_running_app()
        try:
            new = app.settings.stepped(field, direction)
        except SettingsError as e:
            app.say(messages.refusal(str(e)), "error")
            return
        if new != app.settings:
            app.save_settings(new)

    def change_pin(self):
        App.get_running_app().screen("pin").ask(then="settings", mode="new")

    def open_wifi(self):
        """The phones' Wi-Fi: its name and password on the on-screen keyboard."""
        self.wifi_sheet = WifiSheet()
        self.wifi_sheet.open()

    @staticmethod
    def wifi_text(settings, _lang) -> str:
        """The head row's button: the network phones join, its password only as dots."""
        if not settings.wifi_name:
            return tr("Wi-Fi for phones: none")
        dots = "  " + sym("●" * 6) if settings.wifi_password else ""
        return tr("Wi-Fi: {name}").format(name=escape_markup(settings.wifi_name)) + dots

    def end_workshop(self):
        app = App.get_running_app()
        app.confirm(tr("End the workshop? The notes and the agenda are kept."), tr("End workshop"),
                    self._end_and_offer_export)

    def _end_and_offer_export(self):
        """End it, then offer the export QR code (the notes and the plan to a phone)."""
        app = App.get_running_app()
        sid = app.workshop.session.id if app.workshop is not None else None
        app.end_workshop()
        if sid is not None and app.workshop is None:
            app.confirm(tr("The workshop has ended. Show the QR code to take the notes and the action plan away on a phone?"),  # noqa: E501
                        tr("Show the QR code"),
                        lambda: app.screen("export").open_for(sid, back=app.idle_screen()),
                        face=theme.GO)  # a way on, not an ending: vermillion is for ending and deleting

    def export(self):
        """The running workshop's export QR code; Done comes back here."""
        app = App.get_running_app()
        if app.workshop is not None:
            app.screen("export").open_for(app.workshop.session.id, back="settings")

    def quit(self):
        app = App.get_running_app()
        app.confirm(tr("Leave kiosk mode and close the app?"), tr("Close the kiosk"), app.quit)

    def back(self):
        app = App.get_running_app()
        app.admin = False
        app.show("workshop" if app.workshop else app.idle_screen())


class WifiSheet(ModalView):
    """The Wi-Fi network phones join to reach the pads (a guest network that keeps phones
    from the kiosk is no use): its name and WPA password, the password masked. Save checks
    both (a phone could not join with a bad pair: said, and the sheet stays); Forget
    clears them, and the join panel then shows the page's code alone."""

    def __init__(self, **kw):
        super().__init__(**kw)
        settings = App.get_running_app().settings
        self.ids.name.text = settings.wifi_name
        self.ids.password.text = settings.wifi_password
        self.ids.keyboard.bind(on_enter=lambda *_: self.enter())

    def on_open(self):
        self.ids.name.focus = True

    def focused(self, field, focus: bool):
        if focus:
            self.ids.keyboard.target = field

    def enter(self):
        """The keyboard's OK: from the name on to the password, from there Save."""
        if self.ids.keyboard.target is self.ids.name:
            self.ids.password.focus = True
        else:
            self.save()

    def save(self, forget: bool = False):
        app = App.get_running_app()
        name, password = ("", "") if forget else (self.ids.name.text, self.ids.password.text)
        try:
            new = app.settings.with_wifi(name, password)
        except Refusal as e:
            app.say(messages.refusal(e.reason), "error")
            return
        if app.save_settings(new):
            self.dismiss()
            app.say(tr("Phones are asked to join {name} first.").format(name=new.wifi_name) if new.wifi_name
                    else tr("No Wi-Fi is shown to phones."))


def _replace(settings, **kw):
    from dataclasses import replace
    return replace(settings, **kw)


def _who(problem) -> str:
    """"Team · Method" of a damaged session, or a plain phrase when its index entry is gone too."""
    return " · ".join(x for x in (problem.team, problem.method) if x) or tr("the workshop that was running")
