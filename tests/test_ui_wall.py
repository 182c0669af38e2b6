"""Writing, presenting and grouping post-its with real touches, checked in the store."""

from __future__ import annotations

import pytest

from kiosk.core.wall import Wall

pytestmark = pytest.mark.window

from tests.test_ui_workshop import start_workshop  # noqa: E402


def go_to(k, step_id):
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws)
    k.frames(3)
    assert k.app.workshop.session.step.id == step_id
    return k.find("activity").children[0]


def fresh_wall(k):
    """A new Wall on the same store: what a restart would read."""
    return Wall(k.app.store, k.app.workshop.session.id, k.app.clock)


def seed(k, texts, kinds=("godt", "mindre-godt"), face_down=True):
    w = k.app.wall()
    for i, t in enumerate(texts):
        w.add_note(kinds[i % len(kinds)], t, step="refleksion", face_down=face_down)
    k.app.revision += 1
    k.frames(2)


def test_write_a_note_on_the_screen_keyboard_with_aeoeaa(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "refleksion")
    k.tap(view.ids["new_mindre-godt"])
    composer = view.composer
    k.type(composer.ids.keyboard, "Vagtplanen kommer for sent på Ærø")
    assert composer.counter == "33/120"
    k.tap(composer.ids.save)
    notes = fresh_wall(k).notes()
    assert [(n.kind, n.text, n.face_down) for n in notes] == [("mindre-godt", "Vagtplanen kommer for sent på Ærø", True)]
    board = view.ids.board
    assert list(board.cards) == [notes[0].key] and board.cards[notes[0].key].face_down


def test_an_empty_or_over_long_note_is_refused_and_kept_for_editing(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "refleksion")
    k.tap(view.ids["new_godt"])
    composer = view.composer
    k.tap(composer.ids.save)
    # said in the composer itself, not in a banner over other writers' composers
    assert "Write something" in composer.message and composer.get_parent_window() is not None
    composer.ids.text.text = "x" * 121           # pasted from a physical keyboard
    k.frames(1)
    assert composer.counter.startswith("121/120")
    k.tap(composer.ids.save)
    assert "too long" in composer.message and not k.app.notice
    assert composer.ids.text.text == "x" * 121   # nothing typed is lost
    assert fresh_wall(k).notes() == []
    k.tap(composer.ids.cancel)                    # closing it with text asks first
    assert composer.asking and composer.ids.text.text == "x" * 121
    k.tap(composer.ids.throw)
    assert composer.get_parent_window() is None


def test_edit_delete_and_undo_a_note(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "refleksion")
    seed(k, ["For mange møder"], face_down=False)
    key = next(iter(view.ids.board.cards))
    k.tap_card(view.ids.board, key)   # a tap on the note opens it
    k.tap(view.composer.ids.delete)
    assert fresh_wall(k).notes() == []
    k.tap("undo")
    assert [n.text for n in fresh_wall(k).notes()] == ["For mange møder"]


def test_present_two_at_a_time_one_of_each_kind_then_all_shuffled(kiosk):
    k = kiosk
    start_workshop(k)
    seed(k, [f"Note {i}" for i in range(10)])
    view = go_to(k, "praesentation")
    k.tap(view.ids.turn)
    shown = fresh_wall(k).revealed_notes()
    assert sorted(n.kind for n in shown) == ["godt", "mindre-godt"]
    assert all(not n.face_down for n in shown)
    # hold one back, then reveal all: the held one stays hidden
    k.tap(view.ids.hold)
    waiting = view.ids.waiting
    held_key = list(waiting.cards)[0]
    k.tap_card(waiting, held_key)
    assert fresh_wall(k).item(held_key).held
    k.tap(view.ids.all)
    k.tap(k.app.confirm_view.ids.yes)
    wall = fresh_wall(k)
    assert len(wall.revealed_notes()) == 9
    assert wall.item(held_key).revealed is None and wall.item(held_key).face_down
    order = [n.id for n in wall.revealed_notes()[2:]]
    assert order != sorted(order) or len(order) < 3  # shuffled (7 notes: sorted by chance 1/5040)


def test_group_by_dragging_and_take_one_out_again(kiosk):
    k = kiosk
    start_workshop(k)
    seed(k, ["Travlt om morgenen", "For mange møder", "Svært at nå pauser", "God stemning"], face_down=False)
    view = go_to(k, "gruppering")
    board = view.ids.board
    a, b, c, d = list(board.cards)
    k.drag(k.card_centre(board, a), k.card_centre(board, b))
    wall = fresh_wall(k)
    [cluster] = wall.clusters()
    assert {n.key for n in wall.cluster_notes(cluster.id)} == {a, b}
    k.drag(k.card_centre(board, c), k.card_centre(board, cluster.key))   # onto the group's heading
    assert len(fresh_wall(k).cluster_notes(cluster.id)) == 3
    k.drag(k.card_centre(board, c), (board.right - 60, board.y + 60))    # drag a member out
    wall = fresh_wall(k)
    assert wall.item(c).cluster is None and len(wall.cluster_notes(cluster.id)) == 2
    assert wall.item(c).pos[0] > 0.8                                    # where it was dropped
    k.drag(k.card_centre(board, a), k.card_centre(board, a))             # onto itself: nothing
    assert len(fresh_wall(k).cluster_notes(cluster.id)) == 2
    k.tap("undo")                                                         # the member back in
    assert len(fresh_wall(k).cluster_notes(cluster.id)) == 3


def test_name_a_group_by_tapping_its_heading(kiosk):
    k = kiosk
    start_workshop(k)
    seed(k, ["Travlt", "Stress"], face_down=False)
    view = go_to(k, "gruppering")
    board = view.ids.board
    a, b = list(board.cards)
    k.drag(k.card_centre(board, a), k.card_centre(board, b))
    [cluster] = fresh_wall(k).clusters()
    k.tap_card(board, cluster.key)
    k.type(view.composer.ids.keyboard, "Travlhed")
    k.tap(view.composer.ids.save)
    assert fresh_wall(k).clusters()[0].name == "Travlhed"
    assert board.cards[cluster.key].text.startswith("Travlhed")


def test_two_fingers_drag_two_notes_at_once(kiosk):
    k = kiosk
    start_workshop(k)
    seed(k, ["En", "To", "Tre", "Fire"], face_down=False)
    view = go_to(k, "gruppering")
    board = view.ids.board
    a, b, c, d = list(board.cards)
    sa, sb = k.card_centre(board, a), k.card_centre(board, b)
    ta, tb = k.touch(*sa), k.touch(*sb)
    ta.touch_down(); tb.touch_down(); k.frames(1)
    ends = {a: (board.x + 100, board.y + 80), b: (board.right - 100, board.y + 80)}
    for i in range(1, 9):
        f = i / 8
        ta.touch_move(sa[0] + (ends[a][0] - sa[0]) * f, sa[1] + (ends[a][1] - sa[1]) * f)
        tb.touch_move(sb[0] + (ends[b][0] - sb[0]) * f, sb[1] + (ends[b][1] - sb[1]) * f)
        k.frames(1)
    assert len(board.lifted) == 2          # both carried at the same time
    ta.touch_up(); tb.touch_up(); k.frames(2)
    wall = fresh_wall(k)
    assert wall.item(a).pos[0] < 0.2 and wall.item(b).pos[0] > 0.8
    assert wall.clusters() == []


def test_a_tiny_wobble_is_a_tap_not_a_drag(kiosk):
    k = kiosk
    start_workshop(k)
    seed(k, ["En", "To"], face_down=False)
    view = go_to(k, "gruppering")
    board = view.ids.board
    a = list(board.cards)[0]
    x, y = k.card_centre(board, a)
    k.drag((x, y), (x + 6, y + 5), steps=3)
    assert fresh_wall(k).item(a).pos is None


def test_a_note_dropped_off_the_board_snaps_back(kiosk):
    k = kiosk
    start_workshop(k)
    seed(k, ["En", "To"], face_down=False)
    view = go_to(k, "gruppering")
    board = view.ids.board
    a = list(board.cards)[0]
    before = board.cards[a].rect
    k.drag(k.card_centre(board, a), (10, 10))          # onto the timer column, off the board
    assert fresh_wall(k).item(a).pos is None and board.cards[a].rect == before and not board.lifted


def test_the_wall_is_the_same_after_a_restart(display, data_dir, clock):
    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        start_workshop(k)
        seed(k, ["En", "To", "Tre"], face_down=False)
        view = go_to(k, "gruppering")
        board = view.ids.board
        a, b, c = list(board.cards)
        k.drag(k.card_centre(board, a), k.card_centre(board, b))
        before = sorted(board.cards)
    finally:
        k.close()
    k2 = Driver(data_dir, clock=clock, lang="en")
    try:
        assert k2.app.workshop.session.step.id == "gruppering"
        assert sorted(k2.find("activity").children[0].ids.board.cards) == before
    finally:
        k2.close()
