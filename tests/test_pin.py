"""The admin PIN cannot be guessed: wrong PINs back off (doubling waits, capped), the
back-off is in kiosk.json so a restart keeps it, a clock set back cannot shut the pad
for longer than one wait, and the published default must be changed before use."""

from __future__ import annotations

import pytest

from kiosk.core import pin
from kiosk.core.pin import FIRST_WAIT, FREE_TRIES, MAX_WAIT, PinGuard, countdown, wait_after
from kiosk.core.settings import DEFAULT_PIN, Settings, SettingsError, check_new_pin, guessable

T0 = 1_800_000_000.0


def wrong(guard: PinGuard, times: int, now: float) -> PinGuard:
    for _ in range(times):
        guard = guard.failed(now)
    return guard


def test_two_slips_are_free_then_the_waits_double_up_to_fifteen_minutes():
    assert FREE_TRIES == 3 and FIRST_WAIT == 30 and MAX_WAIT == 15 * 60
    assert [wait_after(n) for n in range(1, 10)] == [0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert wait_after(10_000) == MAX_WAIT                     # no overflow after months of tapping
    g = wrong(PinGuard(), 2, T0)
    assert not g.locked(T0) and g.failures == 2
    g = g.failed(T0)
    assert g.locked(T0) and g.wait_left(T0) == 30 and g.wait_left(T0 + 29.5) == 0.5
    assert not g.locked(T0 + 30)
    g = g.failed(T0 + 30)
    assert g.wait_left(T0 + 30) == 60 and g.failures == 4


def test_a_right_pin_clears_the_count():
    g = wrong(PinGuard(), 5, T0)
    assert g.succeeded() == PinGuard() and not g.succeeded().locked(T0)
    assert not wrong(g.succeeded(), 2, T0 + 1000).locked(T0 + 1000)   # two free slips again


def test_thirty_guesses_take_hours_not_seconds():
    """The issue's attack: 30 wrong PINs, each typed the moment the pad opens."""
    g, now = PinGuard(), T0
    for _ in range(30):
        now += g.wait_left(now)
        g = g.failed(now)
    assert now - T0 > 5 * 3600 and g.wait_left(now) == MAX_WAIT


@pytest.mark.parametrize("back", [60.0, 3600.0, 86_400.0, 10 * 365 * 86_400.0])
def test_a_clock_set_back_shuts_the_pad_for_at_most_one_wait(back):
    g = wrong(PinGuard(), 8, T0)                  # a 15-minute wait began at T0
    now = T0 - back                               # NTP, a dead RTC battery …
    assert g.wait_left(now) <= MAX_WAIT           # never more than the wait, even unsettled
    s = g.settled(now)
    assert s.last == now and s.failures == 8
    assert s.wait_left(now + MAX_WAIT) == 0       # open one wait later, not when the clock catches up
    assert s.settled(now + 10) == s               # a clock that did not go back changes nothing
    assert g.settled(T0 + 5) == g


def test_a_clock_set_forward_does_not_reset_the_count():
    g = wrong(PinGuard(), 4, T0)
    later = T0 + 86_400
    assert not g.locked(later)
    assert g.failed(later).wait_left(later) == 120    # the fifth wrong PIN still costs its wait


def test_the_guard_round_trips_and_a_damaged_one_is_read_safely():
    g = wrong(PinGuard(), 6, T0)
    assert PinGuard.from_dict(g.to_dict()) == g
    for bad in (None, [], "x", {}, {"failures": -1}, {"failures": "3"}, {"failures": True}):
        assert PinGuard.from_dict(bad) == PinGuard()
    # a wait typed by hand never shuts the pad for more than the longest wait
    assert PinGuard.from_dict({"failures": 4, "last": T0, "wait": 1e12}).wait_left(T0) == MAX_WAIT
    # a damaged time or wait: the wait the count earns
    d = PinGuard.from_dict({"failures": 5, "last": float("nan"), "wait": "long"})
    assert d.failures == 5 and d.wait == 120 and d.last == 0.0


def test_the_back_off_survives_a_restart(tmp_path):
    from kiosk.clock import FakeClock
    from kiosk.store import Store

    clock = FakeClock(T0)
    store = Store(tmp_path / "data", clock=clock)
    pin.save(store, wrong(PinGuard(), 4, T0))
    store.close()                                          # the plug is pulled
    store = Store(tmp_path / "data", clock=clock)
    g = pin.load(store)
    assert g.failures == 4 and g.wait_left(T0 + 10) == 50
    store.close()
    assert '"pin_guard"' in (tmp_path / "data" / "kiosk.json").read_text()


def test_countdown_rounds_up_and_never_shows_zero_while_shut():
    assert countdown(30) == "0:30" and countdown(0.2) == "0:01" and countdown(899.5) == "15:00"
    assert countdown(0) == "0:00" and countdown(-5) == "0:00"


def test_the_default_pin_must_be_changed_and_guessable_pins_are_refused():
    s = Settings()
    assert s.pin_ok(DEFAULT_PIN) and s.must_change(DEFAULT_PIN)
    for easy in (DEFAULT_PIN, "0000", "1111", "99999999", "2345", "9876", "0123", "43210"):
        assert guessable(easy), easy
        with pytest.raises(SettingsError, match="pin_guessable"):
            s.with_pin(easy)
    for fine in ("2580", "1357", "1235", "90210", "12344321"):
        assert not guessable(fine) and check_new_pin(fine) == fine
    with pytest.raises(SettingsError, match="pin_format"):
        s.with_pin("12a4")
    chosen = s.with_pin("2580")
    assert chosen.pin_ok("2580") and not chosen.pin_ok(DEFAULT_PIN) and not chosen.must_change("2580")
    assert "2580" not in chosen.pin_hash
    # a hash of 1234 (typed into kiosk.json, or from an older version) is still the default
    from kiosk.core.settings import hash_pin
    old = Settings(pin_hash=hash_pin(DEFAULT_PIN))
    assert old.pin_ok(DEFAULT_PIN) and old.must_change(DEFAULT_PIN)
    back = chosen.with_default_pin()
    assert back.pin_ok(DEFAULT_PIN) and back.must_change(DEFAULT_PIN) and not back.pin_ok("2580")
