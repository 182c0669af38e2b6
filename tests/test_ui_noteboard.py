"""The wall's note board redraws only what changed, and shows what a full redraw shows.

A note a phone sends while 100 hang on the wall used to redraw every card (33 ms for
120 on the kiosk): the frame that drew it was late, and with 15 phones writing every
frame was. Checked in a real window: the other cards keep their instructions, and the
texture's pixels equal those of drawing every card again.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.window

from tests.test_ui_wall import go_to, seed  # noqa: E402
from tests.test_ui_workshop import start_workshop  # noqa: E402


def drawn(board) -> dict:
    """key → the instructions the board keeps for that card."""
    return {key: entry[2] for key, entry in board._drawn.items()}


def same_as_full_redraw(board) -> bool:
    pixels = board._fbo.pixels
    assert any(pixels[3::4]), "the board's texture is empty"
    board.redraw(full=True)
    return board._fbo.pixels == pixels


def test_a_new_edited_or_deleted_note_redraws_its_card_only(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "refleksion")
    seed(k, [f"Note {i} om travlhed og vagtplanen" for i in range(100)], face_down=False)
    board = view.ids.board
    wall = k.app.wall()
    assert len(board.cards) == 100
    before = drawn(board)
    rects = {key: c.rect for key, c in board.cards.items()}

    # a new note, sent as the wall sends one: one card more, the 100 others untouched
    k.app.act(wall.add_note, "godt", "Mere ro til dokumentation", step="refleksion", face_down=False,
              undo=wall)
    k.frames(2)
    assert len(board.cards) == 101
    assert {key: board.cards[key].rect for key in rects} == rects, "the grid did not shrink"
    after = drawn(board)
    new = set(after) - set(before)
    assert len(new) == 1
    assert all(after[key] is before[key] for key in before)
    assert same_as_full_redraw(board)

    # an edited note: its card only
    before = drawn(board)
    edited = board.order[40]
    k.app.act(wall.edit_text, wall.item(edited).id, "Færre afbrydelser i telefonen", undo=wall)
    k.frames(2)
    assert board.cards[edited].text == "Færre afbrydelser i telefonen"
    after = drawn(board)
    assert after[edited] is not before[edited]
    assert all(after[key] is before[key] for key in before if key != edited)
    assert same_as_full_redraw(board)

    # the last note deleted: its card goes, the others stay as they are
    before = drawn(board)
    last = board.order[-1]
    k.app.act(wall.delete_note, wall.item(last).id, undo=wall)
    k.frames(2)
    assert last not in board.cards and len(board.cards) == 100
    after = drawn(board)
    assert all(after[key] is before[key] for key in after)
    assert same_as_full_redraw(board)

    # a note deleted in the middle moves the ones after it: still what a full redraw shows
    k.app.act(wall.delete_note, wall.item(board.order[10]).id, undo=wall)
    k.frames(2)
    assert len(board.cards) == 99
    assert same_as_full_redraw(board)
