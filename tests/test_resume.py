"""Pull the plug mid-step: the real kiosk process, real X input, SIGKILL, restart.

The kiosk runs as a user starts it (``python -m kiosk``) on its own Xvfb. It is
driven with xdotool clicks — real pointer events through X11, SDL and Kivy — at
the positions the app reports in its probe file (KIOSK_PROBE).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.store import Store
from kiosk_testing import start_xvfb

pytestmark = [pytest.mark.window, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def xserver():
    if not shutil.which("xdotool"):
        pytest.fail("xdotool is missing: ./dev.sh test installs it")
    proc, display = start_xvfb(1280, 720)
    yield display
    proc.terminate()
    proc.wait(timeout=10)


def launch(display, data, probe):
    env = {**os.environ, "DISPLAY": display, "KIOSK_PROBE": str(probe), "SDL_AUDIODRIVER": "dummy"}
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--windowed", "--size", "1280x720", "--data", str(data),
         "--lang", "en", "--demo", "--touch", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(probe: Path, proc, check, timeout=60.0) -> dict:
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"the kiosk died: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            last = json.loads(probe.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = None
        if last and check(last):
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out; last probe: {last}")


def click(display, state: dict, name: str) -> None:
    x, y = state["centres"][name]
    env = {**os.environ, "DISPLAY": display}
    subprocess.run(["xdotool", "mousemove", str(x), str(y)], env=env, check=True, timeout=10)
    time.sleep(0.2)  # SDL sees the pointer arrive before the press, as with a real hand
    subprocess.run(["xdotool", "click", "1"], env=env, check=True, timeout=10)


def tap_until(display, probe, proc, state, name, check, tries=4) -> dict:
    """Tap, and tap again only if nothing happened (a window still mapping misses a first tap)."""
    for _ in range(tries):
        click(display, state, name)
        try:
            return wait_for(probe, proc, check, timeout=8.0)
        except AssertionError:
            state = json.loads(probe.read_text(encoding="utf-8"))
            if check(state):
                return state
    raise AssertionError(f"tapping {name} did nothing: {state}")


def seconds(text: str) -> int:
    m, s = text.split(":")[-2:]
    return int(m) * 60 + int(s)


def test_kill_mid_step_and_restart_in_the_same_step_with_the_right_time(xserver, tmp_path):
    data, probe = tmp_path / "data", tmp_path / "probe.json"
    kiosk = launch(xserver, data, probe)
    try:
        state = wait_for(probe, kiosk, lambda s: s["screen"] == "workshop" and "toggle" in s["centres"])
        assert state["step"] == "velkomst" and state["running"] is False
        state = tap_until(xserver, probe, kiosk, state, "toggle", lambda s: s["running"])
        state = tap_until(xserver, probe, kiosk, state, "next",
                          lambda s: s["step"] == "refleksion" and s["running"])
        time.sleep(2.0)
    finally:
        kiosk.send_signal(signal.SIGKILL)     # the power cord
        kiosk.wait(timeout=10)
    assert kiosk.returncode == -signal.SIGKILL
    time.sleep(1.0)                           # the kiosk is off for a moment

    with Store(data) as store:                # what was acknowledged is on disk
        sid = store.get_state("active_session")
        timer = store.load_session(sid)["timers"]["refleksion"]
        started = timer["runs"][-1][0]
        assert timer["runs"][-1][1] is None
        assert store.load_session(sid)["step_index"] == 1

    probe.unlink()
    again = launch(xserver, data, probe)
    try:
        state = wait_for(probe, again, lambda s: s["screen"] == "workshop" and s["timer"])
        seen_at = probe.stat().st_mtime
        assert state["step"] == "refleksion" and state["running"] is True
        expected = 600 - (seen_at - started)
        assert abs(seconds(state["timer"]) - expected) <= 2.0, (state["timer"], expected)
        assert seconds(state["timer"]) <= 600 - 3  # 2 s running + 1 s off counted, as in the room
        assert state["notice"] == ""              # a clean kill is no damage
        again.send_signal(signal.SIGTERM)         # a service manager's stop: it leaves cleanly
        assert again.wait(timeout=20) == 0
    finally:
        if again.poll() is None:
            again.send_signal(signal.SIGKILL)
            again.wait(timeout=10)
