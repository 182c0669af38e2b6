"""Rating statements against the real store: marks add to the tally, the spread, undo,
take back, bad input refused."""

from __future__ import annotations

import pytest

from kiosk.core.activities import validate_params, with_defaults
from kiosk.core.activities.rate import MARKS_MAX, TABLE, RateError, Rating

pytestmark = [pytest.mark.running_session, pytest.mark.refusal(error=RateError)]
SID = "s1"
STATEMENTS = ["Det er klare mål for jobben vi gjør", "Vi har innflytelse på eget arbeid", "Vi deler kunnskap"]


def rating(store, clock, scale=("grønn", "gul", "rød")):
    return Rating(store, SID, "paastander", STATEMENTS, scale, clock)


def test_every_tap_is_one_stored_mark_and_the_tally_shows_the_spread(store, clock):
    r = rating(store, clock)
    assert r.tally() == [[0, 0, 0]] * 3 and r.spread(0) == "none"
    for v in (0, 0, 1, 2):
        r.mark(0, v)
    r.mark(1, 1)
    r.mark(1, 1)
    r.mark(2, 0)
    r.mark(2, 1)
    fresh = rating(store, clock)                     # what a restart reads
    assert fresh.tally() == [[2, 1, 1], [0, 2, 0], [1, 1, 0]]
    assert fresh.spread(0) == "split" and fresh.spread(1) == "agreed" and fresh.spread(2) == "mixed"
    assert fresh.most(0) == 0 and fresh.most(1) == 1 and fresh.most(2) is None
    assert fresh.total(0) == 4
    assert len(store.all(SID, TABLE)) == 8
    assert {d["step"] for d in store.all(SID, TABLE)} == {"paastander"}


def test_undo_takes_back_the_newest_mark_and_take_back_a_chosen_one(store, clock, refused):
    r = rating(store, clock)
    r.mark(0, 2)
    clock.advance(1)
    r.mark(1, 0)
    assert r.undo() and r.tally()[1] == [0, 0, 0] and r.tally()[0] == [0, 0, 1]
    assert r.take_back(0, 2) == 0
    refused("no_mark_here", r.take_back, 0, 2)
    assert r.undo() and r.tally()[0] == [0, 0, 1]   # the mark taken back is back
    assert not r.undo()                              # the first mark was taken back already: passed over
    assert r.tally()[0] == [0, 0, 1]


def test_take_back_works_after_a_restart(store, clock):
    rating(store, clock).mark(2, 1)
    again = rating(store, clock)                     # a new Rating: no undo history
    assert not again.can_undo
    assert again.take_back(2, 1) == 0 and again.tally()[2] == [0, 0, 0]


def test_bad_marks_are_refused_and_nothing_is_stored(store, clock, refused):
    r = rating(store, clock)
    refused("unknown_statement", r.mark, 3, 0)
    refused("unknown_statement", r.mark, -1, 0)
    refused("unknown_statement", r.mark, True, 0)
    refused("unknown_value", r.mark, 0, 3)
    refused("unknown_value", r.mark, 0, "gul")
    assert store.all(SID, TABLE) == []
    refused("no_statements", Rating, store, SID, "x", [], ("a", "b"))


def test_a_cell_has_a_ceiling(store, clock, refused):
    r = rating(store, clock, scale=("for lav", "passe", "for høy"))
    for d in [{"step": "paastander", "statement": 0, "value": 1, "at": 0.0}] * MARKS_MAX:
        store.insert(SID, TABLE, d)
    refused("marks_full", r.mark, 0, 1)
    assert r.mark(0, 2) == 1


def test_marks_of_another_step_or_a_removed_statement_do_not_count(store, clock):
    store.insert(SID, TABLE, {"step": "other", "statement": 0, "value": 0, "at": 0.0})
    store.insert(SID, TABLE, {"step": "paastander", "statement": 9, "value": 0, "at": 0.0})
    assert rating(store, clock).tally() == [[0, 0, 0]] * 3


def test_catalogue_defaults_to_the_traffic_light():
    assert with_defaults("rate", {"statements": ["a"]})["scale"] == ["green", "yellow", "red"]
    assert validate_params("rate", {"statements": ["a"], "scale": ["x"]})[0][0] == "scale"
