"""Fullscreen fills the screen on a bare X server (no window manager), as on a wall
screen started with ``xinit kiosk`` (deploy/kiosk.service's X alternative), and
under a window manager (openbox, when installed).

The real ``kiosk`` command runs in its default mode (no --windowed) on its own Xvfb;
the X server itself is asked how big the window is, and the app's probe file where
its widgets are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from kiosk_testing import start_xvfb
from tests.test_resume import ROOT, wait_for

pytestmark = [pytest.mark.window, pytest.mark.slow]

SCREEN = (1280, 720)
"""Neither Kivy's default window (800×600) nor the test window (1920×1080)."""


@pytest.fixture
def bare_x():
    if not shutil.which("xdotool"):
        pytest.fail("xdotool is missing: ./dev.sh test installs it")
    proc, display = start_xvfb(*SCREEN)
    yield display
    proc.terminate()
    proc.wait(timeout=10)


def window_geometry(display: str, pid: int) -> dict:
    """The kiosk's top-level X window as the X server has it: X, Y, WIDTH, HEIGHT."""
    env = {**os.environ, "DISPLAY": display}
    ids = subprocess.run(["xdotool", "search", "--pid", str(pid)], env=env, capture_output=True,
                         text=True, timeout=10).stdout.split()
    assert len(ids) == 1, f"expected one kiosk window, found {ids}"
    out = subprocess.run(["xdotool", "getwindowgeometry", "--shell", ids[0]], env=env, capture_output=True,
                         text=True, timeout=10, check=True).stdout
    return {k: int(v) for k, v in (line.split("=") for line in out.split()) if k in ("X", "Y", "WIDTH", "HEIGHT")}


@pytest.mark.parametrize("wm", [None, "openbox"])
def test_fullscreen_fills_the_screen(bare_x, tmp_path, wm):
    """None: no window manager at all (the case that gave 800×600)."""
    env = {**os.environ, "DISPLAY": bare_x}
    manager = None
    if wm is not None:
        if not shutil.which(wm):
            pytest.skip(f"{wm} is not installed (apt-get install {wm}); the bare X case runs without it")
        manager = subprocess.Popen([wm], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
    try:
        run_and_measure(bare_x, tmp_path)
    finally:
        if manager is not None:
            manager.terminate()
            manager.wait(timeout=10)


def run_and_measure(display: str, tmp_path) -> None:
    """The kiosk in its default mode on ``display``: its window is the whole screen."""
    probe = tmp_path / "probe.json"
    env = {**os.environ, "DISPLAY": display, "KIOSK_PROBE": str(probe), "SDL_AUDIODRIVER": "dummy"}
    env.pop("KIOSK_USE_DISPLAY", None)
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--data", str(tmp_path / "data"), "--lang", "en",
                             "--touch", "none"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(probe, proc, lambda s: s["screen"] == "board")
        time.sleep(2.0)                         # the first frames lay the board out
        state = wait_for(probe, proc, lambda s: s["screen"] == "board")
        geometry = window_geometry(display, proc.pid)
        assert geometry == {"X": 0, "Y": 0, "WIDTH": SCREEN[0], "HEIGHT": SCREEN[1]}, geometry
        # and the content is laid out for that window: Menu in its top right corner,
        # nothing outside it
        x, y = state["centres"]["menu"]
        assert SCREEN[0] - 250 < x < SCREEN[0] and 0 < y < 200, (x, y)
        centres = state["centres"].values()
        assert all(0 <= cx <= SCREEN[0] and 0 <= cy <= SCREEN[1] for cx, cy in centres), state["centres"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
