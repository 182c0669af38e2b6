"""The trio's notes prepared before the workshop (issue 3), in a real window with real taps.

The team screen's "Prepare" button makes the session without starting it; the prepare
screen puts pink notes on its wall (typed on the on-screen keyboard, edited, undone);
home offers "Start the workshop: <team>" with the notes counted, and "Edit post-its";
after a restart the session is still offered, and once started its write step shows the
notes, the trio's present step presents them and the export carries them.
"""

from __future__ import annotations

import pytest

from kiosk.core.session import BETWEEN
from kiosk.core.wall import Wall
from kiosk.core.workshop import ACTIVE_KEY, waiting_sessions

pytestmark = pytest.mark.window

from tests.test_ui_wall import go_to  # noqa: E402


def prepared_wall(k, sid):
    """The session's wall as a restart would read it."""
    return Wall(k.app.store, sid, k.app.clock)


def to_team_screen(k, method_id="trivselsdialog"):
    k.tap("start")                                    # the board's (or home's) "Start a workshop"
    assert k.app.sm.current == "picker"
    k.pick_method(method_id)


def write(k, screen, text):
    k.tap(screen.ids.new_trio)
    composer = screen.composer
    k.type(composer.ids.keyboard, text)
    k.tap(composer.ids.save)
    assert composer.get_parent_window() is None, k.app.notice


def test_prepare_the_trios_notes_restart_then_start_the_workshop_with_them(display, data_dir, clock):
    from kiosk_testing import Driver, exported_texts
    from kiosk.ui.app import IDLE_SECONDS

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        app = k.app
        to_team_screen(k)
        team = k.screen()
        assert "Trioens post-its" in team.ids.prepare.text and team.ids.prepare.height >= 80 * app.s
        k.tap("prepare")                                              # no name yet: refused
        assert app.notice == "Type the team's name first." and app.sm.current == "team"
        assert app.store.list_sessions() == []
        k.type(k.find("keyboard"), "Køkken")
        k.tap("prepare")
        assert app.sm.current == "prepare" and app.workshop is None   # made, not started
        [entry] = app.store.list_sessions()
        sid = entry["id"]
        doc = app.store.load_session(sid)
        assert doc["status"] == BETWEEN and doc["step_index"] == 0 and doc["team"] == "Køkken"
        assert app.store.get_state(ACTIVE_KEY) is None
        screen = k.screen()
        assert "Køkken" in screen.subtitle and "Trivselsdialog" in screen.subtitle
        assert screen.empty and screen.ids.undo.disabled and not screen.ids.discard.disabled

        # two pink notes on the on-screen keyboard, one with æ ø å
        write(k, screen, "Træt på kø")
        notes = prepared_wall(k, sid).notes()
        assert [(n.kind, n.text, n.step, n.face_down) for n in notes] == [("trio", "Træt på kø", "refleksion", False)]
        assert screen.ids.discard.disabled and screen.ids.discard.width == 0   # written on: no discard
        write(k, screen, "Støj")
        first, second = prepared_wall(k, sid).notes()
        assert second.text == "Støj" and list(screen.ids.board.cards) == [first.key, second.key]
        card = screen.ids.board.cards[second.key]
        assert not card.face_down and card.mark == "♦" and "Trioens post-its: 2" in screen.summary

        # edit one: tap the card, add a word, save
        k.tap_card(screen.ids.board, second.key)
        composer = screen.composer
        assert composer.ids.text.text == "Støj" and composer.can_delete
        k.type(composer.ids.keyboard, " ude")
        k.tap(composer.ids.save)
        assert prepared_wall(k, sid).item(second.key).text == "Støj ude"
        assert screen.ids.board.cards[second.key].text == "Støj ude"

        # Undo takes the edit back, in the store first
        k.tap("undo")
        assert prepared_wall(k, sid).item(second.key).text == "Støj"
        assert screen.ids.board.cards[second.key].text == "Støj"

        # bad input: empty, then over-long; refused, the text kept, nothing stored
        k.tap(screen.ids.new_trio)
        composer = screen.composer
        k.tap(composer.ids.save)
        assert "Write something" in app.notice and composer.get_parent_window() is not None
        composer.ids.text.text = "x" * 121                            # the write step's limit is 120
        k.frames(1)
        k.tap(composer.ids.save)
        assert "too long" in app.notice and composer.ids.text.text == "x" * 121
        k.advance(IDLE_SECONDS + 10)                                  # a half-typed note keeps the screen
        assert app.sm.current == "prepare" and composer.get_parent_window() is not None
        k.tap(composer.ids.cancel)
        assert [n.text for n in prepared_wall(k, sid).notes()] == ["Træt på kø", "Støj"]

        k.tap("done")
        assert app.sm.current == "home"
        home = k.screen()
        [start] = home.continue_buttons()
        assert "Start the workshop: Køkken" in start.text and "2 post-its prepared" in start.text
        assert len(home.edit_buttons()) == 1
    finally:
        k.close()

    k = Driver(data_dir, clock=clock, lang="en")                      # the kiosk restarted
    try:
        app = k.app
        assert app.workshop is None and app.sm.current == "board"
        assert [w.prepared for w in waiting_sessions(app.store)] == [2]
        k.tap("start")                                                # a session waits: home first
        assert app.sm.current == "home"
        home = k.screen()
        k.tap(home.edit_buttons()[0])                                 # back in to check the notes
        assert app.sm.current == "prepare"
        assert [c.text for c in k.screen().ids.board.cards.values()] == ["Træt på kø", "Støj"]
        k.tap("done")
        k.tap(home.continue_buttons()[0])
        k.tap(app.confirm_view.ids.no)                                # a mis-tap: nothing starts
        assert app.store.load_session(sid)["status"] == BETWEEN and app.workshop is None
        k.tap(home.continue_buttons()[0])
        k.tap(app.confirm_view.ids.yes)
        assert app.sm.current == "workshop"
        ws = app.workshop
        assert ws.session.id == sid and ws.session.step.id == "velkomst" and ws.session.status == "running"
        assert app.store.get_state(ACTIVE_KEY) == sid

        write_view = go_to(k, "refleksion")                           # the write step shows them
        texts = {c.text: c for c in write_view.ids.board.cards.values()}
        assert set(texts) == {"Træt på kø", "Støj"} and not any(c.face_down for c in texts.values())
        assert "Trioens post-its: 2" in write_view.summary

        present = go_to(k, "trioens-post-its")                        # the trio presents them
        assert len(present.waiting_notes()) == 2
        k.tap(present.ids.turn)
        shown = prepared_wall(k, sid).revealed_notes()
        assert [n.text for n in shown] == ["Træt på kø"]
        assert {"Træt på kø", "Støj"} <= exported_texts(app.store, sid, app.clock)
    finally:
        k.close()


def test_a_prepare_tap_taken_back_then_no_prepare_while_a_workshop_runs_nor_without_a_kind(kiosk):
    k = kiosk
    app = k.app
    to_team_screen(k, "ned-dialogduk")
    prepare = k.find("prepare")
    assert prepare.disabled and prepare.width == 0 and prepare.opacity == 0  # nothing to prepare
    k.tap("back")

    k.pick_method("trivselsdialog")
    k.type(k.find("keyboard"), "Lagr")                                # a typo …
    k.tap("prepare")
    assert app.sm.current == "prepare" and len(app.store.list_sessions()) == 1
    k.tap("discard")                                                  # … taken back: nothing was written on it
    assert app.sm.current == "team" and app.store.list_sessions() == [] and waiting_sessions(app.store) == []
    name = k.find("name")
    assert name.text == "Lagr"                                        # the name kept to fix
    name.text = "Lager"
    k.tap("start")                                                    # a workshop runs now
    running = app.workshop.session.id
    app.show("home")
    k.frames(2)
    k.tap("start")                                                    # home's "Start a workshop"
    k.pick_method("trivselsdialog")
    k.type(k.find("keyboard"), "Køkken")
    k.tap("prepare")
    assert "A workshop is running" in app.notice and app.sm.current == "team"
    assert [e["id"] for e in app.store.list_sessions()] == [running]
    assert app.store.get_state(ACTIVE_KEY) == running
