"""The admin sets the wall screen's habits in Settings with real taps: how long until
the board comes back, the night dim and its hours, how long a QR link stays open.
Every tap is stored before it shows, and the kiosk acts on it at once.

Screenshots: ``PYTHONPATH=.:tests python tests/test_ui_settings.py 1920x1080`` (or
3840x2160) writes Settings in Danish under screenshots/settings/.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.core.settings import Settings

from test_ui_delete_session import to_settings

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]


def stored(app) -> Settings:
    return Settings.from_dict(app.store.get_state("settings"))


def test_idle_minutes_are_stepped_stored_and_obeyed(kiosk):
    k = kiosk
    app = k.app
    screen = to_settings(k)
    idle = screen.ids.idle_minutes
    assert idle.value == "2 min" and idle.ids.down.height >= 80 * app.s
    k.tap(idle.ids.up)
    k.tap(idle.ids.up)
    assert idle.value == "5 min" and stored(app).idle_minutes == 5 and app.idle.timeout == 300
    k.tap("back")
    app.show("home")                            # someone leaves the start screen open
    k.frames(2)
    k.advance(4 * 60 + 30)
    assert app.sm.current == "home"             # 2 minutes no longer sends it away …
    k.advance(40)
    assert app.sm.current == "board"            # … 5 minutes do


def test_the_ends_grey_their_button_and_a_tap_there_changes_nothing(kiosk):
    k = kiosk
    app = k.app
    screen = to_settings(k)
    idle = screen.ids.idle_minutes
    k.tap(idle.ids.down)
    assert idle.value == "1 min" and idle.ids.down.disabled
    t = k.touch(*k.center_of(idle.ids.down))    # a finger on the greyed button
    t.touch_down()
    t.touch_up()
    k.frames(2)
    assert stored(app).idle_minutes == 1 and idle.value == "1 min"
    qr = screen.ids.export_minutes
    for _ in range(3):
        k.tap(qr.ids.up)
    assert qr.value == "60 min" and stored(app).export_minutes == 60      # 15 → 20 → 30 → 60


def test_night_dim_off_keeps_the_board_bright_and_its_hours_follow_the_steppers(kiosk):
    k = kiosk
    app = k.app
    screen = to_settings(k)
    k.tap("night")
    assert stored(app).night_dim is False and app.settings.night_dim is False
    assert screen.ids.night_start.ids.up.disabled                 # hours greyed while off
    k.tap("back")
    app.show("board")
    k.frames(2)
    board = k.screen()
    now = datetime.fromtimestamp(app.clock.now())
    k.advance((now.replace(hour=23, minute=30) - now).total_seconds() % 86_400 + 5)
    assert not board.dimmed                     # 23:30 and off: bright

    screen = to_settings(k)
    k.tap("night")
    start = screen.ids.night_start
    k.tap(start.ids.up)
    k.tap(start.ids.up)                         # 22:00 → 00:00
    assert start.value == "00:00" and stored(app).night_start == "00:00"
    k.tap("back")
    app.show("board")
    k.frames(2)
    k.advance(2)
    assert not board.dimmed                     # 23:30 is before the night now
    k.advance(45 * 60)
    assert board.dimmed                         # 00:15: dark


def test_settings_fit_1080p_in_danish_with_four_waiting_sessions(kiosk):
    from dataclasses import replace

    from kiosk.core.loader import load_method
    from kiosk.core.workshop import Workshop

    k = kiosk
    app = k.app
    method = load_method(ROOT / "methods" / "trivselsdialog.toml")
    for team in ("Hjemmeplejen Nord", "Køkkenet", "Lageret", "Rengøring"):
        Workshop.prepare(app.store, app.clock, method, team)
    assert app.save_settings(replace(app.settings, lang="da"))
    screen = to_settings(k)
    rows = list(screen.ids.waiting.children)
    assert len(rows) == 4
    lowest_setting = min(screen.ids.export_minutes.y, screen.ids.night_start.y)
    assert max(r.top for r in rows) <= lowest_setting                   # the list under the settings
    assert min(r.y for r in rows) >= screen.ids.quit.top + 20 * app.s    # above the bottom row
    for name in ("idle_minutes", "export_minutes", "night_start", "night_end"):
        st = screen.ids[name]
        label = st.children[-1]
        assert label.texture_size[0] <= label.width + 1, name            # the words are not cut
        assert st.ids.value.texture_size[0] <= st.ids.value.width, name
    assert screen.ids.night.text == "Dæmp om natten: til"


# -- screenshots ----------------------------------------------------------------------------

def _shoot(size: str) -> list:
    import sys

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="da")
    from test_ui_delete_session import two_waiting

    out = ROOT / "screenshots" / "settings"
    try:
        two_waiting(k.app)
        screen = to_settings(k)
        k.tap(screen.ids.idle_minutes.ids.up)
        shots = [k.screenshot(out / f"settings-da-{size}.png")]
        k.tap("night")
        shots.append(k.screenshot(out / f"settings-night-off-da-{size}.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
