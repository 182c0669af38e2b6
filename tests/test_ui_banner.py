"""The banner in a real window: it lies over the screen and moves nothing, it stays
above every pop-up, and a failed save in the note editor loses nothing typed.

Positions are read from the real widget tree (``to_window`` of every button), touches
go through Kivy's event loop, the full disk is a real tmpfs filled to the last byte,
and the timer column is measured from its children's rects and from the ink of the
digits' own texture.

Run as a script (``python tests/test_ui_banner.py 3840x2160``) it writes the
screenshots to screenshots/banner/<size>/.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.core.wall import Wall

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(1920, 1080), (3840, 2160)]
INFO = "Tap a theme in the matrix to choose it; the tray keeps the others."
WRITE_FIRST = "Write something on the post-it first."


# -- helpers ---------------------------------------------------------------------------------

@contextlib.contextmanager
def window_of(k, w: int, h: int):
    """The test window at w×h for the block, back to 1080p after it."""
    from kiosk_testing import window_size

    window_size(w, h)
    try:
        k.frames(3)
        yield
    finally:
        window_size(1920, 1080)
        k.frames(2)


def start(k, step_id: str | None = None, team: str = "Hjemmeplejen Nord"):
    assert k.app.start_workshop(k.app.method_by_id("trivselsdialog"), team), k.app.notice
    if step_id is not None:
        ws = k.app.workshop
        k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws)
    k.frames(4)
    return k.app.workshop.session


def banner(k):
    return k.app.root.ids.banner


def rect(widget) -> tuple[float, float, float, float]:
    """(x, y, right, top) in window coordinates."""
    x, y = widget.to_window(widget.x, widget.y)
    return (round(x, 1), round(y, 1), round(x + widget.width, 1), round(y + widget.height, 1))


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def buttons(k) -> dict[int, tuple]:
    """Every button on the window except the banner's own: id → (text, window rect)."""
    from kivy.uix.button import Button

    out = {}
    for top in k.window.children:
        if top is banner(k):
            continue
        for w in top.walk():
            if isinstance(w, Button) and w.get_root_window() is not None:
                out[id(w)] = (w.text, rect(w))
    return out


def wait_until(k, condition, seconds: float = 3.0) -> None:
    assert k.wait_until(condition, seconds), "timed out"


def frame_pixel(k, x: float, y: float) -> tuple[int, int, int]:
    w, h, rgb = k.pixels()
    i = (int(y) * w + int(x)) * 3
    return tuple(rgb[i:i + 3])


def near(pixel, colour, tol: int = 6) -> bool:
    return all(abs(p - round(c * 255)) <= tol for p, c in zip(pixel, colour[:3]))


def digit_ink(label) -> tuple[float, float, float, float]:
    """The window rect of the drawn digits: the non-transparent pixels of the label's own
    texture, placed where Label's canvas draws it (centred on the label, whole pixels)."""
    tex = label.texture
    tw, th = tex.size
    px = tex.pixels
    rows = [r for r in range(th) if any(px[(r * tw + c) * 4 + 3] > 40 for c in range(tw))]
    cols = [c for c in range(0, tw) if any(px[(r * tw + c) * 4 + 3] > 40 for r in rows[::4])]
    assert rows and cols, "no digits drawn"
    left = int(label.center_x - tw / 2.0)
    bottom = int(label.center_y - th / 2.0)
    x0, y0 = label.to_window(left, bottom)
    # the texture's first row is the top of the text
    return (x0 + min(cols), y0 + th - 1 - max(rows), x0 + max(cols) + 1, y0 + th - min(rows))


# -- nothing moves -------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("where", ["talk-step", "write-step", "board"])
def test_no_button_moves_while_a_banner_comes_fades_and_goes(kiosk, size, where):
    """Before a notice, while it shows, while it fades and after: every button of the
    screen is where it was, to the pixel; and on a workshop the banner covers none of
    them (only the agenda strip, which is read, never tapped)."""
    k = kiosk
    with window_of(k, *size):
        if where == "board":
            from tests.test_ui_board import board_of, seed

            seed(k, 12)
            board_of(k, None)
        else:
            start(k, {"talk-step": "velkomst", "write-step": "refleksion"}[where])
        before = buttons(k)
        assert len(before) >= 6

        k.app.say(INFO)                                   # an information: fades by itself
        k.frames(3)
        assert buttons(k) == before                       # shown: nothing moved
        bar = banner(k)
        assert bar.shown and bar.opacity == 1 and bar.height > 0
        assert k.window.children[0] is bar                # on the window, over everything
        assert bar.edge == "bottom" and bar.y == 0 and bar.width == k.window.width
        s = k.app.s
        assert bar.ids.msg.font_size >= 28 * s and min(bar.ids.dismiss.size) >= 80 * s
        if where != "board":
            covered = [t for t, r in before.values() if overlaps(r, rect(bar))]
            assert covered == [], covered                 # no control of the workshop hidden
            agenda = k.find("agenda")
            assert rect(bar)[3] <= rect(agenda)[3] + 1    # the strip (and the margin under it) only

        event = k.app._notice_event
        assert event is not None and event.timeout == 10  # the fade is due in ten seconds …
        event.get_callback()(10)                         # … and that moment comes
        assert k.app.notice == "" and bar.fading
        k.frames(2)
        assert buttons(k) == before                       # fading: nothing moved
        wait_until(k, lambda: not bar.shown)
        assert buttons(k) == before                       # gone: nothing moved

        k.app.say(WRITE_FIRST, "error")                   # an error: waits for OK
        k.frames(3)
        assert buttons(k) == before
        k.tap(bar.ids.dismiss)
        assert k.app.notice == "" and not bar.shown
        assert buttons(k) == before


def test_a_tap_aimed_at_ok_as_the_banner_fades_does_not_land_on_what_was_under_it(kiosk):
    """On the team screen the banner lies over the top edge (the keyboard below is what the
    group needs next), its OK over "Adjust the times". A finger on its way to OK when the
    fade begins still lands on the banner; a moment later the button is reachable again."""
    k = kiosk
    k.tap("start")
    k.pick_method("trivselsdialog")
    assert k.app.sm.current == "team"
    k.app.say(INFO)
    k.frames(3)
    bar = banner(k)
    assert bar.edge == "top" and bar.top == k.window.height
    ok = k.center_of(bar.ids.dismiss)
    plan = k.find("plan")
    assert plan.collide_point(*plan.to_widget(*ok))     # OK lies over a real button
    keyboard = k.find("keyboard")
    assert not overlaps(rect(keyboard), rect(bar))      # and not over the keyboard

    k.app._notice_event.get_callback()(10)                   # the fade begins
    t = k.touch(*ok)
    t.touch_down()
    t.touch_up()
    k.frames(2)
    assert k.app.sm.current == "team"                   # the tap hit the banner, not the button
    wait_until(k, lambda: bar._guard is None)           # a moment later …
    assert not bar.shown
    t = k.touch(*ok)
    t.touch_down()
    t.touch_up()
    k.frames(2)
    assert k.app.sm.current == "plan"                   # … the button is there again


def test_a_banner_stays_above_a_pop_up_that_opens_after_it(kiosk):
    k = kiosk
    start(k, "refleksion")
    k.app.say(WRITE_FIRST, "error")
    k.frames(2)
    bar = banner(k)
    assert bar.edge == "bottom"
    view = k.find("activity").children[0]
    k.tap(view.ids["new_godt"])                         # the note editor opens: a ModalView
    composer = view.composer
    assert composer.get_parent_window() is not None
    assert k.window.children[0] is bar and k.window.children[1] is view.desk
    assert bar.shown and bar.edge == "top"              # over the editor's title, not its keyboard
    assert not overlaps(rect(bar), rect(composer.ids.keyboard))
    assert not overlaps(rect(bar), rect(composer.ids.save))
    k.tap(composer.ids.cancel)
    assert k.window.children[0] is bar and bar.edge == "bottom"
    k.tap(bar.ids.dismiss)
    assert not bar.shown


def test_a_banner_never_lies_over_a_button_of_the_screen_it_shows_on(kiosk):
    """An information still showing when the facilitator opens Settings (End, Export
    and Close at its foot, only Back at its head) goes to the edge that hides fewer
    buttons, so the tap on End lands on End; back on the workshop it lies over the
    agenda strip again."""
    k = kiosk
    start(k, "velkomst")
    k.app.say(INFO)
    k.frames(3)
    bar = banner(k)
    assert bar.edge == "bottom"
    k.tap("menu")
    k.enter_pin()
    assert k.app.sm.current == "settings"
    k.frames(3)
    assert bar.shown and bar.edge == "top"
    covered = [t for t, r in buttons(k).values() if overlaps(r, rect(bar))]
    assert covered == ["Back"], covered                 # Back under OK, not End, Export, Close
    k.tap("end")
    assert k.app.confirm_view.get_parent_window() is not None  # the tap reached End
    k.tap(k.app.confirm_view.ids.no)
    k.tap("back")                                       # Back lies under the banner: taken by it
    assert k.app.sm.current == "settings"
    k.tap(bar.ids.dismiss)
    k.tap("back")
    assert k.app.sm.current == "workshop"
    k.app.say(INFO)
    k.frames(3)
    assert bar.edge == "bottom"


# -- a full disk under the note editor ---------------------------------------------------------

@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "8m"):
    """A real tmpfs of ``size`` at ``path`` (root only), unmounted after the block."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
                       check=True, capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as e:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {e}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True, timeout=20)


def fill(path: Path) -> Path:
    """Write zeros into ``path`` until the file system says it is full."""
    chunk = b"\0" * 65536
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    return path


def test_a_full_disk_while_the_note_editor_is_open_shows_over_it_and_keeps_the_text(display, tmp_path, clock):
    """A real tmpfs fills while a note is typed. Saving fails: the error banner is the
    top-most widget on the window, drawn over the editor, its OK reachable by a touch;
    the editor stays open with every letter typed; once there is room, the same note is
    saved as typed."""
    from kiosk_testing import Driver
    from kiosk.ui import theme

    text = "Travlt om morgenen på Ærø"
    with small_tmpfs(tmp_path / "disk") as disk:
        k = Driver(disk / "data", clock=clock, lang="en")
        try:
            start(k, "refleksion")
            view = k.find("activity").children[0]
            k.tap(view.ids["new_godt"])
            composer = view.composer
            k.type(composer.ids.keyboard, text)
            filler = fill(disk / "filler")
            assert os.statvfs(disk).f_bavail == 0

            k.tap(composer.ids.save)                     # the write fails for real (ENOSPC)
            assert k.app.notice_kind == "error" and "disk is full" in k.app.notice
            assert composer.get_parent_window() is not None
            assert composer.ids.text.text == text         # nothing typed is lost
            assert Wall(k.app.store, k.app.workshop.session.id, k.app.clock).notes() == []

            bar = banner(k)
            assert k.window.children[0] is bar and view.desk in k.window.children[1:]
            assert bar.shown and bar.opacity == 1 and bar.edge == "top"
            x, y, right, top = rect(bar)
            assert x == 0 and right == k.window.width and top == k.window.height and top - y >= 100
            assert not overlaps(rect(bar), rect(composer.ids.keyboard))
            # drawn over the editor: the banner's own colour where the two overlap
            assert overlaps(rect(bar), rect(composer))
            assert near(frame_pixel(k, x + 8, (y + top) / 2), theme.WARN_BG)
            assert bar.ids.msg.text == k.app.notice

            k.tap(bar.ids.dismiss)                       # a touch at OK reaches the banner …
            assert k.app.notice == "" and not bar.shown
            assert composer.get_parent_window() is not None and composer.ids.text.text == text  # … only

            filler.unlink()                              # room again: the same note, as typed
            k.tap(composer.ids.save)
            assert composer.get_parent_window() is None, k.app.notice
            notes = Wall(k.app.store, k.app.workshop.session.id, k.app.clock).notes()
            assert [(n.kind, n.text) for n in notes] == [("godt", text)]
        finally:
            k.close()


# -- the timer column ------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(1920, 1080), (2560, 1440), (3840, 2160), (1920, 1200), (3440, 1440)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_timer_digits_never_reach_the_title_or_the_caption(kiosk, size):
    """On a wall step's narrow column and on a talk step's wide one, with and without a
    banner, with 1, 2 and 3 digits: the column's children do not overlap, the column is
    below the step's title and team, and the digits' ink stays inside the timer's box
    and is at least a fifth of the screen high."""
    k = kiosk
    with window_of(k, *size):
        s = k.app.s
        for step_id, minutes, run in (("refleksion", 0, 0), ("refleksion", 110, 0), ("gruppering", 0, 570),
                                      ("gruppering", 0, 1320), ("velkomst", 0, 0)):
            if k.app.workshop is not None:
                k.app.end_workshop()
            start(k, step_id)
            if minutes:
                k.app.act(k.app.workshop.add_minutes, minutes)      # '120' min
            if run:
                k.app.act(k.app.workshop.toggle)
                k.advance(run)                                      # '30' sec, '+12' min over
            k.frames(3)
            screen = k.screen()
            for notice in ("", WRITE_FIRST):
                if notice:
                    k.app.say(notice, "error")
                k.frames(3)
                timer = k.find("timer")
                column = [c for c in reversed(timer.parent.children) if c.height > 0]
                rects = [rect(c) for c in column]
                col = rect(timer.parent)
                for i, a in enumerate(rects):
                    assert col[1] - 1 <= a[1] and a[3] <= col[3] + 1, (step_id, i, a, col)
                    for b in rects[i + 1:]:
                        assert not overlaps(a, b), (step_id, a, b)
                title = [rect(k.find("phase")), rect(k.find("step"))]
                assert all(col[3] <= t[1] for t in title)
                ink = digit_ink(timer)
                box = rect(timer)
                shown = timer.text
                assert box[0] <= ink[0] and ink[2] <= box[2], (step_id, shown, ink, box)
                assert box[1] <= ink[1] and ink[3] <= box[3], (step_id, shown, ink, box)
                assert not any(overlaps(ink, t) for t in title)
                # two digits are a fifth of the screen; three ('120', '+12') fit the narrow column
                least = 0.20 * k.window.height if len(shown) <= 2 or not screen.wide else 0.15 * 1080 * s
                assert ink[3] - ink[1] >= least, (step_id, shown, ink, k.window.height)
                caption = k.find("caption")
                if screen.wide:
                    assert caption.texture_size[1] <= caption.height + 1
                assert timer.font_size >= 200 * s
            k.app.dismiss_notice()


# -- screenshots (run as a script) ---------------------------------------------------------------

def shots(size: str) -> list[Path]:
    """The write step with a banner, the timer column at 110 min, and the note editor with
    a real disk-full error over it (a tmpfs when run as root, else the same message said)."""
    import tempfile

    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    import kiosk_testing as testing

    out = ROOT / "screenshots" / "banner" / size
    k = testing.screenshot_driver(size, lang="da")
    written = []
    try:
        start(k, "refleksion")
        k.app.say("Skriv først noget på post-it’en.", "error")
        written.append(k.screenshot(out / "write-step-with-banner.png"))
        k.app.dismiss_notice()
        k.app.act(k.app.workshop.add_minutes, 110)
        k.app.say("Tryk på et tema i matrixen for at vælge det; bakken beholder de andre.")
        written.append(k.screenshot(out / "timer-column-120-min-info-banner.png"))
        k.app.dismiss_notice()
        k.app.end_workshop()
    finally:
        k.close()
    disk = Path(tempfile.mkdtemp()) / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
                             capture_output=True).returncode == 0
    from kiosk.clock import FakeClock
    from kiosk_testing import Driver

    k = Driver(disk / "data", clock=FakeClock(1_800_000_000.0), lang="da")
    try:
        start(k, "refleksion")
        view = k.find("activity").children[0]
        k.tap(view.ids["new_godt"])
        k.type(view.composer.ids.keyboard, "Travlt om morgenen før turene")
        if mounted:
            fill(disk / "filler")
            k.tap(view.composer.ids.save)
        else:
            from kiosk.store import StoreError
            from kiosk.ui import messages

            k.app.say(messages.store_error(StoreError("full", str(disk), "full")), "error")
        written.append(k.screenshot(out / "note-editor-disk-full.png"))
    finally:
        k.close()
        if mounted:
            subprocess.run(["umount", "-l", str(disk)], capture_output=True)
    return written


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(shots)
