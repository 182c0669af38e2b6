"""Arbeidsplassutvikling (APU) start to finish in a real window with real touches, over
its two meetings: the pair interviews as timed rounds with the five questions on the
screen, the wish list typed on the screen keyboard, the top three by dots, the
exhibition; the meeting ends with its date, weeks pass, meeting 2 is continued from
home on the same wall: the rounds from wishes to possibilities, an IGLO action plan,
summary and evaluation. Then the store is checked."""

from __future__ import annotations

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.activities.vote import VOTES

from tests.walk import end_workshop, lane, next_step, pick, rounds_doc, view, wall_of

pytestmark = [pytest.mark.window, pytest.mark.walk]

WISHES = ("Mer ros", "Tid til faglig prat", "Gode overlapp", "Felles lunsj")



def test_apu_two_meetings_start_to_finish(kiosk):
    k = kiosk
    app = k.app
    session = pick(k, "apu", "Team Nord")
    sid = session.id
    m1 = [p.minutes for p in session.method.phases() if p.meeting == 1]
    m2 = [p.minutes for p in session.method.phases() if p.meeting == 2]
    assert m1 == [15, 55, 25] and m2 == [5, 20, 50, 15, 10]    # meeting 2 opens with the follow-up
    k.tap("toggle")

    # the pair interviews: A interviews B, then B interviews A, the guide's questions on screen
    v = next_step(k, "intervju")
    assert v.name == "A intervjuer B" and v.clock_text == "10:00"
    assert "1. Tenk på en dag da du opplevde arbeidsglede." in v.prompts_text
    assert "5. Nevn tre ting" in v.prompts_text
    k.tap("round_toggle")
    k.advance(10 * 60 + 5)
    assert v.name == "B intervjuer A" and v.clock_text == "09:55"
    assert "1. Tenk på en dag" in v.prompts_text                 # the same guide the other way
    k.advance(10 * 60)
    assert v.name == "Fortell i gruppa" and "Etter tur" in v.prompts_text

    # the group's wish list, typed on the screen keyboard
    v = next_step(k, "onsker")
    for text in WISHES:
        k.tap(v.ids["new_onske"])
        k.type(v.composer.ids.keyboard, text)
        k.tap(v.composer.ids.save)
    keys = {n.text: n.key for n in wall_of(k).notes(kinds=["onske"])}
    assert set(keys) == set(WISHES)

    # the top three first: three marks each, one per wish
    v = lane(next_step(k, "topp3"))                              # a room never split: one lane, the room's
    board = v.ids.board
    ballots = [(WISHES[0], WISHES[1], WISHES[2]), (WISHES[0], WISHES[1], WISHES[3]),
               (WISHES[0], WISHES[2], WISHES[1])]
    for picks in ballots:
        k.tap(v.ids.voter)
        for text in picks:
            k.tap_card(board, keys[text])
        k.tap(v.ids.voter)
    k.tap(v.ids.results)
    rows = [r for r in v.ids.table.children[::-1] if hasattr(r, "rank")]
    assert [(r.rank, r.text) for r in rows[:3]] == [("=1", WISHES[0]), ("=1", WISHES[1]), ("3", WISHES[2])]
    k.tap(v.ids.carry)
    top = [i.key for i in wall_of(k).chosen()]
    assert top == [keys[w] for w in WISHES[:3]]

    # the exhibition
    v = lane(next_step(k, "utstilling"))
    k.tap(v.ids.turn)
    assert len(wall_of(k).revealed_notes()) == 3

    # end of meeting 1: the date of meeting 2, then the session waits
    screen = k.screen()
    assert screen.ids.next.text == "End meeting 1"
    k.tap("next")
    k.tap(screen.meeting_picker.ids.save)
    assert app.workshop is None and app.store.load_session(sid)["status"] == "between"

    k.advance(28 * 86_400)                                        # four weeks later
    for _ in range(2):
        if app.sm.current != "home":
            k.tap("start")
    assert app.sm.current == "home"
    [button] = k.screen().continue_buttons()
    k.tap(button)
    k.tap(app.confirm_view.ids.yes)
    assert app.workshop.session.id == sid and app.workshop.session.step.id == "status-tiltak"
    k.frames(3)
    assert not view(k).has_action                                 # no open actions of Team Nord yet
    next_step(k, "muligheter")

    # meeting 2: from wishes to possibilities
    v = view(k)
    assert v.name == "Utstillingen igjen"
    k.tap("toggle")
    k.tap("round_toggle")
    k.advance(5 * 60)
    assert v.name == "Hver forteller" and "lytter uten å si noe" in v.prompts_text
    k.tap("round_next")
    assert v.name == "Velg ønsket"

    # from wish to action, with IGLO
    v = next_step(k, "handling")
    assert list(v.theme_tiles) == top                             # the same wall: meeting 1's top three
    k.tap(v.theme_tiles[keys[WISHES[1]]])
    k.tap(v.ids.new_action)
    k.tap(v.rows["handling"])
    k.type(v.composer.ids.keyboard, "Fagprat hver fredag")
    k.tap(v.composer.ids.save)
    k.tap(v.rows["ressurser"])
    k.type(v.composer.ids.keyboard, "En halvtime")
    k.tap(v.composer.ids.save)
    k.tap(v.ids.iglo_group)
    k.tap(v.ids.owner)
    k.type(v.composer.ids.keyboard, "Kari")
    k.tap(v.composer.ids.save)
    k.tap(v.ids.follow_up)
    k.tap(v.picker.ids.week)
    k.tap(v.picker.ids.save)

    next_step(k, "oppsummering")
    next_step(k, "evaluering")
    assert k.find("next").disabled
    end_workshop(k)

    # -- the store -------------------------------------------------------------------------
    store = app.store
    assert rounds_doc(k, sid, "intervju")["current"] == 2
    assert rounds_doc(k, sid, "muligheter")["current"] == 2
    totals: dict[str, int] = {}
    for d in store.all(sid, VOTES):
        if d["round"] == "topp3":
            totals[d["item"]] = totals.get(d["item"], 0) + d["points"]
    assert totals == {keys[WISHES[0]]: 3, keys[WISHES[1]]: 3, keys[WISHES[2]]: 2, keys[WISHES[3]]: 1}
    [action] = ActionPlan(store, sid, app.clock).actions()
    assert action.theme_key == keys[WISHES[1]] and action.iglo == "group" and action.owner == "Kari"
    assert action.answers == {"handling": "Fagprat hver fredag", "ressurser": "En halvtime"}
    assert action.follow_up is not None
    assert store.load_session(sid)["status"] == "finished"

    from kiosk_testing import exported_texts                    # what the manager takes away
    texts = exported_texts(store, sid, app.clock)
    assert {WISHES[0], WISHES[1], "Fagprat hver fredag", "Kari"} <= texts
