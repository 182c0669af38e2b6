"""Votes against the real store: budgets, caps, hand counts, ranking with ties, winners."""

from __future__ import annotations

import errno
import os

import pytest

from kiosk.clock import FakeClock
from kiosk.core.activities.vote import VOTES, Rank, VoteError, VoteRound, ranking, undecided, winners
from kiosk.core.wall import Wall, WallError
from kiosk.store import Store, StoreError

pytestmark = [pytest.mark.running_session, pytest.mark.refusal(error=VoteError)]
SID = "s1"
BALLOT = ["n1", "n2", "c1"]


def dots(store, budget=2, cap=1, items=BALLOT):
    return VoteRound(store, SID, "afstemning", budget, cap, "dots", items=items)


# -- dots -----------------------------------------------------------------------------------

def test_a_voter_gets_the_budget_and_cannot_exceed_it(store, refused):
    vote = dots(store, budget=2, cap=2)
    refused("no_voter", vote.cast, "n1")
    assert vote.next_voter() == 1 and vote.remaining() == 2
    assert vote.cast("n1") == 1 and vote.cast("n2") == 1
    assert vote.remaining() == 0
    refused("no_votes_left", vote.cast, "c1")
    assert vote.take_back("n2") == 0 and vote.remaining() == 1  # a second tap takes one back
    refused("no_vote_here", vote.take_back, "n2")
    assert vote.cast("n1") == 2
    refused("no_votes_left", vote.cast, "n1")
    vote.done()
    vote.done()  # a double tap changes nothing
    refused("no_voter", vote.cast, "n1")
    assert vote.next_voter() == 2 and vote.remaining() == 2
    assert vote.totals() == {"n1": 2, "n2": 0, "c1": 0}


def test_the_per_item_cap(store, refused):
    vote = dots(store, budget=3, cap=1)
    vote.next_voter()
    vote.cast("n1")
    refused("item_cap", vote.cast, "n1")
    assert vote.remaining() == 2 and vote.points("n1") == 1
    refused("unknown_item", vote.cast, "n9")


def test_next_voter_ends_the_one_before(store):
    vote = dots(store)
    vote.next_voter()
    vote.cast("n1")
    vote.next_voter()
    assert vote.current == 2 and vote.voters == 2 and vote.points("n1") == 0
    assert vote.points("n1", voter=1) == 1


def test_votes_are_records_and_a_restart_resumes_the_same_voter(store, data_dir):
    vote = dots(store, budget=2)
    vote.next_voter()
    vote.cast("n1")
    vote.done()
    vote.next_voter()
    vote.cast("c1")
    assert [(d["round"], d["voter"], d["item"], d["points"]) for d in store.all(SID, VOTES)] == [
        ("afstemning", 1, "n1", 1), ("afstemning", 2, "c1", 1)]
    store.close()
    with Store(data_dir) as again:
        resumed = dots(again)
        assert resumed.current == 2 and resumed.remaining() == 1
        assert resumed.totals() == {"n1": 1, "n2": 0, "c1": 1}
        other = VoteRound(again, SID, "another-step", 2, items=BALLOT)
        assert other.totals() == {"n1": 0, "n2": 0, "c1": 0} and other.current is None


def test_a_failed_write_is_not_a_vote(store, monkeypatch):
    vote = dots(store)
    vote.next_voter()

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreError):
        vote.cast("n1")
    monkeypatch.undo()
    assert vote.remaining() == 2 and vote.totals()["n1"] == 0


def test_nothing_to_vote_on(store):
    with pytest.raises(WallError) as err:
        dots(store, items=[])
    assert err.value.reason == "nothing_to_vote_on"


def test_a_round_from_the_method_params_over_the_wall(store):
    wall = Wall(store, SID, FakeClock())
    a = wall.add_note("godt", "a", step="s")
    b = wall.add_note("godt", "b", step="s")
    params = {"mode": "dots", "budget": 2, "max_per_note": 1, "winners": 3, "winners_max": 5}
    vote = VoteRound.for_step(store, SID, "afstemning", params, [i.key for i in wall.items()])
    assert (vote.budget, vote.max_per_item, vote.items) == (2, 1, [a.key, b.key])


# -- hands ----------------------------------------------------------------------------------

def test_hand_counts(store, refused):
    vote = VoteRound(store, SID, "prioriter", 1, mode="hands", items=BALLOT)
    vote.set_hand_count("n2", 7)
    vote.set_hand_count("n2", 5)  # a recount replaces
    vote.set_hand_count("c1", 0)
    for bad in (-1, 1000, 2.5, "7", True, None):
        refused("bad_count", vote.set_hand_count, "n1", bad)
    refused("unknown_item", vote.set_hand_count, "n7", 1)
    refused("wrong_mode", vote.next_voter)
    refused("wrong_mode", dots(store).set_hand_count, "n1", 3)
    assert vote.totals() == {"n1": 0, "n2": 5, "c1": 0}


# -- ranking and winners --------------------------------------------------------------------

def test_competition_ranking_with_ties():
    ranks = ranking({"a": 3, "b": 5, "c": 5, "d": 1, "e": 0})
    assert ranks == [Rank(1, "b", 5, True), Rank(1, "c", 5, True), Rank(3, "a", 3, False),
                     Rank(4, "d", 1, False), Rank(5, "e", 0, False)]
    assert ranking({}) == []


def test_winners_extend_through_a_tie_up_to_the_maximum():
    # 3 to win, up to 5 if tied: a three-way tie for third place lets all of them in
    ranks = ranking({"a": 5, "b": 4, "c": 3, "d": 3, "e": 3, "f": 1})
    assert [r.key for r in winners(ranks, 3, 5)] == ["a", "b", "c", "d", "e"]
    assert undecided(ranks, 3, 5) == []
    # one more in the tie would make six: the tie is the group's to settle
    ranks = ranking({"a": 5, "b": 4, "c": 3, "d": 3, "e": 3, "f": 3})
    assert [r.key for r in winners(ranks, 3, 5)] == ["a", "b"]
    assert [r.key for r in undecided(ranks, 3, 5)] == ["c", "d", "e", "f"]
    # without a maximum a tie at the boundary cannot be let in
    ranks = ranking({"a": 2, "b": 1, "c": 1})
    assert [r.key for r in winners(ranks, 2)] == ["a"] and len(undecided(ranks, 2)) == 2
    # a tie above the boundary is no problem, and nothing is won with no points
    ranks = ranking({"a": 2, "b": 2, "c": 1, "d": 0})
    assert [r.key for r in winners(ranks, 2)] == ["a", "b"]
    assert [r.key for r in winners(ranks, 4, 4)] == ["a", "b", "c"]


def test_undo_walks_back_dots_voters_and_hand_counts_in_order(store, refused):
    vote = dots(store, budget=2, cap=2)
    assert not vote.can_undo
    refused("nothing_to_undo", vote.undo)
    vote.next_voter()
    vote.cast("n1")
    vote.cast("n1")
    vote.done()
    vote.undo()                      # the voter is back at the screen
    assert vote.current == 1 and vote.points("n1") == 2
    vote.undo()                      # the second dot goes
    assert vote.points("n1") == 1 and vote.remaining() == 1
    vote.undo()
    vote.undo()                      # and the voter who stepped up steps back
    assert vote.voters == 0 and vote.current is None and vote.totals() == {"n1": 0, "n2": 0, "c1": 0}
    assert not vote.can_undo
    assert [d for d in store.all(SID, VOTES)] == []  # undone on disk, not only on screen

    hands = VoteRound(store, SID, "prioriter", 1, mode="hands", items=BALLOT)
    hands.set_hand_count("n2", 7)
    hands.set_hand_count("n2", 5)
    hands.undo()
    assert hands.totals()["n2"] == 7  # the recount is taken back, the first count stays
    reopened = VoteRound(store, SID, "prioriter", 1, mode="hands", items=BALLOT)
    assert reopened.totals()["n2"] == 7


def test_a_failed_write_leaves_nothing_to_undo(store, monkeypatch):
    vote = dots(store)
    vote.next_voter()

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreError):
        vote.cast("n1")
    monkeypatch.undo()
    vote.undo()  # takes back the voter stepping up, not the dot that was never stored
    assert vote.voters == 0 and not vote.can_undo
