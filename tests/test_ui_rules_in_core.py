"""The screens ask the core, in a real window: the vote view shows one mode's controls
(one ``mode``, not a flag per widget), and the board's "Start or continue" means what
the Start tap then does (the core's ``waiting_sessions``)."""

from __future__ import annotations

import pytest

from kiosk.core.session import BETWEEN

pytestmark = pytest.mark.window


def start_workshop(k, team="A"):
    k.tap("start")
    k.pick_method("trivselsdialog")
    k.type(k.find("keyboard"), team)
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice


def go_to(k, step_id):
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws)
    k.frames(3)
    return k.find("activity").children[0]


def takes_taps(widget) -> bool:
    """Seen, with room for a finger, and not disabled."""
    return widget.width > 0 and widget.opacity > 0 and not widget.disabled


def test_the_vote_view_shows_the_controls_of_its_one_mode(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "afstemning")
    assert view.mode == "empty" and view.ids.bar.disabled and view.ids.empty.opacity == 1
    wall = k.app.wall()
    for text in ("Travlhed", "Vagtplan"):
        wall.add_note("mindre-godt", text, step="skriv")
    view = go_to(k, "praesentation")
    view = go_to(k, "afstemning")
    ids = view.ids
    assert view.mode == "dots" and ids.empty.opacity == 0
    assert takes_taps(ids.voter) and takes_taps(ids.results)
    assert not any(takes_taps(w) for w in (ids.minus, ids.plus, ids.carry)) and ids.count.width == 0
    k.tap(ids.voter)
    assert view.voting and ids.voter.text == "Done"
    k.tap(ids.results)
    assert view.mode == "results" and ids.table.opacity == 1 and ids.board.opacity == 0
    assert takes_taps(ids.results) and ids.carry.width > 0 and not takes_taps(ids.voter)
    assert ids.carry.disabled                                   # no marks yet: nothing to carry
    k.tap(ids.results)
    assert view.mode == "dots" and takes_taps(ids.voter)


def test_the_boards_start_button_says_continue_only_when_a_session_can_be_continued(kiosk):
    k = kiosk
    k.app.store.save_session({"id": "broken", "team": "T", "status": BETWEEN, "created_at": 1.0})
    k.app.show(k.app.idle_screen())
    k.app.screen("board").refresh()                             # as its minute tick does
    k.frames(3)
    start = k.find("start")
    assert start.text == "Start a workshop"                     # its file holds no method: nothing waits
    k.tap(start)
    assert k.app.sm.current == "picker"                         # … and the tap agrees
