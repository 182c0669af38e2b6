"""One dataclass↔document helper: the records' stored JSON stays what it was, and reads back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import pytest

from kiosk.core.activities.cards import DeckState
from kiosk.core.activities.timeline import Period
from kiosk.core.method import Step
from kiosk.core.record import Record, reader, text_or_none
from kiosk.core.timer import Timer
from kiosk.core.wall import Cluster, Note, Wall
from kiosk.store import Store

# What the hand-written to_dict methods wrote before the helper, byte for byte.
BEFORE = [
    (Note(id=3, kind="good", text="hej", step="s1", created_at=5.5, face_down=True, revealed=2, column="c1",
          pos=(0.1, 0.2), matrix=(0.5, 0.6), chosen=True, card="d:1", year=2020, map_at=(0.3, 0.4),
          links=("n1", "c2")),
     '{"doc_id": 3, "kind": "good", "text": "hej", "step": "s1", "created_at": 5.5, "face_down": true, '
     '"held": false, "revealed": 2, "cluster": null, "column": "c1", "pos": [0.1, 0.2], "matrix": [0.5, 0.6], '
     '"chosen": true, "deleted": false, "card": "d:1", "year": 2020, "map_at": [0.3, 0.4], '
     '"links": ["n1", "c2"], "signup": null}'),
    (Note(id=4, kind="k", text="t"),
     '{"doc_id": 4, "kind": "k", "text": "t", "step": "", "created_at": 0.0, "face_down": false, "held": false, '
     '"revealed": null, "cluster": null, "column": null, "pos": null, "matrix": null, "chosen": false, '
     '"deleted": false, "card": null, "year": null, "map_at": null, "links": [], "signup": null}'),
    (Cluster(id=7, name="x", column="PARK", pos=(0.0, 1.0), chosen=True, map_at=(0.2, 0.2), links=("n3",)),
     '{"doc_id": 7, "name": "x", "column": "PARK", "pos": [0.0, 1.0], "matrix": null, "chosen": true, '
     '"deleted": false, "map_at": [0.2, 0.2], "links": ["n3"]}'),
    (Timer(planned=600.0, adjust=-30.0, runs=((1.0, 2.0), (3.0, None))),
     '{"planned": 600.0, "adjust": -30.0, "runs": [[1.0, 2.0], [3.0, null]]}'),
    (Timer(planned=60.0), '{"planned": 60.0, "adjust": 0.0, "runs": []}'),
    (Period(id=2, step="tl", name="Fusion", first=2019, last=2021, deleted=True),
     '{"step": "tl", "name": "Fusion", "first": 2019, "last": 2021, "deleted": true}'),
    (DeckState(doc_id=5, step="c", deck="d1", seed=42, people=6, flipped=True),
     '{"step": "c", "deck": "d1", "seed": 42, "people": 6, "flipped": true}'),
    (Step(id="w", title="Skriv", minutes=5.0, activity="write", phase="P", meeting=2, prompts=("a", "b"),
          rules=("r",), params={"kinds": [{"id": "good"}]}, optional=True),
     '{"id": "w", "title": "Skriv", "minutes": 5.0, "activity": "write", "phase": "P", "meeting": 2, '
     '"prompts": ["a", "b"], "rules": ["r"], "params": {"kinds": [{"id": "good"}]}, "optional": true}'),
]


@pytest.mark.parametrize("record, stored", BEFORE, ids=lambda x: type(x).__name__ if isinstance(x, Record) else "")
def test_a_record_is_stored_byte_for_byte_as_before_and_reads_back_equal(record, stored):
    assert json.dumps(record.to_dict()) == stored
    doc = json.loads(stored)
    if "doc_id" not in doc and type(record).ID_FIELD:  # the store hands its id back on reading
        doc["doc_id"] = getattr(record, type(record).ID_FIELD)
    assert type(record).from_dict(doc) == record


def test_an_older_or_hand_edited_note_reads_with_defaults_and_the_old_leniency():
    note = Note.from_dict({"doc_id": 9, "kind": "a", "text": 5, "created_at": 1, "revealed": "3",
                           "cluster": 2.0, "column": 7, "pos": [1, 0], "links": ["n1", "n1", 4, "c2"],
                           "signup": 3, "card": 12, "year": "2001"})
    assert note == Note(id=9, kind="a", text="5", created_at=1.0, revealed=3, cluster=2, column=7,
                        pos=(1.0, 0.0), card="12", year=2001, links=("n1", "c2"), signup=None)
    assert Note.from_dict({"doc_id": 10}) == Note(id=10)
    assert Cluster.from_dict({"doc_id": 1, "links": "x", "map_at": [0.5, 0.25]}) == \
        Cluster(id=1, map_at=(0.5, 0.25))
    assert Timer.from_dict({"planned": 5, "runs": [[1, None], [2, 3]]}).runs == ((1.0, None), (2.0, 3.0))


def test_a_document_missing_a_required_field_or_with_a_bad_point_is_refused_as_before():
    with pytest.raises(KeyError):
        Period.from_dict({"doc_id": 1, "name": "n", "first": 1, "last": 2})  # no step
    with pytest.raises(KeyError):
        Timer.from_dict({"runs": []})
    with pytest.raises(ValueError):
        Note.from_dict({"doc_id": 1, "pos": [0.1, 0.2, 0.3]})


@dataclass(frozen=True)
class Tally(Record):
    """A made-up record, as a new activity would add: no to_dict/from_dict written."""

    ID_FIELD = "id"

    id: int
    label: str = ""
    counts: tuple[int, ...] = ()
    spot: Optional[tuple[float, float]] = None
    owner: Optional[str] = field(default=None, metadata=reader(text_or_none))
    timer: Optional[Timer] = None


def test_a_new_record_gets_both_directions_from_its_fields_alone(store):
    t = Tally(id=0, label="x", counts=(1, 2), spot=(0.5, 1.0), owner="Ann",
              timer=Timer(planned=60.0, runs=((1.0, None),)))
    doc = t.to_dict()
    assert doc == {"doc_id": 0, "label": "x", "counts": [1, 2], "spot": [0.5, 1.0], "owner": "Ann",
                   "timer": {"planned": 60.0, "adjust": 0.0, "runs": [[1.0, None]]}}
    store.save_session({"id": "s1", "team": "T", "status": "running", "created_at": 1.0})
    new_id = store.insert("s1", "tallies", doc)
    (back,) = store.all("s1", "tallies")
    assert Tally.from_dict(back) == Tally(**{**vars(t), "id": new_id})
    assert Tally.from_dict({"doc_id": 2, "owner": 5}) == Tally(id=2)


def test_the_wall_written_by_one_kiosk_reads_back_in_the_next(tmp_path, clock):
    data = tmp_path / "data"
    store = Store(data, clock=clock)
    store.save_session({"id": "s1", "team": "T", "status": "running", "created_at": 1.0})
    wall = Wall(store, "s1", clock)
    a = wall.add_note("good", "Kaffe", step="w")
    b = wall.add_note("bad", "Larm", step="w")
    wall.group(a.key, b.key)
    wall.move(a.key, 0.25, 0.75)
    before = (wall.notes(), wall.clusters())
    store.close()
    store = Store(data, clock=clock)
    try:
        again = Wall(store, "s1", clock)
        assert (again.notes(), again.clusters()) == before
    finally:
        store.close()
