"""The LAN export server: small, shut by default, and only as open as a live token.

``ExportServer.share(scope)`` issues a token (``kiosk.core.tokens``) and makes sure
the server runs; the address it returns is what the QR code carries. The server is
the standard library's ``ThreadingHTTPServer`` in a daemon thread; its loop ends by
itself as soon as no token is live (expired or revoked), and the socket is closed.
Pages and files are rendered by ``kiosk.core.export`` in the request's thread,
reading through the Store (which has its own lock), so the UI thread never waits.

Routes (nothing else exists; everything else is 404):

* ``GET /e/<token>``          the phone page (HTML, no script, inline CSS)
* ``GET /e/<token>/<format>`` a download (``md``, ``notes.csv``, ``actions.csv``,
  ``json``, ``ics``, ``pdf``) as an attachment with its file name and type

An expired or revoked token gets a plain-words page (410). Only GET and HEAD are
served (others: 405). The request head is read with a deadline and a size bound
(an over-long request line: 414; too many or too long headers: 431; too slow: 408),
the number of connections is bounded in all and per client, each client has a
token bucket (429 with Retry-After when it floods), path tricks are refused, every
response carries strict security headers, every refusal is logged (a flood from one
client as one line every 5 seconds with the count, so it cannot fill the disk), and a
failure while rendering is a 500 page — the server keeps running.
"""

from __future__ import annotations

import io
import logging
import re
import socket
import threading
import time
import types
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
HEAD_SECONDS = 10.0
"""The whole request head must arrive within this time (slow-loris bound)."""
SEND_SECONDS = 15.0
"""Each write to the client may wait this long."""
LINGER_SECONDS = 1.0
"""After answering, unread bytes from the client are drained this long at most."""
MAX_CONNECTIONS = 64
MAX_PER_CLIENT = 8
RATE_PER_SECOND = 4.0
"""Each client's bucket refills this fast …"""
BURST = 40
"""… and holds this many requests: a phone opening the page and every download uses 8."""
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


# -- per-client limits ------------------------------------------------------------------

class RateLimiter:
    """A token bucket per client address (real monotonic time: it protects the machine)."""

    def __init__(self, rate: float = RATE_PER_SECOND, burst: int = BURST,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.now = rate, burst, now
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._logged: dict[str, tuple[float, int]] = {}

    def quiet(self, client: str, every: float = 5.0) -> Optional[str]:
        """For the log during a flood: a suffix to log now (with how many refusals went
        unlogged since the last line), or None to count this one silently. One line per
        client every few seconds, so a flood cannot fill the disk with log lines."""
        now = self.now()
        with self._lock:
            last, skipped = self._logged.get(client, (float("-inf"), 0))
            if now - last >= every:
                self._logged[client] = (now, 0)
                if len(self._logged) > 4096:
                    self._logged = {k: v for k, v in self._logged.items() if now - v[0] < every}
                return f" (and {skipped} more refused since the last line)" if skipped else ""
            self._logged[client] = (last, skipped + 1)
            return None

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


# -- the HTTP side ----------------------------------------------------------------------

class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 32
    timeout = POLL_SECONDS

    def __init__(self, address, export: "ExportServer", family=socket.AF_INET):
        self.address_family = family
        self.export = export
        self._conn_lock = threading.Lock()
        self._active = 0
        self._per_client: dict[str, int] = defaultdict(int)
        super().__init__(address, ExportHandler)

    def process_request(self, request, client_address):
        client = client_address[0]
        with self._conn_lock:
            if self._active >= MAX_CONNECTIONS:
                refused = (503, "too many connections")
            elif self._per_client[client] >= MAX_PER_CLIENT:
                refused = (429, "too many connections from one client")
            else:
                refused = None
                self._active += 1
                self._per_client[client] += 1
        if refused is not None:
            log.warning("refused a connection from %s: %s", client, refused[1])
            try:
                request.settimeout(1.0)
                request.sendall(f"HTTP/1.1 {refused[0]} {HTTPStatus(refused[0]).phrase}\r\n"
                                "Content-Length: 0\r\nRetry-After: 5\r\nConnection: close\r\n\r\n".encode())
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:  # the thread could not start: give the slot back
            self._release(client)
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(client_address[0])

    def _release(self, client: str) -> None:
        with self._conn_lock:
            self._active -= 1
            self._per_client[client] -= 1
            if self._per_client[client] <= 0:
                del self._per_client[client]

    def handle_error(self, request, client_address):
        log.exception("export server: error while serving %s", client_address[0])


class ExportHandler(BaseHTTPRequestHandler):
    server_version = "kiosk-export"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = SEND_SECONDS
    server: _HTTPServer

    # -- reading the request, bounded ----------------------------------------------------

    def handle(self):
        self.close_connection = True
        self.command, self.path, self.request_version = None, "", "HTTP/1.0"
        head = self._read_head()
        if head is None:
            return
        self._socket_rfile, self.rfile = self.rfile, io.BytesIO(head)
        self.handle_one_request()

    def finish(self):
        try:
            super().finish()
        finally:
            extra = getattr(self, "_socket_rfile", None)
            if extra is not None:
                extra.close()
            self._linger()

    def _linger(self):
        """Half-close, then read what the client still sends for a moment before closing.

        Closing a socket with unread bytes (a refused over-long request, a POST's body)
        makes the kernel send a reset, which can destroy the answer before the client
        reads it; a short lingering read lets the refusal arrive. Bounded: 64 KB, 1 s."""
        sock = self.connection
        try:
            sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            got = 0
            while got < 65536:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                sock.settimeout(left)
                chunk = sock.recv(16384)
                if not chunk:
                    break
                got += len(chunk)
        except OSError:
            pass

    def _read_head(self) -> Optional[bytes]:
        """The request line and headers, or None after answering (or losing) the client."""
        sock = self.connection
        deadline = time.monotonic() + HEAD_SECONDS
        buf = bytearray()
        while True:
            end = buf.find(b"\r\n\r\n")
            end = end + 4 if end >= 0 else (buf.find(b"\n\n") + 2 if b"\n\n" in buf else -1)
            line_end = buf.find(b"\n")
            if (line_end if line_end >= 0 else len(buf)) > MAX_REQUEST_LINE:
                self.refuse(HTTPStatus.REQUEST_URI_TOO_LONG, "request line too long")
                return None
            if end > MAX_HEAD:
                self.refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head too large")
                return None
            if end >= 0:
                return bytes(buf[:end])
            if len(buf) > MAX_HEAD:
                self.refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head too large")
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                self.refuse(HTTPStatus.REQUEST_TIMEOUT, "request head too slow")
                return None
            try:
                sock.settimeout(left)
                chunk = sock.recv(4096)
            except socket.timeout:
                self.refuse(HTTPStatus.REQUEST_TIMEOUT, "request head too slow")
                return None
            except OSError:
                return None
            finally:
                try:
                    sock.settimeout(SEND_SECONDS)
                except OSError:
                    pass
            if not chunk:
                if buf:
                    log.warning("refused %s: connection closed mid-request", self.client_address[0])
                return None
            buf += chunk

    def handle_one_request(self):
        allowed, wait = self.server.export.limiter.allow(self.client_address[0])
        self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
        if not allowed:
            quiet = self.server.export.limiter.quiet(self.client_address[0])
            self.refuse(HTTPStatus.TOO_MANY_REQUESTS, f"rate limit{quiet}",
                        extra=(("Retry-After", str(max(1, round(wait)))),), log_it=quiet is not None)
            return
        if not self.raw_requestline.strip():
            self.refuse(HTTPStatus.BAD_REQUEST, "empty request line")
            return
        if not self.parse_request():
            return  # parse_request has answered (400, 431, 505 …)
        if self.command not in ("GET", "HEAD"):
            self.refuse(HTTPStatus.METHOD_NOT_ALLOWED, f"method {self.command[:20]!r}",
                        extra=(("Allow", "GET, HEAD"),))
            return
        try:
            self.serve()
        except (ConnectionError, socket.timeout) as exc:
            log.info("client %s went away: %s", self.client_address[0], exc)

    def version_string(self):
        return self.server_version  # no Python version for the curious

    def handle_expect_100(self):
        return True  # never invite a body: nothing here takes one

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
            self.refuse(HTTPStatus.NOT_FOUND, f"unknown format {fmt!r}")
            return
        try:
            if fmt is None:
                body = export.page_for(token)
                self.respond(200, body, "text/html; charset=utf-8")
            else:
                body, name, mimetype = export.file_for(token, fmt)
                self.respond(200, body, mimetype, extra=(("Content-Disposition", disposition(name)),))
        except LookupError as exc:  # the session was deleted meanwhile
            self.refuse(HTTPStatus.NOT_FOUND, f"export gone: {exc}", token=token)
        except Exception:
            log.exception("export of %s failed for %s", redact(self.path), self.client_address[0])
            self.page(500, token=token)

    # -- answering ---------------------------------------------------------------------------

    def respond(self, code: int, body: bytes | str, content_type: str, extra=()) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS + tuple(extra):
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def refuse(self, code: int, reason: str, extra=(), token: Optional[Token] = None, key=None,
               log_it: bool = True) -> None:
        if log_it:
            log.warning("refused %s %s from %s: %d %s", (self.command or "-")[:10], redact(self.path or "-"),
                        self.client_address[0], int(code), reason)
        try:
            self.page(int(code), extra=extra, token=token, key=key)
        except OSError:
            pass

    def page(self, code: int, extra=(), token: Optional[Token] = None, key=None) -> None:
        """A small page in plain words (in the export's language when the token says which)."""
        lang = self.server.export.lang_for(token)
        t = i18n.translator(lang)
        head, text = TEXTS.get(key if key is not None else code, (HTTPStatus(code).phrase, ""))
        head = t(head) if code in TEXTS or key is not None else head
        body = ("<!DOCTYPE html>\n"
                f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{escape(head)}</title><style>"
                "body{font:20px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:32rem;padding:0 1rem;"
                "color:#1b1f24;background:#f4f1ea}h1{font-size:1.6rem}</style></head>"
                f"<body><h1>{escape(head)}</h1><p>{escape(t(text) if text else '')}</p></body></html>\n")
        self.respond(code, body, "text/html; charset=utf-8", extra=extra)

    def send_error(self, code, message=None, explain=None):
        """http.server's own refusals (bad request line, too many headers …) in our form."""
        self.close_connection = True
        self.request_version = "HTTP/1.1"  # an HTTP/0.9-looking line still gets a status and headers
        self.refuse(int(code), message or HTTPStatus(code).phrase)

    def log_request(self, code="-", size="-"):
        log.info("%s %s from %s: %s", (self.command or "-")[:10], redact(self.path or "-"),
                 self.client_address[0], code)

    def log_message(self, format, *args):  # noqa: A002 (http.server's name)
        log.info("export server: " + format, *args)


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
                httpd.handle_request()
        except Exception:
            log.exception("export server stopped by an error")
            with self._lock:
                if self._httpd is httpd:
                    self._httpd = None
                httpd.server_close()
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
