"""The pad server in its own process, over real HTTP, with this process as the kiosk.

The kiosk's side is real (store, wall, people, ``kiosk.core.pads``, ``padview``); phones
are HTTP clients with their own loopback addresses (``tests/padserver_testing.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from kiosk.core.wall import Wall
from kiosk.web import padserver
from kiosk.web.padlink import PadLink, PadLinkError
from padserver_testing import serve_room, TALK, VOTE, WRITE, Phone, Room, request

CSP = padserver.CSP


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    yield from serve_room(tmp_path_factory)


@pytest.fixture
def fresh(room):
    """The room back on the write step, with the door open: its token."""
    room.clock.advance(5)
    with room.lock:
        room.here["step"] = WRITE
        if room.pads.door.paused:
            room.pads.pause(False)
    return room.open()


def stored_notes(room) -> list[str]:
    """The notes as the store holds them (a fresh wall reads them again)."""
    with room.lock:
        return [n.text for n in Wall(room.store, "s1", room.clock).notes()]


def test_join_write_and_the_note_is_in_the_store(room, fresh):
    phone = Phone(room.port, "127.0.1.1")
    status, head, page = phone.get(f"/j/{fresh}")
    assert status == 200 and "Køkkenet &lt;b&gt;".encode() in page and b"<b>" not in page
    for name, value in (("content-security-policy", CSP), ("x-content-type-options", "nosniff"),
                        ("referrer-policy", "no-referrer"), ("cache-control", "no-store")):
        assert head[name] == value
    status, head, _ = phone.join(fresh, name="<script>alert(1)</script>")
    assert status == 303 and head["location"] == "/pad"
    cookie = head["set-cookie"]
    for attr in ("Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200"):
        assert attr in cookie
    assert len(phone.cookie) >= 22
    status, head, page = phone.get("/pad")
    assert status == 200 and head["content-security-policy"] == CSP
    assert b"Skriv" in page and b"<script>alert" not in page and b'src="/static/pad.js"' in page

    # without JavaScript: a plain form post, then back to the page with the note on it
    status, head, _ = phone.post("/pad/note", {"step": "skriv", "kind": "godt", "text": "Mere <i>tid</i>",
                                               "nonce": phone.nonce()})
    assert status == 303 and head["location"] == "/pad?m=ok"
    assert "Mere <i>tid</i>" in stored_notes(room)
    status, _, page = phone.get(head["location"])
    assert b"Mere &lt;i&gt;tid&lt;/i&gt;" in page and b"<i>tid" not in page

    # with JavaScript: JSON, and the serial pad.js polls moves on
    before = phone.state()
    room.clock.advance(3)
    out = phone.send("note", step="skriv", kind="mindre", text="For lidt pauser")
    assert out["ok"] is True and out["status"] == 200 and out["serial"] > before
    assert phone.state() == out["serial"]
    assert stored_notes(room)[-2:] == ["Mere <i>tid</i>", "For lidt pauser"]
    status, _, frag = phone.get("/pad?fragment=1")
    assert status == 200 and b"For lidt pauser" in frag and not frag.startswith(b"<!DOCTYPE")
    # the static files, cached; the page's script is its own file (no inline script)
    for path, kind in (("/static/pad.js", "text/javascript"), ("/static/pad.css", "text/css")):
        status, head, body = phone.get(path)
        assert status == 200 and head["content-type"].startswith(kind) and "max-age" in head["cache-control"]
        assert len(body) > 200
    assert b"<script>" not in page and b" style=" not in page


def test_refusals_come_back_as_plain_messages_and_nothing_changes(room, fresh):
    phone = Phone(room.port, "127.0.1.2")
    phone.join(fresh)
    notes = stored_notes(room)
    out = phone.send("note", step="skriv", kind="godt", text="x" * 121)
    assert (out["ok"], out["status"]) == (False, 200) and out["reason"] == "note_long" and out["message"]
    out = phone.send("note", step="skriv", kind="ondt", text="hej")
    assert out["reason"] == "unknown_kind"
    out = phone.send("note", step="forrige", kind="godt", text="for sent")
    assert out["reason"] == "moved_on" and "væggen" in out["message"].lower()   # the session's language (da)
    assert phone.send("note", step="skriv", kind="godt", text="Først")["ok"]
    out = phone.send("note", step="skriv", kind="godt", text="Straks igen")
    assert out["reason"] == "too_fast"
    assert stored_notes(room) == notes + ["Først"]
    # without JavaScript a refused note comes back in its form, with the message: no words lost
    status, head, page = phone.post("/pad/note", {"step": "skriv", "kind": "mindre", "text": "Igen <b>nu</b>",
                                                  "nonce": phone.nonce()})
    assert status == 200 and "location" not in head and out["message"].encode() in page
    assert b'data-keep="note" data-left=' in page and b">Igen &lt;b&gt;nu&lt;/b&gt;</textarea>" in page
    assert b'value="mindre" checked' in page and b'value="godt" checked' not in page
    # another refusal (a dot, an edit) sends the phone back to its page with the message
    status, head, _ = phone.post("/pad/delete", {"note": "999999", "nonce": phone.nonce()})
    assert status == 303 and head["location"].startswith("/pad?m=")
    status, _, page = phone.get(head["location"])
    assert status == 200 and re.search(rb'<div id="msg"[^>]*><p>[^<]+</p>', page)
    # a made-up message key puts no words on the page
    status, _, page = phone.get("/pad?m=<script>")
    assert status == 200 and b"&lt;script" not in page and b"<script>" not in page
    nonce = phone.nonce()                  # the page before the wall moved on (a talk step has no form)
    room.step(TALK)
    out = phone.send("note", nonce, step="skriv", kind="godt", text="Efter")
    assert out["reason"] == "moved_on"
    with room.lock:
        room.pads.pause(True)
    room.publish()
    room.step(WRITE)
    room.clock.advance(3)
    assert phone.send("note", step="skriv", kind="godt", text="Pause")["reason"] == "paused"
    assert stored_notes(room) == notes + ["Først"]


def test_vote_dots_done_and_totals(room, fresh):
    phones = [Phone(room.port, f"127.0.2.{i}") for i in (1, 2)]
    for p in phones:
        p.join(fresh)
    room.clock.advance(3)
    assert phones[0].send("note", step="skriv", kind="godt", text="Mødefri fredag")["ok"]
    room.step(VOTE)
    status, _, page = phones[0].get("/pad")
    assert status == 200 and "Mødefri fredag".encode() in page
    with room.lock:
        rnd = room.pads.vote_round(room.here["step"])
        item = next(k for k in rnd.items if room.wall.label(k) == "Mødefri fredag")
    a, b = phones
    assert a.send("dot", step="stem", item=item, delta="1")["ok"]
    assert a.send("dot", step="stem", item=item, delta="1")["ok"]
    out = a.send("dot", step="stem", item=item, delta="1")
    assert out["ok"] is False and out["reason"] == "item_cap"                  # at most 2 on one
    assert a.send("dot", step="stem", item="nope", delta="1")["reason"] in ("unknown_item", "bad_form")
    assert a.send("dot", step="stem", item=item, delta="7")["reason"] == "bad_form"
    assert b.send("dot", step="stem", item=item, delta="1")["ok"]
    assert a.send("done", step="stem")["ok"]
    assert a.send("dot", step="stem", item=item, delta="-1")["reason"] == "voted"
    with room.lock:
        assert room.pads.vote_round(room.here["step"]).totals()[item] == 3      # in the store
    status, _, page = a.get("/pad")
    assert status == 200
    # the view's numbers, as the page gets them
    view = room_view(room, a)
    line = next(x for x in view["vote"]["ballot"] if x["id"] == item)
    assert line["mine"] == 2 and view["vote"]["done"] and view["vote"]["left"] == 1


def room_view(room, phone):
    from kiosk.core import padview
    from kiosk.core.pads import digest

    with room.lock:
        snap = room.snapshot()
    return padview.for_device(snap, digest(phone.cookie))


def test_a_kiosk_that_does_not_answer_is_said_and_others_are_still_served(room, fresh):
    phone, other = Phone(room.port, "127.0.3.1"), Phone(room.port, "127.0.3.2")
    phone.join(fresh)
    other.join(fresh)
    nonce = phone.nonce()
    room.hold.set()
    try:
        started = time.monotonic()
        import threading
        result = {}
        t = threading.Thread(target=lambda: result.update(phone.send("note", nonce, step="skriv", kind="godt",
                                                                     text="Venter")))
        t.start()
        time.sleep(0.3)
        for _ in range(5):   # meanwhile the server answers reads from its snapshot alone
            t0 = time.monotonic()
            assert other.state() is not None and time.monotonic() - t0 < 0.5
        t.join(10)
        took = time.monotonic() - started
    finally:
        room.hold.clear()
    assert result["ok"] is False and result["reason"] == "timeout" and result["status"] == 503
    assert "svarede ikke" in result["message"] or "answer" in result["message"]
    assert padserver.INTENT_SECONDS - 0.2 < took < padserver.INTENT_SECONDS + 2


def test_the_server_process_imports_neither_kivy_nor_the_store():
    code = ("import sys, kiosk.web.padserver as s, kiosk.web.padpages, kiosk.core.padview, kiosk.core.pads;"
            "print(sorted(m for m in sys.modules if m.startswith(('kivy', 'kiosk.store', 'kiosk.ui'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.stdout.strip() == "[]", out.stderr


def test_the_link_restarts_a_dead_server_and_joined_phones_carry_on(room, fresh):
    phone = Phone(room.port, "127.0.4.1")
    phone.join(fresh)
    assert phone.state() is not None
    pid = room.link.pid
    os.kill(pid, 9)
    deadline = time.monotonic() + 5
    while room.link.alive and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not room.link.alive
    room.link.start()                      # the last snapshot goes to the new one at once
    assert room.link.alive and room.link.pid != pid
    phone.port = room.port
    assert phone.state() is not None       # the same cookie, the same device
    room.clock.advance(3)
    assert phone.send("note", step="skriv", kind="godt", text="Efter genstart")["ok"]
    assert "Efter genstart" in stored_notes(room)
    assert room.link.join_url("T0K3N") == f"http://127.0.0.1:{room.port}/j/T0K3N"
    assert room.link.address == f"127.0.0.1:{room.port}"


def test_the_server_exits_when_the_kiosk_process_dies(tmp_path):
    code = ("from kiosk.web.padlink import PadLink\n"
            "import os, sys\n"
            "link = PadLink(lambda i: {'ok': True}, host='127.0.0.1', port=0)\n"
            "link.start()\n"
            "print(link.pid, link.port, flush=True)\n"
            "os.kill(os.getpid(), 9)\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=root)
    pid, port = (int(x) for x in out.stdout.split())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.05)
    assert not _running(pid), "the pad server outlived the kiosk"
    with pytest.raises(OSError):
        request(port, "GET", "/pad/state", timeout=1)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return "\nState:\tZ" not in f.read()
    except FileNotFoundError:
        return False


def test_a_port_in_use_is_left_for_a_free_one_and_a_broken_start_is_an_error():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        link = PadLink(lambda i: {"ok": True}, host="127.0.0.1", port=taken.getsockname()[1])
        link.start()
        try:
            assert link.alive and link.port not in (0, taken.getsockname()[1])
        finally:
            link.stop()
        assert not link.alive
    bad = PadLink(lambda i: {"ok": True}, host="192.0.2.1", port=1)   # not this machine's address
    with pytest.raises(PadLinkError) as e:
        bad.start()
    assert e.value.reason in ("bind", "exited") and not bad.alive


def test_the_web_process_writes_its_own_bounded_log_beside_the_kiosks(tmp_path):
    """A kiosk with its log file installed starts the web process with web.log beside
    kiosk.log (bounded and rotated the same way); a join token shows only its start."""
    code = ("import sys, http.client\n"
            "from kiosk import logfile\n"
            "from kiosk.web.padlink import PadLink\n"
            "logfile.install(sys.argv[1])\n"
            "link = PadLink(lambda i: {'ok': True}, host='127.0.0.1', port=0)\n"
            "link.start()\n"
            "c = http.client.HTTPConnection('127.0.0.1', link.port, timeout=5)\n"
            "c.request('GET', '/j/' + 'Q' * 24)\n"
            "print(c.getresponse().status, flush=True)\n"
            "link.stop()\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=30,
                         cwd=root)
    assert out.stdout.strip() == "403", out.stderr
    web = (tmp_path / "web.log").read_text("utf-8")
    assert "web.log started" in web and "refused GET /j/QQQQ… from 127.0.0.1: 403" in web
    assert "Q" * 24 not in web
    assert "refused" not in (tmp_path / "kiosk.log").read_text("utf-8")  # each process its own file


def _children_serving() -> list[int]:
    """This process's children that run the web process."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"kiosk.web.padserver" in cmd:
            out.append(int(entry))
    return out


def test_the_pads_and_the_export_starting_at_once_make_one_process():
    """The pads start the web process in a thread while the Export screen may ask for it
    on the Kivy thread: one process comes of it, not two."""
    import threading

    before = set(_children_serving())
    link = PadLink(lambda i: {"ok": True}, host="127.0.0.1", port=0)
    try:
        starts = [threading.Thread(target=link.start) for _ in range(3)]
        for t in starts:
            t.start()
        for t in starts:
            t.join(15)
        assert link.alive
        assert set(_children_serving()) - before == {link.pid}
    finally:
        link.stop()
    assert set(_children_serving()) - before == set()
