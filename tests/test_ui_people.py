"""Who is here and present your own, in a real window with real taps.

The team screen: the facilitator types how many are here and the tables (refused past
200 people or with more tables than people), the count-off in order; the draft keeps
them; Start makes the session's participants, checked in the store. The People panel:
a name typed on its keyboard, a move to another table, a removal that asks first and
leaves the notes (anonymous), Undo, a late comer and the count-off again. Present your
own for three people: the turn's heading, a tap on someone else's note refused, skip,
choose who is next (the skipped one back), hold a note back, Undo gives the turn back,
and once no one with an author has notes left the turns by kind return.

Run as a script (``python tests/test_ui_people.py 3840x2160``) it writes the screenshots
to screenshots/people/.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.core.activities.write import add_note
from kiosk.core.people import People, live_people

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "people"


def shot(k, name: str) -> Path:
    w, h = k.window.size
    return k.screenshot(SHOTS / f"{name}-{w}x{h}.png")


def plain(markup: str) -> str:
    return re.sub(r"\[/?[a-z]+[^\]]*\]", "", markup)


def team_screen(k, table_size=(3, 4)):
    """The team screen for the Trivselsdialog, here run in tables of ``table_size``."""
    method = replace(k.app.method_by_id("trivselsdialog"), table_size=table_size)
    team = k.app.screen("team")
    team.prepare(method)
    k.app.show("team")
    k.frames(3)
    return team


def write_step(ws):
    method = ws.session.method
    return method.steps[method.step_index("refleksion")]


def chips(panel) -> dict[str, object]:
    """The People panel's person chips by their text."""
    return {c.text: c for col in panel.ids.columns.children for c in col.ids.chips.children
            if hasattr(c, "person_id")}


# -- who is here: the team screen and the People panel ------------------------------------

def test_the_team_screen_counts_the_room_and_the_people_panel_names_moves_and_removes(kiosk):
    k = kiosk
    team = team_screen(k)
    keys = k.find("keyboard")
    k.type(keys, "Lageret")
    assert team.grouped and team.people == 0 and k.find("fewer").disabled

    k.tap("count")                                     # the keyboard now types the count
    k.type(keys, "250")
    assert k.app.notice == "Between 0 and 200 people can take part."
    assert team.people == 25 and k.find("count").text == "25"
    k.tap(keys.keys["backspace"])
    assert team.people == 2 and team.tables == 1       # fewer than a table: one table
    k.tap("more_tables")
    assert team.tables == 2
    k.tap("more_tables")
    assert k.app.notice == "There are more tables than people. Choose fewer tables." and team.tables == 2
    k.tap(keys.keys["backspace"])
    assert team.people == 0 and k.find("tables").text == "–"
    k.type(keys, "10")
    assert team.people == 10 and team.tables == 3      # tables of 3–4: as the method suggests
    k.tap("more_tables")
    k.tap("count_off")                                 # in order: 1–3 at table 1 …
    assert team.tables == 4 and not team.at_random
    draft = k.app.store.get_state("draft")
    assert (draft["team"], draft["people"], draft["tables"], draft["count_off"]) == ("Lageret", 10, 4, "order")

    k.tap("start")
    assert k.app.sm.current == "workshop"
    ws = k.app.workshop
    everyone = live_people(k.app.store, ws.session.id)
    assert [p.number for p in everyone] == list(range(1, 11)) and all(not p.name for p in everyone)
    assert [p.table for p in everyone] == [1, 1, 1, 2, 2, 2, 3, 3, 4, 4]
    assert k.app.store.get_state("draft") is None

    people = k.app.people()
    five = next(p for p in people.everyone() if p.number == 5)
    note = add_note(k.app.wall(), people, write_step(ws), "godt", "Kaffen", author=five.id)
    k.tap("people")
    panel = k.screen().people_panel
    assert [c.ids.title.text for c in reversed(panel.ids.columns.children)] == \
        ["Table 1  ·  3", "Table 2  ·  3", "Table 3  ·  2", "Table 4  ·  2"]

    k.tap(chips(panel)["Participant 2"])               # a first name
    sheet = panel.sheet
    k.type(sheet.ids.keyboard, "Ane")
    k.tap(sheet.ids.save)
    assert [p.name for p in live_people(k.app.store, ws.session.id) if p.number == 2] == ["Ane"]
    assert "Ane" in chips(panel) and "Participant 2" not in chips(panel)

    k.tap(chips(panel)["Participant 3"])               # to another table
    k.tap(next(b for b in panel.sheet.ids.moves.children if b.text == "4"))
    assert People(k.app.store, ws.session.id).get(people.everyone()[2].id).table == 4
    assert panel.ids.columns.children[0].ids.title.text == "Table 4  ·  3"

    k.tap(chips(panel)["Participant 5"])               # off the list: asked first
    k.tap(panel.sheet.ids.take_off)
    assert "Their post-its stay on the wall, anonymous." in k.app.confirm_view.question
    k.tap(k.app.confirm_view.ids.yes)
    assert [p.number for p in live_people(k.app.store, ws.session.id)] == [1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert [n.text for n in k.app.wall().notes()] == ["Kaffen"] and not people.known(note.author)
    assert "Participant 5" not in chips(panel)
    k.tap(panel.ids.undo)                              # the app's one Undo, in the panel
    assert 5 in [p.number for p in live_people(k.app.store, ws.session.id)] and "Participant 5" in chips(panel)

    k.tap(panel.ids.add_person)                        # a late comer: at no table yet
    assert panel.ids.columns.children[0].ids.title.text == "No table yet"
    k.tap(panel.ids.off_random)                        # the count-off again seats everyone
    again = live_people(k.app.store, ws.session.id)
    assert len(again) == 11 and sorted({p.table for p in again}) == [1, 2, 3, 4]
    assert sorted(len(people.members(t)) for t in (1, 2, 3, 4)) == [2, 3, 3, 3]
    k.tap(panel.ids.close)


# -- present your own ---------------------------------------------------------------------

def test_present_your_own_for_three_people(kiosk):
    from kiosk.ui.team import seat_room

    k = kiosk
    method = k.app.method_by_id("trivselsdialog")
    assert k.app.start_workshop(method, "Lageret", room=seat_room(3, 0, True))
    ws, wall, people = k.app.workshop, k.app.wall(), k.app.people()
    a, b, c = people.everyone()
    step = write_step(ws)
    for who, texts in ((a, ("a+", "a-", "a+2")), (b, ("b+", "b-")), (c, ("c+", "c-"))):
        for i, text in enumerate(texts):
            add_note(wall, people, step, ("godt", "mindre-godt")[i % 2], text, author=who.id)
    add_note(wall, None, step, "godt", "anonymous")
    k.app.act(ws.go_to, method.step_index("praesentation"), undo=ws)
    k.frames(3)
    view = k.screen().view
    tray = view.ids.waiting
    key = {n.text: n.key for n in wall.notes()}
    shown = lambda: [n.text for n in wall.revealed_notes()]  # noqa: E731

    assert view.own and plain(view.heading) == \
        "Participant 1: 2 post-its, one “Fungerer godt”, one “Fungerer mindre godt”"
    assert view.ids.bar.disabled and not view.ids.bar_own.disabled
    assert tray.cards[key["a+"]].selected and not tray.cards[key["b+"]].selected
    k.tap_card(tray, key["b+"])                        # not theirs: refused, nothing turned
    assert k.app.notice == "Tap your own post-its: the ones picked out for this turn." and shown() == []
    k.tap_card(tray, key["a+"])
    k.tap_card(tray, key["a-"])
    assert shown() == ["a+", "a-"] and plain(view.heading).startswith("Participant 2:")

    k.tap("skip")                                      # b is not ready: c goes
    assert view.turns.current() == c and view.turns.skipped() == [b.id]
    k.tap("choose")                                    # … and b comes back
    first = view.chooser.ids.grid.children[-1]
    assert first.text == "Participant 2  ·  skipped"
    k.tap(first)
    assert view.turns.current() == b and plain(view.heading).startswith("Participant 2:")
    k.tap_card(tray, key["b+"])
    assert shown() == ["a+", "a-", "b+"]
    k.tap("undo")                                      # the reveal back, the turn with it
    assert shown() == ["a+", "a-"] and view.turns.current() == b and view.turns.turn_left() == 2
    k.tap_card(tray, key["b+"])
    k.tap_card(tray, key["b-"])

    assert view.turns.current() == c
    k.tap("hold_own")                                  # c's second is held back
    k.tap_card(tray, key["c-"])
    k.tap("hold_own")
    assert wall.item(key["c-"]).held and view.turns.turn_left() == 1
    k.tap_card(tray, key["c+"])
    assert view.turns.current() == a                   # a's third, in a turn of its own
    k.tap_card(tray, key["a+2"])
    assert shown() == ["a+", "a-", "b+", "b-", "c+", "a+2"]

    assert not view.own and not view.ids.bar.disabled  # nobody with an author is left: as before
    k.tap("turn")
    assert shown()[-1] == "anonymous" and wall.item(key["c-"]).revealed is None
    stored = {d["text"]: d for d in k.app.store.all(ws.session.id, "notes")}
    assert stored["a+2"]["author"] == a.id and stored["a+2"]["revealed"] and not stored["c-"].get("revealed")


# -- screenshots ---------------------------------------------------------------------------

def _shoot(size: str) -> list[Path]:
    from kiosk_testing import screenshot_driver

    from kiosk.ui.team import seat_room

    k = screenshot_driver(size)
    out = []
    try:
        team = team_screen(k, (4, 6))
        k.find("name").text = "Hjemmeplejen Nord"
        team.ids.count.text = "17"
        k.frames(3)
        out.append(shot(k, "team"))
        k.tap("start")
        people = k.app.people()
        for i, name in ((2, "Ane"), (6, "Mohammed"), (11, "Kirsten")):
            people.rename(people.everyone()[i].id, name)
        k.app.act(lambda: None)
        k.tap("people")
        out.append(shot(k, "people-panel"))
        k.screen().people_panel.dismiss()
        k.app.end_workshop()

        method = k.app.method_by_id("trivselsdialog")
        assert k.app.start_workshop(method, "Hjemmeplejen Nord", room=seat_room(5, 0, True))
        ws, wall, people = k.app.workshop, k.app.wall(), k.app.people()
        texts = {1: ("Godt samarbejde på holdet", "For lidt tid til dokumentation", "Morgenmødet"),
                 2: ("Vi griner meget sammen", "Vagtplanen kommer for sent"),
                 3: ("Ny leder, der lytter", "Larm i frokoststuen"),
                 4: ("Gode kolleger", "Bilerne er gamle"), 5: ("Fleksible vagter", "Mange afbrydelser")}
        for p in people.everyone():
            for i, text in enumerate(texts[p.number]):
                add_note(wall, people, write_step(ws), ("godt", "mindre-godt")[i % 2], text, author=p.id)
        k.app.act(ws.go_to, method.step_index("praesentation"), undo=ws)
        k.frames(3)
        view = k.screen().view
        first = people.everyone()[0]
        k.app.act(view.turns.reveal_own, [n.id for n in view.turns.left(first.id)[:2]], undo=wall)
        out.append(shot(k, "present-own"))
        assert team is not None
    finally:
        k.close()
    return out


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
