"""The export served from a process of its own: the kiosk keeps the links and stays the
store's one writer; the process reads the files and answers the phones."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from export_sample import sample_session
from kiosk.core import export
from kiosk.web.exportlink import ExportLink
from kiosk.web.lan import ServerConfig
from kiosk.web.storeview import StoreView


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_the_view_reads_what_the_store_wrote(store, clock, method):
    sid = sample_session(store, clock, method)
    view = StoreView(store.data_dir)
    assert view.load_session(sid) == store.load_session(sid)
    assert view.list_sessions() == store.list_sessions()
    assert view.get_state("settings") == store.get_state("settings")
    for table in ("notes", "actions"):
        assert view.all(sid, table) == store.all(sid, table)
    assert export.document(view, sid, clock=clock) == export.document(store, sid, clock=clock)
    assert export.document(view, None, clock=clock) == export.document(store, None, clock=clock)
    assert view.load_session("no-such-session") is None


def test_links_are_served_from_the_process_and_follow_the_kiosk(store, clock, method):
    sid = sample_session(store, clock, method)
    link = ExportLink(store, clock, ServerConfig(bind="127.0.0.1", port=0, host="127.0.0.1"), lang=lambda: "da")
    try:
        assert not link.running
        share = link.share(sid)
        assert link.running and link.port > 0
        assert share.url == f"http://127.0.0.1:{link.port}/e/{share.token.value}"
        assert link.link._proc.pid != __import__("os").getpid()
        code, body = fetch(share.url)
        assert code == 200 and "Æblegrød".encode() in body
        code, body = fetch(share.url + "/json")
        assert code == 200 and json.loads(body)["session"]["id"] == sid
        code, body = fetch(share.url + "/pdf")
        assert code == 200 and body.startswith(b"%PDF")
        assert link.seconds_left(share.token.value) == 15 * 60
        clock.advance(60)
        assert link.seconds_left(share.token.value) == 14 * 60
        assert link.revoke(share.token.value)
        assert not link.running
        try:  # the server answers "revoked" while it winds down, then stops listening
            assert fetch(share.url)[0] == 410
        except OSError:
            pass
        second = link.share(None)
        code, body = fetch(second.url)
        assert code == 200
        link.stop()
        assert not link.running
        with pytest.raises(OSError):
            fetch(second.url)
    finally:
        link.stop()


def test_the_process_ends_with_the_kiosk_and_a_dead_one_starts_again(store, clock, method):
    sid = sample_session(store, clock, method)
    link = ExportLink(store, clock, ServerConfig(bind="127.0.0.1", port=0, host="127.0.0.1"))
    try:
        first = link.share(sid)
        link.cache.clear()
        assert fetch(first.url + "/md")[0] == 200
        link.link._proc.kill()
        link.link._proc.wait(5)
        assert not link.running
        again = link.share(sid)  # a new process, with both links
        assert link.running
        assert fetch(again.url + "/md")[0] == 200
        assert fetch(f"{link.base_url}/e/{first.token.value}/md")[0] == 200
        proc = link.link._proc
    finally:
        link.stop()
    assert proc.poll() is not None  # stopped with the kiosk, not left behind


def test_pads_and_the_export_share_one_process_and_one_port(store, clock, method):
    """The web process serves a session's pads and its export on one port; the pads end
    with the session while the export link goes on, and a restarted process gets both back."""
    from kiosk.core.wall import Wall
    from padserver_testing import Phone, Room, request

    sid = sample_session(store, clock, method)
    store.save_session({"id": "s1", "team": "Køkkenet", "status": "running", "created_at": 1.0})
    room = Room(store, clock)
    room.link.data_dir = str(store.data_dir)
    room.start()
    export = ExportLink(store, clock, ServerConfig(bind="127.0.0.1", port=0, host="127.0.0.1"), lang=lambda: "da",
                        link=room.link)
    try:
        token = room.open()
        share = export.share(sid)
        assert export.port == room.port and share.url.startswith(f"http://127.0.0.1:{room.port}/e/")
        pid = room.link.pid
        phone = Phone(room.port, "127.0.2.1")
        assert phone.join(token, name="Kari")[0] == 303
        assert phone.send("note", step="skriv", kind="godt", text="Fælles frokost")["ok"]
        code, body = fetch(share.url)
        assert code == 200 and "Æblegrød".encode() in body
        code, body = fetch(share.url + "/pdf")
        assert code == 200 and body.startswith(b"%PDF")
        assert room.link.pid == pid  # one process served both
        assert "Fælles frokost" in [n.text for n in Wall(store, "s1", clock).notes()]

        # hostile requests on the export's routes, in the shared loop
        assert request(room.port, "GET", "/e/%2e%2e/%2e%2e/etc/passwd", src="127.0.2.9")[0] == 404
        assert request(room.port, "POST", f"/e/{share.token.value}", body="x", src="127.0.2.9")[0] == 405
        assert request(room.port, "GET", "/e/" + "A" * 40, src="127.0.2.8")[0] == 404
        codes = [request(room.port, "GET", "/e/" + "B" * 40, src="127.0.2.7")[0] for _ in range(45)]
        assert codes.count(429) >= 1 and set(codes) <= {404, 429}  # the export's own rate per address

        # the session's pads end; the export link goes on in the same process
        room.link.pads_off()
        assert room.link.drain(3.0)
        assert phone.get("/pad")[0] == 403 and phone.get(f"/j/{token}")[0] == 403
        assert fetch(share.url + "/md")[0] == 200

        # a process that dies starts again with the links (and the snapshot) it had
        room.publish()
        room.link._proc.kill()
        room.link._proc.wait(5)
        deadline = time.monotonic() + 5
        while room.link.alive and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not room.link.alive and not export.running
        room.link.start()
        assert room.link.pid != pid
        assert fetch(share.url + "/md")[0] == 200  # the links came back without a new share
        assert phone.state() is not None  # and the phone's device with the snapshot
        assert export.revoke(share.token.value)
        assert fetch(share.url)[0] == 410
    finally:
        export.stop()
        room.stop()
