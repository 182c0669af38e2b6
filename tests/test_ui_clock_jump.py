"""The real kiosk in a real window while its wall clock jumps: the timer's digits stay what
the room lived through, and after a restart whose time off cannot be known the screen says
so until someone taps OK. The clock is injected (``jump`` moves the wall clock alone)."""

from __future__ import annotations

import pytest

from kiosk.clock import FakeClock
from kiosk.core.workshop import ACTIVE_KEY, SEEN_KEY

from tests.conftest import SCREENSHOTS
from tests.walk import pick

pytestmark = pytest.mark.window

HOUR, DAY = 3600.0, 86_400.0


def digits(k):
    s = k.screen()
    return s.timer_text, s.big_text


@pytest.mark.parametrize("jump_off,shown,notice", [
    (-HOUR, ("08:30", "9"), "The clock changed while the kiosk was off"),   # as last stored
    (DAY, ("06:30", "+6"), "The kiosk was off for a long time, or its clock changed"),  # 15 min counted
])
def test_the_timer_stays_sane_through_jumps_and_a_restart_says_when_it_cannot_know(
        display, data_dir, jump_off, shown, notice):
    from kiosk_testing import Driver

    clock = FakeClock(1_800_000_000.0)
    k = Driver(data_dir, clock=clock, lang="en")
    try:
        pick(k, "trivselsdialog", "Hjemmeplejen Nord")
        k.tap("toggle")
        k.advance(60)
        k.advance(30)
        assert digits(k) == ("08:30", "9")
        clock.jump(-HOUR)                            # NTP sets the clock back while it runs
        k.advance(0)
        assert digits(k) == ("08:30", "9")           # not frozen at 10:00
        clock.jump(HOUR + DAY)                       # and a day forward
        k.advance(0)
        assert digits(k) == ("08:30", "9")           # not "+1410 min over time"
        assert k.app.notice == ""                    # a jump while it runs is ignored, not shown
        sid = k.app.store.get_state(ACTIVE_KEY)
        assert k.app.store.load_session(sid)[SEEN_KEY] == clock.now()   # stored on today's clock
        k.advance(30)
        assert digits(k) == ("08:00", "8")
    finally:
        k.close()
    # off; it comes back with its clock wrong (a dead RTC battery, NTP far off): a new process
    again = FakeClock(clock.now() + jump_off, monotonic=7.0)
    k2 = Driver(data_dir, clock=again, lang="en")
    try:
        assert k2.app.sm.current == "workshop"
        k2.advance(0)
        assert digits(k2) == shown                   # a sane time, from the last heartbeat
        assert notice in k2.app.notice and k2.app.notice_kind == "error"   # waits for OK
        k2.screenshot(SCREENSHOTS / f"clock_jump_restart_{'back' if jump_off < 0 else 'forward'}.png")
        k2.tap(k2.app.root.ids.banner.ids.dismiss)    # the banner's OK
        assert k2.app.notice == ""
        k2.advance(10)
        assert k2.app.notice == ""                   # said once
        k2.advance(20)
        text = digits(k2)[0]
        assert text == ("08:00" if jump_off < 0 else "07:00")   # over time: "+7 min over time"
    finally:
        k2.close()
