"""The Kivy app: one window, screens loaded on first use, intents sent to the core.

Screens hold no rules: they call the core (``kiosk.core``) through the app and
show what it returns. Anything that changes data goes through ``app.act``, which
turns a refused intent or a failed write into a message on the screen instead of
a traceback in front of the group.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import (BooleanProperty, ListProperty, NumericProperty, ObjectProperty, OptionProperty,
                             StringProperty)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import NoTransition

from kiosk import health, i18n, logfile, sdnotify
from kiosk.clock import SystemClock
from kiosk.core.idle import IdleRule
from kiosk.core.wall import Wall
from kiosk.core.people import People
from kiosk.core.settings import Settings
from kiosk.core.workshop import ACTIVE_KEY, Workshop
from kiosk.paths import methods_dirs
from kiosk.store import Store, StoreError
from kiosk.store.aside import set_aside_session
from kiosk.ui import messages, theme, widgets  # noqa: F401  (widgets: registers KButton)
from kiosk.ui.act import FAILED, Intents

log = logging.getLogger("kiosk")
IDLE_SECONDS = Settings().idle_minutes * 60
"""Untouched this long with no workshop running, the kiosk goes back to the statuspil board
(the default; an admin sets it in Settings)."""
METHODS_WAIT = 3.0
"""Longest the screen waits for the method files (they take ~20 ms; a stalled network
folder could take for ever): after this the picker opens empty and fills in later."""
HERE = Path(__file__).resolve().parent
HEALTH_SECONDS = 3600.0
"""A health line in the log (uptime, memory, free disk, store size) this often."""
RESUME_ERRORS = (StoreError, OSError, ValueError, KeyError, TypeError)
"""Whatever a damaged running session's file raises while it is reopened: the kiosk starts anyway."""

# screen name → module in kiosk.ui that defines it (with a .kv of the same name)
SCREENS = {
    "home": "home", "board": "board_screen", "picker": "picker", "team": "team", "plan": "plan", "workshop": "workshop",
    "pin": "admin", "settings": "admin", "decide": "decide",
    "export": "export", "prepare": "prepare",
}


def _tune_memory():
    from kiosk.ui import memory  # with ctypes: not before the first frame

    memory.tune()


@dataclass(frozen=True)
class ResumeProblem:
    """The running session that could not be reopened at start, for the banner and Settings."""

    session_id: str
    team: str
    method: str
    problem: str
    """Why, in plain words (messages.resume_problem)."""

    @property
    def message(self) -> str:
        return messages.damaged_session(self.team, self.method, self.problem)


@dataclass
class Options:
    data_dir: Path
    lang: str | None = None
    demo: bool = False
    probe: str | None = None
    """A file the app keeps describing its screen in (for end-to-end tests)."""


class Root(BoxLayout):
    """The screens. The banner is not in this layout: it lies on the window, over everything."""


FADE_SECONDS = 0.6
"""An information banner's fade; a touch on it meanwhile still lands on the banner."""
GUARD_SECONDS = 1.5
"""After a timed fade began, this long its former place still takes touches, so a finger
already on its way to OK does not tap what was under the banner."""


class Banner(BoxLayout):
    """The message to the group, laid over one edge of the window, never in the layout.

    It lives on the Window itself, above the screens and above every pop-up (the app
    raises it again whenever one opens), so a message is never hidden behind an
    editor, and no control moves when it comes or goes. While shown it takes every
    touch on its rect: nothing hidden under it can be tapped blind.
    """

    text = StringProperty("")
    """What it says (kept while it fades out)."""
    kind = StringProperty("info")
    shown = BooleanProperty(False)
    edge = OptionProperty("bottom", options=["bottom", "top"])
    """Which edge of the window it covers (see ``KioskApp.banner_edge``)."""
    s = NumericProperty(1.0)
    """The app's scale (``KioskApp.s``), which the app keeps here."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self._fading = None  # the running fade-out (a kivy Animation)
        self._guard = None  # (x, y, right, top) still taking touches after a timed fade
        self._guard_event = None

    @property
    def fading(self) -> bool:
        return self._fading is not None

    def show(self, text: str, kind: str, edge: str):
        self._stop_fade()
        self._end_guard()
        self.text, self.kind, self.edge = text, kind, edge
        self.shown = True
        self.opacity = 1

    def hide(self):
        """At once (OK, or the next thing that worked): the finger that did it is not on its way here."""
        self._stop_fade()
        self.shown = False
        self.opacity = 0

    def fade(self):
        """The timed end of an information: fade out, and guard the place for a moment."""
        from kivy.animation import Animation

        if not self.shown or self._fading is not None:
            return
        self._guard = (self.x, self.y, self.right, self.top)
        self._guard_event = Clock.schedule_once(lambda dt: self._end_guard(), GUARD_SECONDS)
        self._fading = anim = Animation(opacity=0, d=FADE_SECONDS)
        anim.bind(on_complete=lambda *_: self._faded(anim))
        anim.start(self)

    def _faded(self, anim):
        if self._fading is anim:
            self._fading = None
            self.shown = False

    def _stop_fade(self):
        if self._fading is not None:
            anim, self._fading = self._fading, None
            anim.cancel(self)

    def _end_guard(self):
        self._guard = None
        if self._guard_event is not None:
            self._guard_event.cancel()
            self._guard_event = None

    def on_touch_down(self, touch):
        x, y = touch.pos
        if self.shown and self.collide_point(x, y):
            super().on_touch_down(touch)  # OK; the message itself does nothing
            return True
        guard = self._guard
        return guard is not None and guard[0] <= x <= guard[2] and guard[1] <= y <= guard[3]


class Confirm(ModalView):
    """A yes/no question for anything that cannot be undone with one tap."""

    question = StringProperty("")
    yes_text = StringProperty("")
    yes_face = ListProperty(list(theme.WARN))
    """Vermillion for what removes or ends something; green for a step forward."""

    def __init__(self, on_yes, **kw):
        super().__init__(**kw)
        self._on_yes = on_yes

    def yes(self):
        self.dismiss()
        self._on_yes()


class KioskApp(App):
    s = NumericProperty(1.0)
    """Scale of the layout: 1.0 at 1920×1080, 2.0 at 4K."""
    lang = StringProperty(i18n.DEFAULT)
    """UI language; kv rules name it so their text re-renders when it changes."""
    notice = StringProperty("")
    """The message in the banner ('' hides it)."""
    notice_kind = StringProperty("info")
    settings = ObjectProperty(Settings(), rebind=True)
    workshop = ObjectProperty(None, allownone=True)
    """The running workshop (kiosk.core.workshop.Workshop) or None."""
    revision = NumericProperty(0)
    """Bumped after every committed change, so screens refresh from the core."""
    admin = BooleanProperty(False)
    """True after a right PIN, until the settings screen is left."""
    resume_problem = ObjectProperty(None, allownone=True)
    """A ResumeProblem while the running session's file cannot be reopened (Settings offers
    Try again and Set aside), else None."""

    def __init__(self, options: Options, clock=None, **kw):
        super().__init__(**kw)
        self.options = options
        self.clock = clock or SystemClock()
        self.store: Store | None = None
        self._methods = None  # read on first use: a restart into a workshop needs none of them
        self.method_problems = []
        self._methods_thread: threading.Thread | None = None
        self._methods_read = None  # (methods, problems) once the reading thread is done
        self._methods_waited = False  # the screen waits for them once, not on every look
        self._methods_reported = False
        self.allow_quit = False
        self.title = "Dialog kiosk"
        self._wall: Wall | None = None
        self._people: People | None = None
        self.intents = Intents(self)
        """Runs the screens' intents and keeps the Undo button's order (``app.act``)."""
        self._pad_glue = None  # the running session's phones (kiosk.ui.pads), made on first use

    # -- life cycle ------------------------------------------------------------

    def build(self):
        widgets.register_fonts()
        # weeks on the wall: large freed buffers go back to the system; after the first
        # frame (finding glibc runs ldconfig, ~6 ms nobody needs to wait for)
        Clock.schedule_once(lambda dt: Clock.schedule_once(lambda dt: _tune_memory(), 0.5))
        Window.clearcolor = theme.BG  # the screens' background: a clear, not a full-screen fill
        if str(HERE / "common.kv") not in Builder.files:  # a second app in one process (tests)
            Builder.load_file(str(HERE / "common.kv"))
        Window.bind(on_resize=self._rescale, on_request_close=self._on_request_close)
        self._rescale(Window, *Window.size)
        root = Root()
        root.ids.sm.transition = NoTransition()
        root.ids.sm.bind(current=self._focus_follows_screen)
        self.banner = root.ids["banner"] = Banner(s=self.s)  # on the window from on_start (see Banner)
        self.bind(s=self.banner.setter("s"))
        self._tick_event = Clock.schedule_interval(self._tick, 0.2)
        self.idle = IdleRule(IDLE_SECONDS, self.clock)
        Window.bind(on_touch_down=self._touched)
        return root

    def on_start(self):
        self._put_banner_on_window()
        # systemd: READY=1 and the watchdog's pings from the first frame on, whatever
        # the data folder holds (the error screen must not be restarted in a loop)
        Clock.schedule_once(lambda dt: Clock.schedule_once(lambda dt: self._first_frame(), 0))
        if threading.current_thread() is threading.main_thread():
            # systemctl stop / kill: leave cleanly (every change is already on disk)
            signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda dt: self.quit()))
        try:
            self.store = Store(self.options.data_dir, clock=self.clock)
        except StoreError as e:
            log.error("the data folder cannot be used: %s", e)
            self.settings_from_cli()
            self.show_error_screen(messages.cannot_open(e))
            return
        self.settings = Settings.from_dict(self.store.get_state("settings"))
        self.settings_from_cli()
        self.idle.timeout = float(self.settings.idle_minutes * 60)
        notes = [messages.recovery(r) for r in self.store.recoveries]
        if notes:
            self.say("\n".join(notes), "error")
        self._resume()
        if self.workshop is None and self.options.demo and not self.store.list_sessions():
            self._start_demo()
        self.show("workshop" if self.workshop else self.idle_screen())
        if self.workshop is not None:  # a restart mid-step: joined phones carry on
            Clock.schedule_once(lambda dt: self._pads_carry_on(), 1.0)
        # after the first frame: method files matter to the picker, not to a restart
        # (scheduled from the first tick: Kivy's clock counts from its last tick, at import)
        Clock.schedule_once(lambda dt: Clock.schedule_once(lambda dt: self._read_methods_later(), 0.5))

    def _pads_carry_on(self):
        if getattr(self, "_stopped", False) or self.workshop is None or self.store is None:
            return
        from kiosk.core.pads import PADS

        try:
            joined = any(not d.get("removed") for d in self.store.all(self.workshop.session.id, PADS))
        except StoreError:
            joined = False
        if joined:
            self.pad_glue().carry_on()
            if self.sm.has_screen("workshop"):
                self.sm.get_screen("workshop").show_phones_button()  # "Phones · 3", following the glue

    def _read_methods_later(self):
        if not getattr(self, "_stopped", False):
            self._read_methods()

    def _read_methods(self):
        """Read the method files in a thread: a slow or hostile methods folder never holds
        the screen. The loader bounds each file (size, time, parse), so the thread ends."""
        if self._methods_thread is not None:
            return
        dirs = methods_dirs()

        def read():
            from kiosk.core.loader import load_methods

            try:
                result = load_methods(dirs)
            except Exception:  # load_methods reports problems, it does not raise: belt and braces
                log.exception("could not read the method files")
                result = ([], [])
            self._methods_read = result
            Clock.schedule_once(lambda dt: self._methods_arrived())

        self._methods_thread = threading.Thread(target=read, name="read-methods", daemon=True)
        self._methods_thread.start()

    def _methods_arrived(self):
        """On the UI thread, once the files are read: report bad ones, fill a waiting picker."""
        if getattr(self, "_stopped", False):
            return
        waited = self._methods is None and self._methods_waited
        self._take_methods()
        self._report_method_problems()
        if waited and self.root is not None and self.sm.current == "picker":
            self.sm.current_screen.refresh()

    def _take_methods(self):
        if self._methods is None and self._methods_read is not None:
            self._methods, self.method_problems = self._methods_read

    @property
    def methods(self) -> list:
        """The good methods. The first time they are asked for before they are read, the
        screen waits up to METHODS_WAIT; a folder still being read after that gives none
        for now, at once (the picker fills in when they arrive)."""
        if self._methods is None and not self._methods_waited:
            self._read_methods()
            self._methods_thread.join(METHODS_WAIT)
            self._methods_waited = True
        self._take_methods()
        return self._methods if self._methods is not None else []

    def _report_method_problems(self):
        if self._methods_reported or self._methods_read is None:
            return
        self._methods_reported = True
        if self.method_problems:
            text = messages.method_problems(self.method_problems)
            if self.notice and self.notice_kind == "error":  # keep a recovery notice beside it
                text = self.notice + "\n" + text
            self.say(text, "error")

    def _touched(self, *_):
        self.idle.touched()

    def on_stop(self):
        # nothing of ours may fire after the app is gone (a second app in one process)
        from kivy.core.window import Window

        Window.unbind(on_resize=self._rescale, on_request_close=self._on_request_close,
                      on_touch_down=self._touched, children=self._raise_banner)
        if getattr(self, "_raise_trigger", None) is not None:
            self._raise_trigger.cancel()
        Window.remove_widget(self.banner)  # as it is: a change now would run its kv rules after the app
        for name in ("_tick_event", "_notice_event", "_watchdog_event", "_health_event"):
            event = getattr(self, name, None)
            if event is not None:
                event.cancel()
        sdnotify.notify("STOPPING=1")
        if self._pad_glue is not None:
            self._pad_glue.shut()  # the web process (pads, export) ends with the kiosk
        self._notice_event = None
        if self.store is not None:
            self.store.close()
        self._stopped = True

    def settings_from_cli(self):
        """--lang wins over the saved language, and later saves keep it."""
        self.lang = i18n.set_language(self.options.lang or self.settings.lang)
        self.settings = replace(self.settings, lang=self.lang)

    def _start_demo(self):
        method = self.method_by_id("trivselsdialog") or (self.methods[0] if self.methods else None)
        if method is not None:
            try:
                self.workshop = Workshop.start(self.store, self.clock, method, "Demo-holdet", lang=self.lang)
            except StoreError as e:  # a full disk at the first start: say it, do not stop
                log.error("the demo workshop could not be stored: %s", e)
                self.say(messages.store_error(e), "error")

    # -- a running session that cannot be reopened -----------------------------------------

    def _resume(self) -> bool:
        """Reopen the running workshop. A damaged file (a folder, unreadable, from a newer
        kiosk, nonsense inside) does not stop the kiosk: the banner names the session and
        the problem, the board shows, and Settings offers Try again and Set aside."""
        sid = None
        try:
            sid = self.store.get_state(ACTIVE_KEY)
            self.workshop = Workshop.resume(self.store, self.clock)
        except RESUME_ERRORS as e:
            log.error("could not reopen the running session %s: %r", sid, e)
            self.workshop = None
            self.resume_problem = self._problem(str(sid or ""), e)
            text = self.resume_problem.message
            if self.notice and self.notice_kind == "error" and text not in self.notice:
                text = self.notice + "\n" + text  # a recovery notice from the same start stays
            self.say(text, "error")
            return False
        self.resume_problem = None
        return True

    def _problem(self, sid: str, e: BaseException) -> ResumeProblem:
        try:
            entry = next((x for x in self.store.list_sessions() if x.get("id") == sid), {})
        except RESUME_ERRORS:
            entry = {}
        return ResumeProblem(sid, str(entry.get("team") or ""),
                             str(entry.get("method_title") or entry.get("method_id") or ""),
                             messages.resume_problem(e))

    def retry_resume(self) -> bool:
        """Settings' Try again (after the admin fixed the file or updated the kiosk)."""
        problem = self.resume_problem
        if problem is None or self.store is None:
            return False
        if self.workshop is not None:
            self.say(i18n.tr("End the running workshop first, then try again."), "error")
            return False
        try:
            if problem.session_id and self.store.get_state(ACTIVE_KEY) != problem.session_id:
                self.store.set_state(ACTIVE_KEY, problem.session_id)  # a workshop ran meanwhile
        except StoreError as e:
            self.say(messages.store_error(e), "error")
            return False
        if not self._resume():
            return False
        self.intents.forget()
        self._wall = None
        self._people = None
        if self.workshop is None:  # its file says it is no longer running
            self.say(i18n.tr("That session is not running any more; nothing to reopen."))
            return True
        self.say(i18n.tr("The workshop of {team} was reopened.").format(team=self.workshop.session.team))
        self.admin = False
        self.show("workshop")
        return True

    def set_aside_damaged(self) -> bool:
        """Settings' Set aside: the session's files move to DATA/set-aside/ (kept, not deleted),
        it leaves the session list, and it is no longer the running one, so the kiosk starts
        clean. Files first, pointer last: a power cut between leaves a pointer to nothing,
        which also starts clean."""
        problem = self.resume_problem
        if problem is None or self.store is None:
            return False
        try:
            folder = set_aside_session(self.store, problem.session_id, self.clock.now()) if problem.session_id \
                else None
            if self.store.get_state(ACTIVE_KEY) == problem.session_id:
                self.store.set_state(ACTIVE_KEY, None)
        except StoreError as e:
            log.error("could not set the session %s aside: %s", problem.session_id, e)
            self.say(messages.store_error(e), "error")
            return False
        log.warning("session %s set aside in %s", problem.session_id, folder)
        self.resume_problem = None
        where = os.path.relpath(folder, self.options.data_dir) if folder else ""
        self.say(i18n.tr("The session was set aside in the data folder ({where}). Nothing was deleted.").format(
            where=where))
        return True

    # -- systemd, health -------------------------------------------------------------------

    def _first_frame(self):
        """READY=1 once the window shows something; then the watchdog's pings from the UI
        clock (a frozen UI stops them, and systemd restarts the kiosk), and the health line."""
        if getattr(self, "_stopped", False):
            return
        sdnotify.notify("READY=1")
        interval = sdnotify.watchdog_seconds()
        if interval is not None:
            self._watchdog_event = Clock.schedule_interval(lambda dt: sdnotify.notify("WATCHDOG=1"),
                                                           max(0.2, interval / 2))
            sdnotify.notify("WATCHDOG=1")
            log.info("systemd watchdog: a ping every %.1f s (timeout %.1f s)", max(0.2, interval / 2), interval)
        self._health()
        self._health_event = Clock.schedule_interval(lambda dt: self._health(), HEALTH_SECONDS)

    def _health(self):
        """Log how the kiosk is doing; on the wall too when the disk is nearly full."""
        try:
            h = health.check(self.options.data_dir, logfile.dropped())
        except Exception:  # a health line must never cost the kiosk
            log.exception("health check failed")
            return
        log.info("%s", h.line())
        sdnotify.notify("STATUS=" + h.line())
        if h.low_disk and self.store is not None:
            text = messages.low_disk(h.free_bytes)
            if not (self.notice and self.notice_kind == "error"):  # an error already showing stays
                self.say(text, "error")
        return h

    # -- scale, closing ----------------------------------------------------------

    def _rescale(self, window, width, height):
        self.s = max(0.4, min(width / 1920.0, height / 1080.0))

    def _on_request_close(self, *args, **kw):
        """Escape, Alt-F4 and the window's close button do nothing unless the admin quits."""
        return not self.allow_quit

    def quit(self):
        self.allow_quit = True
        self.stop()

    # -- screens -----------------------------------------------------------------

    @property
    def sm(self):
        return self.root.ids.sm

    def screen(self, name: str):
        """The screen by name, built (and its kv loaded) the first time it is asked for."""
        if not self.sm.has_screen(name):
            module = SCREENS[name]
            kv = HERE / f"{module}.kv"
            if str(kv) not in Builder.files:
                Builder.load_file(str(kv))
            importlib.import_module(f"kiosk.ui.{module}")
            cls = Factory.get(f"{name.capitalize()}Screen")
            self.sm.add_widget(cls(name=name))
        return self.sm.get_screen(name)

    def show(self, name: str):
        self.screen(name)
        self.sm.current = name

    def _focus_follows_screen(self, sm, current):
        """A text field on a screen that is left lets go of the physical keyboard, so keys
        typed later never go into a field nobody sees; the screen shown gives focus to
        its own field on entering (the team name does). A pop-up over the new screen keeps
        its field."""
        from kivy.uix.behaviors import FocusBehavior
        from kivy.uix.screenmanager import Screen

        for field in list(FocusBehavior._keyboards.values()):
            if field is None or not field.focus:
                continue
            holder = field.parent
            while holder is not None and not isinstance(holder, Screen):
                holder = holder.parent
            if holder is not None and holder.name != current:
                field.focus = False

    def idle_screen(self) -> str:
        """The statuspil board between workshops; home when the data cannot be opened."""
        return "home" if self.store is None else "board"

    def show_error_screen(self, text: str):
        """The kiosk cannot work (locked or unwritable data): say so, nothing else."""
        self.screen("home").show_fatal(text)
        self.show("home")

    # -- messages ---------------------------------------------------------------

    def tr(self, msgid: str, *_bound) -> str:
        """Translate; the extra arguments (app.lang) only make kv re-evaluate."""
        return i18n.tr(msgid)

    def say(self, text: str, kind: str = "info"):
        """Show a message; information fades after a while, errors wait for OK."""
        self.notice_kind = kind
        self.notice = text
        self._sync_banner()
        if getattr(self, "_notice_event", None) is not None:
            self._notice_event.cancel()
            self._notice_event = None
        if kind == "info":
            self._notice_event = Clock.schedule_once(lambda dt: self._fade(text), 10)

    def _fade(self, text: str):
        if self.notice == text:
            self.banner.fade()
            self.notice = ""

    def dismiss_notice(self):
        self.notice = ""
        self.banner.hide()

    def on_notice(self, *_):
        self._sync_banner()

    def on_notice_kind(self, *_):
        self._sync_banner()

    def _sync_banner(self):
        """The banner shows ``notice``; cleared, it goes at once, unless it is fading out."""
        banner = getattr(self, "banner", None)
        if banner is None:
            return
        if self.notice:
            banner.show(self.notice, self.notice_kind, self.banner_edge())
        elif not banner.fading:
            banner.hide()

    def _put_banner_on_window(self):
        if self.banner.parent is None:
            Window.add_widget(self.banner)
        # before the next frame, not at once: the window lists a new pop-up among its
        # children before it adds the pop-up's canvas, which would then be drawn last
        self._raise_trigger = Clock.create_trigger(self._raise_banner_now, -1)
        Window.bind(children=self._raise_banner)
        # another screen, another edge may be free: looked at over its first frames, while
        # its layout settles (a screen shown for the first time takes a few)
        self.sm.bind(current=lambda *_: self._look_again(4))
        self._sync_banner()

    def _look_again(self, frames: int):
        if frames > 0 and not getattr(self, "_stopped", False):
            self._raise_trigger()
            Clock.schedule_once(lambda dt: self._look_again(frames - 1), 0)

    def _raise_banner(self, *_):
        if not getattr(self, "_raising", False):
            self._raise_trigger()

    def _raise_banner_now(self, *_):
        """Keep the banner the top-most child of the window: a pop-up that opens goes on
        top of the window's children, so the banner goes back over it."""
        banner = self.banner
        if getattr(self, "_stopped", False) or banner not in Window.children:
            return
        if Window.children[0] is not banner or Window.canvas.children[-1] is not banner.canvas:
            self._raising = True
            try:
                Window.remove_widget(banner)
                Window.add_widget(banner)
            finally:
                self._raising = False
        if banner.shown and not banner.fading:
            banner.edge = self.banner_edge()  # what lies under it changed

    def banner_edge(self) -> str:
        """Where the banner covers least of what the group needs next.

        Over a screen, the bottom edge: on a running workshop that is the agenda strip,
        read and never tapped (Undo and Menu at the top stay free); on the board, the
        pager. Over a pop-up, and over a screen that shows the on-screen keyboard, the
        top edge: a pop-up keeps its buttons at its foot and its title at its head, and
        the keyboard, always at the bottom, is what the group needs next. A screen or
        pop-up may name its edge with a ``banner_edge`` attribute.
        """
        import sys

        layer = next((w for w in Window.children if isinstance(w, ModalView)), None)
        screen = self.sm.current_screen if self.root is not None else None
        under = layer if layer is not None else screen
        named = getattr(under, "banner_edge", None)
        if named in ("top", "bottom"):
            return named
        keyboard = getattr(sys.modules.get("kiosk.ui.widgets.keyboard"), "OnScreenKeyboard", None)
        if layer is not None or (screen is not None and keyboard is not None and any(
                isinstance(w, keyboard) and w.opacity > 0 and w.height > 0 for w in screen.walk())):
            order = ("top", "bottom")
        else:
            order = ("bottom", "top")
        # the edge that hides fewer controls the group may tap (Settings keeps End, Export
        # and Close at its foot and only Back at its head); a tie keeps the usual edge
        return min(order, key=lambda edge: self._buttons_under(under, edge))

    def _buttons_under(self, widget, edge: str) -> int:
        """How many enabled buttons of ``widget`` the banner would lie over at ``edge``."""
        if widget is None:
            return 0
        from kivy.uix.behaviors import ButtonBehavior

        band = max(self.banner.height, 132 * self.s)
        lo, hi = (0, band) if edge == "bottom" else (Window.height - band, Window.height)
        count = 0
        for w in widget.walk(restrict=True):
            if isinstance(w, ButtonBehavior) and not w.disabled and w.opacity > 0 and w.width > 0 \
                    and w.get_root_window() is not None:
                _, y0 = w.to_window(w.x, w.y)
                count += y0 < hi and y0 + w.height > lo
        return count

    def confirm(self, question: str, yes_text: str, on_yes, face=theme.WARN):
        self.confirm_view = Confirm(on_yes, question=question, yes_text=yes_text, yes_face=list(face))
        self.confirm_view.open()

    def act(self, intent, *args, undo=None, quiet=False, **kw):
        """Run an intent through ``kiosk.ui.act``: a refusal or a failed write is said on
        screen and returns ``FAILED`` (``quiet``: raised, for a phone's intent); ``undo``
        is the controller that can take it back."""
        return self.intents.act(intent, *args, undo=undo, quiet=quiet, **kw)

    @property
    def can_undo(self) -> bool:
        return self.intents.can_undo

    def undo(self):
        """Take back the newest change that can still be taken back."""
        self.intents.undo()

    def wall(self) -> Wall | None:
        """The running session's wall (one Wall object per session, kept while it runs)."""
        ws = self.workshop
        if ws is None or self.store is None:
            return None
        if self._wall is None or self._wall.session_id != ws.session.id:
            self._wall = Wall(self.store, ws.session.id, self.clock)
        return self._wall

    def pad_glue(self, made: bool = True):
        """The running session's phones and their server (``kiosk.ui.pads.PadGlue``), made
        on first use (``made=False``: None until then)."""
        if self._pad_glue is None and made:
            from kiosk.ui.pads import PadGlue

            self._pad_glue = PadGlue(self)
        return self._pad_glue

    def pads(self):
        """The running session's pads (``kiosk.core.pads.Pads``), or None."""
        return self.pad_glue().pads()

    def people(self) -> People | None:
        """The running session's participants and table groups (one object per session)."""
        ws = self.workshop
        if ws is None or self.store is None:
            return None
        if self._people is None or self._people.session_id != ws.session.id:
            self._people = People(self.store, ws.session.id, self.clock)
        return self._people

    # -- methods, workshop, settings ------------------------------------------

    def method_by_id(self, method_id: str):
        return next((m for m in self.methods if m.id == method_id), None)

    def start_workshop(self, method, team: str, room=None) -> bool:
        """Start the method for the team; ``room`` (the team screen's "who is here"), when
        given, is called with the new session's People to make them (not undoable: they
        are how the workshop began)."""
        ws = self.act(Workshop.start, self.store, self.clock, method, team, self.lang)
        if ws is FAILED:
            return False
        self.workshop = ws
        self.intents.forget()
        self.dismiss_notice()
        if room is not None:
            self.act(room, self.people())
        self.show("workshop")
        return True

    def begin(self):
        """"Start a workshop" on the board: the home screen when a session waits for its
        next meeting (it offers "Continue"), else straight to the method picker."""
        from kiosk.core.workshop import waiting_sessions

        try:
            waiting = self.store is not None and bool(waiting_sessions(self.store))
        except StoreError:
            waiting = False
        self.show("home" if waiting else "picker")

    def end_meeting(self, next_date) -> bool:
        """End this meeting with the next one's day (None: not known yet); the session
        waits and the kiosk shows the board. False when refused (nothing changed)."""
        ws = self.workshop
        if ws is None or self.act(ws.end_meeting, next_date) is FAILED:
            return False
        self.workshop = None
        self._wall = None
        self._people = None
        self.intents.forget()
        self.show(self.idle_screen())
        return True

    def continue_meeting(self, session_id: str) -> bool:
        """Open the next meeting of a waiting session on its own wall."""
        ws = self.act(Workshop.continue_meeting, self.store, self.clock, session_id)
        if ws is FAILED:
            return False
        self.workshop = ws
        self._wall = None
        self._people = None
        self.intents.forget()
        self.dismiss_notice()
        self.show("workshop")
        return True

    def end_workshop(self):
        if self.workshop is not None and self.act(self.workshop.finish) is not FAILED:
            self.workshop = None
            self._wall = None
            self._people = None
            self.intents.forget()
            self.show(self.idle_screen())

    def save_settings(self, new: Settings) -> bool:
        if self.store is None:  # the data folder could not be opened: nothing can be saved
            self.say(self.screen("home").fatal, "error")
            return False
        if self.act(self.store.set_state, "settings", new.to_dict()) is FAILED:
            return False
        self.settings = new
        self.lang = i18n.set_language(new.lang)
        self.idle.timeout = float(new.idle_minutes * 60)
        return True

    # -- the clock tick ------------------------------------------------------------

    def _tick(self, dt):
        if self.workshop is not None:  # on any screen: a clock jump absorbed, the heartbeat kept
            self.workshop.keep_time()
        current = self.sm.current_screen if self.root else None
        if current is not None:
            current.tick()  # every screen keeps kiosk.ui.screen's contract
        if self._pad_glue is not None:
            self._pad_glue.tick()  # what the phones see, sent once after a change
        idle = self.idle_screen()
        if current is not None and self.idle.should_return(self.sm.current == idle, self.workshop is not None):
            self.show(idle)
            self.idle.touched()
        if self.options.probe:
            self._write_probe(current)

    def _write_probe(self, screen):
        """What the screen shows, for an outside test driving the window with real input.

        Written only when started with KIOSK_PROBE=<file>: the current screen, the
        step, the timer text and the centre (top-left origin, as X11 counts) of
        every widget with a kv id on the current screen.
        """
        if screen is None:
            return
        height = Window.height
        centres = {}
        modals = [m for m in Window.children if isinstance(m, ModalView)]  # a picker, a confirm
        for w in [x for top in (screen, *modals) for x in top.walk()]:
            for name, widget in getattr(w, "ids", {}).items():
                if widget.get_root_window() is not None and not widget.disabled \
                        and widget.width > 0 and widget.height > 0:  # a folded-away overlay is no target
                    x, y = widget.to_window(*widget.center)
                    centres[name] = [round(x), round(height - y)]
        ws = self.workshop
        state = {
            "screen": self.sm.current, "notice": self.notice, "centres": centres,
            "fatal": self.sm.get_screen("home").fatal if self.sm.has_screen("home") else "",
            "step": ws.session.step.id if ws else None,
            "timer": getattr(screen, "timer_text", None),
            "running": ws.session.timer.running if ws else None,
        }
        tmp = f"{self.options.probe}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(tmp, self.options.probe)
