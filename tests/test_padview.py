"""What pads read (snapshot, view, public), the intents they send (apply), and the Wi-Fi
code: on a real store, through the real rules."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from kiosk.core import padview
from kiosk.core.method import Method, Step
from kiosk.core.pads import Pads, digest
from kiosk.core.people import People
from kiosk.core.session import Session
from kiosk.core.wall import REFUSALS as WALL_REFUSALS
from kiosk.core.wall import Wall
from kiosk.core.wifi import WifiError, escape, wifi_payload
from kiosk.i18n import translator

pytestmark = pytest.mark.running_session

KINDS = [{"id": "godt", "title": "Godt", "colour": "yellow"}, {"id": "skidt", "title": "Skidt", "colour": "pink"}]
STEPS = (
    Step(id="skriv", title="Skriv", minutes=8, activity="write", prompts=("Hvad virker?",),
         params={"kinds": KINDS, "max_length": 40, "face_down": True}),
    Step(id="frem", title="Fremlæg", minutes=10, activity="present", params={"per_turn": 1}),
    Step(id="vaelg", title="Vælg", minutes=5, activity="vote",
         params={"budget": 3, "winners": 2, "max_per_note": 2, "mode": "dots", "hide_totals": True}),
    Step(id="ned", title="Udsagn", minutes=5, activity="rate",
         params={"statements": ["Vi hilser", "Vi hjælper"], "scale": ["green", "yellow", "red"]}),
    Step(id="tilmeld", title="Tilmeld", minutes=5, activity="signup", params={"themes": "all"}),
    Step(id="snak", title="Snak", minutes=5, activity="talk", prompts=("Tal sammen",)),
    Step(id="tid", title="Tidslinje", minutes=5, activity="timeline", params={"span_years": 10}),
    Step(id="kort", title="Kort", minutes=5, activity="map", params={"centre": "Trivsel", "max_length": 60}),
    Step(id="lukket", title="Kort", minutes=5, activity="map", params={"write": False}),
)
METHOD = Method(id="m", title="M", language="da", steps=STEPS)


class Room:
    """A running session with its wall, people and pads, moved step by step as the wall does."""

    def __init__(self, store, clock):
        self.clock = clock
        self.session = replace(Session.create(METHOD, "Team <A>", clock.now(), "da"), id="s1")
        self.people = People(store, "s1", clock)
        self.wall = Wall(store, "s1", clock)
        self.pads = Pads(store, "s1", clock, wall=self.wall, people=self.people,
                         step=lambda: self.session.step, method=METHOD)
        self.serial = 0

    def go(self, step_id: str) -> None:
        self.session = self.session.go_to(METHOD.step_index(step_id), self.clock.steady())

    def send(self, **intent) -> dict:
        out = padview.apply(self.pads, intent, "da")
        assert set(out) <= {"ok", "key", "reason", "message", "held"}
        return out

    def snap(self) -> dict:
        self.serial += 1
        snap = padview.snapshot(self.pads, self.session, serial=self.serial, lang="da")
        return json.loads(json.dumps(snap))                # JSON-able, as the channel carries it

    def view(self, key: str) -> dict:
        return padview.for_device(self.snap(), digest(key))


@pytest.fixture
def room(store, clock):
    return Room(store, clock)


def join(room, name="", table="", role="person") -> str:
    token = room.pads.open_door() if not room.pads.door.open else room.token
    room.token = token
    out = room.send(op="join", token=token, name=name, table=table, role=role)
    assert out["ok"] is True and len(out["key"]) >= 22
    return out["key"]


HEAD = {"lang", "team", "serial", "paused", "me", "step"}
STEP = {"id", "title", "pad", "prompts", "ends_at", "groups"}


def test_each_step_gives_the_view_the_contract_names(room, clock):
    kari = join(room, name="Kari")
    ola = join(room, name="Ola")
    v = room.view(kari)
    assert set(v) == HEAD | {"write"} and set(v["step"]) == STEP
    assert v["me"] == {"label": "Kari", "role": "person", "table": None, "table_label": ""}
    assert v["step"]["prompts"] == ["Hvad virker?"] and v["step"]["pad"] == "write" and v["team"] == "Team <A>"
    assert v["write"]["kinds"] == [{"id": "godt", "title": "Godt", "colour": "#f0e442", "mark": "+"},
                                   {"id": "skidt", "title": "Skidt", "colour": "#cc79a7", "mark": "−"}]
    assert (v["write"]["max_length"], v["write"]["face_down"], v["write"]["notes"]) == (40, True, [])
    assert room.send(op="note", key=kari, step="skriv", kind="godt", text="Kaffe")["ok"]
    assert room.send(op="note", key=ola, step="skriv", kind="skidt", text="Larm")["ok"]
    clock.advance(2)
    assert room.send(op="note", key=ola, step="skriv", kind="godt", text="Frokost")["ok"]
    mine = room.view(kari)["write"]["notes"]
    assert [(n["kind"], n["text"], n["editable"], n["held"]) for n in mine] == [("godt", "Kaffe", True, False)]
    assert set(mine[0]) == {"id", "kind", "text", "editable", "held"}

    room.go("frem")
    v = room.view(kari)
    assert set(v) == HEAD | {"present"} and set(v["present"]) == {"turn", "who", "notes"}
    first, second = (kari, ola) if v["present"]["turn"] else (ola, kari)
    up = room.view(first)["present"]
    assert up["turn"] and up["who"] in ("Kari", "Ola") and set(up["notes"][0]) == {"id", "kind", "text", "colour"}
    assert room.view(second)["present"]["turn"] is False
    assert room.send(op="reveal", key=second, step="frem", note=room.view(second)["present"]["notes"][0]["id"]) \
        == {"ok": False, "reason": "not_your_turn", "message": "Det er ikke din tur endnu. Væggen viser, hvis tur det er."}
    while room.pads.turns(STEPS[1]).current() is not None:
        who = next(k for k in (kari, ola) if room.view(k)["present"]["turn"])
        assert room.send(op="reveal", key=who, step="frem", note=room.view(who)["present"]["notes"][0]["id"])["ok"]
    assert all(n.revealed for n in room.wall.notes())
    assert room.view(kari)["present"] == {"turn": False, "who": None, "notes": []}

    room.go("vaelg")
    v = room.view(kari)
    assert set(v) == HEAD | {"vote"}
    assert set(v["vote"]) == {"ballot", "budget", "cap", "left", "done", "show_totals", "done_count", "voters"}
    ballot = v["vote"]["ballot"]
    assert [b["text"] for b in ballot] == ["Kaffe", "Larm", "Frokost"] and set(ballot[0]) == {"id", "text", "mine", "total"}
    assert room.send(op="dot", key=kari, step="vaelg", item=ballot[0]["id"], delta="1")["ok"]
    assert room.send(op="dot", key=kari, step="vaelg", item=ballot[0]["id"], delta="1")["ok"]
    v = room.view(kari)["vote"]
    assert (v["left"], v["budget"], v["cap"], v["ballot"][0]["mine"], v["ballot"][0]["total"]) == (1, 3, 2, 2, None)
    assert not v["show_totals"] and (v["done_count"], v["voters"]) == (0, 2)
    assert room.send(op="done", key=kari, step="vaelg")["ok"]
    assert room.view(kari)["vote"]["done"] and room.view(ola)["vote"]["ballot"][0]["total"] is None
    assert room.send(op="dot", key=ola, step="vaelg", item=ballot[1]["id"], delta="+1")["ok"]
    assert room.send(op="done", key=ola, step="vaelg")["ok"]
    v = room.view(ola)["vote"]
    assert v["show_totals"] and [b["total"] for b in v["ballot"]] == [2, 1, 0] and v["done_count"] == 2
    room.pads.store.save_session(room.session.to_dict())
    from kiosk.core import export

    (result,) = export.document(room.pads.store, "s1", clock=clock)["votes"]
    assert result["voters"] == 2 and [r["points"] for r in result["ranking"]] == [2, 1]

    room.go("ned")
    v = room.view(kari)
    assert set(v) == HEAD | {"rate"}
    assert v["rate"]["statements"] == [{"id": "0", "text": "Vi hilser", "mine": None},
                                       {"id": "1", "text": "Vi hjælper", "mine": None}]
    assert [s["text"] for s in v["rate"]["scale"]] == ["Grøn", "Gul", "Rød"]
    assert room.send(op="mark", key=kari, step="ned", statement="1", mark="red")["ok"]
    assert [s["mine"] for s in room.view(kari)["rate"]["statements"]] == [None, "red"]
    assert [s["mine"] for s in room.view(ola)["rate"]["statements"]] == [None, None]

    room.go("tilmeld")
    v = room.view(kari)
    assert set(v) == HEAD | {"signup"} and set(v["signup"]["themes"][0]) == {"id", "text", "mine"}
    theme = v["signup"]["themes"][1]["id"]
    assert room.send(op="signup", key=kari, step="tilmeld", theme=theme)["ok"]
    assert [t["mine"] for t in room.view(kari)["signup"]["themes"]] == [False, True, False]
    assert [n.text for n in room.wall.signups()] == ["Kari"]

    room.go("snak")
    v = room.view(kari)
    assert set(v) == HEAD and v["step"]["pad"] == "info" and v["step"]["prompts"] == ["Tal sammen"]
    assert room.send(op="note", key=kari, step="snak", kind="godt", text="x")["reason"] == "not_here"


def test_the_snapshot_never_holds_a_key_nor_another_persons_unpresented_note(room, clock):
    kari = join(room, name="<img src=x onerror=alert(1)>")
    ola = join(room)
    secret = "Chefen råber <script>alert(1)</script>"
    assert room.send(op="note", key=ola, step="skriv", kind="skidt", text=secret)["ok"]
    assert room.send(op="note", key=kari, step="skriv", kind="godt", text="Kaffe")["ok"]
    snap = room.snap()
    text = json.dumps(snap, ensure_ascii=False)
    assert kari not in text and ola not in text and room.token not in text
    assert snap["door"]["token"] == digest(room.token)
    others = {k: v for k, v in snap.items() if k != "devices"}
    others["devices"] = {d: v for d, v in snap["devices"].items() if d != digest(ola)}
    assert secret not in json.dumps(others, ensure_ascii=False)
    assert secret not in json.dumps(padview.for_device(snap, digest(kari)), ensure_ascii=False)
    assert secret in json.dumps(padview.for_device(snap, digest(ola)), ensure_ascii=False)  # her own
    assert room.view(kari)["me"]["label"] == "<img src=x onerror=alert(1)>"             # kept as text
    room.go("vaelg")                                                                     # face down on the ballot
    ballot = room.view(kari)["vote"]["ballot"]
    assert [b["text"] for b in ballot] == ["En post-it, der stadig ligger med bagsiden op"] * 2
    snap = room.snap()
    assert secret not in json.dumps({k: v for k, v in snap.items() if k != "devices"}, ensure_ascii=False)
    room.wall.reveal([n.id for n in room.wall.notes()])
    assert secret in [b["text"] for b in room.view(kari)["vote"]["ballot"]]              # presented now
    assert padview.for_device(snap, digest("forged")) is None
    assert padview.for_device(snap, None) is None and padview.for_device({}, digest(kari)) is None
    assert padview.public(snap) == {"lang": "da", "team": "Team <A>", "door": {"open": True}, "tables": [],
                                    "table_labels": {}, "step": {"title": "Vælg", "pad": "vote"}}


def test_every_malformed_intent_is_refused_as_bad_form_and_nothing_raises(room):
    key = join(room)
    good = {"join": {"op": "join", "token": room.token, "name": "", "table": "", "role": "person"},
            "note": {"op": "note", "key": key, "step": "skriv", "kind": "godt", "text": "x"},
            "edit": {"op": "edit", "key": key, "note": "n1", "text": "x"},
            "delete": {"op": "delete", "key": key, "note": "n1"},
            "dot": {"op": "dot", "key": key, "step": "skriv", "item": "n1", "delta": "1"},
            "done": {"op": "done", "key": key, "step": "skriv"},
            "mark": {"op": "mark", "key": key, "step": "skriv", "statement": "0", "mark": "green"},
            "signup": {"op": "signup", "key": key, "step": "skriv", "theme": "n1"},
            "reveal": {"op": "reveal", "key": key, "step": "skriv", "note": "n1"}}
    assert set(good) == set(padview.OPS)
    for op, intent in good.items():
        for field in padview.OPS[op]:
            if field in padview.OPTIONAL.get(op, {}):
                continue
            missing = {k: v for k, v in intent.items() if k != field}
            for bad in (missing, {**intent, field: 7}, {**intent, field: None}, {**intent, field: ["x"]},
                        {**intent, field: "x" * (padview.FIELD_MAX + 1)}, {**intent, field: "\ud800"}):
                assert room.send(**bad)["reason"] == "bad_form", (op, field, bad)
    for bad in ({**good["dot"], "delta": "2"}, {**good["dot"], "delta": "1e9"},
                {**good["mark"], "statement": "-1"}, {**good["mark"], "statement": "١"},
                {**good["join"], "table": "x"}, {**good["join"], "role": "admin"}):
        assert room.send(**bad)["reason"] == "bad_form", bad
    for bad in (None, [], "note", 3, {}, {"op": "drop"}, {"op": None}, {"op": ["note"]}):
        assert padview.apply(room.pads, bad, "nb") == {"ok": False, "reason": "bad_form",
                                                       "message": "Det kunne ikke leses. Prøv igjen."}
    rng = random.Random(14)
    junk = [None, 1, "", "x" * 300, "n1", "-1", "1", "green", key, room.token, "skriv", "<b>", {"a": 1}, "\x00"]
    for _ in range(600):
        op = rng.choice(list(padview.OPS) + ["nope"])
        intent = {"op": op, **{f: rng.choice(junk) for f in padview.OPS.get(op, ("key",)) if rng.random() < .9}}
        out = padview.apply(room.pads, intent, "da")
        assert out["ok"] in (True, False) and (out["ok"] or out["reason"] != "failed"), (intent, out)
    assert len(room.pads.devices()) <= 60


def test_refusals_reach_the_phone_in_plain_words(room, clock):
    kari = join(room)
    said = lambda **i: (lambda o: (o["ok"], o.get("reason"), o.get("message")))(room.send(**i))  # noqa: E731
    ok, reason, msg = said(op="note", key=kari, step="skriv", kind="godt", text="x" * 41)
    assert (ok, reason, msg) == (False, "note_long", translator("da")(WALL_REFUSALS["note_long"]))
    assert msg.startswith("Det er for langt")
    assert said(op="note", key="x" * 40, step="skriv", kind="godt", text="x")[1] == "unknown_device"
    assert said(op="note", key=kari, step="vaelg", kind="godt", text="x")[1] == "moved_on"
    room.pads.close_door()
    assert said(op="join", token=room.token, name="", table="", role="person")[1] == "door_closed"
    assert said(op="join", token="", name="", table="", role="person")[1] == "door_closed"
    room.pads.pause()
    assert said(op="note", key=kari, step="skriv", kind="godt", text="x")[1] == "paused"
    assert room.view(kari)["paused"] is True
    room.pads.pause(False)
    assert said(op="note", key=kari, step="skriv", kind="godt", text="Hej")[0]
    clock.advance(2)
    room.pads.inbox(True)
    out = room.send(op="note", key=kari, step="skriv", kind="godt", text="Vent")
    assert out["ok"] and out["held"] and "facilitatoren" in out["message"]
    notes = room.view(kari)["write"]["notes"]
    assert [(n["text"], n["held"]) for n in notes] == [("Hej", False), ("Vent", True)]
    assert said(op="edit", key=kari, note=notes[1]["id"], text="Venter")[0]
    assert said(op="delete", key=kari, note=notes[0]["id"])[0]
    assert said(op="edit", key=kari, note="n999", text="x")[1] == "not_yours"
    assert said(op="edit", key=kari, note="h999", text="x")[1] == "not_yours"
    assert [(n["text"], n["held"]) for n in room.view(kari)["write"]["notes"]] == [("Venter", True)]
    room.pads.decline(room.pads.held()[0].id)                        # the phone is told it is not put up
    assert [(n["text"], n["held"], n["editable"], n.get("declined")) for n in room.view(kari)["write"]["notes"]] \
        == [("Venter", False, False, True)]
    room.pads.undo()
    room.pads.remove(room.pads.device(kari).id)
    assert said(op="delete", key=kari, note=notes[1]["id"])[1] == "unknown_device"
    assert room.view(kari) is None


def test_table_tablets_join_at_a_table_and_the_time_left_is_sent(room, clock):
    room.people.set_count(4)
    room.people.split(tables=2)
    room.session = room.session.toggle(clock.steady())                 # the step's timer runs
    clock.advance(60)
    key = join(room, role="table", table="2")
    person = join(room, name="Per", table="1")
    snap = room.snap()
    assert snap["step"]["ends_at"] == pytest.approx(clock.now() + 7 * 60)
    assert padview.public(snap)["tables"] == [1, 2] and padview.public(snap)["table_labels"] == {"1": "Bord 1", "2": "Bord 2"}
    me = padview.for_device(snap, digest(key))["me"]
    assert me == {"label": "Bord 2", "role": "table", "table": 2, "table_label": "Bord 2"}
    assert padview.for_device(snap, digest(person))["me"]["table_label"] == "Bord 1"
    assert room.send(op="join", token=room.token, name="", table="3", role="person")["reason"] == "unknown_table"
    assert room.send(op="join", token=room.token, name="", table="", role="table")["reason"] == "unknown_table"
    assert room.send(op="join", token=room.token, name="x" * 41, table="", role="person")["reason"] == "person_name_long"


def test_the_wifi_code_escapes_and_refuses_what_a_phone_cannot_join():
    assert wifi_payload("Kiosk", "hemmelig1") == "WIFI:T:WPA;S:Kiosk;P:hemmelig1;;"
    assert wifi_payload('a;b,c"d:e\\f', 'p;a,s"s:w\\d') == 'WIFI:T:WPA;S:a\\;b\\,c\\"d\\:e\\\\f;P:p\\;a\\,s\\"s\\:w\\\\d;;'
    assert wifi_payload("Åben café") == "WIFI:T:nopass;S:Åben café;;"
    assert wifi_payload("Gæst", "", hidden=True) == "WIFI:T:nopass;S:Gæst;H:true;;"
    assert wifi_payload("x" * 32, "k" * 63).startswith("WIFI:T:WPA;S:" + "x" * 32)
    assert wifi_payload("Net", "a1" * 32) .endswith("P:" + "a1" * 32 + ";;")     # a raw 64-hex key
    assert escape("plain") == "plain"
    for ssid, password, reason in (("", "hemmelig1", "wifi_name"), ("x" * 33, "", "wifi_name"),
                                   ("æ" * 17, "", "wifi_name"), (None, "", "wifi_name"), ("a\nb", "", "wifi_name"),
                                   ("Net", "short", "wifi_password"), ("Net", "k" * 64, "wifi_password"),
                                   ("Net", "blåbærgrød", "wifi_password"), ("Net", 12345678, "wifi_password")):
        with pytest.raises(WifiError) as e:
            wifi_payload(ssid, password)
        assert e.value.reason == reason, (ssid, password)
    with pytest.raises(WifiError):
        wifi_payload("Net", "x", security="nopass")
    with pytest.raises(WifiError):
        wifi_payload("Net", "hemmelig1", security="WPA3")


def test_timeline_and_map_steps_take_notes_from_pads_into_their_tray(room, clock):
    kari = join(room)
    room.go("tid")
    v = room.view(kari)
    assert v["step"]["pad"] == "write"
    assert v["write"]["kinds"] == [{"id": "godt", "title": "Godt", "colour": "#f0e442", "mark": "+"}]  # the method's first
    assert room.send(op="note", key=kari, step="tid", kind="godt", text="2019: ny leder")["ok"]
    assert room.send(op="note", key=kari, step="tid", kind="skidt", text="x")["reason"] == "too_fast"
    clock.advance(2)
    assert room.send(op="note", key=kari, step="tid", kind="skidt", text="x")["reason"] == "unknown_kind"
    room.go("kort")
    v = room.view(kari)
    assert v["write"]["kinds"] == [{"id": "map", "title": "Et opmærksomhedspunkt", "colour": "#f0e442", "mark": ""}]
    assert v["write"]["max_length"] == 60 and v["write"]["face_down"] is False
    assert room.send(op="note", key=kari, step="kort", kind="map", text="Travlhed")["ok"]
    timeline, point = room.wall.notes()
    assert (timeline.step, timeline.year, timeline.author) == ("tid", None, room.pads.device(kari).person)
    assert (point.kind, point.map_at, point.step) == ("map", None, "kort")   # in the tray, for the group to place
    assert [n["text"] for n in room.view(kari)["write"]["notes"]] == ["2019: ny leder", "Travlhed"]
    room.go("lukket")
    assert room.view(kari)["step"]["pad"] == "info"
    clock.advance(2)
    assert room.send(op="note", key=kari, step="lukket", kind="map", text="x")["reason"] == "not_here"
