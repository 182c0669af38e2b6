"""The kiosk's side of its web process: starts it and carries the channel.

The web process (``kiosk.web.padserver``) serves the phones' pads and the export on one
port, away from the wall, so phones never cost the wall a frame. The app has one
``PadLink``: the pads (``kiosk.ui.pads``) and the export's links
(``kiosk.web.exportlink``) both go through it. It starts the process over a Unix
socketpair, publishes the snapshots pads may read, applies each intent a phone sends
through ``on_intent`` (on the thread ``run`` puts it on: the Kivy thread in the app),
answering with the outcome and the fresh snapshot, and carries the export's requests.
Frames are one JSON object per line:

* kiosk → server: ``{"t": "snap", "snap": …}``, ``{"t": "pads_off"}`` (the session's
  pads ended; the export goes on), ``{"t": "outcome", "id": n, "outcome": …, "snap":
  …|null}``, ``{"t": "links", "id": n, "lang": …, "links": [Tokens.table() rows]}``,
  ``{"t": "clear", "id": n}`` (empty the export's render cache), ``{"t": "stop"}``;
* server → kiosk: ``{"t": "ready", "port": p}``, ``{"t": "intent", "id": n, "intent": …}``,
  ``{"t": "answer", "id": n, "port": p, "running": bool}`` (or ``"failed": reason,
  "detail": …``) to a ``request``, and ``{"t": "failed", …}`` when it cannot listen.

If the kiosk process dies, the server reads the end of the channel and exits; if the
server dies, ``alive`` turns False and ``start()`` starts a new one (given the last
snapshot and the last table of links at once). Sending happens on a thread of its own:
neither ``publish`` nor an outcome ever waits on the server.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable, Optional

from kiosk import i18n
from kiosk.web.lan import ServerConfig, base_url, public_host as detect_public_host

log = logging.getLogger("kiosk.pads")

READY_SECONDS = 10.0
STOP_SECONDS = 2.0
MAX_FRAME = 4 << 20
ROOT = Path(__file__).resolve().parents[2]
"""The folder holding the ``kiosk`` package (the server process imports it from there)."""
N_ = i18n.N_
FAILED = N_("Something went wrong at the wall. Try again.")


class PadLinkError(Exception):
    """The pad server could not start; ``reason``: 'bind', 'exited', 'timeout' or 'spawn'."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


def _frame(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


class PadLink:
    """One pad server process and its channel (see the module's text)."""

    def __init__(self, on_intent: Callable[[dict], dict], *, run: Callable[[Callable[[], None]], None] = lambda f: f(),
                 host: str = "0.0.0.0", port: int = 0, public_host: Optional[str] = None,
                 data_dir: Optional[str] = None) -> None:
        self.on_intent, self.run = on_intent, run
        self.host, self.requested_port, self.public_host = host, int(port), public_host
        self.data_dir = data_dir
        """The store's folder, read by the process for the export (None: no export)."""
        self.snapshot: Optional[Callable[[], dict]] = None
        """Set by the owner: the fresh snapshot after an intent, sent with its outcome."""
        self._proc: Optional[subprocess.Popen] = None
        self._sock: Optional[socket.socket] = None
        self._port = 0
        self._lock = threading.Condition()
        self._frames: deque = deque()
        self._sent = 0
        self._stopping = False
        """Frames taken off the queue and written (or dropped as unchanged)."""
        self._latest: Optional[dict] = None
        self._sent_snap: Optional[bytes] = None
        self._eof = True
        self._ready = threading.Event()
        self._failed = ""
        self._threads: list[threading.Thread] = []
        self._host_shown: Optional[str] = None
        self._starting = threading.Lock()
        """One start at a time: the pads start the process in a thread while the Export
        screen may ask for it on the Kivy thread; the second waits and finds it alive."""
        self._links: Optional[dict] = None
        """The last ``links`` frame, sent again to a new process …"""
        self._links_at = 0.0
        """… with its times moved on by the time since (monotonic)."""
        self._rid = 0
        self._answers: dict[int, Optional[dict]] = {}

    # -- running ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the server process (again, if one died) and wait until it listens."""
        with self._starting:
            self._start()

    def _start(self) -> None:
        if self.alive:
            return
        self._cleanup()
        if self._port:  # a restart: the port the phones' pages and the codes on the wall name
            self.requested_port = self._port
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        cmd = [sys.executable, "-m", "kiosk.web.padserver", "--fd", str(theirs.fileno()),
               "--host", self.host, "--port", str(self.requested_port)]
        if self.data_dir:
            cmd += ["--data", str(self.data_dir)]
        from kiosk import logfile

        kiosk_log = logfile.installed()
        if kiosk_log is not None:  # beside the kiosk's log: web.log, bounded and rotated the same way
            cmd += ["--log-dir", str(kiosk_log.folder)]
        try:
            proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
                                    cwd=str(ROOT))
        except OSError as exc:
            mine.close()
            theirs.close()
            raise PadLinkError("spawn", str(exc)) from exc
        theirs.close()
        with self._lock:
            self._proc, self._sock, self._eof, self._port = proc, mine, False, 0
            self._stopping = False
            self._ready.clear()
            self._failed = ""
            self._sent_snap = None
            self._frames.clear()
        reader = threading.Thread(target=self._reader, args=(mine, proc), name="kiosk-pads-reader", daemon=True)
        writer = threading.Thread(target=self._writer, args=(mine,), name="kiosk-pads-writer", daemon=True)
        self._threads = [reader, writer]
        reader.start()
        writer.start()
        self._ready.wait(READY_SECONDS)
        if self._failed or not self._port or not self.alive:
            reason = "bind" if self._failed.startswith("bind") else "exited" if proc.poll() is not None else "timeout"
            detail = self._failed or f"no answer within {READY_SECONDS:.0f} s"
            self.stop()
            raise PadLinkError(reason, detail)
        self._host_shown = None
        with self._lock:
            again = self._latest is not None or self._links is not None
            if self._links is not None:  # a restart: the new server gets the links …
                gone = time.monotonic() - self._links_at
                self._frames.append(dict(self._links, links=[
                    dict(row, left=max(0.0, float(row.get("left", 0)) - gone)) for row in self._links["links"]]))
            if self._latest is not None:  # … and the last snapshot at once
                self._frames.append(None)
            self._lock.notify_all()
        if again:
            self.drain(2.0)  # so a phone's next request finds it there
        log.info("pad server listening on %s:%d (pid %d)", self.host, self._port, proc.pid)

    @property
    def alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None and not self._eof

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc is not None else None

    @property
    def port(self) -> int:
        return self._port

    def stop(self) -> None:
        """Say stop, then end the process (terminate, then kill) within a few seconds."""
        proc = self._proc
        if proc is None:
            return
        with self._lock:
            self._stopping = True
            self._frames.append({"t": "stop"})
            self._lock.notify_all()
        try:
            proc.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(1.0)
        self._cleanup()

    def _cleanup(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
            self._eof = True
            self._lock.notify_all()
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(2.0)
        self._threads = []
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(2.0)

    # -- addresses ------------------------------------------------------------------------------

    def _shown_host(self) -> str:
        if self._host_shown is None:
            self._host_shown = self.public_host or detect_public_host(ServerConfig(bind=self.host, port=self._port))
        return self._host_shown

    def join_url(self, token: str) -> str:
        return f"{base_url(self._shown_host(), self._port)}/j/{token}"

    @property
    def address(self) -> str:
        """What a person types: host:port (no scheme)."""
        return base_url(self._shown_host(), self._port).split("://", 1)[1]

    # -- sending --------------------------------------------------------------------------------

    def publish(self, snap: dict) -> None:
        """Send a new snapshot (the newest wins; identical ones are not sent)."""
        with self._lock:
            self._latest = snap
            if None not in self._frames:
                self._frames.append(None)  # "the latest snapshot", taken when it is sent
            self._lock.notify_all()

    def pads_off(self) -> None:
        """The session's pads ended: the process forgets their snapshot (its pages say the
        door is shut), and the export, if a link is open, goes on."""
        with self._lock:
            self._latest = None
            self._sent_snap = None
            self._frames.append({"t": "pads_off"})
            self._lock.notify_all()

    def needed(self) -> bool:
        """Whether the process serves anything: the session's pads, or an export link open."""
        with self._lock:
            if self._latest is not None:
                return True
            rows = (self._links or {}).get("links") or []
            gone = time.monotonic() - self._links_at
            return any(not r.get("revoked") and float(r.get("left", 0)) > gone for r in rows)

    def stop_if_idle(self) -> bool:
        """End the process when it serves nothing (nothing listens on the LAN then); True if it did."""
        if self._proc is None or self.needed():
            return False
        log.info("web process: no pads and no export link open; stopping it")
        self.stop()
        return True

    def request(self, frame: dict, seconds: float = READY_SECONDS) -> dict:
        """Send a frame and wait for the process's answer to it (the export's links).
        Raises PadLinkError when the process ends or does not answer in time."""
        with self._lock:
            if frame.get("t") == "links":
                self._links = {k: v for k, v in frame.items() if k != "id"}
                self._links["links"] = [r for r in self._links.get("links") or [] if isinstance(r, dict)]
                self._links_at = time.monotonic()
            self._rid += 1
            ident = self._rid
            self._answers[ident] = None
            self._frames.append(dict(frame, id=ident))
            self._lock.notify_all()
            self._lock.wait_for(lambda: self._answers.get(ident) is not None or self._eof, seconds)
            answer = self._answers.pop(ident, None)
            eof = self._eof
        if answer is None:
            raise PadLinkError("exited" if eof else "timeout",
                               "the web process ended" if eof else f"no answer within {seconds:.0f} s")
        return answer

    def drain(self, seconds: float = 2.0) -> bool:
        """Wait until every frame queued so far has been written to the channel (tests,
        benchmarks: after this, the server reads the frame before any later request)."""
        with self._lock:
            target = self._sent + len(self._frames)
            return self._lock.wait_for(lambda: self._sent >= target or self._eof, seconds) and not self._eof

    def _writer(self, sock: socket.socket) -> None:
        while True:
            with self._lock:
                while not self._frames and self._sock is sock and not self._eof:
                    self._lock.wait()
                if self._sock is not sock or self._eof:
                    return
                item = self._frames.popleft()
                if item is None:
                    data = _frame({"t": "snap", "snap": self._latest}) if self._latest is not None else b""
                    if data == self._sent_snap:
                        data = b""
                    else:
                        self._sent_snap = data
                else:
                    data = _frame(item)
                    if item.get("snap") is not None:
                        self._sent_snap = _frame({"t": "snap", "snap": item["snap"]})
            if data:
                try:
                    sock.sendall(data)
                except OSError:
                    with self._lock:
                        self._eof = True
                        self._lock.notify_all()
                    return
            with self._lock:
                self._sent += 1
                self._lock.notify_all()

    # -- receiving ------------------------------------------------------------------------------

    def _reader(self, sock: socket.socket, proc: subprocess.Popen) -> None:
        buf = b""
        while True:
            try:
                chunk = sock.recv(1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            if len(buf) > MAX_FRAME and b"\n" not in buf:
                log.error("pad server sent a frame over the limit; closing the channel")
                break
            *lines, buf = buf.split(b"\n")
            for line in lines:
                try:
                    frame = json.loads(line)
                except ValueError:
                    log.error("unreadable frame from the pad server (%d bytes)", len(line))
                    continue
                if isinstance(frame, dict):
                    self._on_frame(frame)
        with self._lock:
            if self._sock is sock:
                self._eof = True
            self._lock.notify_all()
        self._ready.set()  # a waiting start() sees the end at once
        if proc.poll() is None and self._sock is sock and not self._stopping:
            log.warning("the pad server closed its channel")

    def _on_frame(self, frame: dict) -> None:
        kind = frame.get("t")
        if kind == "ready":
            self._port = int(frame.get("port") or 0)
            self._ready.set()
        elif kind == "failed":
            self._failed = f"{frame.get('reason', '')}: {frame.get('detail', '')}"
            self._ready.set()
        elif kind == "answer":
            with self._lock:
                if frame.get("id") in self._answers:
                    self._answers[frame["id"]] = frame
                    self._lock.notify_all()
        elif kind == "intent" and isinstance(frame.get("intent"), dict):
            ident, intent = frame.get("id"), frame["intent"]
            self.run(lambda: self._apply(ident, intent))

    def _apply(self, ident, intent: dict) -> None:
        """Apply one intent (on ``run``'s thread) and queue its outcome with the new snapshot."""
        try:
            outcome = self.on_intent(intent)
            if not isinstance(outcome, dict):
                raise TypeError(f"on_intent gave {type(outcome).__name__}, not an outcome")
        except Exception:
            log.exception("a pad's %r intent failed", str(intent.get("op"))[:20])
            outcome = {"ok": False, "reason": "error", "message": i18n.tr(FAILED)}
        snap = None
        if self.snapshot is not None:
            try:
                snap = self.snapshot()
            except Exception:
                log.exception("no snapshot after a pad's intent")
        with self._lock:
            if snap is not None:
                self._latest = snap
            self._frames.append({"t": "outcome", "id": ident, "outcome": outcome, "snap": snap})
            self._lock.notify_all()
