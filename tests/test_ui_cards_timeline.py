"""The cards and timeline steps with real touches in a real window, checked in the store.

Run as a script it writes the screenshots of both steps instead:

    python tests/test_ui_cards_timeline.py 1920x1080    (or 3840x2160)

into screenshots/cards_timeline/<size>/.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.core.activities.cards import CARD_KIND, JOKER_KIND, POINT_KIND, Cards  # noqa: E402
from kiosk.core.activities.timeline import PERIODS, Timeline  # noqa: E402
from kiosk.core.wall import Wall  # noqa: E402

pytestmark = pytest.mark.window

EVENTS = ["Ny leder", "Fusion med Vest", "Nyt journalsystem", "Flytning til nyt hus", "Stor sygdomsbølge",
          "Corona: nødplan", "Sommerfest igen", "Besparelser, 3 stillinger", "Ny faglig koordinator",
          "Tavlemøder indført", "Vold mod en kollega", "Nye vagtplaner", "Kursus i konflikthåndtering",
          "Mange nye kolleger", "Vikarstop", "Ny direktør", "Teamopdeling", "Ombygning af køkkenet",
          "APV med høj trivsel", "Ledelsesskifte igen"]


def start(k, method_id, team="Hjemmeplejen Nord"):
    assert k.app.start_workshop(k.app.method_by_id(method_id), team), k.app.notice
    k.frames(3)


def go_to(k, step_id):
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws)
    k.frames(4)
    assert k.app.workshop.session.step.id == step_id
    return k.find("activity").children[0]


def fresh_wall(k) -> Wall:
    return Wall(k.app.store, k.app.workshop.session.id, k.app.clock)


def fresh_cards(k, step="samtale") -> Cards:
    step_ = k.app.workshop.session.method.steps[k.app.workshop.session.method.step_index(step)]
    return Cards(k.app.store, k.app.workshop.session.id, k.app.clock, fresh_wall(k), step, step_.params)


def fresh_line(k, step="tidslinje") -> Timeline:
    m = k.app.workshop.session.method
    return Timeline(k.app.store, k.app.workshop.session.id, k.app.clock, fresh_wall(k), step,
                    m.steps[m.step_index(step)].params)


def compose(k, composer, text):
    k.type(composer.ids.keyboard, text)
    k.tap(composer.ids.save)


# -- cards --------------------------------------------------------------------------------------

def test_draw_in_turn_put_back_undo_people_and_deck(kiosk):
    k = kiosk
    start(k, "perspektivsamtale")
    v = go_to(k, "samtale")
    assert type(v).__name__ == "CardsView"
    order = fresh_cards(k).order()
    assert v.ids.pile.label == "12 cards" and v.turn_text == "Person 1's turn"
    for _ in range(3):
        k.tap(v.ids.pile)
    drawn = fresh_cards(k).drawn()
    deck = v.cards.deck["cards"]
    assert [n.text for n in drawn] == [deck[i] for i in order[:3]]
    assert all(n.kind == CARD_KIND for n in drawn)
    assert v.ids.big.text == deck[order[2]] and v.turn_text == "Person 4's turn"
    assert v.ids.pile.label == "9 cards" and list(v.ids.drawn.cards) == [n.key for n in drawn]

    k.tap(v.ids.put_back)                    # the third card back on the deck, on top
    assert [n.text for n in fresh_cards(k).drawn()] == [deck[i] for i in order[:2]]
    assert fresh_cards(k).remaining()[0] == order[2] and v.turn_text == "Person 3's turn"
    k.tap("undo")                            # drawn again
    assert len(fresh_cards(k).drawn()) == 3

    k.tap(v.ids.fewer)
    k.tap(v.ids.fewer)
    assert fresh_cards(k).people == 5 and v.people_text == "5 people"
    k.tap(v.ids.pile)
    k.tap(v.ids.pile)
    assert v.turn_text == "Person 1's turn"  # 5 drawn round a table of 5: round again

    k.tap(v.ids.deck)                        # the theme chooser: six big buttons
    assert len(v.deck_buttons) == 6 and "Hård tone" in v.deck_buttons["haard-tone"].text
    k.tap(v.deck_buttons["nye-kolleger"])
    c = fresh_cards(k)
    assert c.state.deck == "nye-kolleger" and len(c.remaining()) == 11
    assert v.chooser.get_parent_window() is None
    assert "Introduktion" in v.deck_text and v.ids.pile.label == "11 cards"
    k.tap("undo")                            # back to the first deck, its five cards still drawn
    assert fresh_cards(k).state.deck == "haard-tone" and v.ids.pile.label == "7 cards"


def test_joker_and_attention_points_on_the_keyboard(kiosk):
    k = kiosk
    start(k, "perspektivsamtale")
    v = go_to(k, "samtale")
    assert v.jokers_text == "Joker: your own (3 left)"
    k.tap(v.ids.joker)
    compose(k, v.composer, "Vi griner for lidt sammen")
    k.tap(v.ids.point)
    compose(k, v.composer, "Tonen er hårdest ved vagtskiftet")
    k.tap(v.ids.point)
    k.tap(v.composer.ids.save)               # empty: refused, the panel stays
    assert "Write something" in k.app.notice
    k.tap(v.composer.ids.cancel)
    wall = fresh_wall(k)
    assert [(n.kind, n.text) for n in wall.notes()] == [
        (JOKER_KIND, "Vi griner for lidt sammen"), (POINT_KIND, "Tonen er hårdest ved vagtskiftet")]
    assert v.ids.big.text == "Vi griner for lidt sammen" and v.turn_text == "Person 2's turn"
    assert v.jokers_text == "Joker: your own (2 left)"
    [point] = list(v.ids.points.cards)
    k.tap_card(v.ids.points, point)          # a tap opens it to change it
    v.composer.ids.text.text = ""
    compose(k, v.composer, "Tonen er hård om morgenen")
    assert fresh_wall(k).item(point).text == "Tonen er hård om morgenen"


def test_the_rest_turn_face_up_at_the_flip_minute_and_each_picks_one(kiosk):
    k = kiosk
    start(k, "perspektivsamtale")
    v = go_to(k, "samtale")
    k.tap(v.ids.pile)
    k.tap("toggle")                          # the step's timer runs: 60 min, flip at 20 left
    k.advance(39 * 60)
    assert not k.wait_until(lambda: v.flipped, 0.5)
    assert list(v.ids.table.cards) == []
    k.advance(61)
    table = v.ids.table
    assert k.wait_until(lambda: v.flipped and table.height > 150 and table.cards)   # turned and laid out
    left = fresh_cards(k).remaining()
    assert sorted(table.cards) == sorted(f"i{i}" for i in left)
    assert "face up" in v.hint and v.ids.flip.disabled and v.ids.pile.opacity == 0
    pick = left[5]                           # not the top card: a free choice
    k.tap_card(table, f"i{pick}")
    drawn = fresh_cards(k).drawn()
    assert drawn[-1].text == v.cards.deck["cards"][pick] and f"i{pick}" not in table.cards


def test_turn_face_up_by_hand_asks_first_and_undo_turns_them_back(kiosk):
    k = kiosk
    start(k, "perspektivsamtale")
    v = go_to(k, "samtale")
    k.tap(v.ids.flip)
    k.tap(k.app.confirm_view.ids.yes)
    k.frames(2)
    assert v.flipped and fresh_cards(k).state.flipped and len(v.ids.table.cards) == 12
    k.tap("undo")
    assert not v.flipped and not fresh_cards(k).state.flipped and v.ids.pile.label == "12 cards"


def test_the_deck_is_the_same_after_a_restart(display, data_dir, clock):
    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        start(k, "perspektivsamtale")
        v = go_to(k, "samtale")
        k.tap(v.ids.pile)
        k.tap(v.ids.pile)
        order, shown = v.cards.order(), v.ids.big.text
    finally:
        k.close()
    k2 = Driver(data_dir, clock=clock, lang="en")
    try:
        v2 = k2.find("activity").children[0]
        assert type(v2).__name__ == "CardsView"
        assert v2.cards.order() == order and v2.ids.big.text == shown and v2.ids.pile.label == "10 cards"
        assert v2.turn_text == "Person 3's turn"
    finally:
        k2.close()


# -- timeline -----------------------------------------------------------------------------------

def seed_events(k, texts, years=None):
    wall = k.app.wall()
    out = [wall.add_note("begivenhed", t, step="skriv").key for t in texts]
    k.app.revision += 1
    k.frames(2)
    return out


def lane_point(k, v, year):
    """A point in the middle of a year's lane, in window coordinates."""
    board = v.ids.board
    col_w, tray_top, bottom, top = v.geometry()
    i = v.line.years.index(year)
    return board.to_window(board.x + (i + 0.5) * col_w, board.y + (bottom + top) / 2)


def test_drag_post_its_onto_years_and_back_with_undo(kiosk):
    k = kiosk
    start(k, "historievaerksted")
    a, b, c = seed_events(k, EVENTS[:3])
    v = go_to(k, "tidslinje")
    assert type(v).__name__ == "TimelineView"
    years = v.line.years
    assert len(years) == 10 and years[-1] == time.localtime(k.app.clock.now()).tm_year
    assert "Ingen kommentarer" in v.rule
    board = v.ids.board
    k.drag(k.card_centre(board, a), lane_point(k, v, years[2]))
    k.drag(k.card_centre(board, b), lane_point(k, v, years[2]))
    k.drag(k.card_centre(board, c), lane_point(k, v, years[7]))
    wall = fresh_wall(k)
    assert [wall.item(x).year for x in (a, b, c)] == [years[2], years[2], years[7]]
    assert v.year_buttons[years[2]].text.startswith(f"{years[2]}\n") and "]2[" in v.year_buttons[years[2]].text
    # the card now sits in its year's lane, over the year's label
    x, y, w, h = board.cards[a].rect
    col_w, tray_top, bottom, top = v.geometry()
    assert 2 * col_w <= x and x + w <= 3 * col_w and y >= bottom
    k.drag(k.card_centre(board, c), lane_point(k, v, years[8]))      # moved on
    assert fresh_wall(k).item(c).year == years[8]
    bx, by = board.to_window(board.x + board.width / 2, board.y + 30)
    k.drag(k.card_centre(board, a), (bx, by))                          # down into the tray: off again
    assert fresh_wall(k).item(a).year is None
    k.tap("undo")
    assert fresh_wall(k).item(a).year == years[2]
    k.tap("undo")
    assert fresh_wall(k).item(c).year == years[7]


def test_write_on_the_timeline_and_read_a_year_large(kiosk):
    k = kiosk
    start(k, "historievaerksted")
    v = go_to(k, "tidslinje")
    k.tap(v.ids.write)
    compose(k, v.composer, "Ny leder i 2019")
    [note] = fresh_wall(k).notes()
    assert note.kind == "begivenhed" and note.year is None and note.step == "tidslinje"
    year = v.line.years[4]
    k.drag(k.card_centre(v.ids.board, note.key), lane_point(k, v, year))
    k.tap(v.year_buttons[year])
    sheet = v.sheet
    assert sheet.get_parent_window() is not None and list(sheet.ids.board.cards) == [note.key]
    assert sheet.title == f"{year}: 1 post-its"
    k.tap(sheet.ids.close)
    assert sheet.get_parent_window() is None


def test_period_headings_by_name_and_two_years_remove_and_undo(kiosk):
    k = kiosk
    start(k, "historievaerksted")
    v = go_to(k, "tidslinje")
    years = v.line.years
    k.tap(v.ids.period)
    compose(k, v.composer, "Fusionen")
    assert "first year" in v.hint and v.ids.period.text == "Cancel the period"
    k.tap(v.year_buttons[years[5]])
    assert "last year" in v.hint
    k.tap(v.year_buttons[years[3]])              # backwards is fine
    [p] = fresh_line(k).periods()
    assert (p.name, p.first, p.last) == ("Fusionen", years[3], years[5])
    band = v.period_buttons[p.id]
    assert band.text == "Fusionen"
    col_w = v.geometry()[0]
    assert abs(band.width - (3 * col_w - 6 * k.app.s)) < 2
    k.tap(band)
    k.tap(k.app.confirm_view.ids.yes)
    assert fresh_line(k).periods() == [] and v.period_buttons == {}
    k.tap("undo")
    assert [x.name for x in fresh_line(k).periods()] == ["Fusionen"]
    # a period with no name is refused and nothing is waiting for years
    k.tap(v.ids.period)
    k.tap(v.composer.ids.save)
    assert "name" in k.app.notice and v.pending is None
    k.tap(v.composer.ids.cancel)
    # cancel while picking years
    k.tap(v.ids.period)
    compose(k, v.composer, "Corona")
    k.tap(v.year_buttons[years[6]])
    k.tap(v.ids.period)
    assert v.pending is None and len(fresh_line(k).periods()) == 1
    assert len(k.app.store.all(k.app.workshop.session.id, PERIODS)) == 1


def test_forty_notes_stay_usable_fifteen_years_readable(kiosk):
    """40 post-its over 15 years: every lane fans within its own column and above its
    label, the label counts them all, the tray is usable, and the year labels stay large."""
    from kiosk.core.method import Method

    k = kiosk
    method = Method.from_dict({"id": "hv15", "title": "Historie 15 år", "language": "da", "steps": [
        {"id": "skriv", "title": "Skriv", "minutes": 5, "activity": "write",
         "params": {"kinds": [{"id": "begivenhed", "title": "Begivenhed", "colour": "yellow"}]}},
        {"id": "tidslinje", "title": "Tidslinje", "minutes": 40, "activity": "timeline",
         "params": {"span_years": 15}}]})
    assert k.app.start_workshop(method, "Team")
    wall = k.app.wall()
    keys = [wall.add_note("begivenhed", EVENTS[i % 20] + f" {i}", step="skriv").key for i in range(40)]
    v = go_to(k, "tidslinje")
    line = v.line
    assert len(line.years) == 15
    for i, key in enumerate(keys[:36]):          # heaped on a few years, as real histories are
        line.place(int(key[1:]), line.years[[3, 8, 14][i % 3] if i < 24 else i % 15])
    k.app.revision += 1
    k.frames(3)
    board = v.ids.board
    col_w, tray_top, bottom, top = v.geometry()
    s = k.app.s
    assert col_w >= 90 * s
    for i, year in enumerate(line.years):
        b = v.year_buttons[year]
        n = len(line.on(year))
        assert b.text.split("\n")[0] == str(year) and (f"]{n}[" in b.text or (n == 0 and "–" in b.text))
        assert b.font_size >= 28 * s and b.height >= 80 * s
        mine = [c for c in board.cards.values() if fresh_year(line, c.key) == year]
        assert 1 <= len(mine) <= n or n == 0
        for c in mine:
            x, y, w, h = c.rect
            assert i * col_w <= x and x + w <= (i + 1) * col_w + 0.5 and y >= bottom - 0.5 and y + h <= top + 0.5
        if len(mine) < n:                         # some do not fit: "+n" says how many, over the lane
            assert v.more_labels[year].text == f"+{n - len(mine)}" and v.more_labels[year].opacity == 1
        else:
            assert v.more_labels[year].opacity == 0
    assert any(v.more_labels[y].opacity == 1 for y in line.years)      # the heaped years do overflow
    tray = [c for c in board.cards.values() if fresh_year(line, c.key) is None]
    assert len(tray) == 4 and all(c.rect[1] + c.rect[3] <= tray_top for c in tray)
    # the fullest year still takes one more by a drag, and its label counts it
    full = line.years[3]
    k.drag(k.card_centre(board, tray[0].key), lane_point(k, v, full))
    assert fresh_wall(k).item(tray[0].key).year == full
    assert f"]{len(line.on(full))}[" in v.year_buttons[full].text


def fresh_year(line, key):
    return line.wall.item(key).year


# -- screenshots (run as a script) -------------------------------------------------------------

def shots(size: str) -> list[Path]:
    """Cards face down, drawn and flipped; the timeline empty and with 40 notes."""
    import os
    import random
    import tempfile

    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    w, h = (int(x) for x in size.split("x"))
    out = ROOT / "screenshots" / "cards_timeline" / size
    import kiosk_testing as testing

    testing.virtual_display(w + 64, h + 64)
    testing.prepare_kivy(w, h)
    from kiosk.clock import FakeClock
    from kiosk_testing import Driver

    written = []
    k = Driver(Path(tempfile.mkdtemp()) / "data", clock=FakeClock(1_800_000_000.0), lang="da")
    try:
        start(k, "perspektivsamtale")
        v = go_to(k, "samtale")
        k.tap("toggle")
        written.append(k.screenshot(out / "cards-1-face-down.png"))
        k.tap(v.ids.deck)
        written.append(k.screenshot(out / "cards-0-choose-theme.png"))
        k.tap(v.deck_buttons["haard-tone"])
        for _ in range(4):
            k.tap(v.ids.pile)
        v.cards.point("Tonen er hårdest ved vagtskiftet om morgenen")
        v.cards.point("Nye kolleger siger sjældent fra")
        k.app.revision += 1
        k.frames(3)
        written.append(k.screenshot(out / "cards-2-drawn.png"))
        k.advance(40 * 60 + 1)
        k.wait_until(lambda: v.flipped and v.ids.table.height > 150 and v.ids.table.cards)
        k.frames(3)
        written.append(k.screenshot(out / "cards-3-flipped.png"))
        k.app.end_workshop()
        k.frames(2)

        start(k, "historievaerksted")
        v = go_to(k, "tidslinje")
        written.append(k.screenshot(out / "timeline-1-empty.png"))
        rnd = random.Random(3)
        line = v.line
        n_years = len(line.years)
        for i in range(40):
            year = line.years[min(n_years - 1, int(rnd.triangular(0, n_years, n_years * 0.7)))]
            line.write("begivenhed", EVENTS[i % 20] + ("" if i < 20 else " igen"), year if i < 34 else None)
        line.add_period("Fusionen", line.years[2], line.years[4])
        line.add_period("Corona", line.years[5], line.years[6])
        line.add_period("Ny ledelse", line.years[7], line.years[9])
        k.app.revision += 1
        k.frames(4)
        written.append(k.screenshot(out / "timeline-2-forty-notes.png"))
        k.app.end_workshop()
        k.frames(2)

        start(k, "historievaerksted-fremtid")
        v = go_to(k, "tidslinje")
        line = v.line
        for i in range(12):
            line.write("forandring", EVENTS[i], line.years[(i * 5) % len(line.years)])
        line.add_period("Den nye struktur", line.years[-3], line.years[-1])
        k.app.revision += 1
        k.frames(4)
        written.append(k.screenshot(out / "timeline-3-past-and-future.png"))
    finally:
        k.close()
    return written


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(shots)


def test_cards_keep_their_look_in_later_steps(display):
    """A drawn card, a joker and a point look the same in the sort and action steps as
    on the cards screen: the look comes from the activity that made them."""
    from kiosk.core.loader import load_method
    from kiosk.ui.activities.base import kind_styles
    from kiosk.ui.activities.cards import CardsView

    method = load_method(Path(__file__).resolve().parents[1] / "methods" / "perspektivsamtale.toml")
    styles = kind_styles(method)
    for kind, style in CardsView.STYLES.items():
        assert styles[kind].mark == style.mark and styles[kind].colour == style.colour
