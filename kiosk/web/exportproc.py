"""The export server's process: the LAN export served away from the kiosk's window.

Started by ``kiosk.web.exportlink.ExportLink`` with one end of a Unix socketpair
(``--fd``). It imports no Kivy and never opens the store for writing: it reads the
data folder's files through ``kiosk.web.storeview.StoreView`` (the kiosk process stays
the store's one writer). The kiosk issues and revokes the links; it publishes the
table of links here, and this process answers with the port it listens on. Frames are
one JSON object per line:

* kiosk → server: ``{"t": "links", "id": n, "lang": str, "links": [{"value", "scope",
  "left", "revoked"}]}`` (``left``: seconds the link stays open), ``{"t": "clear", "id": n}``
  (empty the render cache), ``{"t": "stop"}``;
* server → kiosk: ``{"t": "ready"}`` once started, ``{"t": "ok", "id": n, "port": p,
  "running": bool}`` or ``{"t": "failed", "id": n, "reason": str, "detail": str}``.

The HTTP server itself is ``kiosk.web.server.ExportServer``, unchanged: it runs while a
link is open, renders PDFs in its render worker, and stops when none is left. When the
channel ends (the kiosk exited), this process stops too.
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
import threading
from dataclasses import replace

from kiosk import i18n
from kiosk.clock import SystemClock
from kiosk.core.tokens import Token, _key
from kiosk.web.lan import ServerConfig
from kiosk.web.server import ExportServer, ExportServerError
from kiosk.web.storeview import StoreView

log = logging.getLogger("kiosk.export")
MAX_FRAME = 1 << 20


def _frame(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


def set_links(server: ExportServer, links: list) -> None:
    """Make the server's token table the kiosk's (times moved onto this process's clock)."""
    now = server.clock.monotonic()
    table = {}
    for link in links:
        value, scope = str(link["value"]), link.get("scope")
        left = max(0.0, float(link.get("left", 0.0)))
        token = Token(value, scope if isinstance(scope, str) else None, now, now + left)
        if link.get("revoked") or left <= 0:
            token = replace(token, expires_at=now, revoked_at=now if link.get("revoked") else None)
        table[_key(value)] = token
    with server.tokens._lock:
        new = [t for k, t in table.items() if k not in server.tokens._by_key and t.status(now) == "valid"]
        server.tokens._by_key = table
    for token in new:  # render now, while the person reaches for a phone
        threading.Thread(target=server._warm_up, args=(token,), name="kiosk-export-warm", daemon=True).start()
    server.cache.drop(lambda key: key[0] == "page" and _key(key[1]) not in table)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="kiosk.web.exportproc")
    ap.add_argument("--fd", type=int, required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--config", required=True, help="ServerConfig as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="export server: %(levelname)s %(message)s")
    chan = socket.socket(fileno=args.fd)
    lang = {"value": i18n.DEFAULT}
    config = ServerConfig(**json.loads(args.config))
    server = ExportServer(StoreView(args.data), SystemClock(), config, lang=lambda: lang["value"])
    send_lock = threading.Lock()

    def send(obj: dict) -> None:
        with send_lock:
            chan.sendall(_frame(obj))

    send({"t": "ready"})
    buf = b""
    try:
        while True:
            chunk = chan.recv(65536)
            if not chunk:
                break
            buf += chunk
            if len(buf) > MAX_FRAME and b"\n" not in buf:
                log.error("a frame longer than %d bytes; stopping", MAX_FRAME)
                break
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                msg = json.loads(line)
                if msg.get("t") == "stop":
                    return 0
                if msg.get("t") == "clear":  # benchmarks: render everything afresh
                    server.cache.clear()
                    send({"t": "ok", "id": msg.get("id"), "port": server.port, "running": server.running})
                    continue
                if msg.get("t") != "links":
                    continue
                if msg.get("lang") in i18n.LANGUAGES:
                    lang["value"] = msg["lang"]
                set_links(server, msg.get("links") or [])
                try:
                    if server.tokens.live():
                        server.ensure_running()
                    send({"t": "ok", "id": msg.get("id"), "port": server.port, "running": server.running})
                except ExportServerError as exc:
                    send({"t": "failed", "id": msg.get("id"), "reason": exc.reason, "detail": exc.detail})
    finally:
        server.stop()
        chan.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
