"""The export on 127.0.0.1 with a real Store: what it serves, what it refuses.

The web process's own loop (``kiosk.web.padserver``) and export answer, run in a thread
of the test and driven by the kiosk's ``ExportLink`` (``export_testing``), so a test can
shorten a deadline and read the log.

Requests are made with http.client and with raw sockets (for the malformed ones);
clients that must count as different phones use different loopback source addresses
(127.0.0.x), as phones on a LAN have different addresses.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
import types
from datetime import timedelta

import pytest

from kiosk.core import export
from kiosk.core.activities.actions import ActionPlan, local_date
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop
from export_testing import ThreadedExport
from kiosk.web import padserver
from kiosk.web import server as web
from kiosk.web.lan import ServerConfig

XSS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]


@pytest.fixture
def session_id(store, clock, method):
    ws = Workshop.start(store, clock, method, "Køkkenet æøå", lang="da")
    wall = Wall(store, ws.session.id, clock)
    for text in XSS + ["Godt samarbejde på tværs", "Travlhed om morgenen – for få hænder"]:
        wall.add_note("godt", text, step="refleksion")
    plan = ActionPlan(store, ws.session.id, clock)
    a = plan.add(None, "Travlhed om morgenen")
    plan.set_owner(a.id, "Mette Ærø")
    plan.set_follow_up(a.id, (local_date(clock.now()) + timedelta(days=14)).isoformat())
    b = plan.add(None, "=HYPERLINK(\"http://x\")")
    plan.set_owner(b.id, "@Jonas")
    return ws.session.id


@pytest.fixture
def srv(store, clock):
    """The server rendering in its own threads, nothing prepared ahead: the HTTP side alone
    (the worker process and the warm-up have their own tests below)."""
    s = ThreadedExport(store, clock, worker=False, warm=False)
    yield s
    s.stop()


def get(srv, path, method="GET", src="127.0.0.1", headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10, source_address=(src, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def raw(port, data: bytes, src="127.0.0.1", wait=10.0):
    """Send bytes as they are; (status code, head text, body bytes) of whatever came back."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait, source_address=(src, 0))
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            got += chunk
    finally:
        s.close()
    head, _, body = got.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else None
    return status, head.decode("latin-1"), body


def path_of(url: str) -> str:
    return url.split("127.0.0.1", 1)[1].split("/", 1)[1].join(["/", ""])


def wait_for(pred, seconds=3.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


# -- what it serves ------------------------------------------------------------------------

def test_page_and_every_download(srv, session_id):
    share = srv.share(session_id)
    assert share.url.startswith(f"http://127.0.0.1:{srv.port}/e/")
    path = "/" + share.url.split("/", 3)[3]
    status, h, body = get(srv, path)
    assert status == 200
    assert h["content-type"] == "text/html; charset=utf-8"
    assert h["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert h["cache-control"] == "no-store"
    assert h["server"] == "kiosk-export"
    page = body.decode("utf-8")
    assert "Køkkenet æøå" in page and "Mette Ærø" in page
    for bad in XSS:
        assert bad not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    offered = export.offered(srv.export.document(session_id))
    assert "poster" in offered and "cards" not in offered  # a method without cards has none to print
    for fmt in export.FORMATS:
        assert (f'href="{path}/{fmt}"' in page) == (fmt in offered), fmt

    for fmt, spec in export.FORMATS.items():
        status, h, data = get(srv, f"{path}/{fmt}")
        assert status == 200, fmt
        assert h["content-type"] == spec.mimetype
        if spec.mimetype.startswith("text/") or "json" in spec.mimetype:
            assert "charset=utf-8" in h["content-type"]
        assert h["content-disposition"].startswith('attachment; filename="')
        assert h["content-disposition"].endswith(spec.suffix) or spec.suffix in h["content-disposition"]
        assert h["x-content-type-options"] == "nosniff" and h["cache-control"] == "no-store"
        assert int(h["content-length"]) == len(data) > 0
    doc = json.loads(get(srv, f"{path}/json")[2])
    assert any(n.get("text") == XSS[0] for n in doc["notes"]) or XSS[0] in json.dumps(doc, ensure_ascii=False)
    assert get(srv, f"{path}/pdf")[2].startswith(b"%PDF")
    csv_text = get(srv, f"{path}/actions.csv")[2].decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@Jonas" in csv_text


def test_head_gives_headers_without_a_body(srv, session_id):
    path = "/" + srv.share(session_id).url.split("/", 3)[3]
    status, h, body = get(srv, path, method="HEAD")
    assert status == 200 and body == b"" and int(h["content-length"]) > 1000


def test_board_export(srv, session_id):
    path = "/" + srv.share(None).url.split("/", 3)[3]
    status, _, body = get(srv, path)
    assert status == 200 and "Travlhed om morgenen" in body.decode()
    assert get(srv, path + "/ics")[0] == 200


# -- tokens: expired, revoked, unknown -------------------------------------------------------

def test_expired_token_says_so_in_plain_words(srv, session_id, clock, caplog):
    short = srv.share(session_id, minutes=1)
    keep = srv.share(session_id, minutes=15)  # keeps the server running
    clock.advance(61)
    caplog.set_level(logging.WARNING)
    status, h, body = get(srv, "/" + short.url.split("/", 3)[3])
    assert status == 410
    text = body.decode()
    assert "Dette link er udløbet" in text or "This link has expired" in text  # the session's language (da)
    assert h["content-security-policy"].startswith("default-src 'none'")
    assert short.token.value not in caplog.text  # the secret is not logged whole
    assert "expired token" in caplog.text
    assert get(srv, "/" + keep.url.split("/", 3)[3])[0] == 200


def test_revoked_token(srv, session_id):
    a, b = srv.share(session_id), srv.share(session_id)
    assert srv.revoke(a.token.value)
    status, _, body = get(srv, "/" + a.url.split("/", 3)[3])
    assert status == 410 and body
    assert get(srv, "/" + a.url.split("/", 3)[3] + "/pdf")[0] == 410
    assert get(srv, "/" + b.url.split("/", 3)[3])[0] == 200


@pytest.mark.parametrize("path", [
    "/", "/e", "/e/", "/index.html", "/favicon.ico", "/robots.txt",
    "/e/" + "A" * 32, "/e/" + "A" * 32 + "/pdf", "/e/short", "/E/{tok}",
    "/e/{tok}/exe", "/e/{tok}/pdf/more", "/e/{tok}/../json", "/e/{tok}x", "/x/e/{tok}",
])
def test_everything_else_is_404(srv, session_id, path):
    tok = srv.share(session_id).token.value
    status, h, body = get(srv, path.format(tok=tok))
    assert status == 404, path
    assert h["x-content-type-options"] == "nosniff"
    assert b"<script" not in body


@pytest.mark.parametrize("path", [
    "/e/../..", "/e/../../kiosk.json", "/e/%2e%2e/%2e%2e/etc/passwd", "/e/%2E%2E%2F%2E%2E%2Fkiosk.json",
    "/e/{tok}/..%2f..%2fkiosk.json", "/e/{tok}/%2e%2e", "/..%5c..%5cwindows", "/e/{tok}%00",
    "/e/%252e%252e/%252e%252e/etc/passwd", "/e/{tok}/%70df",
])
def test_path_traversal_is_refused_and_logged(srv, session_id, path, caplog):
    tok = srv.share(session_id).token.value
    caplog.set_level(logging.WARNING)
    status, _, body = raw(srv.port, f"GET {path.format(tok=tok)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 404, path
    assert b"sessions" not in body and b"root:" not in body
    assert "refused" in caplog.text


def test_absolute_form_request_target(srv, session_id):
    url = srv.share(session_id).url
    status, _, _ = raw(srv.port, f"GET {url} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 200
    status, _, _ = raw(srv.port, b"GET http://127.0.0.1/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 404


# -- methods and malformed requests -------------------------------------------------------------

@pytest.mark.parametrize("verb", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"])
def test_only_get_and_head(srv, session_id, verb, caplog):
    path = "/" + srv.share(session_id).url.split("/", 3)[3]
    caplog.set_level(logging.WARNING)
    status, h, _ = get(srv, path, method=verb, body=b"x=1" * 1000 if verb in ("POST", "PUT") else None)
    assert status == 405
    assert h["allow"] == "GET, HEAD"
    assert "405" in caplog.text
    assert path.split("/")[2] not in caplog.text  # refused at the loop's door: the secret is not logged whole


def test_over_long_request_line(srv, session_id, caplog):
    tok = srv.share(session_id).token.value
    caplog.set_level(logging.WARNING)
    status, _, _ = raw(srv.port, f"GET /e/{tok}?{'a' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 414
    status, _, _ = raw(srv.port, b"GET /" + b"a" * 100_000)  # no end of line at all
    assert status == 414
    assert "request line too long" in caplog.text


def test_huge_headers(srv, session_id):
    tok = srv.share(session_id).token.value
    big = f"GET /e/{tok} HTTP/1.1\r\nHost: x\r\nX-Big: {'b' * 20_000}\r\n\r\n".encode()
    assert raw(srv.port, big)[0] == 431
    many = f"GET /e/{tok} HTTP/1.1\r\n".encode() + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n"
    assert raw(srv.port, many)[0] == 431


@pytest.mark.parametrize("data", [
    b"\x00\xff\xfe garbage\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET / FOO/1.1\r\n\r\n",
    b"\r\n\r\n", "GET /e/ø HTTP/1.1\r\n\r\n".encode(),
])
def test_malformed_requests_are_answered_not_crashed(srv, session_id, data):
    path = "/" + srv.share(session_id).url.split("/", 3)[3]
    status, _, _ = raw(srv.port, data)
    assert status in (400, 404, 505), (data, status)
    assert get(srv, path)[0] == 200


def test_slow_request_times_out(srv, session_id, monkeypatch, caplog):
    monkeypatch.setattr(padserver, "HEAD_SECONDS", 0.6)
    tok = srv.share(session_id).token.value
    caplog.set_level(logging.WARNING)
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    started = time.monotonic()
    try:
        for ch in f"GET /e/{tok} HTTP/1.1\r\n".encode():  # a slow loris: one byte every 0.1 s
            try:
                s.sendall(bytes([ch]))
            except OSError:
                break
            time.sleep(0.1)
            if time.monotonic() - started > 3:
                break
        got = s.recv(4096)
    finally:
        s.close()
    assert got.startswith(b"HTTP/1.1 408"), got[:40]
    assert time.monotonic() - started < 3
    assert "too slow" in caplog.text


# -- floods -----------------------------------------------------------------------------------

def test_a_flood_from_one_client_gets_429_and_others_are_still_served(srv, session_id, caplog):
    path = "/" + srv.share(session_id).url.split("/", 3)[3]
    caplog.set_level(logging.WARNING)
    codes = [get(srv, path + "/md", src="127.0.0.5")[0] for _ in range(web.BURST + 20)]
    assert codes[:10] == [200] * 10
    assert codes.count(429) >= 15
    status, h, _ = get(srv, path, src="127.0.0.5")
    assert status == 429 and int(h["retry-after"]) >= 1
    assert "rate limit" in caplog.text
    assert get(srv, path, src="127.0.0.6")[0] == 200  # another phone is served at once
    assert srv.running


def test_too_many_connections_from_one_client(srv, session_id):
    path = "/" + srv.share(session_id).url.split("/", 3)[3]
    idle = [socket.create_connection(("127.0.0.1", srv.port), source_address=("127.0.0.7", 0))
            for _ in range(padserver.MAX_PER_CLIENT)]
    try:
        time.sleep(0.3)  # let the server accept them all
        status, _, _ = raw(srv.port, f"GET {path} HTTP/1.1\r\n\r\n".encode(), src="127.0.0.7")
        assert status == 429
        assert get(srv, path, src="127.0.0.8")[0] == 200
    finally:
        for s in idle:
            s.close()
    assert wait_for(lambda: get(srv, path, src="127.0.0.7")[0] == 200)


def test_many_phones_at_once(srv, session_id):
    path = "/" + srv.share(session_id).url.split("/", 3)[3]
    results, errors = [], []

    def phone(i):
        try:
            for suffix in ["", "/md", "/json", "/pdf"]:
                status, _, body = get(srv, path + suffix, src=f"127.0.1.{i + 1}")
                results.append((status, len(body)))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(results) == 48 and all(s == 200 and n > 0 for s, n in results)


# -- failures inside and the server's life ------------------------------------------------------

def test_a_failing_export_is_a_500_and_the_server_keeps_running(store, clock, session_id, caplog):
    broken = types.SimpleNamespace(**{k: getattr(export, k) for k in ("document", "FORMATS", "page", "filename")})

    def render(doc, fmt):
        if fmt == "pdf":
            raise RuntimeError("disk on fire")
        return export.render(doc, fmt)

    broken.render = render
    srv = ThreadedExport(store, clock, ServerConfig(bind="127.0.0.1", port=0), exporter=broken, warm=False)
    try:
        path = "/" + srv.share(session_id).url.split("/", 3)[3]
        caplog.set_level(logging.WARNING)
        status, _, body = get(srv, path + "/pdf")
        assert status == 500 and b"disk on fire" not in body
        assert "disk on fire" in caplog.text
        assert get(srv, path + "/md")[0] == 200
    finally:
        srv.stop()


def test_a_deleted_session_is_404(srv, store, session_id):
    path = "/" + srv.share(session_id).url.split("/", 3)[3]
    assert get(srv, path)[0] == 200  # rendered and cached …
    store.delete_session(session_id)
    assert get(srv, path)[0] == 404  # … and still gone at once
    assert get(srv, path + "/pdf")[0] == 404


# -- the render worker and the warm-up -------------------------------------------------------------

def test_renders_run_in_a_worker_process_and_survive_its_death(store, clock, session_id):
    import os
    import signal

    srv = ThreadedExport(store, clock, warm=False)
    try:
        path = "/" + srv.share(session_id).url.split("/", 3)[3]
        status, _, pdf = get(srv, path + "/pdf")
        assert status == 200 and pdf.startswith(b"%PDF")
        pid = srv.export.worker.pid
        assert pid is not None and pid != os.getpid()
        os.kill(pid, signal.SIGKILL)  # a crashed worker: the next render starts a new one
        srv.cache.clear()
        status, _, md = get(srv, path + "/md")
        assert status == 200 and "Køkkenet æøå".encode() in md
        assert srv.export.worker.pid not in (None, pid)
    finally:
        srv.stop()
    assert srv.export.worker.pid is None  # stopped with the server


def test_a_new_link_is_rendered_before_the_first_phone_asks(store, clock, session_id):
    srv = ThreadedExport(store, clock)
    try:
        share = srv.share(session_id)
        assert wait_for(lambda: srv.export.cache._fresh(("file", session_id, "pdf")) is not None, 60)
        assert srv.export.cache._fresh(("page", share.token.value)) is not None
        started = time.monotonic()
        assert get(srv, "/" + share.url.split("/", 3)[3] + "/pdf")[0] == 200
        assert time.monotonic() - started < 1.0
    finally:
        srv.stop()


def test_server_stops_when_no_token_is_live_and_starts_again(srv, session_id, clock):
    assert not srv.running
    share = srv.share(session_id)
    port = srv.port
    assert srv.running
    clock.advance(15 * 60 + 1)
    assert wait_for(lambda: not srv.running)
    srv.link.stop_if_idle()  # as the app's tick does (kiosk.ui.pads): no link left, nothing listens
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    again = srv.share(session_id)
    assert srv.running and again.token.value != share.token.value
    assert get(srv, "/" + again.url.split("/", 3)[3])[0] == 200
    srv.revoke(again.token.value)
    assert wait_for(lambda: not srv.running)


def test_revoking_the_last_link_stops_the_server(srv, session_id):
    a, b = srv.share(session_id), srv.share(None)
    srv.revoke(a.token.value)
    time.sleep(0.5)
    assert srv.running
    srv.revoke(b.token.value)
    assert wait_for(lambda: not srv.running)


def test_busy_port_falls_back_to_a_free_one(store, clock, session_id):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    busy = blocker.getsockname()[1]
    srv = ThreadedExport(store, clock, ServerConfig(bind="127.0.0.1", port=busy, host="127.0.0.1"),
                         worker=False, warm=False)
    try:
        share = srv.share(session_id)
        assert srv.port != busy and f":{srv.port}/" in share.url
        assert get(srv, "/" + share.url.split("/", 3)[3])[0] == 200
    finally:
        srv.stop()
        blocker.close()


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_an_ipv6_bind_serves_the_link_and_its_url_brackets_the_address(store, clock, session_id):
    import http.client

    srv = ThreadedExport(store, clock, ServerConfig(bind="::1", port=0, host="::1"), worker=False, warm=False)
    try:
        share = srv.share(session_id)
        assert share.url.startswith(f"http://[::1]:{srv.port}/e/")
        conn = http.client.HTTPConnection("::1", srv.port, timeout=10)
        conn.request("GET", "/" + share.url.split("/", 3)[3])
        r = conn.getresponse()
        assert r.status == 200 and "Køkkenet æøå" in r.read().decode("utf-8")
        conn.close()
    finally:
        srv.stop()


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_binding_all_ipv6_interfaces_also_answers_ipv4(store, clock, session_id):
    srv = ThreadedExport(store, clock, ServerConfig(bind="::", port=0, host="127.0.0.1"), worker=False, warm=False)
    try:
        share = srv.share(session_id)
        assert get(srv, "/" + share.url.split("/", 3)[3])[0] == 200    # through 127.0.0.1
    finally:
        srv.stop()


def test_an_address_that_is_not_ours_is_a_clear_error(store, clock):
    srv = ThreadedExport(store, clock, ServerConfig(bind="192.0.2.55", port=0), worker=False, warm=False)
    with pytest.raises(web.ExportServerError) as err:
        srv.share(None)
    assert err.value.reason == "bind"
    assert not srv.tokens.live() and not srv.running


# -- the offline fallback's payloads ---------------------------------------------------------------

from urllib.parse import parse_qs, urlsplit  # noqa: E402

import qrcode  # noqa: E402

from kiosk.web import offline  # noqa: E402


def qr_version(payload: str) -> int:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    return qr.version


def long_doc(store, clock, method, n=30):
    ws = Workshop.start(store, clock, method, "Hjemmeplejen Syd æøå", lang="da")
    plan = ActionPlan(store, ws.session.id, clock)
    for i in range(n):
        a = plan.add(None, f"Tema {i}: færre afbrydelser og mere ro på kontoret om morgenen")
        plan.set_owner(a.id, "Åse Øvergård")
    return export.document(store, ws.session.id, clock=clock)


def test_mail_code_fits_one_code_and_carries_the_summary(store, clock, method):
    doc = long_doc(store, clock, method)
    code = offline.mail_code(lambda n: export.summary_text(doc, max_chars=n))
    assert code.kind == "mail" and code.payload.startswith("mailto:?subject=")
    assert len(code.payload.encode()) <= offline.MAX_QR_BYTES
    assert qr_version(code.payload) <= 20
    q = parse_qs(urlsplit(code.payload).query)
    assert q["subject"][0] == export.summary_text(doc).split("\n", 1)[0]
    body = q["body"][0]
    assert "Tema 0: færre afbrydelser" in body and "Åse Øvergård" in body
    assert body.endswith("…")  # 30 actions do not fit one code: cut at a whole line
    assert "\r\n" in body  # RFC 6068 line ends


def test_a_short_summary_goes_whole_into_the_mail():
    text = "Titel æøå\n2027-01-15\n\nHandleplan:\n1. Ro\n"
    code = offline.mail_code(lambda n: text if n is None or n >= len(text) else text[:n])
    body = parse_qs(urlsplit(code.payload).query)["body"][0]
    assert body.replace("\r\n", "\n") == "2027-01-15\n\nHandleplan:\n1. Ro"


def test_text_codes_are_numbered_bounded_and_lose_nothing(store, clock, method):
    doc = long_doc(store, clock, method, n=12)
    text = export.summary_text(doc)
    codes = offline.text_codes(text)
    assert len(codes) > 1
    for i, c in enumerate(codes, 1):
        assert c.payload.startswith(f"{i}/{len(codes)}\n")
        assert len(c.payload.encode("utf-8")) <= offline.MAX_QR_BYTES
        assert qr_version(c.payload) <= 20
    joined = "\n".join(c.payload.split("\n", 1)[1] for c in codes)
    assert " ".join(joined.split()) == " ".join(text.split())


def test_an_over_long_line_and_too_many_codes():
    line = "ø" * 2000  # one line longer than a code, two bytes a letter
    codes = offline.text_codes(line + "\nslut")
    assert "".join(c.payload.split("\n", 1)[1] for c in codes).replace("\n", "") == line + "slut"
    assert all(len(c.payload.encode()) <= offline.MAX_QR_BYTES for c in codes)
    many = offline.text_codes("\n".join(f"linje {i} " + "x" * 60 for i in range(500)))
    assert len(many) == offline.MAX_TEXT_CODES and many[-1].payload.endswith("…")
    assert offline.text_codes("kort") == [offline.Code("text", "kort", 1, 1)]
