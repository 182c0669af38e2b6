"""Timed sub-rounds against the real store and a fake clock: the current round and its
time derived from stored facts, automatic hand-over at zero, restart, adjust, undo."""

from __future__ import annotations

import pytest

from kiosk.core.activities import validate_params, with_defaults
from kiosk.clock import FakeClock
from kiosk.core.activities.rounds import TABLE, Rounds, RoundsError, RoundsState, Round

pytestmark = [pytest.mark.running_session, pytest.mark.refusal(error=RoundsError)]
SID = "s1"
IGP = [{"name": "Alene", "minutes": 1}, {"name": "Gruppe", "minutes": 3},
       {"name": "Plenum", "minutes": 2, "prompts": ["En fra hvert bord legger fram"]}]


@pytest.fixture
def clock():
    return FakeClock(1_800_000_000.0)


def rounds(store, clock, spec=IGP):
    return Rounds(store, SID, "igp", spec, clock)


def test_a_fresh_step_waits_at_the_first_round_with_its_full_time(store, clock):
    r = rounds(store, clock)
    assert r.current == 0 and r.round.name == "Alene"
    assert r.remaining() == 60 and not r.running and not r.started
    clock.advance(500)
    assert r.remaining() == 60                      # nothing runs until Start
    assert r.marks() == ["now", "next", "next"]
    assert store.all(SID, TABLE) == []              # nothing stored before a tap


def test_a_round_ending_hands_over_at_the_moment_it_reached_zero(store, clock):
    r = rounds(store, clock)
    r.toggle()
    clock.advance(45)
    assert r.remaining() == 15 and r.current == 0
    clock.advance(25)                               # 10 s into the group round
    assert r.current == 1 and r.round.name == "Gruppe"
    assert r.remaining() == 170 and r.running
    assert r.marks() == ["done", "now", "next"]
    assert r.tick() == 1                            # stored once, for the chime
    assert r.tick() == 0
    [doc] = store.all(SID, TABLE)
    assert doc["current"] == 1
    assert doc["timers"][0]["runs"] == [[1_800_000_000.0, 1_800_000_060.0]]
    assert doc["timers"][1]["runs"] == [[1_800_000_060.0, None]]


def test_several_rounds_can_end_while_nobody_looked_and_the_last_runs_over(store, clock):
    r = rounds(store, clock)
    r.toggle()
    clock.advance(60 + 180 + 120 + 30)
    assert r.current == 2 and r.remaining() == -30 and r.running
    assert r.tick() == 2
    assert r.marks() == ["done", "done", "now"]


def test_restart_reads_the_same_round_and_time(store, clock, tmp_path):
    r = rounds(store, clock)
    r.toggle()
    clock.advance(90)
    r.toggle()                                      # paused 30 s into the group round
    clock.advance(1000)
    again = rounds(store, clock)                    # what a restart builds
    assert again.current == 1 and again.remaining() == 150 and not again.running


def test_pause_keeps_the_time_and_next_previous_move_by_hand(store, clock, refused):
    r = rounds(store, clock)
    r.toggle()
    clock.advance(20)
    r.next()                                        # early: the group round starts now
    assert r.current == 1 and r.remaining() == 180 and r.running
    clock.advance(50)
    r.previous()                                    # once more alone: starts again from full
    assert r.current == 0 and r.remaining() == 40 and r.running  # it had 40 s left
    clock.advance(40)
    assert r.current == 1 and r.remaining() == 130  # the group round resumes where it was
    r.toggle()
    r.next()
    assert r.current == 2 and not r.running and r.remaining() == 120
    refused("last_round", r.next)
    r.go_to(0)
    refused("first_round", r.previous)
    refused("no_such_round", r.go_to, 7)


def test_going_back_to_a_round_that_ran_out_gives_it_its_time_again(store, clock):
    r = rounds(store, clock)
    r.toggle()
    clock.advance(70)
    assert r.current == 1
    r.previous()
    assert r.current == 0 and r.remaining() == 60 and r.running


def test_adjust_the_current_round(store, clock, refused):
    r = rounds(store, clock)
    r.add_minutes(2)
    assert r.remaining() == 180
    r.add_minutes(-5)                               # never below zero length
    assert r.remaining() == 0
    refused("round_adjust_range", r.add_minutes, 500)
    r.toggle()                                      # a round with no time hands over at once
    assert r.current == 1


def test_undo_walks_back_taps_but_not_what_the_clock_did(store, clock):
    r = rounds(store, clock)
    r.toggle()
    clock.advance(10)
    r.add_minutes(1)
    assert r.remaining() == 110
    assert r.can_undo
    r.undo()
    assert r.remaining() == 50
    r.undo()
    assert not r.running and r.remaining() == 60
    assert not r.can_undo
    assert rounds(store, clock).remaining() == 60   # the undo is stored too


def test_state_value_from_a_changed_method_keeps_what_it_can(clock, refused):
    spec = [Round("A", 10), Round("B", 10)]
    s = RoundsState.fresh(spec).toggle(0.0)
    d = s.to_dict()
    again = RoundsState.from_dict(d, [Round("A", 5)])
    assert again.current == 0 and len(again.timers) == 1 and again.timer.planned == 300
    refused("no_rounds", RoundsState.fresh, [])


def test_catalogue_checks_rounds_fit_and_takes_prompts():
    ok = {"rounds": IGP}
    assert validate_params("rounds", ok, 6) == []
    [(field, why)] = validate_params("rounds", ok, 5)
    assert field == "rounds" and "fit" in why
    bad = {"rounds": [{"name": "A", "minutes": 1, "prompts": "x"}]}
    assert validate_params("rounds", bad, 5)[0][0] == "rounds[0].prompts"
    assert with_defaults("rounds", {"rounds": [{"name": "A", "minutes": 1}]})["rounds"][0]["prompts"] == []
