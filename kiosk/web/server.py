"""The export's routes, pages and limits, as the kiosk's web process serves them.

The kiosk issues and revokes the links (``kiosk.web.exportlink``); its one web process
(``kiosk.web.padserver``) holds every socket in its ``selectors`` loop, on the same port
as the phones' pads, and hands each complete ``/e/`` request to ``ExportHandler`` in one
of its export workers. This module is what that loop shares with the export:

* ``ExportServer``: the table of links the kiosk sent (``follow``), the render cache,
  and rendering through the render worker process, from the store's files read-only;
* ``ExportHandler``: one request's answer, as bytes (a worker never touches a socket);
* the request head's checks the loop applies to every request (``parse_request_line``,
  ``parse_head``: ``METHOD SP target SP HTTP/1.x`` in printable ASCII, bounded in size,
  header count and header line length), ``QuietLog`` (bounded logging), ``RateLimiter``
  (a token bucket per address), ``response`` and ``page_html``.

Routes (nothing else exists; everything else is 404):

* ``GET /e/<token>``          the phone page (HTML, no script, inline CSS)
* ``GET /e/<token>/<format>`` a download (``md``, ``notes.csv``, ``actions.csv``,
  ``json``, ``ics``, ``pdf``) as an attachment with its file name and type

An expired or revoked token gets a plain-words page (410). Only GET and HEAD are
served (others: 405). Path tricks are refused (and make the address a suspect), every
answer carries strict security headers, and a failure while rendering is a 500 page:
the next request is served as ever. Each address has its own token bucket for the
export (``RATE_PER_SECOND``, ``BURST``), tighter than the loop's for the pads, and an
answer must be taken within ``SEND_SECONDS``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import types
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from html import escape
from http import HTTPStatus
from typing import Any, Callable, Optional
from urllib.parse import quote, unquote

from kiosk import i18n
from kiosk.core.tokens import EXPIRED, REVOKED, UNKNOWN, VALID, Token, Tokens
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
SEND_SECONDS = 30.0
"""The whole answer must be taken by the client within this time (a PDF on a slow link)."""
REFUSAL_SEND_SECONDS = 2.0
"""A refusal is a few hundred bytes: a client that does not take it is dropped sooner."""
LINGER_SECONDS = 1.0
"""After answering, unread bytes from the client are drained this long at most …"""
LINGER_BYTES = 1 << 20
"""… and this many."""
RATE_PER_SECOND = 4.0
"""Each client's bucket refills this fast …"""
BURST = 40
"""… and holds this many requests: a phone opening the page and every download uses 8."""
LOG_EVERY = 5.0
"""Seconds between log lines about what clients cause (refusals, served requests)."""
CACHE_SECONDS = 60.0
"""A rendered page or file is reused this long (20 phones at once render it once); an
export may be this much older than the store."""

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


def path_of(target: str) -> str:
    """The path of a request target, without query or fragment; the absolute-form
    (``http://host/e/…``, which a server must accept) gives its path, garbage ''."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*(/.*)?$", path)
        path = (m.group(1) or "/") if m else ""
    return path


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




class ExportHandler:
    """One complete, checked request, answered in a worker thread. The answer is
    collected as bytes for the serving loop to send: a worker never waits on a client."""

    def __init__(self, export: "ExportServer", client_address, command: str, path: str) -> None:
        self.export, self.client_address, self.command, self.path = export, client_address, command, path
        self.out: list[bytes] = []
        self.strike = False
        """Set when the request was an attack (path tricks): the address becomes a suspect."""

    def run(self) -> list[bytes]:
        try:
            self.serve()
        except Exception:
            self.export.failures.event("handler failed", "export server: error while serving %s %s to %s",
                                              self.command, redact(self.path), self.client_address[0],
                                              exc_info=True)
            try:
                self.page(500)
            except Exception:
                self.out = response(500, b"", "text/plain")
        return self.out

    # -- routing ---------------------------------------------------------------------------

    def serve(self):
        path = path_of(self.path)
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
        export = self.export
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
        self.export.refusals.event(
            f"{int(code)} {reason}", "refused %s %s from %s: %d %s%s", (self.command or "-")[:10],
            redact(self.path or "-"), self.client_address[0], int(code), reason, f" ({detail})" if detail else "",
            client=self.client_address[0])
        self.page(int(code), extra=extra, token=token, key=key)

    def page(self, code: int, extra=(), token: Optional[Token] = None, key=None) -> None:
        """A small page in plain words (in the export's language when the token says which)."""
        self.respond(code, page_html(code, self.export.lang_for(token), key),
                     "text/html; charset=utf-8", extra=extra)


def disposition(name: str) -> str:
    """An attachment header: an ASCII file name, and the UTF-8 one (RFC 6266)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"




# -- the export as the web process serves it -----------------------------------------------------

class ExportServer:
    """The export in the web process: the kiosk's table of links (``follow``), and the
    pages and files rendered for them. It has no socket: the web process's one loop
    (``kiosk.web.padserver``) routes ``/e/`` here, and ``ExportHandler`` answers in its
    export workers. The kiosk issues and revokes the links (``kiosk.web.exportlink``).

    ``store`` is read only (``kiosk.web.storeview`` over the data folder); ``exporter``
    is the module that makes documents and formats (``kiosk.core.export``).
    """

    def __init__(self, store, clock, *, exporter=None, limiter: Optional[RateLimiter] = None,
                 worker: bool = True, warm: bool = True) -> None:
        if exporter is None:
            from kiosk.core import export as exporter
        self.store, self.clock, self.exporter = store, clock, exporter
        self.worker = (RenderWorker(exporter.__name__)
                       if worker and isinstance(exporter, types.ModuleType) else None)
        """Renders in a child process, so a PDF never holds the serving loop's interpreter lock."""
        self.warm = warm
        self.tokens = Tokens(clock)
        self.limiter = limiter or RateLimiter()
        """The export's own, tighter rate per address (the loop has its own for everything)."""
        self.refusals = QuietLog("refusals")
        self.served = QuietLog("requests served", logging.INFO)
        self.failures = QuietLog("failures", logging.ERROR)
        """What clients cause is logged through these, a line every few seconds at most."""
        self.cache = RenderCache()
        self.kiosk_lang = i18n.DEFAULT
        """The kiosk's language (sent with the links), for pages where no export says which."""

    # -- links ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a link is live (the web process is needed for the export)."""
        return self.tokens.live()

    def follow(self, links: list) -> None:
        """Take the kiosk's table of links, and render a new link's export now, while the
        person reaches for a phone."""
        for token in self.tokens.follow(links):
            if self.warm:
                threading.Thread(target=self._warm_up, args=(token,), name="kiosk-export-warm", daemon=True).start()
        self.cache.drop(lambda key: key[0] == "page" and self.tokens.lookup(key[1])[0] == UNKNOWN)

    def _warm_up(self, token: Token) -> None:
        try:
            self.page_for(token)
            for fmt in self.exporter.FORMATS:
                if not self.running:  # revoked meanwhile: nothing to prepare
                    return
                self.file_for(token, fmt)
        except Exception:  # a phone's request will meet (and log) the same problem
            log.warning("export of %s could not be prepared ahead", token.short, exc_info=True)

    def stop(self) -> None:
        """The web process ends: the render worker ends with it, the last log lines are written."""
        for quiet in (self.refusals, self.served, self.failures):
            quiet.flush(force=True)
        self.cache.clear()
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
            lang = self.kiosk_lang
        return lang if lang in i18n.LANGUAGES else i18n.DEFAULT
