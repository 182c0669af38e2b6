"""Pads (phones and table tablets): the door, devices and note intents, on a real store."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.core import pads as pads_mod
from kiosk.core.method import Step
from kiosk.core.pads import DEVICES_MAX, NOTES_PER_STEP, TABLE, PadError, Pads, digest
from kiosk.core.people import People, label
from kiosk.core.refusal import Refusal
from kiosk.core.wall import Wall

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
    with pytest.raises(Refusal) as e:
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


# -- vote, rate, sign-up, present and the inbox from a pad --------------------------------

VOTE = Step(id="vaelg", title="Vælg", minutes=5, activity="vote",
            params={"budget": 3, "winners": 2, "max_per_note": 2, "mode": "dots"})
RATE = Step(id="ned", title="Udsagn", minutes=5, activity="rate",
            params={"statements": [f"Udsagn {i}" for i in range(1, 11)], "scale": ["green", "yellow", "red"]})
SIGNUP = Step(id="tilmeld", title="Tilmeld", minutes=5, activity="signup",
              params={"themes": "all", "one_per_person": True})
PRESENT = Step(id="frem", title="Fremlæg", minutes=5, activity="present", params={"per_turn": 1})


def on_the_wall(room, clock, texts=("Pauser", "Møder", "Ro")):
    """Three presented notes written from one pad: the ballot and the themes."""
    pads, _, wall, here = room
    here["step"] = WRITE
    key, _ = pads.join(pads.open_door())
    for text in texts:
        clock.advance(2.0)
        pads.send_note(key, "skriv", "godt", text)
    wall.reveal([n.id for n in wall.notes()])
    return [n.key for n in wall.notes()]


def test_dots_from_a_pad_keep_the_budget_and_the_cap_and_done_counts(room, clock):
    pads, _, wall, here = room
    a, b, c = on_the_wall(room, clock)
    token = pads.open_door()
    kari, _ = pads.join(token, name="Kari")
    ola, _ = pads.join(token, name="Ola")
    here["step"] = VOTE
    assert pads.dot(kari, "vaelg", a, 1) == 1 and pads.dot(kari, "vaelg", a, 1) == 2
    refused("item_cap", pads.dot, kari, "vaelg", a, 1)
    pads.dot(kari, "vaelg", b, 1)
    refused("no_votes_left", pads.dot, kari, "vaelg", c, 1)               # over budget
    refused("unknown_item", pads.dot, kari, "vaelg", "n999", 1)          # not on the ballot
    refused("unknown_item", pads.dot, kari, "vaelg", "<script>", 1)
    refused("no_vote_here", pads.dot, kari, "vaelg", c, -1)
    assert pads.dot(kari, "vaelg", a, -1) == 1 and pads.dot(kari, "vaelg", c, 1) == 1
    refused("bad_form", pads.dot, kari, "vaelg", c, 5)
    refused("moved_on", pads.dot, kari, "skriv", c, 1)
    pads.dot(ola, "vaelg", c, 1)
    from kiosk.core.activities.vote import VoteRound

    rnd = VoteRound.on_wall(pads.store, "s1", "vaelg", VOTE.params, wall)
    assert rnd.totals() == {a: 1, b: 1, c: 2} and rnd.current is None   # the wall's voter is untouched
    assert pads.voted_count("vaelg") == (0, 3)                            # the writer's pad is a person too
    pads.done(kari, "vaelg")
    pads.done(kari, "vaelg")                                              # twice changes nothing
    assert pads.voted_count() == (1, 3)
    refused("voted", pads.dot, kari, "vaelg", a, -1)
    # the wall's own voter steps up meanwhile and keeps their full budget
    n = rnd.next_voter()
    assert rnd.remaining() == 3 and n == rnd.voters == 1
    pads.dot(ola, "vaelg", a, 1)
    assert rnd.current == n and rnd.remaining() == 3
    rnd.cast(c)
    rnd.undo()
    rnd.undo()                                                            # "Next voter" taken back
    assert rnd.next_voter() == 1 and rnd.remaining() == 3                 # a phone's dots stay its own
    assert rnd.totals() == {a: 2, b: 1, c: 2} and pads.dot(ola, "vaelg", b, 1) == 1


def test_a_show_of_hands_takes_no_dots_from_pads(room, clock):
    pads, _, _, here = room
    a, _, _ = on_the_wall(room, clock)
    key, _ = pads.join(pads.open_door())
    here["step"] = replace(VOTE, params={**VOTE.params, "mode": "hands"})
    refused("not_here", pads.dot, key, "vaelg", a, 1)
    here["step"] = TALK
    refused("not_here", pads.done, key, "snak")


def test_hidden_totals_show_once_everyone_has_voted_or_the_facilitator_shows_them(room, clock):
    from kiosk.core.activities.vote import VoteRound, totals_shown

    pads, _, wall, here = room
    a, b, _ = on_the_wall(room, clock)
    hidden = replace(VOTE, params={**VOTE.params, "hide_totals": True})
    here["step"] = hidden
    token = pads.open_door()
    writer = pads.devices()[0]
    pads.remove(writer.id)
    kari, _ = pads.join(token)
    ola, _ = pads.join(token)
    assert not pads.totals_shown()                      # nobody has said done
    pads.dot(kari, "vaelg", a, 1)
    pads.done(kari, "vaelg")
    assert not pads.totals_shown()                      # Ola left mid-vote: still hidden
    rnd = VoteRound.on_wall(pads.store, "s1", "vaelg", hidden.params, wall)
    rnd.reveal_totals()
    assert pads.totals_shown() and rnd.revealed
    rnd.undo()
    assert not pads.totals_shown()
    pads.done(ola, "vaelg")
    assert pads.totals_shown()
    assert totals_shown({}, done=0, voters=5) and not totals_shown({"hide_totals": True}, done=0, voters=0)


def test_table_lanes_vote_on_their_own_ballot(room, clock):
    pads, people, wall, here = room
    people.set_count(2)
    people.split(tables=2)
    token = pads.open_door()
    t1, _ = pads.join(token, role=TABLE, table=1)
    t2, _ = pads.join(token, role=TABLE, table=2)
    here["step"] = replace(WRITE, groups=True)
    pads.send_note(t1, "skriv", "godt", "Bord 1's")
    pads.send_note(t2, "skriv", "godt", "Bord 2's")
    one, two = wall.notes()
    wall.reveal([one.id, two.id])
    here["step"] = replace(VOTE, groups=True)
    refused("unknown_item", pads.dot, t1, "vaelg", two.key, 1)          # another table's
    pads.dot(t1, "vaelg", one.key, 1)
    votes = pads.store.all("s1", "votes")
    assert [(v["round"], v["item"]) for v in votes] == [("vaelg@1", one.key)]
    loose, _ = pads.join(token)                                          # a person at no table
    refused("no_table", pads.dot, loose, "vaelg", one.key, 1)


def test_marks_from_a_pad_are_one_per_statement_and_private(room, clock):
    from kiosk.core.activities.rate import Rating

    pads, _, _, here = room
    token = pads.open_door()
    kari, dev = pads.join(token)
    ola, _ = pads.join(token)
    here["step"] = RATE
    pads.mark(kari, "ned", 0, "green")
    pads.mark(kari, "ned", 0, "red")                                     # changes her mind
    pads.mark(kari, "ned", 9, "yellow")
    pads.mark(ola, "ned", 0, "red")
    rating = Rating.for_step(pads.store, "s1", RATE)
    assert rating.tally()[0] == [0, 0, 2] and rating.tally()[9] == [0, 1, 0]
    assert pads.my_marks(pads.device(kari), rating) == {0: "red", 9: "yellow"}
    pads.mark(kari, "ned", 9, "")
    assert rating.tally()[9] == [0, 0, 0]
    refused("unknown_statement", pads.mark, kari, "ned", 10, "green")
    refused("unknown_statement", pads.mark, kari, "ned", True, "green")
    refused("unknown_value", pads.mark, kari, "ned", 1, "blue")
    refused("moved_on", pads.mark, kari, "snak", 1, "green")
    assert all("person" not in d and "device" not in d for d in pads.store.all("s1", "rates"))
    again = Pads(pads.store, "s1", clock, wall=pads.wall, people=pads.people, step=lambda: RATE)  # a restart
    again.mark(kari, "ned", 0, "yellow")
    assert rating.tally()[0] == [0, 1, 1]


def test_sign_up_names_the_person_and_moves_with_a_second_pick(room, clock):
    pads, people, wall, here = room
    a, b, _ = on_the_wall(room, clock)
    token = pads.open_door()
    kari, _ = pads.join(token, name="Kari")
    anon, dev = pads.join(token)
    here["step"] = SIGNUP
    note = pads.sign_up(kari, "tilmeld", a)
    assert (note.text, note.signup) == ("Kari", a)
    assert pads.sign_up(kari, "tilmeld", a).id == note.id                # the same pick again
    moved = pads.sign_up(kari, "tilmeld", b)
    assert moved.id == note.id and moved.signup == b and len(wall.signups()) == 1
    n = label(people.get(dev.person))
    assert pads.sign_up(anon, "tilmeld", a, t=lambda s: s.replace("Participant", "Deltager")).text \
        == n.replace("Participant", "Deltager")
    refused("unknown_item", pads.sign_up, kari, "tilmeld", "n999")
    pads.sign_up(kari, "tilmeld", "")
    assert [s.text for s in wall.signups()] == [n.replace("Participant", "Deltager")]
    people.split(tables=1)
    tablet, _ = pads.join(token, role=TABLE, table=1)
    refused("person_only", pads.sign_up, tablet, "tilmeld", a)


def test_present_your_own_from_the_pad_only_on_your_turn(room, clock):
    pads, people, wall, here = room
    token = pads.open_door()
    kari, k = pads.join(token, name="Kari")
    ola, o = pads.join(token, name="Ola")
    mine = pads.send_note(kari, "skriv", "godt", "Kari's")
    theirs = pads.send_note(ola, "skriv", "godt", "Ola's")
    here["step"] = PRESENT
    turn = pads.turns(PRESENT).current()
    first, second = (kari, ola) if turn.id == k.person else (ola, kari)
    first_note, second_note = (mine, theirs) if first == kari else (theirs, mine)
    refused("not_your_turn", pads.reveal, second, "frem", second_note.id)
    refused("not_your_note", pads.reveal, first, "frem", second_note.id)
    assert [n.id for n in pads.reveal(first, "frem", first_note.key)] == [first_note.id]
    pads.reveal(second, "frem", str(second_note.id))
    assert all(n.revealed for n in wall.notes())
    refused("not_your_turn", pads.reveal, first, "frem", first_note.id)  # everyone has presented


def test_the_inbox_holds_notes_until_let_in_or_declined(room, clock, store):
    pads, people, wall, here = room
    key, dev = pads.join(pads.open_door())
    pads.inbox(True)
    held = pads.send_note(key, "skriv", "godt", "Følsomt")
    assert wall.notes() == [] and [h.text for h in pads.held()] == ["Følsomt"]
    assert [h.key for h in pads.my_held(key)] == [held.key]
    assert pads.edit_note(key, held.key, "Følsomt emne").text == "Følsomt emne"
    refused("note_long", pads.edit_note, key, held.key, "x" * 41)
    clock.advance(2.0)
    other = pads.send_note(key, "skriv", "godt", "Nej tak")
    again = Pads(store, "s1", clock, wall=wall, people=people, step=lambda: WRITE)      # a restart
    assert [h.text for h in again.held()] == ["Følsomt emne", "Nej tak"] and again.door.inbox
    note = pads.let_in(held.id)
    assert (note.text, note.author, note.face_down) == ("Følsomt emne", dev.person, True)
    pads.decline(other.id)
    assert pads.held() == [] and [n.text for n in wall.notes()] == ["Følsomt emne"]
    refused("inbox_gone", pads.let_in, held.id)
    # the phone is told: its declined note is listed as not put up (after a restart too)
    assert [(h.text, h.declined) for h in pads.declined_of(dev.id)] == [("Nej tak", True)]
    again = Pads(store, "s1", clock, wall=wall, people=people, step=lambda: WRITE)
    assert again.held() == [] and [h.text for h in again.declined_of(dev.id)] == ["Nej tak"]
    refused("not_yours", pads.edit_note, key, other.key, "Alligevel")
    pads.undo()                                                          # the decline
    assert [h.text for h in pads.held()] == ["Nej tak"] and pads.declined_of(dev.id) == []
    pads.undo()                                                          # the let-in
    assert wall.notes() == [] and sorted(h.text for h in pads.held()) == ["Følsomt emne", "Nej tak"]
    assert not wall.can_undo                                             # its insert went with it
    here["step"] = TALK
    refused("moved_on", pads.let_in, pads.held()[0].id)                  # no method to find its step
    methodical = Pads(store, "s1", clock, wall=wall, people=people, step=lambda: TALK,
                      method=type("M", (), {"steps": (WRITE, TALK)})())
    assert methodical.let_in(methodical.held()[0].id).step == "skriv"
    pads.inbox(False)
    clock.advance(2.0)
    here["step"] = WRITE
    assert pads.send_note(key, "skriv", "godt", "Direkte").text == "Direkte"


def test_many_devices_and_notes_in_the_same_millisecond(room, clock):
    pads, people, wall, _ = room
    token = pads.open_door()
    keys, refusals = [], 0
    for i in range(200):
        try:
            keys.append(pads.join(token, name=f"<b>P{i}</b>")[0])
        except PadError as e:
            assert e.reason == "full"
            refusals += 1
    assert (len(keys), refusals) == (DEVICES_MAX, 200 - DEVICES_MAX)
    a = pads.send_note(keys[0], "skriv", "godt", "<script>alert(1)</script>")
    b = pads.send_note(keys[1], "skriv", "godt", "Samme millisekund")  # the clock did not move
    assert a.created_at == b.created_at and a.id != b.id and a.text == "<script>alert(1)</script>"
    assert label(people.get(pads.device(keys[0]).person)) == "<b>P0</b>"
    # a restart: the devices go on with their keys, their dots and their voter numbers
    again = Pads(pads.store, "s1", clock, wall=wall, people=people, step=lambda: WRITE)
    assert len(again.devices()) == DEVICES_MAX and again.device(keys[59]).id == pads.device(keys[59]).id
    clock.advance(0.5)
    assert again.send_note(keys[0], "skriv", "godt", "Efter genstart").author == pads.device(keys[0]).person


def test_votes_go_on_after_a_restart(room, clock, store):
    pads, people, wall, here = room
    a, b, _ = on_the_wall(room, clock)
    key, _ = pads.join(pads.open_door())
    here["step"] = VOTE
    pads.dot(key, "vaelg", a, 1)
    again = Pads(store, "s1", clock, wall=wall, people=people, step=lambda: VOTE)
    again.dot(key, "vaelg", b, 1)
    again.dot(key, "vaelg", a, 1)
    refused("no_votes_left", again.dot, key, "vaelg", b, 1)
    voters = {v["voter"] for v in store.all("s1", "votes")}
    assert len(voters) == 1


def test_the_people_panel_and_the_walls_undo_speak_for_the_phone_too(room, clock):
    from kiosk.core.activities.rate import Rating

    pads, people, _, here = room
    key, dev = pads.join(pads.open_door(), name="Kari")
    people.remove(dev.person)                                           # taken off on the People panel
    refused("unknown_device", pads.send_note, key, "skriv", "godt", "x")
    assert pads.devices() == [] and pads.voted_count() == (0, 0)
    people.undo()
    assert pads.device(key) == dev
    here["step"] = RATE
    pads.mark(key, "ned", 2, "yellow")
    rating = Rating.for_step(pads.store, "s1", RATE)
    assert pads.my_marks(pads.device(key), rating) == {2: "yellow"}
    rating.take_back(2, 1)                                              # the wall takes the mark back
    assert pads.my_marks(pads.device(key), rating) == {}
    pads.pause()
    pads.inbox(True)
    assert pads.door.paused and pads.door.inbox
    pads.undo()
    pads.undo()
    assert not pads.door.paused and not pads.door.inbox and not pads.undo()
    again = Pads(pads.store, "s1", clock, wall=pads.wall, people=people, step=lambda: RATE)
    assert not again.door.paused and not again.door.inbox


def test_which_page_a_step_gives_a_phone():
    from kiosk.core.pads import EVENT, note_kinds, pad_kind

    timeline = Step(id="tid", title="T", minutes=5, activity="timeline", params={"span_years": 5})
    closed_map = Step(id="k", title="K", minutes=5, activity="map", params={"write": False})
    hands = replace(VOTE, params={**VOTE.params, "mode": "hands"})
    assert [pad_kind(s) for s in (WRITE, VOTE, hands, RATE, SIGNUP, PRESENT, TALK, timeline, closed_map, None)] \
        == ["write", "vote", "info", "rate", "signup", "present", "info", "write", "info", "info"]
    assert note_kinds(timeline) == [{"id": EVENT, "title": "A post-it", "colour": "yellow"}]
    prepared = replace(WRITE, params={**WRITE.params, "kinds": [{"id": "trio", "title": "Trio", "colour": "pink",
                                                                 "prepared": True}]})
    assert pad_kind(prepared) == "info" and note_kinds(closed_map) == []


def test_a_phone_joining_or_removed_is_never_the_people_panels_undo(room, clock):
    """The People panel's Undo takes back the facilitator's own last change, never a
    phone's join (nor a device's removal, which was asked first) in its place."""
    pads, people, wall, _ = room
    people.set_count(4)
    people.split(tables=2)
    first = people.everyone()[0]
    people.rename(first.id, "Mette")                                  # the facilitator's change
    key, dev = pads.join(pads.open_door(), name="Kari", table=2)      # then a phone joins, seated
    kari = people.get(dev.person)
    assert (kari.name, kari.table) == ("Kari", 2)
    assert people.undo()                                               # the rename goes, not Kari
    assert people.get(first.id).name == "" and people.known(kari.id)
    while people.undo():                                               # the split, the count: all of it
        pass
    assert people.known(kari.id) and people.get(kari.id).name == "Kari"  # nothing of the phone's is undone
    pads.remove(dev.id)
    assert not people.known(kari.id) and not people.undo()             # removed with its device, for good
    assert not people.known(kari.id)
