"""The TRIO catalogue's fremtidsværksted and arbejdsmiljøfortælling, start to finish,
in a real window with real touches only.

Picker → team → every step with "Next", doing each step's tool by hand → the
workshop ended through the PIN menu; then the store: the notes, groups, dots, the
map's centre, spots and links, and the (trial) actions. For the arbejdsmiljøfortælling
the trial action's review then comes due on the statuspil board, which asks for the
verdict (continue / adjust / drop) and stores it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.core.activities import map as maps
from kiosk.core.activities.actions import ActionPlan
from kiosk.core.loader import load_method
from kiosk.core.activities.map import MapBoard
from kiosk.core.activities.vote import VOTES

from tests.conftest import ROOT
from tests.walk import next_step, wall_of, write

pytestmark = [pytest.mark.window, pytest.mark.walk]

TODAY = date.fromtimestamp(1_800_000_000.0)





def begin(k, method_id, team):
    k.tap("start")
    k.screen().card_for(method_id)
    k.frames(2)                                                  # laid out: now it scrolls to it
    k.tap(k.screen().card_for(method_id))
    k.type(k.find("keyboard"), team)
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice
    k.tap("toggle")
    return k.app.workshop.session.id


def type_in(k, composer, text):
    k.type(composer.ids.keyboard, text)
    k.tap(composer.ids.save)



def key_of(wall, text):
    return next(n.key for n in wall.notes() if n.text == text)


def finish(k):
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    k.tap("end")
    k.tap(k.app.confirm_view.ids.yes)
    k.tap(k.app.confirm_view.ids.no)                             # the export QR is offered: not now


def test_the_method_files_have_their_phases_and_times():
    f = load_method(ROOT / "methods" / "fremtidsvaerksted.toml")
    assert [p.title for p in f.phases()] == ["Velkomst", "Kritikfasen", "Drømmefasen", "Realiseringsfasen",
                                            "Afrunding"]
    assert [p.minutes for p in f.phases()] == [10, 45, 30, 45, 10]
    m = load_method(ROOT / "methods" / "arbejdsmiljofortaelling.toml")
    assert [s.activity for s in m.steps] == ["talk", "write", "map", "map", "actions", "statuspil", "talk"]
    assert m.steps[4].params["trial"] is True and m.minutes == 130


def test_fremtidsvaerksted_start_to_finish_by_touch(kiosk):
    k = kiosk
    app = k.app
    sid = begin(k, "fremtidsvaerksted", "Rygcenteret")

    v = next_step(k, "kritik")                                   # critique: everything may be said
    for text in ("Lange ventelister", "Ingen tid til patienter", "Aflyste operationer"):
        write(k, v, "kritik", text)
    wall = wall_of(k, sid)

    v = next_step(k, "kritik-temaer")                            # grouped into a theme, named
    board = v.ids.board
    k.drag(k.card_centre(board, key_of(wall, "Ingen tid til patienter")),
           k.card_centre(board, key_of(wall, "Lange ventelister")))
    [group] = wall_of(k, sid).clusters()
    k.tap_card(board, group.key)
    type_in(k, v.composer, "Tid")

    v = next_step(k, "kritik-prioritering")                      # three dots each
    board = v.ids.board
    aflyst = key_of(wall, "Aflyste operationer")
    k.tap("voter")
    for key in (group.key, group.key, aflyst):
        k.tap_card(board, key)
    k.tap("voter")                                               # done
    k.tap("voter")                                               # the next voter
    for key in (group.key, aflyst, aflyst):
        k.tap_card(board, key)
    k.tap("voter")
    k.tap("results")
    k.tap("carry")
    dots = {}
    for d in app.store.all(sid, VOTES):
        dots[d["item"]] = dots.get(d["item"], 0) + d["points"]
    assert dots == {group.key: 3, aflyst: 3}
    assert {i.key for i in wall_of(k, sid).chosen()} == {group.key, aflyst}

    v = next_step(k, "droem")                                    # the dream, as a counter-image
    write(k, v, "droem", "Tid til hver patient")

    v = next_step(k, "realisering")                              # the first steps, per chosen theme
    assert set(v.theme_tiles) == {group.key, aflyst}
    k.tap(v.theme_tiles[group.key])
    k.tap("new_action")
    k.tap(v.rows["droem"])
    type_in(k, v.composer, "Flow i arbejdet")
    k.tap(v.rows["indsats"])
    type_in(k, v.composer, "Bedre stuegang")
    k.tap("owner")
    type_in(k, v.composer, "Ledelsen")
    k.tap("follow_up")
    k.tap(v.picker.ids.month_ahead)
    k.tap(v.picker.ids.save)
    next_step(k, "afrunding")
    finish(k)

    plan = ActionPlan(app.store, sid, app.clock)
    [action] = plan.actions()
    assert action.theme_key == group.key and not action.trial and plan.missing(action) == []
    assert action.answers == {"droem": "Flow i arbejdet", "indsats": "Bedre stuegang"}
    assert sorted(n.kind for n in wall_of(k, sid).notes()) == ["droem", "kritik", "kritik", "kritik"]
    assert app.store.load_session(sid)["status"] == "finished"
    from kiosk_testing import exported_texts                    # what the manager takes away
    assert {"Aflyste operationer", "Bedre stuegang", "Flow i arbejdet"} <= exported_texts(app.store, sid, app.clock)


def test_arbejdsmiljofortaelling_to_trial_actions_and_their_review_on_the_board(kiosk):
    k = kiosk
    app = k.app
    sid = begin(k, "arbejdsmiljofortaelling", "Børnehuset")

    v = next_step(k, "opmaerksomhedspunkter")                    # the trio's points and the room's
    write(k, v, "trio", "Hyppige lederskift")
    write(k, v, "styrke", "Godt kollegaskab")
    write(k, v, "udfordring", "Aflyste teammøder")
    wall = wall_of(k, sid)
    leder, kolleger, moeder = (key_of(wall, t) for t in ("Hyppige lederskift", "Godt kollegaskab",
                                                         "Aflyste teammøder"))

    v = next_step(k, "fortaelling")                              # the map
    board = v.ids.board
    k.tap(v.ids.centre)
    type_in(k, v.composer, "Hård tone")
    for key in (leder, kolleger, moeder):                       # a tap each: onto the map
        k.tap_card(board, key)
    k.tap("new_point")
    type_in(k, v.composer, "Dem og os")
    dem = key_of(wall_of(k, sid), "Dem og os")
    k.tap_card(board, leder)                                     # lederskift → aflyste møder
    k.tap_card(board, moeder)
    k.drag(k.card_centre(board, dem), k.card_centre(board, moeder))  # dem og os ↔ møder, by dropping
    mx, my, mw, mh = v.map_rect
    k.drag(k.card_centre(board, kolleger), board.to_window(board.x + mx + mw * 0.1, board.y + my + mh * 0.1))
    wall = wall_of(k, sid)
    assert {i.key for i in maps.placed(wall)} == {leder, kolleger, moeder, dem}
    assert set(maps.links(wall)) == {maps.pair(leder, moeder), maps.pair(dem, moeder)}
    assert wall.item(kolleger).map_at == pytest.approx((0.1, 0.1), abs=0.02)

    v = next_step(k, "respons")                                  # the same story, adjusted
    board = v.ids.board
    assert v.ids.centre.text == "Hård tone"
    k.tap_card(board, dem)                                       # one more link, one taken away
    k.tap_card(board, leder)
    k.tap_card(board, moeder)
    k.tap_card(board, leder)
    assert set(maps.links(wall_of(k, sid))) == {maps.pair(dem, moeder), maps.pair(dem, leder)}

    v = next_step(k, "proevehandlinger")                         # a trial action with a review date
    k.tap(v.theme_tiles[moeder])
    k.tap("new_action")
    assert v.picker.iso == (TODAY + timedelta(weeks=4)).isoformat()
    k.tap(v.picker.ids.save)
    k.tap(v.rows["indsats"])
    type_in(k, v.composer, "Nyt fast mødepunkt")
    k.tap("owner")
    type_in(k, v.composer, "Trioen")
    k.tap("follow_up")
    k.tap(v.picker.ids.month_ahead)
    k.tap(v.picker.ids.save)
    plan = ActionPlan(app.store, sid, app.clock)
    [action] = plan.actions()
    assert action.trial and action.review == (TODAY + timedelta(weeks=4)).isoformat()
    assert action.theme_key == moeder and plan.missing(action) == []

    next_step(k, "statuspil")
    next_step(k, "afrunding")
    finish(k)
    assert app.sm.current == "board"
    assert MapBoard(wall_of(k, sid), app.store, sid, "respons").centre == "Hård tone"

    k.advance(28 * 86_400)                                        # the review day: the board asks
    screen = k.screen()
    screen.refresh()
    k.frames(2)
    row = screen.row_for(sid, action.id)
    assert row.attention and "Review due" in row.when_text
    k.tap(row)
    k.tap(screen._panel.buttons["continue"])
    k.tap(app.confirm_view.ids.yes)
    done = ActionPlan(app.store, sid, app.clock).get(action.id)
    assert done.verdict == "continue" and not done.finished
    from kiosk_testing import exported_texts                    # the story and the trial action go home too
    assert {"Hård tone", "Nyt fast mødepunkt", "Trioen"} <= exported_texts(app.store, sid, app.clock)
