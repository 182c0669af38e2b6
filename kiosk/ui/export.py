"""The Export screen: a big QR code a phone's camera opens, the same address in text,
the time the link stays open, Revoke and Done — and, when the phone cannot reach the
kiosk, the summary carried by QR codes themselves.

Opened from the statuspil board (the board: all open actions), from the admin menu
("Export this workshop") and right after the facilitator ends a workshop. Each visit
issues a fresh link (``kiosk.web.exportlink.ExportLink.share``): 128 random bits, for
``export_minutes`` (15 by default). Done leaves the link open for the rest of its time
(the manager may still be downloading); Revoke closes it at once. The server runs only
while a link is open.

The code is drawn from qrcode's module matrix as a texture of one texel per module,
scaled by a whole number with nearest-neighbour filtering, so every module is a crisp
square of equal size, dark on white, with the 4-module quiet zone; at 1080p the code
is about three quarters of the screen's height.

The offline codes (``kiosk.web.offline``) are made in a background thread: reading the
store and computing several large codes must not stall the screen.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Optional

import qrcode
from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.core.tokens import VALID
from kiosk.i18n import tr
from kiosk.ui.screen import KioskScreen
from kiosk.ui.later import guarded
from kiosk.web import offline
from kiosk.web.lan import ServerConfig
from kiosk.web.exportlink import ExportLink
from kiosk.web.server import ExportServerError

log = logging.getLogger("kiosk")

QUIET = 4
"""Modules of white around the code (the QR standard's quiet zone)."""


def qr_matrix(payload: str, error_correction: str = "M") -> list[list[bool]]:
    """The code's modules, quiet zone included (True = dark)."""
    level = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
             "Q": qrcode.constants.ERROR_CORRECT_Q}[error_correction]
    qr = qrcode.QRCode(error_correction=level, border=QUIET)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    return qr.get_matrix()


def matrix_texture(matrix: list[list[bool]]) -> Texture:
    """One texel per module, dark on white, drawn with nearest-neighbour filtering."""
    n = len(matrix)
    dark, light = b"\x00\x00\x00\xff", b"\xff\xff\xff\xff"
    rows = [b"".join(dark if m else light for m in row) for row in reversed(matrix)]  # GL: bottom row first
    tex = Texture.create(size=(n, n), colorfmt="rgba")
    tex.blit_buffer(b"".join(rows), colorfmt="rgba", bufferfmt="ubyte")
    tex.mag_filter = "nearest"
    tex.min_filter = "nearest"
    return tex


def export_server(app) -> ExportLink:
    """The kiosk's one export server (made on first use, stopped with the app): the links
    live here, the serving in the app's web process, on the pads' port
    (``kiosk.web.exportlink``), so phones fetching PDFs never cost the wall a frame."""
    server = getattr(app, "export_server", None)
    if server is None or server.store is not app.store:
        if server is not None:
            server.stop()
        server = ExportLink(app.store, app.clock, ServerConfig.from_settings(app.settings),
                            lang=lambda: app.lang, link=app.pad_glue().web_link())
        app.export_server = server
        app.bind(on_stop=lambda *_: server.stop())
    return server


class QRView(Widget):
    """A QR code, as large as the widget's shorter side allows in whole pixels per module."""

    modules = NumericProperty(0)
    """Modules across, quiet zone included (0: nothing shown)."""
    module_px = NumericProperty(0)
    """Screen pixels per module as drawn."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self._texture: Optional[Texture] = None
        with self.canvas:
            self._white_colour = Color(1, 1, 1, 0)
            self._white = Rectangle()
            self._code_colour = Color(1, 1, 1, 0)
            self._code = Rectangle()
        self.bind(pos=self._layout, size=self._layout)

    def show(self, matrix: Optional[list[list[bool]]]) -> None:
        if not matrix:
            self._texture = None
            self.modules = 0
        else:
            self._texture = matrix_texture(matrix)
            self.modules = len(matrix)
        self._code.texture = self._texture
        self._layout()

    def _layout(self, *_):
        side = min(self.width, self.height)
        if self._texture is None or side <= 0:
            self._white_colour.a = self._code_colour.a = 0
            self.module_px = 0
            return
        px = max(1, math.floor(side / self.modules))
        drawn = px * self.modules
        x0 = round(self.x + (self.width - side) / 2)
        y0 = round(self.y + (self.height - side) / 2)
        self._white.pos, self._white.size = (x0, y0), (round(side), round(side))
        inset = round((side - drawn) / 2)
        self._code.pos, self._code.size = (x0 + inset, y0 + inset), (drawn, drawn)
        self._white_colour.a = self._code_colour.a = 1
        self.module_px = px


class ExportScreen(KioskScreen):
    mode = OptionProperty("link", options=["link", "closed", "error", "preparing", "offline"])
    what_text = StringProperty("")
    """Which export: the team and method, or the board."""
    address = StringProperty("")
    left_text = StringProperty("")
    """How long the link stays open, or that it is closed."""
    message = StringProperty("")
    """Shown in place of the code when there is none (closed, error, preparing)."""
    offline_kind = StringProperty("mail")
    offline_index = NumericProperty(0)
    offline_total = NumericProperty(0)
    link_live = BooleanProperty(False)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.scope: Optional[str] = None
        self.share = None
        self.back_to = "board"
        self._codes: list[offline.Code] = []
        self._matrices: list[list[list[bool]]] = []
        self._generation = 0
        self._shown_seconds = None

    # -- opening ---------------------------------------------------------------------------

    def open_for(self, scope: Optional[str], back: Optional[str] = None) -> None:
        """Show a fresh link to one session's export (its id) or the board's (None)."""
        app = App.get_running_app()
        self.scope = scope
        current = app.sm.current
        self.back_to = back or (current if current not in ("export", "pin") else app.idle_screen())
        self.what_text = self._what(scope)
        self._codes, self._matrices = [], []
        self._generation += 1
        self.new_link()
        app.show("export")

    def _what(self, scope: Optional[str]) -> str:
        if scope is None:
            return tr("The statuspil board: all open actions")
        app = App.get_running_app()
        try:
            s = app.store.load_session(scope) or {}
        except Exception:  # a damaged session: the export page will say more
            s = {}
        day = time.strftime("%d.%m.%Y", time.localtime(s["created_at"])) if s.get("created_at") else ""
        return " — ".join(x for x in (s.get("team"), s.get("method_title"), day) if x)

    def new_link(self) -> None:
        app = App.get_running_app()
        try:
            self.share = export_server(app).share(self.scope)
        except ExportServerError as exc:
            log.error("export server could not start: %s", exc)
            self.share = None
            self.link_live = False
            self.address = ""
            self.message = tr("The kiosk could not open its export address ({detail}). Use “Phone can't open it?” instead, or ask the admin to check the export settings.").format(  # noqa: E501
                detail=exc.detail)
            self.mode = "error"
            self.ids.qr.show(None)
            return
        self.address = self.share.url
        self.link_live = True
        self._shown_seconds = None
        self.mode = "link"
        self.ids.qr.show(qr_matrix(self.share.url, "M"))
        self.tick()

    # -- the clock -------------------------------------------------------------------------

    def tick(self):
        if self.share is None:
            return
        server = export_server(App.get_running_app())
        status, _ = server.tokens.lookup(self.share.token.value)
        live = status == VALID
        if live != self.link_live:
            self.link_live = live
        if not live:
            if self.mode == "link":
                self._close(tr("The link has expired. Tap “New link” for a new code."))
            text = tr("The link is closed.")
        else:
            left = math.ceil(server.seconds_left(self.share.token.value))
            if left == self._shown_seconds:
                return
            self._shown_seconds = left
            text = tr("The link is open for {time} more.").format(time=f"{left // 60}:{left % 60:02d}")
        if text != self.left_text:
            self.left_text = text

    def _close(self, message: str) -> None:
        self.message = message
        self.mode = "closed"
        self.ids.qr.show(None)

    # -- buttons ---------------------------------------------------------------------------

    def revoke_or_renew(self):
        """Revoke while the link is open; once closed, the same button makes a new link."""
        if self.link_live and self.share is not None:
            export_server(App.get_running_app()).revoke(self.share.token.value)
            self.link_live = False
            if self.mode in ("link", "closed", "error"):
                self._close(tr("The link is closed. Nobody can open it now."))
            self.left_text = tr("The link is closed.")
        else:
            self.new_link()

    def done(self):
        """Leave the screen; an open link stays open for the rest of its time."""
        self._generation += 1  # a background job still running is no longer wanted
        App.get_running_app().show(self.back_to)

    def toggle_offline(self):
        if self.mode in ("offline", "preparing"):
            self._generation += 1
            if self.link_live and self.share is not None:
                self.mode = "link"
                self.ids.qr.show(qr_matrix(self.share.url, "M"))
            else:
                self._close(tr("The link is closed."))
            return
        if self._codes:
            self.mode = "offline"
            self._show_code(0)
            return
        self.mode = "preparing"
        self.message = tr("Making the codes …")
        self.ids.qr.show(None)
        self._generation += 1
        generation = self._generation
        app = App.get_running_app()
        threading.Thread(target=self._build_offline, args=(app, self.scope, generation),
                         name="kiosk-offline-codes", daemon=True).start()

    def _build_offline(self, app, scope, generation):
        try:
            from kiosk.core import export
            doc = export.document(app.store, scope, clock=app.clock)
            codes = offline.codes(doc, export)
            matrices = [qr_matrix(c.payload, "L") for c in codes]
            result = (codes, matrices, None)
        except Exception as exc:  # shown on the screen; the kiosk carries on
            log.exception("offline export codes could not be made")
            result = ([], [], exc)
        Clock.schedule_once(guarded(lambda dt: self._offline_ready(generation, *result)))

    def _offline_ready(self, generation, codes, matrices, error):
        if generation != self._generation or self.mode != "preparing":
            return
        if error is not None or not codes:
            self.message = tr("The codes could not be made. Try the link instead.")
            self.mode = "error"
            return
        self._codes, self._matrices = codes, matrices
        self.mode = "offline"
        self._show_code(0)

    def _show_code(self, index: int):
        index = max(0, min(len(self._codes) - 1, index))
        self.offline_index = index
        self.offline_total = len(self._codes)
        self.offline_kind = self._codes[index].kind
        self.ids.qr.show(self._matrices[index])

    def turn(self, delta: int):
        if self.mode == "offline" and self._codes:
            self._show_code(self.offline_index + delta)

    # -- texts the kv shows -------------------------------------------------------------------

    @property
    def current_code(self) -> Optional[offline.Code]:
        return self._codes[self.offline_index] if self.mode == "offline" and self._codes else None

    def caption(self, mode, kind, index, total, address, _lang) -> str:
        """The line under the code: the address, or which offline code this is."""
        if mode == "offline":
            if kind == "mail":
                return tr("Code {n} of {total}: e-mail").format(n=index + 1, total=total)
            return tr("Code {n} of {total}: text").format(n=index + 1, total=total)
        return address if mode == "link" else ""

    def instructions(self, mode, kind, _lang) -> str:
        if mode == "offline" and kind == "mail":
            return tr("Scan it with the phone's camera: the mail app opens with the summary. Type your own address and send it — it leaves when the phone is online.")  # noqa: E501
        if mode == "offline":
            return tr("Scan each text code in turn: the phone shows the text with a Copy button. Paste it into a note or a mail.")  # noqa: E501
        if mode != "link":
            return ""
        return "\n".join((tr("1. Open the camera on your phone and point it at the code."),
                          tr("2. Tap the link it shows."),
                          tr("3. Save the action plan (PDF) or the other files.")))
