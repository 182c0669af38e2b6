"""Perspektivsamtale, Historieværksted (and its past-and-future variant) and
Dilemmaværksted run start to finish in a real window with real touches: picked in the
picker, the team typed on the screen keyboard, every step by Next with its own tool
used by finger (cards drawn, jokers and attention points typed, post-its dragged onto
years and into columns, periods named, dots given, rounds run, trial actions filled),
ended through the PIN menu; then the store and the export are checked.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.activities.cards import CARD_KIND, JOKER_KIND, POINT_KIND
from kiosk.core.export import document, markdown
from kiosk.core.activities.timeline import PERIODS
from kiosk.core.wall import PARKING
from tests.walk import end_workshop, next_step, pick, wall_of
from tests.test_ui_cards_timeline import compose

pytestmark = [pytest.mark.window, pytest.mark.walk]

ROOT = Path(__file__).resolve().parents[1]
TODAY = date.fromtimestamp(1_800_000_000.0)



def window_xy(board, x, y):
    return board.to_window(board.x + x, board.y + y)


def zone_centre(v, column):
    board = v.ids.board
    z = next(z for z in v.zones if z.column == column)
    x, y, w, h = z.rect
    return window_xy(board, x + w / 2, y + h * 0.3)


def sort_into(k, v, key, column):
    board = v.ids.board
    k.drag(k.card_centre(board, key), zone_centre(v, column))


def lane_point(k, v, year):
    board = v.ids.board
    col_w, tray_top, bottom, top = v.geometry()
    i = v.line.years.index(year)
    return window_xy(board, (i + 0.5) * col_w, (bottom + top) / 2)


def write_notes(k, v, kind, texts):
    for t in texts:
        k.tap(v.ids[f"new_{kind}"])
        compose(k, v.composer, t)


def trial_action(k, v, tile_key, measure_q, measure, owner):
    """A trial action on one theme: the measure, the owner, a review day and a follow-up day."""
    tile = v.theme_tiles[tile_key]
    v.ids.themes_scroll.scroll_to(tile, padding=0, animate=False)   # the theme list as a finger scrolls it
    k.frames(3)
    k.tap(tile)
    assert v.selected_theme == tile_key
    k.tap("new_action")
    k.tap(v.rows[measure_q])
    compose(k, v.composer, measure)
    k.tap("owner")
    compose(k, v.composer, owner)
    k.tap("trial")                               # asks for its review day at once
    k.tap(v.picker.ids.month_ahead)
    k.tap(v.picker.ids.save)
    k.tap("follow_up")
    k.tap(v.picker.ids.week)
    k.tap(v.picker.ids.save)


def vote_for(k, v, keys):
    from tests.walk import lane

    v = lane(v)                                  # each group chooses its own: a room never split has one lane
    board = v.ids.board
    k.tap(v.ids.voter)                           # a voter steps up
    for key in keys:
        k.tap_card(board, key)
    k.tap(v.ids.voter)                           # Done
    k.tap(v.ids.results)
    k.tap(v.ids.carry)


def exported(k, sid) -> str:
    return markdown(document(k.app.store, sid, clock=k.app.clock))


# -- Perspektivsamtale ----------------------------------------------------------------------------

def test_perspektivsamtale_start_to_finish(kiosk):
    k = kiosk
    session = pick(k, "perspektivsamtale", "Akut Nord")
    assert [s.activity for s in session.method.steps] == ["talk", "cards", "sort", "actions", "talk"]
    assert session.method.minutes == 110
    sid = session.id
    k.tap("toggle")                              # the timer runs from the start
    k.advance(10 * 60)

    v = next_step(k, "samtale")
    assert type(v).__name__ == "CardsView" and len(v.cards.decks) == 6
    assert all(10 <= len(d["cards"]) <= 12 for d in v.cards.decks)
    k.tap(v.ids.deck)
    assert len(v.deck_buttons) == 6
    k.tap(v.deck_buttons["samarbejde"])          # the TRIO chose the theme
    for _ in range(3):
        k.tap(v.ids.pile)                        # persons 1, 2, 3 draw in turn
    assert v.turn_text == "Person 4's turn"
    k.tap(v.ids.joker)
    compose(k, v.composer, "Vi mangler ros")
    k.tap(v.ids.point)
    compose(k, v.composer, "Overlevering svigter")
    k.advance(40 * 60)                           # 20 minutes left: the rest turn face up
    table = v.ids.table
    assert k.wait_until(lambda: v.flipped and table.height > 150 and table.cards, 3.0)
    picked = sorted(table.cards)[0]
    k.tap_card(table, picked)                    # person 5 picks one
    wall = wall_of(k, sid)
    kinds = [n.kind for n in wall.notes()]
    assert kinds == [CARD_KIND] * 3 + [JOKER_KIND, POINT_KIND, CARD_KIND]
    deck = v.cards.deck["cards"]
    assert wall.notes()[-1].text == deck[int(picked[1:])]
    assert all(n.card.startswith("samarbejde:") for n in wall.notes(kinds=[CARD_KIND]))
    first, point, joker = wall.notes()[0], wall.notes(kinds=[POINT_KIND])[0], wall.notes(kinds=[JOKER_KIND])[0]

    v = next_step(k, "opmaerksomhed")
    assert type(v).__name__ == "SortView"
    sort_into(k, v, point.key, "udfordring")
    sort_into(k, v, first.key, "styrke")
    sort_into(k, v, joker.key, PARKING)
    wall = wall_of(k, sid)
    assert [wall.item(x.key).column for x in (point, first, joker)] == ["udfordring", "styrke", PARKING]

    v = next_step(k, "proevehandlinger")
    assert type(v).__name__ == "ActionsView"
    assert joker.key not in v.theme_tiles         # parked: not taken on now
    trial_action(k, v, first.key, "indsats", "Fast ros", "Mette")
    [action] = ActionPlan(k.app.store, sid, k.app.clock).actions()
    assert (action.theme_key, action.answers["indsats"], action.owner) == (first.key, "Fast ros", "Mette")
    assert action.trial and action.review is not None
    assert action.follow_up == (TODAY + timedelta(days=7)).isoformat()

    next_step(k, "afrunding")
    assert k.find("next").disabled
    end_workshop(k)
    md = exported(k, sid)
    for text in ("Vi mangler ros", "Overlevering svigter", first.text, "Fast ros", "Mette"):
        assert text in md


# -- Historieværksted ------------------------------------------------------------------------------

def test_historievaerksted_start_to_finish(kiosk):
    k = kiosk
    session = pick(k, "historievaerksted", "Bostedet")
    assert [s.minutes for s in session.method.steps] == [10, 5, 40, 10, 25, 15, 15]
    sid = session.id
    v = next_step(k, "skriv")
    write_notes(k, v, "begivenhed", ["Ny leder", "Fusion"])

    v = next_step(k, "tidslinje")
    assert type(v).__name__ == "TimelineView"
    years = v.line.years
    assert len(years) == 10 and v.line.future_years == 0
    assert "Ingen kommentarer" in v.rule
    leder, fusion = wall_of(k, sid).notes()
    board = v.ids.board
    k.drag(k.card_centre(board, leder.key), lane_point(k, v, years[6]))
    k.drag(k.card_centre(board, fusion.key), lane_point(k, v, years[3]))
    k.tap(v.ids.write)                           # remembered while placing: straight onto the line
    compose(k, v.composer, "Corona")
    corona = wall_of(k, sid).notes()[-1]
    k.drag(k.card_centre(board, corona.key), lane_point(k, v, years[7]))
    k.tap(v.ids.period)
    compose(k, v.composer, "Fusionen")
    k.tap(v.year_buttons[years[3]])
    k.tap(v.year_buttons[years[5]])
    wall = wall_of(k, sid)
    assert [wall.item(n.key).year for n in (leder, fusion, corona)] == [years[6], years[3], years[7]]
    [period] = k.app.store.all(sid, PERIODS)
    assert (period["name"], period["first"], period["last"]) == ("Fusionen", years[3], years[5])

    next_step(k, "billedet")
    v = next_step(k, "grupper")
    write_notes(k, v, "styrke", ["Vi holder sammen"])
    write_notes(k, v, "udfordring", ["Mange skift"])
    write_notes(k, v, "oenske", ["Ro på"])
    styrke, udfordring, oenske = wall_of(k, sid).notes()[-3:]

    v = next_step(k, "opsamling")
    assert [z.column for z in v.zones] == [None, "styrker", "udfordringer", "oensker", PARKING]
    sort_into(k, v, styrke.key, "styrker")
    sort_into(k, v, udfordring.key, "udfordringer")
    sort_into(k, v, oenske.key, "oensker")
    sort_into(k, v, corona.key, PARKING)
    wall = wall_of(k, sid)
    assert [wall.item(n.key).column for n in (styrke, udfordring, oenske, corona)] == [
        "styrker", "udfordringer", "oensker", PARKING]
    assert wall.item(leder.key).year == years[6]   # the same note, its year kept

    v = next_step(k, "proevehandlinger")
    trial_action(k, v, oenske.key, "indsats", "Fast teammøde", "Ali")
    [action] = ActionPlan(k.app.store, sid, k.app.clock).actions()
    assert action.theme_label == "Ro på" and action.trial and action.owner == "Ali"
    assert k.find("next").disabled
    end_workshop(k)
    md = exported(k, sid)
    for text in ("Ny leder", "Fusion", "Corona", "Vi holder sammen", "Ro på", "Fast teammøde"):
        assert text in md


def test_historievaerksted_fremtid_start_to_finish(kiosk):
    k = kiosk
    session = pick(k, "historievaerksted-fremtid", "Køkkenet")
    sid = session.id
    v = next_step(k, "skriv")
    write_notes(k, v, "forandring", ["Nyt køkken", "Ny kok"])

    v = next_step(k, "tidslinje")
    line = v.line
    assert len(line.years) == 12 and line.years[-5] == line.base_year     # 8 back, 4 ahead
    assert v._now_label.opacity == 1                                      # the line where the future starts
    koekken, kok = wall_of(k, sid).notes()
    k.drag(k.card_centre(v.ids.board, koekken.key), lane_point(k, v, line.years[-1]))   # a coming change
    k.drag(k.card_centre(v.ids.board, kok.key), lane_point(k, v, line.years[2]))
    wall = wall_of(k, sid)
    assert wall.item(koekken.key).year == line.base_year + 4 and wall.item(kok.key).year == line.years[2]

    v = next_step(k, "oensker")
    write_notes(k, v, "oenske", ["Info tidligt", "Prøv først", "Info i tide"])
    a, b, c = wall_of(k, sid).notes()[-3:]

    v = next_step(k, "temaer")
    board = v.ids.board
    k.drag(k.card_centre(board, c.key), k.card_centre(board, a.key))     # the same wish: one theme
    [cluster] = wall_of(k, sid).clusters()

    v = next_step(k, "vaelg")
    vote_for(k, v, [cluster.key, cluster.key, b.key])
    chosen = {i.key for i in wall_of(k, sid).chosen()}
    assert {cluster.key, b.key} <= chosen

    v = next_step(k, "proevehandlinger")
    assert v.show_iglo
    trial_action(k, v, b.key, "indsats", "Pilotuge", "Kim")
    k.tap("iglo_group")
    [action] = ActionPlan(k.app.store, sid, k.app.clock).actions()
    assert action.iglo == "group" and action.trial and action.theme_label == "Prøv først"
    end_workshop(k)
    md = exported(k, sid)
    for text in ("Nyt køkken", "Info tidligt", "Pilotuge", "Kim"):
        assert text in md


# -- Dilemmaværksted ------------------------------------------------------------------------------

def test_dilemmavaerksted_start_to_finish(kiosk):
    k = kiosk
    session = pick(k, "dilemmavaerksted", "Sengeafsnit 4")
    assert 90 <= session.method.minutes <= 120
    sid = session.id
    v = next_step(k, "dilemmaer")
    write_notes(k, v, "dilemma", ["Doku vs tid", "Regler vs borger"])
    doku, regler = wall_of(k, sid).notes()

    v = next_step(k, "vaelg")
    vote_for(k, v, [regler.key])
    assert [i.key for i in wall_of(k, sid).chosen()] == [regler.key]

    v = next_step(k, "fordybelse")
    assert type(v).__name__ == "RoundsView"
    assert [(r.name, r.minutes) for r in v.rounds.rounds] == [
        ("Situationen", 7), ("Konteksten", 7), ("Historikken", 6)]
    k.tap("round_toggle")
    k.advance(7 * 60 + 1)
    assert v.name == "Konteksten"
    k.tap("round_next")
    assert v.name == "Historikken"

    v = next_step(k, "proevehandlinger")
    assert list(v.theme_tiles) == [regler.key]     # only the chosen dilemma
    trial_action(k, v, regler.key, "indsats", "Afvig med note", "Lis")
    [action] = ActionPlan(k.app.store, sid, k.app.clock).actions()
    assert action.theme_label == "Regler vs borger" and action.trial

    next_step(k, "plenum")
    end_workshop(k)
    md = exported(k, sid)
    for text in ("Doku vs tid", "Regler vs borger", "Afvig med note", "Lis"):
        assert text in md
