"""The LAN export server: small, shut by default, and only as open as a live token.

``ExportServer.share(scope)`` issues a token (``kiosk.core.tokens``) and makes sure
the server runs; the address it returns is what the QR code carries. The server's
loop ends by itself as soon as no token is live (expired or revoked), and every
socket is closed.

Routes (nothing else exists; everything else is 404):

* ``GET /e/<token>``          the phone page (HTML, no script, inline CSS)
* ``GET /e/<token>/<format>`` a download (``md``, ``notes.csv``, ``actions.csv``,
  ``json``, ``ics``, ``pdf``) as an attachment with its file name and type

An expired or revoked token gets a plain-words page (410). Only GET and HEAD are
served (others: 405).

Why it is built this way: a phone, a broken client or an attacker on the LAN must not
be able to lock the server or fill the disk.

* One serving thread holds every connection in a ``selectors`` loop: a connection
  that is still sending its request head, or is being sent its answer, costs a
  buffer, not a thread. The request head must be complete within ``HEAD_SECONDS`` of
  the connection (a total deadline: a byte every few seconds does not extend it), and
  an answer must be taken within ``SEND_SECONDS``; a client that never reads holds no
  worker, only its slot, and only that long.
* Only a complete, well-formed request reaches one of ``MAX_WORKERS`` worker threads,
  which render (through the Store, which has its own lock, and the render worker
  process) and hand the answer back as bytes; they never touch a socket.
* Fairness: at most ``MAX_PER_CLIENT`` connections per client address (429), and
  ``MAX_CONNECTIONS`` in all. When all are taken, a newcomer takes the slot of the
  oldest half-sent request head of the address that holds the most (so idle sockets
  from a few addresses never starve the others), and the last ``RESERVED`` slots are
  kept for addresses that have not misbehaved lately (timed out, sent garbage, flooded).
* The request line must be ``METHOD SP target SP HTTP/1.x`` in printable ASCII (an
  HTTP/0.9 line, with no version, is refused: it would get an answer with no status
  line and no security headers); the head is bounded in size (414, 431), in header
  count and header line length (431), and each header must be well-formed (400).
  Whatever follows the head (a pipelined request, garbage) is read and dropped: one
  request per connection.
* Each client has a token bucket (429 with Retry-After when it floods); path tricks are
  refused; every response carries strict security headers; a failure while rendering
  is a 500 page, and the server keeps running.
* Logging is bounded whatever clients do (``QuietLog``): refusals are written at most
  one line every ``LOG_EVERY`` seconds — the first in full, then one summary line with
  the counts per reason — and served requests likewise, so a flood cannot fill the disk.
"""

from __future__ import annotations

import logging
import queue
import re
import selectors
import socket
import threading
import time
import types
from collections import Counter, deque
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http import HTTPStatus
from typing import Any, Callable, Optional
from urllib.parse import quote, unquote

from kiosk import i18n
from kiosk.core.tokens import EXPIRED, REVOKED, UNKNOWN, VALID, Token, Tokens
from kiosk.web.lan import ServerConfig, base_url, public_host
from kiosk.web.render_worker import RenderWorker, WorkerError

log = logging.getLogger("kiosk.web")

MAX_REQUEST_LINE = 2048
"""Bytes. A real export address is about 60."""
MAX_HEAD = 8192
"""Bytes of request line plus headers."""
MAX_HEADERS = 48
"""Header lines; a phone's browser sends about 15."""
MAX_HEADER_LINE = 4096
"""Bytes of one header line."""
HEAD_SECONDS = 5.0
"""The whole request head must arrive within this time of the connection (slow-loris
and idle-socket bound; one packet from a phone, so generous even on poor Wi-Fi)."""
SEND_SECONDS = 30.0
"""The whole answer must be taken by the client within this time (a PDF on a slow link)."""
REFUSAL_SEND_SECONDS = 2.0
"""A refusal is a few hundred bytes: a client that does not take it is dropped sooner."""
LINGER_SECONDS = 1.0
"""After answering, unread bytes from the client are drained this long at most …"""
LINGER_BYTES = 1 << 20
"""… and this many."""
MAX_CONNECTIONS = 256
"""Sockets held at once, in every state (a held socket costs a small buffer, no thread)."""
MAX_PER_CLIENT = 8
"""Per client address; a browser opens at most 6."""
RESERVED = 64
"""Of MAX_CONNECTIONS, kept for addresses that have not misbehaved lately."""
SUSPECT_SECONDS = 60.0
"""How long an address that misbehaved counts as a suspect."""
SPARE_SOCKETS = 2
"""Idle sockets an address may let time out without becoming a suspect (browsers open
a spare one or two ahead of need)."""
MAX_REFUSING = 64
"""Connections refused at the door (over a limit) whose short refusal is still being
sent; beyond this they are closed without one."""
MAX_WORKERS = 16
"""Threads that answer complete requests (most of their time is spent waiting for the
render worker process or the cache, so a few more than the cores)."""
RATE_PER_SECOND = 4.0
"""Each client's bucket refills this fast …"""
BURST = 40
"""… and holds this many requests: a phone opening the page and every download uses 8."""
LOG_EVERY = 5.0
"""Seconds between log lines about what clients cause (refusals, served requests)."""
CACHE_SECONDS = 60.0
"""A rendered page or file is reused this long (20 phones at once render it once); an
export may be this much older than the store."""
POLL_SECONDS = 0.25
"""How often the serving loop checks whether a token is still live."""

SECURITY_HEADERS = (
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
ROUTE = re.compile(r"/e/([A-Za-z0-9_-]{16,128})(?:/([a-z]{2,8}(?:\.[a-z]{2,8})?))?/?")
TOKEN_IN_PATH = re.compile(r"(/e/[A-Za-z0-9_-]{6})[A-Za-z0-9_-]+")
_TCHAR = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]"
REQUEST_LINE = re.compile(rb"(" + _TCHAR + rb"{1,20}) ([\x21-\x7e]+) HTTP/([0-9])\.([0-9])")
"""RFC 9112: method SP request-target SP HTTP-version, printable ASCII, single spaces."""
LOOSE_VERSION = re.compile(rb"\S+ \S+ HTTP/([0-9]+)\.([0-9]+)")
HEADER_LINE = re.compile(_TCHAR + rb"+:[\t\x20-\x7e\x80-\xff]*")
"""A field name, a colon, a value without control characters (no obsolete line folding)."""

# What a phone is told, in the export's language (translated with i18n.translator).
N_ = i18n.N_
TEXTS = {
    404: (N_("Not found"), N_("There is nothing at this address. Scan the QR code on the kiosk again.")),
    410: (N_("This link has expired"),
          N_("Export links work for a short time only. Tap Export on the kiosk for a new QR code.")),
    "revoked": (N_("This link was closed"),
                N_("It was closed at the kiosk. Tap Export on the kiosk for a new QR code.")),
    405: (N_("Not allowed"), N_("This address can only be read.")),
    429: (N_("Too many requests"), N_("Wait a moment and try again.")),
    500: (N_("Something went wrong"), N_("The kiosk could not make this export. Try again, or ask at the kiosk.")),
}


class ExportServerError(Exception):
    """The server could not start; ``reason`` is 'bind' and ``detail`` what the OS said."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Share:
    token: Token
    url: str


def redact(path: str) -> str:
    """A path for the log: a token shows only its first six characters."""
    return TOKEN_IN_PATH.sub(r"\1…", path)[:200]


# -- bounded logging ----------------------------------------------------------------------

class QuietLog:
    """Log lines for events clients cause, at most one line every ``every`` seconds.

    An event is written in full when the last line is at least that old; later ones are
    only counted, by reason, and ``flush()`` (called by the serving loop) writes them as
    one summary line once the window has passed. So a flood of any size writes one line
    every few seconds, and a lone refusal is still logged at once with its details."""

    MAX_REASONS = 32
    MAX_CLIENTS = 4096
    LABEL = "export server"
    """Names the server in the summary line (the pad server has its own)."""

    def __init__(self, what: str, level: int = logging.WARNING, every: float = LOG_EVERY,
                 now: Callable[[], float] = time.monotonic, logger: logging.Logger = log) -> None:
        self.what, self.level, self.every, self.now, self.logger = what, level, every, now, logger
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._counts: Counter = Counter()
        self._clients: set[str] = set()
        self._since = 0.0

    def event(self, reason: str, msg: str, *args, client: Optional[str] = None, exc_info=None) -> bool:
        """Log ``msg % args`` now if the window allows, else count it under ``reason``.
        True when it was written."""
        with self._lock:
            now = self.now()
            if not self._counts and now - self._last >= self.every:
                self._last = now
                write = True
            else:
                if not self._counts:
                    self._since = now
                if reason not in self._counts and len(self._counts) >= self.MAX_REASONS:
                    reason = "other"
                self._counts[reason] += 1
                if client is not None and len(self._clients) < self.MAX_CLIENTS:
                    self._clients.add(client)
                write = False
        if write:
            self.logger.log(self.level, msg, *args, exc_info=exc_info)
        return write

    def flush(self, force: bool = False) -> None:
        """Write the counted events as one line, once the window has passed (or now)."""
        with self._lock:
            if not self._counts:
                return
            now = self.now()
            if not force and now - self._last < self.every:
                return
            counts, clients, since = self._counts, self._clients, self._since
            self._counts, self._clients, self._last = Counter(), set(), now
        total = sum(counts.values())
        detail = ", ".join(f"{n} × {reason}" for reason, n in counts.most_common())
        many = f"{len(clients)}+" if len(clients) >= self.MAX_CLIENTS else str(len(clients))
        self.logger.log(self.level, "%s: %d more %s in %.0f s from %s client(s): %s", self.LABEL,
                        total, self.what, max(0.0, now - since), many, detail)

    def pending(self) -> int:
        with self._lock:
            return sum(self._counts.values())


# -- per-client limits ------------------------------------------------------------------

class RateLimiter:
    """A token bucket per client address (real monotonic time: it protects the machine)."""

    def __init__(self, rate: float = RATE_PER_SECOND, burst: int = BURST,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.now = rate, burst, now
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> tuple[bool, float]:
        """(allowed, seconds until the next request would be)."""
        now = self.now()
        with self._lock:
            level, last = self._buckets.get(client, (float(self.burst), now))
            level = min(float(self.burst), level + (now - last) * self.rate)
            if len(self._buckets) > 4096:  # bound the table: forget full buckets
                self._buckets = {k: v for k, v in self._buckets.items()
                                 if v[0] + (now - v[1]) * self.rate < self.burst}
            if level >= 1.0:
                self._buckets[client] = (level - 1.0, now)
                return True, 0.0
            self._buckets[client] = (level, now)
            return False, (1.0 - level) / self.rate


class RenderCache:
    """Rendered pages and files for a short while, each rendered once however many ask."""

    def __init__(self, seconds: float = CACHE_SECONDS, max_entries: int = 64) -> None:
        self.seconds, self.max_entries = seconds, max_entries
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[float, Any]] = {}
        self._building: dict[Any, threading.Lock] = {}

    def get(self, key, build: Callable[[], Any]):
        with self._lock:
            hit = self._fresh(key)
            if hit is not None:
                return hit[1]
            gate = self._building.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._fresh(key)
                if hit is not None:
                    return hit[1]
            value = build()
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    now = time.monotonic()
                    self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                    while len(self._entries) >= self.max_entries:
                        self._entries.pop(next(iter(self._entries)))
                self._entries[key] = (time.monotonic() + self.seconds, value)
                self._building.pop(key, None)
            return value

    def _fresh(self, key):
        hit = self._entries.get(key)
        return hit if hit is not None and hit[0] > time.monotonic() else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def drop(self, which: Callable[[Any], bool]) -> None:
        with self._lock:
            self._entries = {k: v for k, v in self._entries.items() if not which(k)}


# -- answers and request heads ------------------------------------------------------------

def response(code: int, body: bytes | str, content_type: str, extra=(), head_only: bool = False) -> list[bytes]:
    """A whole HTTP/1.1 answer as byte chunks (the body is not copied)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    lines = [f"HTTP/1.1 {int(code)} {HTTPStatus(int(code)).phrase}", "Server: kiosk-export",
             f"Date: {formatdate(usegmt=True)}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in SECURITY_HEADERS + tuple(extra)]
    lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return [head] if head_only or not body else [head, body]


def page_html(code: int, lang: str, key=None) -> str:
    """A small page in plain words, in ``lang``."""
    t = i18n.translator(lang)
    head, text = TEXTS.get(key if key is not None else code, (HTTPStatus(code).phrase, ""))
    head = t(head) if code in TEXTS or key is not None else head
    return ("<!DOCTYPE html>\n"
            f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(head)}</title><style>"
            "body{font:20px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:32rem;padding:0 1rem;"
            "color:#1b1f24;background:#f4f1ea}h1{font-size:1.6rem}</style></head>"
            f"<body><h1>{escape(head)}</h1><p>{escape(t(text) if text else '')}</p></body></html>\n")


class BadRequest(Exception):
    """A request head that is refused before any worker sees it."""

    def __init__(self, code: int, reason: str, detail: str = "", method: Optional[str] = None,
                 target: Optional[str] = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.detail, self.method, self.target = code, reason, detail, method, target


def head_end(buf: bytes | bytearray) -> int:
    """The length of the request head in ``buf`` (through its blank line), or -1."""
    ends = [i + n for i, n in ((buf.find(b"\r\n\r\n"), 4), (buf.find(b"\n\n"), 2)) if i >= 0]
    return min(ends) if ends else -1


def parse_request_line(first: bytes) -> tuple[str, str, str]:
    """(method, target, version) of a request line (without its line end); BadRequest
    unless it is ``METHOD SP target SP HTTP/1.x`` in printable ASCII. An HTTP/0.9 line
    (no version) is refused here: it would be answered with no status line or headers."""
    if first.endswith(b"\r"):
        first = first[:-1]
    if not first:
        raise BadRequest(400, "empty request line")
    if len(first) > MAX_REQUEST_LINE:
        raise BadRequest(414, "request line too long")
    m = REQUEST_LINE.fullmatch(first)
    if m is None or m.group(3) != b"1":
        shown = redact(ascii(first[:120])[2:-1])
        loose = LOOSE_VERSION.fullmatch(first)
        if loose is not None and loose.group(1) != b"1":
            raise BadRequest(505, "HTTP version not supported", shown)
        raise BadRequest(400, "not an HTTP/1.x request line", shown)
    return m.group(1).decode("ascii"), m.group(2).decode("ascii"), f"HTTP/1.{m.group(4).decode()}"


def parse_head(head: bytes) -> tuple[str, str, str]:
    """(method, target, version) of a complete request head; BadRequest if it is not a
    well-formed HTTP/1.x head within the bounds."""
    lines = [line[:-1] if line.endswith(b"\r") else line for line in head.split(b"\n")]
    while lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        raise BadRequest(400, "empty request line")
    first, headers = lines[0], lines[1:]
    method, target, version = parse_request_line(first)
    if len(headers) > MAX_HEADERS:
        raise BadRequest(431, "too many headers", f"{len(headers)}", method, target)
    for line in headers:
        if len(line) > MAX_HEADER_LINE:
            raise BadRequest(431, "header line too long", f"{len(line)} bytes", method, target)
        if HEADER_LINE.fullmatch(line) is None:
            raise BadRequest(400, "malformed header line", ascii(line[:40])[2:-1], method, target)
    return method, target, version


# -- the serving loop ------------------------------------------------------------------------

HEAD, WORK, SEND, LINGER = "head", "work", "send", "linger"


@dataclass(eq=False)
class _Conn:
    sock: socket.socket
    addr: tuple
    since: float
    deadline: float
    counted: bool = True
    """Counts against its client's and the server's limits (not so: a refusal at the door)."""
    state: str = HEAD
    buf: bytearray = field(default_factory=bytearray)
    out: deque = field(default_factory=deque)
    drained: int = 0
    registered: int = 0
    line_checked: bool = False
    """The request line has arrived and is well-formed (checked before the headers come)."""

    @property
    def host(self) -> str:
        return self.addr[0]


class _HTTPServer:
    """The listening socket and one thread's ``selectors`` loop over every connection
    (see the module's text); complete requests go to a small pool of worker threads."""

    def __init__(self, address, export: "ExportServer", family=socket.AF_INET):
        self.export = export
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(128)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        self.socket = sock
        self.server_address = sock.getsockname()
        self._sel = selectors.DefaultSelector()
        self._sel.register(sock, selectors.EVENT_READ, "listen")
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._conns: set[_Conn] = set()
        self._active = 0
        self._refusing = 0
        self._per_client: dict[str, int] = {}
        self._strikes: dict[str, float] = {}
        self._accept_paused_until = 0.0
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._done: deque = deque()
        self._wlock = threading.Lock()
        self._workers = 0
        self._idle = 0
        self._closed = False
        self._close_lock = threading.Lock()

    # -- the loop -----------------------------------------------------------------------------

    def poll(self, timeout: float = POLL_SECONDS) -> None:
        """One turn of the loop: wait up to ``timeout`` (less when a deadline is nearer)."""
        if self._closed:
            return
        now = time.monotonic()
        if self._conns:
            timeout = max(0.0, min(timeout, min(c.deadline for c in self._conns) - now))
        try:
            events = self._sel.select(timeout)
        except (OSError, ValueError):
            if self._closed:
                return
            raise
        for key, mask in events:
            what = key.data
            if what == "listen":
                self._accept()
            elif what == "wake":
                try:
                    while self._wake_r.recv(4096):
                        pass
                except OSError:
                    pass
            elif what in self._conns:
                if mask & selectors.EVENT_WRITE and what.state == SEND:
                    self._write(what)
                if mask & selectors.EVENT_READ and what in self._conns and what.state in (HEAD, LINGER):
                    self._read(what)
        while self._done:
            conn, chunks, strike = self._done.popleft()
            if strike:
                self._strike(conn.host)
            if conn in self._conns:
                self._send(conn, chunks, SEND_SECONDS)
        self._expire(time.monotonic())
        if self._accept_paused_until and time.monotonic() >= self._accept_paused_until:
            self._accept_paused_until = 0.0
            self._sel.register(self.socket, selectors.EVENT_READ, "listen")
        self.export.refusals.flush()
        self.export.served.flush()
        self.export.failures.flush()

    def _watch(self, conn: _Conn, events: int) -> None:
        if conn.registered == events:
            return
        if conn.registered and events:
            self._sel.modify(conn.sock, events, conn)
        elif events:
            self._sel.register(conn.sock, events, conn)
        else:
            self._sel.unregister(conn.sock)
        conn.registered = events

    # -- connections --------------------------------------------------------------------------

    def _accept(self) -> None:
        for _ in range(64):
            try:
                sock, addr = self.socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of file descriptors or buffers: pause, do not spin
                self.export.refusals.event("cannot accept", "export server cannot accept a connection: %s", exc)
                self._sel.unregister(self.socket)
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
                self.export.refusals.event("dropped an idle connection to make room",
                                           "export server full: dropped a %.1f s old unfinished request from %s "
                                           "to make room for %s", now - victim.since, victim.host, host,
                                           client=victim.host)
                self._close(victim)
        if refusal is not None:
            self._strike(host)
            self.export.refusals.event(f"{refusal[0]} {refusal[1]}", "refused a connection from %s: %d %s",
                                       host, refusal[0], refusal[1], client=host)
            if self._refusing >= MAX_REFUSING:
                self._abort(sock)
                return
            conn = _Conn(sock, addr, now, now, counted=False)
            self._refusing += 1
            self._conns.add(conn)
            self._send(conn, response(refusal[0], b"", "text/plain", (("Retry-After", "5"),)), REFUSAL_SEND_SECONDS)
            return
        conn = _Conn(sock, addr, now, now + HEAD_SECONDS)
        self._active += 1
        self._per_client[host] = self._per_client.get(host, 0) + 1
        self._conns.add(conn)
        self._watch(conn, selectors.EVENT_READ)

    def _victim(self, now: float) -> Optional[_Conn]:
        """The connection to drop for a newcomer when all are taken: a request head still
        unfinished, from a suspect address first, then from the address holding the most,
        the oldest of those."""
        waiting = [c for c in self._conns if c.state == HEAD and c.counted]
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

    def _close(self, conn: _Conn) -> None:
        if conn not in self._conns:
            return
        self._conns.discard(conn)
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

    @staticmethod
    def _abort(sock: socket.socket) -> None:
        try:
            sock.close()
        except OSError:
            pass

    def _expire(self, now: float) -> None:
        for conn in [c for c in self._conns if c.deadline <= now]:
            if conn.state == HEAD:
                reason = "request head too slow" if conn.buf else "idle connection"
                # a browser's one or two spare sockets time out idle too: no strike for those
                strike = bool(conn.buf) or self._per_client.get(conn.host, 0) > SPARE_SOCKETS
                self._refuse(conn, BadRequest(408, reason, f"{len(conn.buf)} bytes in {now - conn.since:.1f} s"),
                             strike=strike)
            elif conn.state == SEND:
                self._strike(conn.host)
                self.export.refusals.event("client did not take the answer in time",
                                           "dropped %s: it did not take the answer within %.0f s",
                                           conn.host, now - conn.since, client=conn.host)
                self._close(conn)
            elif conn.state == LINGER:
                self._close(conn)

    # -- reading the head -----------------------------------------------------------------------

    def _read(self, conn: _Conn) -> None:
        try:
            chunk = conn.sock.recv(16384 if conn.state == LINGER else 4096)
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
                self.export.refusals.event("connection closed mid-request",
                                           "refused %s: connection closed mid-request", conn.host, client=conn.host)
            self._close(conn)
            return
        conn.buf += chunk
        buf = conn.buf
        line_end = buf.find(b"\n")
        if (line_end if line_end >= 0 else len(buf)) > MAX_REQUEST_LINE:
            self._refuse(conn, BadRequest(414, "request line too long"))
            return
        if line_end >= 0 and not conn.line_checked:
            try:  # garbage, or an HTTP/0.9 line (which sends no blank line): refused at once
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
            self._dispatch(conn, bytes(buf[:end]))

    def _dispatch(self, conn: _Conn, head: bytes) -> None:
        """A complete head: refused here (cheaply) or handed to a worker."""
        conn.state, conn.buf = WORK, bytearray()
        conn.deadline = float("inf")  # a worker has it; the render has its own bound
        self._watch(conn, 0)
        try:
            method, target, version = parse_head(head)
        except BadRequest as bad:
            self._refuse(conn, bad)
            return
        allowed, wait = self.export.limiter.allow(conn.host)
        if not allowed:
            self._refuse(conn, BadRequest(429, "rate limit", method=method, target=target),
                         extra=(("Retry-After", str(max(1, round(wait)))),))
            return
        if method not in ("GET", "HEAD"):
            self._refuse(conn, BadRequest(405, "method not allowed", method[:20], method, target),
                         extra=(("Allow", "GET, HEAD"),), strike=False)
            return
        self._submit((conn, method, target))

    def _refuse(self, conn: _Conn, bad: BadRequest, extra=(), strike: bool = True) -> None:
        """Answer a refusal in the loop (no worker, no store: the kiosk's language)."""
        if strike:
            self._strike(conn.host)
        detail = f" ({bad.detail})" if bad.detail else ""
        self.export.refusals.event(f"{bad.code} {bad.reason}", "refused %s %s from %s: %d %s%s",
                                   (bad.method or "-")[:10], redact(bad.target or "-"), conn.host,
                                   bad.code, bad.reason, detail, client=conn.host)
        if bad.code == 408 and not conn.buf:
            body: bytes | str = b""  # an idle socket (a browser's spare one) gets the status alone
        else:
            body = page_html(bad.code, self.export.lang_for(None))
        self._send(conn, response(bad.code, body, "text/html; charset=utf-8", extra, head_only=bad.method == "HEAD"),
                   REFUSAL_SEND_SECONDS)

    # -- answering --------------------------------------------------------------------------------

    def _send(self, conn: _Conn, chunks: list[bytes], seconds: float) -> None:
        conn.state, conn.out = SEND, deque(memoryview(c) for c in chunks if c)
        conn.deadline = time.monotonic() + seconds
        self._watch(conn, selectors.EVENT_WRITE)
        self._write(conn)

    def _write(self, conn: _Conn) -> None:
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
            self.export.refusals.event("client went away", "client %s went away: %s", conn.host, exc,
                                       client=conn.host)
            self._close(conn)
            return
        # all sent: half-close, then drain what the client still sends for a moment, so
        # closing with unread bytes does not reset the connection before the answer arrives
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        conn.state, conn.deadline = LINGER, time.monotonic() + LINGER_SECONDS
        self._watch(conn, selectors.EVENT_READ)

    # -- workers ----------------------------------------------------------------------------------

    def _submit(self, job) -> None:
        self._jobs.put(job)
        with self._wlock:
            if self._workers < MAX_WORKERS and self._jobs.qsize() > self._idle:
                self._workers += 1
                threading.Thread(target=self._work, name="kiosk-export-worker", daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._wlock:
                self._idle += 1
            job = self._jobs.get()
            with self._wlock:
                self._idle -= 1
            if job is None:
                with self._wlock:
                    self._workers -= 1
                return
            conn, method, target = job
            handler = ExportHandler(self, conn.addr, method, target)
            chunks = handler.run()
            self._done.append((conn, chunks, handler.strike))
            try:
                self._wake_w.send(b"x")
            except OSError:
                pass  # the pipe is full (the loop will look anyway) or closed

    # -- the end ----------------------------------------------------------------------------------

    def server_close(self) -> None:
        """Close the listening socket and every connection; stop the workers."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        for conn in list(self._conns):
            self._close(conn)
        for sock in (self.socket, self._wake_r, self._wake_w):
            try:
                sock.close()
            except OSError:
                pass
        try:
            self._sel.close()
        except (OSError, ValueError):
            pass
        with self._wlock:
            workers = self._workers
        for _ in range(workers):
            self._jobs.put(None)

    @property
    def connections(self) -> int:
        """Open connections that count against the limits (tests, diagnostics)."""
        return self._active


class ExportHandler:
    """One complete, checked request, answered in a worker thread. The answer is
    collected as bytes for the serving loop to send: a worker never waits on a client."""

    def __init__(self, server: _HTTPServer, client_address, command: str, path: str) -> None:
        self.server, self.client_address, self.command, self.path = server, client_address, command, path
        self.out: list[bytes] = []
        self.strike = False
        """Set when the request was an attack (path tricks): the address becomes a suspect."""

    def run(self) -> list[bytes]:
        try:
            self.serve()
        except Exception:
            self.server.export.failures.event("handler failed", "export server: error while serving %s %s to %s",
                                              self.command, redact(self.path), self.client_address[0],
                                              exc_info=True)
            try:
                self.page(500)
            except Exception:
                self.out = response(500, b"", "text/plain")
        return self.out

    # -- routing ---------------------------------------------------------------------------

    def serve(self):
        target = self.path
        path = target.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith("/"):  # absolute-form ("GET http://host/e/…") or garbage
            m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*(/.*)?$", path)
            path = (m.group(1) or "/") if m else ""
        decoded = path
        for _ in range(3):  # %252e%252e decodes twice
            decoded = unquote(decoded)
        if ".." in decoded.split("/") or "\\" in decoded or "\x00" in decoded or "%" in path:
            self.strike = True
            self.refuse(HTTPStatus.NOT_FOUND, "path traversal or encoded path")
            return
        m = ROUTE.fullmatch(path)
        if m is None:
            self.refuse(HTTPStatus.NOT_FOUND, "no such path")
            return
        value, fmt = m.group(1), m.group(2)
        export = self.server.export
        status, token = export.tokens.lookup(value)
        if status == UNKNOWN:
            self.refuse(HTTPStatus.NOT_FOUND, "unknown token")
            return
        if status in (EXPIRED, REVOKED):
            self.refuse(HTTPStatus.GONE, f"{status} token", token=token, key="revoked" if status == REVOKED else 410)
            return
        assert status == VALID and token is not None
        if not export.scope_exists(token.scope):
            self.refuse(HTTPStatus.NOT_FOUND, "the session was deleted", token=None)
            return
        if fmt is not None and fmt not in export.exporter.FORMATS:
            self.refuse(HTTPStatus.NOT_FOUND, "unknown format", detail=repr(fmt))
            return
        try:
            if fmt is None:
                body = export.page_for(token)
                self.respond(200, body, "text/html; charset=utf-8")
            else:
                body, name, mimetype = export.file_for(token, fmt)
                self.respond(200, body, mimetype, extra=(("Content-Disposition", disposition(name)),))
        except LookupError as exc:  # the session was deleted meanwhile
            self.refuse(HTTPStatus.NOT_FOUND, "export gone", detail=str(exc)[:80], token=token)
            return
        except Exception:
            export.failures.event("export failed", "export of %s failed for %s", redact(self.path),
                                  self.client_address[0], exc_info=True)
            self.page(500, token=token)
            return
        export.served.event(fmt or "page", "%s %s from %s: 200", self.command, redact(self.path),
                            self.client_address[0], client=self.client_address[0])

    # -- answering ---------------------------------------------------------------------------

    def respond(self, code: int, body: bytes | str, content_type: str, extra=()) -> None:
        self.out = response(code, body, content_type, extra, head_only=self.command == "HEAD")

    def refuse(self, code: int, reason: str, detail: str = "", extra=(), token: Optional[Token] = None,
               key=None) -> None:
        self.server.export.refusals.event(
            f"{int(code)} {reason}", "refused %s %s from %s: %d %s%s", (self.command or "-")[:10],
            redact(self.path or "-"), self.client_address[0], int(code), reason, f" ({detail})" if detail else "",
            client=self.client_address[0])
        self.page(int(code), extra=extra, token=token, key=key)

    def page(self, code: int, extra=(), token: Optional[Token] = None, key=None) -> None:
        """A small page in plain words (in the export's language when the token says which)."""
        self.respond(code, page_html(code, self.server.export.lang_for(token), key),
                     "text/html; charset=utf-8", extra=extra)


def disposition(name: str) -> str:
    """An attachment header: an ASCII file name, and the UTF-8 one (RFC 6266)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


# -- the server as the kiosk sees it ------------------------------------------------------------

class ExportServer:
    """One per kiosk: issues export links and runs the HTTP server while any is live.

    ``exporter`` is the module that makes documents and formats (``kiosk.core.export``).
    ``lang()`` gives the kiosk's language for pages where no export says which.
    """

    def __init__(self, store, clock, config: Optional[ServerConfig] = None, *, exporter=None,
                 lang: Callable[[], str] = lambda: i18n.DEFAULT,
                 limiter: Optional[RateLimiter] = None, worker: bool = True, warm: bool = True) -> None:
        if exporter is None:
            from kiosk.core import export as exporter
        self.store, self.clock, self.exporter = store, clock, exporter
        self.worker = (RenderWorker(exporter.__name__)
                       if worker and isinstance(exporter, types.ModuleType) else None)
        """Renders in a child process, so a PDF never holds the UI's interpreter lock."""
        self.warm = warm
        self.config = config or ServerConfig()
        self.tokens = Tokens(clock, self.config.minutes)
        self.limiter = limiter or RateLimiter()
        self.refusals = QuietLog("refusals")
        self.served = QuietLog("requests served", logging.INFO)
        self.failures = QuietLog("failures", logging.ERROR)
        """What clients cause is logged through these, a line every few seconds at most."""
        self.cache = RenderCache()
        self._kiosk_lang = lang
        self._lock = threading.Lock()
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._host: Optional[str] = None

    # -- links ---------------------------------------------------------------------------------

    def share(self, scope: Optional[str], minutes: Optional[int] = None) -> Share:
        """A new link to one session's export (its id) or the board's (None); starts the server.
        Raises ExportServerError when the server cannot listen."""
        token = self.tokens.issue(scope, minutes)
        try:
            self.ensure_running()
        except ExportServerError:
            self.tokens.revoke(token.value)
            raise
        if self.warm:  # render everything now, while the person reaches for a phone
            threading.Thread(target=self._warm_up, args=(token,), name="kiosk-export-warm", daemon=True).start()
        return Share(token, self.url_for(token))

    def _warm_up(self, token: Token) -> None:
        try:
            self.page_for(token)
            for fmt in self.exporter.FORMATS:
                if not self.running:  # revoked or stopped meanwhile: nothing to prepare
                    return
                self.file_for(token, fmt)
        except Exception:  # a phone's request will meet (and log) the same problem
            log.warning("export of %s could not be prepared ahead", token.short, exc_info=True)

    def url_for(self, token: Token) -> str:
        return f"{self.base_url}/e/{token.value}"

    @property
    def base_url(self) -> str:
        if self._host is None:
            self._host = public_host(self.config)
        return base_url(self._host, self.port)

    def revoke(self, value: str) -> bool:
        """End one link now; the server stops on its own within a moment if none is left."""
        done = self.tokens.revoke(value)
        if done:
            log.info("export link %s… revoked", value[:6])
        return done

    def revoke_all(self) -> None:
        self.tokens.revoke_all()

    def seconds_left(self, value: str) -> float:
        return self.tokens.seconds_left(value)

    # -- running -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        with self._lock:
            return self._httpd is not None

    @property
    def port(self) -> int:
        with self._lock:
            return self._httpd.server_address[1] if self._httpd is not None else self.config.port

    def ensure_running(self) -> None:
        with self._lock:
            if self._httpd is not None:
                return
            self._httpd = self._bind()
            self._host = None  # the network may have changed since the last export
            self._thread = threading.Thread(target=self._serve, args=(self._httpd,),
                                            name="kiosk-export-server", daemon=True)
            self._thread.start()
        log.info("export server listening on %s:%d", self.config.bind, self.port)

    def _bind(self) -> _HTTPServer:
        bind = self.config.bind if self.config.bind not in ("", "*") else "0.0.0.0"
        family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        ports = [self.config.port] + ([0] if self.config.port != 0 else [])
        last: Optional[OSError] = None
        for port in ports:
            try:
                return _HTTPServer((bind, port), self, family)
            except OSError as exc:
                last = exc
                log.warning("export server cannot listen on %s:%d (%s)%s", bind, port, exc,
                            "; trying a free port" if port else "")
        raise ExportServerError("bind", str(last))

    def _serve(self, httpd: _HTTPServer) -> None:
        try:
            while True:
                with self._lock:
                    if self._httpd is not httpd or not self.tokens.live():
                        if self._httpd is httpd:
                            self._httpd = None
                        httpd.server_close()
                        break
                httpd.poll(POLL_SECONDS)
        except Exception:
            log.exception("export server stopped by an error")
            with self._lock:
                if self._httpd is httpd:
                    self._httpd = None
                httpd.server_close()
        for quiet in (self.refusals, self.served, self.failures):
            quiet.flush(force=True)
        self.cache.clear()
        if self.worker is not None:
            self.worker.stop()
        log.info("export server stopped: no export link is open")

    def stop(self, wait: float = 2.0) -> None:
        """Close every link and stop now (the app's end, tests)."""
        self.tokens.revoke_all()
        with self._lock:
            httpd, self._httpd = self._httpd, None
            thread = self._thread
        if httpd is not None and thread is not None and thread is not threading.current_thread():
            thread.join(wait)
        if httpd is not None:
            httpd.server_close()
        if self.worker is not None:
            self.worker.stop()

    # -- rendering (called from the request threads) --------------------------------------

    def document(self, scope: Optional[str]) -> dict:
        def build():
            try:
                return self.exporter.document(self.store, scope, clock=self.clock)
            except ValueError as exc:
                if getattr(exc, "reason", "") == "unknown_session":
                    raise LookupError(scope) from exc
                raise
        return self.cache.get(("doc", scope), build)

    def page_for(self, token: Token) -> bytes:
        def build():
            doc = self.document(token.scope)
            links = {fmt: f"/e/{token.value}/{fmt}" for fmt in self.exporter.FORMATS}
            return self._in_worker("page", doc, links).encode("utf-8")
        return self.cache.get(("page", token.value), build)

    def file_for(self, token: Token, fmt: str) -> tuple[bytes, str, str]:
        def build():
            doc = self.document(token.scope)
            mimetype = self.exporter.FORMATS[fmt].mimetype
            if mimetype.startswith("text/") and "charset" not in mimetype:
                mimetype += "; charset=utf-8"
            return self._in_worker("render", doc, fmt), self.exporter.filename(doc, fmt), mimetype
        return self.cache.get(("file", token.scope, fmt), build)

    def _in_worker(self, op: str, doc: dict, arg):
        """Render in the worker process; in this thread if there is none or it failed."""
        if self.worker is not None:
            try:
                return self.worker.page(doc, arg) if op == "page" else self.worker.render(doc, arg)
            except WorkerError as exc:
                log.warning("render worker: %s; rendering in the server thread", str(exc)[-500:])
        return self.exporter.page(doc, arg) if op == "page" else self.exporter.render(doc, arg)

    def scope_exists(self, scope: Optional[str]) -> bool:
        """Whether the session is still there (deleted: its cached export is dropped too)."""
        if scope is None:
            return True
        try:
            there = self.store.load_session(scope) is not None
        except Exception:
            there = False
        if not there:
            self.cache.drop(lambda key: scope in key)
        return there

    def lang_for(self, token: Optional[Token]) -> str:
        """The language of the export the token opens (its session's), else the kiosk's."""
        lang = None
        if token is not None and token.scope is not None:
            try:
                lang = (self.store.load_session(token.scope) or {}).get("lang")
            except Exception:
                lang = None
        if lang not in i18n.LANGUAGES:
            try:
                lang = self._kiosk_lang()
            except Exception:
                lang = None
        return lang if lang in i18n.LANGUAGES else i18n.DEFAULT
