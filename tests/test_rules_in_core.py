"""Rules that used to live in the screens, now in the core where every screen (and next,
the phones) asks: the vote's ballot and what a tap on a card does, the board's stale-tap
check for unpark and verdict, which answers say what the group agreed, which sessions
wait, and the days a date picker offers first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.core.activities.actions import (NEXT_MEETING_DAYS, REVIEW_WEEKS, ActionError, ActionPlan,
                                           agreed_questions, goal_question, next_meeting_suggestion,
                                           review_suggestion, today)
from kiosk.core.activities.statuspil import PARKED, Board
from kiosk.core.activities.vote import VOTES, VoteError, VoteRound, ballot
from kiosk.core.session import Session
from kiosk.core.wall import PARKING, Wall

SID = "s1"


@pytest.fixture
def wall(store, clock):
    store.save_session({"id": SID, "team": "Team A", "status": "running", "created_at": 1.0})
    return Wall(store, SID, clock)


def notes(wall, *texts, kind="godt"):
    return [wall.add_note(kind, t, step="w").key for t in texts]


def refused(reason, fn, *args, error=VoteError, **kw):
    with pytest.raises(error) as err:
        fn(*args, **kw)
    assert err.value.reason == reason


# -- the vote's ballot ---------------------------------------------------------------------------

def test_the_ballot_is_every_theme_not_parked_until_some_are_chosen(wall):
    a, b, c = notes(wall, "Travlhed", "Kantinen", "Vagtplan")
    wall.sort(b, PARKING, columns=[PARKING])
    assert ballot(wall) == [a, c]
    wall.choose(c)
    assert ballot(wall) == [c]                                   # what earlier steps chose
    assert ballot(wall, voted=[a]) == [a, c]                     # voted for here: stays, in wall order


def test_the_ballot_keeps_to_the_steps_kinds_and_clusters_stand_for_their_notes(wall):
    a, b = notes(wall, "Travlhed", "Larm")
    (x,) = notes(wall, "Puslespil", kind="item")
    cluster = wall.group(a, b)
    assert ballot(wall, kinds=["godt"]) == [cluster.key]
    assert ballot(wall) == [cluster.key, x]


def test_a_round_on_the_wall_takes_its_ballot_there_and_refuses_an_empty_one(store, wall):
    params = {"budget": 2, "max_per_note": 1, "mode": "dots"}
    refused("nothing_to_vote_on", VoteRound.on_wall, store, SID, "v", params, wall)
    a, b = notes(wall, "Travlhed", "Larm")
    r = VoteRound.on_wall(store, SID, "v", params, wall)
    assert r.items == [a, b] and r.budget == 2
    r.next_voter()
    r.cast(a)
    wall.choose(b)                                               # the winners were carried on
    assert VoteRound.on_wall(store, SID, "v", params, wall).items == [a, b]


# -- a tap on a card -----------------------------------------------------------------------------

def dots_round(store, wall, budget=2, cap=1):
    keys = notes(wall, "Travlhed", "Larm", "Vagtplan")
    return VoteRound(store, SID, "v", budget, cap, "dots", items=keys), keys


def points(store):
    return sorted((d["voter"], d["item"], d["points"]) for d in store.all(SID, VOTES))


def test_a_tap_gives_a_dot_and_at_the_cap_takes_it_back(store, wall):
    r, (a, b, c) = dots_round(store, wall, budget=3, cap=1)
    refused("no_voter", r.tap, a)                                # nobody at the screen yet
    r.next_voter()
    assert r.tap(a) == 1                                         # a dot
    assert r.tap(a) == 0 and points(store) == []                 # at the cap: a second tap takes it back
    assert r.tap(a) == 1 and r.tap(b) == 1 and r.remaining() == 1


def test_out_of_dots_a_tap_on_a_marked_card_takes_one_back_and_on_another_is_refused(store, wall):
    r, (a, b, c) = dots_round(store, wall, budget=2, cap=2)
    r.next_voter()
    assert r.tap(a) == 1 and r.tap(a) == 2 and r.remaining() == 0
    refused("no_votes_left", r.tap, b)
    assert points(store) == [(1, a, 2)]                          # the refusal wrote nothing
    assert r.tap(a) == 1 and r.remaining() == 1
    r.undo()
    assert points(store) == [(1, a, 2)]                          # the one Undo walks the taps back


def test_in_a_hand_count_a_tap_is_no_vote(store, wall):
    keys = notes(wall, "Travlhed")
    r = VoteRound(store, SID, "v", 1, None, "hands", items=keys)
    refused("wrong_mode", r.tap, keys[0])


# -- the statuspil board: a stale tap is refused in the core ------------------------------------

@pytest.fixture
def board_action(store, clock, method):
    session = Session.create(method, "Team A", clock.now())
    store.save_session(session.to_dict())
    plan = ActionPlan(store, session.id, clock)
    a = plan.add("c1", "Travlhed")
    plan.set_owner(a.id, "Mette")
    return Board(store, clock), session.id, plan, a


def test_unpark_refuses_a_tap_on_what_moved_meanwhile_and_writes_nothing(board_action):
    board, sid, _, a = board_action
    board.park(sid, a.id, seen_stage=0)
    before = board.action(sid, a.id)
    refused("moved_meanwhile", board.unpark, sid, a.id, seen_stage=0, error=ActionError)  # saw it unparked
    assert board.action(sid, a.id) == before
    assert not board.unpark(sid, a.id, seen_stage=PARKED).parked


def test_a_verdict_on_what_moved_meanwhile_is_refused_and_writes_nothing(board_action, clock):
    board, sid, plan, a = board_action
    plan.set_trial(a.id, True, (today(clock) + timedelta(days=7)).isoformat())
    board.forward(sid, a.id, seen_stage=0)                       # someone else moved it on
    before = board.action(sid, a.id)
    for verdict in ("continue", "adjust", "drop"):
        refused("moved_meanwhile", board.set_verdict, sid, a.id, verdict, seen_stage=0, error=ActionError)
    assert board.action(sid, a.id) == before
    assert board.set_verdict(sid, a.id, "drop", seen_stage=1).dropped


# -- what the group agreed -----------------------------------------------------------------------

FIVE = [{"id": "problem"}, {"id": "maal"}, {"id": "aarsag"}, {"id": "indsats"}, {"id": "hvem"}]


def test_the_goal_is_the_second_question_and_the_agreement_is_measure_then_goal():
    assert goal_question(FIVE) == "maal"
    assert agreed_questions(FIVE) == ["indsats", "maal"]
    assert agreed_questions([{"id": "a"}, {"id": "b"}]) == ["b"]  # the measure is the goal: once
    assert goal_question([{"id": "a"}]) is None and agreed_questions([{"id": "a"}]) == []
    assert agreed_questions([]) == []


# -- the days a picker offers first --------------------------------------------------------------

def test_the_next_meeting_is_suggested_four_weeks_on_and_a_review_by_the_steps_weeks(board_action, clock):
    _, _, plan, a = board_action
    now = today(clock)
    assert next_meeting_suggestion(clock) == (now + timedelta(days=NEXT_MEETING_DAYS)).isoformat()
    assert NEXT_MEETING_DAYS == 28 and REVIEW_WEEKS == 4
    assert review_suggestion(a, clock) == (now + timedelta(weeks=4)).isoformat()
    assert review_suggestion(a, clock, 6) == (now + timedelta(weeks=6)).isoformat()
    set_day = (now + timedelta(days=3)).isoformat()
    a = plan.set_trial(a.id, True, set_day)
    assert review_suggestion(a, clock, 6) == set_day             # the day it has wins
    assert date.fromisoformat(next_meeting_suggestion(clock)) > now
