"""The cards core: a deck shuffled once, drawn in turn, jokers, the flip by the clock."""

from __future__ import annotations

import pytest

from kiosk.core.activities.cards import (CARD_KIND, JOKER, JOKER_KIND, POINT_KIND, Cards, is_flipped, parse_card,
                              shuffled)
from kiosk.core.wall import Wall, WallError

PARAMS = {
    "decks": [
        {"id": "tone", "title": "Hård tone", "cards": [f"Tone {i}" for i in range(10)]},
        {"id": "nye", "title": "Nye kolleger", "cards": ["Nye 0", "Nye 1", "Nye 2"]},
    ],
    "jokers": 2,
    "flip_at_minutes": 20,
}
pytestmark = pytest.mark.running_session
SID = "s1"


@pytest.fixture
def wall(store, clock):
    return Wall(store, SID, clock)


def make(store, clock, wall=None, params=PARAMS, seed=None):
    return Cards(store, SID, clock, wall or Wall(store, SID, clock), "samtale", params, seed=seed)


def test_the_shuffle_is_fixed_by_the_seed_and_a_permutation():
    assert shuffled(10, 42) == shuffled(10, 42)
    assert sorted(shuffled(10, 42)) == list(range(10))
    assert shuffled(10, 42) != shuffled(10, 43)


def test_the_deck_order_and_drawn_cards_survive_a_restart(store, clock, wall):
    cards = make(store, clock, wall)
    order = cards.order()
    assert sorted(order) == list(range(10)) and cards.state.deck == "tone"
    first = cards.draw(3600)
    assert first.kind == CARD_KIND and first.text == f"Tone {order[0]}" and parse_card(first.card) == ("tone", order[0])
    again = make(store, clock)               # a new process: same store, no seed given
    assert again.order() == order
    assert again.remaining() == order[1:]
    assert [n.text for n in again.drawn()] == [first.text]
    assert again.state.seed == cards.state.seed


def test_turns_go_round_the_table(store, clock, wall):
    cards = make(store, clock, wall)
    cards.set_people(3)
    turns = []
    for _ in range(5):
        turns.append(cards.turn())
        cards.draw(3600)
    assert turns == [1, 2, 3, 1, 2]
    with pytest.raises(WallError, match="people_range"):
        cards.set_people(0)
    with pytest.raises(WallError, match="people_range"):
        cards.set_people("7")


def test_put_back_returns_the_card_to_its_place_and_wall_undo_works(store, clock, wall):
    cards = make(store, clock, wall)
    top = cards.remaining()[0]
    note = cards.draw(3600)
    assert top not in cards.remaining()
    cards.put_back(note.id)
    assert cards.remaining()[0] == top and cards.drawn() == []
    assert wall.undo()                       # the put-back undone: drawn again
    assert [n.id for n in cards.drawn()] == [note.id]
    with pytest.raises(WallError, match="not_drawn"):
        cards.put_back(99999)


def test_jokers_are_counted_and_refused_when_used_up(store, clock, wall):
    cards = make(store, clock, wall)
    j = cards.joker("  Vi griner for lidt sammen  ")
    assert (j.kind, j.text, j.card) == (JOKER_KIND, "Vi griner for lidt sammen", JOKER)
    with pytest.raises(WallError, match="note_empty"):
        cards.joker("   ")
    cards.joker("Andet")
    assert cards.jokers_left() == 0
    with pytest.raises(WallError, match="no_jokers"):
        cards.joker("En til")
    assert cards.turn() == 3                 # a joker is a turn too


def test_the_flip_comes_at_the_right_minute_from_the_timer(store, clock, wall):
    from kiosk.core.timer import Timer

    assert not is_flipped(20 * 60 + 1, 20) and is_flipped(20 * 60, 20) and is_flipped(-5, 20)
    assert not is_flipped(0, None) and is_flipped(3600, None, by_hand=True)
    cards = make(store, clock, wall)
    timer = Timer(planned=90 * 60.0).start(clock.now())
    clock.advance(69 * 60)
    assert not cards.flipped(timer.remaining(clock.now()))
    with pytest.raises(WallError, match="cards_face_down"):     # no picking while face down
        cards.draw(timer.remaining(clock.now()), cards.remaining()[3])
    clock.advance(60)                        # 70 of 90 minutes gone: 20 left
    left = timer.remaining(clock.now())
    assert cards.flipped(left)
    pick = cards.remaining()[3]
    assert cards.draw(left, pick).text == f"Tone {pick}"
    with pytest.raises(WallError, match="card_gone"):
        cards.draw(left, pick)


def test_flip_by_hand_and_deck_choice_are_stored_and_undone(store, clock, wall):
    cards = make(store, clock, wall)
    cards.flip_now()
    assert make(store, clock).flipped(3600)
    cards.choose_deck("nye")
    assert make(store, clock).state.deck == "nye" and sorted(cards.remaining()) == [0, 1, 2]
    with pytest.raises(WallError, match="unknown_deck"):
        cards.choose_deck("nope")
    assert cards.undo() and cards.state.deck == "tone"
    assert make(store, clock).state.deck == "tone"
    assert cards.undo() and not cards.state.flipped
    assert not cards.undo()


def test_an_empty_deck_refuses_to_draw(store, clock, wall):
    cards = make(store, clock, wall, params={"decks": [{"id": "a", "title": "A", "cards": ["Eneste"]}]})
    cards.draw(100)
    with pytest.raises(WallError, match="deck_empty"):
        cards.draw(100)
    none = Cards(store, SID, clock, wall, "other", {"decks": []})
    with pytest.raises(WallError, match="deck_empty"):
        none.draw(100)


def test_attention_points_are_post_its_for_later_steps(store, clock, wall):
    cards = make(store, clock, wall)
    cards.draw(3600)
    p = cards.point("Tonen er hårdest om morgenen")
    assert p.kind == POINT_KIND and cards.points() == [p]
    assert {n.kind for n in Wall(store, SID, clock).items()} == {CARD_KIND, POINT_KIND}


def test_a_full_disk_at_first_opening_still_shows_the_deck_and_saves_it_later(store, clock, wall, monkeypatch):
    from kiosk.core.activities.cards import DECKS
    from kiosk.store import StoreError

    real = store.insert

    def full(sid, table, doc):
        if table == DECKS:
            raise StoreError("full", "/data", "disk full")
        return real(sid, table, doc)
    monkeypatch.setattr(store, "insert", full)
    cards = make(store, clock, wall, seed=7)
    assert cards.order() == shuffled(10, 7) and store.all(SID, DECKS) == []
    monkeypatch.setattr(store, "insert", real)
    cards.set_people(4)                      # the first stored change saves the whole deck state
    [doc] = store.all(SID, DECKS)
    assert (doc["seed"], doc["people"]) == (7, 4)
    assert make(store, clock).order() == shuffled(10, 7)
    assert cards.undo() and store.all(SID, DECKS)[0]["people"] == 7
