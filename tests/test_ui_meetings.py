"""Two meetings on one session in a real window, with real taps, and a real kiosk
process killed between the meetings.

In the window: at the last step of meeting 1 "Next" says "End meeting 1" and opens
the date picker (a day that has passed is refused there); Save leaves the session
waiting and shows the board with the next meeting; the board's "Start a workshop"
leads home, where "Continue <team> — meeting 2" (with its day) opens the same wall and
the same actions at meeting 2's first step, timers fresh, agenda of meeting 2 only.

As a process: ``python -m kiosk`` on its own Xvfb, driven by xdotool at the positions
its probe file reports, SIGKILLed right after the meeting ended and again in meeting 2.
"""

from __future__ import annotations

import json
import signal
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.activities.statuspil import next_meeting
from kiosk.core.wall import Wall
from kiosk.core.workshop import ACTIVE_KEY, Workshop, waiting_sessions
from kiosk.store import Store

from test_meetings import two_meetings  # the small dialogverksted of the core tests

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "board"
TODAY = date.fromtimestamp(1_800_000_000.0)  # the test clock's day (conftest's FakeClock)


def one_month(day: date) -> date:
    from kiosk.ui.widgets.date_picker import add_months

    return add_months(day, 1)


def meeting_one_with_a_wall(k):
    """Meeting 1 of the small dialogverksted, a note and an action on its wall, at its last step."""
    app = k.app
    assert app.start_workshop(two_meetings(), "Kjøkkenet"), app.notice
    sid = app.workshop.session.id
    note = app.wall().add_note("less", "Bedre overlapp mellom vaktene", step="prioritere")
    plan = ActionPlan(app.store, sid, app.clock)
    action = plan.add(None, "Overlapp ved vaktskifte")
    plan.set_owner(action.id, "Kari")
    k.tap("toggle")
    k.advance(300)
    k.tap("next")
    assert app.workshop.session.step.id == "prioritere"
    return sid, note, action


def test_end_meeting_one_by_taps_then_continue_meeting_two_on_the_same_wall(kiosk):
    k = kiosk
    app = k.app
    sid, note, action = meeting_one_with_a_wall(k)
    screen = k.screen()
    assert screen.ids.next.text == "End meeting 1" and not screen.ids.next.disabled
    agenda = [w.text for w in reversed(screen.ids.agenda.children)]
    assert len(agenda) == 2 and "1. Velkommen" in agenda[0] and "2. Prioritere" in agenda[1]  # meeting 1 only
    assert "Meeting 1 of 2" in screen.team

    k.tap("next")                                                   # "End meeting 1"
    picker = screen.meeting_picker
    assert picker.get_parent_window() is not None
    assert picker.title.startswith("End of meeting 1") and picker.ids.save.text == "End meeting 1"
    assert picker.iso == (TODAY + timedelta(days=28)).isoformat()
    k.screenshot(SHOTS / "meeting-end-picker-1920x1080.png")
    k.tap(picker.ids.today)
    k.tap(picker.ids.day.ids.minus)                                 # yesterday: refused, in words
    k.tap(picker.ids.save)
    assert "passed" in picker.ids.message.text and picker.get_parent_window() is not None
    assert app.store.load_session(sid)["status"] == "running" and next_meeting(app.store, sid) is None
    assert app.sm.current == "workshop"

    k.tap(picker.ids.month_ahead)                                   # +1 month from today
    k.tap(picker.ids.save)
    when = one_month(TODAY).isoformat()
    assert picker.get_parent_window() is None
    assert app.store.load_session(sid)["status"] == "between"       # stored …
    assert next_meeting(app.store, sid) == when and app.store.get_state(ACTIVE_KEY) is None
    assert app.workshop is None and app.sm.current == "board"       # … then shown
    board = k.screen()
    board.refresh()
    k.frames(2)
    assert "Next meeting" in board.meetings_text and "Kjøkkenet" in board.meetings_text
    assert f"{one_month(TODAY).day:02d}.{one_month(TODAY).month:02d}." in board.meetings_text
    assert board.row_for(sid, action.id) is not None                # its action is on the board meanwhile
    assert k.find("start").text == "Start or continue"              # the button says where it leads
    k.screenshot(SHOTS / "meeting-waiting-board-1920x1080.png")

    k.advance(3 * 7 * 86_400)                                       # weeks later
    k.tap("start")                                                  # the board's "Start a workshop"
    assert app.sm.current == "home"
    home = k.screen()
    [button] = home.continue_buttons()
    assert "Continue Kjøkkenet — meeting 2" in button.text and "Dialogverksted" in button.text
    assert str(one_month(TODAY).year) in button.text
    k.screenshot(SHOTS / "meeting-home-continue-1920x1080.png")
    k.tap(button)
    k.tap(app.confirm_view.ids.no)                                  # a mis-tap: nothing opens
    assert app.sm.current == "home" and app.store.load_session(sid)["status"] == "between"
    k.tap(home.continue_buttons()[0])
    k.tap(app.confirm_view.ids.yes)

    assert app.sm.current == "workshop"
    ws = app.workshop
    assert ws.session.id == sid and ws.session.step.id == "bekrefte" and ws.session.status == "running"
    assert app.store.get_state(ACTIVE_KEY) == sid and next_meeting(app.store, sid) is None
    assert not ws.session.timer.started                             # its timers fresh
    screen = k.screen()
    assert screen.timer_text == "15:00" and screen.phase_title == "1. Bekrefte"
    assert len(screen.ids.agenda.children) == 3                     # meeting 2's points only
    assert "1. Bekrefte" in screen.ids.agenda.children[-1].text
    assert screen.ids.prev.disabled and screen.ids.next.text == "Next step"
    assert "Meeting 2 of 2" in screen.team
    assert [n.id for n in app.wall().notes()] == [note.id]          # the same wall …
    assert [a.id for a in ActionPlan(app.store, sid, app.clock).actions()] == [action.id]  # … and actions
    k.screenshot(SHOTS / "meeting-two-open-1920x1080.png")
    assert waiting_sessions(app.store) == []


def test_a_session_waiting_offers_continue_only_with_no_workshop_running(kiosk):
    k = kiosk
    app = k.app
    sid, _, _ = meeting_one_with_a_wall(k)
    assert app.end_meeting(None)                                    # "Not known yet"
    app.start_workshop(two_meetings(), "Renholdet")
    app.show("home")
    k.frames(2)
    assert k.screen().continue_buttons() == []                      # end the running one first
    assert app.continue_meeting(sid) is False and "Another workshop" in app.notice
    app.end_workshop()
    k.frames(3)
    assert app.sm.current == "board"
    k.tap("start")
    [button] = k.screen().continue_buttons()
    assert "date not set" in button.text


def test_a_past_date_cannot_be_kept_by_the_core_either(kiosk):
    k = kiosk
    app = k.app
    sid, _, _ = meeting_one_with_a_wall(k)
    assert app.end_meeting((TODAY - timedelta(days=3)).isoformat()) is False
    assert "passed" in app.notice and app.workshop is not None
    assert app.store.load_session(sid)["status"] == "running"


# -- a real kiosk process, SIGKILLed between the meetings ----------------------------------

def prepared_at_meeting_end(data: Path) -> str:
    """A data folder whose running workshop stands at meeting 1's last step, with a note."""
    with Store(data) as store:
        from kiosk.clock import SystemClock

        clock = SystemClock()
        ws = Workshop.start(store, clock, two_meetings(), "Kjøkkenet")
        Wall(store, ws.session.id, clock).add_note("less", "Bedre overlapp", step="prioritere")
        ws.next()
        return ws.session.id


@pytest.mark.slow
def test_sigkill_between_meetings_and_in_meeting_two_restarts_into_the_right_state(tmp_path):
    import test_resume as r

    if not r.shutil.which("xdotool"):
        pytest.fail("xdotool is missing: ./dev.sh test installs it")
    proc, display = r.start_xvfb(1280, 720)
    data, probe = tmp_path / "data", tmp_path / "probe.json"
    sid = prepared_at_meeting_end(data)

    def launch():
        if probe.exists():
            probe.unlink()
        p = r.subprocess.Popen(
            [r.sys.executable, "-m", "kiosk", "--windowed", "--size", "1280x720", "--data", str(data),
             "--lang", "en", "--touch", "none"],
            cwd=ROOT, env={**r.os.environ, "DISPLAY": display, "KIOSK_PROBE": str(probe),
                           "SDL_AUDIODRIVER": "dummy"},
            stdout=r.subprocess.DEVNULL, stderr=r.subprocess.PIPE)
        return p

    def kill(p):
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        assert p.returncode == -signal.SIGKILL

    kiosk = launch()
    try:
        state = r.wait_for(probe, kiosk, lambda s: s["screen"] == "workshop" and "next" in s["centres"])
        assert state["step"] == "prioritere"
        state = r.tap_until(display, probe, kiosk, state, "next", lambda s: "month_ahead" in s["centres"])
        state = r.tap_until(display, probe, kiosk, state, "month_ahead", lambda s: True)
        state = r.tap_until(display, probe, kiosk, state, "save", lambda s: s["screen"] == "board")
        assert state["step"] is None
    finally:
        kill(kiosk)                                                 # the power cord, at once
    with Store(data) as store:
        assert store.load_session(sid)["status"] == "between" and store.get_state(ACTIVE_KEY) is None
        when = next_meeting(store, sid)
        assert when is not None and when > date.today().isoformat()

    again = launch()
    try:
        state = r.wait_for(probe, again, lambda s: s["screen"] == "board" and "start" in s["centres"])
        time.sleep(1.0)
        state = json.loads(probe.read_text(encoding="utf-8"))
        assert state["screen"] == "board" and state["step"] is None  # waiting, not a workshop
        state = r.tap_until(display, probe, again, state, "start", lambda s: "continue_0" in s["centres"])
        state = r.tap_until(display, probe, again, state, "continue_0", lambda s: "yes" in s["centres"])
        state = r.tap_until(display, probe, again, state, "yes",
                            lambda s: s["screen"] == "workshop" and s["step"] == "bekrefte")
        state = r.tap_until(display, probe, again, state, "toggle", lambda s: s["running"])
        time.sleep(1.0)
    finally:
        kill(again)
    with Store(data) as store:
        doc = store.load_session(sid)
        assert doc["status"] == "running" and doc["step_index"] == 2
        assert store.get_state(ACTIVE_KEY) == sid and next_meeting(store, sid) is None

    third = launch()
    try:
        state = r.wait_for(probe, third, lambda s: s["screen"] == "workshop" and s["timer"])
        assert state["step"] == "bekrefte" and state["running"] is True
        assert 13 * 60 <= r.seconds(state["timer"]) < 15 * 60
        assert state["notice"] == ""
        third.send_signal(signal.SIGTERM)
        assert third.wait(timeout=20) == 0
    finally:
        if third.poll() is None:
            kill(third)
        proc.terminate()
        proc.wait(timeout=10)
