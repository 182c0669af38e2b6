"""Nothing a screen scheduled runs against an app that stopped or a screen that left.

A kiosk left alone for months meets every order of events once: the app stops in the
frame after a picker refresh, a wall step's view is laid out again after its workshop
ended, the board's rows are laid out by the window's last pass, a banner changed just
before the close. Each case here closes the app right after it, draws more frames
with no app running, and asserts that nothing raised (Kivy's ExceptionManager) and
nothing was logged as an error. And a text field lets go of the physical keyboard when
its screen is left: real X key presses (xdotool) after leaving go nowhere.
"""

from __future__ import annotations

import logging

import pytest

from tests.test_ui_banner import WRITE_FIRST, start
from tests.test_ui_physical_keyboard import type_on_the_keyboard

pytestmark = pytest.mark.window


class Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}")


def close_and_draw_on(k, frames: int = 8) -> list[str]:
    """Close the app at once, draw ``frames`` more with no app running: every exception
    raised in a frame and every ERROR record logged meanwhile."""
    import traceback

    from kivy.base import ExceptionHandler, ExceptionManager

    seen: list[str] = []

    class Keep(ExceptionHandler):
        def handle_exception(self, exception):
            seen.append("".join(traceback.format_exception(exception)))
            return ExceptionManager.PASS

    keep, errors = Keep(), Errors()
    ExceptionManager.add_handler(keep)
    logging.getLogger().addHandler(errors)
    try:
        k.close()
        k.frames(frames)
    finally:
        ExceptionManager.remove_handler(keep)
        logging.getLogger().removeHandler(errors)
    return seen + errors.records


def picker_refresh(k):
    k.tap("start")
    assert k.app.sm.current == "picker"
    picker = k.app.screen("picker")
    picker.refresh()
    picker.ids.scroll.height += 10            # its even_out is now due in the next frame


def write_step(k):
    from kiosk_testing import window_size

    start(k, "refleksion")
    k.app.say(WRITE_FIRST, "error")
    k.app.end_workshop()                      # the step's view goes with its workshop …
    window_size(1600, 900)                    # … and a resize lays its kv rules out again
    window_size(1920, 1080)


def board_refresh(k):
    k.app.show("board")
    board = k.app.screen("board")
    board.refresh()
    board.ids.body.height += 10               # its rows are laid out in the next frame


def banner_change(k):
    k.app.say("The codes are ready.", "info")
    k.app.say(WRITE_FIRST, "error")


@pytest.mark.parametrize("then", [picker_refresh, write_step, board_refresh, banner_change],
                         ids=lambda f: f.__name__)
def test_closing_right_after_leaves_nothing_to_run(display, data_dir, clock, then):
    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        then(k)
    except BaseException:
        k.close()
        raise
    assert close_and_draw_on(k) == []


def test_a_step_view_taken_off_draws_no_more(kiosk):
    """The step changes: the old view is marked gone and its refresh does nothing."""
    k = kiosk
    start(k, "refleksion")
    old = k.screen().view
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.step_index + 1, undo=ws)
    k.frames(3)
    assert k.screen().view is not old and old.gone and old.parent is None
    assert old.refresh() is None              # no error, nothing drawn for a step that left


def test_the_team_name_lets_go_of_the_keyboard_when_its_screen_is_left(kiosk):
    """Left without a touch (the idle rule brings the board back): no tap took the focus
    away, so the screen change must. Back on the screen, the field has it again."""
    k = kiosk
    k.tap("start")
    k.pick_method("trivselsdialog")
    field = k.find("name")
    k.frames(2)
    assert field.focus                                   # given on entering
    type_on_the_keyboard(k, "Nord", field)
    assert field.text == "Nord"
    k.advance(k.app.idle.timeout + 1)                    # nobody touches it: the board comes back
    assert k.app.sm.current == "board" and not field.focus
    type_on_the_keyboard(k, "xyz", field)                # typed at the kiosk now …
    assert field.text == "Nord"                          # … goes into no hidden field
    k.app.show("team")
    k.frames(3)
    assert field.focus                                   # given again on entering
    type_on_the_keyboard(k, "s", field)
    assert field.text.endswith("s")
