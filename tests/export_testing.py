"""The export's web side for tests: the production loop and export, in a thread.

``ThreadedExport`` is the kiosk's ``kiosk.web.exportlink.ExportLink`` (it issues and
revokes the links and sends their table as ``links`` frames) over a ``ThreadLink``: the
web process's own ``kiosk.web.padserver.PadServer`` loop, with its ``ExportServer`` over
``StoreView`` (the store's files read-only), run in a thread of the test and reached over a
real socketpair with the channel's frames. Only the process is left out (the real one is
started by tests/test_export_process.py and tests/test_padserver*.py), so a test can
shorten a deadline (``monkeypatch.setattr(padserver, "HEAD_SECONDS", …)``), read the
log (``caplog``), give the export a broken or huge exporter, and the test's FakeClock
expires a link on both sides at once.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Optional

from kiosk import i18n
from kiosk.web.exportlink import ExportLink
from kiosk.web.lan import ServerConfig
from kiosk.web.padlink import PadLinkError
from kiosk.web.padserver import PadServer
from kiosk.web.server import ExportServer
from kiosk.web.storeview import StoreView


class ThreadLink:
    """``PadLink``'s part that ``ExportLink`` uses (start, alive, port, request,
    stop_if_idle, stop), with the server in a thread instead of a process."""

    def __init__(self, make_export, host: str = "127.0.0.1", port: int = 0) -> None:
        self.make_export, self.host, self.requested_port = make_export, host, port
        self.server: Optional[PadServer] = None
        self._thread: Optional[threading.Thread] = None
        self._sock: Optional[socket.socket] = None
        self._buf = b""
        self._rid = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        if self.alive:
            return
        if self.server is not None:  # a restart asks for the port it had, as PadLink's
            self.requested_port = self.server.port
        mine, theirs = socket.socketpair()
        try:
            server = PadServer(theirs, self.host, self.requested_port, export=self.make_export)
        except OSError as exc:
            mine.close()
            theirs.close()
            raise PadLinkError("bind", str(exc)) from exc
        mine.settimeout(10.0)
        self.server, self._sock, self._buf = server, mine, b""
        self._thread = threading.Thread(target=server.serve, name="kiosk-web-under-test", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self.server.running

    @property
    def port(self) -> int:
        return self.server.port if self.server is not None else 0

    @property
    def export(self) -> Optional[ExportServer]:
        return self.server.export if self.server is not None else None

    def request(self, frame: dict, seconds: float = 10.0) -> dict:
        with self._lock:
            if not self.alive:
                raise PadLinkError("exited", "the web process ended")
            self._rid += 1
            ident = self._rid
            self._sock.sendall(json.dumps(dict(frame, id=ident)).encode("utf-8") + b"\n")
            self._sock.settimeout(seconds)
            while True:
                while b"\n" not in self._buf:
                    try:
                        chunk = self._sock.recv(1 << 16)
                    except OSError as exc:
                        raise PadLinkError("timeout", str(exc)) from exc
                    if not chunk:
                        raise PadLinkError("exited", "the web process ended")
                    self._buf += chunk
                line, _, self._buf = self._buf.partition(b"\n")
                answer = json.loads(line)
                if answer.get("t") == "answer" and answer.get("id") == ident:
                    return answer

    def stop_if_idle(self) -> bool:
        """No export link live (the pads are not on here): the loop ends, the port closes."""
        if self.alive and not (self.export is not None and self.export.running):
            self.stop()
            return True
        return False

    def stop(self) -> None:
        """Say stop, as PadLink does; the loop closes every socket and the export's worker."""
        thread, sock = self._thread, self._sock
        if thread is None:
            return
        try:
            sock.sendall(b'{"t":"stop"}\n')
        except OSError:
            pass
        thread.join(10.0)
        assert not thread.is_alive(), "the web loop did not stop"
        sock.close()
        self._thread = None


class ThreadedExport(ExportLink):
    """The kiosk's ExportLink over a ``ThreadLink`` (see the module's text)."""

    def __init__(self, store, clock, config: Optional[ServerConfig] = None, *, exporter=None,
                 worker: bool = True, warm: bool = True, lang=lambda: i18n.DEFAULT) -> None:
        config = config or ServerConfig(bind="127.0.0.1", port=0, host="127.0.0.1")
        link = ThreadLink(lambda: ExportServer(StoreView(store.data_dir), clock, exporter=exporter,
                                               worker=worker, warm=warm),
                          host=config.bind, port=config.port)
        super().__init__(store, clock, config, lang=lang, link=link)

    @property
    def export(self) -> ExportServer:
        """The web side's export (its cache, its render worker)."""
        return self.link.export

    def connections(self) -> int:
        """Sockets the loop holds that count against the limits (its ``stats`` answer)."""
        return self.link.request({"t": "stats"})["connections"]

    def stop(self, wait: float = 2.0) -> None:
        super().stop(wait)
        self.link.stop()
