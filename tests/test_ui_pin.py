"""The PIN pad on the wall, by real taps: wrong PINs shut the keys with a countdown on
screen, the wait survives a restart and a clock set back, and the published default
PIN only opens the choice of a new one."""

from __future__ import annotations

import pytest

from kiosk.core.pin import MAX_WAIT
from tests.conftest import ROOT

pytestmark = pytest.mark.window

SHOTS = ROOT / "screenshots" / "pin"


@pytest.fixture
def fresh(display, data_dir, clock):
    """A kiosk as installed: nobody has chosen a PIN yet (the default, 1234)."""
    from kiosk_testing import Driver

    driver = Driver(data_dir, clock=clock, lang="en", pin=None)
    yield driver
    driver.close()


def finger(k, key_id: str) -> None:
    """A finger on a key even when it is off (Driver.tap refuses disabled widgets)."""
    t = k.touch(*k.center_of(k.find(key_id)))
    t.touch_down()
    t.touch_up()
    k.frames(2)


def test_wrong_pins_shut_the_keys_with_a_countdown_that_doubles(kiosk):
    k = kiosk
    k.tap("menu")
    pad = k.screen()
    for _ in range(2):
        k.enter_pin("9999")
        assert not pad.locked and pad.message == "Wrong PIN. Try again."
    k.enter_pin("9999")                                      # the third: 30 s
    assert pad.locked and pad.wait == "0:30" and pad.ids.dots.text == "0:30"
    assert pad.message == "3 wrong PINs in a row. You can try again in"
    assert all(k.find(f"k{d}").disabled for d in "0123456789") and k.find("kok").disabled
    assert not k.find("cancel").disabled                     # the way back stays open
    for key in k.pin:
        finger(k, "k" + key)
    finger(k, "kok")
    assert pad.entered == "" and k.app.sm.current == "pin"   # the right PIN does nothing now
    k.advance(10)
    assert pad.wait == "0:20"
    k.advance(20)
    assert not pad.locked and pad.wait == "" and pad.message == "Admin PIN" and not k.find("k1").disabled
    k.enter_pin("9999")                                      # the fourth: 60 s
    assert pad.wait == "1:00"
    k.advance(60)
    k.enter_pin()                                            # the right PIN clears the count
    assert k.app.sm.current == "settings"
    assert k.app.store.get_state("pin_guard") == {"failures": 0, "last": 0.0, "wait": 0.0}


def test_the_wait_survives_a_restart(display, data_dir, clock):
    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        assert wrong_pins(k, 4).wait == "1:00"               # 30 s, then 60 s after it
        k.advance(15)
    finally:
        k.close()                                            # the plug is pulled
    k = Driver(data_dir, clock=clock, lang="en")
    try:
        k.tap("menu")
        pad = k.screen()
        assert pad.locked and pad.wait == "0:45" and k.find("k1").disabled
        k.advance(45)
        k.enter_pin("1111")                                  # the fifth wrong PIN: 2 minutes
        assert pad.wait == "2:00"
    finally:
        k.close()


def wrong_pins(k, n: int, pin: str = "1111"):
    """``n`` wrong PINs, each as soon as the keys open (the menu again when the idle
    rule took the pad away meanwhile)."""
    for _ in range(n):
        k.advance(k.app.screen("pin").guard().wait_left(k.app.clock.now()))
        if k.app.sm.current != "pin":
            k.tap("menu")
        k.enter_pin(pin)
    return k.screen()


def test_a_clock_set_back_shuts_the_keys_for_one_wait_at_most(kiosk):
    k = kiosk
    pad = wrong_pins(k, 8)
    assert pad.wait == "15:00"
    k.advance(60)
    k.app.clock.advance(-30 * 86_400)                        # NTP corrects a clock a month ahead
    k.advance(0)
    assert pad.locked and pad.wait == "15:00"                # the wait counts from now …
    assert k.app.store.get_state("pin_guard")["last"] == k.app.clock.now()
    k.advance(MAX_WAIT - 1)
    if k.app.sm.current != "pin":                            # the idle rule took the pad away
        k.tap("menu")
    assert pad.locked and pad.wait == "0:01"
    k.advance(1)
    assert not pad.locked                                    # … not from a month ahead
    k.enter_pin()
    assert k.app.sm.current == "settings"


def test_the_default_pin_asks_for_a_new_one_before_settings_open(fresh):
    k = fresh
    k.tap("menu")
    pad = k.screen()
    k.enter_pin("1234")
    assert k.app.sm.current == "pin" and pad.mode == "new" and not k.app.admin
    assert pad.message.startswith("The PIN is still 1234")
    k.screenshot(SHOTS / "choose-new-pin-1920x1080.png")
    k.tap("cancel")                                          # no way round it into Settings
    assert k.app.sm.current == "board" and not k.app.admin
    k.tap("menu")
    k.enter_pin("1234")
    k.enter_pin("1234")                                      # the default again: refused
    assert pad.mode == "new" and "too easy to guess" in pad.message
    k.enter_pin("4321")
    assert pad.mode == "new" and "too easy to guess" in pad.message
    k.enter_pin("2580")
    assert pad.mode == "confirm" and pad.message == "Type the new PIN again"
    k.enter_pin("2580")
    assert k.app.sm.current == "settings" and k.app.admin
    assert k.app.notice == "The PIN was changed."
    stored = k.app.store.get_state("settings")["pin_hash"]
    assert stored and "2580" not in stored
    k.tap("back")
    k.tap("menu")
    k.enter_pin("1234")                                      # the default no longer opens anything
    assert k.app.sm.current == "pin" and pad.message == "Wrong PIN. Try again."
    k.enter_pin("2580")
    assert k.app.sm.current == "settings"


def test_wrong_pins_count_against_the_default_too(fresh):
    """Guessing 1234 after wrong PINs waits like any other PIN."""
    k = fresh
    k.tap("menu")
    for _ in range(3):
        k.enter_pin("0000")
    assert k.screen().locked
    k.screenshot(SHOTS / "backing-off-1920x1080.png")
    for key in "1234":
        finger(k, "k" + key)
    finger(k, "kok")
    assert k.app.sm.current == "pin" and k.screen().mode == "check"


def _shoot(size: str) -> list:
    import sys

    sys.path.insert(0, str(ROOT))
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="en")
    try:
        wrong_pins(k, 4, "0000")
        k.advance(13)
        shots = [k.screenshot(SHOTS / f"backing-off-{size}.png")]
    finally:
        k.close()
    k = testing.screenshot_driver(size, lang="en")
    k.close()
    from kiosk_testing import Driver

    k = Driver(k.app.options.data_dir, clock=k.app.clock, lang="en", pin=None)
    try:
        k.tap("menu")
        k.enter_pin("1234")
        shots.append(k.screenshot(SHOTS / f"choose-new-pin-{size}.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
