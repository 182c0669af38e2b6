"""Arbejdsmiljø check-in and TRIO forandringsdialog run start to finish in a real window:
picked in the picker, the team typed on the screen keyboard, every step by Next, the
rounds by their own buttons, the end through the PIN menu; then the store is checked.

"""

from __future__ import annotations

import pytest

from tests.walk import end_workshop, next_step, pick, rounds_doc, view

pytestmark = [pytest.mark.window, pytest.mark.walk]








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

    from kiosk_testing import exported_texts
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
