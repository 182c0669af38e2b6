"""Table-group steps in a real window, with real touches: the dilemma workshop's tables each
choose their own dilemma (a room never split first: one lane and a one-tap split; then a
lane per table behind tabs, an empty table saying so), and the plenary's action plan gets
every table's choice; NED's tables each sort their own puzzle side by side and mark their
own threshold, and the plenary stacks like actions from two tables. The store is read back
each time. Run as a script for the screenshots: ``python tests/test_ui_lanes.py 1920x1080``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.core.activities.rate import TABLE as RATES
from kiosk.core.activities.vote import VOTES
from kiosk.core.export import document, markdown
from kiosk.core.lanes import writer_group
from kiosk.core.wall import Wall

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parent.parent


def go_to(k, step_id):
    from kiosk.ui.act import FAILED

    ws = k.app.workshop
    assert k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws) is not FAILED
    k.frames(3)
    assert ws.session.step.id == step_id
    return k.find("activity").children[0]


def reopened(k) -> Wall:
    return Wall(k.app.store, k.app.workshop.session.id, k.app.clock)


def write_at_tables(k, step_id: str, kind: str, texts: dict[int, list[str]]) -> dict[str, str]:
    """Notes as a table-group write step makes them: each in its writer's table lane (the
    composers are another screen's; this is what they store). text → key."""
    app = k.app
    people, wall = app.people(), app.wall()
    step = app.workshop.session.method.steps[app.workshop.session.method.step_index(step_id)]
    out = {}
    for table, lines in texts.items():
        writers = people.members(table)
        for i, text in enumerate(lines):
            author = writers[i % len(writers)]
            group = writer_group(step, people.tables, author_table=author.table)
            out[text] = wall.add_note(kind, text, step=step_id, author=author.id, group=group).key
    app.revision += 1                                              # the screen redraws, as after a tap
    k.frames(3)
    return out


def centre(board, key):
    x, y, w, h = board.cards[key].rect
    return board.to_window(board.x + x + w / 2, board.y + y + h / 2)


def test_each_dilemma_table_chooses_its_own_and_the_plenary_plans_for_all(kiosk):
    k = kiosk
    app = k.app
    k.tap("start")
    k.pick_method("dilemmavaerksted")
    k.type(k.find("keyboard"), "Team Dilemma")
    k.tap("start")
    assert app.sm.current == "workshop", app.notice
    sid = app.workshop.session.id
    app.people().set_count(9)                                      # the team screen's count

    # a room never split: one lane for everyone, and the way to split it
    lanes = go_to(k, "vaelg")
    assert type(lanes).__name__ == "LanesView" and list(lanes.views) == [None]
    assert "not split" in lanes.notice and lanes.can_split
    assert lanes.views[None].mode == "empty"                       # nothing written yet
    k.tap(lanes.ids.split)                                         # one tap: tables of 2–4
    assert app.people().tables == 3 and not lanes.can_split
    assert lanes.notice.startswith("3 tables")
    assert lanes.tabs and len(lanes.ids.tabbar.children) == 3      # a vote lane is wide: tabs

    keys = write_at_tables(k, "dilemmaer", "dilemma", {
        1: ["Dokumentation eller nærvær", "Hurtig hjælp eller grundighed", "Faglighed eller økonomi"],
        2: ["Fleksibilitet eller faste rammer", "Åbenhed eller ro"],
    })
    picks = {1: "Hurtig hjælp eller grundighed", 2: "Åbenhed eller ro"}
    tabs = list(reversed(lanes.ids.tabbar.children))
    for table, pick in picks.items():
        k.tap(tabs[table - 1])
        tabs = list(reversed(lanes.ids.tabbar.children))
        v = lanes.views[table]
        assert v.parent is not None and lanes.tab == table - 1
        assert set(v.round.items) == {key for text, key in keys.items()
                                      if reopened(k).item(key).group == table}  # its own ballot
        for _ in range(2):
            k.tap(v.ids.voter)
            k.tap_card(v.ids.board, keys[pick])
            k.tap(v.ids.voter)
        k.tap(v.ids.results)
        k.tap(v.ids.carry)
    k.tap(tabs[2])
    assert lanes.views[3].mode == "empty"                           # table 3 wrote nothing yet
    # a table nobody sits at says so
    app.act(app.people().add_table, undo=app.people())
    k.frames(3)
    assert len(lanes.ids.tabbar.children) == 4
    k.tap(list(reversed(lanes.ids.tabbar.children))[3])
    [lane] = lanes.ids.body.children
    assert "Nobody sits at this table" in lane.empty and 4 not in lanes.views

    votes = [(d["round"], d["voter"], d["item"], d["points"]) for d in app.store.all(sid, VOTES)]
    assert sorted(votes) == [("vaelg@1", 1, keys[picks[1]], 1), ("vaelg@1", 2, keys[picks[1]], 1),
                             ("vaelg@2", 1, keys[picks[2]], 1), ("vaelg@2", 2, keys[picks[2]], 1)]
    chosen = [i.key for i in reopened(k).chosen()]
    assert chosen == [keys[picks[1]], keys[picks[2]]]

    # the plenary: the action plan works on every table's chosen dilemma
    plan = go_to(k, "proevehandlinger")
    assert list(plan.theme_tiles) == chosen
    doc = document(app.store, sid, clock=app.clock, lang="en")
    md = markdown(doc)
    assert "Vælg ét dilemma · Table 1" in md and "Vælg ét dilemma · Table 2" in md
    assert all("author" not in n for n in doc["notes"])


def test_ned_tables_sort_their_own_puzzle_side_by_side_and_the_plenary_stacks_across(kiosk):
    k = kiosk
    app = k.app
    method = app.method_by_id("ned-dialogduk")
    assert app.start_workshop(method, "Team NED", room=lambda people: people.set_count(8))
    k.frames(3)
    sid = app.workshop.session.id
    assert app.people().split(size=method.table_size) == 2          # 8 people in tables of 3–5

    # each table marks the threshold in its own lane (a rate lane is wide: tabs)
    lanes = go_to(k, "terskel")
    assert lanes.tabs and lanes.views[1].parent is not None
    k.tap(lanes.views[1].tiles[(0, 1)])                             # table 1: "passe"
    k.tap(list(reversed(lanes.ids.tabbar.children))[1])
    k.tap(lanes.views[2].tiles[(0, 2)])                             # table 2: "for høy"
    marks = sorted((d["step"], d["value"]) for d in app.store.all(sid, RATES))
    assert marks == [("terskel@1", 1), ("terskel@2", 2)]

    # the puzzle: two lanes side by side, each table its own 17 pieces
    lanes = go_to(k, "ansvar")
    assert not lanes.tabs and len(lanes.ids.body.children) == 2
    one, two = lanes.views[1], lanes.views[2]
    k.frames(3)
    wall = reopened(k)
    pieces = {t: wall.seeded("ansvar", group=t) for t in (1, 2)}
    assert len(pieces[1]) == len(pieces[2]) == 17
    first = pieces[1][0]
    target = next(z for z in one.zones if z.column == "leder")
    x, y, w, h = target.rect
    k.drag(centre(one.ids.board, first.key), one.ids.board.to_window(one.ids.board.x + x + w / 2,
                                                                     one.ids.board.y + y + h * 0.4), steps=4)
    wall = reopened(k)
    assert wall.item(first.key).column == "leder"
    assert all(n.column is None for n in wall.seeded("ansvar", group=2))   # table 2's puzzle untouched
    assert first.key not in two.ids.board.cards

    # the plenary gathers like actions from both tables into one stack
    keys = write_at_tables(k, "tiltak", "tiltak", {1: ["Bedre opplæring av nye"], 2: ["Opplæring av nyansatte"]})
    board = go_to(k, "samle").ids.board
    k.drag(centre(board, keys["Bedre opplæring av nye"]), centre(board, keys["Opplæring av nyansatte"]), steps=4)
    wall = reopened(k)
    [stack] = wall.clusters()
    assert {n.group for n in wall.cluster_notes(stack.id)} == {1, 2} and stack.group is None


# -- screenshots -------------------------------------------------------------------------

ACTIONS = [
    "Fast fadder for nye", "Kortere morgenmøter", "Felles lunsj fredag", "Sjekkliste ved fravær",
    "Ringe den som er syk", "Tilrettelegging tidlig", "Faste pauser på kveld", "Ros i hverdagen",
]


def _shoot(size: str) -> list:
    """A four-table wall (NED's gathering step run at the tables: about eight actions a
    table), and the plenary's vote on every table's chosen three, each card naming its table."""
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="nb")
    out = ROOT / "screenshots" / "lanes"
    shots = []
    try:
        app = k.app
        ned = app.method_by_id("ned-dialogduk")
        steps = tuple(replace(s, groups=True) if s.id == "samle" else s for s in ned.steps)
        method = replace(ned, steps=steps)
        app.start_workshop(method, "Avdeling Sør", room=lambda people: people.set_count(16))
        app.people().split(size=method.table_size)
        k.frames(3)
        keys = write_at_tables(k, "tiltak", "tiltak",
                               {t: [f"{a}" for a in ACTIONS[t - 1:] + ACTIONS[:t - 1]] for t in (1, 2, 3, 4)})
        lanes = go_to(k, "samle")
        k.frames(5)
        shots.append(k.screenshot(out / f"four-tables-{size}.png"))
        wall = app.wall()
        for t in (1, 2, 3, 4):
            lane = wall.items(group=t)
            wall.carry_forward([i.key for i in lane[:3]], ballot=[i.key for i in lane])
        go_to(k, "poeng")
        k.frames(5)
        shots.append(k.screenshot(out / f"plenary-{size}.png"))
        del keys, lanes
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
