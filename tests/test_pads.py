"""Pads (phones and table tablets): the door, devices and note intents, on a real store."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.core import pads as pads_mod
from kiosk.core.method import Step
from kiosk.core.pads import DEVICES_MAX, NOTES_PER_STEP, TABLE, PadError, Pads, digest
from kiosk.core.people import People, label
from kiosk.core.wall import Wall, WallError

pytestmark = pytest.mark.running_session

WRITE = Step(id="skriv", title="Skriv", minutes=8, activity="write",
             params={"kinds": [{"id": "godt", "title": "Godt", "colour": "yellow"}],
                     "max_length": 40, "face_down": True, "max_per_person": 40})
TALK = Step(id="snak", title="Snak", minutes=5, activity="talk")


@pytest.fixture
def room(store, clock):
    people = People(store, "s1", clock)
    wall = Wall(store, "s1", clock)
    here = {"step": WRITE}
    pads = Pads(store, "s1", clock, wall=wall, people=people, step=lambda: here["step"])
    return pads, people, wall, here


def refused(reason, call, *args, **kw):
    with pytest.raises((PadError, WallError)) as e:
        call(*args, **kw)
    assert e.value.reason == reason


def test_join_through_the_open_door_only_and_the_keys_are_never_stored(room, store, clock):
    pads, people, wall, _ = room
    refused("door_closed", pads.join, "anything")
    token = pads.open_door()
    assert len(token) >= 22 and pads.token_ok(token) and not pads.token_ok(token[:-1] + "x")
    key, device = pads.join(token, name="  Kari ")
    assert label(people.get(device.person)) == "Kari" and device.key == digest(key)
    key2, device2 = pads.join(token)
    assert label(people.get(device2.person)) == "Participant 2"
    pads.close_door()
    refused("door_closed", pads.join, token)
    assert pads.device(key) == device                         # joined devices keep working
    for doc in store.all("s1", "pads"):
        assert key not in str(doc) and key2 not in str(doc)
    again = Pads(store, "s1", clock, wall=wall, people=people, step=lambda: WRITE)   # a restart
    assert again.device(key).person == device.person and not again.door.open


def test_notes_from_pads_land_on_the_wall_with_the_author_hidden_and_bounded(room, clock):
    pads, people, wall, here = room
    token = pads.open_door()
    key, device = pads.join(token)
    note = pads.send_note(key, "skriv", "godt", "Mere tid til pauser")
    assert (note.author, note.face_down, note.step) == (device.person, True, "skriv")
    refused("too_fast", pads.send_note, key, "skriv", "godt", "igen")
    clock.advance(2.0)
    refused("note_long", pads.send_note, key, "skriv", "godt", "x" * 41)
    refused("unknown_kind", pads.send_note, key, "skriv", "ondt", "x")
    refused("bad_form", pads.send_note, key, "skriv", "godt", {"text": 1})
    refused("moved_on", pads.send_note, key, "forrige", "godt", "for sent")
    refused("unknown_device", pads.send_note, "forged-key", "skriv", "godt", "x")
    refused("unknown_device", pads.send_note, "x" * 500, "skriv", "godt", "x")
    here["step"] = TALK
    refused("moved_on", pads.send_note, key, "skriv", "godt", "x")
    refused("not_here", pads.send_note, key, "snak", "godt", "x")
    assert [n.text for n in wall.notes()] == ["Mere tid til pauser"]


def test_a_flood_from_one_device_stops_at_the_bound(room, clock):
    pads, _, wall, _ = room
    key, _ = pads.join(pads.open_door())
    sent = 0
    for i in range(1000):
        clock.advance(2.0)
        try:
            pads.send_note(key, "skriv", "godt", f"note {i}")
            sent += 1
        except PadError as e:
            assert e.reason == "too_many"
    assert sent == NOTES_PER_STEP == len(wall.notes())


def test_my_notes_edit_and_delete_until_presented(room, clock):
    pads, _, wall, _ = room
    token = pads.open_door()
    mine, _ = pads.join(token)
    other, _ = pads.join(token)
    a = pads.send_note(mine, "skriv", "godt", "Min")
    b = pads.send_note(other, "skriv", "godt", "Din")
    assert [n.text for n in pads.my_notes(mine)] == ["Min"]
    refused("not_yours", pads.edit_note, mine, b.id, "hacked")
    assert pads.edit_note(mine, a.id, "Min rettet").text == "Min rettet"
    wall.reveal([a.id])
    refused("presented", pads.delete_note, mine, a.id)
    pads.delete_note(other, b.id)
    assert [n.text for n in wall.notes()] == ["Min rettet"]


def test_a_removed_device_sends_nothing_and_its_notes_stay_anonymous(room):
    pads, people, wall, _ = room
    key, device = pads.join(pads.open_door())
    pads.send_note(key, "skriv", "godt", "Bliver")
    pads.remove(device.id)
    refused("unknown_device", pads.send_note, key, "skriv", "godt", "x")
    assert [n.text for n in wall.notes()] == ["Bliver"] and not people.known(device.person)
    assert pads.devices() == []


def test_a_table_tablet_writes_for_its_table_and_the_cap_holds(room, clock):
    pads, people, wall, here = room
    people.set_count(4)
    people.split(tables=2)
    here["step"] = replace(WRITE, groups=True)
    token = pads.open_door()
    refused("unknown_table", pads.join, token, role=TABLE)
    refused("unknown_table", pads.join, token, role=TABLE, table=3)
    key, tablet = pads.join(token, role=TABLE, table=2)
    note = pads.send_note(key, "skriv", "godt", "Bord to")
    assert (note.author, note.group) == (None, 2)
    while len(pads.devices()) < DEVICES_MAX:
        pads.join(token)
    refused("full", pads.join, token)
    pads.pause()
    clock.advance(3)
    refused("paused", pads.send_note, key, "skriv", "godt", "x")
    assert Pads(pads.store, "s1", clock, wall=wall, people=people, step=lambda: WRITE).door.paused


def test_every_pad_refusal_has_a_message():
    import ast
    import inspect

    raised = {n.exc.args[0].value for n in ast.walk(ast.parse(inspect.getsource(pads_mod)))
              if isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call) and n.exc.args
              and isinstance(n.exc.args[0], ast.Constant)}
    from kiosk.core import people, wall
    from kiosk.core.activities import refusal_message

    raised |= {n.args[0].value for n in ast.walk(ast.parse(inspect.getsource(pads_mod)))
               if isinstance(n, ast.Call) and getattr(n.func, "attr", "") in ("RateError", "TurnError")
               and n.args and isinstance(n.args[0], ast.Constant)}
    known = set(pads_mod.REFUSALS) | set(people.REFUSALS) | set(wall.REFUSALS)
    assert {r for r in raised if r not in known and refusal_message(r) is None} == set()
    assert len(raised) >= 15
