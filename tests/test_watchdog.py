"""The systemd watchdog and the health line, with a real AF_UNIX datagram socket as systemd's.

The kiosk runs as a service starts it (``python -m kiosk`` with ``NOTIFY_SOCKET`` and
``WATCHDOG_USEC`` set); the test plays systemd: it binds the socket and reads what
arrives. READY=1 comes once the window is up, WATCHDOG=1 keeps coming, and it comes
from the UI loop: a UI that does not run its frames sends nothing, so systemd would
restart it. The health line (uptime, memory, free disk, store size) goes to the log.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from kiosk import health, sdnotify

ROOT = Path(__file__).resolve().parents[1]


class FakeSystemd:
    """A bound datagram socket, as systemd's notify socket, with what it received."""

    def __init__(self, abstract: bool = False):
        self.dir = tempfile.mkdtemp(prefix="sd-", dir="/tmp")  # a socket path is at most 107 bytes
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = f"kiosk-test-{os.getpid()}-{time.monotonic_ns()}"
            self.sock.bind("\0" + name)
            self.address = "@" + name
        else:
            self.address = os.path.join(self.dir, "notify")
            self.sock.bind(self.address)
        self.received: list[tuple[float, str]] = []

    def read(self, seconds: float) -> list[str]:
        """Everything that arrives within ``seconds``."""
        got = []
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                break
            text = data.decode()
            self.received.append((time.monotonic(), text))
            got.append(text)
        return got

    def wait_for(self, state: str, seconds: float) -> list[str]:
        end = time.monotonic() + seconds
        got: list[str] = []
        while time.monotonic() < end:
            got += self.read(min(0.5, max(0.0, end - time.monotonic())))
            if state in got:
                return got
        raise AssertionError(f"{state!r} never arrived; got {got}")

    def close(self):
        self.sock.close()
        if os.path.exists(os.path.join(self.dir, "notify")):
            os.unlink(os.path.join(self.dir, "notify"))
        os.rmdir(self.dir)


@pytest.fixture
def systemd():
    s = FakeSystemd()
    yield s
    s.close()


# -- the protocol itself -----------------------------------------------------------------------

def test_notify_sends_one_datagram_to_a_path_or_an_abstract_socket(monkeypatch):
    for abstract in (False, True):
        s = FakeSystemd(abstract=abstract)
        try:
            monkeypatch.setenv("NOTIFY_SOCKET", s.address)
            assert sdnotify.notify("READY=1") is True
            assert s.read(1.0) == ["READY=1"]
        finally:
            s.close()


def test_without_systemd_or_with_its_socket_gone_notify_is_a_quiet_no(monkeypatch, tmp_path):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sdnotify.notify("WATCHDOG=1") is False
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))
    assert sdnotify.notify("WATCHDOG=1") is False  # no exception: the UI goes on


def test_the_watchdog_timeout_is_ours_or_our_parents(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert sdnotify.watchdog_seconds() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getppid()))  # cage or xinit is the unit's main process
    assert sdnotify.watchdog_seconds() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", "1")                 # someone else's watchdog
    assert sdnotify.watchdog_seconds() is None
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    monkeypatch.setenv("WATCHDOG_USEC", "soon")
    assert sdnotify.watchdog_seconds() is None
    monkeypatch.delenv("WATCHDOG_USEC")
    assert sdnotify.watchdog_seconds() is None


# -- the real program --------------------------------------------------------------------------

@pytest.mark.window
@pytest.mark.slow
def test_the_running_kiosk_says_ready_pings_and_says_stopping(systemd, tmp_path):
    from kiosk_testing import start_xvfb

    xproc, display = start_xvfb(1280, 720)
    env = {**os.environ, "DISPLAY": display, "SDL_AUDIODRIVER": "dummy", "NOTIFY_SOCKET": systemd.address,
           "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": str(os.getpid())}  # we are its parent, as cage is
    for name in ("KIVY_HOME", "KIVY_LOG_MODE", "KIVY_NO_FILELOG"):
        env.pop(name, None)
    err = open(tmp_path / "stderr.txt", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--windowed", "--size", "1280x720", "--data",
                             str(tmp_path / "data"), "--lang", "en", "--demo", "--touch", "none"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        got = systemd.wait_for("READY=1", 60)
        assert not any(g == "WATCHDOG=1" for g in got[:got.index("READY=1")])  # ready first
        ready_at = systemd.received[-1][0] if got[-1] == "READY=1" else time.monotonic()
        got = systemd.read(4.0)
        pings = [t for t, g in systemd.received if g == "WATCHDOG=1" and t >= ready_at]
        assert len(pings) >= 3, got                       # half the 2 s timeout: about one a second
        assert max(b - a for a, b in zip(pings, pings[1:])) < 2.0
        status = [g for _, g in systemd.received if g.startswith("STATUS=health: ")]
        assert status and re.search(r"memory \d+\.\d MB RSS, disk \d+\.\d MB free, store \d+\.\d MB", status[0])
        log = (tmp_path / "data" / "kivy" / "logs" / "kiosk.log").read_text(encoding="utf-8")
        assert "health: up 0h 00m, memory " in log and "systemd watchdog: a ping every 1.0 s" in log

        proc.send_signal(signal.SIGSTOP)                   # the whole process stands still
        assert "WATCHDOG=1" not in systemd.read(2.5)       # systemd would now restart it
        proc.send_signal(signal.SIGCONT)
        assert "WATCHDOG=1" in systemd.read(2.5)

        proc.send_signal(signal.SIGTERM)                   # systemctl stop
        assert proc.wait(timeout=20) == 0
        assert "STOPPING=1" in systemd.read(1.0) + [g for _, g in systemd.received]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err.close()
        xproc.terminate()
        xproc.wait(timeout=10)


@pytest.mark.window
def test_the_pings_come_from_the_ui_loop_so_a_frozen_ui_sends_none(display, data_dir, clock, systemd,
                                                                   monkeypatch):
    """In the real app in the real window: pings while frames run, none while the UI thread is
    held (the kind of freeze a stuck call on the UI thread makes), and they resume after."""
    from kiosk_testing import Driver

    monkeypatch.setenv("NOTIFY_SOCKET", systemd.address)
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    k = Driver(data_dir, clock=clock, lang="en")
    try:
        def run_frames(seconds):
            got, end = [], time.monotonic() + seconds
            while time.monotonic() < end:
                k.frames(1)
                got += systemd.read(0.05)
            return got

        got = run_frames(2.0)
        assert "READY=1" in got and got.count("WATCHDOG=1") >= 3
        assert k.app._health_event.timeout == 3600             # the health line: once an hour
        time.sleep(2.0)                                        # the UI thread is stuck: no frames
        assert "WATCHDOG=1" not in systemd.read(0.05)          # what was sent meanwhile waits in the socket
        assert "WATCHDOG=1" in run_frames(1.0)                 # running again: pinging again
    finally:
        k.close()
    assert "STOPPING=1" in systemd.read(0.5)


# -- the health line -----------------------------------------------------------------------------

def test_the_health_line_names_uptime_memory_free_disk_and_store_size(store, tmp_path):
    from kiosk.core.loader import load_method
    from kiosk.core.workshop import Workshop

    method = load_method(ROOT / "methods" / "trivselsdialog.toml")
    Workshop.start(store, store.clock, method, "Lageret")
    data = Path(store.data_dir)
    h = health.check(data, log_dropped=3)
    on_disk = sum(p.stat().st_size for p in [*data.glob("kiosk.json*"), *(data / "sessions").iterdir()])
    assert h.store_bytes == on_disk > 0
    assert h.rss_bytes is not None and 10 * 2**20 < h.rss_bytes < 4 * 2**30
    st = os.statvfs(data)
    assert abs(h.free_bytes - st.f_bavail * st.f_frsize) < 64 * 2**20
    line = h.line()
    assert re.fullmatch(r"health: up \d+h \d\dm, memory \d+\.\d MB RSS, disk \d+\.\d MB free, "
                        r"store \d+\.\d MB, log lines dropped 3", line), line
    assert health.uptime_text(3 * 86400 + 5 * 3600 + 7 * 60 + 30) == "3d 5h 07m"


def test_a_nearly_full_disk_is_low(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        h = health.check(disk)
        assert h.free_bytes <= 4 * 2**20 and h.low_disk
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
    assert not health.Health(0, None, 500 * 2**20, 0, 0).low_disk
    assert not health.Health(0, None, None, 0, 0).low_disk  # cannot tell: no alarm
