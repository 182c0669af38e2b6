"""Arbejdsmiljø check-in and TRIO forandringsdialog run start to finish in a real window:
picked in the picker, the team typed on the screen keyboard, every step by Next, the
rounds by their own buttons, the end through the PIN menu; then the store is checked.

The helpers here (pick a method, end the workshop) are shared by the other method tests.
"""

from __future__ import annotations

import pytest

from kiosk.core.rounds import TABLE as ROUNDS
from kiosk.core.workshop import ACTIVE_KEY

pytestmark = [pytest.mark.window, pytest.mark.walk]


def visible(k, widget, scroll) -> bool:
    x, y = widget.to_window(*widget.center)
    sx, sy = scroll.to_window(scroll.x, scroll.y)
    return sy + 10 < y < sy + scroll.height - 10


def pick(k, method_id: str, team: str):
    """From the idle screen to the first step: Start, the method's card, the team, Start."""
    for _ in range(3):
        if k.app.sm.current == "picker":
            break
        k.tap("start")
    assert k.app.sm.current == "picker"
    card = next(c for c in k.find("grid").children if c.method.id == method_id)
    scroll = k.find("scroll")
    for _ in range(20):                      # page down with the ▼ button until the card shows
        if visible(k, card, scroll):
            break
        k.tap("down")
    assert visible(k, card, scroll)
    k.tap(card)
    assert k.app.sm.current == "team"
    k.type(k.find("keyboard"), team)
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice
    k.frames(3)
    session = k.app.workshop.session
    assert session.method.id == method_id and session.team == team
    return session


def view(k):
    return k.find("activity").children[0]


def next_step(k, expect: str):
    k.tap("next")
    k.frames(2)
    assert k.app.workshop.session.step.id == expect
    return view(k)


def end_workshop(k):
    """The menu behind the PIN, End workshop, Yes."""
    sid = k.app.workshop.session.id
    k.tap("menu")
    for key in "1234":
        k.tap("k" + key)
    k.tap("kok")
    assert k.app.sm.current == "settings"
    k.tap("end")
    k.tap(k.app.confirm_view.ids.yes)
    assert k.app.store.get_state(ACTIVE_KEY) is None
    assert k.app.store.load_session(sid)["status"] == "finished"
    return sid


def rounds_doc(k, sid, step_id):
    [doc] = [d for d in k.app.store.all(sid, ROUNDS) if d["step"] == step_id]
    return doc


def test_arbejdsmiljo_checkin_start_to_finish(kiosk):
    k = kiosk
    session = pick(k, "arbejdsmiljo-checkin", "Akutmodtagelsen")
    assert [s.id for s in session.method.steps] == ["checkin"]
    assert session.method.minutes == 20
    v = view(k)
    assert type(v).__name__ == "RoundsView"
    assert [r.name for r in v.rounds.rounds] == ["Situationen", "Følelsen", "Behovet"]
    assert "Alle andre lytter" in v.prompts_text
    k.tap("round_toggle")
    k.advance(6 * 60 + 30)
    assert v.name == "Følelsen" and "Hvad skal vi kalde følelsen" in v.prompts_text
    k.tap("round_next")                       # the feeling is named early: on to the need
    assert v.name == "Behovet" and "fagligt eller socialt behov" in v.prompts_text
    k.advance(60)
    k.tap("round_toggle")                     # a pause
    sid = end_workshop(k)
    doc = rounds_doc(k, sid, "checkin")
    assert doc["current"] == 2
    assert doc["timers"][0]["runs"][0][1] - doc["timers"][0]["runs"][0][0] == 360   # the situation: 6 min
    assert doc["timers"][2]["runs"][-1][1] is not None                              # paused at the end

    from kiosk.testing import exported_texts
    assert {"Akutmodtagelsen", session.method.title} <= exported_texts(k.app.store, sid, k.app.clock)


def test_trio_forandringsdialog_start_to_finish(kiosk):
    k = kiosk
    session = pick(k, "trio-forandringsdialog", "Hjertemedicinsk")
    assert [s.minutes for s in session.method.steps] == [15, 30]
    assert type(view(k)).__name__ == "TalkView"
    k.tap("toggle")
    k.advance(15 * 60)
    v = next_step(k, "dialog")
    assert [(r.name, r.minutes) for r in v.rounds.rounds] == [
        ("Opstart", 5), ("Forandringens betydning", 20), ("Fælles opsamling", 5)]
    assert "ingen facitliste" in v.prompts_text.lower() or "Der er ingen facitliste" in v.prompts_text
    k.tap("round_toggle")
    k.advance(5 * 60 + 1)
    assert v.name == "Forandringens betydning" and "Brainstorm" in v.prompts_text
    k.advance(20 * 60)
    assert v.name == "Fælles opsamling"
    k.advance(5 * 60 + 10)
    assert v.over
    assert k.find("next").disabled            # the last step
    sid = end_workshop(k)
    doc = rounds_doc(k, sid, "dialog")
    assert doc["current"] == 2
    starts = [t["runs"][0][0] for t in doc["timers"]]
    assert starts[1] - starts[0] == 300 and starts[2] - starts[1] == 1200   # 5 / 20 on the clock
