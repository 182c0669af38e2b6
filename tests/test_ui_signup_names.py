"""Sign-up names stay readable when one theme holds most of the group: 15 people over
four themes, twelve on one. Real window, real taps, the store checked afterwards.

Screenshots: python -m tests.test_ui_signup_names 1920x1080 (or 3840x2160)
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.window

THEMES = ("Arbeidsmengde", "Informasjon fra ledelsen", "Støy i fellesarealene", "Opplæring av nye")
MORE_THEMES = ("Pauser i løpet av dagen", "Samarbeid med sykepleierne")
PEOPLE = ["Kari", "Ole Å", "Ingrid", "Lars", "Siv", "Anne B", "Per", "Marit", "Jonas", "Solveig",
          "Tor Erik", "Hanne"]  # twelve on the first theme
OTHERS = ["Bjørn", "Liv", "Ahmed"]  # one on each of the three others
NAME = (0.97, 0.97, 0.97, 1)


def setup(k, people=PEOPLE, others=OTHERS, themes=THEMES):
    """Dialogverksted's sign-up step with the chosen themes and the names put on through
    the core (what a group of 15 would have typed)."""
    from kiosk.core.activities.signup import Signup

    assert k.app.start_workshop(k.app.method_by_id("dialogverksted"), "Lageret"), k.app.notice
    wall = k.app.wall()
    keys = [wall.add_note("undertema", t, step="dialog-temaer").key for t in themes]
    wall.carry_forward(keys, rest_to_parking=True)
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.method.step_index("paamelding"), undo=ws)
    k.frames(3)
    view = k.find("activity").children[0]
    s = Signup(k.app.wall(), step="paamelding")
    for name in people:
        s.add(keys[0], name)
    for key, name in zip(keys[1:], others):
        s.add(key, name)
    k.app.revision += 1
    k.frames(3)
    return view, keys


def names_on_screen(view):
    board = view.ids.board
    return {c.text: c for c in board.cards.values() if c.key.startswith("n") and c.colour == NAME}


def overlap(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw - 0.5 and bx < ax + aw - 0.5 and ay < by + bh - 0.5 and by < ay + ah - 0.5


def inside(rect, box) -> bool:
    x, y, w, h = rect
    bx, by, bw, bh = box
    return bx - 0.5 <= x and by - 0.5 <= y and x + w <= bx + bw + 0.5 and y + h <= by + bh + 0.5


def test_twelve_of_fifteen_on_one_theme_stay_readable_when_the_columns_wrap(kiosk):
    from kiosk.core.wall import Wall
    from kiosk.ui import theme
    from kiosk.ui.activities.signup import NAME_MIN_H
    from kiosk.ui.text import fit_text

    k = kiosk
    view, keys = setup(k, themes=THEMES + MORE_THEMES)
    s = k.app.s
    rows = {c.rect[1] for c in view.columns}
    assert len(rows) == 2                                          # six themes: two rows of columns
    shown = names_on_screen(view)
    assert sorted(shown) == sorted(PEOPLE + OTHERS)                 # every name in sight, no "+n"
    board = view.ids.board
    assert not any(key.startswith("more:") for key in board.cards)
    cards = list(shown.values())
    for card in cards:
        x, y, w, h = card.rect
        assert h >= NAME_MIN_H * s and w >= 140 * s, card.text     # a strip, not a sliver
        # the whole name on the note at the body size (28 px at 1080p), nothing cut
        assert fit_text(card.text, w - 16 * s, h - 16 * s, theme.NOTE * s) == card.text
    for i, a in enumerate(cards):                                  # never a fanned stack
        assert not any(overlap(a.rect, b.rect) for b in cards[i + 1:]), a.text
    full = view.columns[0]
    assert all(inside(shown[name].rect, full.rect) for name in PEOPLE)
    assert board.cards[keys[0]].badge == "12 signed up"
    for col in view.columns[1:4]:                                  # the narrow ones keep their theme's words
        assert board.cards[col.key].text in THEMES and board.cards[col.key].rect[3] >= 116 * s

    # the names are still used with the fingers: take one off, move another
    k.tap_card(board, shown["Tor Erik"].key)
    k.tap(k.app.confirm_view.ids.yes)
    wall = Wall(k.app.store, k.app.workshop.session.id, k.app.clock)
    assert "Tor Erik" not in [n.text for n in wall.signups()]
    x, y, w, h = view.columns[5].rect
    k.drag(k.card_centre(board, names_on_screen(view)["Hanne"].key),
           board.to_window(board.x + x + w / 2, board.y + y + h / 2))
    wall = Wall(k.app.store, k.app.workshop.session.id, k.app.clock)
    assert next(n.signup for n in wall.signups() if n.text == "Hanne") == keys[5]
    assert board.cards[keys[5]].badge == "1 signed up" and board.cards[keys[0]].badge == "10 signed up"


def test_more_names_than_the_column_holds_end_in_a_count(kiosk):
    from kiosk.ui.activities.signup import NAME_MIN_H

    k = kiosk
    many = PEOPLE + [f"Vikar {i}" for i in range(1, 19)]
    view, keys = setup(k, people=many, themes=THEMES + MORE_THEMES)
    s = k.app.s
    board = view.ids.board
    [more] = [c for c in board.cards.values() if c.key.startswith("more:")]
    shown = [n for n in names_on_screen(view) if n in many]
    assert more.text == f"+{len(many) - len(shown)} more" and len(shown) >= 10
    assert shown == many[:len(shown)]                              # the first to sign up, in order
    assert board.cards[keys[0]].badge == "30 signed up"            # the whole count on the theme
    rects = [c.rect for c in names_on_screen(view).values()] + [more.rect]
    assert all(r[3] >= NAME_MIN_H * s for r in rects)
    for i, a in enumerate(rects):
        assert not any(overlap(a, b) for b in rects[i + 1:])
    k.tap_card(board, more.key)                                    # a tap on the count does nothing:
    assert getattr(k.app, "confirm_view", None) is None            # no question, no keyboard
    assert view.composer is None and len(view.signup.notes()) == 33


def _shoot(size: str) -> list:
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="nb")
    out = root / "screenshots" / "signup"
    shots = []
    try:
        setup(k)
        shots.append(k.screenshot(out / f"signup-12-of-15-{size}.png"))
        k.app.end_workshop()
        setup(k, themes=THEMES + MORE_THEMES)  # six themes: the columns wrap into two rows
        shots.append(k.screenshot(out / f"signup-12-of-15-wrapped-{size}.png"))
        k.app.end_workshop()
        many = PEOPLE + [f"Vikar {i}" for i in range(1, 19)]
        setup(k, people=many, themes=THEMES + MORE_THEMES)  # 30 on one theme: "+n more"
        shots.append(k.screenshot(out / f"signup-30-wrapped-{size}.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
