"""A full or read-only disk never stops the kiosk: the real program on a real small tmpfs.

The kiosk runs as systemd starts it (``python -m kiosk``, its own Xvfb, the log in
DATA/kivy/logs), driven with real X clicks at the places its probe file reports
(KIOSK_PROBE, as in test_resume). The disk is a tmpfs of a few MB that the test fills
with a file, then the kiosk's own log file to its last byte, so the next log line
fails for certain; the read-only disk is a read-only bind mount (chmod does not stop
root). Mounting needs root: without it the tests are skipped, saying why.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk_testing import start_xvfb

pytestmark = [pytest.mark.window, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]


def _mount(args: list[str]) -> None:
    r = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        pytest.skip(f"cannot mount here (root and mount are needed): {r.stderr.strip() or r.returncode}")


def _umount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True, timeout=30).returncode != 0:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path):
    """A real 16 MB filesystem (tmpfs), to be filled."""
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)])
    yield disk
    _umount(disk)


@pytest.fixture
def read_only(tmp_path):
    """(source, view): the same folder, and a read-only bind mount of it."""
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    source, view = tmp_path / "source", tmp_path / "view"
    source.mkdir()
    view.mkdir()
    _mount(["--bind", str(source), str(view)])
    try:
        _mount(["-o", "remount,ro,bind", str(view)])
    except BaseException:
        _umount(view)
        raise
    yield source, view
    _umount(view)


@pytest.fixture
def xserver():
    if not shutil.which("xdotool"):
        pytest.fail("xdotool is missing: ./dev.sh test installs it")
    proc, display = start_xvfb(1280, 720)
    yield display
    proc.terminate()
    proc.wait(timeout=10)


class Kiosk:
    """The real program in a subprocess; stderr goes to a file (a pipe nobody reads could fill)."""

    def __init__(self, display: str, data: Path, work: Path, *extra: str):
        self.display, self.data = display, data
        self.probe = work / "probe.json"
        self.stderr_path = work / "stderr.txt"
        self._err = open(self.stderr_path, "wb")
        env = {**os.environ, "DISPLAY": display, "KIOSK_PROBE": str(self.probe), "SDL_AUDIODRIVER": "dummy"}
        for name in ("KIVY_HOME", "KIVY_LOG_MODE", "KIVY_NO_FILELOG", "KIVY_NO_CONFIG", "NOTIFY_SOCKET"):
            env.pop(name, None)  # as a service starts it, not as this test process is set up
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--windowed", "--size", "1280x720", "--data", str(data),
             "--lang", "en", "--touch", "none", *extra],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self._err)

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(f"the kiosk died (exit {self.proc.returncode}): {self.stderr()[-3000:]}")

    def state(self) -> dict | None:
        try:
            return json.loads(self.probe.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def wait_for(self, check, timeout: float = 60.0) -> dict:
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            self.alive()
            last = self.state()
            if last and check(last):
                return last
            time.sleep(0.1)
        raise AssertionError(f"timed out; last probe: {last}")

    def click(self, name: str) -> None:
        x, y = self.state()["centres"][name]
        env = {**os.environ, "DISPLAY": self.display}
        subprocess.run(["xdotool", "mousemove", str(x), str(y)], env=env, check=True, timeout=10)
        time.sleep(0.2)
        subprocess.run(["xdotool", "click", "1"], env=env, check=True, timeout=10)

    def tap_until(self, name: str, check, tries: int = 5) -> dict:
        """Tap, and again only if nothing happened (a window still mapping misses a first tap)."""
        for _ in range(tries):
            self.click(name)
            try:
                return self.wait_for(check, timeout=4.0)
            except AssertionError:
                self.alive()
        raise AssertionError(f"tapping {name} did nothing; probe: {self.state()}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # as systemctl stop does
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._err.close()
        return self.proc.returncode


def _top_up(path: Path, byte: bytes) -> None:
    """Append to ``path`` until the disk refuses, in ever smaller pieces down to one byte."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 65536, 4096, 512, 64, 1):
            try:
                while True:
                    os.write(fd, byte * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


def fill(disk: Path) -> Path:
    """Write zeros until the filesystem refuses: the disk is full."""
    blocker = disk / "blocker"
    _top_up(blocker, b"\0")
    return blocker


def fill_tails(folder: Path) -> None:
    """Top up every file in the folder to the end of its last page, so the next byte needs a
    new block the disk does not have: the kiosk's next log line fails for certain."""
    for path in folder.iterdir():
        if path.is_file():
            _top_up(path, b"-")


def wait_for_line(path: Path, text: str, timeout: float = 20.0) -> str:
    end = time.monotonic() + timeout
    found = ""
    while time.monotonic() < end:
        try:
            found = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            found = ""
        if text in found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path}: {found[-1500:]}")


def test_a_disk_that_fills_during_a_workshop_is_said_and_the_kiosk_lives_on(small_disk, xserver, tmp_path):
    data = small_disk / "data"
    k = Kiosk(xserver, data, tmp_path, "--demo")
    try:
        state = k.wait_for(lambda s: s["screen"] == "workshop" and "plus1" in s["centres"])
        assert not state["notice"]
        logs = data / "kivy" / "logs"
        wait_for_line(logs / "kiosk.log", "health: up ")  # the start's health check is done, the disk fine
        blocker = fill(small_disk)
        fill_tails(logs)
        # a save on the full disk: said on the wall, in plain words
        state = k.tap_until("plus1", lambda s: "disk is full" in s["notice"])
        assert "not saved" in state["notice"]
        time.sleep(0.5)
        for _ in range(8):  # more failed saves, each logging a line that cannot be written
            k.click("plus1")
            time.sleep(0.15)
        time.sleep(1.0)
        k.alive()
        assert "disk is full" in k.state()["notice"]
        assert "Traceback" not in k.stderr() and "lost sys.stderr" not in k.stderr()
        # space again: the next tap is saved, the banner's error clears, the log says what it lost
        blocker.unlink()
        time.sleep(5.5)  # the log tries its file again after a pause (logfile.RETRY_SECONDS)
        k.tap_until("plus1", lambda s: not s["notice"])
        k.click("plus1")  # one more line in the log: the first after the pause says what was lost
        wait_for_line(logs / "kiosk.log", "log line(s) were dropped (No space left on device)")
    finally:
        code = k.stop()
    assert code == 0, k.stderr()[-2000:]


def test_a_disk_already_full_at_start_opens_the_window_and_says_so(small_disk, xserver, tmp_path):
    data = small_disk / "data"
    data.mkdir()
    fill(small_disk)
    k = Kiosk(xserver, data, tmp_path)
    try:
        state = k.wait_for(lambda s: s["screen"] == "board" and s["notice"])
        assert "disk is full" in state["notice"]
        time.sleep(1.0)
        k.alive()
    finally:
        code = k.stop()
    assert code == 0, k.stderr()[-2000:]


@pytest.mark.parametrize("holding", ["nothing", "a workshop"])
def test_a_read_only_data_folder_opens_the_window_and_says_so(read_only, xserver, tmp_path, holding):
    """A fresh folder on a read-only disk, and one with data whose disk was remounted read-only
    (ext4's errors=remount-ro): the window comes up and says what is wrong."""
    source, view = read_only
    (source / "data").mkdir()
    if holding == "a workshop":
        w = Kiosk(xserver, source / "data", tmp_path, "--demo")
        try:
            w.wait_for(lambda s: s["screen"] == "workshop")
        finally:
            assert w.stop() == 0
        w.probe.unlink()
    k = Kiosk(xserver, view / "data", tmp_path)
    try:
        state = k.wait_for(lambda s: s["screen"] == "home" and s["fatal"])
        assert "read-only or not writable" in state["fatal"] and str(view / "data") in state["fatal"]
        time.sleep(1.0)
        k.alive()
        assert "Traceback" not in k.stderr()
    finally:
        code = k.stop()
    assert code == 0, k.stderr()[-2000:]


def test_a_data_folder_that_cannot_be_made_on_a_read_only_disk_still_opens_the_window(read_only, xserver, tmp_path):
    _, view = read_only
    k = Kiosk(xserver, view / "new" / "data", tmp_path)
    try:
        state = k.wait_for(lambda s: s["screen"] == "home" and s["fatal"])
        assert "read-only or not writable" in state["fatal"]
    finally:
        code = k.stop()
    assert code == 0, k.stderr()[-2000:]


# -- screenshots ----------------------------------------------------------------------------

def _shoot(size: str) -> list:
    """The start-up screen on a read-only data folder, and a save on a full disk (the real app,
    in-process, on a real read-only bind mount and a real filled tmpfs; root only)."""
    import tempfile

    import kiosk_testing as testing
    from kiosk.clock import FakeClock

    w, h = (int(x) for x in size.split("x"))
    testing.virtual_display(w + 80, h + 80)
    testing.prepare_kivy(w, h)
    out = ROOT / "screenshots" / "disk"
    base = Path(tempfile.mkdtemp(prefix="kiosk-disk-"))
    shots = []
    source, view, disk = base / "source", base / "view", base / "disk"
    for d in (source / "data", view, disk):
        d.mkdir(parents=True)
    subprocess.run(["mount", "--bind", str(source), str(view)], check=True)
    subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True)
    try:
        k = testing.Driver(view / "data", clock=FakeClock(1_800_000_000.0), lang="en")
        try:
            shots.append(k.screenshot(out / f"start-read-only-{size}.png"))
        finally:
            k.close()
    finally:
        _umount(view)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], check=True)
    try:
        k = testing.Driver(disk / "data", clock=FakeClock(1_800_000_000.0), lang="en", demo=True)
        try:
            k.frames(5)
            fill(disk)
            k.tap("plus1")
            k.frames(3)
            shots.append(k.screenshot(out / f"workshop-disk-full-{size}.png"))
        finally:
            k.close()
    finally:
        _umount(disk)
        shutil.rmtree(base, ignore_errors=True)
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
