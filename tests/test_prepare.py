"""Preparing a session before the workshop (issue 3): the trio types their pink notes
onto the session's wall ahead of time. The core against the real store.

``Workshop.prepare`` writes a session that waits for its first meeting (status
"between" at step 0, timers untouched, the plan as Start applies it) without making it
the running one; ``waiting_sessions`` lists it as not started with its prepared notes
counted; ``Workshop.continue_meeting`` starts it on the same wall.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.loader import load_method
from kiosk.core.plan import Plan
from kiosk.core.session import BETWEEN, RUNNING, SessionError
from kiosk.core.wall import Wall, WallError
from kiosk.core.workshop import (ACTIVE_KEY, Workshop, count_prepared, not_started, prepared_kinds,
                                 running_session, waiting_sessions)
from kiosk.store import Store

ROOT = Path(__file__).resolve().parents[1]


def method(name="trivselsdialog"):
    return load_method(ROOT / "methods" / f"{name}.toml")


def trio_notes(store, clock, sid, texts):
    """Type notes of the trio's kind as the prepare screen does."""
    wall = Wall(store, sid, clock)
    return [wall.add_note("trio", t, step="refleksion", kinds=["trio"], max_length=120) for t in texts]


# -- which methods have something to prepare ----------------------------------------------

def test_prepared_kinds_come_from_the_write_steps_of_the_method_file():
    [(step, kind)] = prepared_kinds(method())
    assert step.id == "refleksion" and kind["id"] == "trio" and kind["title"] == "Trioens post-its"
    assert kind["colour"] == "pink"
    assert [k["id"] for _, k in prepared_kinds(method("dialogverksted"))] == ["tema"]
    assert prepared_kinds(method("ned-dialogduk")) == []
    assert prepared_kinds(method("perspektivsamtale")) == []


# -- prepare -----------------------------------------------------------------------------------

def test_prepare_writes_a_session_waiting_for_its_first_meeting_and_does_not_run_it(store, clock):
    planned = Plan.of(method()).set_minutes("refleksion", 15).method()   # as Start applies the plan
    session = Workshop.prepare(store, clock, planned, "  Hjemmeplejen   Nord ", "da")
    assert session.status == BETWEEN and session.step_index == 0 and not_started(session)
    assert session.team == "Hjemmeplejen Nord" and session.lang == "da"
    doc = store.load_session(session.id)                                  # on disk …
    assert doc["status"] == BETWEEN and doc["step_index"] == 0
    assert doc["timers"]["refleksion"]["planned"] == 15 * 60.0           # … with the plan …
    assert all(t["runs"] == [] for t in doc["timers"].values())          # … and no timer touched
    assert [e["id"] for e in store.list_sessions()] == [session.id]
    assert store.get_state(ACTIVE_KEY) is None and running_session(store) is None
    assert Workshop.resume(store, clock) is None                          # a restart runs nothing


def test_a_prepared_session_is_listed_as_not_started_with_its_notes_counted(store, clock):
    session = Workshop.prepare(store, clock, method(), "Køkkenet")
    [w] = waiting_sessions(store)
    assert (w.session_id, w.team, w.method_title, w.meeting, w.date) == (
        session.id, "Køkkenet", "Trivselsdialog", 1, None)
    assert w.prepared == 0 and not w.started
    notes = trio_notes(store, clock, session.id, ["Travlhed om morgenen", "Sygefravær i weekenden",
                                                  "Støj på gangen"])
    wall = Wall(store, session.id, clock)
    wall.delete_note(notes[2].id)                                         # a deleted one does not count
    wall.add_note("godt", "Ikke trioens", step="refleksion")              # another kind does not count
    [w] = waiting_sessions(store)
    assert w.prepared == 2 and count_prepared(store, session) == 2


def test_a_session_between_two_meetings_is_not_taken_for_a_prepared_one(store, clock):
    from test_meetings import at_meeting_end

    ws = at_meeting_end(store, clock)
    ws.end_meeting(None)
    [w] = waiting_sessions(store)
    assert w.meeting == 2 and w.started and w.prepared is None
    assert not not_started(ws.session)


def test_prepare_is_refused_while_a_workshop_runs_and_nothing_is_written(store, clock):
    running = Workshop.start(store, clock, method(), "Rengøringen")
    with pytest.raises(SessionError, match="prepare_running"):
        Workshop.prepare(store, clock, method(), "Køkkenet")
    assert [e["id"] for e in store.list_sessions()] == [running.session.id]
    assert store.get_state(ACTIVE_KEY) == running.session.id
    running.finish()                                                      # ended: now it may be prepared
    prepared = Workshop.prepare(store, clock, method(), "Køkkenet")
    assert {e["id"] for e in store.list_sessions()} == {running.session.id, prepared.id}


def test_prepare_refuses_a_method_without_a_prepared_kind_and_a_bad_team_name(store, clock):
    with pytest.raises(SessionError, match="no_prepared_kind"):
        Workshop.prepare(store, clock, method("ned-dialogduk"), "Lageret")
    with pytest.raises(SessionError, match="team_empty"):
        Workshop.prepare(store, clock, method(), "   ")
    with pytest.raises(SessionError, match="team_long"):
        Workshop.prepare(store, clock, method(), "x" * 61)
    assert store.list_sessions() == []


def test_prepared_notes_are_checked_like_any_note(store, clock):
    session = Workshop.prepare(store, clock, method(), "Køkkenet")
    wall = Wall(store, session.id, clock)
    with pytest.raises(WallError, match="note_empty"):
        wall.add_note("trio", "   ", step="refleksion", kinds=["trio"])
    with pytest.raises(WallError, match="note_long"):
        wall.add_note("trio", "x" * 121, step="refleksion", kinds=["trio"], max_length=120)
    with pytest.raises(WallError, match="unknown_kind"):
        wall.add_note("godt", "Ikke trioens", step="refleksion", kinds=["trio"])
    assert Wall(store, session.id, clock).notes() == []


# -- starting it -------------------------------------------------------------------------------

def test_starting_a_prepared_session_runs_it_from_step_one_with_the_notes_on_its_wall(tmp_path, clock):
    data = tmp_path / "data"
    with Store(data, clock=clock) as store:
        session = Workshop.prepare(store, clock, method(), "Køkkenet")
        notes = trio_notes(store, clock, session.id, ["Travlhed", "Mange vikarer på ældreområdet"])
    clock.advance(3 * 86_400)                                             # days later, after a restart
    with Store(data, clock=clock) as store:
        [w] = waiting_sessions(store)
        assert w.session_id == session.id and w.prepared == 2
        ws = Workshop.continue_meeting(store, clock, session.id)
        assert ws.session.status == RUNNING and ws.session.step.id == "velkomst"
        assert not ws.session.timer.started
        assert store.get_state(ACTIVE_KEY) == session.id and waiting_sessions(store) == []
        assert Workshop.resume(store, clock).session.id == session.id
        wall = Wall(store, session.id, clock)
        assert [(n.id, n.kind, n.text, n.face_down) for n in wall.notes()] == [
            (n.id, "trio", n.text, False) for n in notes]
        assert [n.id for n in wall.to_present(["trio"])] == [n.id for n in notes]   # the trio presents them
        assert wall.to_present(["godt", "mindre-godt"]) == []                       # not in the group's turns
        with pytest.raises(SessionError, match="not_waiting"):
            Workshop.continue_meeting(store, clock, session.id)


def test_a_prepared_session_waits_while_another_workshop_runs(store, clock):
    session = Workshop.prepare(store, clock, method(), "Køkkenet")
    other = Workshop.start(store, clock, method(), "Rengøringen")
    with pytest.raises(SessionError, match="workshop_running"):
        Workshop.continue_meeting(store, clock, session.id)
    assert store.load_session(session.id)["status"] == BETWEEN
    other.finish()
    assert Workshop.continue_meeting(store, clock, session.id).session.status == RUNNING


# -- taking a Prepare tap back ---------------------------------------------------------------

def test_a_prepared_session_without_notes_can_be_discarded_and_one_with_notes_cannot(store, clock):
    typo = Workshop.prepare(store, clock, method(), "Køkkne")
    Workshop.discard_prepared(store, typo.id)                             # nothing written on it yet
    assert store.list_sessions() == [] and store.load_session(typo.id) is None

    kept = Workshop.prepare(store, clock, method(), "Køkkenet")
    [note] = trio_notes(store, clock, kept.id, ["Travlhed"])
    with pytest.raises(SessionError, match="has_notes"):
        Workshop.discard_prepared(store, kept.id)
    assert [w.session_id for w in waiting_sessions(store)] == [kept.id]
    Wall(store, kept.id, clock).delete_note(note.id)                      # its only note deleted: may go
    Workshop.discard_prepared(store, kept.id)
    assert store.list_sessions() == []

    started = Workshop.prepare(store, clock, method(), "Lageret")
    Workshop.continue_meeting(store, clock, started.id)
    with pytest.raises(SessionError, match="already_started"):
        Workshop.discard_prepared(store, started.id)
    with pytest.raises(SessionError, match="no_such_session"):
        Workshop.discard_prepared(store, typo.id)
    assert store.load_session(started.id)["status"] == RUNNING
