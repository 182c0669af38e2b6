"""The kiosk's side of the export: the links here, the serving in the web process.

The export used to run as a thread of the kiosk's process, and phones fetching PDFs
cost the wall frames through the interpreter lock. Now the kiosk keeps only the links:
it issues and revokes them here (its own clock says how long each stays open, as the
Export screen shows it) and sends their table to the kiosk's one web process
(``kiosk.web.padserver``, through the app's ``kiosk.web.padlink.PadLink``), which serves
the phones from the store's files, read-only, on the same port as the pads.
``ExportLink`` has the API the Export screen and the app use: share, url_for, base_url,
revoke, revoke_all, seconds_left, running, port, ensure_running, stop, tokens, store
(the web process's side is ``kiosk.web.server.ExportServer``).
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

from kiosk import i18n
from kiosk.core.tokens import Token, Tokens
from kiosk.web.lan import ServerConfig, base_url, public_host
from kiosk.web.padlink import PadLink, PadLinkError
from kiosk.web.server import ExportServerError, Share

log = logging.getLogger("kiosk")
ANSWER_SECONDS = 10.0


def _no_intents(intent: dict) -> dict:
    return {"ok": False, "reason": "door_closed", "message": ""}


class ExportLink:
    """The export as the kiosk sees it: the links here, the serving in the web process.

    ``link``: the app's one web process (its pads' link); None: a process of this
    export's own (tests, the command line), stopped with it."""

    def __init__(self, store, clock, config: Optional[ServerConfig] = None, *,
                 lang: Callable[[], str] = lambda: i18n.DEFAULT, link: Optional[PadLink] = None) -> None:
        self.store, self.clock = store, clock
        self.config = config or ServerConfig()
        self.tokens = Tokens(clock, self.config.minutes)
        self._lang = lang
        self._lock = threading.RLock()
        self._own = link is None
        self.link = link if link is not None else PadLink(
            _no_intents, host=self.config.bind, port=self.config.port, public_host=self.config.host or None,
            data_dir=str(store.data_dir))
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
            return self.link.alive and self._serving and self.tokens.live()

    @property
    def port(self) -> int:
        return self.link.port or self.config.port

    def ensure_running(self) -> None:
        self._publish()

    def stop(self, wait: float = 2.0) -> None:
        """Close every link (the app's end, tests); a process of its own ends too."""
        self.tokens.revoke_all()
        self._publish_quietly()
        with self._lock:
            self._serving = False
        if self._own:
            self.link.stop()

    @property
    def cache(self) -> "_RemoteCache":
        """The web process's render cache (``clear()``: the benchmark renders afresh)."""
        return _RemoteCache(self)

    # -- the channel ---------------------------------------------------------------------

    def _publish(self) -> None:
        """Send the table of links and wait for the port the process listens on."""
        with self._lock:
            live = self.tokens.live()
            if not live and not self.link.alive:
                self._serving = False
                return  # nothing to serve: no process needed
            was_serving = self._serving
            try:
                lang = self._lang()
            except Exception:
                lang = i18n.DEFAULT
            try:
                self.link.start()
                answer = self.link.request({"t": "links", "lang": lang, "links": self.tokens.table()},
                                           ANSWER_SECONDS)
            except PadLinkError as exc:
                self._serving = False
                raise ExportServerError(exc.reason, exc.detail) from exc
            if answer.get("failed"):
                self._serving = False
                raise ExportServerError(str(answer["failed"]), str(answer.get("detail", "")))
            self._serving = bool(answer.get("running"))
            if self._serving and not was_serving:
                self._host = None  # the network may have changed since the last export
            if not live:
                self.link.stop_if_idle()  # and no pads: nothing listens any more

    def _publish_quietly(self) -> None:
        try:
            self._publish()
        except ExportServerError as exc:
            log.warning("export: %s", exc)


class _RemoteCache:
    def __init__(self, link: ExportLink) -> None:
        self.link = link

    def clear(self) -> None:
        web = self.link.link
        if not web.alive:
            return
        try:
            web.request({"t": "clear"}, ANSWER_SECONDS)
        except PadLinkError as exc:
            log.warning("export: %s", exc)
