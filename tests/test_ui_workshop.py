"""The kiosk in a real window under Xvfb, used with real touches through Kivy's event loop.

Each test taps the screen as a facilitator would and then checks the store, so
what the screen claims is what is on disk.
"""

from __future__ import annotations

import pytest

from kiosk.core.workshop import ACTIVE_KEY

from tests.walk import end_workshop

pytestmark = pytest.mark.window


def start_workshop(k, team="Hjemmeplejen Nord"):
    k.tap("start")
    assert k.app.sm.current == "picker"
    k.pick_method("trivselsdialog")
    assert k.app.sm.current == "team"
    k.type(k.find("keyboard"), team)
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice
    return k.app.workshop.session


def stored(k):
    sid = k.app.store.get_state(ACTIVE_KEY)
    return k.app.store.load_session(sid)


def test_walk_the_whole_trivselsdialog_by_tapping(kiosk):
    k = kiosk
    session = start_workshop(k, "Hjemmeplejen Nord æøå")
    assert session.team == "Hjemmeplejen Nord æøå"
    steps = session.method.steps
    assert [p.minutes for p in session.method.phases()] == [10, 10, 40, 20, 60, 10]
    screen = k.screen()
    assert screen.timer_text == "10:00" and not screen.running

    k.tap("toggle")                       # start
    k.advance(95)
    assert screen.timer_text == "08:25" and screen.running
    assert stored(k)["timers"][steps[0].id]["runs"][0][1] is None  # running, on disk

    k.tap("plus5")
    k.tap("plus1")
    k.tap("minus1")
    k.advance(5)
    assert screen.timer_text == "13:20"
    k.tap("toggle")                       # pause
    k.advance(600)
    assert screen.timer_text == "13:20" and screen.state_text == "Paused"
    doc = stored(k)
    assert doc["timers"][steps[0].id]["adjust"] == 300.0
    assert doc["timers"][steps[0].id]["runs"] == [[1_800_000_000.0, 1_800_000_100.0]]

    for i in range(1, len(steps)):        # every step, by the Next button
        k.tap("next")
        if k.app.workshop.session.step_index == i - 1:  # a step short of its own minimum asks first
            k.tap(k.app.confirm_view.ids.yes)           # (test_ui_first_group): go on anyway
        assert k.app.workshop.session.step_index == i
        assert stored(k)["step_index"] == i
        title = screen.ids.phase.text
        assert title.endswith(k.app.workshop.session.step.phase)
    assert k.find("next").disabled      # the last step: no further

    k.tap("prev")
    assert stored(k)["step_index"] == len(steps) - 2

    # End the workshop through the PIN-guarded menu, with a confirmation.
    end_workshop(k)  # asserts the settings screen, no active session, the session finished
    assert k.app.sm.current == "board"
    finished = k.app.store.list_sessions()
    assert [s["status"] for s in finished] == ["finished"]


def test_over_time_counts_up_in_warning_and_chimes_once(kiosk, monkeypatch):
    from kiosk.ui import sound

    chimes = []
    monkeypatch.setattr(sound, "chime", lambda: chimes.append(1) or True)
    k = kiosk
    start_workshop(k)
    screen = k.screen()
    k.tap("toggle")
    k.advance(599)
    assert screen.timer_text == "00:01" and not screen.over
    k.advance(31)
    assert screen.over and screen.timer_text == "00:30" and screen.state_text == "Over time"
    k.advance(30)
    assert screen.timer_text == "01:00"
    assert chimes == [1]          # once, when it crossed zero


def test_the_chime_stays_silent_when_muted(kiosk, monkeypatch):
    from dataclasses import replace

    from kiosk.ui import sound

    chimes = []
    monkeypatch.setattr(sound, "chime", lambda: chimes.append(1) or True)
    k = kiosk
    assert k.app.save_settings(replace(k.app.settings, chime=False))
    start_workshop(k)
    k.tap("toggle")
    k.advance(300)
    k.advance(400)
    assert k.screen().over and chimes == []


def test_the_real_chime_without_an_audio_device_is_silent_not_an_error(kiosk):
    from kiosk.ui import sound

    assert sound.chime() in (True, False)  # the dummy SDL driver, or no provider: never raises


def test_agenda_end_time_moves_when_time_is_added(kiosk):
    k = kiosk
    start_workshop(k)
    ws = k.app.workshop
    before = ws.planned_end()
    assert before == k.app.clock.now() + 150 * 60
    k.tap("plus5")
    assert ws.planned_end() == before + 300
    strip = k.find("agenda")
    assert len(strip.children) == 6
    now = [c for c in strip.children if c.state == "now"]
    assert len(now) == 1 and "1. Velkomst" in now[0].text


def test_undo_takes_back_the_last_tap(kiosk):
    k = kiosk
    start_workshop(k)
    assert k.find("undo").disabled
    k.tap("plus5")
    k.tap("next")
    assert stored(k)["step_index"] == 1
    k.tap("undo")
    assert stored(k)["step_index"] == 0
    k.tap("undo")
    assert stored(k)["timers"]["velkomst"]["adjust"] == 0.0
    assert k.find("undo").disabled


def test_a_team_name_is_required(kiosk):
    k = kiosk
    k.tap("start")
    k.pick_method("trivselsdialog")
    k.tap("start")                        # nothing typed
    assert k.app.sm.current == "team"
    assert "team's name" in k.app.notice
    assert k.app.store.list_sessions() == []
    k.tap(k.app.root.ids.banner.ids.dismiss)
    assert k.app.notice == ""


def test_an_over_long_team_name_is_cut_at_the_limit_with_a_counter(kiosk):
    k = kiosk
    k.tap("start")
    k.pick_method("trivselsdialog")
    field = k.find("name")
    field.text = "x" * 80                  # e.g. pasted from a physical keyboard
    k.frames(2)
    assert len(field.text) == 60 and k.screen().counter == "60/60"


def test_wrong_pin_keeps_the_menu_shut(kiosk):
    k = kiosk
    k.tap("menu")
    for key in "9999":
        k.tap("k" + key)
    k.tap("kok")
    assert k.app.sm.current == "pin" and "Wrong PIN" in k.screen().message
    k.tap("cancel")
    assert k.app.sm.current == "board"


def test_changing_the_pin_and_the_language(kiosk):
    k = kiosk
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    k.tap("pin")
    for attempt in ("2468", "2468"):
        for key in attempt:
            k.tap("k" + key)
        k.tap("kok")
    assert k.app.sm.current == "settings"
    settings = k.app.store.get_state("settings")
    assert settings["pin_hash"] and "2468" not in settings["pin_hash"]
    k.tap("lang_nb")
    assert k.app.lang == "nb" and k.find("back").text == "Tilbake"
    assert k.app.store.get_state("settings")["lang"] == "nb"
    assert k.app.notice == "The PIN was changed."  # said before the switch to Norwegian
    k.tap(k.app.root.ids.banner.ids.dismiss)
    k.tap("back")
    k.tap("menu")
    for key in k.pin:                    # the old PIN no longer opens it
        k.tap("k" + key)
    k.tap("kok")
    assert k.app.sm.current == "pin"


def test_escape_and_the_close_button_do_not_quit(kiosk):
    k = kiosk
    assert k.app._on_request_close() is True   # True = refuse the close
    k.app.allow_quit = True
    assert k.app._on_request_close() is False


def test_a_failed_write_changes_nothing_and_says_why(kiosk, monkeypatch):
    import errno
    import os

    k = kiosk
    start_workshop(k)
    before = stored(k)
    real_replace = os.replace

    def disk_full(src, dst, *a, **kw):
        if str(dst).endswith(".json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", disk_full)
    k.tap("plus5")
    assert "disk is full" in k.app.notice
    assert k.screen().timer_text == "10:00"             # the screen did not pretend
    assert k.app.workshop.session.timer.adjust == 0
    monkeypatch.setattr(os, "replace", real_replace)
    assert stored(k) == before
    k.tap("plus5")                                      # space again: it works
    assert stored(k)["timers"]["velkomst"]["adjust"] == 300.0


def test_restart_opens_the_same_session_step_and_timer(display, data_dir, clock):
    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        start_workshop(k)
        k.tap("toggle")
        k.advance(200)
        k.tap("next")
        k.advance(100)
    finally:
        k.close()                      # the kiosk goes away mid-step …
    clock.advance(60)                  # … for a minute
    k2 = Driver(data_dir, clock=clock, lang="en")
    try:
        assert k2.app.sm.current == "workshop"
        s = k2.app.workshop.session
        assert s.step.id == "refleksion" and s.timer.running
        k2.advance(0)
        assert k2.screen().timer_text == "07:20"   # 10 min − 100 s − 60 s off
    finally:
        k2.close()


def test_a_damaged_data_file_is_recovered_and_the_screen_says_so(display, data_dir, clock):
    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        start_workshop(k)
        k.tap("plus5")
        sid = k.app.workshop.session.id
    finally:
        k.close()
    path = data_dir / "sessions" / f"{sid}.json"
    path.write_bytes(path.read_bytes()[:40])   # a torn write
    k2 = Driver(data_dir, clock=clock, lang="en")
    try:
        assert "damaged" in k2.app.notice and k2.app.notice_kind == "error"
        assert k2.app.sm.current == "workshop"
        assert k2.app.workshop.session.team == "Hjemmeplejen Nord"
        assert list((data_dir / "sessions").glob(f"{sid}.json.corrupt-*"))
    finally:
        k2.close()


def test_a_second_kiosk_on_the_same_folder_is_refused_on_screen(display, data_dir, clock):
    from kiosk.store import Store
    from kiosk_testing import Driver

    holder = Store(data_dir)
    try:
        k = Driver(data_dir, clock=clock, lang="en")
        try:
            assert k.app.sm.current == "home"
            assert "Another kiosk" in k.screen().fatal
            assert k.find("start").disabled
        finally:
            k.close()
    finally:
        holder.close()


@pytest.mark.parametrize("step_id", ["velkomst", "gruppering"])
def test_timer_digits_are_at_least_a_fifth_of_the_screen(kiosk, step_id):
    """Measured on the drawn frame: the rows that hold the digits' near-white pixels.
    Also on a wall step, where the timer column is narrow (it shows whole minutes)."""
    k = kiosk
    start_workshop(k)
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws)
    k.frames(3)
    assert k.screen().wide == (step_id == "gruppering")
    w, h, rgb = k.pixels()
    timer = k.find("timer")
    x0, y0 = (int(v) for v in timer.to_window(timer.x, timer.y))
    rows = [y for y in range(max(0, y0 - 50), min(h, y0 + int(timer.height) + 50))
            if any(min(rgb[(y * w + x) * 3:(y * w + x) * 3 + 3]) > 230
                   for x in range(x0, x0 + int(timer.width), 2))]
    assert rows, "no digits drawn"
    assert max(rows) - min(rows) >= 0.20 * h, (max(rows) - min(rows), h)


def test_touch_targets_are_finger_sized(kiosk):
    k = kiosk
    start_workshop(k)
    for name in ("toggle", "plus1", "plus5", "minus1", "next", "prev", "undo", "menu"):
        w = k.find(name)
        assert min(w.width, w.height) >= 80, (name, w.size)


def test_idle_returns_to_the_board_but_never_leaves_a_running_workshop(kiosk):
    from kiosk.ui.app import IDLE_SECONDS

    k = kiosk
    assert k.app.sm.current == "board"          # the statuspil board is the idle screen
    k.tap("start")
    assert k.app.sm.current == "picker"
    k.advance(IDLE_SECONDS - 5)
    assert k.app.sm.current == "picker"         # someone is still choosing
    k.advance(10)
    assert k.app.sm.current == "board"          # walked away: back to the board
    start_workshop(k)
    k.advance(IDLE_SECONDS * 5)
    assert k.app.sm.current == "workshop"       # a running workshop keeps its screen


def test_a_broken_method_file_is_named_on_screen_after_the_first_frame(display, data_dir, clock, tmp_path, monkeypatch):
    """Method files are read after the first frame (a restart needs none); a bad one
    is still reported on screen, and the good ones are still offered."""
    from kiosk_testing import Driver

    extra = tmp_path / "more-methods"
    extra.mkdir()
    (extra / "broken.toml").write_text('[method]\nid = "x"\n[[steps]]\nactivity = "nope"\n', encoding="utf-8")
    monkeypatch.setenv("KIOSK_METHODS", str(extra))
    k = Driver(data_dir, clock=clock, lang="en")
    try:
        k.wait_until(lambda: "broken.toml" in k.app.notice, 5)
        assert "broken.toml" in k.app.notice and k.app.notice_kind == "error"
        assert "trivselsdialog" in [m.id for m in k.app.methods]
    finally:
        k.close()
