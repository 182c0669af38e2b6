"""Table-group steps in the core: the lanes and how they share the screen, each table's
own vote (ballot, dots, top N) and marks, the plenary that brings the tables' chosen ones
together, and the export per table, never naming who wrote what. A real store throughout."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.activities.rate import Rating
from kiosk.core.activities.vote import VOTES, VoteRound, ballot, winners
from kiosk.core.export import document, markdown, notes_csv
from kiosk.core.lanes import (MIN_LANE, ROOM, by_lane, lane_key, lane_title, lanes, layout, split_key,
                              writer_group)
from kiosk.core.loader import load_method
from kiosk.core.method import Step
from kiosk.core.people import People
from kiosk.core.wall import Wall, WallError
from kiosk.core.workshop import Workshop

ROOT = Path(__file__).resolve().parent.parent
VOTE = {"budget": 1, "winners": 1, "winners_max": 4, "mode": "dots"}


# -- the rules of the lanes ----------------------------------------------------------------

def test_lanes_side_by_side_until_a_lane_is_too_narrow_to_read_then_tabs():
    body = 1920 - 420                                    # the wall beside the narrow timer column
    four = layout(body, 4)
    assert not four.tabs and four.shown == 4 and four.width >= MIN_LANE
    assert layout(body, 2, min_lane=700).tabs is False    # a sort lane keeps its columns
    assert layout(body, 3, min_lane=700).tabs is True     # ...three do not fit: tabs
    eight = layout(body, 8)
    assert eight.tabs and eight.shown == 1 and eight.width == body
    k4 = layout(2 * body, 4, scale=2.0)                   # 4K: the same rule, twice the px
    assert not k4.tabs and k4.width == pytest.approx(2 * four.width)
    assert not layout(300, 1).tabs                         # one lane is never a tab
    assert layout(body, 0).shown == 1


def test_a_room_never_split_is_one_lane_and_lane_keys_name_the_table():
    assert lanes(0) == [ROOM] and lanes(3) == [1, 2, 3] and lanes(True) == [ROOM]
    assert lane_key("vaelg", None) == "vaelg" and lane_key("vaelg", 2) == "vaelg@2"
    assert split_key("vaelg@2") == ("vaelg", 2) and split_key("vaelg") == ("vaelg", None)
    assert split_key("a@b@3") == ("a@b", 3) and split_key("x@0") == ("x@0", None) and split_key("x@") == ("x@", None)
    assert lane_title(2) == "Table 2" and lane_title(None) == "Everyone"
    groups = Step(id="s", title="S", minutes=5, activity="write", groups=True)
    room = Step(id="s", title="S", minutes=5, activity="write")
    assert writer_group(room, 3, author_table=2) is None         # a room step: no lane
    assert writer_group(groups, 0, author_table=2) is None       # never split: the room's lane
    assert writer_group(groups, 3, author_table=2) == 2          # the author's table
    assert writer_group(groups, 3, author_table=2, picked=3) == 3  # an anonymous writer picked one
    assert writer_group(groups, 3, picked=7) is None and writer_group(groups, 3, picked=True) is None
    assert list(by_lane([{"group": 2}, {"group": None}, {"group": 1}, {"group": 2}])) == [1, 2, None]


# -- each table's own vote, then the plenary -----------------------------------------------

@pytest.fixture
def tables(store, clock):
    """Three tables' dilemmas on one wall: table 1 three, table 2 two, table 3 none yet."""
    store.save_session({"id": "s1", "team": "T", "status": "running", "created_at": 1.0})
    wall = Wall(store, "s1", clock)
    notes = {g: [wall.add_note("dilemma", f"Bord {g}: dilemma {i}", step="dilemmaer", group=g)
                 for i in range(n)] for g, n in ((1, 3), (2, 2))}
    return wall, notes


def test_each_table_votes_on_its_own_ballot_and_carries_its_own_top(store, tables):
    wall, notes = tables
    one = VoteRound.on_wall(store, "s1", "vaelg", VOTE, wall, group=1)
    two = VoteRound.on_wall(store, "s1", "vaelg", VOTE, wall, group=2)
    assert one.items == [n.key for n in notes[1]] and two.items == [n.key for n in notes[2]]
    with pytest.raises(WallError) as e:
        VoteRound.on_wall(store, "s1", "vaelg", VOTE, wall, group=3)   # an empty table
    assert e.value.reason == "nothing_to_vote_on"
    for rnd, picks in ((one, [1, 1, 0]), (two, [1])):
        for i in picks:
            rnd.next_voter()
            rnd.cast(rnd.items[i])
            rnd.done()
    with pytest.raises(WallError) as e:
        one.next_voter() and one.cast(notes[2][0].key)                  # another table's dilemma
    assert e.value.reason == "unknown_item"
    one.undo()
    assert {d["round"] for d in store.all("s1", VOTES)} == {"vaelg@1", "vaelg@2"}
    assert one.voters == 3 and two.voters == 1                          # each table its own voters
    top1 = winners(one.ranking(), 1)
    top2 = winners(two.ranking(), 1)
    assert [w.key for w in top1] == [notes[1][1].key] and [w.key for w in top2] == [notes[2][1].key]
    wall.carry_forward([w.key for w in top1], ballot=one.items)
    wall.carry_forward([w.key for w in top2], ballot=two.items)
    # the plenary (no group) sees every table's chosen one, in the wall's order
    assert ballot(wall) == [notes[1][1].key, notes[2][1].key]
    assert [i.key for i in wall.chosen()] == [notes[1][1].key, notes[2][1].key]
    # a restart hands each table the same round back
    again = VoteRound.on_wall(store, "s1", "vaelg", VOTE, Wall(store, "s1", wall.clock), group=1)
    assert again.totals() == {k: p for k, p in one.totals().items() if p} and again.voters == 3


def test_the_plenary_stacks_like_notes_across_tables_but_a_table_only_its_own(tables):
    wall, notes = tables
    with pytest.raises(WallError) as e:
        wall.group(notes[1][0].key, notes[2][0].key)
    assert e.value.reason == "other_group"
    stack = wall.group(notes[1][0].key, notes[2][0].key, across=True)   # NED: like actions of two tables
    assert stack.group is None and {n.group for n in wall.cluster_notes(stack.id)} == {1, 2}
    own = wall.group(notes[1][1].key, notes[1][2].key)
    assert own.group == 1 and [i.key for i in wall.items(group=1)] == [own.key]
    assert stack.key in [i.key for i in wall.items()]                   # the plenary sees it
    assert wall.undo() and wall.undo() and len(wall.items(group=1)) == 3


def test_each_table_marks_the_statements_on_its_own(store, clock):
    store.save_session({"id": "s1", "team": "T", "status": "running", "created_at": 1.0})
    step = Step(id="paastander", title="P", minutes=5, activity="rate", groups=True,
                params={"statements": ["A", "B"], "scale": ["green", "yellow", "red"]})
    one = Rating.for_step(store, "s1", step, clock, group=1)
    two = Rating.for_step(store, "s1", step, clock, group=2)
    one.mark(0, 0)
    one.mark(1, 2)
    two.mark(0, 2)
    assert one.tally() == [[1, 0, 0], [0, 0, 1]] and two.tally() == [[0, 0, 1], [0, 0, 0]]
    assert Rating.for_step(store, "s1", step, clock).tally() == [[0, 0, 0], [0, 0, 0]]
    assert two.undo() and two.tally()[0] == [0, 0, 0] and one.tally()[0] == [1, 0, 0]


# -- the export, per table -----------------------------------------------------------------

def test_the_export_gives_each_tables_results_and_never_the_author(store, clock):
    method = load_method(ROOT / "methods" / "dilemmavaerksted.toml")
    assert method.table_size == (2, 4)
    assert [s.id for s in method.steps if s.groups] == ["dilemmaer", "vaelg"]
    ws = Workshop.start(store, clock, method, "Team Dilemma", lang="en")
    sid = ws.session.id
    people = People(store, sid, clock)
    people.set_count(6)
    assert people.split(size=method.table_size) == 2
    wall = Wall(store, sid, clock)
    written = {}
    for p in people.everyone():
        written[p.id] = wall.add_note("dilemma", f"Dilemma from seat {p.number}", step="dilemmaer",
                                      author=p.id, group=p.table)
    params = next(s for s in method.steps if s.id == "vaelg").params
    for table in (1, 2):
        rnd = VoteRound.on_wall(store, sid, "vaelg", params, wall, group=table)
        rnd.next_voter()
        rnd.cast(rnd.items[-1])
        rnd.done()
        wall.carry_forward([w.key for w in winners(rnd.ranking(), 1)], ballot=rnd.items)
    doc = document(store, sid, clock=clock, lang="en")
    votes = [(r["group"], r["title"], [x["label"] for x in r["ranking"] if x["winner"]]) for r in doc["votes"]]
    last = {t: [n.text for n in wall.notes(group=t)][-1] for t in (1, 2)}
    assert votes == [(1, "Vælg ét dilemma · Table 1", [last[1]]), (2, "Vælg ét dilemma · Table 2", [last[2]])]
    assert {n["group"] for n in doc["notes"]} == {1, 2} and all("author" not in n for n in doc["notes"])
    md = markdown(doc)
    assert "Table 1" in md and "Table 2" in md and md.index(last[1]) < md.index("Table 2")
    rows = notes_csv(doc).decode("utf-8-sig").splitlines()
    head = rows[0].split(",")
    assert head[-1] == "Table" and all(r.split(",")[-1] in {"1", "2"} for r in rows[1:])
    assert "Participant" not in md and "Participant" not in rows[0]
