"""The rounds and rate activities in a real window, used with real taps, checked in the store."""

from __future__ import annotations

import pytest

from kiosk.core.activities.rate import TABLE as RATES, Rating
from kiosk.core.activities.rounds import Rounds

pytestmark = pytest.mark.window


def start(k, method_id="ned-dialogduk", team="Hjemmetjenesten Sør"):
    assert k.app.start_workshop(k.app.method_by_id(method_id), team), k.app.notice


def go_to(k, step_id):
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws)
    k.frames(3)
    assert ws.session.step.id == step_id
    from tests.walk import lane

    return lane(k.find("activity").children[0])   # a table-group step of a room never split: the room's lane


def stored_rounds(k, step_id):
    ws = k.app.workshop
    return Rounds.for_step(k.app.store, ws.session.id, ws.session.method.steps[ws.session.method.step_index(step_id)],
                           k.app.clock)


def test_rounds_run_hand_over_with_one_chime_move_adjust_and_undo(kiosk, monkeypatch):
    from kiosk.ui import sound

    chimes = []
    monkeypatch.setattr(sound, "chime", lambda: chimes.append(1) or True)
    k = kiosk
    start(k)
    view = go_to(k, "hvorfor")
    assert type(view).__name__ == "RoundsView"
    assert view.name == "Alene" and view.clock_text == "01:00" and view.counter == "Round 1 of 3"
    assert "Les spørsmålet" in view.prompts_text                 # the round's own prompts
    assert k.find("round_prev").disabled
    k.tap("round_toggle")
    assert stored_rounds(k, "hvorfor").running                     # on disk before the screen says so
    assert k.app.workshop.session.timer.running                    # the step's timer started with it
    assert view.state_text == "Running"
    k.advance(30)
    assert view.clock_text == "00:30" and chimes == []
    k.advance(40)                                                  # the silent minute ran out 10 s ago
    assert view.name == "I gruppa" and view.clock_text == "02:50"
    assert chimes == [1]
    rows = view._rows
    assert [r.state for r in rows] == ["done", "now", "next"]
    assert rows[0].text.startswith("[font=") and "done" in rows[0].text  # ✓ and a word, not colour alone
    assert stored_rounds(k, "hvorfor").current == 1
    k.advance(1)
    assert chimes == [1]                                           # once

    k.tap("round_plus")
    assert view.clock_text == "03:49"
    assert stored_rounds(k, "hvorfor").state().timer.adjust == 60
    k.tap("undo")
    assert view.clock_text == "02:49" and stored_rounds(k, "hvorfor").state().timer.adjust == 0
    k.tap("round_next")
    assert view.name == "I plenum" and stored_rounds(k, "hvorfor").current == 2
    assert k.find("round_next").disabled
    k.tap("round_toggle")                                          # pause
    assert not stored_rounds(k, "hvorfor").running and view.state_text == "Paused"
    k.advance(100)
    assert view.clock_text == "01:00"
    k.tap("round_prev")
    assert view.name == "I gruppa" and stored_rounds(k, "hvorfor").current == 1


def test_the_last_round_runs_over_time_and_the_step_chimes_once(kiosk, monkeypatch):
    from kiosk.ui import sound

    chimes = []
    monkeypatch.setattr(sound, "chime", lambda: chimes.append(1) or True)
    k = kiosk
    start(k, "arbejdsmiljo-checkin", "Akutmodtagelsen")
    k.frames(3)
    view = k.find("activity").children[0]
    assert view.name == "Situationen"
    k.tap("round_toggle")
    k.advance(6 * 60 + 1)
    assert view.name == "Følelsen"
    k.advance(7 * 60)
    assert view.name == "Behovet" and len(chimes) == 2
    k.advance(7 * 60 + 5)
    assert view.over and view.clock_text == "00:06" and view.state_text == "Over time"
    assert len(chimes) == 3                                        # the step's own timer, at the same time
    k.advance(30)
    assert len(chimes) == 3
    assert "Følelser er information" in view.prompts_text          # the step's ground rules stay in view


def test_rounds_resume_after_a_restart_at_the_right_time(display, data_dir, clock):
    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        start(k, "trio-forandringsdialog", "Hjertemedicinsk")
        view = go_to(k, "dialog")
        k.tap("round_toggle")
        k.advance(5 * 60 + 20)
        assert view.name == "Forandringens betydning"
    finally:
        k.close()
    clock.advance(60)                                              # the kiosk was off for a minute
    k2 = Driver(data_dir, clock=clock, lang="en")
    try:
        view = k2.find("activity").children[0]
        assert view.name == "Forandringens betydning" and view.clock_text == "18:40"
        assert view.running
    finally:
        k2.close()


def test_leaving_the_step_pauses_its_round_and_undo_of_the_move_runs_it_again(kiosk):
    k = kiosk
    start(k)
    view = go_to(k, "hvorfor")
    k.tap("round_toggle")
    k.advance(20)
    assert view.clock_text == "00:40"
    k.tap("next")                                                  # a mis-tap on the step's Next …
    assert k.app.workshop.session.step.id == "grunner"
    assert not stored_rounds(k, "hvorfor").running                 # paused on disk with the move
    k.advance(10)
    k.tap("undo")                                                  # … taken back: the round ran on
    view = k.find("activity").children[0]
    assert k.app.workshop.session.step.id == "hvorfor" and stored_rounds(k, "hvorfor").running
    assert view.name == "Alene" and view.clock_text == "00:30" and view.state_text == "Running"
    k.advance(50)
    assert view.name == "I gruppa" and view.clock_text == "02:40"

    k.tap("next")                                                  # the group moves on for real
    assert k.app.workshop.session.step.id == "grunner"
    k.advance(30 * 60)                                             # half an hour elsewhere
    k.tap("prev")
    view = k.find("activity").children[0]
    assert type(view).__name__ == "RoundsView"
    assert k.find("round_name").text == "I gruppa"                 # where it was, on screen
    assert k.find("round_clock").text == "02:40"
    assert k.find("round_state").text == "Paused" and k.find("round_toggle").text == "Start round"
    assert [r.state for r in view._rows] == ["done", "now", "next"]
    k.advance(60)
    assert k.find("round_clock").text == "02:40"                   # paused stays paused
    k.tap("round_toggle")                                          # ready to go on
    k.advance(40)
    assert k.find("round_clock").text == "02:00" and stored_rounds(k, "hvorfor").running


def tile(view, statement, value):
    return view.tiles[(statement, value)]


def test_rate_by_tapping_shows_the_spread_undo_and_pages(kiosk):
    k = kiosk
    start(k)
    view = go_to(k, "paastander")
    assert type(view).__name__ == "RateView"
    per = len(view.rows)              # the step runs at the tables: a lane's head takes a row's room
    assert per >= 3 and view.pages == -(-10 // per) and view.page_text == f"Statements 1–{per} of 10"
    assert sorted(view.rows) == list(range(per))
    s = k.app.s
    assert all(t.height >= 80 * s for t in view.tiles.values())  # finger-sized
    for v in (0, 0, 2):                                            # three tables answer statement 1
        k.tap(tile(view, 0, v))
    k.tap(tile(view, 1, 1))
    sid = k.app.workshop.session.id
    marks = [(d["statement"], d["value"]) for d in k.app.store.all(sid, RATES)]
    assert marks == [(0, 0), (0, 0), (0, 2), (1, 1)]
    assert [tile(view, 0, v).count for v in range(3)] == [2, 0, 1]
    assert tile(view, 0, 0).share == pytest.approx(2 / 3) and tile(view, 0, 0).most
    assert view.rows[0].summary == "3 marks · split: both ends"
    assert view.rows[1].summary == "1 mark · all agree"
    assert view.rows[2].summary == "no marks yet"
    assert "●" in tile(view, 0, 0).shape and "■" in tile(view, 0, 2).shape  # shapes, not colour alone
    assert tile(view, 0, 0).word == "grønn"

    k.tap(tile(view, 1, 2))                                        # a mis-tap …
    k.tap("undo")                                                  # … taken back
    assert [(d["statement"], d["value"]) for d in k.app.store.all(sid, RATES)][-1] == (1, 1)
    assert tile(view, 1, 2).count == 0

    k.tap("take_back")                                             # a slip noticed later:
    assert view.removing and tile(view, 0, 2).removing and view.hint.startswith("Tap the answer")
    k.tap(tile(view, 0, 2))                                        # one mark off "rød"
    assert not view.removing and tile(view, 0, 2).count == 0
    assert sum(1 for d in k.app.store.all(sid, RATES) if (d["statement"], d["value"]) == (0, 2)) == 0
    k.tap("undo")                                                  # and Undo puts it back
    assert tile(view, 0, 2).count == 1
    k.tap("take_back")
    k.tap(tile(view, 2, 0))                                        # nothing there: said, nothing changes
    assert "no mark there" in k.app.notice and tile(view, 2, 0).count == 0
    k.tap(k.app.root.ids.banner.ids.dismiss)                       # the banner's OK
    assert sorted(view.rows) == list(range(per))
    k.tap("page_next")
    assert view.page == 1 and sorted(view.rows) == list(range(per, min(2 * per, 10)))
    while not k.find("page_next").disabled:
        k.tap("page_next")
    assert 9 in view.rows
    k.tap(tile(view, 9, 1))
    while view.page:
        k.tap("page_prev")
    assert tile(view, 0, 0).count == 2
    fresh = Rating(k.app.store, sid, "paastander", view.rating.statements, view.rating.scale)
    assert fresh.tally()[9] == [0, 1, 0] and fresh.tally()[0] == [2, 0, 1]


def test_a_custom_scale_reads_its_own_words_with_shapes(kiosk):
    k = kiosk
    start(k)
    view = go_to(k, "terskel")
    assert view.pages == 1 and k.find("page_next").disabled
    assert [tile(view, 0, v).word for v in range(3)] == ["for lav", "passe", "for høy"]
    assert len({tile(view, 0, v).shape for v in range(3)}) == 3
    k.tap(tile(view, 0, 1))
    k.tap(tile(view, 0, 1))
    assert tile(view, 0, 1).count == 2 and view.rows[0].summary == "2 marks · all agree"


def test_readable_at_three_metres_and_finger_sized(kiosk):
    k = kiosk
    start(k, "apu", "Team Nord")
    s = k.app.s
    v = go_to(k, "intervju")
    assert k.find("round_name").font_size >= 60 * s                 # the round's name, huge
    assert k.find("round_clock").font_size >= 140 * s
    assert k.find("round_prompts").font_size >= 28 * s              # the five questions, all of them
    assert v.prompts_text.count("\n") == 4
    for name in ("round_prev", "round_toggle", "round_next", "round_minus", "round_plus"):
        w = k.find(name)
        assert w.height >= 80 * s and w.width >= 80 * s, name
    k.app.end_workshop()
    start(k)
    v = go_to(k, "paastander")
    for t in v.tiles.values():
        assert t.height >= 80 * s and t.width >= 80 * s
    assert k.find("page_next").height >= 80 * s and k.find("take_back").height >= 80 * s


# -- screenshots: python -m tests.test_ui_rounds_rate 1920x1080 (or 3840x2160) ----------------

def _shoot(size: str) -> list:
    """The rounds and rate steps of NED and APU with a realistic state, in Norwegian."""
    import random
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="nb")
    out = root / "screenshots" / "rounds_rate"
    shots = []
    try:
        start(k, "ned-dialogduk")
        go_to(k, "hvorfor")
        k.tap("round_toggle")
        k.advance(75)
        shots.append(k.screenshot(out / f"rounds-igp-{size}.png"))
        v = go_to(k, "paastander")
        rnd = random.Random(3)
        for i in range(10):
            for _ in range(rnd.randint(0, 5)):
                v.rating.mark(i, rnd.choice([0, 0, 1, 2]))
        v.refresh()
        shots.append(k.screenshot(out / f"rate-statements-{size}.png"))
        k.tap("page_next")
        shots.append(k.screenshot(out / f"rate-statements-page2-{size}.png"))
        v = go_to(k, "terskel")
        for value in (1, 1, 2, 1):
            v.rating.mark(0, value)
        v.refresh()
        shots.append(k.screenshot(out / f"rate-threshold-{size}.png"))
        k.app.end_workshop()
        start(k, "apu", "Team Nord")
        go_to(k, "intervju")
        k.tap("round_toggle")
        k.advance(600 + 125)
        shots.append(k.screenshot(out / f"rounds-apu-interview-{size}.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
