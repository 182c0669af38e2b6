"""A physical keyboard types into the open field, whatever was tapped before: an
on-screen key, the panel around the field. Real X key presses (xdotool, through
the X server, SDL and Kivy) into the test's own window."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from tests.test_ui_sort_vote_matrix import go_to, start_workshop

pytestmark = pytest.mark.window


def xdotool(*args: str) -> str:
    if not shutil.which("xdotool"):
        pytest.fail("xdotool is missing: ./dev.sh test installs it")
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=10,
                          check=True).stdout


def type_on_the_keyboard(k, text: str, field) -> None:
    """Real key presses, as from a USB keyboard: the pointer over the kiosk's window
    (an X server without a window manager gives the keys to the window under it),
    then SDL's queue read as the app's main loop reads it, until the text is in."""
    win = xdotool("search", "--pid", str(os.getpid())).split()[0]
    xdotool("mousemove", "--window", win, "5", "5")
    xdotool("type", "--delay", "40", text)
    before, deadline = field.text, time.monotonic() + 5
    while time.monotonic() < deadline:
        k.window.mainloop()      # one pass over SDL's events, as EventLoop.mainloop does
        k.frames(1)
        if field.text != before and field.text.endswith(text):
            return
        time.sleep(0.05)


def open_composer(k):
    start_workshop(k)
    view = go_to(k, "refleksion")
    k.tap(view.ids["new_godt"])
    composer = view.composer
    assert composer.get_root_window() is not None
    return composer


def test_keys_reach_the_field_after_an_on_screen_key(kiosk):
    k = kiosk
    composer = open_composer(k)
    field = composer.ids.text
    assert field.focus                                   # the field is ready for a keyboard at once
    type_on_the_keyboard(k, "abc", field)
    assert field.text == "abc"
    k.type(composer.ids.keyboard, "D")                  # the on-screen keyboard (shift, d) …
    assert field.text == "abcD" and field.focus
    type_on_the_keyboard(k, "efg", field)                # … and the physical one goes on typing
    assert field.text == "abcDefg"
    k.tap(composer.ids.keyboard.keys["backspace"])
    type_on_the_keyboard(k, "h", field)
    assert field.text == "abcDefh"


def test_keys_reach_the_field_after_a_tap_beside_it(kiosk):
    k = kiosk
    composer = open_composer(k)
    field = composer.ids.text
    k.tap(composer.ids.counter)                         # the counter: no button, just the panel
    assert field.focus
    type_on_the_keyboard(k, "Godt", field)
    assert field.text == "Godt"
    k.tap(composer.ids.save)
    assert composer.get_root_window() is None and not field.focus   # nothing types into a closed panel
    assert [n.text for n in k.app.wall().notes()] == ["Godt"]


def test_with_several_composers_the_keys_go_to_the_one_touched_last(kiosk):
    k = kiosk
    start_workshop(k)
    view = go_to(k, "refleksion")
    k.tap(view.ids.together)                            # three composers side by side
    a, b, c = view.desk.writers
    k.type(b.ids.keyboard, "B")                         # a key on the middle one …
    type_on_the_keyboard(k, "eta", b.ids.text)
    k.tap(a.ids.counter)                                # … a tap beside the left one's text …
    type_on_the_keyboard(k, "alfa", a.ids.text)
    k.tap(c.kind_buttons["mindre-godt"])                # … the right one's kind
    type_on_the_keyboard(k, "gamma", c.ids.text)
    assert [w.ids.text.text for w in (a, b, c)] == ["alfa", "Beta", "gamma"]
    assert [w.ids.text.focus for w in (a, b, c)] == [False, False, True]   # one field holds the keys
    k.tap(c.ids.save)
    k.tap(c.ids.cancel)                                 # the one touched last closes: keys go on elsewhere
    type_on_the_keyboard(k, "!", b.ids.text)
    assert b.ids.text.text == "Beta!" and [n.text for n in k.app.wall().notes()] == ["gamma"]


def test_the_team_name_takes_keys_after_an_on_screen_key(kiosk):
    k = kiosk
    k.tap("start")
    k.pick_method("trivselsdialog")
    field = k.find("name")
    k.type(k.find("keyboard"), "Team ")
    assert field.focus
    type_on_the_keyboard(k, "Nord", field)
    assert field.text == "Team Nord"
