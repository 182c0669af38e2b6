"""The join panel: phones and table tablets come in through a QR code beside the wall.

"Open for phones" on the workshop screen opens the door (``kiosk.ui.pads``) and puts
this panel in a column at the screen's right edge, beside the step's work area, which
narrows for it rather than being covered. It shows the join code (a tap enlarges it),
the short address to type, how many devices have joined, and on a vote step how many
have said they are done. When Settings name a Wi-Fi network for phones, the network's
own code comes first ("1. Join the Wi-Fi"), then the page's ("2. Scan this").

The controls: Close (the door locks, joined devices go on; Open again gives a new code),
Pause all / Go on, and Devices & inbox: the joined devices, each with Remove (asked
first; its notes stay on the wall, anonymous), and the inbox that holds phones' notes
until the facilitator lets them in or declines them. Hide folds the panel away; the
door stays as it is, and the top row's button brings it back.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.i18n import tr
from kiosk.ui.later import guarded
from kiosk.ui.export import QRView, qr_matrix  # noqa: F401  (QRView: padpanel.kv)
from kiosk.ui.widgets import KButton  # noqa: F401  (padpanel.kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

WIDTH = 460
"""px at 1080p: the panel's column; the code in it is about 330 px, which a phone's
camera reads from across a table at 1080p and 4K alike."""


def wifi_payload(name: str, password: str) -> str:
    """The Wi-Fi code's text (``kiosk.core.wifi``), a network phones join with one scan."""
    from kiosk.core.wifi import wifi_payload as payload

    return payload(name, password)


class QRTap(QRView):
    """A code that a finger's tap enlarges."""

    __events__ = ("on_tap",)

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos) and self.modules:
            touch.ud[self] = True
            return True
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if touch.ud.get(self) and self.collide_point(*touch.pos):
            self.dispatch("on_tap")
            return True
        return super().on_touch_up(touch)

    def on_tap(self):
        pass


class PadPanel(BoxLayout):
    """The corner of the workshop screen where phones join (see the module's text)."""

    which = OptionProperty("page", options=["wifi", "page"])
    """Which code shows: the Wi-Fi's (when set) or the page's."""
    has_wifi = BooleanProperty(False)
    heading = StringProperty("")
    caption = StringProperty("")
    """Under the code: what to do with it."""
    address_text = StringProperty("")
    voted_text = StringProperty("")
    """'7 of 9 have voted' on a vote step ('' elsewhere)."""
    inbox_text = StringProperty("")
    door_open = BooleanProperty(False)
    paused = BooleanProperty(False)
    held = NumericProperty(0)
    """Notes from phones waiting in the inbox: the button stands out."""
    state = StringProperty("off")

    def __init__(self, **kw):
        super().__init__(**kw)
        self.app = App.get_running_app()
        self.glue = self.app.pad_glue()
        self.sheet = None
        self.big = None
        self._shown = None  # (which, payload) on the QR view
        self._refresh = Clock.create_trigger(guarded(lambda dt: self.refresh(), self), -1)
        for name in ("state", "door_open", "paused", "joined", "join_url", "address", "problem", "held", "voted"):
            self.glue.bind(**{name: self._refresh})
        self.app.bind(revision=self._refresh, lang=self._refresh, settings=self._refresh)
        self.refresh()

    def release(self):
        """Taken off the screen: no more redraws from the glue."""
        for name in ("state", "door_open", "paused", "joined", "join_url", "address", "problem", "held", "voted"):
            self.glue.unbind(**{name: self._refresh})
        self.app.unbind(revision=self._refresh, lang=self._refresh, settings=self._refresh)
        self._refresh.cancel()

    # -- drawing ---------------------------------------------------------------------------

    def refresh(self):
        g, settings = self.glue, self.app.settings
        self.state, self.door_open, self.paused = g.state, g.door_open, g.paused
        n = g.joined
        self.heading = tr("1 device joined") if n == 1 else tr("{n} devices joined").format(n=n)
        self.has_wifi = bool(settings.wifi_name) and self.door_open
        if not self.has_wifi and self.which == "wifi":
            self.which = "page"
        payload = None
        if g.state == "starting":
            self.caption = tr("Starting …")
        elif g.state == "failed":
            self.caption = g.problem
        elif not self.door_open:
            self.caption = tr("The door is closed: no new phones. The joined ones go on.")
        elif self.which == "wifi":
            payload = wifi_payload(settings.wifi_name, settings.wifi_password)
            self.caption = tr("1. Join the Wi-Fi “{name}”").format(name=escape_markup(settings.wifi_name))
        else:
            payload = g.join_url or None
            self.caption = (tr("2. Scan this with the camera") if self.has_wifi
                            else tr("Scan this with the camera"))
        self.address_text = (tr("or type {address}").format(address=g.address)
                             if self.door_open and g.address and self.which == "page" else "")
        if (self.which, payload) != self._shown:
            self._shown = (self.which, payload)
            self.ids.qr.show(qr_matrix(payload, "M") if payload else None)
        self.voted_text = g.voted_text()
        self.held = held = g.held
        self.inbox_text = (tr("Inbox: {n} waiting").format(n=held) if held
                           else tr("Inbox: on") if g.inbox else tr("Inbox: off"))
        if self.big is not None:
            self.big.refresh()
        if self.sheet is not None:
            self.sheet.refresh()

    # -- intents ---------------------------------------------------------------------------

    def show_code(self, which: str):
        self.which = which
        self.refresh()

    def toggle_door(self):
        if self.door_open:
            self.glue.close_door()
        else:
            self.glue.open()

    def toggle_pause(self):
        self.glue.pause(not self.paused)

    def enlarge(self):
        """The code as large as the screen allows (a tap anywhere takes it back)."""
        if self._shown[1] is None:
            return
        self.big = BigCode(self)
        self.big.bind(on_dismiss=lambda *_: setattr(self, "big", None))
        self.big.open()

    def open_devices(self):
        self.sheet = DevicesSheet(self.glue)
        self.sheet.bind(on_dismiss=lambda *_: setattr(self, "sheet", None))
        self.sheet.open()

    def hide(self):
        App.get_running_app().screen("workshop").hide_phones()


class BigCode(ModalView):
    """The join code enlarged; with a Wi-Fi network set, both codes side by side, in order."""

    wifi_caption = StringProperty("")
    page_caption = StringProperty("")
    address_text = StringProperty("")
    two = BooleanProperty(False)

    def __init__(self, panel: PadPanel, **kw):
        super().__init__(**kw)
        self.panel = panel
        self._shown = None
        self.refresh()

    def refresh(self):
        g, settings = self.panel.glue, self.panel.app.settings
        url = g.join_url if g.door_open else ""
        if not url:
            self.dismiss()
            return
        self.two = bool(settings.wifi_name)
        wifi = wifi_payload(settings.wifi_name, settings.wifi_password) if self.two else None
        self.wifi_caption = tr("1. Join the Wi-Fi “{name}”").format(name=escape_markup(settings.wifi_name)) \
            if self.two else ""
        self.page_caption = tr("2. Scan this with the camera") if self.two else tr("Scan this with the camera")
        self.address_text = tr("or type {address}").format(address=g.address)
        if (wifi, url) != self._shown:
            self._shown = (wifi, url)
            self.ids.wifi_qr.show(qr_matrix(wifi, "M") if wifi else None)
            self.ids.page_qr.show(qr_matrix(url, "M"))

    def on_touch_up(self, touch):
        if self.collide_point(*touch.pos):
            self.dismiss()
            return True
        return super().on_touch_up(touch)


class DevicesSheet(ModalView):
    """The joined devices (Remove asks first) and the inbox of held notes."""

    heading = StringProperty("")
    inbox_on = BooleanProperty(False)
    inbox_heading = StringProperty("")

    def __init__(self, glue, **kw):
        super().__init__(**kw)
        self.glue = glue
        self.app = App.get_running_app()
        self.refresh()

    def refresh(self):
        g = self.glue
        devices = g.device_rows()
        self.heading = tr("Devices") + f"  ·  {len(devices)}"
        box = self.ids.devices
        box.clear_widgets()
        for name in [n for n in self.ids if n.startswith("remove_")]:
            del self.ids[name]
        for device_id, text in devices:
            row = DeviceRow(text=escape_markup(text))
            button = row.ids["remove"]  # (ids.remove is the dict's method)
            button.bind(on_release=lambda _b, d=device_id, t=text: self.ask_remove(d, t))
            self.ids[f"remove_{device_id}"] = button
            box.add_widget(row)
        if not devices:
            box.add_widget(EmptyLine(text=tr("No device has joined yet.")))
        self.inbox_on = g.inbox
        held = g.held_rows()
        self.inbox_heading = tr("Inbox") + (f"  ·  {len(held)}" if held else "")
        inbox = self.ids.inbox
        inbox.clear_widgets()
        for name in [n for n in self.ids if n.startswith(("let_in_", "decline_"))]:
            del self.ids[name]
        for held_id, text in held:
            row = HeldRow(text=escape_markup(text))
            row.ids.let_in.bind(on_release=lambda _b, h=held_id: self.glue.let_in(h))
            row.ids.decline.bind(on_release=lambda _b, h=held_id: self.glue.decline(h))
            self.ids[f"let_in_{held_id}"], self.ids[f"decline_{held_id}"] = row.ids.let_in, row.ids.decline
            inbox.add_widget(row)
        if not held:
            inbox.add_widget(EmptyLine(
                text=tr("Notes from phones wait here until you let them onto the wall.") if g.inbox
                else tr("Off: notes from phones go straight onto the wall.")))

    def toggle_inbox(self):
        self.glue.set_inbox(not self.glue.inbox)

    def ask_remove(self, device_id: int, text: str):
        self.app.confirm(tr("Remove {who}? The device can send nothing more; its notes stay on the wall, anonymous.")
                         .format(who=text), tr("Remove"), lambda: self.glue.remove(device_id))


class DeviceRow(BoxLayout):
    text = StringProperty("")


class HeldRow(BoxLayout):
    text = StringProperty("")


class EmptyLine(BoxLayout):
    text = StringProperty("")
