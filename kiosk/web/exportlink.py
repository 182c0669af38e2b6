"""The kiosk's side of the export server process (``kiosk.web.exportproc``).

The export used to run as a thread of the kiosk's process, and phones fetching PDFs
cost the wall frames through the interpreter lock. Now the kiosk keeps only the links:
it issues and revokes them here (its own clock says how long each stays open, as the
Export screen shows it), publishes the table to the server process over a Unix
socketpair, and that process serves the phones from the store's files, read-only.
``ExportLink`` has the API the Export screen and the app used on ``ExportServer``:
share, url_for, base_url, revoke, revoke_all, seconds_left, running, port,
ensure_running, stop, tokens, store.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Optional

from kiosk import i18n
from kiosk.core.tokens import VALID, Token, Tokens
from kiosk.web.lan import ServerConfig, base_url, public_host
from kiosk.web.server import ExportServerError, Share

log = logging.getLogger("kiosk")
ROOT = Path(__file__).resolve().parents[2]
ANSWER_SECONDS = 10.0


class ExportLink:
    """The export server as the kiosk sees it: the links here, the serving in a process."""

    def __init__(self, store, clock, config: Optional[ServerConfig] = None, *,
                 lang: Callable[[], str] = lambda: i18n.DEFAULT) -> None:
        self.store, self.clock = store, clock
        self.config = config or ServerConfig()
        self.tokens = Tokens(clock, self.config.minutes)
        self._lang = lang
        self._lock = threading.RLock()
        self._proc: Optional[subprocess.Popen] = None
        self._sock: Optional[socket.socket] = None
        self._buf = b""
        self._id = 0
        self._port = 0
        self._serving = False
        self._host: Optional[str] = None

    # -- links ---------------------------------------------------------------------------

    def share(self, scope: Optional[str], minutes: Optional[int] = None) -> Share:
        """A new link; starts the server process. Raises ExportServerError if it cannot listen."""
        token = self.tokens.issue(scope, minutes)
        try:
            self._publish()
        except ExportServerError:
            self.tokens.revoke(token.value)
            try:
                self._publish()
            except ExportServerError:
                pass
            raise
        return Share(token, self.url_for(token))

    def url_for(self, token: Token) -> str:
        return f"{self.base_url}/e/{token.value}"

    @property
    def base_url(self) -> str:
        if self._host is None:
            self._host = public_host(self.config)
        return base_url(self._host, self.port)

    def revoke(self, value: str) -> bool:
        done = self.tokens.revoke(value)
        if done:
            log.info("export link %s… revoked", value[:6])
            self._publish_quietly()
        return done

    def revoke_all(self) -> None:
        if self.tokens.revoke_all():
            self._publish_quietly()

    def seconds_left(self, value: str) -> float:
        return self.tokens.seconds_left(value)

    # -- running -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether phones can reach a link now (the process is up and a link is open)."""
        with self._lock:
            return self._alive() and self._serving and self.tokens.live()

    @property
    def port(self) -> int:
        with self._lock:
            return self._port if self._port else self.config.port

    def ensure_running(self) -> None:
        self._publish()

    def stop(self, wait: float = 2.0) -> None:
        """Close every link and end the process (the app's end, tests)."""
        self.tokens.revoke_all()
        with self._lock:
            proc, sock = self._proc, self._sock
            self._proc = self._sock = None
            self._serving = False
        if sock is not None:
            try:
                sock.sendall(b'{"t":"stop"}\n')
            except OSError:
                pass
            sock.close()
        if proc is not None:
            try:
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(wait)

    @property
    def cache(self) -> "_RemoteCache":
        """The server process's render cache (``clear()``: the benchmark renders afresh)."""
        return _RemoteCache(self)

    # -- the channel ---------------------------------------------------------------------

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _start(self) -> None:
        """Start the process (lock held) and wait for its "ready"."""
        if self._alive():
            return
        if self._sock is not None:
            self._sock.close()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        cmd = [sys.executable, "-m", "kiosk.web.exportproc", "--fd", str(theirs.fileno()),
               "--data", str(self.store.data_dir), "--config", json.dumps(dataclasses.asdict(self.config))]
        try:
            proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                    env=env, cwd=str(ROOT))
        except OSError as exc:
            mine.close()
            raise ExportServerError("spawn", str(exc)) from exc
        finally:
            theirs.close()
        self._proc, self._sock, self._buf, self._serving = proc, mine, b"", False
        mine.settimeout(ANSWER_SECONDS)
        ready = self._receive()
        if ready.get("t") != "ready":
            raise ExportServerError("spawn", f"the export server did not start: {ready}")
        log.info("export server process started (pid %d)", proc.pid)

    def _receive(self) -> dict:
        try:
            while b"\n" not in self._buf:
                chunk = self._sock.recv(65536)
                if not chunk:
                    raise ExportServerError("exited", "the export server process ended")
                self._buf += chunk
        except socket.timeout as exc:
            raise ExportServerError("timeout", f"no answer within {ANSWER_SECONDS:.0f} s") from exc
        except OSError as exc:
            raise ExportServerError("exited", str(exc)) from exc
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def _publish(self) -> None:
        """Send the table of links and wait for the port the server listens on."""
        with self._lock:
            live = self.tokens.live()
            if not live and not self._alive():
                self._serving = False
                return  # nothing to serve: no process needed
            was_serving = self._serving
            try:
                self._start()
                now = self.clock.monotonic()
                with self.tokens._lock:
                    links = [{"value": t.value, "scope": t.scope, "left": t.seconds_left(now),
                              "revoked": t.revoked_at is not None}
                             for t in self.tokens._by_key.values()]
                try:
                    lang = self._lang()
                except Exception:
                    lang = i18n.DEFAULT
                self._id += 1
                self._sock.sendall(json.dumps({"t": "links", "id": self._id, "lang": lang, "links": links},
                                              ensure_ascii=False).encode("utf-8") + b"\n")
                answer = self._receive()
            except (ExportServerError, OSError) as exc:
                self._kill()
                if isinstance(exc, ExportServerError):
                    raise
                raise ExportServerError("exited", str(exc)) from exc
            if answer.get("t") == "failed":
                self._serving = False
                raise ExportServerError(answer.get("reason", "bind"), answer.get("detail", ""))
            self._serving = bool(answer.get("running"))
            if self._serving and not was_serving:
                self._host = None  # the network may have changed since the last export
            self._port = int(answer.get("port") or 0)

    def _publish_quietly(self) -> None:
        try:
            self._publish()
        except ExportServerError as exc:
            log.warning("export server: %s", exc)

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._serving = False
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(2)


class _RemoteCache:
    def __init__(self, link: ExportLink) -> None:
        self.link = link

    def clear(self) -> None:
        link = self.link
        with link._lock:
            if not link._alive():
                return
            link._id += 1
            try:
                link._sock.sendall(json.dumps({"t": "clear", "id": link._id}).encode() + b"\n")
                link._receive()
            except (OSError, ExportServerError) as exc:
                log.warning("export server: %s", exc)
