"""The timeline's layout in a real window: overlapping period headings in rows of their
own, clear of each other and of the lanes; lane notes fitted (hyphenated, '…') at the
size the lanes allow; the same at 1080p and 4K.

Run as a script it writes the screenshots instead (40 notes over 10 and 15 years,
three overlapping periods; all placed and six still in the tray; the past-and-future
variant):

    python tests/test_ui_timeline_layout.py 1920x1080    (or 3840x2160)

into screenshots/timeline/<size>/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.core.activities.timeline import PERIODS, Timeline  # noqa: E402
from kiosk.core.wall import Wall  # noqa: E402

import test_ui_cards_timeline as cards_timeline  # noqa: E402

pytestmark = pytest.mark.window

EVENTS = cards_timeline.EVENTS + ["Arbejdsmiljørepræsentanten stoppede", "Sygefraværsopfølgning"]
LONG = "Sygefraværsopfølgning"


def method(span_years: int, future_years: int = 0):
    from kiosk.core.method import Method

    return Method.from_dict({"id": f"hv{span_years}", "title": "Historie", "language": "da", "steps": [
        {"id": "skriv", "title": "Skriv", "minutes": 5, "activity": "write",
         "params": {"kinds": [{"id": "begivenhed", "title": "Begivenhed", "colour": "yellow"}]}},
        {"id": "tidslinje", "title": "Tidslinje", "minutes": 40, "activity": "timeline",
         "params": {"span_years": span_years, "future_years": future_years}}]})


def open_timeline(k, span_years: int, future_years: int = 0):
    assert k.app.start_workshop(method(span_years, future_years), "Hjemmeplejen Nord"), k.app.notice
    k.frames(3)
    ws = k.app.workshop
    k.app.act(ws.go_to, 1, undo=ws)
    k.frames(4)
    v = k.find("activity").children[0]
    assert type(v).__name__ == "TimelineView"
    return v


def forty_notes(k, v, placed: int = 40, seed: int = 3):
    """40 post-its, heaped on the later years as real histories are; the rest in the tray."""
    import random

    rnd = random.Random(seed)
    line = v.line
    n = len(line.years)
    for i in range(40):
        year = line.years[min(n - 1, int(rnd.triangular(0, n, n * 0.7)))]
        line.write("begivenhed", EVENTS[i % len(EVENTS)], year if i < placed else None)
    k.app.revision += 1
    k.frames(3)


def fresh_line(k) -> Timeline:
    m = k.app.workshop.session.method
    wall = Wall(k.app.store, k.app.workshop.session.id, k.app.clock)
    return Timeline(k.app.store, k.app.workshop.session.id, k.app.clock, wall, "tidslinje",
                    m.steps[m.step_index("tidslinje")].params)


def add_period_by_touch(k, v, name: str, first: int, last: int):
    """+ Period heading, the name on the on-screen keyboard, then two taps on the years."""
    k.tap(v.ids.period)
    k.type(v.composer.ids.keyboard, name)
    k.tap(v.composer.ids.save)
    k.tap(v.year_buttons[first])
    k.tap(v.year_buttons[last])


def window_rect(w):
    x, y = w.to_window(w.x, w.y)
    return x, y, w.width, w.height


def board_rect_to_window(board, rect):
    x, y, w, h = rect
    wx, wy = board.to_window(board.x + x, board.y + y)
    return wx, wy, w, h


def overlap(a, b, slack: float = 0.5) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw - slack and bx < ax + aw - slack and ay < by + bh - slack and by < ay + ah - slack


def lane_cards(v):
    board = v.ids.board
    return [c for c in board.cards.values() if not c.key.startswith("more:")
            and v.line.wall.item(c.key).year is not None]


def check_headings(k, v, names: list[str], least_h: float = 52, least_px: float = 28):
    """Every heading on screen, in its own row, readable, tappable, clear of the others
    and of every lane and card."""
    s = k.app.s
    board = v.ids.board
    col_w, tray_top, bottom, top = v.geometry()
    periods = {p.id: p for p in fresh_line(k).periods()}
    rows = fresh_line(k).period_rows()
    assert sorted(p.name for p in periods.values()) == sorted(names)
    assert set(v.period_buttons) == set(periods)
    rects = {pid: window_rect(b) for pid, b in v.period_buttons.items()}
    ids = list(rects)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            assert not overlap(rects[a], rects[b]), (periods[a].name, periods[b].name)
    lanes_top = board.to_window(board.x, board.y + top)[1]
    for pid, (x, y, w, h) in rects.items():
        btn, p = v.period_buttons[pid], periods[pid]
        assert btn.text == p.name and btn.get_root_window() is not None
        assert btn.font_size >= least_px * s - 0.5             # the body size
        assert h >= least_h * s - 0.5 and w >= col_w - 6 * s - 0.5  # a finger's target, a year wide at least
        assert y >= lanes_top - 0.5                            # over the lanes, never on them
        assert y + h <= board.to_window(board.x, board.top)[1] + 0.5
        # it spans its own years
        first = board.to_window(board.x + v.line.years.index(p.first) * col_w, 0)[0]
        last = board.to_window(board.x + (v.line.years.index(p.last) + 1) * col_w, 0)[0]
        assert first <= x <= first + 4 * s and last - 4 * s <= x + w <= last
        for c in board.cards.values():                        # no post-it under a heading
            assert not overlap((x, y, w, h), board_rect_to_window(board, c.rect)), (p.name, c.text)
    tops = v.lane_tops()
    for c in lane_cards(v):                                   # and every lane card in its lane
        cx, cy, cw, ch = c.rect
        year = v.line.wall.item(c.key).year
        assert cy >= bottom - 0.5 and cy + ch <= tops[year] + 0.5
        covering = [r for pid, r in rows.items() if periods[pid].first <= year <= periods[pid].last]
        if not covering:                                      # no heading over it: the band's room is its own
            assert tops[year] >= board.height - (48 * s if v.future else 0) - 0.5
        else:
            assert tops[year] == pytest.approx(top) or tops[year] > top
    return rects


def test_three_overlapping_headings_stack_in_rows_clear_of_each_other_and_of_the_lanes(kiosk):
    k = kiosk
    s = k.app.s
    v = open_timeline(k, 10)
    forty_notes(k, v)
    y = v.line.years
    _, _, _, top_before = v.geometry()
    # the brief's three: Fusionen y1–y4, Ny leder y3–y6, Corona y6–y7 ...
    add_period_by_touch(k, v, "Fusionen", y[1], y[4])
    add_period_by_touch(k, v, "Ny leder", y[6], y[3])          # backwards is fine
    add_period_by_touch(k, v, "Corona", y[6], y[7])
    rects = check_headings(k, v, ["Fusionen", "Ny leder", "Corona"])
    rows = fresh_line(k).period_rows()
    assert sorted(rows.values()) == [0, 0, 1]                 # two rows: Corona goes up beside Fusionen
    heights = {round(r[3]) for r in rects.values()}
    assert heights == {round(64 * s)}
    # ... and a third over one year: three rows, each a row of its own
    add_period_by_touch(k, v, "Sparerunde", y[4], y[3])
    rects = check_headings(k, v, ["Fusionen", "Ny leder", "Corona", "Sparerunde"])
    assert sorted(fresh_line(k).period_rows().values()) == [0, 0, 1, 2]
    assert {round(r[3]) for r in rects.values()} == {round(52 * s)}
    _, _, bottom, top = v.geometry()
    assert top < top_before and top - bottom >= 150 * s        # the lanes still hold a note and more
    # every heading takes a finger: the third row's asks to be taken away
    spare = next(pid for pid, p in ((p.id, p) for p in fresh_line(k).periods()) if p.name == "Sparerunde")
    k.tap(v.period_buttons[spare])
    assert "Sparerunde" in k.app.confirm_view.question
    k.tap(k.app.confirm_view.ids.no)
    # a fourth over y[3..4] is refused: nothing stored, the years are to be picked again
    add_period_by_touch(k, v, "Omorganisering", y[2], y[4])
    assert "Three headings" in k.app.notice and k.app.notice_kind == "error"
    assert len(k.app.store.all(k.app.workshop.session.id, PERIODS)) == 4
    assert v.pending == {"name": "Omorganisering", "first": None} and "first year" in v.hint
    k.tap(v.year_buttons[y[8]])                                 # beside them it fits, in the top row
    k.tap(v.year_buttons[y[9]])
    check_headings(k, v, ["Fusionen", "Ny leder", "Corona", "Sparerunde", "Omorganisering"])
    new = next(p for p in fresh_line(k).periods() if p.name == "Omorganisering")
    assert fresh_line(k).period_rows()[new.id] == 0 and (new.first, new.last) == (y[8], y[9])
    k.tap("undo")                                               # undo takes it away again
    assert [p.name for p in fresh_line(k).periods()].count("Omorganisering") == 0
    check_headings(k, v, ["Fusionen", "Ny leder", "Corona", "Sparerunde"])


def test_band_heights_and_four_rows_stored_before_the_rule_still_do_not_overlap(kiosk):
    """One row gets a finger's 80 px, two 64, three 52; four (stored before the rule,
    or by hand) share the room of three instead of covering each other or the lanes."""
    from kiosk.ui.activities.timeline import band_layout

    assert band_layout(0, False) == (0, 0, 0) and band_layout(0, True) == (40, 0, 40)
    assert band_layout(1, False) == (80, 80, 0) and band_layout(2, True) == (40 + 2 * 64 + 4, 64, 40)
    three = band_layout(3, False)[0]
    assert three == 3 * 52 + 2 * 4 and band_layout(5, False)[0] == pytest.approx(three)
    k = kiosk
    v = open_timeline(k, 10)
    forty_notes(k, v)
    y = v.line.years
    sid = k.app.workshop.session.id
    for name, first, last in (("A", y[2], y[5]), ("B", y[3], y[6]), ("C", y[4], y[4]), ("D", y[4], y[8])):
        k.app.store.insert(sid, PERIODS, {"step": "tidslinje", "name": name, "first": first, "last": last,
                                          "deleted": False})
    ws = k.app.workshop                                          # the step opened afresh reads them
    k.app.act(ws.go_to, 0, undo=ws)
    k.frames(2)
    k.app.act(ws.go_to, 1, undo=ws)
    k.frames(4)
    v = k.find("activity").children[0]
    assert sorted(v.line.period_rows().values()) == [0, 1, 2, 3]
    rects = check_headings(k, v, ["A", "B", "C", "D"], least_h=38, least_px=18)   # smaller, still whole
    assert all(r[3] < 52 * k.app.s for r in rects.values())
    _, _, bottom, top = v.geometry()
    assert top - bottom >= 150 * k.app.s


def rendered_texts(board) -> set[str]:
    """The texts the board has drawn (its texture cache is keyed by the text drawn)."""
    return {key[0] for key in board._texts._cache}


def drawn_text(k, v, key: str) -> str:
    """What a lane card shows: the board's own fitting for that card, checked to be what
    the board drew."""
    from kiosk.ui import theme
    from kiosk.ui.widgets.board import PAD
    from kiosk.ui.text import fit_text

    board = v.ids.board
    card = board.cards[key]
    scale = board.card_scale(key)
    x, y, w, h = card.rect
    body_w, body_h = w - 2 * PAD * scale, h - 2 * PAD * scale
    if card.text_h is not None:
        body_h = min(body_h, card.text_h)
    text = fit_text(card.text, body_w, body_h, theme.NOTE * scale)
    assert text in rendered_texts(board), (text, card.text)
    return text


@pytest.mark.parametrize("years, px", [(10, 28), (15, 22)])
def test_a_long_word_in_a_lane_note_is_hyphenated_at_the_size_the_lane_allows(kiosk, years, px):
    from kiosk.ui.text import _width

    k = kiosk
    s = k.app.s
    v = open_timeline(k, years)
    line = v.line
    year = line.years[3]
    note = line.write("begivenhed", LONG, year)
    other = line.write("begivenhed", "Arbejdsmiljørepræsentanten stoppede", line.years[5])
    k.app.revision += 1
    k.frames(3)
    assert v.lane_px == px                                    # 28 px at 10 years, 22 px at 15 (1080p)
    board = v.ids.board
    assert abs(board.card_scale(note.key) - s * px / 28) < 1e-6
    col_w = v.geometry()[0]
    for n in (note, other):
        text = drawn_text(k, v, n.key)
        x, _, w, _ = board.cards[n.key].rect
        assert col_w * line.years.index(n.year) <= x and x + w <= col_w * (line.years.index(n.year) + 1)
        pieces = text.split()
        assert any(p.endswith("-") for p in pieces[:-1])     # broken where the line ends, with a hyphen
        body_w = w - 2 * 8 * board.card_scale(n.key)
        for p in pieces:                                      # no piece wider than the line: no mid-word break
            assert _width(p, px * s) <= body_w
        joined = "".join(p[:-1] if p.endswith("-") else p + " " for p in pieces).strip().rstrip("…")
        assert n.text.replace(" ", "").startswith(joined.replace(" ", ""))
        for p in pieces[1:]:                                  # at least three letters carried over
            assert len(p.rstrip("-…")) >= 3 or p in n.text.split()
    # the whole word is in the long note at 10 years; at 15 it may end in '…'
    if years == 10:
        assert drawn_text(k, v, note.key).replace("- ", "") == LONG


def test_forty_notes_and_three_rows_of_headings_at_4k_and_a_drag_of_a_small_lane_card(kiosk):
    """At 3840x2160 the layout is the 1080p one twice as large; a lane card with the
    lanes' smaller text is carried to another year by a finger and stored there."""
    from kiosk_testing import window_size

    k = kiosk
    window_size(3840, 2160)
    try:
        k.frames(3)
        s = k.app.s
        assert abs(s - 2) < 0.01
        v = open_timeline(k, 15)
        forty_notes(k, v, placed=34)
        y = v.line.years
        line = v.line
        line.add_period("Fusionen", y[4], y[7])
        line.add_period("Ny leder", y[6], y[9])
        line.add_period("Corona", y[7], y[8])
        line.add_period("Covid", y[12], y[12])             # one year of fifteen: the whole name
        k.app.revision += 1
        k.frames(3)
        check_headings(k, v, ["Fusionen", "Ny leder", "Corona", "Covid"])
        from kiosk.ui.text import _width

        for pid, btn in v.period_buttons.items():
            assert _width(btn.text, btn.font_size, bold=True) <= btn.text_size[0]   # not shortened
        assert v.lane_px == 22
        assert len([c for c in v.ids.board.cards.values() if line.wall.item(c.key).year is None]) == 6
        for b in v.year_buttons.values():
            assert b.font_size >= 28 * s and b.height >= 80 * s
        # a finger carries a lane card (22 px text) from its year to an empty one
        empty = next(yr for yr in y if not line.on(yr))
        key = lane_cards(v)[-1].key
        board = v.ids.board
        col_w, _, bottom, top = v.geometry()
        target = board.to_window(board.x + (y.index(empty) + 0.5) * col_w, board.y + (bottom + top) / 2)
        k.drag(k.card_centre(board, key), target)
        assert fresh_line(k).wall.item(key).year == empty
        assert board.cards[key].rect[0] >= y.index(empty) * col_w and not board.lifted
        drawn_text(k, v, key)
    finally:
        window_size(1920, 1080)
        k.frames(2)


# -- screenshots (run as a script) -------------------------------------------------------------

def shots(size: str) -> list[Path]:
    import os
    import tempfile
    import time

    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    w, h = (int(x) for x in size.split("x"))
    out = ROOT / "screenshots" / "timeline" / size
    import kiosk_testing as testing

    testing.virtual_display(w + 64, h + 64)
    testing.prepare_kivy(w, h)
    from kiosk.clock import FakeClock
    from kiosk_testing import Driver

    written = []
    k = Driver(Path(tempfile.mkdtemp()) / "data", clock=FakeClock(1_800_000_000.0), lang="da")
    try:
        for years, placed in ((10, 40), (10, 34), (15, 40), (15, 34)):
            v = open_timeline(k, years)
            forty_notes(k, v, placed)
            y, a = v.line.years, len(v.line.years) // 2
            v.line.add_period("Fusionen", y[a - 3], y[a])
            v.line.add_period("Ny leder", y[a - 1], y[a + 2])
            v.line.add_period("Corona", y[a], y[a + 1])
            k.app.revision += 1
            k.frames(4)
            written.append(k.screenshot(out / f"timeline-{years}y-{placed}-placed.png"))
            k.tap(v.year_buttons[y[a + 2]])
            written.append(k.screenshot(out / f"timeline-{years}y-{placed}-placed-year-sheet.png"))
            k.tap(v.sheet.ids.close)
            k.app.end_workshop()
            k.frames(2)
        assert k.app.start_workshop(k.app.method_by_id("historievaerksted-fremtid"), "Hjemmeplejen Nord")
        ws = k.app.workshop
        k.app.act(ws.go_to, ws.session.method.step_index("tidslinje"), undo=ws)
        k.frames(4)
        v = k.find("activity").children[0]
        line = v.line
        for i in range(40):
            line.write("forandring", EVENTS[i % len(EVENTS)], line.years[(i * 7) % len(line.years)])
        y = line.years
        line.add_period("Flytning", y[0], y[1])
        line.add_period("Fusionen", y[3], y[6])
        line.add_period("Corona", y[5], y[6])
        line.add_period("Den nye struktur", y[6], y[11])
        k.app.revision += 1
        k.frames(4)
        written.append(k.screenshot(out / "timeline-past-and-future.png"))
    finally:
        k.close()
    return written


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(shots)
