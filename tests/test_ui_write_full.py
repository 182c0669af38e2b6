"""A write step's wall fuller than its grid ends in "+N more", so no note is out of sight.

The write board laid its cards with ``zip(notes, rects)``: past the grid's places (about
190 at 1080p) the newest notes were stored but drawn nowhere, with nothing saying so.
The pads benchmark found it: phones' notes from the 191st on were stored, answered ok
and not on the wall. Now the last place says how many wait, as the other boards' grids do.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.window

from tests.test_ui_wall import go_to  # noqa: E402
from tests.test_ui_workshop import start_workshop  # noqa: E402


def test_a_full_write_wall_counts_the_notes_it_has_no_place_for(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "refleksion")
    wall = k.app.wall()
    with k.app.store.batch(k.app.workshop.session.id):
        for i in range(240):
            wall.add_note("godt", f"Note {i} om travlhed", step="refleksion", face_down=False)
    k.app.revision += 1
    k.frames(2)
    board = view.ids.board
    more = [c for key, c in board.cards.items() if key.startswith("more:")]
    assert len(more) == 1, "a full grid shows how many notes wait"
    shown = [key for key in board.cards if not key.startswith("more:")]
    waiting = int(more[0].text.split()[0].lstrip("+"))
    assert len(shown) + waiting == 240 and waiting > 0
    assert more[0].rect == board.cards[board.order[-1]].rect  # in the grid's last place
    assert not more[0].draggable

    # one more note (as a phone's comes): one more waiting, the cards shown stay
    k.app.act(wall.add_note, "godt", "Mere ro til dokumentation", step="refleksion", face_down=False, undo=wall)
    k.frames(2)
    more = [c for key, c in board.cards.items() if key.startswith("more:")]
    assert int(more[0].text.split()[0].lstrip("+")) == waiting + 1
    assert [key for key in board.cards if not key.startswith("more:")] == shown
