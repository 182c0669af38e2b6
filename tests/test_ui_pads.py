"""Phones at the wall, in the real window: the join panel, and phones over real HTTP.

"Open for phones" on a write step starts the real pad server process (``kiosk.web.padlink``)
and shows the join panel beside the wall; its QR code is read back from a screenshot by a
real decoder and names the join address. A phone (``padserver_testing.Phone``: real HTTP
to the server process, its own cookie and the page's nonce) joins and writes; the kiosk
applies the note on the Kivy thread, and the note is on the wall, on the board and in the
store, while the wall's banner stays as it was. Undo takes the phone's note back; Close
locks the door (joined phones go on); Pause all refuses the phone's note with the pause's
message; the inbox holds a note until Let in; Remove (asked first) shuts a phone out while
its notes stay. A vote that hides its totals shows none on the wall until every person on
a phone has said done ("1 of 2 have voted"), or the facilitator taps Show totals.

Run as a script (``python tests/test_ui_pads.py 3840x2160``) it writes the screenshots to
screenshots/pads/.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from padserver_testing import Phone, request  # noqa: E402
from test_ui_delete_session import to_settings  # noqa: E402

from kiosk.core.settings import Settings  # noqa: E402
from kiosk.core.workshop import Workshop  # noqa: E402

SHOTS = ROOT / "screenshots" / "pads"


@pytest.fixture(autouse=True)
def free_port(monkeypatch):
    monkeypatch.setenv("KIOSK_EXPORT_PORT", "0")
    for name in ("KIOSK_EXPORT_HOST", "KIOSK_EXPORT_BIND"):
        monkeypatch.delenv(name, raising=False)


def shot(k, name: str) -> Path:
    w, h = k.window.size
    return k.screenshot(SHOTS / f"{name}-{w}x{h}.png")


def decode(path: Path) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (the QR decoder) is not installed")
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path)) if r.format == zxingcpp.BarcodeFormat.QRCode]


def meanwhile(k, call, seconds: float = 10.0):
    """A phone's request in a thread while the wall draws frames (the kiosk applies the
    intent on its own Kivy thread, at a frame); its answer."""
    out = {}

    def run():
        try:
            out["answer"] = call()
        except BaseException as e:  # handed to the test below
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert k.wait_until(lambda: not t.is_alive(), seconds), "the phone's request got no answer"
    if "error" in out:
        raise out["error"]
    return out["answer"]


def start_at(k, step_id: str, method_id: str = "trivselsdialog", method=None, team="Lageret"):
    """A workshop of ``method`` at the step, shown on the wall."""
    app = k.app
    method = method or app.method_by_id(method_id)
    ws = Workshop.start(app.store, app.clock, method, team, lang="da")
    ws.go_to(method.step_index(step_id))
    app.workshop = ws
    app.show("workshop")
    k.frames(3)
    return ws


def open_phones(k):
    """Tap "Open for phones" and wait for the server process to listen."""
    screen = k.screen()
    assert k.find("phones").opacity == 1
    k.tap("phones")
    glue = k.app.pad_glue()
    assert glue.wait_started(20)
    k.wait_until(lambda: glue.state == "on" and glue.join_url, 5)
    k.frames(3)
    assert glue.state == "on", glue.problem
    return screen.phones_panel, glue


def phone_for(glue) -> Phone:
    return Phone(port=glue.link.port)


def token_of(glue) -> str:
    return glue.join_url.rsplit("/j/", 1)[1]


# -- Settings: the phones' Wi-Fi ------------------------------------------------------------

def test_the_wifi_setting_is_checked_and_a_bad_one_in_kiosk_json_keeps_none():
    s = Settings().with_wifi("  Gæstenet ", "hemmelig-42")
    assert (s.wifi_name, s.wifi_password) == ("Gæstenet", "hemmelig-42")
    assert Settings.from_dict(s.to_dict()) == s
    assert Settings().with_wifi("Åbent", "").wifi_password == ""
    assert s.with_wifi("", "") == replace(s, wifi_name="", wifi_password="")
    for name, password, reason in (("x" * 33, "", "wifi_name"), ("", "hemmelig-42", "wifi_name"),
                                   ("Net", "kort", "wifi_password"), ("Net", "æøå-æøå-æøå", "wifi_password"),
                                   ("Linje\nskift", "", "wifi_name")):
        with pytest.raises(ValueError) as e:
            Settings().with_wifi(name, password)
        assert e.value.reason == reason
    for bad in ({"wifi_name": "Net", "wifi_password": "kort"}, {"wifi_name": 7},
                {"wifi_name": "x" * 40, "wifi_password": "hemmelig-42"}):
        kept = Settings.from_dict(bad)
        assert (kept.wifi_name, kept.wifi_password) == ("", "")


@pytest.mark.window
def test_phones_are_offered_where_their_page_takes_input():
    """The wall offers "Open for phones" exactly where the phone's page is more than the
    step's title: the timeline's stories too, never a show of hands or a talk round."""
    from kiosk.core.loader import load_method
    from kiosk.ui.pads import takes_input

    methods = ROOT / "methods"
    story = load_method(methods / "historievaerksted.toml")
    assert {s.id for s in story.steps if takes_input(s, story)} == {"skriv", "tidslinje", "grupper"}
    checkin = load_method(methods / "arbejdsmiljo-checkin.toml")
    assert not any(takes_input(s, checkin) for s in checkin.steps)
    trivsel = load_method(methods / "trivselsdialog.toml")
    assert [s.id for s in trivsel.steps if takes_input(s, trivsel)] == [
        "refleksion", "praesentation", "trioens-post-its", "afstemning"]


def test_the_wifi_sheet_types_a_network_and_masks_its_password(kiosk):
    k = kiosk
    to_settings(k)
    assert k.find("wifi").text == "Wi-Fi for phones: none"
    k.tap("wifi")
    sheet = k.app.screen("settings").wifi_sheet
    keys = sheet.ids.keyboard
    k.type(keys, "Workshop")
    k.tap(keys.keys["enter"])                          # on to the password
    assert sheet.ids.password.focus and sheet.ids.password.password
    k.type(keys, "kort")
    k.tap(sheet.ids.save)
    assert k.app.notice.startswith("A Wi-Fi password is 8 to 63") and sheet.parent is not None
    k.type(keys, "-nok-1")
    k.tap(sheet.ids.save)
    assert sheet.parent is None
    saved = k.app.store.get_state("settings")
    assert (saved["wifi_name"], saved["wifi_password"]) == ("Workshop", "kort-nok-1")
    assert "Workshop" in k.find("wifi").text and "kort" not in k.find("wifi").text


# -- the join panel and phones over real HTTP -------------------------------------------------

@pytest.mark.window
def test_a_phone_joins_by_the_code_writes_and_the_facilitator_keeps_the_controls(kiosk):
    k = kiosk
    app = k.app
    ws = start_at(k, "refleksion")
    sid = ws.session.id
    app.say("Ein Hinweis an die Gruppe", "error")      # a message on the wall stays through a phone's refusal
    panel, glue = open_phones(k)
    assert panel is not None and panel.parent == k.find("work")
    assert k.find("activity").right <= panel.x          # the wall narrows: the panel covers none of it

    # the code on the screen is the join address, read by a real decoder
    url = glue.join_url
    assert url.startswith("http://") and "/j/" in url
    assert url in decode(shot(k, "panel"))
    assert panel.address_text == f"or type {glue.address}" and panel.heading == "0 devices joined"

    # a phone joins and writes: on the wall, on the board and in the store, within a frame
    phone = phone_for(glue)
    status, head, _ = meanwhile(k, lambda: phone.join(token_of(glue), name="Kari"))
    assert status == 303 and phone.cookie
    k.frames(2)
    assert glue.joined == 1 and panel.heading == "1 device joined" and k.find("phones").text == "Phones · 1"
    nonce = phone.nonce()
    kind = ws.session.step.params["kinds"][0]["id"]
    answer = meanwhile(k, lambda: phone.send("note", nonce, step="refleksion", kind=kind, text="Mere ro om morgenen"))
    assert answer["ok"] is True, answer
    k.frames(3)
    note = next(n for n in app.wall().notes() if n.text == "Mere ro om morgenen")
    assert note.author is not None and any(d["text"] == "Mere ro om morgenen" for d in app.store.all(sid, "notes"))
    assert app.notice == "Ein Hinweis an die Gruppe"   # the wall's message is not the phone's business

    # a phone's refusal goes to the phone, not onto the wall
    app.clock.advance(3)
    answer = meanwhile(k, lambda: phone.send("note", nonce, step="refleksion", kind=kind, text="x" * 900))
    assert answer["ok"] is False and answer["message"] and app.notice == "Ein Hinweis an die Gruppe"
    app.dismiss_notice()

    # the wall's Undo takes the phone's note back
    k.tap("undo")
    assert all(n.text != "Mere ro om morgenen" for n in app.wall().notes())

    # Pause all: the phone's note is refused with the pause's words; Go on
    k.tap(panel.ids.pause)
    assert panel.paused and panel.ids.pause.text == "Go on"
    app.clock.advance(3)
    answer = meanwhile(k, lambda: phone.send("note", nonce, step="refleksion", kind=kind, text="Under pausen"))
    assert answer["ok"] is False and answer["reason"] == "paused" and "pause" in answer["message"]
    k.tap(panel.ids.pause)
    assert not panel.paused

    # the inbox holds a note until the facilitator lets it in
    k.tap(panel.ids.devices)
    sheet = panel.sheet
    k.tap(sheet.ids.inbox_toggle)
    assert glue.inbox and sheet.inbox_on
    app.clock.advance(3)
    answer = meanwhile(k, lambda: phone.send("note", nonce, step="refleksion", kind=kind, text="Følsomt emne"))
    assert answer["ok"] is True and answer.get("message"), answer
    k.frames(3)
    assert all(n.text != "Følsomt emne" for n in app.wall().notes())
    assert glue.held == 1 and panel.inbox_text == "Inbox: 1 waiting"
    let_in = next(w for name, w in sheet.ids.items() if name.startswith("let_in_"))
    k.tap(let_in)
    assert any(n.text == "Følsomt emne" for n in app.wall().notes()) and glue.held == 0
    app.undo()                                                     # Undo: back in the inbox
    k.frames(2)
    assert all(n.text != "Følsomt emne" for n in app.wall().notes()) and panel.inbox_text == "Inbox: 1 waiting"
    k.tap(next(w for name, w in sheet.ids.items() if name.startswith("let_in_")))
    assert any(n.text == "Følsomt emne" for n in app.wall().notes()) and glue.held == 0

    # Remove (asked first): the phone is out, its note stays on the wall
    remove = next(w for name, w in sheet.ids.items() if name.startswith("remove_"))
    k.tap(remove)
    assert "Kari" in app.confirm_view.question
    k.tap(app.confirm_view.ids.yes)
    assert glue.joined == 0 and any(n.text == "Følsomt emne" for n in app.wall().notes())
    k.tap(sheet.ids.close)
    assert k.wait_until(lambda: phone.get("/pad")[0] == 403, 3)  # published at the app's next tick

    # Close: the door locks (a new phone cannot join); Open again gives a new code
    k.tap(panel.ids.door)
    assert not glue.door_open and not glue.join_url
    assert k.wait_until(lambda: phone_for(glue).get(f"/j/{token_of_url(url)}")[0] == 403, 3)
    k.tap(panel.ids.door)
    k.frames(2)
    assert glue.door_open and glue.join_url and glue.join_url != url

    # Hide folds the panel away (the wall gets its width back); the top row brings it back
    k.tap(panel.ids.hide)
    assert k.screen().phones_panel is None and panel.parent is None and k.find("phones").text == "Phones · 0"
    k.tap("phones")
    assert k.screen().phones_panel is not None and glue.door_open

    # the export's link is served by the same process, on the same port
    from kiosk.ui.export import export_server
    share = export_server(app).share(app.workshop.session.id)
    assert f":{glue.link.port}/e/{share.token.value}" in share.url
    assert export_server(app).port == glue.link.port and export_server(app).link is glue.link
    pid = glue.link.pid
    assert request(glue.link.port, "GET", f"/e/{share.token.value}/md")[0] == 200 and glue.link.pid == pid

    # the workshop ends: its pads go; the process stays for the open export link …
    link = glue.link
    app.end_workshop()
    k.frames(2)
    assert glue.link is None and link.alive and k.wait_until(lambda: phone.get("/pad")[0] == 403, 3)
    assert request(link.port, "GET", f"/e/{share.token.value}/md")[0] == 200
    # … and goes with it: nothing listens when nothing is shared
    export_server(app).revoke(share.token.value)
    assert not link.alive


def token_of_url(url: str) -> str:
    return url.rsplit("/j/", 1)[1]


# -- a server that dies, and a kiosk that restarts mid-step ------------------------------------

@pytest.mark.window
def test_the_phones_carry_on_when_the_server_dies_and_when_the_kiosk_restarts(display, data_dir, clock):
    import os
    import signal

    from kiosk_testing import Driver

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        ws = start_at(k, "refleksion")
        kind = ws.session.step.params["kinds"][0]["id"]
        _, glue = open_phones(k)
        phone = phone_for(glue)
        assert meanwhile(k, lambda: phone.join(token_of(glue), name="Kari"))[0] == 303
        port, pid = glue.link.port, glue.link.pid
        os.kill(pid, signal.SIGKILL)                              # the server process dies
        assert k.wait_until(lambda: glue.state == "on" and glue.link.alive and glue.link.pid != pid, 20)
        assert glue.link.port == port and phone.get("/pad")[0] == 200   # the same address, the same phone
        answer = meanwhile(k, lambda: phone.send("note", step="refleksion", kind=kind, text="Før genstarten"))
        assert answer["ok"] is True, answer
    finally:
        k.close()
    assert not glue.link or not glue.link.alive                    # the app's stop ends the server

    k = Driver(data_dir, clock=clock, lang="en")                   # a restart mid-step
    try:
        assert k.wait_until(lambda: k.app.pad_glue(made=False) is not None
                            and k.app.pad_glue().state == "on", 20)
        glue = k.app.pad_glue()
        assert not glue.door_open and glue.joined == 1            # the door is shut; Kari is still in
        assert k.find("phones").text == "Phones · 1"
        phone.port = glue.link.port
        k.app.clock.advance(3)
        answer = meanwhile(k, lambda: phone.send("note", step="refleksion", kind=kind, text="Efter genstarten"))
        assert answer["ok"] is True, answer
        k.frames(2)
        assert {"Før genstarten", "Efter genstarten"} <= {n.text for n in k.app.wall().notes()}
    finally:
        k.close()


# -- a vote that hides its totals -------------------------------------------------------------

THEMES = ["For lidt tid til den enkelte borger", "Kørelisterne ændres i sidste øjeblik",
          "Mange afbrydelser på kontoret", "Uklart hvem der har ansvaret for hvad"]


def hidden_vote(k):
    """The Trivselsdialog's vote with hidden totals, four themes on the ballot, on the wall."""
    method = k.app.method_by_id("trivselsdialog")
    steps = tuple(replace(st, params={**st.params, "hide_totals": True}) if st.id == "afstemning" else st
                  for st in method.steps)
    method = replace(method, steps=steps)
    app = k.app
    ws = Workshop.start(app.store, app.clock, method, "Hjemmeplejen Nord", lang="da")
    app.workshop = ws
    keys = [app.wall().add_note("mindre-godt", t, step="refleksion").key for t in THEMES]
    ws.go_to(method.step_index("afstemning"))
    app.show("workshop")
    k.frames(3)
    return ws, keys


def badges(view) -> list[str]:
    return [c.badge for c in view.ids.board.cards.values()]


@pytest.mark.window
def test_a_vote_that_hides_its_totals_waits_for_every_phone_or_the_facilitators_show(kiosk):
    k = kiosk
    app = k.app
    ws, keys = hidden_vote(k)
    panel, glue = open_phones(k)
    kari, ole = phone_for(glue), phone_for(glue)
    for phone, name in ((kari, "Kari"), (ole, "Ole")):
        assert meanwhile(k, lambda: phone.join(token_of(glue), name=name))[0] == 303
    for phone, item in ((kari, keys[0]), (kari, keys[1]), (ole, keys[0])):
        answer = meanwhile(k, lambda: phone.send("dot", step="afstemning", item=item, delta="1"))
        assert answer["ok"] is True, answer
    assert meanwhile(k, lambda: kari.send("done", step="afstemning"))["ok"] is True
    k.frames(3)
    view = k.find("activity").children[0]
    assert view.hidden and view.status == "1 of 2 have voted" and panel.voted_text == "1 of 2 have voted"
    assert not any("●" in b for b in badges(view))                 # no totals on the wall
    assert view.ids.results.text == "Show totals"
    shot(k, "vote-hidden")

    k.tap(view.ids.results)                                        # the facilitator shows them early
    assert not view.hidden and any("●  2" in b for b in badges(view)) and view.ids.results.text == "Results"
    k.tap("undo")                                                  # and hides them again
    assert view.hidden and not any("●" in b for b in badges(view))

    assert meanwhile(k, lambda: ole.send("done", step="afstemning"))["ok"] is True
    k.frames(3)
    assert not view.hidden and view.status == "2 of 2 have voted" and any("●  2" in b for b in badges(view))
    assert app.wall() is not None and ws.session.step.id == "afstemning"


# -- screenshots ---------------------------------------------------------------------------------

def _shoot(size: str) -> list[Path]:
    """The wall with the join panel open, the code enlarged, and the Wi-Fi code first."""
    import os

    from kiosk_testing import screenshot_driver

    os.environ["KIOSK_EXPORT_PORT"] = "0"
    k = screenshot_driver(size, lang="da")
    out = []
    try:
        app = k.app
        ws = start_at(k, "refleksion", team="Hjemmeplejen Nord")
        wall = app.wall()
        for text in THEMES[:3]:
            wall.add_note("mindre-godt", text, step="refleksion")
        app.revision += 1
        panel, glue = open_phones(k)
        for name in ("Kari", "Ole", "Mette"):
            phone = phone_for(glue)
            meanwhile(k, lambda: phone.join(token_of(glue), name=name))
        k.frames(3)
        out.append(shot(k, "panel-write"))
        k.tap(panel.ids.qr)
        out.append(shot(k, "panel-enlarged"))
        panel.big.dismiss()
        k.frames(2)
        app.save_settings(replace(app.settings, wifi_name="Workshop-kiosk", wifi_password="hemmelig-42"))
        panel.show_code("wifi")
        k.frames(3)
        out.append(shot(k, "panel-wifi"))
        k.tap(panel.ids.qr)
        out.append(shot(k, "panel-wifi-enlarged"))
        panel.big.dismiss()
        k.frames(2)
        k.tap(panel.ids.devices)
        out.append(shot(k, "devices"))
        panel.sheet.dismiss()
        app.end_workshop()
        app.save_settings(app.settings.with_wifi("", ""))
        k.frames(2)
        _, keys = hidden_vote(k)
        panel, glue = open_phones(k)
        phones = [phone_for(glue) for _ in range(3)]
        for phone, name in zip(phones, ("Kari", "Ole", "Mette")):
            meanwhile(k, lambda: phone.join(token_of(glue), name=name))
        for phone in phones[:2]:
            meanwhile(k, lambda: phone.send("dot", step="afstemning", item=keys[0], delta="1"))
            meanwhile(k, lambda: phone.send("done", step="afstemning"))
        k.frames(3)
        out.append(shot(k, "vote-hidden"))
        app.end_workshop()
        to_settings(k)
        k.tap("wifi")
        sheet = app.screen("settings").wifi_sheet
        k.type(sheet.ids.keyboard, "Workshop-kiosk")
        sheet.ids.password.focus = True
        k.type(sheet.ids.keyboard, "hemmelig-42")
        out.append(shot(k, "settings-wifi"))
        del ws
    finally:
        k.close()
    return out


if __name__ == "__main__":  # screenshots at a given size: python tests/test_ui_pads.py 3840x2160
    from kiosk_testing import print_shots

    print_shots(_shoot)
