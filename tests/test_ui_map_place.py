"""Points put on the map by taps land where their cards cover no other card and not the
central theme, up to a full map; the core's places for them (``cells``, ``free_spot``
with a card size)."""

from __future__ import annotations

import math

import pytest

from kiosk.core.activities import map as maps
from kiosk.ui.widgets.board import PAD
from kiosk.ui.widgets.cards import LINE_H, card_height

from tests.test_ui_map_drag import STORY
from tests.test_ui_signup_map import go_to, start, type_and_save


def overlap(r, q):
    w = min(r[0] + r[2], q[0] + q[2]) - max(r[0], q[0])
    h = min(r[1] + r[3], q[1] + q[3]) - max(r[1], q[1])
    return max(0.0, w) * max(0.0, h)


def free(rects):
    return all(overlap(r, q) == 0 for i, r in enumerate(rects) for q in rects[i + 1:])


# -- the core --------------------------------------------------------------------------------

CARD, CENTRE = (0.21, 0.24), (0.36, 0.26)   # as parts of the map: the map at 1080p is about 1124 × 642


def as_rect(spot, size=CARD):
    return (spot[0] - size[0] / 2, spot[1] - size[1] / 2, size[0], size[1])


def test_cells_pack_the_map_side_by_side_clear_of_the_theme():
    cells = maps.cells(CARD, CENTRE)
    assert len(cells) == 10                                        # 4 × 3, two of the middle row under the theme
    assert free([as_rect(c) for c in cells])
    assert not any(overlap(as_rect(c), as_rect((0.5, 0.5), CENTRE)) for c in cells)
    assert all(CARD[0] / 2 - 1e-9 <= x <= 1 - CARD[0] / 2 + 1e-9 and CARD[1] / 2 - 1e-9 <= y <= 1 - CARD[1] / 2 + 1e-9
               for x, y in cells)                                  # wholly on the map
    assert cells[0][1] > 0.5                                       # nearest the theme first, the top first
    assert len(maps.cells((0.18, 0.18), CENTRE)) > len(cells)       # smaller cards: more places


def test_a_new_point_of_a_known_size_lands_clear_of_the_others_until_the_map_is_full():
    spots = []
    for _ in range(10):
        spots.append(maps.free_spot(spots, card=CARD, centre=CENTRE))
        assert free([as_rect(s) for s in spots])
    full = maps.free_spot(spots, card=CARD, centre=CENTRE)         # no room left: the least overlap
    assert min(max(abs(full[0] - s[0]) / CARD[0], abs(full[1] - s[1]) / CARD[1]) for s in spots) > 0.4
    odd = [(0.33, 0.8), (0.12, 0.12)]                              # placed by hand, off the cells
    spot = maps.free_spot(odd, card=CARD, centre=CENTRE)
    assert free([as_rect(s) for s in odd + [spot]])
    assert maps.free_spot([]) == pytest.approx((0.5, 0.84))        # without a size: the ring, as before


# -- on the screen ------------------------------------------------------------------------------

pytestmark_window = pytest.mark.window


@pytestmark_window
def test_fourteen_tapped_points_do_not_cover_each_other_nor_the_theme(kiosk):
    k = kiosk
    start(k, "arbejdsmiljofortaelling", "Børnehuset")
    wall = k.app.wall()
    keys = [wall.add_note("trio", t, step="opmaerksomhedspunkter").key for t in STORY]
    view = go_to(k, "fortaelling")
    board, s = view.ids.board, k.app.s
    cx, cy, cw, ch = view.centre_rect
    theme_rect = (cx - 6 * s, cy - 6 * s, cw + 12 * s, ch + 12 * s)   # with its frame
    mx, my, mw, mh = view.map_rect
    for n, key in enumerate(keys, start=1):
        k.tap_card(board, key)
        rects = [board.cards[x].rect for x in keys[:n]]
        assert free(rects), n
        assert not any(overlap(r, theme_rect) for r in rects), n
        assert all(mx <= r[0] and r[0] + r[2] <= mx + mw + 0.5 and my <= r[1] and r[1] + r[3] <= my + mh + 0.5
                   for r in rects), n
        w, h = view.card_size                                      # never less than two lines of text and ↔
        assert h >= 2 * PAD + 2 * LINE_H * s + 30 * s - 0.5 and w >= 200 * s - 0.5
    assert view.card_size == pytest.approx((240 * s, card_height(2, badge=True) * s))  # 14: two lines, as wide
    k.tap("new_point")                                             # one more, written on the map: 15 is more
    type_and_save(k, view.composer, "Ny leder")                    # than this map has clear places for
    c = next(n.key for n in wall.notes() if n.text == "Ny leder")
    new = board.cards[c].rect
    worst = max(overlap(new, board.cards[x].rect) for x in keys) / (new[2] * new[3])
    assert worst < 0.25 and not overlap(new, theme_rect)           # where it covers the others least
    assert math.isclose(view.card_size[0], 200 * s)
