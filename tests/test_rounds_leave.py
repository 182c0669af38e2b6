"""Leaving a step stops its rounds: the real Workshop and store, NED's IGP step
(1 min alone → 3 min group → 1 min plenary) and the fake clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.core.loader import load_method
from kiosk.core.activities.rounds import TABLE, Rounds, leave_step
from kiosk.core.workshop import Workshop
from kiosk.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ned():
    return load_method(ROOT / "methods" / "ned-dialogduk.toml")


def at_igp(store, clock, ned) -> Workshop:
    ws = Workshop.start(store, clock, ned, "Hjemmetjenesten Sør")
    ws.go_to(ned.step_index("hvorfor"))
    assert ws.session.step.id == "hvorfor"
    return ws


def igp(ws) -> Rounds:
    """What the screen builds when it shows the step (from the store, nothing in memory)."""
    return Rounds.for_step(ws.store, ws.session.id, ws.session.method.steps[ws.session.method.step_index("hvorfor")],
                           ws.clock)


def stored(store, ws) -> dict:
    [doc] = [d for d in store.all(ws.session.id, TABLE) if d["step"] == "hvorfor"]
    return doc


def test_leaving_mid_round_pauses_it_and_coming_back_shows_it_where_it_was(store, clock, ned):
    ws = at_igp(store, clock, ned)
    r = igp(ws)
    r.toggle()
    ws.toggle()                                     # the step's timer runs too, as the screen starts it
    clock.advance(60 + 50)                          # 50 s into the group round, 130 s left
    ws.next()
    assert ws.session.step.id == "grunner"
    doc = stored(store, ws)                         # on disk at the moment of leaving
    assert doc["current"] == 1
    assert doc["timers"][1]["runs"] == [[clock.now() - 50, clock.now()]]
    clock.advance(30 * 60)                          # half an hour on other steps
    assert igp(ws).current == 1 and igp(ws).remaining() == 130 and not igp(ws).running
    ws.previous()
    back = igp(ws)
    assert ws.session.step.id == "hvorfor"
    assert back.current == 1 and back.round.name == "I gruppa"
    assert back.remaining() == 130 and not back.running and back.state().timer.started
    assert back.marks() == ["done", "now", "next"]
    clock.advance(600)                              # paused: nothing moves by itself
    assert back.tick() == 0 and back.remaining() == 130
    back.toggle()                                   # ready to go on
    clock.advance(130)
    assert back.current == 2 and back.remaining() == 60


def test_a_restart_shows_the_same_paused_round(tmp_path, clock, ned):
    data = tmp_path / "data"
    store = Store(data, clock=clock)
    ws = at_igp(store, clock, ned)
    igp(ws).toggle()
    clock.advance(20)                               # 40 s left of the silent minute
    ws.next()
    store.close()
    clock.advance(30 * 60)
    again = Store(data, clock=clock)                # a new process on the same folder
    try:
        resumed = Workshop.resume(again, clock)
        assert resumed.session.step.id == "grunner"
        resumed.previous()
        r = igp(resumed)
        assert r.current == 0 and r.remaining() == 40 and not r.running
    finally:
        again.close()


def test_a_round_that_ran_out_before_leaving_hands_over_first(store, clock, ned):
    ws = at_igp(store, clock, ned)
    igp(ws).toggle()                                # nobody looks: no tick stores the hand-over
    clock.advance(60 + 180 + 15)                    # into the plenary, 45 s left
    ws.go_to(0)                                     # a tap on the agenda, far back
    clock.advance(3600)
    doc = stored(store, ws)
    assert doc["current"] == 2
    r = igp(ws)
    assert r.current == 2 and r.remaining() == 45 and not r.running


def test_undo_of_the_step_change_sets_the_rounds_running_again(store, clock, ned):
    ws = at_igp(store, clock, ned)
    igp(ws).toggle()
    clock.advance(30)
    ws.next()
    assert not igp(ws).running
    clock.advance(10)
    ws.undo()                                       # the mis-tap on Next taken back
    assert ws.session.step.id == "hvorfor"
    r = igp(ws)
    assert r.running and r.current == 0 and r.remaining() == 20   # it kept running, like the step
    clock.advance(20)
    assert r.current == 1 and r.running             # and hands over on time
    again = Workshop.resume(store, clock)           # the undo is stored, both in one write
    assert again.session.step.id == "hvorfor" and igp(again).running


def test_undo_of_an_old_step_change_after_coming_back_is_consistent(store, clock, ned):
    ws = at_igp(store, clock, ned)
    igp(ws).toggle()
    clock.advance(30)
    ws.next()                                       # pauses the rounds
    ws.previous()                                   # back: paused, nothing to pause again
    assert not igp(ws).running
    ws.undo()                                       # undo Previous: on the next step again
    assert ws.session.step.id == "grunner" and not igp(ws).running
    ws.undo()                                       # undo Next: back, the round running
    assert ws.session.step.id == "hvorfor" and igp(ws).running


def test_steps_without_rounds_and_rounds_not_started_write_nothing_extra(store, clock, ned):
    ws = at_igp(store, clock, ned)
    ws.next()                                       # the rounds were never started
    assert store.all(ws.session.id, TABLE) == []
    assert leave_step(store, ws.session.id, ws.session.step, clock.now()) is None  # a write step
    ws.previous()
    r = igp(ws)
    r.toggle()
    r.toggle()                                      # paused by hand
    before = stored(store, ws)
    ws.next()
    assert stored(store, ws) == before              # nothing to pause: untouched
    assert ws._undo[-1][1] is None


def test_ending_the_workshop_stops_the_rounds_of_its_step(store, clock, ned):
    ws = at_igp(store, clock, ned)
    igp(ws).toggle()
    clock.advance(10)
    ws.finish()
    clock.advance(3600)
    r = igp(ws)
    assert r.current == 0 and r.remaining() == 50 and not r.running


def test_ending_a_meeting_stops_the_rounds_of_its_last_step(store, clock):
    """APU with its first meeting cut short after the interviews, so the meeting ends on
    the rounds step itself (End meeting leaves the step without Next)."""
    from dataclasses import replace

    apu = load_method(ROOT / "methods" / "apu.toml")
    method = replace(apu, steps=tuple(s for s in apu.steps if s.id not in ("onsker", "topp3", "utstilling")))
    ws = Workshop.start(store, clock, method, "Kantina")
    ws.go_to(method.step_index("intervju"))
    assert ws.session.meeting_ends_here
    step = ws.session.step
    r = Rounds.for_step(store, ws.session.id, step, clock)
    r.toggle()
    clock.advance(90)
    ws.end_meeting(None)
    clock.advance(14 * 24 * 3600)                   # two weeks between the meetings
    again = Rounds.for_step(store, ws.session.id, step, clock)
    assert again.current == 0 and not again.running
    assert again.remaining() == r.rounds[0].minutes * 60 - 90


def test_a_failed_write_leaves_the_step_and_the_rounds_as_they_were(store, clock, ned, monkeypatch):
    import os

    ws = at_igp(store, clock, ned)
    igp(ws).toggle()
    clock.advance(30)
    path = store._session_path(ws.session.id)
    on_disk = open(path).read()

    def full(*a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreError):
        ws.next()
    monkeypatch.undo()
    assert ws.session.step.id == "hvorfor"          # the screen still shows the step
    assert store.load_session(ws.session.id)["step_index"] == ned.step_index("hvorfor")
    assert open(path).read() == on_disk             # neither the step nor the pause written
    assert igp(ws).running                          # memory went back with the file
    assert json.loads(on_disk)                      # still a good file


def test_a_screen_built_before_an_older_undo_reads_the_stored_facts_again(store, clock, ned):
    """The kiosk's one Undo walks back through several controllers: the rounds' own
    Start, held by the screen that was shown first, lands on a later screen's Rounds."""
    ws = at_igp(store, clock, ned)
    first = igp(ws)
    first.toggle()                                  # Start round (the first screen's controller)
    clock.advance(15)
    ws.next()
    ws.previous()
    shown = igp(ws)                                 # the screen built on coming back
    assert shown.remaining() == 45 and not shown.running
    ws.undo()
    ws.undo()                                       # the Next undone: running again
    clock.advance(5)
    assert igp(ws).running and igp(ws).remaining() == 40
    first.undo()                                    # the Start undone, by the first controller
    shown.reload()                                  # what the screen's refresh does
    assert not shown.running and shown.remaining() == 60 and not shown.started
    assert shown.tick() == 0 and not igp(ws).started
