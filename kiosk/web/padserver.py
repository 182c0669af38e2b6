"""The kiosk's web process: the phones' pads and the export, on one port, away from the wall.

Started by ``kiosk.web.padlink.PadLink`` as ``python -m kiosk.web.padserver --fd N
--host H --port P [--data DIR]``, N one end of a Unix socketpair to the kiosk process.
It imports no Kivy and never writes the store: the kiosk publishes snapshots of what pads may read, and
this process answers every read (pages, polling) from the latest one alone, so fifteen
phones polling never cost the wall's interpreter a thing. A write (a POST) becomes an
intent sent to the kiosk, which applies it as a tap on the wall and answers with the
outcome (and a fresh snapshot); no answer within ``INTENT_SECONDS`` is said as such.
When the channel ends (the kiosk process died or said stop) this process exits.

The channel: one JSON object per line (``kiosk.web.padlink`` has the frames).

Routes (everything else, any other method included, is 404):

* ``GET /j/<token>`` the join page while the door is open and the token is right
  (else 403 "the door is closed"); ``POST /j/<token>`` joins and sets the device's
  cookie (``pad``, HttpOnly, SameSite=Strict), then 303 to ``/pad``.
* ``GET /pad`` the page for the cookie's device (``?fragment=1``: the part pad.js
  swaps in; ``?m=<reason>``: the message of the last answer); unknown device: 403.
* ``GET /pad/state`` → ``{"serial": n}`` (pad.js polls it).
* ``POST /pad/<op>`` one intent (note, edit, delete, dot, done, mark, signup, reveal):
  303 to ``/pad?m=…`` (a refused note: the page itself, its form holding the words
  that were sent), or JSON ``{"ok", "message", "serial"}`` for ``Accept:
  application/json``.
* ``GET /static/pad.js``, ``GET /static/pad.css``.
* ``GET /e/<token>[/<format>]`` the export (``kiosk.web.server``'s routes and pages): the
  kiosk issues and revokes the links and sends their table (a ``links`` frame); the
  answer is rendered by ``ExportHandler`` in one of ``EXPORT_WORKERS`` threads from the
  store's files read-only (``kiosk.web.storeview``), PDFs in the render worker process,
  so one slow PDF never holds a phone's poll. The export keeps its own tighter rate per
  address. Without ``--data`` there is no export (404).
* (channel) ``{"t": "stats"}`` is answered with ``{"connections": n}``, the sockets that
  count against the limits (diagnostics, tests).

Why it is built this way: this is the kiosk's one HTTP loop, hardened against phones,
broken clients and attackers on the LAN: request heads checked and bounded
(``kiosk.web.server.parse_head``), a total deadline per connection (``HEAD_SECONDS``, a
byte now and then does not extend it), per-address connection caps with the last
``RESERVED`` slots kept for addresses that behaved and the oldest unfinished request of
the busiest address dropped for a newcomer, a token bucket per address, bounded logging
(``QuietLog``), one request per connection (what follows the head is drained), and a
request body for POST (urlencoded, ``MAX_BODY`` bytes, ``MAX_FIELDS`` fields, read under
the same total deadline). Rendering a pad page is pure Python of a millisecond, so one
thread serves everything: a slow or idle client holds a buffer and a slot, never a
thread, and cannot starve the others. A POST must
come from the page itself: a cross-site ``Sec-Fetch-Site`` or a foreign ``Origin``
is refused, and every form carries a nonce (an HMAC of this process's secret, the
device's digest or the join token's, and the hour). Intents are bounded per device
(in flight and per second) before they reach the kiosk, so a flood from one phone
costs the wall nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import selectors
import signal
import socket
import sys
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qsl

from kiosk import i18n
from kiosk.web.server import (LINGER_BYTES, LINGER_SECONDS, MAX_HEAD, MAX_REQUEST_LINE,
                              REFUSAL_SEND_SECONDS, BadRequest, QuietLog, RateLimiter, head_end, parse_head,
                              parse_request_line, path_of)
from kiosk.web.server import SEND_SECONDS as EXPORT_SEND_SECONDS
from kiosk.web.server import ExportHandler, ExportServer

log = logging.getLogger("kiosk.pads")

HEAD_SECONDS = 5.0
"""The request head must arrive within this time of the connection (as the export's)."""
BODY_SECONDS = 10.0
"""… and the whole request, head and body, within this time (a note is one packet)."""
SEND_SECONDS = 10.0
"""An answer (a page of a few kB) must be taken within this time."""
INTENT_SECONDS = 5.0
"""The kiosk answers an intent within this time, or the phone is told it did not."""
MAX_BODY = 8192
"""Bytes of a form; a note is at most a few hundred characters."""
MAX_FIELDS = 16
MAX_VALUE = 4000
"""Characters of one field (the core checks the note's own limit and says it)."""
MAX_CONNECTIONS = 256
MAX_PER_CLIENT = 24
"""Per address: a phone's browser opens up to six, and a room of phones may reach the
kiosk through one address (a NAT); idle ones from a busy address are dropped first."""
RESERVED = 64
SUSPECT_SECONDS = 60.0
SPARE_SOCKETS = 2
MAX_REFUSING = 64
RATE_PER_SECOND = 20.0
"""Requests per address (a room behind one NAT polls through it) …"""
BURST = 120
DEVICE_RATE = 5.0
"""… and per device (its cookie): a pad polls every 1.5 s and loads a page with its two files."""
DEVICE_BURST = 40
POSTS_PER_SECOND = 2.0
"""Intents per device (per address for joins): taps on a ballot come in twos and threes …"""
POST_BURST = 12
"""… and a burst of a dozen; a flood stops here, before it reaches the kiosk."""
PENDING_PER_DEVICE = 4
MAX_PENDING = 64
"""Intents waiting for the kiosk, per device and in all."""
MAX_FRAME = 4 << 20
"""Bytes of one channel frame (a snapshot)."""
MAX_CHANNEL_BACKLOG = 1 << 20
"""Bytes waiting to go to the kiosk; beyond it new intents are refused as busy."""
NONCE_SLOT = 3600
"""A form's nonce is good in its hour and the next."""
NOTICES = 1024
"""Devices whose last answer is remembered for the page after the redirect."""
COOKIE = "pad"
COOKIE_SECONDS = 43200
LOG_EVERY = 5.0
EXPORT_WORKERS = 4
"""Threads that answer export requests (they mostly wait for the render worker)."""

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
"""The contract's policy plus ``connect-src 'self'``: pad.js polls and sends with fetch, which
``default-src 'none'`` alone would block."""
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC = {"/static/pad.js": ("pad.js", "text/javascript; charset=utf-8"),
          "/static/pad.css": ("pad.css", "text/css; charset=utf-8")}
JOIN = re.compile(r"/j/([A-Za-z0-9_-]{16,64})")
OP = re.compile(r"/pad/([a-z]{2,10})")
SECRET = re.compile(r"[A-Za-z0-9_-]{1,64}")
OPS = {
    "note": ("step", "kind", "text"),
    "edit": ("note", "text"),
    "delete": ("note",),
    "dot": ("step", "item", "delta"),
    "done": ("step",),
    "mark": ("step", "statement", "mark"),
    "signup": ("step", "theme"),
    "reveal": ("step", "note"),
}
"""The intents a pad may send and the form fields each takes (``key`` comes from the cookie)."""
JOIN_FIELDS = ("name", "table", "role")
FORM_TYPE = "application/x-www-form-urlencoded"

N_ = i18n.N_
TEXTS = {
    "not_found": (N_("Not found"), N_("There is nothing at this address. Scan the QR code on the kiosk again.")),
    "door_closed": (N_("The door is closed"),
                    N_("The wall is not taking new phones right now. Ask the facilitator to open it.")),
    "unknown_device": (N_("Scan the code again"),
                       N_("This phone is no longer part of the workshop. Scan the code on the wall again.")),
    "starting": (N_("The wall is starting"), N_("Wait a moment and try again.")),
    "rate": (N_("Too many requests"), N_("Wait a moment and try again.")),
    "error": (N_("Something went wrong"), N_("The page could not be made. Try again.")),
}
"""Plain pages: (title, message) in English, shown in the session's language."""
MESSAGES = {
    "timeout": N_("The wall did not answer. Try again."),
    "stale": N_("This page was out of date, so nothing was sent. Here it is again: send once more."),
    "cross_site": N_("This form came from another page, so it was not sent."),
    "bad_form": N_("That could not be read. Try again."),
    "busy": N_("The wall is busy. Wait a moment and try again."),
    "rate": N_("Wait a moment and try again."),
    "unknown_device": N_("This phone is no longer part of the workshop. Scan the code on the wall again."),
    "door_closed": N_("The wall is not taking new phones right now. Ask the facilitator to open it."),
}
"""The server's own refusals of a POST (the kiosk's come with their message)."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class PadQuietLog(QuietLog):
    LABEL = "pad server"


# -- answers ----------------------------------------------------------------------------------

def answer(code: int, body: bytes | str, content_type: str, extra=(), cache: str = "no-store") -> list[bytes]:
    """A whole HTTP/1.1 answer as byte chunks, with the security headers."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    lines = [f"HTTP/1.1 {int(code)} {HTTPStatus(int(code)).phrase}", "Server: kiosk-pads",
             f"Date: {formatdate(usegmt=True)}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
             f"Cache-Control: {cache}"]
    lines += [f"{name}: {value}" for name, value in SECURITY_HEADERS + tuple(extra)]
    lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return [head, body] if body else [head]


def headers_of(head: bytes) -> dict[str, str]:
    """Lower-cased header names → values (latin-1); a repeated name keeps its values
    joined by ', ' (the RFC's rule), except Content-Length, where a repeat is refused."""
    out: dict[str, str] = {}
    for line in head.split(b"\n")[1:]:
        line = line.rstrip(b"\r")
        if not line:
            continue
        name, _, value = line.partition(b":")
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1").strip(" \t")
        if key in out:
            if key in ("content-length", "host", "cookie", "origin"):
                raise BadRequest(400, f"repeated {key} header")
            out[key] = out[key] + ", " + text
        else:
            out[key] = text
    return out


def cookie_of(headers: dict[str, str]) -> str:
    """The device key in the ``pad`` cookie, or '' (a malformed one counts as none)."""
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            value = value.strip().strip('"')
            return value if SECRET.fullmatch(value) else ""
    return ""


def form_of(body: bytes) -> dict[str, str]:
    """The fields of an urlencoded body; ValueError when it is not one (bad UTF-8, too
    many or repeated fields, a value too long)."""
    text = body.decode("utf-8")  # UnicodeDecodeError is a ValueError
    pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=MAX_FIELDS,
                      errors="strict")
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form or len(value) > MAX_VALUE or len(name) > 40:
            raise ValueError(f"field {name[:40]!r} repeated or too long")
        form[name] = value
    return form


# -- the loop ---------------------------------------------------------------------------------

HEAD, BODY, WAIT, WORK, SEND, LINGER = "head", "body", "wait", "work", "send", "linger"


@dataclass(eq=False)
class Conn:
    sock: socket.socket
    addr: tuple
    since: float
    deadline: float
    counted: bool = True
    state: str = HEAD
    buf: bytearray = field(default_factory=bytearray)
    out: deque = field(default_factory=deque)
    drained: int = 0
    registered: int = 0
    line_checked: bool = False
    # the request, once its head is in
    method: str = ""
    target: str = ""
    headers: dict = field(default_factory=dict)
    length: int = 0
    head_len: int = 0
    # while waiting for the kiosk
    intent_id: int = 0
    device: str = ""
    json: bool = False
    draft: Optional[dict] = None
    """A note's kind and text while it is sent (put back in the form if it is refused)."""

    @property
    def host(self) -> str:
        return self.addr[0]


class PadServer:
    """The listening socket, the channel to the kiosk, and one ``selectors`` loop."""

    def __init__(self, channel: socket.socket, host: str = "0.0.0.0", port: int = 0, *,
                 pages=None, views=None, export=None) -> None:
        if pages is None:
            from kiosk.web import padpages as pages
        if views is None:
            from kiosk.core import padview as views
        self.pages, self.views = pages, views
        self.secret = secrets.token_bytes(32)
        self.refusals = PadQuietLog("refusals", logger=log)
        self.served = PadQuietLog("requests served", logging.INFO, logger=log)
        self.failures = PadQuietLog("failures", logging.ERROR, logger=log)
        self.limiter = RateLimiter(RATE_PER_SECOND, BURST)
        self.per_device = RateLimiter(DEVICE_RATE, DEVICE_BURST)
        self.posts = RateLimiter(POSTS_PER_SECOND, POST_BURST)
        self.snap: Optional[dict] = None
        self.sock = self._listen(host, port)
        self.port = self.sock.getsockname()[1]
        self.channel = channel
        channel.setblocking(False)
        self._chan_in = bytearray()
        self._chan_out = bytearray()
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.sock, selectors.EVENT_READ, "listen")
        self._chan_events = selectors.EVENT_READ
        self._sel.register(channel, self._chan_events, "channel")
        self._conns: set[Conn] = set()
        self._active = 0
        self._refusing = 0
        self._per_client: dict[str, int] = {}
        self._strikes: dict[str, float] = {}
        self._accept_paused_until = 0.0
        self._pending: dict[int, Conn] = {}
        self._pending_per: dict[str, int] = {}
        self._next_id = 0
        self._notices: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._static: dict[str, bytes] = {}
        self._make_export = export
        """Makes the export (``ExportServer``) at the first links frame; None: no export here."""
        self.export: Optional[ExportServer] = None
        self._jobs: deque = deque()
        self._jobs_ready = threading.Condition()
        self._done: deque = deque()
        self._workers: list[threading.Thread] = []
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self.running = True

    @staticmethod
    def _listen(host: str, port: int) -> socket.socket:
        bind = host if host not in ("", "*") else "0.0.0.0"
        family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        last: Optional[OSError] = None
        for p in [port] + ([0] if port else []):
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((bind, p))
                sock.listen(128)
                sock.setblocking(False)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
                log.warning("pad server cannot listen on %s:%d (%s)%s", bind, p, exc,
                            "; trying a free port" if p else "")
        raise OSError(f"pad server cannot listen: {last}")

    # -- the channel --------------------------------------------------------------------------

    def tell(self, frame: dict) -> bool:
        """Queue a frame for the kiosk; False when too much is already waiting."""
        if len(self._chan_out) > MAX_CHANNEL_BACKLOG:
            return False
        self._chan_out += json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"
        self._flush_channel()
        return True

    def _flush_channel(self) -> None:
        try:
            while self._chan_out:
                n = self.channel.send(self._chan_out[:65536])
                del self._chan_out[:n]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.stop("the channel to the kiosk broke")
            return
        want = selectors.EVENT_READ | (selectors.EVENT_WRITE if self._chan_out else 0)
        if want != self._chan_events and self.running:
            self._sel.modify(self.channel, want, "channel")
            self._chan_events = want

    def _read_channel(self) -> None:
        try:
            chunk = self.channel.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.stop("the kiosk closed the channel")
            return
        self._chan_in += chunk
        while self.running:
            end = self._chan_in.find(b"\n")
            if end < 0:
                if len(self._chan_in) > MAX_FRAME:
                    self.stop("a frame from the kiosk over the limit")
                return
            line = bytes(self._chan_in[:end])
            del self._chan_in[:end + 1]
            try:
                frame = json.loads(line)
            except ValueError:
                log.error("pad server: unreadable frame from the kiosk (%d bytes)", len(line))
                continue
            if isinstance(frame, dict):
                self._on_frame(frame)

    def _on_frame(self, frame: dict) -> None:
        kind = frame.get("t")
        if kind == "snap" and isinstance(frame.get("snap"), dict):
            self.snap = frame["snap"]
        elif kind == "outcome":
            if isinstance(frame.get("snap"), dict):
                self.snap = frame["snap"]
            conn = self._pending.pop(frame.get("id"), None)
            if conn is not None:
                self._release(conn)
                outcome = frame.get("outcome")
                if not isinstance(outcome, dict):
                    outcome = {"ok": False, "reason": "error", "message": ""}
                if conn in self._conns:
                    self._finish(conn, outcome)
        elif kind == "pads_off":  # the session ended: pads are gone, the export may go on
            self.snap = None
        elif kind in ("links", "clear"):
            self._export_frame(frame)
        elif kind == "stats":
            self.tell({"t": "answer", "id": frame.get("id"), "connections": self._active})
        elif kind == "stop":
            self.stop("the kiosk said stop")

    def _export_frame(self, frame: dict) -> None:
        """The kiosk's table of export links (or "empty the render cache"); answered with
        the port, which is this process's one port."""
        ident = frame.get("id")
        if self.export is None and self._make_export is not None:
            try:
                self.export = self._make_export()
            except Exception as exc:
                log.exception("web process: the export could not be set up")
                self.tell({"t": "answer", "id": ident, "failed": "spawn", "detail": str(exc)[:200]})
                return
        if self.export is None:
            self.tell({"t": "answer", "id": ident, "failed": "spawn", "detail": "no data folder given"})
            return
        if frame.get("t") == "clear":
            self.export.cache.clear()
        else:
            if frame.get("lang") in i18n.LANGUAGES:
                self.export.kiosk_lang = frame["lang"]
            links = frame.get("links")
            self.export.follow(links if isinstance(links, list) else [])
        self.tell({"t": "answer", "id": ident, "port": self.port, "running": self.export.running})

    # -- the loop -----------------------------------------------------------------------------

    def serve(self) -> None:
        while self.running:
            self.poll(1.0)
        self.close()

    def poll(self, timeout: float) -> None:
        now = time.monotonic()
        if self._conns:
            timeout = max(0.0, min(timeout, min(c.deadline for c in self._conns) - now))
        try:
            events = self._sel.select(timeout)
        except InterruptedError:
            events = []
        for key, mask in events:
            what = key.data
            if what == "listen":
                self._accept()
            elif what == "wake":
                self._answer_exports()
            elif what == "channel":
                if mask & selectors.EVENT_WRITE:
                    self._flush_channel()
                if mask & selectors.EVENT_READ and self.running:
                    self._read_channel()
            elif what in self._conns:
                if mask & selectors.EVENT_WRITE and what.state == SEND:
                    self._write(what)
                if mask & selectors.EVENT_READ and what in self._conns and what.state in (HEAD, BODY, LINGER):
                    self._read(what)
            if not self.running:
                return
        now = time.monotonic()
        self._expire(now)
        if self._accept_paused_until and now >= self._accept_paused_until:
            self._accept_paused_until = 0.0
            self._sel.register(self.sock, selectors.EVENT_READ, "listen")
        for quiet in (self.refusals, self.served, self.failures):
            quiet.flush()

    def stop(self, why: str) -> None:
        if self.running:
            log.info("pad server stops: %s", why)
        self.running = False

    def close(self) -> None:
        for conn in list(self._conns):
            self._close(conn)
        with self._jobs_ready:
            self._jobs.extend([None] * len(self._workers))
            self._jobs_ready.notify_all()
        if self.export is not None:
            self.export.stop()
        for sock in (self.sock, self.channel, self._wake_r, self._wake_w):
            try:
                sock.close()
            except OSError:
                pass
        try:
            self._sel.close()
        except (OSError, ValueError):
            pass
        for quiet in (self.refusals, self.served, self.failures):
            quiet.flush(force=True)

    def _watch(self, conn: Conn, events: int) -> None:
        if conn.registered == events:
            return
        if conn.registered and events:
            self._sel.modify(conn.sock, events, conn)
        elif events:
            self._sel.register(conn.sock, events, conn)
        else:
            self._sel.unregister(conn.sock)
        conn.registered = events

    @property
    def connections(self) -> int:
        return self._active

    # -- connections (as the export server's) -------------------------------------------------

    def _accept(self) -> None:
        for _ in range(64):
            try:
                sock, addr = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self.refusals.event("cannot accept", "pad server cannot accept a connection: %s", exc)
                self._sel.unregister(self.sock)
                self._accept_paused_until = time.monotonic() + 0.5
                return
            sock.setblocking(False)
            self._admit(sock, addr)

    def _admit(self, sock: socket.socket, addr) -> None:
        host, now = addr[0], time.monotonic()
        refusal = None
        if self._per_client.get(host, 0) >= MAX_PER_CLIENT:
            refusal = (429, "too many connections from one client")
        elif self._active >= MAX_CONNECTIONS - RESERVED and self._suspect(host, now):
            refusal = (503, "server busy and this client misbehaved lately")
        elif self._active >= MAX_CONNECTIONS:
            victim = self._victim(now)
            if victim is None:
                refusal = (503, "too many connections")
            else:
                self.refusals.event("dropped an idle connection to make room",
                                    "pad server full: dropped a %.1f s old unfinished request from %s",
                                    now - victim.since, victim.host, client=victim.host)
                self._close(victim)
        if refusal is not None:
            self._strike(host)
            self.refusals.event(f"{refusal[0]} {refusal[1]}", "refused a connection from %s: %d %s",
                                host, refusal[0], refusal[1], client=host)
            if self._refusing >= MAX_REFUSING:
                try:
                    sock.close()
                except OSError:
                    pass
                return
            conn = Conn(sock, addr, now, now, counted=False)
            self._refusing += 1
            self._conns.add(conn)
            self._send(conn, answer(refusal[0], b"", "text/plain", (("Retry-After", "5"),)), REFUSAL_SEND_SECONDS)
            return
        conn = Conn(sock, addr, now, now + HEAD_SECONDS)
        self._active += 1
        self._per_client[host] = self._per_client.get(host, 0) + 1
        self._conns.add(conn)
        self._watch(conn, selectors.EVENT_READ)

    def _victim(self, now: float) -> Optional[Conn]:
        waiting = [c for c in self._conns if c.state in (HEAD, BODY) and c.counted]
        if not waiting:
            return None
        return max(waiting, key=lambda c: (self._suspect(c.host, now), self._per_client.get(c.host, 0), -c.since))

    def _suspect(self, host: str, now: float) -> bool:
        return now - self._strikes.get(host, float("-inf")) < SUSPECT_SECONDS

    def _strike(self, host: str) -> None:
        now = time.monotonic()
        self._strikes[host] = now
        if len(self._strikes) > 4096:
            self._strikes = {h: t for h, t in self._strikes.items() if now - t < SUSPECT_SECONDS}

    def _close(self, conn: Conn) -> None:
        if conn not in self._conns:
            return
        self._conns.discard(conn)
        if conn.intent_id:
            self._pending.pop(conn.intent_id, None)
            self._release(conn)
        if conn.registered:
            try:
                self._sel.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass
            conn.registered = 0
        if conn.counted:
            self._active -= 1
            left = self._per_client.get(conn.host, 1) - 1
            if left > 0:
                self._per_client[conn.host] = left
            else:
                self._per_client.pop(conn.host, None)
        else:
            self._refusing -= 1
        try:
            conn.sock.close()
        except OSError:
            pass

    def _expire(self, now: float) -> None:
        for conn in [c for c in self._conns if c.deadline <= now]:
            if conn.state in (HEAD, BODY):
                reason = ("request body too slow" if conn.state == BODY else
                          "request head too slow" if conn.buf else "idle connection")
                strike = conn.state == BODY or bool(conn.buf) or self._per_client.get(conn.host, 0) > SPARE_SOCKETS
                self._refuse(conn, BadRequest(408, reason, f"{len(conn.buf)} bytes in {now - conn.since:.1f} s"),
                             strike=strike, quiet=not conn.buf and conn.state == HEAD)
            elif conn.state == WAIT:
                self._pending.pop(conn.intent_id, None)
                self._release(conn)
                self.failures.event("kiosk did not answer", "pad server: the kiosk did not answer intent %d in %.0f s",
                                    conn.intent_id, INTENT_SECONDS)
                self._post_answer(conn, False, "timeout", self._text(MESSAGES["timeout"]), code=503)
            elif conn.state == SEND:
                self._strike(conn.host)
                self.refusals.event("client did not take the answer in time",
                                    "dropped %s: it did not take the answer within %.0f s",
                                    conn.host, now - conn.since, client=conn.host)
                self._close(conn)
            elif conn.state == LINGER:
                self._close(conn)

    # -- reading --------------------------------------------------------------------------------

    def _read(self, conn: Conn) -> None:
        try:
            chunk = conn.sock.recv(16384 if conn.state == LINGER else 8192)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if conn.state == LINGER:
            conn.drained += len(chunk)
            if not chunk or conn.drained >= LINGER_BYTES:
                self._close(conn)
            return
        if not chunk:
            if conn.buf:
                self.refusals.event("connection closed mid-request", "refused %s: connection closed mid-request",
                                    conn.host, client=conn.host)
            self._close(conn)
            return
        conn.buf += chunk
        if conn.state == BODY:
            if len(conn.buf) >= conn.length:
                self._request(conn, bytes(conn.buf[:conn.length]))
            return
        buf = conn.buf
        line_end = buf.find(b"\n")
        if (line_end if line_end >= 0 else len(buf)) > MAX_REQUEST_LINE:
            self._refuse(conn, BadRequest(414, "request line too long"))
            return
        if line_end >= 0 and not conn.line_checked:
            try:
                parse_request_line(bytes(buf[:line_end]))
            except BadRequest as bad:
                self._refuse(conn, bad)
                return
            conn.line_checked = True
        end = head_end(buf)
        if end > MAX_HEAD or (end < 0 and len(buf) > MAX_HEAD):
            self._refuse(conn, BadRequest(431, "request head too large"))
            return
        if end >= 0:
            self._head(conn, bytes(buf[:end]), bytes(buf[end:]))

    def _head(self, conn: Conn, head: bytes, rest: bytes) -> None:
        """A complete head: refused here, answered (GET), or the body awaited (POST)."""
        try:
            method, target, _ = parse_head(head)
            headers = headers_of(head)
        except BadRequest as bad:
            self._refuse(conn, bad)
            return
        if not target.startswith("/"):  # the absolute-form ("GET http://host/e/…"): its path
            query = target.partition("?")[2]
            target = path_of(target) + ("?" + query if query else "")
        conn.method, conn.target, conn.headers = method, target, headers
        allowed, wait = self.limiter.allow(conn.host)
        key = cookie_of(headers)
        if allowed and key:
            allowed, wait = self.per_device.allow(sha256(key))
        if not allowed:
            self._refuse(conn, BadRequest(429, "rate limit", method=method, target=target),
                         extra=(("Retry-After", str(max(1, round(wait)))),), page="rate")
            return
        path = path_of(target)
        if path.startswith("/e/") and self.export is not None:
            self._export(conn, method, target)
            return
        if method == "GET":
            self._get(conn, path, target.partition("?")[2])
            return
        if method != "POST" or not (JOIN.fullmatch(path) or (OP.fullmatch(path) and
                                                            OP.fullmatch(path).group(1) in OPS)):
            self._refuse(conn, BadRequest(404, "no such route", method=method, target=target),
                         strike=method not in ("HEAD", "OPTIONS"), page="not_found")
            return
        if "transfer-encoding" in headers:
            self._refuse(conn, BadRequest(501, "transfer-encoding", method=method, target=target))
            return
        raw = headers.get("content-length")
        if raw is None:
            self._refuse(conn, BadRequest(411, "no content-length", method=method, target=target))
            return
        if not raw.isdigit() or len(raw) > 9:
            self._refuse(conn, BadRequest(400, "bad content-length", raw[:20], method, target))
            return
        length = int(raw)
        if length > MAX_BODY:
            self._refuse(conn, BadRequest(413, "body too large", str(length), method, target))
            return
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if ctype != FORM_TYPE:
            self._refuse(conn, BadRequest(415, "not a form", ctype[:40], method, target))
            return
        conn.state, conn.length, conn.buf = BODY, length, bytearray(rest)
        conn.deadline = conn.since + BODY_SECONDS
        if len(conn.buf) >= length:
            self._request(conn, bytes(conn.buf[:length]))

    def _refuse(self, conn: Conn, bad: BadRequest, extra=(), strike: bool = True, page: str = "",
                quiet: bool = False) -> None:
        if strike:
            self._strike(conn.host)
        detail = f" ({bad.detail})" if bad.detail else ""
        self.refusals.event(f"{bad.code} {bad.reason}", "refused %s %s from %s: %d %s%s",
                            (bad.method or "-")[:10], redact(bad.target or "-"), conn.host,
                            bad.code, bad.reason, detail, client=conn.host)
        if quiet:
            chunks = answer(bad.code, b"", "text/plain")
        else:
            title = page or ("not_found" if bad.code == 404 else "rate" if bad.code == 429 else "")
            chunks = answer(bad.code, self._plain(title, bad.code), "text/html; charset=utf-8", extra)
        self._send(conn, chunks, REFUSAL_SEND_SECONDS)

    # -- the export --------------------------------------------------------------------------------

    def _export(self, conn: Conn, method: str, target: str) -> None:
        """An export request: checked here, answered by a worker thread."""
        if method not in ("GET", "HEAD"):
            self._refuse(conn, BadRequest(405, "method not allowed", method[:20], method, target),
                         extra=(("Allow", "GET, HEAD"),), strike=False, page="not_found")
            return
        allowed, wait = self.export.limiter.allow(conn.host)
        if not allowed:
            self._refuse(conn, BadRequest(429, "export rate limit", method=method, target=target),
                         extra=(("Retry-After", str(max(1, round(wait)))),), page="rate")
            return
        conn.state, conn.buf, conn.deadline = WORK, bytearray(), float("inf")  # the render has its own bound
        self._watch(conn, 0)
        with self._jobs_ready:
            self._jobs.append((conn, method, target))
            if len(self._workers) < EXPORT_WORKERS and len(self._jobs) > self._idle_workers():
                t = threading.Thread(target=self._work, name="kiosk-export-worker", daemon=True)
                t.idle = False
                self._workers.append(t)
                t.start()
            self._jobs_ready.notify()

    def _idle_workers(self) -> int:
        return sum(1 for t in self._workers if getattr(t, "idle", False))

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            with self._jobs_ready:
                me.idle = True
                while not self._jobs:
                    self._jobs_ready.wait()
                job = self._jobs.popleft()
                me.idle = False
            if job is None:
                return
            conn, method, target = job
            handler = ExportHandler(self.export, conn.addr, method, target)
            self._done.append((conn, handler.run(), handler.strike))
            try:
                self._wake_w.send(b"x")
            except OSError:
                pass  # the pipe is full (the loop looks anyway) or closed

    def _answer_exports(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except (BlockingIOError, InterruptedError, OSError):
            pass
        while self._done:
            conn, chunks, strike = self._done.popleft()
            if strike:
                self._strike(conn.host)
            if conn in self._conns:
                self._send(conn, chunks, EXPORT_SEND_SECONDS)

    # -- the routes -------------------------------------------------------------------------------

    def _lang(self) -> str:
        lang = (self.snap or {}).get("lang")
        return lang if lang in i18n.LANGUAGES else i18n.DEFAULT

    def _text(self, msgid: str) -> str:
        return i18n.translator(self._lang())(msgid)

    def _plain(self, which: str, code: int) -> bytes:
        """A plain page (padpages translates the title and message)."""
        title, message = TEXTS.get(which, (HTTPStatus(code).phrase, ""))
        return self.pages.plain_page(self._lang(), title, message, code)

    def _page(self, conn: Conn, code: int, body: bytes, extra=()) -> None:
        self._send(conn, answer(code, body, "text/html; charset=utf-8", extra), SEND_SECONDS)

    def _json(self, conn: Conn, code: int, data: dict, extra=()) -> None:
        self._send(conn, answer(code, json.dumps(data, ensure_ascii=False), "application/json; charset=utf-8",
                                extra), SEND_SECONDS)

    def _not_found(self, conn: Conn, why: str) -> None:
        self._refuse(conn, BadRequest(404, why, method=conn.method, target=conn.target), strike=False,
                     page="not_found")

    def _door_open(self, token: str) -> bool:
        door = (self.snap or {}).get("door") or {}
        want = door.get("token") or ""
        return bool(door.get("open")) and isinstance(want, str) and len(want) == 64 and \
            hmac.compare_digest(sha256(token), want)

    def _view(self, device: str):
        if not device or self.snap is None:
            return None
        try:
            return self.views.for_device(self.snap, device)
        except Exception:
            self.failures.event("view failed", "pad server: no view for a device", exc_info=True)
            return None

    def _get(self, conn: Conn, path: str, query: str) -> None:
        if path in STATIC:
            body = self._static_file(path)
            if body is None:
                self._not_found(conn, "static file missing")
                return
            self._send(conn, answer(200, body, STATIC[path][1], cache="public, max-age=300"), SEND_SECONDS)
            return
        if path == "/favicon.ico":  # every browser asks: a plain 404, not worth a log line
            self._send(conn, answer(404, self._plain("not_found", 404), "text/html; charset=utf-8"), SEND_SECONDS)
            return
        if not (path == "/pad" or path == "/pad/state" or JOIN.fullmatch(path)):
            self._not_found(conn, "no such path")
            return
        try:  # no snapshot (pads are off, or not yet on): the door is shut and no device known
            args = dict(parse_qsl(query, keep_blank_values=True, max_num_fields=4)) if query else {}
        except ValueError:
            args = {}
        m = JOIN.fullmatch(path)
        if m is not None:
            token = m.group(1)
            if not self._door_open(token):
                self._refuse(conn, BadRequest(403, "door closed or wrong token", method="GET", target=path),
                             strike=True, page="door_closed")
                return
            self._join_page(conn, token, "")
            return
        device = self._device(conn)
        view = self._view(device)
        if path == "/pad/state":
            if view is None:
                self._json(conn, 403, {"serial": None, "gone": True})
            else:
                self._json(conn, 200, {"serial": view.get("serial", self.snap.get("serial"))})
            self.served.event("state", "GET /pad/state from %s", conn.host, client=conn.host)
            return
        if view is None:
            self._refuse(conn, BadRequest(403, "unknown device", method="GET", target=path),
                         strike=bool(device), page="unknown_device")
            return
        message = ""
        said = args.get("m", "")
        if said:
            reason, text = self._notices.get(device, ("", ""))
            if reason == said:
                message = text
            elif hasattr(self.pages, "message_for"):  # "ok" and the pads' own refusals, by key
                message = self.pages.message_for(self._lang(), said[:40])
        try:
            body = self.pages.pad_page(view, nonce=self.nonce(device), message=message,
                                       fragment=args.get("fragment") == "1")
        except Exception:
            self.failures.event("page failed", "pad server: rendering the pad page failed", exc_info=True)
            self._page(conn, 500, self._plain("error", 500))
            return
        self._page(conn, 200, body)
        self.served.event("page", "GET /pad from %s: 200", conn.host, client=conn.host)

    def _join_page(self, conn: Conn, token: str, message: str, code: int = 200) -> None:
        try:
            public = self.views.public(self.snap)
            body = self.pages.join_page(public, token_path=f"/j/{token}", nonce=self.nonce(sha256(token)),
                                        message=message)
        except Exception:
            self.failures.event("page failed", "pad server: rendering the join page failed", exc_info=True)
            self._page(conn, 500, self._plain("error", 500))
            return
        self._page(conn, code, body)

    def _static_file(self, path: str) -> Optional[bytes]:
        if path not in self._static:
            try:
                self._static[path] = (STATIC_DIR / STATIC[path][0]).read_bytes()
            except OSError:
                return None
        return self._static[path]

    def _device(self, conn: Conn) -> str:
        key = cookie_of(conn.headers)
        return sha256(key) if key else ""

    # -- nonces -----------------------------------------------------------------------------------

    def nonce(self, subject: str, slot: Optional[int] = None) -> str:
        """The form nonce for a device's digest (or a join token's) in this hour."""
        slot = int(time.time() // NONCE_SLOT) if slot is None else slot
        return hmac.new(self.secret, f"{slot}:{subject}".encode(), "sha256").hexdigest()[:32]

    def nonce_ok(self, subject: str, given: str) -> bool:
        if not isinstance(given, str) or len(given) != 32:
            return False
        slot = int(time.time() // NONCE_SLOT)
        return any(hmac.compare_digest(self.nonce(subject, s), given) for s in (slot, slot - 1))

    # -- writes -----------------------------------------------------------------------------------

    def _cross_site(self, conn: Conn) -> bool:
        """Not from a page of this server. A browser that says where a request comes from
        (``Sec-Fetch-Site``) must say same-origin; our pages' no-referrer policy makes a
        browser send ``Origin: null`` with a form, so that says nothing, and only a real
        origin is compared. A client that sends neither is judged by the nonce alone."""
        site = conn.headers.get("sec-fetch-site", "").strip().lower()
        origin = conn.headers.get("origin", "").strip().lower()
        if site:
            if site != "same-origin":
                return True
        elif origin == "null":
            return True
        if not origin or origin == "null":
            return False
        host = conn.headers.get("host", "")
        return not host or origin != f"http://{host.strip().lower()}"

    def _request(self, conn: Conn, body: bytes) -> None:
        """A complete POST: checked, then sent to the kiosk as an intent."""
        conn.state, conn.buf = WAIT, bytearray()
        conn.deadline = float("inf")
        self._watch(conn, 0)
        conn.json = "application/json" in conn.headers.get("accept", "")
        path = conn.target.split("?", 1)[0]
        join = JOIN.fullmatch(path)
        if self._cross_site(conn):
            self._strike(conn.host)
            self.refusals.event("403 cross-site post", "refused POST %s from %s: cross-site (origin %r, site %r)",
                                redact(path), conn.host, conn.headers.get("origin", "")[:80],
                                conn.headers.get("sec-fetch-site", "")[:20], client=conn.host)
            self._post_answer(conn, False, "cross_site", self._text(MESSAGES["cross_site"]), code=403,
                              redirect=False)
            return
        try:
            form = form_of(body)
        except ValueError as exc:
            self._strike(conn.host)
            self.refusals.event("400 bad form", "refused POST %s from %s: %s", redact(path), conn.host,
                                str(exc)[:80], client=conn.host)
            self._post_answer(conn, False, "bad_form", self._text(MESSAGES["bad_form"]), code=400,
                              redirect=False)
            return
        if join is not None:
            self._join(conn, join.group(1), form)
            return
        op = OP.fullmatch(path).group(1)
        device = self._device(conn)
        if self._view(device) is None:
            self._strike(conn.host)
            self.refusals.event("403 unknown device", "refused POST %s from %s: unknown device", path, conn.host,
                                client=conn.host)
            if conn.json:
                self._json(conn, 403, {"ok": False, "reason": "unknown_device",
                                       "message": self._text(MESSAGES["unknown_device"]), "serial": None})
            else:
                self._page(conn, 403, self._plain("unknown_device", 403))
            return
        conn.device = device
        if not self.nonce_ok(device, form.get("nonce", "")):
            self.refusals.event("403 stale or missing nonce", "refused POST %s from %s: stale or missing nonce",
                                path, conn.host, client=conn.host)
            self._post_answer(conn, False, "stale", self._text(MESSAGES["stale"]), code=403)
            return
        if any(name not in form for name in OPS[op]):
            self._post_answer(conn, False, "bad_form", self._text(MESSAGES["bad_form"]), code=400)
            return
        intent = {"op": op, "key": cookie_of(conn.headers), **{name: form[name] for name in OPS[op]}}
        if op == "note":  # refused without script: the page comes back with the words in it
            conn.draft = {"kind": form["kind"], "text": form["text"]}
        self._send_intent(conn, device, intent)

    def _join(self, conn: Conn, token: str, form: dict) -> None:
        if not self._door_open(token):
            self._strike(conn.host)
            self.refusals.event("403 door closed", "refused a join from %s: door closed or wrong token",
                                conn.host, client=conn.host)
            if conn.json:
                self._json(conn, 403, {"ok": False, "reason": "door_closed",
                                       "message": self._text(MESSAGES["door_closed"]), "serial": None})
            else:
                self._page(conn, 403, self._plain("door_closed", 403))
            return
        if not self.nonce_ok(sha256(token), form.get("nonce", "")):
            self.refusals.event("403 stale or missing nonce", "refused a join from %s: stale or missing nonce",
                                conn.host, client=conn.host)
            if conn.json:
                self._json(conn, 403, {"ok": False, "reason": "stale", "message": self._text(MESSAGES["stale"]),
                                       "serial": None})
            else:
                self._join_page(conn, token, self._text(MESSAGES["stale"]), 403)
            return
        conn.device = "join:" + conn.host
        intent = {"op": "join", "token": token, "name": form.get("name", ""), "table": form.get("table", ""),
                  "role": form.get("role", "") or "person"}
        self._send_intent(conn, conn.device, intent, token=token)

    def _send_intent(self, conn: Conn, device: str, intent: dict, token: str = "") -> None:
        allowed, wait = self.posts.allow(device)
        if not allowed:
            self.refusals.event("429 intents too fast", "refused POST from %s: intents too fast", conn.host,
                                client=conn.host)
            self._post_answer(conn, False, "rate", self._text(MESSAGES["rate"]), code=429, token=token,
                              extra=(("Retry-After", str(max(1, round(wait)))),))
            return
        if self._pending_per.get(device, 0) >= PENDING_PER_DEVICE or len(self._pending) >= MAX_PENDING:
            self._post_answer(conn, False, "busy", self._text(MESSAGES["busy"]), code=503, token=token)
            return
        self._next_id += 1
        if not self.tell({"t": "intent", "id": self._next_id, "intent": intent}):
            self._post_answer(conn, False, "busy", self._text(MESSAGES["busy"]), code=503, token=token)
            return
        conn.intent_id = self._next_id
        conn.target = f"/j/{token}" if token else conn.target
        self._pending[conn.intent_id] = conn
        self._pending_per[device] = self._pending_per.get(device, 0) + 1
        conn.deadline = time.monotonic() + INTENT_SECONDS

    def _release(self, conn: Conn) -> None:
        if conn.intent_id and conn.device:
            left = self._pending_per.get(conn.device, 1) - 1
            if left > 0:
                self._pending_per[conn.device] = left
            else:
                self._pending_per.pop(conn.device, None)
        conn.intent_id = 0

    def _finish(self, conn: Conn, outcome: dict) -> None:
        """The kiosk's outcome, as the phone's answer."""
        ok = outcome.get("ok") is True
        reason = str(outcome.get("reason") or ("ok" if ok else "refused"))[:40]
        message = str(outcome.get("message") or "")[:500]
        join = JOIN.fullmatch(conn.target.split("?", 1)[0])
        self.served.event("intent", "POST %s from %s: %s", redact(conn.target), conn.host, reason, client=conn.host)
        if join is not None:
            key = outcome.get("key")
            if ok and isinstance(key, str) and SECRET.fullmatch(key):
                cookie = (("Set-Cookie", f"{COOKIE}={key}; Path=/; HttpOnly; SameSite=Strict; "
                                         f"Max-Age={COOKIE_SECONDS}"),)
                if conn.json:
                    self._json(conn, 200, {"ok": True, "message": "", "serial": self._serial(), "go": "/pad"},
                               cookie)
                else:
                    self._send(conn, answer(303, b"", "text/plain", cookie + (("Location", "/pad"),)),
                               SEND_SECONDS)
                return
            self._post_answer(conn, False, reason, message, code=200, token=join.group(1))
            return
        self._post_answer(conn, ok, reason, message)

    def _serial(self):
        return (self.snap or {}).get("serial")

    def _post_answer(self, conn: Conn, ok: bool, reason: str, message: str, code: int = 200,
                     redirect: bool = True, token: str = "", extra=()) -> None:
        """The answer to a POST: JSON for pad.js, else back to the page with the message."""
        if conn.json:
            self._json(conn, code if not ok else 200, {"ok": ok, "reason": reason, "message": message,
                                                       "serial": self._serial()}, extra)
            return
        join = token or (JOIN.fullmatch(conn.target.split("?", 1)[0]) or [None, ""])[1]
        if join:
            if self._door_open(join):
                self._join_page(conn, join, message, 200 if code < 400 else code)
            else:
                self._page(conn, 403, self._plain("door_closed", 403))
            return
        if conn.device and not ok and conn.draft is not None:
            view = self._view(conn.device)
            if view is not None:  # the form again, with the refusal and the words that were sent
                try:
                    body = self.pages.pad_page(view, nonce=self.nonce(conn.device), message=message,
                                               draft=conn.draft)
                except Exception:
                    self.failures.event("page failed", "pad server: rendering the pad page failed", exc_info=True)
                else:
                    self._page(conn, code if code >= 400 else 200, body, extra)
                    return
        if conn.device and redirect:
            self._notices[conn.device] = (reason, message)
            self._notices.move_to_end(conn.device)
            while len(self._notices) > NOTICES:
                self._notices.popitem(last=False)
            self._send(conn, answer(303, b"", "text/plain", (("Location", f"/pad?m={reason}"),) + tuple(extra)),
                       SEND_SECONDS)
            return
        self._page(conn, code if code >= 400 else 400,
                   self.pages.plain_page(self._lang(), TEXTS["error"][0], message, code))

    # -- answering --------------------------------------------------------------------------------

    def _send(self, conn: Conn, chunks: list[bytes], seconds: float) -> None:
        conn.state, conn.out = SEND, deque(memoryview(c) for c in chunks if c)
        conn.deadline = time.monotonic() + seconds
        self._watch(conn, selectors.EVENT_WRITE)
        self._write(conn)

    def _write(self, conn: Conn) -> None:
        try:
            while conn.out:
                view = conn.out[0]
                n = conn.sock.send(view[:262144])
                if n < len(view):
                    conn.out[0] = view[n:]
                    return
                conn.out.popleft()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self.refusals.event("client went away", "client %s went away: %s", conn.host, exc, client=conn.host)
            self._close(conn)
            return
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        conn.state, conn.deadline = LINGER, time.monotonic() + LINGER_SECONDS
        self._watch(conn, selectors.EVENT_READ)


TOKEN_IN_PATH = re.compile(r"(/[je]/[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+")


def process_export(data_dir: str) -> ExportServer:
    """The export as this process serves it: the store's files read-only, this machine's clock."""
    from kiosk.clock import SystemClock
    from kiosk.web.storeview import StoreView

    return ExportServer(StoreView(data_dir), SystemClock())


def redact(path: str) -> str:
    """A path for the log: a join token or an export link shows only its first four characters."""
    return TOKEN_IN_PATH.sub(r"\1…", path)[:200]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.web.padserver", description=__doc__.split("\n")[0])
    parser.add_argument("--fd", type=int, required=True, help="this end of the socketpair to the kiosk")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--data", default="", help="the kiosk's data folder, read-only, for the export")
    parser.add_argument("--log-dir", default="", help="the kiosk's log folder: this process writes web.log there")
    parser.add_argument("--log-level", default=os.environ.get("KIOSK_PAD_LOG", "WARNING"))
    args = parser.parse_args(argv)
    level = getattr(logging, str(args.log_level).upper(), logging.WARNING)
    if args.log_dir:  # the kiosk's log folder: web.log there (warnings to stderr, the journal, too)
        from kiosk import logfile

        logfile.install(args.log_dir, name="web.log")
        logging.getLogger().setLevel(level)
    else:
        logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s pad server %(levelname)s %(message)s")
    channel = socket.socket(fileno=args.fd)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C at the kiosk's terminal is the kiosk's
    try:
        server = PadServer(channel, args.host, args.port,
                           export=(lambda: process_export(args.data)) if args.data else None)
    except OSError as exc:
        log.error("%s", exc)
        try:
            channel.sendall(json.dumps({"t": "failed", "reason": "bind", "detail": str(exc)}).encode() + b"\n")
        except OSError:
            pass
        return 2
    server.tell({"t": "ready", "port": server.port})
    try:
        server.serve()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
