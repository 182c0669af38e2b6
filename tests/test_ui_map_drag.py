"""The map's links follow a dragged post-it, in a real window with real touches.

A finger goes down on a post-it and moves, and the test looks while it is still
down: the link's line must end at the card's centre where the finger has it now
(its points, and the drawn pixels), with no re-layout per move. Then the finger
lets go and the line rests where the card landed. Two fingers carry the two ends
of a link at once; a card carried into the tray takes its links off the map; a card
let go where nothing can take it snaps back and so do its lines.
"""

from __future__ import annotations

import math

import pytest

from kiosk.core.activities import map as maps
from kiosk.core.wall import Wall
from kiosk.ui import theme

from tests.test_ui_signup_map import go_to, near, pixel, start, window_xy

pytestmark = pytest.mark.window

POINTS = ("Hyppige lederskift", "Teammøder bliver aflyst", "Travlhed om morgenen")


def fresh(k) -> Wall:
    return Wall(k.app.store, k.app.workshop.session.id, k.app.clock)


def a_map(k, spots=((0.15, 0.75), (0.8, 0.7), (0.2, 0.2)), links=((0, 1), (1, 2))):
    """The map step with three attention points placed and linked through the core."""
    start(k, "arbejdsmiljofortaelling", "Børnehuset")
    wall = k.app.wall()
    keys = [wall.add_note("trio", t, step="opmaerksomhedspunkter").key for t in POINTS]
    view = go_to(k, "fortaelling")
    for key, spot in zip(keys, spots):
        k.app.act(view.board.place, key, *spot, undo=wall)
    for i, j in links:
        k.app.act(view.board.toggle_link, keys[i], keys[j], undo=wall)
    k.frames(2)
    assert set(maps.links(fresh(k))) == {maps.pair(keys[i], keys[j]) for i, j in links}
    return view, keys


def line_of(view, a, b):
    """The drawn line of the link a–b as two window points, the end at ``a`` first."""
    board = view.ids.board
    for x, y, pts in view.link_lines():
        if {x, y} == {a, b}:
            p, q = window_xy(board, pts[0] - board.x, pts[1] - board.y), window_xy(board, pts[2] - board.x,
                                                                                  pts[3] - board.y)
            return (p, q) if x == a else (q, p)
    return None


def rest_centre(k, view, key):
    return k.card_centre(view.ids.board, key)


def lifted_rect(view, key):
    """Where a carried card is drawn now (window), from the board's own record of the lift."""
    board = view.ids.board
    lift = next(v for v in board.lifted.values() if v["key"] == key)
    x, y, w, h = lift["rect"]
    x, y = x + lift["translate"].x, y + lift["translate"].y
    (wx, wy) = window_xy(board, x, y)
    return wx, wy, w, h


def close(p, q, tol=1.5):
    return math.dist(p, q) <= tol


def clear_point(view, p, q, extra=(), avoid=()):
    """A window point on the segment p–q that no card, the centre, nor any rect in
    ``extra`` covers, and at least 30 px from every segment in ``avoid``."""
    board = view.ids.board
    covers = [(*window_xy(board, r[0], r[1]), r[2], r[3]) for r in (c.rect for c in board.cards.values())]
    cx, cy, cw, ch = view.centre_rect
    covers.append((*window_xy(board, cx, cy), cw, ch))
    covers += list(extra)
    for i in range(1, 60):
        t = i / 60
        x, y = p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t
        if any(rx - 12 <= x <= rx + rw + 12 and ry - 12 <= y <= ry + rh + 12 for rx, ry, rw, rh in covers):
            continue
        if any(_dist_to_segment((x, y), a, b) < 30 for a, b in avoid):
            continue
        return x, y
    raise AssertionError("no clear point on the line")


def _dist_to_segment(p, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / ((dx * dx + dy * dy) or 1)))
    return math.dist(p, (ax + t * dx, ay + t * dy))


class Spy:
    """Counts the calls of an object's method (the real method still runs)."""

    def __init__(self, obj, name):
        self.n = 0
        real = getattr(obj, name)

        def counted(*args, **kw):
            self.n += 1
            return real(*args, **kw)
        setattr(obj, name, counted)


def move(k, touch, start, end, steps=8):
    for i in range(1, steps + 1):
        f = i / steps
        touch.touch_move(start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f)
        k.frames(1)


# -- one finger --------------------------------------------------------------------------------

def test_a_link_follows_the_finger_and_rests_where_the_card_lands(kiosk):
    k = kiosk
    view, (a, b, c) = a_map(k)
    board = view.ids.board
    before_ab, before_bc = line_of(view, a, b), line_of(view, b, c)
    assert close(before_ab[0], rest_centre(k, view, a)) and close(before_ab[1], rest_centre(k, view, b))

    mx, my, mw, mh = view.map_rect
    origin = rest_centre(k, view, a)
    target = window_xy(board, mx + mw * 0.45, my + mh * 0.12)          # low in the middle, below the theme
    finger = k.touch(*origin)
    finger.touch_down()
    k.frames(1)
    move(k, finger, origin, ((origin[0] + target[0]) / 2, (origin[1] + target[1]) / 2), steps=3)
    refreshes, layouts = Spy(view, "refresh"), Spy(board, "set_cards")
    redraws = Spy(board, "redraw")
    move(k, finger, ((origin[0] + target[0]) / 2, (origin[1] + target[1]) / 2), target, steps=6)
    # the finger is still down: the line's end is the card's centre, where the finger has it
    x, y, w, h = lifted_rect(view, a)
    carried = (x + w / 2, y + h / 2)
    assert close(carried, (target[0], target[1]))                       # grabbed at its centre
    now_ab = line_of(view, a, b)
    assert close(now_ab[0], carried), (now_ab, carried)
    assert close(now_ab[1], rest_centre(k, view, b))                     # the other end stays
    assert line_of(view, b, c) == before_bc                              # a link without it: untouched
    assert (refreshes.n, layouts.n, redraws.n) == (0, 0, 0)              # a line update per move, no re-layout
    assert fresh(k).item(a).map_at == pytest.approx((0.15, 0.75))        # nothing stored yet

    # on the screen: the link's colour on the new line, the panel's on the old one
    new = clear_point(view, *now_ab, extra=[(x, y, w, h)], avoid=[before_ab, before_bc])
    old = clear_point(view, *before_ab, extra=[(x, y, w, h)], avoid=[now_ab, before_bc])
    assert near(pixel(k, *new), theme.ACCENT)
    assert near(pixel(k, *old), theme.PANEL)

    finger.touch_up()
    k.frames(2)
    spot = fresh(k).item(a).map_at
    assert spot == pytest.approx((0.45, 0.12), abs=0.03)                 # stored where it landed
    rest_ab = line_of(view, a, b)
    assert close(rest_ab[0], rest_centre(k, view, a)) and close(rest_ab[1], rest_centre(k, view, b))
    assert close(rest_ab[0], carried, tol=40)                            # clamped into the map at most
    assert near(pixel(k, *clear_point(view, *rest_ab, avoid=[before_ab, before_bc])), theme.ACCENT)
    assert not board.lifted and not view._carried


def test_let_go_where_nothing_takes_it_the_card_and_its_lines_snap_back(kiosk):
    k = kiosk
    view, (a, b, c) = a_map(k)
    board = view.ids.board
    before = line_of(view, a, b)
    header = k.find("new_point")                                          # above the board: not on it
    origin = rest_centre(k, view, b)
    finger = k.touch(*origin)
    finger.touch_down()
    move(k, finger, origin, k.center_of(header))
    assert not close(line_of(view, a, b)[1], origin)                     # it followed up there
    finger.touch_up()
    k.frames(2)
    assert line_of(view, a, b) == before and not view._carried
    assert fresh(k).item(b).map_at == pytest.approx((0.8, 0.7))

    # let go in the gap between the tray and the map: no place, nothing stored, back it goes
    tx, ty, tw, th = view.tray_rect
    mx = view.panel_rect[0]
    gap = window_xy(board, (tx + tw + mx) / 2, th / 2)
    finger = k.touch(*origin)
    finger.touch_down()
    move(k, finger, origin, gap)
    assert close(line_of(view, a, b)[1], gap)
    finger.touch_up()
    k.frames(2)
    assert line_of(view, a, b) == before
    assert fresh(k).item(b).map_at == pytest.approx((0.8, 0.7))


# -- several fingers ------------------------------------------------------------------------

def test_two_fingers_carry_both_ends_of_a_link_and_each_line_follows(kiosk):
    k = kiosk
    view, (a, b, c) = a_map(k)
    board = view.ids.board
    mx, my, mw, mh = view.map_rect
    oa, ob = rest_centre(k, view, a), rest_centre(k, view, b)
    ta = window_xy(board, mx + mw * 0.12, my + mh * 0.42)
    tb = window_xy(board, mx + mw * 0.75, my + mh * 0.2)
    fa, fb = k.touch(*oa), k.touch(*ob)
    fa.touch_down()
    fb.touch_down()
    k.frames(1)
    for i in range(1, 9):                                                # both move in the same frames
        f = i / 8
        fa.touch_move(oa[0] + (ta[0] - oa[0]) * f, oa[1] + (ta[1] - oa[1]) * f)
        fb.touch_move(ob[0] + (tb[0] - ob[0]) * f, ob[1] + (tb[1] - ob[1]) * f)
        k.frames(1)
    ab, bc = line_of(view, a, b), line_of(view, b, c)
    assert close(ab[0], ta) and close(ab[1], tb)                         # both ends in the fingers
    assert close(bc[0], tb) and close(bc[1], rest_centre(k, view, c))    # b's other link too
    assert near(pixel(k, *clear_point(view, *ab, extra=[lifted_rect(view, a), lifted_rect(view, b)])),
                theme.ACCENT)

    fa.touch_up()                                                        # a lands: the view lays out again
    k.frames(2)
    assert fresh(k).item(a).map_at == pytest.approx((0.12, 0.42), abs=0.03)
    ab, bc = line_of(view, a, b), line_of(view, b, c)
    assert close(ab[0], rest_centre(k, view, a))
    assert close(ab[1], tb) and close(bc[0], tb)                         # b still in its finger
    fb.touch_move(tb[0] - 40, tb[1] + 30)
    k.frames(1)
    assert close(line_of(view, b, c)[0], (tb[0] - 40, tb[1] + 30))
    fb.touch_up()
    k.frames(2)
    ab, bc = line_of(view, a, b), line_of(view, b, c)
    assert close(ab[1], rest_centre(k, view, b)) and close(bc[0], rest_centre(k, view, b))
    assert not view._carried and not board.lifted


# -- off the map -------------------------------------------------------------------------------

def test_a_card_carried_into_the_tray_takes_its_links_off_the_map(kiosk):
    k = kiosk
    view, (a, b, c) = a_map(k)
    board = view.ids.board
    before_bc = line_of(view, b, c)
    tx, ty, tw, th = view.tray_rect
    tray = window_xy(board, tx + tw / 2, ty + th * 0.3)
    origin = rest_centre(k, view, c)
    finger = k.touch(*origin)
    finger.touch_down()
    move(k, finger, origin, tray)
    bc = line_of(view, b, c)
    assert close(bc[1], tray) and close(bc[0], rest_centre(k, view, b))  # over the tray, still in hand
    mid = clear_point(view, *bc, extra=[lifted_rect(view, c)], avoid=[before_bc, line_of(view, a, b)])
    assert near(pixel(k, *mid), theme.ACCENT)
    finger.touch_up()
    k.frames(2)
    assert fresh(k).item(c).map_at is None                               # off the map, in the tray
    assert line_of(view, b, c) is None and line_of(view, a, b) is not None
    assert maps.links(fresh(k)) == [maps.pair(a, b)]
    assert board.cards[b].badge == "↔ 1" and board.cards[c].badge == ""
    assert not near(pixel(k, *mid), theme.ACCENT)                        # no line left behind
    assert "2 on the map · 1 links" == view.status


# -- lines under the theme and under a third card --------------------------------------------

def blend(top, alpha, below):
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top[:3], below[:3]))


def test_a_link_passing_the_theme_or_a_third_card_shows_faintly_across_it_not_on_its_ends(kiosk):
    from kiosk.ui.activities.map import THROUGH

    k = kiosk
    view, (a, b, c) = a_map(k, spots=((0.1, 0.5), (0.9, 0.5), (0.5, 0.12)), links=((0, 1),))
    board = view.ids.board
    k.app.act(view.board.set_centre, "Tone", undo=view.board)      # a short theme: its word in the middle
    k.frames(2)
    cx, cy, cw, ch = view.centre_rect
    ab = line_of(view, a, b)
    y_at = lambda x: ab[0][1] + (ab[1][1] - ab[0][1]) * (x - ab[0][0]) / (ab[1][0] - ab[0][0])  # noqa: E731
    x = window_xy(board, cx + 24, 0)[0]                            # inside the theme, clear of its word
    seen = pixel(k, x, y_at(x))
    face = view.ids.centre.face
    assert near(seen, blend(theme.ACCENT, THROUGH, face), tol=0.05)  # faint: it passes, it is no link to it
    assert not near(seen, theme.ACCENT) and not near(seen, face)
    ax, ay, aw, ah = board.cards[a].rect                           # on its own ends: the card, untouched
    x = window_xy(board, ax + aw / 2 + 25, 0)[0]
    assert near(pixel(k, x, y_at(x)), board.cards[a].colour, tol=0.03)

    mx, my, mw, mh = view.map_rect                                  # carry a and b down: the link runs under c
    for key, at in ((a, 0.08), (b, 0.92)):
        k.drag(rest_centre(k, view, key), window_xy(board, mx + mw * at, my + mh * 0.12))
    assert fresh(k).item(a).map_at[1] == pytest.approx(0.12, abs=0.03)
    ab = line_of(view, a, b)
    rx, ry, rw, rh = board.cards[c].rect
    assert ry < y_at(window_xy(board, rx, 0)[0]) - board.y < ry + rh  # c lies across the line a–b
    x = window_xy(board, rx + rw - 18, 0)[0]                       # its right edge, clear of its text
    assert near(pixel(k, x, y_at(x)), blend(theme.ACCENT, THROUGH, board.cards[c].colour), tol=0.05)

    finger = k.touch(*rest_centre(k, view, b))                     # the faint part follows a finger too
    finger.touch_down()
    move(k, finger, rest_centre(k, view, b), window_xy(board, mx + mw * 0.8, my + mh * 0.75))
    through = next(line for p, q, _l, line in view._lines if {p, q} == {a, b}).points
    centre, (lx, ly, lw, lh) = line_of(view, a, b)[1], lifted_rect(view, b)
    end = min(((through[0], through[1]), (through[2], through[3])), key=lambda e: math.dist(e, centre))
    end = window_xy(board, end[0] - board.x, end[1] - board.y)
    on_edge = (abs(end[0] - lx) < 1 or abs(end[0] - lx - lw) < 1 or abs(end[1] - ly) < 1 or abs(end[1] - ly - lh) < 1)
    assert on_edge and lx - 1 <= end[0] <= lx + lw + 1 and ly - 1 <= end[1] <= ly + lh + 1  # at the carried card's edge
    finger.touch_up()
    k.frames(2)


# -- screenshots: python -m tests.test_ui_map_drag 1920x1080 (or 3840x2160) -------------------

STORY = ["Hyppige lederskift", "Teammøder bliver aflyst", "Travlhed om morgenen", "Nye kolleger uden oplæring",
         "Vi hjælper hinanden", "Sygefraværet er steget", "Uklare beskeder om ændringer",
         "Borgerne er glade for os", "Ingen tid til refleksion", "Vagtplanen kommer for sent",
         "Kaffemaskinen er gået i stykker", "Svært at sige fra", "Godt samarbejde med sygeplejen",
         "Tunge løft uden hjælpemidler"]


def _shoot(size: str) -> list:
    """The map of a Danish TRIO session: at rest, mid-drag (one finger, then two), and
    full (14 points, placed by taps where the map has room)."""
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    import kiosk_testing as testing

    w, h = (int(x) for x in size.split("x"))
    testing.virtual_display(w + 80, h + 80)
    testing.prepare_kivy(w, h)
    from kiosk.clock import FakeClock
    from kiosk_testing import Driver

    k = Driver(Path(tempfile.mkdtemp()) / "data", clock=FakeClock(1_800_000_000.0), lang="da")
    out = root / "screenshots" / "map" / size
    shots = []
    try:
        start(k, "arbejdsmiljofortaelling", "Børnehuset")
        wall = k.app.wall()
        keys = [wall.add_note("trio", t, step="opmaerksomhedspunkter").key for t in STORY]
        view = go_to(k, "fortaelling")
        k.app.act(view.board.set_centre, "Hård tone på afdelingen", undo=view.board)
        spots = [(0.2, 0.8), (0.78, 0.82), (0.12, 0.35), (0.85, 0.3), (0.5, 0.12), (0.5, 0.88), (0.3, 0.15)]
        for key, spot in zip(keys, spots):
            k.app.act(view.board.place, key, *spot, undo=wall)
        for i, j in ((0, 1), (0, 2), (0, 3), (1, 5), (2, 6), (3, 4), (5, 4)):
            k.app.act(view.board.toggle_link, keys[i], keys[j], undo=wall)
        k.frames(2)
        shots.append(k.screenshot(out / "1-at-rest.png"))
        board = view.ids.board
        mx, my, mw, mh = view.map_rect
        origin = k.card_centre(board, keys[0])
        finger = k.touch(*origin)
        finger.touch_down()
        move(k, finger, origin, window_xy(board, mx + mw * 0.62, my + mh * 0.62))
        shots.append(k.screenshot(out / "2-mid-drag.png"))
        other = k.card_centre(board, keys[4])
        second = k.touch(*other)
        second.touch_down()
        move(k, second, other, window_xy(board, mx + mw * 0.08, my + mh * 0.6))
        shots.append(k.screenshot(out / "3-two-fingers.png"))
        tx, ty, tw, th = view.tray_rect
        move(k, second, window_xy(board, mx + mw * 0.08, my + mh * 0.6), window_xy(board, tx + tw / 2, th * 0.5))
        shots.append(k.screenshot(out / "4-into-the-tray.png"))
        second.touch_up()
        finger.touch_up()
        k.frames(2)
        shots.append(k.screenshot(out / "5-let-go.png"))
        for key in keys:
            if wall.item(key).map_at is None:
                k.tap_card(board, key)
        k.tap_card(board, keys[9])
        k.tap_card(board, keys[10])
        shots.append(k.screenshot(out / "6-fourteen-points.png"))
        k.close()                                                # the same story, every point put on by a tap
        k = Driver(Path(tempfile.mkdtemp()) / "data", clock=FakeClock(1_800_000_000.0), lang="da")
        start(k, "arbejdsmiljofortaelling", "Børnehuset")
        wall = k.app.wall()
        keys = [wall.add_note("trio", t, step="opmaerksomhedspunkter").key for t in STORY]
        view = go_to(k, "fortaelling")
        k.app.act(view.board.set_centre, "Hård tone på afdelingen", undo=view.board)
        board = view.ids.board
        for n, key in enumerate(keys, start=1):
            k.tap_card(board, key)
            if n in (10, 14):
                shots.append(k.screenshot(out / f"{6 + n // 10}-{n}-points-by-taps.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
