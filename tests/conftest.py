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


@pytest.fixture
def store(tmp_path, clock):
    """A real store in a fresh folder, on the test clock."""
    from kiosk.store import Store

    s = Store(tmp_path / "data", clock=clock)
    yield s
    s.close()


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
