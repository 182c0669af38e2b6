"""The pad server (its own process, real HTTP) against guessing, forging, cross-site
posts, broken bodies, floods and slow clients: each refused with a plain answer,
nothing reaching the kiosk that should not, and a well-behaved phone still served at
once. Attackers use their own loopback addresses (127.0.0.0/8), as phones on a LAN have
their own; every loop has a deadline."""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from urllib.parse import urlencode

import pytest

from kiosk.web import padserver
from padserver_testing import serve_room, WRITE, Phone, Room, request


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    yield from serve_room(tmp_path_factory)


@pytest.fixture
def token(room):
    room.clock.advance(5)
    with room.lock:
        room.here["step"] = WRITE
    return room.open()


def raw(port: int, data: bytes, src: str, wait: float = 5.0) -> bytes:
    """Send ``data`` as it is; what comes back until the server closes."""
    with socket.socket() as s:
        s.settimeout(wait)
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        try:
            s.sendall(data)
        except OSError:
            pass
        got = b""
        try:
            while chunk := s.recv(65536):
                got += chunk
        except OSError:
            pass
        return got


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def test_token_guessing_a_closed_door_and_an_old_token_are_refused(room, token):
    before = list(room.intents)
    guesser = Phone(room.port, "127.0.5.1")
    for _ in range(20):
        status, head, page = guesser.get(f"/j/{secrets.token_urlsafe(16)}")
        assert status == 403 and head["content-security-policy"] == padserver.CSP
    assert "Døren er lukket".encode() in page or b"door" in page.lower()
    status, _, _ = guesser.post(f"/j/{secrets.token_urlsafe(16)}", {"name": "x", "role": "person", "nonce": "0" * 32})
    assert status == 403
    for bad in ("/j/short", "/j/" + "a" * 65, "/j/abc%2fdef" + "a" * 16):
        assert guesser.get(bad)[0] == 404
    # a page fetched while the door was open, posted after it closed
    phone = Phone(room.port, "127.0.5.2")
    status, _, page = phone.get(f"/j/{token}")
    assert status == 200
    nonce = page.split(b'name="nonce" value="')[1].split(b'"')[0].decode()
    with room.lock:
        room.pads.close_door()
    room.publish()
    assert phone.post(f"/j/{token}", {"role": "person", "nonce": nonce})[0] == 403
    assert phone.get(f"/j/{token}")[0] == 403
    new = room.open()                                   # a new token: the old one is dead for good
    assert phone.get(f"/j/{token}")[0] == 403 and phone.get(f"/j/{new}")[0] == 200
    # a nonce made for one token does not join through another
    assert phone.post(f"/j/{new}", {"role": "person", "nonce": nonce})[0] == 403
    assert room.intents == before                        # none of it reached the kiosk


def test_a_forged_or_removed_device_key_reaches_nothing(room, token):
    real = Phone(room.port, "127.0.6.1")
    real.join(token)
    nonce = real.nonce()
    before = list(room.intents)
    for cookie in (secrets.token_urlsafe(16), "x" * 500, "a b", real.cookie[:-1] + ("A" if real.cookie[-1] != "A" else "B")):
        forger = Phone(room.port, "127.0.6.2", cookie=cookie)
        status, _, page = forger.get("/pad")
        assert status == 403 and b'data-code="403"' in page
        assert forger.get("/pad/state")[0] == 403
        out = forger.send("note", nonce, step="skriv", kind="godt", text="forged")
        assert out["status"] == 403 and out["ok"] is False and out["reason"] == "unknown_device"
    # a form without the cookie, or with another device's nonce
    other = Phone(room.port, "127.0.6.3")
    other.join(token)
    out = other.send("note", nonce, step="skriv", kind="godt", text="someone else's nonce")
    assert out["status"] == 403 and out["reason"] == "stale"
    assert room.intents == before[:] + ["join"]
    # a device the facilitator removed
    from kiosk.core.pads import digest

    with room.lock:
        device = next(d for d in room.pads.devices() if d.key == digest(real.cookie))
        room.pads.remove(device.id)
    room.publish()
    assert real.get("/pad")[0] == 403 and real.get("/pad/state")[0] == 403
    assert real.send("note", nonce, step="skriv", kind="godt", text="after removal")["reason"] == "unknown_device"
    assert room.intents == before + ["join"]


def test_cross_site_posts_and_missing_nonces_are_refused(room, token):
    phone = Phone(room.port, "127.0.7.1")
    phone.join(token)
    nonce = phone.nonce()
    before = list(room.intents)
    form = {"step": "skriv", "kind": "godt", "text": "csrf", "nonce": nonce}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null", "Sec-Fetch-Site": None},
                    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Origin": f"http://127.0.0.1:{room.port + 1}"}, {"Origin": None, "Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null", "Sec-Fetch-Site": "cross-site"}):
        status, _, body = phone.post("/pad/note", form, as_json=True, headers=headers)
        assert status == 403 and json.loads(body)["reason"] == "cross_site", headers
    for missing in ({k: v for k, v in form.items() if k != "nonce"}, {**form, "nonce": "0" * 32},
                    {**form, "nonce": nonce[:-1]}):
        status, _, body = phone.post("/pad/note", missing, as_json=True)
        assert status == 403 and json.loads(body)["reason"] == "stale"
    # without JavaScript: back to a fresh page that says why
    status, head, _ = phone.post("/pad/note", {**form, "nonce": "0" * 32})
    assert status == 303 and head["location"] == "/pad?m=stale"
    status, _, page = phone.get("/pad?m=stale")
    assert "forældet".encode() in page
    assert room.intents == before
    # a browser too old to send Origin or Sec-Fetch-Site still posts with the nonce, and a
    # form from our own page says "Origin: null" (its no-referrer policy) and same-origin
    room.clock.advance(3)
    status, head, _ = phone.post("/pad/note", form, headers={"Origin": None, "Sec-Fetch-Site": None})
    assert status == 303 and head["location"] == "/pad?m=ok" and room.intents == before + ["note"]
    room.clock.advance(3)
    status, head, _ = phone.post("/pad/note", {**form, "text": "own page"}, headers={"Origin": "null"})
    assert status == 303 and head["location"] == "/pad?m=ok" and room.intents == before + ["note", "note"]


def test_oversized_malformed_and_crowded_bodies_are_refused(room, token):
    phone = Phone(room.port, "127.0.8.1")
    phone.join(token)
    nonce = phone.nonce()
    before = list(room.intents)
    ok = {"step": "skriv", "kind": "godt", "text": "x", "nonce": nonce}
    cases = [
        (urlencode({**ok, "text": "x" * 9000}), {}, 413),
        (urlencode(ok).encode() + b"&pad=%ff%fe", {}, 400),            # not UTF-8
        (urlencode(ok) + "&text=twice", {}, 400),                       # a repeated field
        (urlencode({**ok, **{f"f{i}": "1" for i in range(13)}}), {}, 400),   # 17 fields
        ("novalue&" + urlencode(ok), {}, 400),
        (urlencode({k: v for k, v in ok.items() if k != "text"}), {}, 400),   # a field missing
        (json.dumps(ok), {"Content-Type": "application/json"}, 415),
        (urlencode(ok), {"Content-Type": "multipart/form-data; boundary=x"}, 415),
    ]
    for body, headers, code in cases:
        status, _, answer = phone.post("/pad/note", body, as_json=True, headers=headers)
        assert status == code, (body[:60], status, answer[:200])
    head = (f"POST /pad/note HTTP/1.1\r\nHost: 127.0.0.1:{room.port}\r\nCookie: pad={phone.cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n")
    body = urlencode(ok)
    for extra, code in ((f"Content-Length: {len(body)}\r\nContent-Length: {len(body)}\r\n", 400),
                        ("Content-Length: -5\r\n", 400), ("Content-Length: 1e3\r\n", 400), ("", 411),
                        ("Transfer-Encoding: chunked\r\n", 501)):
        assert status_of(raw(room.port, (head + extra + "\r\n" + body).encode(), "127.0.8.1")) == code, extra
    # a body cut short by a client that goes away costs nothing
    raw(room.port, (head + "Content-Length: 100\r\n\r\nstep=sk").encode(), "127.0.8.2", wait=0.2)
    assert room.intents == before
    assert phone.state() is not None


def test_everything_else_is_404_with_the_security_headers(room, token):
    phone = Phone(room.port, "127.0.9.1")
    phone.join(token)
    for path in ("/", "/pad/", "/pad/x", "/pad/state/", "/j/", "/static/", "/static/pad.js.map",
                 "/static/../padserver.py", "/static/%2e%2e/padserver.py", "/e/" + "a" * 22, "/favicon.ico",
                 "/pad/../pad", "//pad", "/PAD", "/j/" + token + "/x", "/robots.txt"):
        status, head, _ = phone.get(path)
        assert status == 404 and head["content-security-policy"] == padserver.CSP, path
    for method, path in (("PUT", "/pad"), ("DELETE", "/pad"), ("OPTIONS", "/pad"), ("PATCH", "/pad/note"),
                         ("HEAD", "/pad"), ("POST", "/pad"), ("POST", "/pad/state"), ("POST", "/pad/join"),
                         ("POST", "/pad/remove"), ("GET", "/pad/note"), ("POST", "/static/pad.js"),
                         ("TRACE", "/pad"), ("CONNECT", "/pad")):
        status, _, _ = request(room.port, method, path, body=b"" if method == "POST" else None,
                               headers={"Cookie": f"pad={phone.cookie}"}, src="127.0.9.1")
        assert status == 404, (method, path)
    for line, code in ((b"GET /pad\r\n\r\n", 400), (b"\x16\x03\x01\x02\x00 tls\r\n\r\n", 400),
                       (b"GET /pad HTTP/2.0\r\n\r\n", 505), (b"GET " + b"a" * 3000 + b" HTTP/1.1\r\n\r\n", 414)):
        assert status_of(raw(room.port, line, "127.0.9.2")) == code, line[:20]


def test_a_flood_from_one_client_stops_at_its_limits_and_others_are_served(room, token):
    flooder, phone = Phone(room.port, "127.0.10.1"), Phone(room.port, "127.0.10.2")
    flooder.join(token)
    phone.join(token)
    nonce = flooder.nonce()
    before = len(room.intents)
    started = time.monotonic()
    answers = [flooder.send("note", nonce, step="skriv", kind="godt", text=f"flood {i}") for i in range(30)]
    took = time.monotonic() - started
    reached = len(room.intents) - before
    assert reached <= padserver.POST_BURST + padserver.POSTS_PER_SECOND * took + 1
    assert sum(1 for a in answers if a.get("reason") == "rate" and a["status"] == 429) >= 30 - reached
    # reads: the address's bucket runs dry, the other phone does not notice
    codes = [flooder.get("/pad/state")[0] for _ in range(60)]
    assert codes.count(429) >= 10 and set(codes) <= {200, 429}
    t0 = time.monotonic()
    assert phone.state() is not None and time.monotonic() - t0 < 1.0
    # more sockets than one address may hold: refused at the door
    held = []
    try:
        for _ in range(padserver.MAX_PER_CLIENT):
            s = socket.create_connection(("127.0.0.1", room.port), source_address=("127.0.10.3", 0))
            held.append(s)
        time.sleep(0.1)
        assert status_of(raw(room.port, b"GET /pad/state HTTP/1.1\r\n\r\n", "127.0.10.3")) == 429
    finally:
        for s in held:
            s.close()


class Holders:
    """Sockets held open from several addresses: idle, or dripping a request head a
    byte every 0.3 s, or a complete head whose body never comes."""

    def __init__(self, port: int, addresses: list[str], each: int) -> None:
        self.port, self.addresses, self.each = port, addresses, each
        self.socks: list[tuple[socket.socket, bytes]] = []
        self.answers: list[bytes] = []

    def __enter__(self):
        post = (b"POST /pad/note HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 8000\r\n\r\n")
        heads = [b"", b"GET /pad/state HTTP/1.1\r\nHost: kiosk\r\nX-Slow: " + b"y" * 200, b"step=" + b"s" * 200]
        for i, src in enumerate(self.addresses):
            for j in range(self.each):
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5, source_address=(src, 0))
                kind = (i + j) % 3
                if kind == 2:
                    s.sendall(post)           # the head at once, then the body a byte at a time
                s.setblocking(False)
                self.socks.append((s, heads[kind]))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()
        return self

    def _drip(self):
        n = 0
        while not self.stop.is_set():
            for s, data in self.socks:
                if n < len(data):
                    try:
                        s.send(data[n:n + 1])
                    except OSError:
                        pass
            n += 1
            self.stop.wait(0.3)

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(2)
        for s, _ in self.socks:   # what the server answered is in the buffer already
            try:
                self.answers.append(s.recv(200))
            except OSError:
                self.answers.append(b"")
            s.close()


def test_slow_and_idle_clients_cannot_starve_a_phone(room, token):
    """More sockets than the server holds (11 addresses × 24), idle, dripping a head a byte
    at a time or a body that never comes: the oldest unfinished ones of the busiest
    addresses make room, a phone polling meanwhile is served within a second every time,
    and the held ones are dropped at the deadline (408)."""
    phone = Phone(room.port, "127.0.11.1")
    phone.join(token)
    started = time.monotonic()
    assert 11 * padserver.MAX_PER_CLIENT > padserver.MAX_CONNECTIONS
    with Holders(room.port, [f"127.0.12.{i}" for i in range(1, 12)], padserver.MAX_PER_CLIENT) as held:
        times = []
        while time.monotonic() - started < padserver.HEAD_SECONDS + 0.8:
            t0 = time.monotonic()
            assert phone.state() is not None
            times.append(time.monotonic() - t0)
            time.sleep(0.2)
    assert len(times) >= 15 and max(times) < 1.0, times
    dropped = [a for a in held.answers if a.startswith(b"HTTP/1.1 408")]
    assert len(dropped) >= 100, [a[:20] for a in held.answers]   # idle and dripping heads; bodies last longer
