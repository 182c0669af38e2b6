"""NED dialogduk start to finish in a real window with real touches: the IGP rounds, the
three good reasons on the screen keyboard, the threshold and the ten statements rated
by tapping, the responsibility puzzle, areas/actions/my contribution, grouping, three
points per participant, and the top three actions as the final sheet; then the store."""

from __future__ import annotations

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.activities.rate import Rating
from kiosk.core.activities.vote import VOTES
from kiosk.core.wall import Wall

from tests.walk import end_workshop, lane, next_step, pick, rounds_doc, wall_of, write

pytestmark = [pytest.mark.window, pytest.mark.walk]

FACTORS = 17  # the guide's 16 factors + "Annet"




def tap_tile(k, v, statement, value):
    k.tap(v.tiles[(statement, value)])


def drop_in(k, v, key, column):
    board = v.ids.board
    zone = next(z for z in v.zones if z.column == column)
    x, y, w, h = zone.rect
    k.drag(k.card_centre(board, key), board.to_window(board.x + x + w / 2, board.y + y + h / 2))


def test_ned_dialogduk_start_to_finish(kiosk):
    k = kiosk
    session = pick(k, "ned-dialogduk", "Hjemmetjenesten Sør")
    phases = session.method.phases()
    assert [p.minutes for p in phases] == [15, 10, 10, 10, 30, 30, 45, 10]  # the guide's 10 · 10 · 30 · 30
    assert session.method.minutes == 160                                  # in the guide's 2.5–3 hours
    k.tap("toggle")

    # Oppgave 1a: IGP — one silent minute, then the group, then plenary
    v = next_step(k, "hvorfor")
    assert v.name == "Alene" and v.clock_text == "01:00"
    k.tap("round_toggle")
    k.advance(61)
    assert v.name == "I gruppa"
    k.advance(3 * 60)
    assert v.name == "I plenum"

    # Oppgave 1b: three good reasons, typed on the screen keyboard
    v = next_step(k, "grunner")
    for text in ("Mindre press", "Kjente fjes", "Vi beholder folk"):
        write(k, v, "grunn", text)
    assert sorted(n.text for n in wall_of(k).notes(kinds=["grunn"])) == [
        "Kjente fjes", "Mindre press", "Vi beholder folk"]

    # Oppgave 1c: the threshold, one mark per table
    v = next_step(k, "terskel")
    assert v.can_split and list(v.views) == [None]                # a table-group step: one lane for all
    v = lane(v)
    assert [v.tiles[(0, i)].word for i in range(3)] == ["for lav", "passe", "for høy"]
    for value in (1, 1, 2, 0):
        tap_tile(k, v, 0, value)

    # Oppgave 2: the responsibility puzzle
    v = lane(next_step(k, "ansvar"))
    assert [z.column for z in v.zones][1:4] == ["leder", "ansatte", "begge"]
    board = v.ids.board
    factors = {c.text: key for key, c in board.cards.items()}
    assert len(factors) == FACTORS and "Tillit" in factors and "Annet" in factors   # only the puzzle's pieces
    for text, column in (("Lederstøtte", "leder"), ("Kollegastøtte", "ansatte"), ("Tillit", "begge")):
        drop_in(k, v, factors[text], column)
    puzzle = wall_of(k)
    assert [puzzle.item(factors[t]).column for t in ("Lederstøtte", "Kollegastøtte", "Tillit")] == [
        "leder", "ansatte", "begge"]

    next_step(k, "plenum-1-2")

    # Oppgave 3: ten statements, green / yellow / red, over pages (the table's lane: 4–5 a page)
    v = lane(next_step(k, "paastander"))
    assert len(v.rating.statements) == 10 and v.pages in (2, 3)
    assert sorted(v.rows)[0] == 0
    for statement, values in {0: (0, 0, 1), 1: (1, 1, 1), 4: (0, 2, 2), 6: (2, 2, 1), 9: (0, 1)}.items():
        while statement not in v.rows:
            k.tap("page_next")
        for value in values:
            tap_tile(k, v, statement, value)
    assert v.rows[9].summary == "2 marks · mixed"

    # Oppgave 4: three areas, concrete actions, my own contribution
    v = next_step(k, "tiltak")
    write(k, v, "omraade", "Ros")
    write(k, v, "tiltak", "Hverdagsregler")
    write(k, v, "tiltak", "Regler for oss")
    write(k, v, "tiltak", "Ros hver uke")
    write(k, v, "tiltak", "Fadder")
    write(k, v, "bidrag", "Jeg sier ifra")
    tiltak = {n.text: n.key for n in wall_of(k).notes(kinds=["tiltak"])}

    # Oppsummering: the tables' like actions on top of each other
    v = next_step(k, "samle")
    board = v.ids.board
    k.drag(k.card_centre(board, tiltak["Regler for oss"]),
           k.card_centre(board, tiltak["Hverdagsregler"]))
    [cluster] = wall_of(k).clusters()
    rules = cluster.key

    # three points each, then the top three go on
    v = next_step(k, "poeng")
    board = v.ids.board
    ballot = {rules: 0, tiltak["Ros hver uke"]: 0, tiltak["Fadder"]: 0}
    assert set(board.cards) == set(ballot)                      # the actions only: no puzzle, no reasons
    plan = [(rules, rules, tiltak["Ros hver uke"]),
            (rules, tiltak["Fadder"], tiltak["Ros hver uke"]),
            (tiltak["Fadder"], rules, rules)]
    for voter, taps in enumerate(plan, start=1):
        k.tap(v.ids.voter)                                      # the next participant steps up
        assert v.status.startswith(f"Voter {voter} · 3 marks")
        for key in taps:
            k.tap_card(board, key)
        assert "all marks placed" in v.status
        k.tap(v.ids.voter)                                      # Done
    k.tap(v.ids.results)
    k.tap(v.ids.carry)
    chosen = [i.key for i in wall_of(k).chosen()]
    assert set(chosen) == set(ballot)

    # Ark 5: the top three actions as the final sheet
    v = next_step(k, "ark5")
    assert set(v.theme_tiles) == set(ballot)
    k.tap(v.theme_tiles[rules])
    k.tap(v.ids.new_action)
    k.tap(v.rows["tiltak"])
    k.type(v.composer.ids.keyboard, "Skrive reglene")
    k.tap(v.composer.ids.save)
    k.tap(v.ids.owner)
    k.type(v.composer.ids.keyboard, "Åse")
    k.tap(v.composer.ids.save)
    k.tap(v.ids.follow_up)
    k.tap(v.picker.ids.month_ahead)
    k.tap(v.picker.ids.save)
    next_step(k, "avslutning")
    assert k.find("next").disabled

    sid = end_workshop(k)

    # -- the store holds what the group did ---------------------------------------------------
    store = k.app.store
    assert rounds_doc(k, sid, "hvorfor")["current"] == 2
    threshold = Rating(store, sid, "terskel", ["x"], ["for lav", "passe", "for høy"])
    assert threshold.tally() == [[1, 2, 1]]
    statements = Rating(store, sid, "paastander", [str(i) for i in range(10)], ["grønn", "gul", "rød"])
    tally = statements.tally()
    assert tally[0] == [2, 1, 0] and tally[1] == [0, 3, 0] and tally[4] == [1, 0, 2]
    assert tally[6] == [0, 1, 2] and tally[9] == [1, 1, 0] and tally[2] == [0, 0, 0]
    totals: dict[str, int] = {}
    for d in store.all(sid, VOTES):
        if d["round"] == "poeng":
            totals[d["item"]] = totals.get(d["item"], 0) + d["points"]
    assert totals == {rules: 5, tiltak["Ros hver uke"]: 2, tiltak["Fadder"]: 2}
    assert sum(totals.values()) == 9                                # 3 points × 3 participants
    [action] = ActionPlan(store, sid, k.app.clock).actions()
    assert action.theme_key == rules and action.owner == "Åse"
    assert action.answers["tiltak"] == "Skrive reglene"
    assert action.follow_up is not None
    # … and so does the export the manager takes away
    from kiosk.core.export import document, render

    doc = document(store, sid, clock=k.app.clock, lang="nb")
    by_step = {r["step"]: r for r in doc["ratings"]}
    assert [s["counts"] for s in by_step["terskel"]["statements"]] == [[1, 2, 1]]
    assert by_step["paastander"]["statements"][6]["counts"] == [0, 1, 2]
    md = render(doc, "md").decode("utf-8")
    assert "Det er klare mål for den jobben vi gjør" in md and "Skrive reglene" in md and "Åse" in md
    final = Wall(store, sid, k.app.clock)
    assert final.item(factors["Tillit"]).column == "begge"
    kinds = sorted(n.kind for n in final.notes())
    assert kinds.count("grunn") == 3 and kinds.count("tiltak") == 4
    assert kinds.count("omraade") == 1 and kinds.count("bidrag") == 1 and kinds.count("item") == FACTORS
