"""Proposals and decisions against the real store: a method that proposes its actions to
a body makes proposals; approve, adjust, merge and decline are written in one batch,
logged, undone only while nothing changed since, and refused with a reason when the
screen is behind the store (declined meanwhile, decided twice) or the name is missing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kiosk.core import export
from kiosk.core.activities.actions import ACTIONS, Action, ActionError, ActionPlan, today
from kiosk.core.activities.statuspil import Board
from kiosk.core.decisions import BODIES, Decisions, body_name
from kiosk.core.session import Session
from kiosk.i18n import translator

pytestmark = pytest.mark.refusal(error=ActionError)


def start(store, clock, method, body="ansvarsgruppe", team="Team A") -> str:
    session = Session.create(replace(method, decided_by=body), team, clock.now())
    store.save_session(session.to_dict())
    return session.id


@pytest.fixture
def sid(store, clock, method):
    return start(store, clock, method)


@pytest.fixture
def plan(store, sid, clock):
    return ActionPlan(store, sid, clock)


@pytest.fixture
def decisions(store, clock):
    return Decisions(store, clock)


def day(clock, n: int) -> str:
    return (today(clock) + timedelta(days=n)).isoformat()


def proposal(plan, clock, label="Ro om morgenen", owner="Mette", measure="Ingen møder før 9"):
    a = plan.add(None, label)
    plan.set_owner(a.id, owner)
    plan.answer(a.id, "indsatser", measure)
    plan.set_follow_up(a.id, day(clock, 14))
    return plan.get(a.id)


def stored(store, sid, aid) -> dict:
    return store.get(sid, ACTIONS, aid)


# -- proposals are made where the method says so --------------------------------------------

def test_a_workshop_method_makes_agreed_actions_with_no_decision_facet(store, clock, method):
    session = Session.create(method, "Team W", clock.now())
    store.save_session(session.to_dict())
    plan = ActionPlan(store, session.id, clock)
    a = plan.add(None, "Pauser")
    assert plan.body is None and a.decision is None and a.agreed and not a.proposal
    assert "decision" not in stored(store, session.id, a.id)  # its document is as before
    board = Board(store, clock)
    assert board.forward(session.id, a.id, seen_stage=0).stage == 1


def test_a_proposal_is_on_the_board_apart_and_does_not_move(store, clock, plan, sid, refused):
    agreed_sid = start(store, clock, plan_method(store, sid), body="workshop", team="Team B")
    agreed = ActionPlan(store, agreed_sid, clock).add(None, "Aftalt ting")
    p = proposal(plan, clock)
    assert p.proposal and p.decision.body == "ansvarsgruppe" and p.decision.revision == 1
    assert p.decision.log[0]["event"] == "propose"
    board = Board(store, clock)
    clock.advance(20 * 86400)  # its follow-up day has passed: a proposal is still not overdue
    arrows = board.open_actions()
    assert [r.action.key for r in arrows] == [agreed.key, p.key]  # open first, then proposals
    assert arrows[1].overdue is False
    refused("proposal_pending", board.forward, sid, p.id, seen_stage=0)
    refused("proposal_pending", board.park, sid, p.id, seen_stage=0)
    refused("proposal_pending", board.move, sid, p.id, 2, seen_stage=0)


def plan_method(store, sid):
    from kiosk.core.method import Method

    return Method.from_dict(store.load_session(sid)["method"])


# -- approve -----------------------------------------------------------------------------------

def test_approve_makes_it_agreed_with_who_when_and_which_body(store, clock, plan, sid, decisions):
    p = proposal(plan, clock)
    a = decisions.approve(sid, p.id, "  Mette   og Ali ", seen=p.decision.revision)
    assert a.agreed and a.decision.state == "approved" and a.decision.by == "Mette og Ali"
    assert a.decision.at == clock.now() and a.decision.body == "ansvarsgruppe"
    assert a.stage == 0 and a.stage_name == "aftalt"
    assert [r["event"] for r in a.decision.log] == ["propose", "approve"]
    assert Action.from_dict(stored(store, sid, p.id), sid) == a  # what it says is what is stored
    board = Board(store, clock)
    assert board.forward(sid, p.id, seen_stage=0).stage == 1  # now it moves on the arrow
    assert decisions.proposals() == []


def test_a_decision_without_a_name_is_refused_and_nothing_changes(store, plan, sid, clock, decisions, refused):
    p = proposal(plan, clock)
    before = stored(store, sid, p.id)
    refused("decider_empty", decisions.approve, sid, p.id, "")
    refused("decider_empty", decisions.approve, sid, p.id, "   \n ")
    refused("decider_empty", decisions.decline, sid, p.id, None, "Ingen penge")
    refused("decider_empty", decisions.adjust, sid, p.id, "", owner="Ali")
    refused("decider_long", decisions.approve, sid, p.id, "x" * 121)
    refused("reason_empty", decisions.decline, sid, p.id, "Ledelsen", "  ")
    refused("reason_long", decisions.decline, sid, p.id, "Ledelsen", "x" * 301)
    assert stored(store, sid, p.id) == before and not decisions.can_undo


def test_two_approvals_from_two_screens_the_second_is_already_decided(store, clock, plan, sid, refused):
    p = proposal(plan, clock)
    here, there = Decisions(store, clock), Decisions(store, clock)
    seen = here.proposals()[0].action.decision.revision  # both screens show the same list
    assert there.proposals()[0].action.decision.revision == seen
    here.approve(sid, p.id, "Ansvarsgruppen", seen=seen)
    after = stored(store, sid, p.id)
    refused("already_decided", there.approve, sid, p.id, "Mette", seen=seen)
    refused("already_decided", there.decline, sid, p.id, "Mette", "Nej", seen=seen)
    assert stored(store, sid, p.id) == after  # the first approval stands, by its own name
    assert not there.can_undo


def test_approving_a_proposal_just_declined_is_refused_by_the_store_not_memory(store, clock, plan, sid, refused):
    p = proposal(plan, clock)
    stale = Decisions(store, clock)
    shown = stale.proposals()  # the screen's list, read before the decline
    Decisions(store, clock).decline(sid, p.id, "Lederen", "Det har vi ikke råd til i år")
    declined = stored(store, sid, p.id)
    refused("declined_meanwhile", stale.approve, sid, shown[0].action.id, "Mette",
            seen=shown[0].action.decision.revision)
    assert stored(store, sid, p.id) == declined
    a = Action.from_dict(declined, sid)
    assert a.declined and a.decision.reason == "Det har vi ikke råd til i år" and a.decision.by == "Lederen"


def test_a_proposal_changed_elsewhere_meanwhile_is_not_approved_blind(store, clock, plan, sid, refused):
    p = proposal(plan, clock)
    stale = Decisions(store, clock)
    seen = p.decision.revision
    Decisions(store, clock).adjust(sid, p.id, "Ali", measure="Møder først kl. 10")
    refused("decision_changed", stale.approve, sid, p.id, "Mette", seen=seen)
    assert Action.from_dict(stored(store, sid, p.id), sid).proposal


def test_undo_an_approval_and_undo_refused_once_the_board_moved_it(store, clock, plan, sid, decisions, refused):
    p = proposal(plan, clock)
    before = stored(store, sid, p.id)
    decisions.approve(sid, p.id, "TRIO")
    assert decisions.can_undo and decisions.undo() is True
    assert stored(store, sid, p.id) == before and not decisions.can_undo
    decisions.approve(sid, p.id, "TRIO")
    Board(store, clock).forward(sid, p.id, seen_stage=0)  # a passer-by moved it meanwhile
    moved = stored(store, sid, p.id)
    refused("undo_changed", decisions.undo)
    assert stored(store, sid, p.id) == moved and not decisions.can_undo  # forgotten, not retried


# -- decline -----------------------------------------------------------------------------------

def test_decline_sends_it_to_the_archive_and_undo_brings_it_back(store, clock, plan, sid, decisions, refused):
    p = proposal(plan, clock)
    board = Board(store, clock)
    decisions.decline(sid, p.id, "Ansvarsgruppen", "Vi tager det op på personalemødet i stedet")
    assert board.open_actions() == [] and [r.action.key for r in board.archive()] == [p.key]
    refused("not_agreed", board.forward, sid, p.id, seen_stage=0)
    refused("already_decided", decisions.decline, sid, p.id, "Mette", "Igen")
    assert decisions.undo() is True
    assert [r.action.key for r in board.open_actions()] == [p.key] and board.archive() == []


def test_a_workshop_action_has_nothing_to_decide(store, clock, method, decisions, refused):
    session = Session.create(method, "Team W", clock.now())
    store.save_session(session.to_dict())
    a = ActionPlan(store, session.id, clock).add(None, "Pauser")
    refused("not_proposal", decisions.approve, session.id, a.id, "Mette")
    refused("unknown_action", decisions.approve, session.id, 99, "Mette")


# -- adjust ------------------------------------------------------------------------------------

def test_adjust_changes_the_plan_as_a_decision_and_keeps_what_it_said(store, clock, plan, sid, decisions, refused):
    p = proposal(plan, clock)
    before = stored(store, sid, p.id)
    a = decisions.adjust(sid, p.id, "Ansvarsgruppen", seen=1, theme_label="Ro om morgenen (alle hold)",
                         measure="Ingen møder før kl. 9.30", owner="Ali", follow_up=day(clock, 30))
    assert a.proposal and a.owner == "Ali" and a.answers["indsatser"] == "Ingen møder før kl. 9.30"
    assert a.theme_label == "Ro om morgenen (alle hold)" and a.follow_up == day(clock, 30)
    record = a.decision.log[-1]
    assert record["event"] == "adjust" and record["by"] == "Ansvarsgruppen"
    assert record["before"]["owner"] == "Mette" and record["before"]["answers"]["indsatser"] == "Ingen møder før 9"
    refused("no_change", decisions.adjust, sid, p.id, "Ali", owner="Ali")
    refused("date_past", decisions.adjust, sid, p.id, "Ali", follow_up=day(clock, -1))
    refused("owner_empty", decisions.adjust, sid, p.id, "Ali", owner=" ")
    refused("decision_changed", decisions.adjust, sid, p.id, "Ali", seen=1, owner="Jonas")
    assert decisions.undo() is True and stored(store, sid, p.id) == before


# -- merge -------------------------------------------------------------------------------------

def test_merge_two_proposals_into_one_and_undo_both(store, clock, plan, sid, decisions, refused):
    a = proposal(plan, clock, "Ro om morgenen", owner="Mette", measure="Ingen møder før 9")
    b = plan.add(None, "Færre afbrydelser")
    plan.answer(b.id, "indsatser", "Telefonen på skift")
    plan.answer(b.id, "maal", "Tid til dokumentation")
    b = plan.get(b.id)
    before = {i: stored(store, sid, i) for i in (a.id, b.id)}
    kept = decisions.merge(sid, b.id, a.id, "Ansvarsgruppen", seen=1, seen_into=1)
    assert kept.id == a.id and kept.proposal and kept.decision.merged_from == (b.id,)
    assert kept.answers["indsatser"] == "Ingen møder før 9\nTelefonen på skift"
    assert kept.answers["maal"] == "Tid til dokumentation" and kept.owner == "Mette"
    gone = Action.from_dict(stored(store, sid, b.id), sid)
    assert gone.merged and gone.decision.merged_into == a.id and gone.answers == b.answers  # nothing lost
    assert [r.action.id for r in Board(store, clock).open_actions()] == [a.id]  # it lives on in a
    assert [p.action.id for p in decisions.proposals()] == [a.id]
    assert decisions.undo() is True
    assert {i: stored(store, sid, i) for i in (a.id, b.id)} == before


def test_merge_refuses_itself_and_a_decided_one(store, clock, plan, sid, decisions, refused):
    a = proposal(plan, clock)
    b = proposal(plan, clock, "Andet")
    refused("merge_self", decisions.merge, sid, a.id, a.id, "Mette")
    decisions.approve(sid, b.id, "Mette")
    refused("merge_decided", decisions.merge, sid, a.id, b.id, "Mette")
    refused("merge_decided", decisions.merge, sid, b.id, a.id, "Mette")
    refused("decider_empty", decisions.merge, sid, a.id, b.id, "")
    assert Action.from_dict(stored(store, sid, a.id), sid).proposal


# -- the bodies and the export -----------------------------------------------------------------

def test_every_body_has_a_name_in_each_language():
    from kiosk.core.method import DECIDERS

    assert set(BODIES) == set(DECIDERS[1:])
    da, nb, en = translator("da"), translator("nb"), translator("en")
    assert [body_name(b, da) for b in DECIDERS[1:]] == [
        "ansvarsgruppen", "TRIO", "MED-udvalget", "arbejdsmiljøorganisationen", "lederen"]
    assert body_name("ansvarsgruppe", nb) == "ansvarsgruppen" and body_name("leader", nb) == "lederen"
    assert body_name("med", en) == "the MED committee"


def test_the_export_shows_proposals_as_proposals_and_who_approved(store, clock, plan, sid, decisions):
    a = proposal(plan, clock, "Ro om morgenen")
    b = proposal(plan, clock, "Færre afbrydelser")
    c = proposal(plan, clock, "Nye kolleger")
    decisions.approve(sid, a.id, "Mette og Ali")
    decisions.decline(sid, c.id, "Lederen", "Det ligger hos HR")
    doc = export.document(store, sid, clock=clock, lang="da")
    by_id = {x["id"]: x for x in doc["actions"]}
    assert by_id[a.id]["decision"]["state"] == "approved" and by_id[a.id]["decision"]["by"] == "Mette og Ali"
    assert by_id[b.id]["decision"]["state"] == "proposed" and by_id[b.id]["decision"]["body_name"] == "ansvarsgruppen"
    assert by_id[c.id]["decision"]["reason"] == "Det ligger hos HR"
    md = export.render(doc, "md").decode("utf-8")
    assert "Forslag til ansvarsgruppen · afventer beslutning" in md
    assert "Godkendt af Mette og Ali (ansvarsgruppen)" in md
    assert "Afvist af Lederen" in md and "Det ligger hos HR" in md
    csv = export.render(doc, "actions.csv").decode("utf-8-sig")
    assert "Hvem besluttede" in csv.splitlines()[0] and "Mette og Ali" in csv


def test_an_export_of_a_workshop_method_is_unchanged(store, clock, method):
    """No decision key, no decision column: the plans the workshop agrees read as before."""
    session = Session.create(method, "Team W", clock.now())
    store.save_session(session.to_dict())
    ActionPlan(store, session.id, clock).add(None, "Pauser")
    doc = export.document(store, session.id, clock=clock, lang="da")
    assert "decision" not in doc["actions"][0]
    assert "Godkendt" not in export.render(doc, "actions.csv").decode("utf-8-sig")
    assert "Forslag" not in export.render(doc, "md").decode("utf-8")
