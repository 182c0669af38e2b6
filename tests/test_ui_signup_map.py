"""The sign-up and map views, and trial actions, in a real window with real touches.

Each test starts a method through the picker and the team screen, puts what earlier
steps would have made on the wall through the core, goes to the step, then taps,
types and drags on the screen and checks the store through fresh controllers, so
what the screen claims is on disk.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.activities.map import MapBoard
from kiosk.core.activities import map as maps
from kiosk.core.wall import Wall
from kiosk.ui import messages

pytestmark = pytest.mark.window

TODAY = date.fromtimestamp(1_800_000_000.0)


# -- helpers ---------------------------------------------------------------------------------

def start(k, method_id, team="Lageret"):
    """Picker → the method's card → the team's name on the keyboard → Start."""
    k.tap("start")
    k.pick_method(method_id)
    k.type(k.find("keyboard"), team)
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice
    return k.app.workshop.session


def go_to(k, step_id):
    from kiosk.ui.act import FAILED

    ws = k.app.workshop
    assert k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws) is not FAILED
    k.frames(3)
    return k.find("activity").children[0]


def fresh(k) -> Wall:
    return Wall(k.app.store, k.app.workshop.session.id, k.app.clock)


def window_xy(board, x, y):
    return board.to_window(board.x + x, board.y + y)


def pixel(k, x, y):
    """The drawn colour (0..1 RGB) at a window point."""
    w, h, data = k.pixels()
    i = (int(y) * w + int(x)) * 3
    return tuple(b / 255 for b in data[i:i + 3])


def on_the_line(view, a, b):
    """A window point on the link a–b where no card and not the central theme covers it."""
    board = view.ids.board
    (ax, ay, aw, ah), (bx, by, bw, bh) = board.cards[a].rect, board.cards[b].rect
    p, q = (ax + aw / 2, ay + ah / 2), (bx + bw / 2, by + bh / 2)
    covers = [c.rect for c in board.cards.values()] + [view.centre_rect]
    for i in range(1, 40):
        t = i / 40
        x, y = p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t
        if not any(rx - 4 <= x <= rx + rw + 4 and ry - 4 <= y <= ry + rh + 4 for rx, ry, rw, rh in covers):
            return window_xy(board, x, y)
    raise AssertionError("the link is hidden under cards all the way")


def near(rgb, rgba, tol=0.08):
    return all(abs(a - b) <= tol for a, b in zip(rgb, rgba[:3]))


def type_and_save(k, composer, text):
    k.type(composer.ids.keyboard, text)
    k.tap(composer.ids.save)


# -- sign-up ---------------------------------------------------------------------------------

def signup_wall(k):
    """Meeting 1 after the hand vote: a group and two notes chosen, one parked."""
    wall = k.app.wall()
    a, b, c, d = (wall.add_note("undertema", t, step="dialog-temaer").key for t in
                  ("For mye å gjøre", "Lite tid til opplæring", "Informasjon", "Støy"))
    group = wall.group(b, a)
    wall.name_cluster(group.id, "Arbeidsmengde")
    wall.carry_forward([group.key, c], rest_to_parking=True)
    return group.key, c, d


def test_sign_up_with_a_named_note_move_it_and_take_it_off(kiosk):
    k = kiosk
    start(k, "dialogverksted")
    g, info, parked = signup_wall(k)
    view = go_to(k, "paamelding")
    board = view.ids.board
    assert [c.key for c in view.columns] == [g, info]            # the vote's winners only
    assert board.cards[g].badge == "0 signed up"

    k.tap_card(board, "add:" + g)                                 # "+ Add my name" under the group
    type_and_save(k, view.composer, "Kari")
    k.tap_card(board, info)                                       # the theme's own card does the same
    type_and_save(k, view.composer, "Ole Å")
    wall = fresh(k)
    assert [(n.text, n.signup) for n in wall.signups()] == [("Kari", g), ("Ole Å", info)]
    kari, ole = (n.key for n in wall.signups())
    assert board.cards[g].badge == "1 signed up" and board.cards[kari].text == "Kari"
    assert "2 signed up" in view.status

    k.tap_card(board, "add:" + info)                              # the same person twice: refused
    type_and_save(k, view.composer, "kari")
    assert k.app.notice == messages.refusal("already_signed_up") and k.app.notice_kind == "error"
    assert view.composer.get_parent_window() is not None          # what was typed is kept
    k.tap(view.composer.ids.cancel)
    assert len(fresh(k).signups()) == 2

    # a finger carries Kari's note into the other column: she moves
    x, y, w, h = view.columns[1].rect
    k.drag(k.card_centre(board, kari), window_xy(board, x + w / 2, y + h / 2))
    assert fresh(k).item(kari).signup == info
    assert board.cards[info].badge == "2 signed up"
    # dropped outside every column it goes back
    k.drag(k.card_centre(board, kari), (board.x + board.width + 40, board.y + 40))
    assert fresh(k).item(kari).signup == info

    k.tap_card(board, ole)                                         # tap a name: take it off, with a confirm
    k.tap(k.app.confirm_view.ids.yes)
    assert [n.text for n in fresh(k).signups()] == ["Kari"]
    k.tap("undo")
    assert [n.text for n in fresh(k).signups()] == ["Kari", "Ole Å"]
    k.tap("undo")                                                  # the move undone
    assert fresh(k).item(kari).signup == g
    assert [i.key for i in fresh(k).items()] == [g, info, parked]  # names never become topics


def test_sign_up_with_no_themes_says_so(kiosk):
    k = kiosk
    start(k, "dialogverksted")
    view = go_to(k, "paamelding")
    assert view.empty == messages.refusal("no_themes") and view.ids.board.cards == {}


# -- the map ---------------------------------------------------------------------------------

def test_map_centre_place_link_unlink_delete_and_undo(kiosk):
    k = kiosk
    start(k, "arbejdsmiljofortaelling", "Børnehuset")
    wall = k.app.wall()
    a, b = (wall.add_note("trio", t, step="opmaerksomhedspunkter").key for t in
            ("Hyppige lederskift", "Teammøder bliver aflyst"))
    view = go_to(k, "fortaelling")
    board = view.ids.board
    assert set(board.cards) == {a, b}                              # both wait in the tray

    k.tap(view.ids.centre)                                         # the central theme, typed
    type_and_save(k, view.composer, "Hård tone")
    assert MapBoard(fresh(k), k.app.store, k.app.workshop.session.id, "fortaelling").centre == "Hård tone"
    assert view.ids.centre.text == "Hård tone"

    k.tap_card(board, a)                                           # a tap puts it on the map
    assert fresh(k).item(a).map_at[1] > 0.75                      # in the first free place, above the theme
    mx, my, mw, mh = view.map_rect                                  # a drag puts it where it lands
    k.drag(k.card_centre(board, b), window_xy(board, mx + mw * 0.8, my + mh * 0.3))
    spot = fresh(k).item(b).map_at
    assert spot[0] == pytest.approx(0.8, abs=0.02) and spot[1] == pytest.approx(0.3, abs=0.02)

    k.tap("new_point")                                             # written straight onto the map
    type_and_save(k, view.composer, "Dem og os")
    c = next(n.key for n in fresh(k).notes() if n.text == "Dem og os")
    assert fresh(k).item(c).kind == "udfordring" and fresh(k).item(c).map_at is not None

    k.tap_card(board, a)                                           # tap one, then the other: linked
    assert view.selected == a and board.cards[a].selected and "Now tap" in view.hint
    k.tap_card(board, b)
    assert maps.links(fresh(k)) == [maps.pair(a, b)] and view.selected == ""
    assert board.cards[a].badge == "↔ 1"
    # the link is drawn: the middle of the line has the link colour
    from kiosk.ui import theme
    seen = on_the_line(view, a, b)
    assert near(pixel(k, *seen), theme.ACCENT)

    k.drag(k.card_centre(board, c), k.card_centre(board, b))        # dropped onto another: linked too
    assert set(maps.links(fresh(k))) == {maps.pair(a, b), maps.pair(b, c)}
    assert fresh(k).item(c).map_at is not None

    k.tap_card(board, b)                                           # the same pair again: unlinked
    k.tap_card(board, a)
    assert maps.links(fresh(k)) == [maps.pair(b, c)]
    assert not near(pixel(k, *seen), theme.ACCENT)

    k.tap_card(board, b)                                           # select, then Delete with a confirm
    k.tap("delete")
    k.tap(k.app.confirm_view.ids.yes)
    assert maps.links(fresh(k)) == [] and b not in board.cards     # its link went with it
    k.tap("undo")
    assert maps.links(fresh(k)) == [maps.pair(b, c)]

    tx, ty, tw, th = view.tray_rect                                 # dragged back into the tray: off the map
    k.drag(k.card_centre(board, a), window_xy(board, tx + tw / 2, ty + th / 2))
    assert fresh(k).item(a).map_at is None

    k.tap_card(board, c)
    k.tap_card(board, c)                                           # tapped again: let go
    assert view.selected == "" and not board.cards[c].selected


def test_a_refused_link_and_an_empty_centre_say_why(kiosk):
    k = kiosk
    start(k, "arbejdsmiljofortaelling")
    view = go_to(k, "fortaelling")
    k.tap(view.ids.centre)
    k.tap(view.composer.ids.save)
    assert k.app.notice == messages.refusal("centre_empty")
    k.tap(view.composer.ids.cancel)
    k.tap("new_point")
    k.tap(view.composer.ids.save)
    assert k.app.notice == messages.refusal("note_empty")
    k.tap(view.composer.ids.cancel)
    assert fresh(k).notes() == []


# -- trial actions, and their review on the board ---------------------------------------------

def test_trial_actions_get_a_review_date_and_the_board_asks_for_the_verdict(kiosk):
    k = kiosk
    start(k, "arbejdsmiljofortaelling")
    wall = k.app.wall()
    point = wall.add_note("udfordring", "Teammøder bliver aflyst", step="opmaerksomhedspunkter").key
    view = go_to(k, "proevehandlinger")
    k.tap(view.theme_tiles[point])
    k.tap("new_action")
    [action] = ActionPlan(k.app.store, k.app.workshop.session.id, k.app.clock).actions()
    assert action.trial and action.review is None
    picker = view.picker
    assert picker.get_parent_window() is not None                 # the review date is asked at once
    assert picker.iso == (TODAY + timedelta(weeks=4)).isoformat()  # suggested: the method's 4 weeks
    k.tap(picker.ids.save)
    plan = ActionPlan(k.app.store, k.app.workshop.session.id, k.app.clock)
    action = plan.get(action.id)
    assert action.review == (TODAY + timedelta(weeks=4)).isoformat()
    assert view.trial and view.ids.review.parent is not None
    assert plan.missing(action) == ["measure", "owner", "follow_up"]

    k.tap(view.rows["indsats"])
    type_and_save(k, view.composer, "Fast mødepunkt om faglig sparring")
    k.tap("owner")
    type_and_save(k, view.composer, "Trioen")
    k.tap("follow_up")
    k.tap(view.picker.ids.month_ahead)                              # after the review: not overdue then
    k.tap(view.picker.ids.save)
    assert ActionPlan(k.app.store, k.app.workshop.session.id, k.app.clock).missing(plan.get(action.id)) == []

    # four weeks later, on the board: the review is due and it asks for the verdict
    sid = k.app.workshop.session.id
    k.app.clock.advance(28 * 86400)
    k.app.show("board")
    screen = k.screen()
    screen.refresh()
    k.frames(3)
    row = screen.row_for(sid, action.id)
    assert row is not None and row.attention and "Review due" in row.when_text
    k.tap(row)
    panel = screen._panel
    assert set(("continue", "adjust", "drop")) <= set(panel.buttons)
    k.tap(panel.buttons["adjust"])
    k.tap(k.app.confirm_view.ids.yes)
    done = ActionPlan(k.app.store, sid, k.app.clock).get(action.id)
    assert done.verdict == "adjust" and done.review > (TODAY + timedelta(weeks=4)).isoformat()
