"""Participants and table groups, authors on notes, per-person minimums and maximums,
present your own, and table-group lanes on the wall: the rules, on a real store."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from kiosk.core.activities import present as present_mod
from kiosk.core.activities import write as write_mod
from kiosk.core.activities.present import PresentTurns, TurnError
from kiosk.core.method import Step
from kiosk.core.minimum import shortfall
from kiosk.core.people import (PEOPLE_MAX, People, PeopleError, Person, count_tables, label, live_people,
                               seat)
from kiosk.core.wall import Wall, WallError

pytestmark = pytest.mark.running_session

KINDS = [{"id": "godt", "title": "Godt", "colour": "yellow"},
         {"id": "mindre", "title": "Mindre godt", "colour": "pink"}]
WRITE = Step(id="skriv", title="Skriv", minutes=8, activity="write",
             params={"kinds": KINDS, "max_length": 120, "face_down": True, "min_per_kind": 1, "max_per_person": 3})
PRESENT = Step(id="vis", title="Vis", minutes=15, activity="present",
               params={"per_turn": 2, "pair_by": ["godt", "mindre"], "kinds": ["godt", "mindre"]})


@pytest.fixture
def room(store, clock):
    people = People(store, "s1", clock)
    wall = Wall(store, "s1", clock)
    return people, wall


# -- the room ----------------------------------------------------------------------------

def test_count_tables_and_seating_rules():
    assert count_tables(12, (4, 6)) == 2
    assert count_tables(13, (4, 6)) == 3
    assert count_tables(3, (4, 6)) == 1           # fewer than a group: one table
    assert count_tables(1) == 1 and count_tables(200, (5, 5)) == 40
    assert count_tables(7, (4, 6), tables=3) == 3
    for reason, args in (("no_people", (0,)), ("more_tables_than_people", (3, (), 4)), ("tables_range", (5, (), 0))):
        with pytest.raises(PeopleError) as e:
            count_tables(*args)
        assert e.value.reason == reason
    assert seat([1, 2, 3, 4, 5], 2, in_order=True) == {1: 1, 2: 1, 3: 1, 4: 2, 5: 2}
    assert seat([5, 1, 4, 2, 3], 2, in_order=False) == {5: 1, 1: 2, 4: 1, 2: 2, 3: 1}


def test_count_off_names_and_labels_are_stored_and_anonymous_by_default(room, store, clock):
    people, _ = room
    assert people.set_count(7) and [p.number for p in people.everyone()] == [1, 2, 3, 4, 5, 6, 7]
    assert label(people.everyone()[2]) == "Participant 3"
    assert people.split(size=(3, 4), rng=random.Random(1)) == 2
    sizes = sorted(len(people.members(t)) for t in (1, 2))
    assert sizes == [3, 4] and people.tables == 2 and not people.unseated()
    anne = people.rename(people.everyone()[0].id, "  Anne   Marie ")
    assert label(anne) == "Anne Marie"
    again = People(store, "s1", clock)            # what a restart reads
    assert [(p.number, p.name, p.table) for p in again.everyone()] == \
        [(p.number, p.name, p.table) for p in people.everyone()] and again.tables == 2
    assert people.split() == 2                     # in order: 1–4 at table 1, 5–7 at table 2
    assert [p.number for p in people.members(1)] == [1, 2, 3, 4]


def test_bad_counts_tables_names_and_moves_are_refused_and_change_nothing(room, refused):
    people, _ = room
    with pytest.raises(PeopleError) as e:
        people.split()
    assert e.value.reason == "no_people"
    for bad in (-1, PEOPLE_MAX + 1, "12", True, 2.5):
        with pytest.raises(PeopleError):
            people.set_count(bad)
    people.set_count(3)
    with pytest.raises(PeopleError) as e:
        people.split(tables=4)
    assert e.value.reason == "more_tables_than_people" and people.tables == 0
    people.split(tables=2)
    first = people.everyone()[0]
    for table in (0, 3, None, "1"):
        with pytest.raises(PeopleError) as e:
            people.move(first.id, table)
        assert e.value.reason == "unknown_table"
    with pytest.raises(PeopleError) as e:
        people.rename(first.id, "x" * 41)
    assert e.value.reason == "person_name_long"
    with pytest.raises(PeopleError) as e:
        people.move(999, 1)
    assert e.value.reason == "unknown_person"
    assert people.everyone()[0] == first


def test_200_people_fit_and_fewer_remove_the_unnamed_highest_numbers(room):
    people, _ = room
    people.set_count(200)
    assert len(people) == 200 and people.split(size=(4, 6)) == 34
    people.rename(people.everyone()[-1].id, "Zoe")
    people.set_count(198)
    assert [p.number for p in people.everyone()][-2:] == [197, 200]
    assert people.tables == 34
    with pytest.raises(PeopleError) as e:
        people.set_count(0)                        # Zoe has a name: she goes by hand
    assert e.value.reason == "named_left" and len(people) == 198
    people.set_count(1)
    assert [label(p) for p in people.everyone()] == ["Zoe"] and people.tables == 1


def test_fewer_people_than_named_is_refused(room):
    people, _ = room
    people.set_count(2)
    for p in people.everyone():
        people.rename(p.id, f"N{p.number}")
    with pytest.raises(PeopleError) as e:
        people.set_count(1)
    assert e.value.reason == "named_left" and len(people) == 2


def test_an_empty_table_a_move_mid_step_a_late_comer_and_undo(room):
    people, wall = room
    people.set_count(4)
    people.split(tables=2)
    one, two, three, four = people.everyone()
    people.move(three.id, 1)
    people.move(four.id, 1)
    assert people.members(2) == [] and len(people.members(1)) == 4   # an empty table is a table
    late = people.add("Ola")
    assert late.number == 5 and late in people.unseated()
    assert people.undo() and [p.number for p in people.everyone()] == [1, 2, 3, 4]
    assert people.undo() and people.get(four.id).table == 2
    assert people.add_table() == 3


def test_removed_participants_numbers_are_free_again_but_their_ids_are_not(room):
    people, _ = room
    people.set_count(3)
    second = people.everyone()[1]
    people.remove(second.id)
    newcomer = people.add()
    assert newcomer.number == 2 and newcomer.id != second.id and not people.known(second.id)


# -- authors and groups on notes ----------------------------------------------------------

def test_a_note_carries_its_author_and_table_and_a_removed_authors_notes_stay(room, store, clock):
    people, wall = room
    people.set_count(3)
    people.split(tables=3)
    a, b, c = people.everyone()
    grouped = replace(WRITE, groups=True)
    note = write_mod.add_note(wall, people, grouped, "godt", "Kaffen er god", author=b.id)
    assert (note.author, note.group, note.face_down) == (b.id, b.table, True)
    plain = write_mod.add_note(wall, people, WRITE, "godt", "Morgenmødet", author=a.id)
    assert plain.group is None                     # a room-wide step: no lane
    anonymous = write_mod.add_note(wall, None, WRITE, "mindre", "Vagtplanen")
    assert anonymous.author is None
    people.remove(b.id)
    assert [n.text for n in Wall(store, "s1", clock).notes()] == ["Kaffen er god", "Morgenmødet", "Vagtplanen"]
    with pytest.raises(WallError) as e:
        write_mod.add_note(wall, people, WRITE, "godt", "Efter fjernelse", author=b.id)
    assert e.value.reason == "unknown_person"
    with pytest.raises(WallError) as e:
        write_mod.add_note(wall, people, grouped, "godt", "Bord 9", group=9)
    assert e.value.reason == "unknown_table"


def test_old_notes_are_stored_byte_for_byte_as_before(room):
    _, wall = room
    note = wall.add_note("godt", "x", step="s")
    assert "author" not in note.to_dict() and "group" not in note.to_dict()


def test_max_per_person_is_enforced_and_min_per_kind_counts_people_short(room):
    people, wall = room
    people.set_count(3)
    a, b, c = people.everyone()
    for text in ("en", "to", "tre"):
        write_mod.add_note(wall, people, WRITE, "godt", text, author=a.id)
    with pytest.raises(WallError) as e:
        write_mod.add_note(wall, people, WRITE, "mindre", "fire", author=a.id)
    assert e.value.reason == "too_many_for_person" and len(wall.notes()) == 3
    write_mod.add_note(wall, people, WRITE, "mindre", "b's", author=b.id)
    everyone = live_people(wall.store, "s1")
    assert write_mod.short_people(WRITE.params, wall, everyone, "skriv") == {"godt": 2, "mindre": 2}
    short = shortfall(WRITE, wall)
    assert (short.code, short.have, short.least, short.kind) == ("people_short", 1, 3, "godt")
    write_mod.add_note(wall, people, WRITE, "godt", "b2", author=b.id)
    write_mod.add_note(wall, people, WRITE, "mindre", "a2", author=c.id)
    write_mod.add_note(wall, people, WRITE, "godt", "c1", author=c.id)
    assert shortfall(WRITE, wall).kind == "mindre"   # a still lacks a "mindre"
    people.remove(a.id)                               # ... until a leaves
    assert shortfall(WRITE, wall) is None


# -- present your own ---------------------------------------------------------------------

def _three_writers(people, wall):
    people.set_count(3)
    a, b, c = people.everyone()
    for who, texts in ((a, ("a+", "a-", "a+2")), (b, ("b+", "b-")), (c, ("c+",))):
        for i, text in enumerate(texts):
            write_mod.add_note(wall, people, WRITE, ("godt", "mindre")[i % 2], text, author=who.id)
    return a, b, c


def test_present_your_own_goes_person_by_person_and_undo_gives_the_turn_back(room, store):
    people, wall = room
    a, b, c = _three_writers(people, wall)
    turns = PresentTurns(store, "s1", wall, people, PRESENT)
    assert turns.by_person() and turns.current() == a and turns.turn_left() == 2
    a_notes = {n.text: n.id for n in turns.left(a.id)}
    with pytest.raises(TurnError) as e:
        turns.reveal_own([turns.left(b.id)[0].id])
    assert e.value.reason == "not_your_note"
    with pytest.raises(TurnError) as e:
        turns.reveal_own(list(a_notes.values()))     # three is more than a turn
    assert e.value.reason == "turn_full"
    turns.reveal_own([a_notes["a+"]])
    assert turns.current() == a and turns.turn_left() == 1   # halfway through: a goes on
    turns.reveal_own([a_notes["a-"]])
    assert turns.current() == b
    assert wall.undo() and turns.current() == a             # the reveal undone: a's turn again
    turns.reveal_own([a_notes["a-"]])
    turns.reveal_own([n.id for n in turns.left(b.id)])
    assert turns.current() == c
    turns.reveal_own([n.id for n in turns.left(c.id)])
    assert turns.current() == a and turns.left(a.id)[0].text == "a+2"   # round two
    turns.reveal_own([turns.left(a.id)[0].id])
    assert turns.current() is None and not turns.by_person()
    with pytest.raises(TurnError) as e:
        turns.reveal_own([1])
    assert e.value.reason == "no_turn"
    assert [n.text for n in wall.revealed_notes()] == ["a+", "a-", "b+", "b-", "c+", "a+2"]


def test_skip_come_back_hold_and_a_removed_presenter(room, store):
    people, wall = room
    a, b, c = _three_writers(people, wall)
    turns = PresentTurns(store, "s1", wall, people, PRESENT)
    turns.skip()
    assert turns.current() == b and [p.number for p in turns.waiting()] == [2, 3, 1]
    assert turns.undo() and turns.current() == a
    turns.skip()
    turns.pick(a.id)                                  # come back
    assert turns.current() == a
    turns.reveal_own([turns.left(a.id)[0].id, turns.left(a.id)[1].id])
    assert turns.current() == b
    wall.hold(turns.left(b.id)[0].id)                 # held back: not in the turn
    assert [n.text for n in turns.left(b.id)] == ["b-"]
    people.remove(b.id)                               # b left: their notes are anonymous now
    assert turns.current() == c and all(n.author is not None for n in wall.notes())
    with pytest.raises(PeopleError) as e:
        turns.pick(b.id)
    assert e.value.reason == "unknown_person"
    with pytest.raises(TurnError) as e:
        turns.pick(people.add().id)                   # a late comer has nothing to present
    assert e.value.reason == "nothing_left"
    turns.reveal_own([turns.left(c.id)[0].id])
    assert turns.current() == a                       # a's last one
    turns.reveal_own([turns.left(a.id)[0].id])
    assert not turns.by_person()
    left = wall.to_present(["godt", "mindre"])
    assert [n.text for n in left] == ["b-"]            # for the turns by kind, as before


def test_without_authors_present_stays_as_it_was(room, store):
    people, wall = room
    write_mod.add_note(wall, None, WRITE, "godt", "anonym")
    turns = PresentTurns(store, "s1", wall, people, PRESENT)
    assert not turns.by_person() and turns.current() is None
    assert [n.text for n in wall.reveal_next_turn(2, ["godt", "mindre"])] == ["anonym"]
    assert present_mod.ACTIVITY.refusals["no_turn"]


# -- table-group lanes ---------------------------------------------------------------------

def test_lanes_keep_each_tables_notes_and_stacks_apart(room):
    people, wall = room
    people.set_count(6)
    people.split(tables=3)
    grouped = replace(WRITE, groups=True, params={**WRITE.params, "max_per_person": None})
    notes = {}
    for p in people.everyone():
        notes[p.number] = write_mod.add_note(wall, people, grouped, "godt", f"note {p.number}", author=p.id)
    lanes = {t: [n.text for n in wall.notes(group=t)] for t in (1, 2, 3)}
    assert lanes == {1: ["note 1", "note 2"], 2: ["note 3", "note 4"], 3: ["note 5", "note 6"]}
    cluster = wall.group(notes[1].key, notes[2].key)
    assert cluster.group == 1 and [i.key for i in wall.items(group=1)] == [cluster.key]
    with pytest.raises(WallError) as e:
        wall.group(notes[3].key, notes[1].key)
    assert e.value.reason == "other_group"
    assert len(wall.items()) == 5 and wall.items(group=None) == []   # the plenary sees all lanes
    pieces = [wall.seed("puslespil", ["a", "b"], group=t) for t in (1, 2)]
    assert [n.group for n in pieces[0]] == [1, 1] and wall.seeded("puslespil", group=2) == pieces[1]
    assert wall.seed("puslespil", ["a", "b"], group=1) == pieces[0]   # once per lane


def test_person_records_read_back_what_a_damaged_file_holds():
    p = Person.from_dict({"doc_id": 3, "number": 2, "name": 7, "table": "x"})
    assert (p.name, p.table) == ("", None)
