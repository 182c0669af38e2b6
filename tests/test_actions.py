"""Action plans against the real store: completeness, validation, undo, restart, full disk."""

from __future__ import annotations

import errno
import os
from datetime import timedelta

import pytest

from kiosk.core.activities import actions as actions_mod
from kiosk.core.activities.actions import (ACTIONS, DEFAULT_STAGES, Action, ActionError, ActionPlan,
                                measure_question, missing, today, unanswered)
from kiosk.core.session import Session
from kiosk.core.activities.statuspil import Board
from kiosk.store import Store, StoreError

pytestmark = pytest.mark.refusal(error=ActionError)

QUESTIONS = [{"id": "forandring", "title": "?"}, {"id": "maal", "title": "?"},
             {"id": "se-maalet", "title": "?"}, {"id": "barrierer", "title": "?"},
             {"id": "karakter", "title": "?"}, {"id": "indsatser", "title": "?"},
             {"id": "hvem-med", "title": "?"}, {"id": "opfoelgning", "title": "?"}]


@pytest.fixture
def sid(store, clock, method):
    session = Session.create(method, "Team A", clock.now())
    store.save_session(session.to_dict())
    return session.id


@pytest.fixture
def plan(store, sid, clock):
    return ActionPlan(store, sid, clock)


def day(clock, n: int) -> str:
    """An ISO day ``n`` days from the test clock's local today."""
    return (today(clock) + timedelta(days=n)).isoformat()


def full_disk(monkeypatch):
    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)


# -- what the plan knows from the method ------------------------------------------------------

def test_plan_takes_questions_requirements_and_stages_from_the_method(plan):
    assert [q["id"] for q in plan.questions] == [q["id"] for q in QUESTIONS]
    assert plan.require_iglo is False and plan.require_follow_up is True
    assert plan.stages == DEFAULT_STAGES


def test_a_method_with_its_own_stages_gives_its_actions_those(store, clock, method):
    doc = Session.create(method, "Team B", clock.now()).to_dict()
    for step in doc["method"]["steps"]:
        if step["activity"] == "statuspil":
            step["params"]["stages"] = ["planlagt", " i gang ", "ferdig"]
    store.save_session(doc)
    a = ActionPlan(store, doc["id"], clock).add(None, "Møter")
    assert a.stages == ("planlagt", "i gang", "ferdig") and a.stage == 0


@pytest.mark.parametrize("stages", [[], ["aftalt"], ["a", "a"], ["a", "A "], ["a", " "], ["a", 3],
                                    ["a", "parkeret"], ["a", "x" * 31]])
def test_a_bad_stage_list_in_the_method_is_refused(store, clock, method, stages, refused):
    doc = Session.create(method, "Team B", clock.now()).to_dict()
    for step in doc["method"]["steps"]:
        if step["activity"] == "statuspil":
            step["params"]["stages"] = stages
    store.save_session(doc)
    refused("stages_invalid", ActionPlan, store, doc["id"], clock)


def test_an_unknown_session_is_refused(store, clock, refused):
    refused("unknown_session", ActionPlan, store, "nope", clock)


# -- add ----------------------------------------------------------------------------------------

def test_add_links_the_action_to_its_wall_item_and_stores_it(plan, store, sid, clock):
    a = plan.add("c3", "  Travlhed   i  ydertimerne ")
    assert a == Action(id=a.id, session_id=sid, theme_key="c3", theme_label="Travlhed i ydertimerne",
                       stages=DEFAULT_STAGES, created_at=clock.now())
    assert Action.from_dict(store.get(sid, ACTIONS, a.id)) == a
    b = plan.add("c3", "Travlhed i ydertimerne")  # several actions per theme
    c = plan.add("n7", "Frokostpause")
    assert [x.id for x in plan.for_theme("c3")] == [a.id, b.id]
    assert plan.for_theme("n7") == [c] and plan.actions() == [a, b, c]


def test_add_refuses_a_bad_theme(plan, refused):
    refused("theme_unknown", plan.add, "x12", "Tema")
    refused("theme_unknown", plan.add, 12, "Tema")
    refused("theme_empty", plan.add, None, "   ")
    refused("theme_long", plan.add, "n1", "x" * 501)
    assert plan.add(None, "Uden post-it").theme_key is None
    assert plan.add("n1", "").theme_label == ""  # the key alone names the theme


def test_a_session_holds_a_bounded_number_of_actions(plan, monkeypatch, refused):
    monkeypatch.setattr(actions_mod, "ACTIONS_MAX", 3)
    ids = [plan.add("n1", "t").id for _ in range(3)]
    refused("too_many_actions", plan.add, "n1", "t")
    plan.delete(ids[0])
    plan.add("n1", "t")  # a deleted one makes room
    monkeypatch.setattr(actions_mod, "DOCS_MAX", 4)
    plan.delete(ids[1])
    refused("too_many_actions", plan.add, "n1", "t")  # add/delete loops cannot grow the file forever


# -- completeness -------------------------------------------------------------------------------

def test_missing_lists_what_a_written_apv_plan_lacks(plan):
    a = plan.add("c1", "Travlhed")
    assert plan.missing(a) == ["measure", "owner", "follow_up"]
    a = plan.answer(a.id, "indsatser", "Fast mødefri onsdag")
    a = plan.set_owner(a.id, "Mette")
    assert plan.missing(a) == ["follow_up"] and not plan.complete(a)
    a = plan.set_follow_up(a.id, day(plan.clock, 30))
    assert plan.missing(a) == [] and plan.complete(a)
    assert unanswered(a, plan.questions) == ["forandring", "maal", "se-maalet", "barrierer", "karakter",
                                             "hvem-med", "opfoelgning"]


def test_the_problem_is_the_theme_or_else_the_first_answer():
    bare = Action(id=1, session_id="s")
    assert missing(bare, QUESTIONS) == ["problem", "measure", "owner", "follow_up"]
    stated = Action(id=1, session_id="s", answers={"forandring": "Mindre støj"})
    assert "problem" not in missing(stated, QUESTIONS)
    assert "problem" not in missing(Action(id=1, session_id="s", theme_label="Støj"), QUESTIONS)
    blank = Action(id=1, session_id="s", answers={"forandring": "   "})
    assert "problem" in missing(blank, QUESTIONS)


def test_iglo_review_and_follow_up_are_required_as_the_method_says():
    a = Action(id=1, session_id="s", theme_label="t", answers={"indsatser": "x"}, owner="Ole")
    assert missing(a, QUESTIONS, require_iglo=True) == ["follow_up", "iglo"]
    assert missing(a, QUESTIONS, require_follow_up=False) == []
    trial = Action(id=1, session_id="s", theme_label="t", answers={"indsatser": "x"}, owner="Ole",
                   follow_up="2030-01-01", trial=True)
    assert missing(trial, QUESTIONS) == ["review"]


def test_the_measure_question_is_found_by_its_id_or_its_place():
    assert measure_question(QUESTIONS) == "indsatser"
    assert measure_question([{"id": "tema"}, {"id": "hvem"}, {"id": "Tiltak-1"}]) == "Tiltak-1"
    assert measure_question([{"id": "q1"}, {"id": "q2"}, {"id": "q3"}, {"id": "q4"}, {"id": "q5"}]) == "q4"
    assert measure_question([{"id": "q1"}, {"id": "q2"}]) == "q2"
    assert measure_question([{"id": "q1"}]) is None and measure_question([]) is None


# -- answers, owner, dates, iglo, trial ---------------------------------------------------------

def test_answer_trims_bounds_and_clears(plan, store, sid, refused):
    a = plan.add("c1", "t")
    a = plan.answer(a.id, "maal", "  Ro til\nfordybelse  ")
    assert a.answers == {"maal": "Ro til\nfordybelse"}
    assert plan.answer(a.id, "barrierer", "x" * 500).answers["barrierer"] == "x" * 500
    refused("answer_long", plan.answer, a.id, "barrierer", "y" * 501)
    refused("question_unknown", plan.answer, a.id, "nope", "x")
    refused("answer_invalid", plan.answer, a.id, "maal", None)
    a = plan.answer(a.id, "maal", "   ")
    assert a.answers == {"barrierer": "x" * 500}
    assert store.get(sid, ACTIONS, a.id)["answers"] == {"barrierer": "x" * 500}


def test_owner_is_trimmed_and_must_be_there(plan, refused):
    a = plan.add("c1", "t")
    assert plan.set_owner(a.id, "  Anne   Sofie ").owner == "Anne Sofie"
    refused("owner_empty", plan.set_owner, a.id, "  \n ")
    refused("owner_empty", plan.set_owner, a.id, None)
    refused("owner_long", plan.set_owner, a.id, "x" * 61)
    assert plan.set_owner(a.id, "x" * 60).owner == "x" * 60


def test_follow_up_must_be_a_real_day_not_in_the_past(plan, clock, refused):
    a = plan.add("c1", "t")
    assert plan.set_follow_up(a.id, day(clock, 0)).follow_up == day(clock, 0)  # today is fine
    assert plan.set_follow_up(a.id, day(clock, 14)).follow_up == day(clock, 14)
    refused("date_past", plan.set_follow_up, a.id, day(clock, -1))
    for bad in ("2026-13-01", "2026-02-30", "1/2/2026", "tomorrow", "", 20260101):
        refused("date_invalid", plan.set_follow_up, a.id, bad)
    assert plan.get(a.id).follow_up == day(clock, 14)  # refusals changed nothing
    assert plan.set_follow_up(a.id, today(clock) + timedelta(days=3)).follow_up == day(clock, 3)
    assert plan.set_follow_up(a.id, None).follow_up is None


def test_a_date_becomes_past_when_the_clock_moves_on(plan, clock, refused):
    a = plan.add("c1", "t")
    soon = day(clock, 1)
    plan.set_follow_up(a.id, soon)
    clock.advance(3 * 86_400)
    refused("date_past", plan.set_follow_up, a.id, soon)


def test_iglo_is_one_of_four_levels(plan, refused):
    a = plan.add("c1", "t")
    assert plan.set_iglo(a.id, "leadership").iglo == "leadership"
    refused("iglo_unknown", plan.set_iglo, a.id, "ledelse")
    assert plan.set_iglo(a.id, None).iglo is None


def test_a_trial_action_carries_a_review_day(plan, clock, refused):
    a = plan.add("c1", "t")
    a = plan.set_trial(a.id, True, day(clock, 21))
    assert a.trial and a.review == day(clock, 21)
    refused("date_past", plan.set_trial, a.id, True, day(clock, -2))
    assert plan.set_trial(a.id, True).review is None  # the review day can come later
    a = plan.set_trial(a.id, False, day(clock, 5))
    assert not a.trial and a.review is None


def test_unknown_actions_are_refused(plan, refused):
    a = plan.add("c1", "t")
    for bad in (0, -1, 999, "1", True, None):
        refused("unknown_action", plan.set_owner, bad, "Ole")
    plan.delete(a.id)
    refused("unknown_action", plan.set_owner, a.id, "Ole")


# -- delete and undo ----------------------------------------------------------------------------

def test_delete_is_soft_and_undo_brings_it_back(plan, store, sid):
    a = plan.add("c1", "t")
    plan.delete(a.id)
    assert plan.actions() == [] and store.get(sid, ACTIONS, a.id)["deleted"] is True
    assert plan.undo()
    assert plan.actions() == [a]


def test_undo_walks_back_each_change_then_the_add(plan):
    a = plan.add("c1", "t")
    plan.set_owner(a.id, "Ole")
    plan.answer(a.id, "maal", "Ro")
    plan.set_follow_up(a.id, day(plan.clock, 7))
    plan.set_owner(a.id, "Ole")  # no change: no write, nothing to undo
    for _ in range(3):
        assert plan.undo()
    assert plan.get(a.id) == a
    assert plan.undo() and plan.actions() == []
    assert not plan.can_undo and plan.undo() is False


def test_the_plan_never_overwrites_what_the_board_did(plan, store, clock, sid):
    a = plan.add("c1", "t")
    board = Board(store, clock)
    board.forward(sid, a.id, seen_stage=0)
    plan.set_owner(a.id, "Ole")
    plan.undo()
    now = plan.get(a.id)
    assert now.stage == 1 and len(now.history) == 1 and now.owner == ""


# -- restart and a full disk --------------------------------------------------------------------

def test_a_restart_shows_the_same_plan(tmp_path, plan, store, clock, sid):
    a = plan.add("c1", "Travlhed")
    plan.answer(a.id, "indsatser", "Mødefri onsdag")
    plan.set_owner(a.id, "Mette")
    plan.set_follow_up(a.id, day(clock, 10))
    plan.set_iglo(a.id, "group")
    plan.set_trial(a.id, True, day(clock, 20))
    before = plan.actions()
    store.close()
    again = Store(store.data_dir, clock=clock)
    try:
        assert ActionPlan(again, sid, clock).actions() == before
    finally:
        again.close()


def test_a_failed_write_leaves_memory_and_disk_unchanged(plan, store, clock, sid, monkeypatch):
    a = plan.add("c1", "t")
    plan.set_owner(a.id, "Ole")
    before, depth = plan.actions(), len(plan._undo)
    full_disk(monkeypatch)
    for attempt in (lambda: plan.add("c2", "lost"),
                    lambda: plan.answer(a.id, "maal", "lost"),
                    lambda: plan.set_owner(a.id, "Lost"),
                    lambda: plan.set_follow_up(a.id, day(clock, 3)),
                    lambda: plan.set_iglo(a.id, "group"),
                    lambda: plan.set_trial(a.id, True, day(clock, 3)),
                    lambda: plan.delete(a.id),
                    plan.undo):
        with pytest.raises(StoreError) as err:
            attempt()
        assert err.value.kind == "full"
        assert plan.actions() == before and len(plan._undo) == depth
    monkeypatch.undo()
    store.close()
    again = Store(store.data_dir, clock=clock)
    try:
        assert ActionPlan(again, sid, clock).actions() == before
    finally:
        again.close()


def test_a_hand_edited_document_reads_with_defaults():
    a = Action.from_dict({"doc_id": 4, "stage": 9, "stages": [], "answers": "x", "iglo": "boss",
                          "follow_up": "someday", "verdict": "maybe", "history": [1, {"at": 1}],
                          "finished_at": True}, "s")
    assert (a.stage, a.stages, a.answers, a.iglo, a.follow_up, a.verdict, a.history, a.finished_at) == \
        (4, DEFAULT_STAGES, {}, None, None, None, ({"at": 1},), None)


def test_a_trial_action_from_the_start_is_one_undo(tmp_path):
    """In a step of prøvehandlinger the new action is a trial at once, so a single
    Undo takes it away (not first the trial, then the action)."""
    from kiosk.core.activities.actions import ActionPlan
    from kiosk.clock import FakeClock
    from kiosk.store import Store

    clock = FakeClock(1_800_000_000.0)
    store = Store(tmp_path / "data", clock=clock)
    try:
        store.save_session({"id": "s1", "team": "T", "status": "running", "created_at": 1.0})
        plan = ActionPlan(store, "s1", clock, questions=[{"id": "hvad", "title": "Hvad?"}])
        made = plan.add(None, "Faste pauser", trial=True)
        assert plan.get(made.id).trial and "review" in plan.missing(plan.get(made.id))
        plan.undo()
        assert [a.id for a in plan.actions()] == []
    finally:
        store.close()
