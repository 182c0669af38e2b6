"""The admin deletes a waiting session (DESIGN.md §5): a dialogverksted whose meeting 2
never happens, or a prepared session with the trio's notes, goes with its wall and its
actions; a running or finished one is refused, and so is an unknown id."""

from __future__ import annotations

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.session import SessionError
from kiosk.core.activities.statuspil import Board, next_meeting
from kiosk.core.wall import Wall
from kiosk.core.workshop import (ACTIVE_KEY, Workshop, running_session, session_contents,
                                 waiting_sessions)
from kiosk.store import Store

from test_meetings import at_meeting_end, day


def between_meetings(store, clock):
    """Kjøkkenet's meeting 1 over, a note and two actions on its wall, meeting 2 in three weeks."""
    ws = at_meeting_end(store, clock)
    sid = ws.session.id
    Wall(store, sid, clock).add_note("less", "Bedre overlapp", step="prioritere")
    plan = ActionPlan(store, sid, clock)
    for theme in ("Overlapp ved vaktskifte", "Faste pauser"):
        plan.set_owner(plan.add(None, theme).id, "Kari")
    ws.end_meeting(day(clock, 21))
    return sid


def prepared(store, clock, method, team="Lageret"):
    """A prepared trivselsdialog with two of the trio's notes on its wall."""
    session = Workshop.prepare(store, clock, method, team)
    wall = Wall(store, session.id, clock)
    wall.add_note("trio", "Travlt på kø", step="refleksion", face_down=True)
    wall.add_note("trio", "Støj", step="refleksion", face_down=True)
    return session.id


def teams_on_board(store, clock):
    return sorted({a.team for a in Board(store, clock).open_actions()})


def test_deletes_a_session_between_meetings_with_its_wall_and_actions(store, clock, method):
    sid = between_meetings(store, clock)
    other = prepared(store, clock, method)
    assert session_contents(store, sid) == (1, 2)
    assert teams_on_board(store, clock) == ["Kjøkkenet"]
    assert next_meeting(store, sid) == day(clock, 21)

    Workshop.delete_waiting(store, sid)

    assert store.load_session(sid) is None
    assert [e["id"] for e in store.list_sessions()] == [other]
    assert [w.session_id for w in waiting_sessions(store)] == [other]
    assert Board(store, clock).open_actions() == []
    assert Board(store, clock).next_meetings() == []
    assert store.all(sid, "notes") == []
    # the other one is untouched: its two notes still on its wall
    assert [n.text for n in Wall(store, other, clock).notes()] == ["Travlt på kø", "Støj"]
    assert session_contents(store, other) == (2, 0)


def test_deletes_a_prepared_session_with_notes(store, clock, method):
    sid = prepared(store, clock, method)
    other = between_meetings(store, clock)
    with pytest.raises(SessionError) as e:                  # the Prepare screen's take-back refuses it …
        Workshop.discard_prepared(store, sid)
    assert str(e.value) == "has_notes"
    [w] = [w for w in waiting_sessions(store) if w.session_id == sid]
    assert w.prepared == 2 and not w.started

    Workshop.delete_waiting(store, sid)                     # … the admin's delete does not

    assert store.load_session(sid) is None
    assert [w.session_id for w in waiting_sessions(store)] == [other]
    assert teams_on_board(store, clock) == ["Kjøkkenet"]    # the other's actions stay
    assert len(Board(store, clock).open_actions()) == 2


def test_refuses_running_finished_and_unknown_sessions(store, clock, method):
    waiting = between_meetings(store, clock)
    running = Workshop.start(store, clock, method, "Vaskeriet")
    assert running_session(store) == running.session.id
    with pytest.raises(SessionError) as e:
        Workshop.delete_waiting(store, running.session.id)
    assert str(e.value) == "not_waiting"
    finished = Workshop.start(store, clock, method, "Kontoret")
    finished.finish()
    with pytest.raises(SessionError) as e:
        Workshop.delete_waiting(store, finished.session.id)
    assert str(e.value) == "not_waiting"
    with pytest.raises(SessionError) as e:
        Workshop.delete_waiting(store, "no-such-id")
    assert str(e.value) == "no_such_session"

    statuses = {e["id"]: e["status"] for e in store.list_sessions()}
    assert statuses == {waiting: "between", running.session.id: "running",
                        finished.session.id: "finished"}
    assert teams_on_board(store, clock) == ["Kjøkkenet"]


def test_a_second_delete_is_refused_and_an_interrupted_continue_is_forgotten(store, clock):
    sid = between_meetings(store, clock)
    store.set_state(ACTIVE_KEY, sid)    # a Continue that crashed before writing "running"
    Workshop.delete_waiting(store, sid)
    assert store.get_state(ACTIVE_KEY) is None and Workshop.resume(store, clock) is None
    with pytest.raises(SessionError) as e:
        Workshop.delete_waiting(store, sid)
    assert str(e.value) == "no_such_session"


def test_a_restart_does_not_bring_it_back(tmp_path, clock, method):
    folder = tmp_path / "data"
    store = Store(folder, clock=clock)
    gone = between_meetings(store, clock)
    kept = prepared(store, clock, method)
    Workshop.delete_waiting(store, gone)
    store.close()

    again = Store(folder, clock=clock)
    try:
        assert again.load_session(gone) is None
        assert [e["id"] for e in again.list_sessions()] == [kept]
        assert [w.session_id for w in waiting_sessions(again)] == [kept]
        assert Board(again, clock).open_actions() == []
        assert session_contents(again, kept) == (2, 0)
    finally:
        again.close()
    assert not any(gone in p.name for p in folder.rglob("*"))
