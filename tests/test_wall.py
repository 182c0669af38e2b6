"""The wall against the real store: one set of notes, each step adds a facet; undo; restart."""

from __future__ import annotations

import errno
import os
import random

import pytest

from kiosk.clock import FakeClock
from kiosk.core.wall import (NOTES, PARKING, Cluster, Note, Wall, WallError, chars_left,
                             sort_columns)
from kiosk.store import Store, StoreError

pytestmark = [pytest.mark.running_session, pytest.mark.refusal(error=WallError)]
SID = "s1"
COLUMNS = ["bevare", "forandre", PARKING]


@pytest.fixture
def clock():
    return FakeClock(1000.0)


@pytest.fixture
def wall(store, clock):
    return Wall(store, SID, clock)


def as_stored(wall: Wall) -> Wall:
    """The wall as the store holds it (memory there equals disk after every write)."""
    return Wall(wall.store, SID, wall.clock)


@pytest.fixture
def reopen():
    """A new process: close the store, open the folder again, build the wall from disk."""
    opened: list[Store] = []

    def again(wall: Wall) -> Wall:
        wall.store.close()
        opened.append(Store(wall.store.data_dir, clock=wall.clock))
        return Wall(opened[-1], SID, wall.clock)
    yield again
    for s in opened:
        s.close()


def snapshot(wall: Wall):
    return wall.notes(), wall.clusters(), [i.key for i in wall.items()]


def write(wall, *texts, kind="godt"):
    return [wall.add_note(kind, t, step="refleksion") for t in texts]


def full_disk(monkeypatch):
    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)


# -- write -------------------------------------------------------------------------------

def test_add_note_trims_stores_and_keys(wall, store, clock):
    n = wall.add_note("godt", "  Godt samarbejde \n", step="refleksion", face_down=True)
    assert n == Note(id=n.id, kind="godt", text="Godt samarbejde", step="refleksion",
                     created_at=1000.0, face_down=True)
    assert n.key == f"n{n.id}" and wall.item(n.key) == n
    assert Note.from_dict(store.get(SID, NOTES, n.id)) == n
    assert Note.from_dict(n.to_dict()) == n


def test_empty_and_overlong_notes_are_refused_and_nothing_is_written(wall, store, refused):
    refused("note_empty", wall.add_note, "godt", "   \n ", step="s")
    refused("note_empty", wall.add_note, "godt", None, step="s")
    refused("note_long", wall.add_note, "godt", "x" * 121, step="s", max_length=120)
    refused("unknown_kind", wall.add_note, "trio", "ok", step="s", kinds=["godt"])
    assert wall.add_note("godt", " " + "x" * 120 + " ", step="s", max_length=120).text == "x" * 120
    assert len(store.all(SID, NOTES)) == 1
    assert chars_left("  abc  ", 10) == 7 and chars_left("x" * 12, 10) == -2


def test_edit_text_and_delete(wall, refused):
    n, = write(wall, "first")
    assert wall.edit_text(n.id, " second ").text == "second"
    refused("note_long", wall.edit_text, n.id, "x" * 141)
    refused("note_empty", wall.edit_text, n.id, "")
    wall.delete_note(n.id)
    assert wall.notes() == [] and wall.counts() == {}
    refused("unknown_note", wall.edit_text, n.id, "again")
    refused("unknown_item", wall.item, n.key)


def test_prepared_pink_notes_and_counts(wall):
    wall.add_note("trio", "Travlhed", step="refleksion", face_down=True)
    write(wall, "a", "b")
    write(wall, "c", kind="mindre-godt")
    assert wall.counts() == {"trio": 1, "godt": 2, "mindre-godt": 1}
    assert wall.hidden_count() == 1
    assert [n.text for n in wall.notes(kinds=["trio"])] == ["Travlhed"]


# -- present -----------------------------------------------------------------------------

def test_a_turn_pairs_one_of_each_kind_and_skips_held_notes(wall, refused):
    g1, g2, g3 = write(wall, "g1", "g2", "g3")
    m1, m2 = write(wall, "m1", "m2", kind="mindre-godt")
    wall.hold(g1.id)
    turn = wall.reveal_next_turn(2, ["godt", "mindre-godt"])
    assert [(n.text, n.revealed, n.face_down) for n in turn] == [("g2", 1, False), ("m1", 2, False)]
    turn = wall.reveal_next_turn(2, ["godt", "mindre-godt"])
    assert [n.text for n in turn] == ["g3", "m2"]
    refused("nothing_to_reveal", wall.reveal_next_turn, 2, ["godt", "mindre-godt"])
    assert [n.text for n in wall.revealed_notes()] == ["g2", "m1", "g3", "m2"]
    assert wall.item(g1.key).revealed is None and wall.item(g1.key).held


def test_a_turn_fills_up_when_one_kind_has_run_out(wall):
    write(wall, "g1", "g2", "g3")
    write(wall, "m1", kind="mindre-godt")
    write(wall, "t1", kind="trio")
    assert [n.text for n in wall.reveal_next_turn(2, ["godt", "mindre-godt"],
                                                   kinds=["godt", "mindre-godt"])] == ["g1", "m1"]
    assert [n.text for n in wall.reveal_next_turn(2, ["godt", "mindre-godt"],
                                                   kinds=["godt", "mindre-godt"])] == ["g2", "g3"]
    assert [n.text for n in wall.reveal_next_turn(1, kinds=["trio"])] == ["t1"]


def test_reveal_all_is_shuffled_and_leaves_held_notes_hidden(wall, refused):
    notes = [wall.add_note("godt", f"note {i}", step="s", face_down=True) for i in range(12)]
    wall.hold(notes[3].id)
    turned = wall.reveal_all(random.Random(7))
    assert len(turned) == 11 and notes[3].id not in {n.id for n in turned}
    order = [n.id for n in wall.revealed_notes()]
    assert order != sorted(order)  # the order tells nothing about who wrote when
    assert [n.revealed for n in wall.revealed_notes()] == list(range(1, 12))
    assert wall.hidden_count() == 1 and wall.item(notes[3].key).face_down
    refused("nothing_to_reveal", wall.reveal_all, random.Random(7))
    # the facilitator lets the held one go later: it is presented last
    assert wall.reveal([notes[3].id])[0].revealed == 12 and wall.hidden_count() == 0
    assert wall.reveal([notes[3].id]) == []  # already up: nothing happens
    refused("already_revealed", wall.hold, notes[3].id)
    refused("unknown_note", wall.reveal, [999])


# -- group -------------------------------------------------------------------------------

def test_note_onto_note_makes_a_cluster_where_the_target_was(wall, refused):
    a, b, c = write(wall, "a", "b", "c")
    wall.move(a.key, 0.2, 0.3)
    wall.move(b.key, 1.7, -1)  # clamped to the wall
    assert wall.item(b.key).pos == (1.0, 0.0)
    cl = wall.group(a.key, b.key)
    assert isinstance(cl, Cluster) and cl.pos == (1.0, 0.0) and cl.name == ""
    assert [n.text for n in wall.cluster_notes(cl.id)] == ["a", "b"]
    assert [i.key for i in wall.items()] == [cl.key, c.key]  # the cluster sits where "a" did
    assert wall.name_cluster(cl.id, "  Samarbejde   på tværs ").name == "Samarbejde på tværs"
    assert wall.label(cl.key) == "Samarbejde på tværs"
    refused("name_long", wall.name_cluster, cl.id, "x" * 61)
    # a third note joins by being dropped on the cluster or on one of its notes
    assert wall.group(c.key, a.key).id == cl.id
    assert len(wall.cluster_notes(cl.id)) == 3 and len(wall.items()) == 1


def test_dropping_onto_itself_is_refused(wall, store, refused):
    a, b = write(wall, "a", "b")
    refused("same_item", wall.group, a.key, a.key)
    cl = wall.group(a.key, b.key)
    refused("same_item", wall.group, cl.key, cl.key)
    refused("same_item", wall.group, cl.key, a.key)  # a stack onto one of its own notes
    before = store.all(SID, NOTES)
    assert wall.group(a.key, b.key) == cl  # a note back onto its own stack: no change
    assert store.all(SID, NOTES) == before
    refused("unknown_item", wall.group, a.key, "c99")
    refused("unknown_item", wall.group, "x1", a.key)


def test_cluster_onto_cluster_merges_and_the_emptied_one_goes(wall, refused):
    a, b, c, d = write(wall, "a", "b", "c", "d")
    one = wall.group(a.key, b.key)
    two = wall.group(c.key, d.key)
    wall.name_cluster(two.id, "Target")
    wall.sort(two.key, "forandre", columns=COLUMNS)
    merged = wall.group(one.key, two.key)
    assert merged.id == two.id and merged.name == "Target" and merged.column == "forandre"
    assert [n.text for n in wall.cluster_notes(two.id)] == ["a", "b", "c", "d"]
    assert [c.id for c in wall.clusters()] == [two.id]
    refused("unknown_item", wall.item, one.key)


def test_a_cluster_dropped_on_a_plain_note_takes_it_in_and_its_place(wall):
    a, b, c = write(wall, "a", "b", "c")
    wall.move(c.key, 0.9, 0.9)
    wall.sort(c.key, "bevare", columns=COLUMNS)
    cl = wall.group(a.key, b.key)
    wall.name_cluster(cl.id, "Stack")
    after = wall.group(cl.key, c.key)
    assert (after.id, after.name, after.pos, after.column) == (cl.id, "Stack", (0.9, 0.9), "bevare")
    assert wall.item(c.key).column is None  # the cluster carries the facet now
    assert len(wall.cluster_notes(cl.id)) == 3


def test_ungroup_and_a_cluster_of_one_dissolves_keeping_its_facets(wall, refused):
    a, b, c = write(wall, "a", "b", "c")
    cl = wall.group(a.key, b.key)
    wall.group(c.key, cl.key)
    wall.sort(cl.key, "forandre", columns=COLUMNS)
    wall.place(cl.key, 0.8, 0.7)
    wall.choose(cl.key)
    out = wall.ungroup(c.id, at=(0.1, 0.2))
    # dragged out: stays in the column, but is a theme of its own, not placed nor chosen
    assert (out.cluster, out.column, out.matrix, out.chosen, out.pos) == (
        None, "forandre", None, False, (0.1, 0.2))
    assert len(wall.cluster_notes(cl.id)) == 2
    refused("not_in_cluster", wall.ungroup, c.id)
    last = wall.ungroup(a.id)
    # one note left: the cluster dissolves and that note takes over its place
    assert [c.key for c in wall.clusters()] == []
    left = wall.item(b.key)
    assert (left.cluster, left.column, left.matrix, left.chosen) == (None, "forandre", (0.8, 0.7), True)
    assert last.cluster is None and not last.chosen
    assert {i.key for i in wall.items()} == {a.key, b.key, c.key}


def test_moving_a_note_to_another_cluster_dissolves_the_one_it_leaves(wall, refused):
    a, b, c, d = write(wall, "a", "b", "c", "d")
    one = wall.group(a.key, b.key)
    two = wall.group(c.key, d.key)
    wall.group(a.key, c.key)
    assert [cl.id for cl in wall.clusters()] == [two.id]
    assert wall.item(b.key).cluster is None and wall.item(a.key).cluster == two.id
    refused("unknown_item", wall.name_cluster, one.id, "gone")


def test_deleting_a_note_from_a_pair_dissolves_the_pair(wall):
    a, b = write(wall, "a", "b")
    cl = wall.group(a.key, b.key)
    wall.delete_note(a.id)
    assert wall.clusters() == [] and [i.key for i in wall.items()] == [b.key]
    assert wall.undo() and [c.id for c in wall.clusters()] == [cl.id]
    assert {n.cluster for n in wall.notes()} == {cl.id}


# -- sort, matrix, choose ---------------------------------------------------------------

def test_sort_into_columns_and_parking(wall, refused):
    a, b = write(wall, "a", "b")
    cols = sort_columns({"columns": [{"id": "bevare", "title": "B"}, {"id": "forandre", "title": "F"}],
                         "parking_lot": "P-plads"})
    assert cols == COLUMNS
    assert sort_columns({"columns": [{"id": "x", "title": "X"}]}) == ["x"]
    wall.sort(a.key, "bevare", columns=cols)
    wall.sort(b.key, PARKING, columns=cols)
    refused("unknown_column", wall.sort, a.key, "elsewhere", columns=cols)
    refused("unknown_column", wall.sort, a.key, PARKING, columns=["bevare"])
    assert [i.key for i in wall.items(column="bevare")] == [a.key]
    assert [i.key for i in wall.items(column=PARKING)] == [b.key]
    wall.sort(a.key, None, columns=cols)
    assert [i.key for i in wall.items(column=None)] == [a.key]
    cl = wall.group(a.key, b.key)
    refused("in_cluster", wall.sort, a.key, "bevare", columns=cols)
    assert wall.sort(cl.key, "forandre", columns=cols).column == "forandre"


def test_matrix_place_clamps_unplace_and_refuses_nonsense(wall, refused):
    a, b = write(wall, "a", "b")
    assert wall.place(a.key, 1.2, 0.75).matrix == (1.0, 0.75)
    assert wall.placed() == [wall.item(a.key)]
    refused("bad_position", wall.place, b.key, float("nan"), 0.5)
    refused("bad_position", wall.move, b.key, "left", 0.5)
    assert wall.unplace(a.key).matrix is None and wall.placed() == []


def test_choose_respects_pick_max(wall, refused):
    items = write(wall, "a", "b", "c", "d")
    for n in items[:3]:
        wall.choose(n.key, pick_max=3)
    refused("too_many_chosen", wall.choose, items[3].key, pick_max=3)
    wall.choose(items[0].key, False, pick_max=3)
    wall.choose(items[3].key, pick_max=3)
    assert [i.key for i in wall.chosen()] == [n.key for n in items[1:]]


def test_carry_forward_marks_winners_and_parks_the_rest_in_one_undoable_step(wall):
    a, b, c = write(wall, "a", "b", "c")
    wall.choose(c.key)
    wall.carry_forward([a.key, b.key], rest_to_parking=True)
    assert [(i.chosen, i.column) for i in wall.items()] == [(True, None), (True, None), (False, PARKING)]
    assert wall.undo()
    assert [(i.chosen, i.column) for i in wall.items()] == [(False, None), (False, None), (True, None)]


# -- undo --------------------------------------------------------------------------------

def test_undo_brings_back_exactly_what_each_change_touched(wall, reopen):
    a, b, c, d = write(wall, "a", "b", "c", "d")
    states = [snapshot(wall)]
    wall.move(a.key, 0.4, 0.4)
    states.append(snapshot(wall))
    one = wall.group(a.key, b.key)
    states.append(snapshot(wall))
    wall.group(c.key, d.key)
    states.append(snapshot(wall))
    wall.group(one.key, c.key)  # merge
    states.append(snapshot(wall))
    wall.delete_note(d.id)
    states.append(snapshot(wall))
    wall.name_cluster(wall.clusters()[0].id, "Tema")
    for expected in reversed(states):
        assert wall.undo()
        assert snapshot(wall) == expected == snapshot(as_stored(wall))
    for _ in range(4):  # the four notes written
        assert wall.undo()
    assert wall.undo() is False and wall.notes() == [] and not wall.can_undo
    assert snapshot(reopen(wall)) == ([], [], [])


def test_undo_of_a_new_note_and_ids_are_never_reused(wall, store, reopen):
    a, = write(wall, "typo")
    assert wall.undo() and wall.notes() == []
    b, = write(wall, "right")
    assert b.id != a.id
    restarted = reopen(wall)
    c, = write(restarted, "later")
    assert c.id not in (a.id, b.id)


def test_undo_stack_is_bounded(wall):
    n, = write(wall, "a")
    for i in range(60):
        wall.move(n.key, i / 100, 0)
    assert sum(1 for _ in iter(wall.undo, False)) == 50
    assert wall.item(n.key).pos == (0.09, 0.0)


def test_a_refusal_is_not_an_undo_step(wall, refused):
    a, = write(wall, "a")
    refused("same_item", wall.group, a.key, a.key)
    wall.move(a.key, 0.5, 0.5)
    wall.move(a.key, 0.5, 0.5)  # no change: nothing to undo for it
    assert wall.undo() and wall.item(a.key).pos is None


# -- restart and failures -----------------------------------------------------------------

def test_a_restart_mid_step_shows_the_same_wall(wall, reopen):
    a, b, c, d = write(wall, "a", "b", "c", "d")
    write(wall, "m", kind="mindre-godt")
    wall.hold(d.id)
    wall.reveal_next_turn(2, ["godt", "mindre-godt"])
    cl = wall.group(a.key, b.key)
    wall.name_cluster(cl.id, "Tema")
    wall.sort(cl.key, "forandre", columns=COLUMNS)
    wall.place(c.key, 0.5, 0.5)
    wall.choose(c.key)
    wall.move(cl.key, 0.25, 0.75)
    before = (snapshot(wall), wall.revealed_notes(), wall.hidden_count(), wall.counts(),
              wall.items(column="forandre"), wall.placed(), wall.chosen())
    again = reopen(wall)
    assert (snapshot(again), again.revealed_notes(), again.hidden_count(), again.counts(),
            again.items(column="forandre"), again.placed(), again.chosen()) == before


def test_every_change_is_one_batch_written_once(wall, monkeypatch):
    a, b = write(wall, "a", "b")
    seen = []
    real = os.replace

    def spy(src, dst, *args, **kw):
        seen.append(os.path.basename(dst))
        return real(src, dst, *args, **kw)
    monkeypatch.setattr(os, "replace", spy)
    wall.group(a.key, b.key)  # a new cluster and two notes: one file write
    assert seen.count(f"{SID}.json") == 1


def test_a_failed_write_leaves_memory_and_disk_unchanged(wall, monkeypatch, reopen):
    a, b, c = write(wall, "a", "b", "c")
    wall.group(a.key, b.key)
    before = snapshot(wall)
    full_disk(monkeypatch)
    for attempt in (lambda: wall.add_note("godt", "lost", step="s"),
                    lambda: wall.group(c.key, a.key),
                    lambda: wall.delete_note(c.id),
                    lambda: wall.move(c.key, 0.3, 0.3),
                    lambda: wall.reveal_all(random.Random(1)),
                    wall.undo):
        with pytest.raises(StoreError) as err:
            attempt()
        assert err.value.kind == "full"
        assert snapshot(wall) == before
    monkeypatch.undo()
    assert wall.can_undo  # the failed undo stayed on the stack
    again = reopen(wall)
    assert snapshot(again) == before


def test_a_step_seeds_its_own_items_once(wall, store, clock):
    """NED's puzzle: the method's factors appear on the wall the first time the step
    opens; a piece the group deletes stays deleted; nothing of it is on the Undo."""
    from kiosk.core.wall import SEEDED

    mine = wall.add_note("gul", "Our own note", step="skriv")
    pieces = wall.seed("ansvar", ["Tillit", "Arbeidsmengde", "Annet"])
    assert [n.text for n in pieces] == ["Tillit", "Arbeidsmengde", "Annet"]
    assert {n.kind for n in pieces} == {SEEDED}
    assert wall.can_undo and wall.undo()            # the undo takes the group's note, not the pieces
    assert not wall.can_undo
    assert [n.text for n in wall.seeded("ansvar")] == ["Tillit", "Arbeidsmengde", "Annet"]
    assert mine.key not in {n.key for n in wall.notes()}
    wall.delete_note(pieces[1].id)
    again = Wall(store, SID, clock).seed("ansvar", ["Tillit", "Arbeidsmengde", "Annet"])
    assert [n.text for n in again] == ["Tillit", "Annet"]  # reopened later: not seeded twice
    assert [n.text for n in Wall(store, SID, clock).seeded("ansvar")] == ["Tillit", "Annet"]


def test_a_lens_on_some_kinds_of_notes(wall):
    """A step may work on some kinds only (NED's vote on the actions, not the puzzle):
    notes of those kinds, and the groups that hold one."""
    a = wall.add_note("tiltak", "Faste møter", step="s")
    b = wall.add_note("tiltak", "Møter hver uke", step="s")
    c = wall.add_note("omraade", "Samarbeid", step="s")
    d = wall.add_note("grunn", "Syk av stress", step="s")
    group = wall.group(b.key, a.key)
    wall.group(c.key, group.key)
    lone = wall.add_note("omraade", "Ledelse", step="s")
    assert [i.key for i in wall.items(kinds=["tiltak"])] == [group.key]
    assert [i.key for i in wall.items(kinds=["omraade"])] == [group.key, lone.key]
    assert [i.key for i in wall.items(kinds=["grunn"])] == [d.key]
    assert len(wall.items()) == 3 and wall.items(kinds=[]) == []
