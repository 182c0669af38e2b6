"""Shared fixtures. The window tests share one real Kivy window under Xvfb.

Kivy is imported only by the ``kiosk`` fixtures, so the core tests never open a
window; the first window test starts Xvfb and sets Kivy up before importing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WINDOW = (1920, 1080)
WALK_WINDOW = (960, 540)
"""For tests marked ``walk``: a whole method by touch, where drawing the frames (in software,
under Xvfb) is most of the time. The layout scales with the window (app.s = 0.5), so
the walk is the same; the frames cost a quarter. Sizes are proven at 1080p elsewhere."""
SCREENSHOTS = ROOT / "screenshots" / "tests"


@pytest.fixture(scope="session")
def display(tmp_path_factory):
    """A virtual screen and Kivy prepared for it (once per test run)."""
    import kiosk_testing as testing

    proc = testing.virtual_display(4000, 2200)
    testing.prepare_kivy(*WINDOW, home=tmp_path_factory.mktemp("kivy-home"))
    yield
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def clock():
    from kiosk.clock import FakeClock

    return FakeClock(1_800_000_000.0)


@pytest.fixture
def method():
    """The Trivselsdialog as its file says."""
    from kiosk.core.loader import load_method

    return load_method(ROOT / "methods" / "trivselsdialog.toml")


RUNNING = {"id": "s1", "team": "Team A", "status": "running", "created_at": 1.0}
"""A running session's record as the rules read it: what a rules test starts from."""


def pytest_configure(config):
    config.addinivalue_line("markers", "running_session: the store fixture starts with RUNNING (s1) saved in it")
    config.addinivalue_line("markers", "refusal(error=...): the Refusal subclass that the refused fixture expects")


@pytest.fixture
def store(request, tmp_path, clock):
    """A real store in a fresh folder, on the test clock; with the session RUNNING saved in
    it for a test or module marked ``running_session`` (the store holds its folder's lock,
    so a test that opens its own store simply does not ask for this one)."""
    from kiosk.store import Store

    s = Store(tmp_path / "data", clock=clock)
    if request.node.get_closest_marker("running_session"):
        s.save_session(dict(RUNNING))
    yield s
    s.close()


@pytest.fixture
def save_session(store):
    """``save_session(sid="s1", **fields)``: save a running session's record (RUNNING with
    these fields) in the test store; its id."""

    def save(sid: str = RUNNING["id"], **fields) -> str:
        store.save_session({**RUNNING, "id": sid, **fields})
        return sid

    return save


@pytest.fixture
def refused(request):
    """``refused(reason, call, *args, **kw)``: the call is refused with that reason key (also
    its text). The error must be the module's own kind, named by its ``refusal(error=...)``
    mark (any Refusal without one); it is returned for more checks."""
    from kiosk.core.refusal import Refusal

    mark = request.node.get_closest_marker("refusal")
    error = mark.kwargs["error"] if mark else Refusal

    def check(reason: str, call, *args, **kw):
        with pytest.raises(error) as err:
            call(*args, **kw)
        assert err.value.reason == reason == str(err.value)
        return err.value

    return check


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def kiosk(request, display, data_dir, clock):
    """The real kiosk app in the real window, with the test clock and a fresh data folder."""
    from kiosk_testing import Driver, window_size

    walk = request.node.get_closest_marker("walk") is not None
    if walk:
        window_size(*WALK_WINDOW)
    driver = Driver(data_dir, clock=clock, lang="en")
    yield driver
    driver.close()
    if walk:
        window_size(*WINDOW)
