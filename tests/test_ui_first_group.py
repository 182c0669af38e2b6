"""What a first-time group trips over, tried by touch in the real window (issue 11).

- the sort step's drop zones keep their places while cards are dropped into them;
- a group on the wall says its name and how many post-its it holds, readably, and
  the counter's plurals are right in English, Danish and Norwegian;
- the method picker shows whole cards on every page, the Trivselsdialog first;
- an empty present step says why it is empty and what to do;
- Next on a step whose own minimum is not met asks first (Stay / Go on);
- the end-of-workshop QR offer is not coloured like ending and deleting.

Screenshots: ``python tests/test_ui_first_group.py`` writes them under
screenshots/first-group/ (the tests write the same at 1920×1080).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_ui_sort_vote_matrix import (  # noqa: E402
    GODT, MINDRE, add_notes, centre, go_to, realistic_wall, reopened, start_workshop, zone_centre)

pytestmark = pytest.mark.window
SHOTS = ROOT / "screenshots" / "first-group"


def shot(k, name: str) -> Path:
    w, h = k.window.size
    return k.screenshot(SHOTS / f"{name}-{w}x{h}.png")


def drag(k, start, end):
    k.drag(start, end, steps=6)


def drawn_text(board, key: str) -> str:
    """The text the board really draws on a card: its text fitted to the card's body as
    ``draw_card`` fits it (whole lines, '…' where it is cut)."""
    from kiosk.ui import theme
    from kiosk.ui.widgets.board import BADGE_H, MARK_W, PAD
    from kiosk.ui.text import fit_text

    card, scale = board.cards[key], board.card_scale(key)
    x, y, w, h = card.rect
    body_w = w - 2 * PAD * scale - (MARK_W * scale if card.mark else 0)
    body_h = h - 2 * PAD * scale - (BADGE_H * scale if card.badge else 0)
    if card.text_h is not None:
        body_h = min(body_h, card.text_h)
    return fit_text(card.text, body_w, body_h, theme.NOTE * scale)


def set_language(k, lang: str):
    """Through the admin menu, as the admin does it: PIN, the language, back."""
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    assert k.app.sm.current == "settings"
    k.tap("lang_" + lang)
    k.tap("back")
    assert k.app.lang == lang


# -- 1. sort: the drop targets stay where they are ------------------------------------------

def test_sort_zones_keep_their_places_while_cards_are_dropped(kiosk):
    from kiosk.core.wall import PARKING

    k = kiosk
    start_workshop(k, "Hold A")
    g, m, t, clusters = realistic_wall(k.app.wall())
    view = go_to(k, "bevare-forandre")
    board = view.ids.board
    zones = {z.column: z for z in view.zones}
    before = {c: z.rect for c, z in zones.items()}
    s = k.app.s
    assert zones[None].rect[2] > zones["bevare"].rect[2]                 # the tray holds them all at first
    assert zones["bevare"].rect[2] == zones["forandre"].rect[2] == zones[PARKING].rect[2]
    moves = [(clusters[2], "bevare"), (g[2], "bevare"), (clusters[0], "forandre"), (m[2], "forandre"),
             (m[5], "forandre"), (g[8], PARKING), (g[3], "bevare")]
    for key, column in moves:
        drag(k, centre(board, key), zone_centre(board, zones[column]))
        assert reopened(k).item(key).column == column, key
        assert {c: z.rect for c, z in zones.items()} == before, f"the zones moved after dropping {key}"
        assert zones[column].contains(*_local_centre(board, key))
    drag(k, centre(board, g[3]), zone_centre(board, zones[None]))         # back to the tray
    assert reopened(k).item(g[3]).column is None
    assert {c: z.rect for c, z in zones.items()} == before
    for card in board.cards.values():                                     # every card inside its zone
        cx, cy = card.rect[0] + card.rect[2] / 2, card.rect[1] + card.rect[3] / 2
        assert any(z.contains(cx, cy) for z in zones.values()), card.key
    assert all(z.label.font_size >= 28 * s for z in zones.values())
    shot(k, "sort-after-drops")


def _local_centre(board, key):
    x, y, w, h = board.cards[key].rect
    return x + w / 2, y + h / 2


def test_a_group_card_in_a_narrow_zone_keeps_its_size(kiosk):
    """Cut as a whole, 'Fællesskab og humor (4)' lost its count first: the count stays."""
    k = kiosk
    start_workshop(k, "Hold A")
    g, m, t, clusters = realistic_wall(k.app.wall())
    view = go_to(k, "bevare-forandre")
    board = view.ids.board
    for key, n in zip(clusters, (4, 3, 4, 2, 2)):
        text = drawn_text(board, key)
        assert text.endswith(f"({n})"), text


# -- 2. a group says its name and its size ----------------------------------------------------

def test_a_group_shows_its_name_and_how_many_it_holds(kiosk):
    from kiosk.ui import theme

    k = kiosk
    start_workshop(k, "Hold A")
    wall = k.app.wall()
    notes = add_notes(wall, ["Mange afbrydelser på kontoret", "Vagtplanen kommer for sent",
                             "Travlhed gør, at pauserne ryger", "Godt sammenhold i teamet",
                             "Vi griner meget sammen"], "godt")
    k.app.revision += 1
    view = go_to(k, "gruppering")
    board = view.ids.board
    a, b, c, d, e = notes
    assert view.status == "0 groups · 5 post-its on their own"
    drag(k, k.card_centre(board, a), k.card_centre(board, b))               # a group of two, unnamed
    [cluster] = reopened(k).clusters()
    assert view.status == "1 group · 3 post-its on their own"
    text = drawn_text(board, cluster.key)                                   # its first post-it's text
    name, count = text.rsplit("\n", 1)
    assert any(full.startswith(name.rstrip("…")) and len(name) > 12
               for full in ("Vagtplanen kommer for sent", "Mange afbrydelser på kontoret")), text
    assert count == "2 post-its"
    drag(k, k.card_centre(board, c), k.card_centre(board, cluster.key))     # a third onto its heading
    k.tap_card(board, cluster.key)                                          # name it by tapping
    k.type(view.composer.ids.keyboard, "Information og ansvar")
    k.tap(view.composer.ids.save)
    assert drawn_text(board, cluster.key) == "Information og ansvar\n3 post-its"
    drag(k, k.card_centre(board, d), k.card_centre(board, e))
    assert view.status == "2 groups · 0 post-its on their own"
    drag(k, k.card_centre(board, a), (board.right - 80, board.y + 80))       # one out again
    assert view.status == "2 groups · 1 post-it on its own"
    wall = reopened(k)
    named = wall.item(cluster.key)
    [other] = [cl for cl in wall.clusters() if cl.id != named.id]
    assert drawn_text(board, named.key) == "Information og ansvar\n2 post-its"
    name, count = drawn_text(board, other.key).rsplit("\n", 1)           # unnamed: its first post-it
    assert count == "2 post-its" and len(name) > 12
    assert any(full.startswith(name.rstrip("…")) for full in ("Godt sammenhold i teamet", "Vi griner meget sammen"))
    s = k.app.s
    for cl in (named, other):
        assert board.card_scale(cl.key) * theme.NOTE >= 28 * s              # ≥ 28 px at 1080p
        for note in wall.cluster_notes(cl.id):                              # a member: a word, not "M…"
            member = drawn_text(board, note.key)
            assert member.split()[0].rstrip("…") == note.text.split()[0], member
            assert board.card_scale(note.key) * theme.NOTE >= 28 * s
    shot(k, "wall-two-named-groups")

    for lang, want in (("da", "2 grupper · 1 post-it for sig selv"), ("nb", "2 grupper · 1 lapp for seg selv")):
        set_language(k, lang)
        view = k.find("activity").children[0]
        assert view.status == want
        assert drawn_text(view.ids.board, named.key).endswith("\n2 " + ("post-its" if lang == "da" else "lapper"))
    board = view.ids.board
    drag(k, k.card_centre(board, d), (board.right - 80, board.y + 200))     # a group of one dissolves
    assert view.status == "1 gruppe · 3 lapper for seg selv"


def test_the_wall_of_a_realistic_group_step_reads_from_across_the_room(kiosk):
    """34 post-its, five groups: every group's heading shows its whole short name and its size."""
    k = kiosk
    start_workshop(k, "Hold A")
    g, m, t, clusters = realistic_wall(k.app.wall())
    view = go_to(k, "gruppering")
    board = view.ids.board
    wall = reopened(k)
    for key in clusters:
        cl = wall.item(key)
        text = drawn_text(board, key)
        n = len(wall.cluster_notes(cl.id))
        assert text.endswith(f"\n{n} post-its"), text
        if cl.name:
            assert text.startswith(cl.name), text
    assert view.status == "5 groups · 19 post-its on their own"
    shot(k, "wall-realistic-groups")


# -- 3. the picker: whole rows, the common case first --------------------------------------------

def _cards_in_sight(k):
    """(card, fully inside) for every card that shows at least partly in the scroll view."""
    sv, grid = k.find("scroll"), k.find("grid")
    sx, sy = sv.to_window(sv.x, sv.y)
    out = []
    for c in grid.children:
        x, y = c.to_window(c.x, c.y)
        if y + c.height > sy + 0.5 and y < sy + sv.height - 0.5:
            out.append((c, sy - 0.5 <= y and y + c.height <= sy + sv.height + 0.5))
    return out


def test_the_picker_pages_by_whole_rows_with_the_trivselsdialog_first(kiosk):
    k = kiosk
    k.tap("start")
    k.frames(3)
    grid = k.find("grid")
    order = [c.method.id for c in reversed(grid.children)]
    assert order[0] == "trivselsdialog"
    pages, seen = 0, []
    while True:
        in_sight = _cards_in_sight(k)
        assert in_sight and all(whole for _, whole in in_sight), \
            [(c.method.id, whole) for c, whole in in_sight]
        seen += [c.method.id for c, _ in in_sight]
        if pages == 0:
            assert "trivselsdialog" in seen and len(in_sight) >= 4
            shot(k, "picker-page-1")
        if pages == 1:
            shot(k, "picker-page-2")
        pages += 1
        if k.find("down").disabled:
            break
        k.tap("down")
        assert pages < 10
    assert set(seen) == set(order)                                        # every method reachable
    assert pages == -(-len(order) // 4)
    while not k.find("up").disabled:                                      # and back up, by rows
        k.tap("up")
        assert all(whole for _, whole in _cards_in_sight(k))
    # a finger's swipe that stops between two rows comes to rest on a row
    sv = k.find("scroll")
    cx, cy = sv.to_window(*sv.center)
    k.drag((cx, cy - 160 * k.app.s), (cx, cy + 160 * k.app.s), steps=6)
    k.wait_until(lambda: k.screen()._settle is None, 3)
    assert all(whole for _, whole in _cards_in_sight(k))
    assert sv.scroll_y < 1                                              # it did move, by a row


def test_the_picker_puts_what_this_kiosk_runs_right_after_the_common_case(kiosk):
    """Two sessions of the Dilemmaværksted on this kiosk: it comes second."""
    k = kiosk
    for n in range(2):
        assert k.app.start_workshop(k.app.method_by_id("dilemmavaerksted"), f"Hold {n}")
        k.app.end_workshop()
    k.app.show(k.app.idle_screen())
    k.frames(2)
    k.tap("start")
    order = [c.method.id for c in reversed(k.find("grid").children)]
    assert order[:2] == ["trivselsdialog", "dilemmavaerksted"]


# -- 4. an empty present step says why ---------------------------------------------------------

def test_an_empty_present_step_says_why_and_what_to_do(kiosk):
    k = kiosk
    start_workshop(k, "Hold A")
    view = go_to(k, "trioens-post-its")                                  # nothing was prepared
    assert view.empty.startswith("No post-its of the kind “Trioens post-its” were prepared"), view.empty
    assert view.empty.endswith("Go on to the next step.")
    label = view.ids.empty
    assert label.opacity == 1 and label.font_size >= 28 * k.app.s and label.height > 80 * k.app.s
    assert view.ids.bar.disabled and view.ids.bar.opacity == 0
    shot(k, "present-empty-trio")
    view = go_to(k, "praesentation")                                     # nobody wrote any
    assert view.empty == ("No post-its of the kind “Fungerer godt” / “Fungerer mindre godt” yet.\n"
                          "Go back to write them, or go on to the next step.")
    add_notes(k.app.wall(), ["Godt sammenhold"], "godt")
    k.app.act(lambda: None)                                              # a change: the view redraws
    assert view.empty == "" and view.ids.empty.opacity == 0 and not view.ids.bar.disabled
    k.tap(view.ids.turn)
    assert len(reopened(k).revealed_notes()) == 1


# -- 5. Next asks before leaving a step short of its minimum ------------------------------------

def test_next_on_a_matrix_with_too_few_chosen_asks_and_stay_stays(kiosk):
    from kiosk.ui import theme

    k = kiosk
    start_workshop(k, "Hold A")
    wall = k.app.wall()
    keys = add_notes(wall, MINDRE[:4], "mindre-godt")
    for key, spot in zip(keys, [(0.8, 0.8), (0.7, 0.6), (0.2, 0.3), (0.9, 0.2)]):
        wall.place(key, *spot)
    view = go_to(k, "mulighedsrum")
    board = view.ids.board
    for key in keys[:2]:
        k.tap_card(board, key)
    assert view.counter == "2 of 3–5 chosen"
    k.tap("next")
    confirm = k.app.confirm_view
    assert confirm.get_parent_window() is not None
    assert confirm.question == "Only 2 of 3–5 chosen. Go on anyway?"
    assert confirm.ids.no.text == "Stay" and confirm.ids.yes.text == "Go on"
    assert list(confirm.yes_face) == list(theme.GO)
    shot(k, "matrix-confirm")
    k.tap(confirm.ids.no)                                                # Stay
    assert k.app.workshop.session.step.id == "mulighedsrum" and confirm.get_parent_window() is None
    k.tap("next")
    k.tap(k.app.confirm_view.ids.yes)                                    # Go on
    assert k.app.workshop.session.step.id == "afstemning"
    assert k.app.store.load_session(k.app.workshop.session.id)["step_index"] == \
        k.app.workshop.session.method.step_index("afstemning")
    k.tap("prev")
    assert k.app.workshop.session.step.id == "mulighedsrum"
    view = k.find("activity").children[0]
    k.tap_card(view.ids.board, keys[2])                                  # a third: the minimum is met
    assert view.counter == "3 of 3–5 chosen"
    k.tap("next")
    assert k.app.workshop.session.step.id == "afstemning"                # no question asked


def test_next_on_a_write_step_with_a_kind_left_empty_asks(kiosk):
    k = kiosk
    start_workshop(k, "Hold A")
    go_to(k, "refleksion")
    add_notes(k.app.wall(), [GODT[0]], "godt")
    for n in k.app.wall().notes():
        assert n.step == "refleksion"
    k.app.act(lambda: None)
    k.tap("next")
    confirm = k.app.confirm_view
    assert confirm.get_parent_window() is not None
    assert confirm.question == "“Fungerer mindre godt”: 0 post-its written, at least 1 asked for. Go on anyway?"
    k.tap(confirm.ids.no)
    assert k.app.workshop.session.step.id == "refleksion"
    add_notes(k.app.wall(), [MINDRE[0]], "mindre-godt")
    k.app.act(lambda: None)
    k.tap("next")
    assert k.app.workshop.session.step.id == "praesentation"


# -- 6. the QR offer after End workshop is a way on, not an ending -------------------------------

def test_the_qr_offer_after_end_workshop_is_not_vermillion(kiosk):
    from kiosk.ui import theme
    from tests.walk import end_workshop

    k = kiosk
    start_workshop(k, "Hold A")
    end_workshop(k)
    offer = k.app.confirm_view
    assert offer.get_parent_window() is not None and offer.yes_text == "Show the QR code"
    assert list(offer.yes_face) != list(theme.WARN)
    assert list(offer.ids.yes.face) == list(theme.GO)
    k.tap(offer.ids.yes)
    assert k.app.sm.current == "export"


def test_the_end_of_a_workshop_still_asks_in_vermillion(kiosk):
    """What ends or deletes keeps the warning colour."""
    from kiosk.ui import theme

    k = kiosk
    start_workshop(k, "Hold A")
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    k.tap("end")
    assert list(k.app.confirm_view.yes_face) == list(theme.WARN)
    k.tap(k.app.confirm_view.ids.no)


# -- screenshots at another size -----------------------------------------------------------------

def _shoot(size: str) -> list[Path]:
    from kiosk_testing import screenshot_driver

    k = screenshot_driver(size)
    out = []
    try:
        start_workshop(k, "Hold A")
        g, m, t, clusters = realistic_wall(k.app.wall())
        go_to(k, "gruppering")
        out.append(shot(k, "wall-realistic-groups"))
        go_to(k, "bevare-forandre")
        out.append(shot(k, "sort-start"))
        go_to(k, "trioens-post-its")
        out.append(shot(k, "present-not-empty"))
    finally:
        k.close()
    return out


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
