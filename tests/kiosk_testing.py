"""Drive the real kiosk in a real window: for tests, screenshots and benchmarks.

Touches go through Kivy's event loop exactly as a touch panel's do (down, move,
up as MotionEvents dispatched by the EventLoop), and frames are really drawn by
the GL driver (Mesa llvmpipe under Xvfb on a machine without a screen).

Call ``virtual_display()`` and ``prepare_kivy()`` before anything imports Kivy.

It lives in tests/, not in the ``kiosk`` package, so it does not ship in the wheel:
pytest and a test file run as a script find it beside them; tools/ and benchmarks/
put tests/ on ``sys.path``.
"""

from __future__ import annotations

import atexit
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def virtual_display(width: int = 1920, height: int = 1080) -> subprocess.Popen | None:
    """Start Xvfb for this process unless a display is already set (KIOSK_USE_DISPLAY=1 keeps it)."""
    if os.environ.get("DISPLAY") and os.environ.get("KIOSK_USE_DISPLAY") == "1":
        return None
    proc, display = start_xvfb(width, height)
    os.environ["DISPLAY"] = display
    atexit.register(_stop, proc)  # a benchmark or tool that just exits must not leave it running
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def start_xvfb(width: int, height: int) -> tuple[subprocess.Popen, str]:
    """A new Xvfb on a free display number: (process, ':N').

    Xvfb picks the number itself and writes it to a pipe once it accepts clients
    (``-displayfd``): no guessing a free number against the other test processes, and
    no polling for its socket."""
    if not shutil.which("Xvfb"):
        raise RuntimeError("Xvfb is not installed: run ./dev.sh test, which installs it")
    ready, writer = os.pipe()
    try:
        proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(writer), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(writer,))
    finally:
        os.close(writer)
    number = b""
    with os.fdopen(ready, "rb", buffering=0) as pipe:
        while not number.endswith(b"\n"):
            if not select.select([pipe], [], [], 30)[0]:
                break  # 30 s without a word: it hangs
            chunk = pipe.read(16)
            if not chunk:
                break  # it ended without a display
            number += chunk
    if not number.strip().isdigit():
        _stop(proc)
        raise RuntimeError("could not start Xvfb")
    return proc, f":{int(number)}"


def prepare_kivy(width: int, height: int, home: Path | None = None) -> None:
    """Kivy's environment for a test window: its own home, no argv, no audio device needed."""
    home = home or Path(tempfile.mkdtemp(prefix="kivy-home-"))
    os.environ["KIVY_HOME"] = str(home)
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # leave stdout/stderr to pytest
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")  # no xsel/xclip probing
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "0")
    Config.set("graphics", "borderless", "1")
    Config.set("graphics", "position", "custom")
    Config.set("graphics", "left", "0")
    Config.set("graphics", "top", "0")
    Config.set("graphics", "maxfps", "0")
    # No multisampling: Mesa's software rasteriser (llvmpipe) then draws a 1080p frame about
    # 4 times faster (45 ms instead of 175 ms, measured), which is most of the suite's time.
    # The kiosk itself keeps Kivy's default (a real screen's GPU does it for free).
    Config.set("graphics", "multisamples", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")
    for option in list(Config.options("input")):
        Config.remove_option("input", option)
    Config.set("input", "mouse", "mouse,disable_multitouch")


def window_size(width: int, height: int) -> None:
    """Resize the process's test window (the app's scale follows on_resize)."""
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    EventLoop.window.size = (width, height)
    EventLoop.idle()


def screenshot_driver(size: str = "1920x1080", lang: str = "en", now: float = 1_800_000_000.0) -> "Driver":
    """A kiosk on a virtual screen of ``size`` ("WxH"), with a fresh data folder and a
    test clock: where the test files' screenshot scripts start (call it before Kivy is
    imported; ``close()`` the driver when done)."""
    w, h = (int(x) for x in size.split("x"))
    virtual_display(w + 80, h + 80)
    prepare_kivy(w, h)
    from kiosk.clock import FakeClock

    return Driver(Path(tempfile.mkdtemp()) / "data", clock=FakeClock(now), lang=lang)


def print_shots(shoot) -> None:
    """A test file run as a script (``python tests/x.py [WxH]``): its screenshot
    function at that size, and the files it wrote."""
    import sys

    for path in shoot(sys.argv[1] if len(sys.argv) > 1 else "1920x1080"):
        print(path)


TEST_PIN = "2580"
"""The admin PIN of a test kiosk (see ``Driver``): one an admin could have chosen."""


def _pin_hash(pin: str, _cache: dict = {}) -> str:  # noqa: B006  (a per-process cache)
    """The PIN's stored hash, computed once (each costs ~50 ms of PBKDF2)."""
    if pin not in _cache:
        from kiosk.core.settings import Settings

        _cache[pin] = Settings().with_pin(pin).pin_hash
    return _cache[pin]


class Driver:
    """One kiosk app in the process-wide window, and a finger to use it.

    ``pin``: a kiosk whose admin has not chosen a PIN yet gets this one, as if an
    admin had chosen it (in memory only: nothing is written until the app writes
    its settings), so a test reaches Settings by typing ``driver.pin``. None
    leaves the published default, which asks for a new PIN first.
    """

    def __init__(self, data_dir: Path, clock=None, lang: str | None = "en", demo: bool = False,
                 pin: str | None = TEST_PIN):
        from dataclasses import replace

        from kivy.base import EventLoop

        from kiosk.ui.app import KioskApp, Options

        EventLoop.ensure_window()
        self.window = EventLoop.window
        self.app = KioskApp(Options(data_dir=Path(data_dir), lang=lang, demo=demo), clock=clock)
        self.app._run_prepare()  # build, add to the window, on_start: as App.run() does
        self.pin = pin
        if pin is not None and not self.app.settings.pin_hash:
            self.app.settings = replace(self.app.settings, pin_hash=_pin_hash(pin))
        if EventLoop.status != "started":
            EventLoop.start()
        self.frames(3)

    # -- the event loop ------------------------------------------------------------

    def frames(self, n: int = 2) -> None:
        from kivy.base import EventLoop

        for _ in range(n):
            EventLoop.idle()

    def advance(self, seconds: float) -> None:
        """Move the test clock and let the screen catch up, as its tick would."""
        self.app.clock.advance(seconds)
        self.app._tick(0)
        self.frames(2)

    def close(self) -> None:
        """Stop the app without stopping the process's event loop (the next test reuses it)."""
        from kivy.app import App

        app = self.app
        app.dispatch("on_stop")  # the app cancels its own clock and guards its screens' callbacks
        for child in list(self.window.children):
            self.window.remove_widget(child)
        App._running_app = None
        self.frames(1)
        forget_app()

    # -- finding widgets -----------------------------------------------------------

    def screen(self):
        return self.app.sm.current_screen

    def find(self, name: str, within=None):
        """The widget with kv id ``name`` on the current screen (or in ``within``)."""
        root = within or self.screen()
        for w in root.walk():
            ids = getattr(w, "ids", {})
            if name in ids:
                return ids[name]
        raise LookupError(f"no widget with id {name!r} on screen {self.app.sm.current!r}")

    # -- the finger ---------------------------------------------------------------

    def touch(self, x: float, y: float):
        from kivy.tests.common import UnitTestTouch

        return UnitTestTouch(x, y)

    def panel(self) -> "Panel":
        """A multitouch panel: fingers with their own touch ids, whose events are queued and
        delivered by the next frame in the order they happened (``Panel``)."""
        return Panel(self)

    def center_of(self, widget) -> tuple[float, float]:
        return widget.to_window(*widget.center)

    def tap(self, widget_or_id, frames: int = 2) -> None:
        """Down and up at the widget's centre, each through the event loop."""
        w = self.find(widget_or_id) if isinstance(widget_or_id, str) else widget_or_id
        if w.disabled:
            raise AssertionError(f"tapped a disabled widget: {widget_or_id!r}")
        if w.get_root_window() is None:
            raise AssertionError(f"tapped a widget that is not on screen: {widget_or_id!r}")
        x, y = self.center_of(w)
        t = self.touch(x, y)
        t.touch_down()  # each goes through the window's input dispatch, as a finger's does;
        t.touch_up()    # a frame between them would only draw the pressed look
        self.frames(frames)

    def enter_pin(self, pin: str | None = None) -> None:
        """Type a PIN on the pad, key by key, and OK (the driver's own by default)."""
        for key in pin if pin is not None else self.pin:
            self.tap("k" + key)
        self.tap("kok")

    def wait_until(self, condition, seconds: float = 5.0) -> bool:
        """Draw frames until ``condition()`` holds, for at most ``seconds`` of real time:
        for what Kivy's clock does a moment later (a scroll list's delayed release, a
        glide, a background load). Its answer, for the caller to assert on."""
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() >= deadline:
                return False
            self.frames(1)
        return True

    def pick_method(self, method_id: str) -> None:
        """On the picker: bring the method's card into view and tap it, as a finger does.
        Wait for the list at rest with the card in sight (the layout places it a frame
        after the scroll; a tap on a gliding list stops it instead), then for the team
        screen (a tap in a scroll list is released a moment later)."""
        assert self.app.sm.current == "picker", self.app.sm.current
        picker = self.app.screen("picker")
        scroll = picker.ids.scroll
        card = picker.card_for(method_id)

        def at_rest() -> bool:
            effect = scroll.effect_y
            x, y = self.center_of(card)
            left, bottom = scroll.to_window(*scroll.pos)
            return (picker._settle is None and not scroll._touch
                    and (effect is None or not effect.velocity)
                    and left < x < left + scroll.width and bottom < y < bottom + scroll.height)

        for _ in range(2):  # a second tap only if the first fell on a list that moved
            self.wait_until(at_rest, 3.0)
            self.tap(card)
            if self.wait_until(lambda: self.app.sm.current != "picker", 1.5):
                break
        assert self.app.sm.current == "team", f"tapping {method_id} left the picker showing"

    def drag(self, start: tuple[float, float], end: tuple[float, float], steps: int = 10) -> None:
        t = self.touch(*start)
        t.touch_down()
        self.frames(1)
        for i in range(1, steps + 1):
            f = i / steps
            t.touch_move(start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f)
            self.frames(1)
        t.touch_up()
        self.frames(2)

    def card_centre(self, board, key: str) -> tuple[float, float]:
        """Where a card of a NoteBoard is on the window."""
        x, y, w, h = board.cards[key].rect
        return board.to_window(board.x + x + w / 2, board.y + y + h / 2)

    def tap_card(self, board, key: str) -> None:
        """A finger down and up on one card of a NoteBoard."""
        t = self.touch(*self.card_centre(board, key))
        t.touch_down()
        self.frames(1)
        t.touch_up()
        self.frames(2)

    def type(self, keyboard, text: str) -> None:
        """Type on the on-screen keyboard, key by key, shifting for capitals: each key a
        real tap at its place on the screen, the frame drawn once the text is in."""
        for ch in text:
            key = {" ": "space"}.get(ch, ch)
            if key not in keyboard.keys:
                self.tap(keyboard.keys["shift"], frames=0)
            if key not in keyboard.keys:
                raise AssertionError(f"no key for {ch!r} on the on-screen keyboard")
            self.tap(keyboard.keys[key], frames=0)
        self.frames(1)

    def pixels(self) -> tuple[int, int, bytes]:
        """The drawn frame as RGB bytes, rows from the bottom (window coordinates)."""
        from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

        self.frames(2)
        w, h = self.window.size
        return w, h, glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE)

    def screenshot(self, path: Path) -> Path:
        """The window as a PNG (Kivy numbers the file; we rename it to ``path``)."""
        self.frames(3)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        made = self.window.screenshot(name=str(path))  # Kivy writes <stem>0001<suffix>
        made = Path(made) if made else None
        if made is None or not made.exists():
            raise RuntimeError("the window did not give a screenshot")
        made.replace(path)
        return path


class Panel:
    """Several fingers on the glass at once, as a multitouch panel reports them.

    Each contact is a MotionEvent with the touch id the panel gave it (``down(id, …)``);
    a finger's move and up name that id. The events are queued on the event loop's input
    queue, as an input provider queues them, and the next frame runs them through Kivy's
    input post-processing (double tap, calibration …) and dispatches them in the order
    they happened: down 1, down 2, up 1, down 3 … within one frame, interleaved as
    several people's fingers are. ``Driver.tap`` instead dispatches one touch at once."""

    def __init__(self, driver: Driver) -> None:
        from kivy.base import EventLoop
        from kivy.input import kivy_postproc_modules

        self.driver = driver
        self.loop = EventLoop
        self.down_now: dict[int, object] = {}
        for mod in kivy_postproc_modules.values():  # as App.run() adds them for a real panel
            EventLoop.add_postproc_module(mod)

    def _event(self, touch_id: int, x: float, y: float):
        from kivy.input.motionevent import MotionEvent

        class PanelTouch(MotionEvent):
            def depack(self, args):
                self.sx, self.sy = args
                self.profile = ["pos"]
                super().depack(args)

        w, h = self.loop.window.size
        return PanelTouch("panel", touch_id, (x / (w - 1.0), y / (h - 1.0)), is_touch=True, type_id="touch")

    def _where(self, target) -> tuple[float, float]:
        if isinstance(target, tuple):
            return target
        if target.disabled or target.get_root_window() is None:
            raise AssertionError(f"a finger on a widget that cannot be touched: {target!r}")
        return self.driver.center_of(target)

    def down(self, touch_id: int, target) -> None:
        """A finger touches a widget's centre (or an (x, y) of the window)."""
        if touch_id in self.down_now:
            raise AssertionError(f"touch {touch_id} is down already")
        touch = self._event(touch_id, *self._where(target))
        self.down_now[touch_id] = touch
        self.loop._dispatch_input("begin", touch)

    def move(self, touch_id: int, target) -> None:
        touch = self.down_now[touch_id]
        w, h = self.loop.window.size
        x, y = self._where(target)
        touch.move((x / (w - 1.0), y / (h - 1.0)))
        self.loop._dispatch_input("update", touch)

    def up(self, touch_id: int) -> None:
        self.loop._dispatch_input("end", self.down_now.pop(touch_id))

    def tap(self, touch_id: int, target) -> None:
        self.down(touch_id, target)
        self.up(touch_id)


def exported_texts(store, session_id: str, clock) -> set[str]:
    """Every text in the session's JSON export, as the manager's phone downloads it
    (the same document the page, the CSVs and the PDF are made from)."""
    import json

    from kiosk.core import export

    doc = json.loads(export.render(export.document(store, session_id, clock=clock), "json"))
    out: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            out.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    return out


def forget_app() -> None:
    """Make the kv rules' ``app`` find the next app. Kivy's proxy behind ``app`` keeps the
    app it first found and lets go only on that app's ``on_stop``; a kv expression run
    after it (a widget leaving the window, a last clock callback) would pin the stopped
    app for every later test in the process, whose taps would then reach its screens."""
    from kivy.lang import global_idmap

    object.__setattr__(global_idmap["app"], "_obj", None)
