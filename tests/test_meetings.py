"""Two meetings on one session (dialogverksted, APU): the core against the real store.

Next stops at a meeting's last step; ``end_meeting`` stores the next meeting's day and
the waiting session together; the kiosk then has no running workshop; the session is
listed as waiting; ``continue_meeting`` opens the same session (wall, actions) at the
next meeting's first step with fresh timers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.core.activities.actions import ActionError, ActionPlan, local_date
from kiosk.core.method import Method, Step
from kiosk.core.session import BETWEEN, RUNNING, Session, SessionError
from kiosk.core.activities.statuspil import Board, next_meeting
from kiosk.core.wall import Wall
from kiosk.core.workshop import ACTIVE_KEY, Workshop, waiting_sessions
from kiosk.store import Store, StoreError

DAY = 86_400.0


def two_meetings() -> Method:
    """A small dialogverksted: two steps in meeting 1, three in meeting 2."""
    steps = (
        Step("velkommen", "Velkommen", 10, "talk", phase="Velkommen", meeting=1),
        Step("prioritere", "Prioritere", 30, "write", phase="Prioritere", meeting=1),
        Step("bekrefte", "Bekrefte temaene", 15, "talk", phase="Bekrefte", meeting=2),
        Step("tiltak", "Tiltak", 45, "actions", phase="Tiltak", meeting=2,
             params={"questions": [{"id": "tiltak", "title": "Hvilke tiltak?"}], "iglo": True}),
        Step("evaluere", "Evaluering", 15, "talk", phase="Evaluering", meeting=2),
    )
    return Method(id="dialogverksted", title="Dialogverksted", language="nb", steps=steps, meetings=2)


def day(clock, days: int) -> str:
    return (local_date(clock.now()) + timedelta(days=days)).isoformat()


def at_meeting_end(store, clock) -> Workshop:
    ws = Workshop.start(store, clock, two_meetings(), "Kjøkkenet")
    ws.toggle()
    clock.advance(600)
    ws.next()
    return ws


# -- the session value -------------------------------------------------------------------

def test_next_stops_at_the_last_step_of_a_meeting_and_previous_at_the_first(clock):
    s = Session.create(two_meetings(), "Kjøkkenet", clock.now())
    assert s.meetings == 2 and not s.meeting_ends_here
    s = s.next(clock.now())
    assert s.step.id == "prioritere" and s.meeting_ends_here
    with pytest.raises(SessionError, match="meeting_end"):
        s.next(clock.now())
    waiting = s.end_meeting(clock.now())
    assert waiting.status == BETWEEN and waiting.step.id == "bekrefte" and waiting.meeting == 2
    assert waiting.meeting_starts_here
    with pytest.raises(SessionError, match="meeting_start"):
        waiting.previous(clock.now())
    with pytest.raises(SessionError, match="not_running"):
        waiting.end_meeting(clock.now())


def test_end_meeting_only_at_a_meeting_end(clock):
    s = Session.create(two_meetings(), "Kjøkkenet", clock.now())
    with pytest.raises(SessionError, match="not_meeting_end"):
        s.end_meeting(clock.now())
    last = s.go_to(4, clock.now())
    assert last.is_last and not last.meeting_ends_here  # the last meeting ends with "End workshop"
    with pytest.raises(SessionError, match="not_meeting_end"):
        last.end_meeting(clock.now())


def test_a_one_meeting_method_never_stops_inside(method, clock):
    s = Session.create(method, "Hold A", clock.now())
    assert s.meetings == 1
    for _ in range(len(method.steps) - 1):
        assert not s.meeting_ends_here
        s = s.next(clock.now())
    assert s.is_last


def test_continue_gives_fresh_timers_and_keeps_minutes_set_before(clock):
    s = Session.create(two_meetings(), "Kjøkkenet", clock.now())
    s = s.set_minutes("tiltak", 50)
    s = s.go_to(1, clock.now()).toggle(clock.now())
    clock.advance(120)
    waiting = s.end_meeting(clock.now())
    assert not waiting.timers["prioritere"].running  # the meeting's clock stopped
    with pytest.raises(SessionError, match="not_waiting"):
        s.continue_meeting(clock.now())
    clock.advance(21 * DAY)
    again = waiting.continue_meeting(clock.now())
    assert again.status == RUNNING and again.step.id == "bekrefte"
    assert not again.timer.started
    assert again.timer.remaining(clock.now()) == 15 * 60
    assert again.timers["tiltak"].length == 50 * 60
    assert again.timers["prioritere"] == waiting.timers["prioritere"]  # meeting 1's record kept


def test_the_waiting_status_survives_a_round_trip(clock):
    s = Session.create(two_meetings(), "Kjøkkenet", clock.now()).go_to(1, clock.now())
    waiting = s.end_meeting(clock.now())
    back = Session.from_dict(waiting.to_dict())
    assert back == waiting and back.status == BETWEEN and back.step_index == 2


# -- the workshop against the store --------------------------------------------------------

def test_end_meeting_stores_the_date_and_the_waiting_session_then_nothing_runs(store, clock):
    ws = at_meeting_end(store, clock)
    sid = ws.session.id
    ws.end_meeting(day(clock, 21))
    doc = store.load_session(sid)
    assert doc["status"] == BETWEEN and doc["step_index"] == 2
    assert next_meeting(store, sid) == day(clock, 21)
    assert store.get_state(ACTIVE_KEY) is None
    assert Workshop.resume(store, clock) is None  # a restart shows the board, not the workshop
    assert [e["status"] for e in store.list_sessions()] == [BETWEEN]
    [m] = Board(store, clock).next_meetings()
    assert (m.session_id, m.team, m.date) == (sid, "Kjøkkenet", day(clock, 21))
    assert not ws.can_undo


def test_a_past_date_is_refused_and_nothing_is_written(store, clock):
    ws = at_meeting_end(store, clock)
    sid = ws.session.id
    with pytest.raises(ActionError, match="date_past"):
        ws.end_meeting(day(clock, -1))
    with pytest.raises(ActionError, match="date_invalid"):
        ws.end_meeting("next tuesday")
    doc = store.load_session(sid)
    assert doc["status"] == RUNNING and doc["step_index"] == 1
    assert next_meeting(store, sid) is None
    assert store.get_state(ACTIVE_KEY) == sid and ws.session.status == RUNNING
    ws.end_meeting(day(clock, 0))  # today is fine ("we meet again this afternoon")
    assert store.load_session(sid)["status"] == BETWEEN


def test_no_date_yet_is_allowed(store, clock):
    ws = at_meeting_end(store, clock)
    ws.end_meeting(None)
    [w] = waiting_sessions(store)
    assert w.date is None and w.meeting == 2 and w.team == "Kjøkkenet"


def test_waiting_sessions_soonest_first(store, clock):
    dates = {"Kjøkkenet": 30, "Renholdet": 9, "Kveldsvakta": None}
    for team, days in dates.items():
        ws = Workshop.start(store, clock, two_meetings(), team)
        ws.next()
        ws.end_meeting(None if days is None else day(clock, days))
    Workshop.start(store, clock, two_meetings(), "Still running")
    assert [w.team for w in waiting_sessions(store)] == ["Renholdet", "Kjøkkenet", "Kveldsvakta"]


def test_continue_opens_the_same_wall_and_actions_at_meeting_two(store, clock):
    ws = at_meeting_end(store, clock)
    sid = ws.session.id
    wall = Wall(store, sid, clock)
    note = wall.add_note("less", "Bedre overlapp mellom vaktene", step="prioritere")
    plan = ActionPlan(store, sid, clock)
    action = plan.add(None, "Overlapp")
    ws.end_meeting(day(clock, 21))
    clock.advance(21 * DAY)
    again = Workshop.continue_meeting(store, clock, sid)
    assert again.session.id == sid and again.session.step.id == "bekrefte"
    assert again.session.status == RUNNING and not again.session.timer.started
    assert store.get_state(ACTIVE_KEY) == sid
    assert next_meeting(store, sid) is None  # the meeting is now: the board no longer announces it
    assert Board(store, clock).next_meetings() == []
    assert [n.id for n in Wall(store, sid, clock).notes()] == [note.id]
    assert [a.id for a in ActionPlan(store, sid, clock).actions()] == [action.id]
    assert Workshop.resume(store, clock).session == again.session  # a restart opens meeting 2
    assert waiting_sessions(store) == []
    with pytest.raises(SessionError, match="not_waiting"):
        Workshop.continue_meeting(store, clock, sid)


def test_continue_is_refused_while_another_workshop_runs(store, clock):
    ws = at_meeting_end(store, clock)
    ws.end_meeting(day(clock, 14))
    other = Workshop.start(store, clock, two_meetings(), "Renholdet")
    with pytest.raises(SessionError, match="workshop_running"):
        Workshop.continue_meeting(store, clock, ws.session.id)
    assert store.get_state(ACTIVE_KEY) == other.session.id
    other.finish()
    with pytest.raises(SessionError, match="no_such_session"):
        Workshop.continue_meeting(store, clock, "20990101-000000-abcdef")
    assert Workshop.continue_meeting(store, clock, ws.session.id).session.meeting == 2


def test_a_crash_between_the_active_mark_and_the_session_write_leaves_it_waiting(store, clock, monkeypatch):
    ws = at_meeting_end(store, clock)
    sid = ws.session.id
    ws.end_meeting(day(clock, 14))

    def full_disk(*a, **k):
        raise StoreError("full", "", "The disk is full.")
    monkeypatch.setattr(store, "save_session", full_disk)
    with pytest.raises(StoreError):
        Workshop.continue_meeting(store, clock, sid)
    monkeypatch.undo()
    assert store.get_state(ACTIVE_KEY) == sid
    assert Workshop.resume(store, clock) is None  # the active mark alone opens nothing
    assert [w.session_id for w in waiting_sessions(store)] == [sid]
    assert next_meeting(store, sid) == day(clock, 14)  # the batch rolled back whole


def test_end_meeting_reopened_after_restart(tmp_path, clock):
    data = tmp_path / "data"
    with Store(data, clock=clock) as store:
        ws = at_meeting_end(store, clock)
        sid = ws.session.id
        ws.end_meeting(day(clock, 7))
    with Store(data, clock=clock) as store:
        assert Workshop.resume(store, clock) is None
        [w] = waiting_sessions(store)
        assert (w.session_id, w.date, w.meeting) == (sid, day(clock, 7), 2)
        assert Workshop.continue_meeting(store, clock, sid).session.step.id == "bekrefte"


@pytest.mark.parametrize("name", ["dialogverksted", "apu"])
def test_the_two_meeting_method_files_stop_once_between_their_meetings(name, store, clock):
    from pathlib import Path

    from kiosk.core.loader import load_method

    path = Path(__file__).resolve().parents[1] / "methods" / f"{name}.toml"
    method = load_method(path)
    assert method.meetings == 2
    ws = Workshop.start(store, clock, method, "Team")
    stops = []
    while not ws.session.is_last:
        if ws.session.meeting_ends_here:
            stops.append(ws.session.step.id)
            ws.end_meeting(day(clock, 14))
            ws = Workshop.continue_meeting(store, clock, ws.session.id)
            assert ws.session.meeting == 2 and ws.session.meeting_starts_here
        else:
            ws.next()
    assert len(stops) == 1
    assert [s.meeting for s in method.steps].index(2) == method.step_index(stops[0]) + 1
