"""The export served from a process of its own: the kiosk keeps the links and stays the
store's one writer; the process reads the files and answers the phones."""

from __future__ import annotations

import json
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
        assert link._proc.pid != __import__("os").getpid()
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
        link._proc.kill()
        link._proc.wait(5)
        assert not link.running
        again = link.share(sid)  # a new process, with both links
        assert link.running
        assert fetch(again.url + "/md")[0] == 200
        assert fetch(f"{link.base_url}/e/{first.token.value}/md")[0] == 200
        proc = link._proc
    finally:
        link.stop()
    assert proc.poll() is not None  # stopped with the kiosk, not left behind
