"""Kiosk settings and the admin PIN.

The PIN guards leaving kiosk mode, ending a workshop and the settings; it is stored
as a salted hash, never as digits. The default, 1234, is printed in the README, so it
only lets an admin in to choose a PIN of their own: the pad asks for a new one before
Settings open (``must_change``). ``kiosk pin reset`` goes back to that state.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import asdict, dataclass, replace

from .refusal import Refusal

DEFAULT_PIN = "1234"
PIN_MIN, PIN_MAX = 4, 8


class SettingsError(Refusal):
    """A refused setting; str(e) is a reason key the screen translates."""


def hash_pin(pin: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), 50_000).hex()
    return f"{salt}${digest}"


def check_pin_format(pin: str) -> str:
    if not (pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise SettingsError("pin_format")
    return pin


def guessable(pin: str) -> bool:
    """The PINs tried first: the default, one digit repeated (0000), a run up or
    down (2345, 9876)."""
    if pin == DEFAULT_PIN or len(set(pin)) == 1:
        return True
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    return steps in ({1}, {-1})


def check_new_pin(pin: str) -> str:
    """A PIN an admin may choose: 4–8 digits, and not one of the first guesses."""
    check_pin_format(pin)
    if guessable(pin):
        raise SettingsError("pin_guessable")
    return pin


@dataclass(frozen=True)
class Settings:
    lang: str = "da"
    chime: bool = True
    """Sound a chime when a step's time is up."""
    pin_hash: str = ""
    """'' means the default PIN."""
    export_minutes: int = 15
    """How long an export link (the QR code) stays open."""
    export_port: int = 8765
    """The export server's TCP port (0: any free port; a busy port falls back to a free one)."""
    export_bind: str = "0.0.0.0"
    """The address the export server listens on: all interfaces, or one (e.g. the LAN card's)."""
    export_host: str = ""
    """The host name or address put in the QR code; '' detects the LAN address."""
    idle_minutes: int = 2
    """Untouched this long with no workshop running, the screen goes back to the board."""
    night_dim: bool = True
    """Dim the board at night, when nobody walks past (burn-in, glare in an empty room)."""
    night_start: str = "22:00"
    night_end: str = "06:00"
    screen_inches: int = 65
    """The wall screen's diagonal in inches: how many people can write at once
    (``kiosk.core.composers``); X and DRM often report a wrong DPI, so it is set here."""
    wifi_name: str = ""
    """The Wi-Fi network phones should join to reach the pads ('' : the room's own, say
    nothing); the join panel then shows a Wi-Fi code before the page's."""
    wifi_password: str = ""
    """Its WPA password ('' : an open network). Shown masked in Settings."""

    def pin_ok(self, pin: str) -> bool:
        if not self.pin_hash:
            return hmac.compare_digest(pin, DEFAULT_PIN)
        salt, _, _ = self.pin_hash.partition("$")
        return hmac.compare_digest(hash_pin(pin, salt), self.pin_hash)

    def must_change(self, pin: str) -> bool:
        """Whether ``pin``, found right, is still the published default, so the admin
        must choose another before anything behind the PIN opens."""
        return hmac.compare_digest(pin, DEFAULT_PIN)

    def with_pin(self, pin: str) -> Settings:
        return replace(self, pin_hash=hash_pin(check_new_pin(pin)))

    def with_default_pin(self) -> Settings:
        """Back to the default PIN (``kiosk pin reset``): the next admin must change it."""
        return replace(self, pin_hash="")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None) -> Settings:
        d = d or {}
        known = {k: d[k] for k in ("lang", "chime", "pin_hash") if k in d}
        known.update(_export_settings(d))
        known.update(_board_settings(d))
        known.update(_screen_settings(d))
        known.update(_wifi_settings(d))
        return cls(**known)

    def with_wifi(self, name: str, password: str) -> Settings:
        """The phones' Wi-Fi as typed in Settings (both '' forgets it); refused with
        'wifi_name' or 'wifi_password' (``kiosk.core.wifi``) when a phone could not join."""
        name, password = check_wifi(name, password)
        return replace(self, wifi_name=name, wifi_password=password if name else "")

    def stepped(self, field: str, direction: int) -> Settings:
        """The setting one choice up (+1) or down (-1), as the Settings screen's − / +
        buttons step it; at either end it stays (the button is greyed there)."""
        if field == "idle_minutes":
            return replace(self, idle_minutes=step_choice(self.idle_minutes, IDLE_CHOICES, direction))
        if field == "export_minutes":
            return replace(self, export_minutes=step_choice(self.export_minutes, EXPORT_CHOICES, direction))
        if field == "screen_inches":
            return replace(self, screen_inches=step_choice(self.screen_inches, SCREEN_CHOICES, direction))
        if field in ("night_start", "night_end"):
            other = self.night_end if field == "night_start" else self.night_start
            return replace(self, **{field: step_hour(getattr(self, field), direction, avoid=other)})
        raise SettingsError("unknown_setting")

    def at_end(self, field: str, direction: int) -> bool:
        """Whether a step that way would change nothing (the screen greys the button)."""
        return self.stepped(field, direction) == self


IDLE_CHOICES = (1, 2, 3, 5, 10, 15, 30, 60)
"""Minutes before the screen returns to the board: a few sensible stops, not 60 taps."""
EXPORT_CHOICES = (5, 10, 15, 20, 30, 60, 120)
"""Minutes an export link stays open."""
SCREEN_CHOICES = (24, 32, 43, 50, 55, 65, 75, 86, 98)
"""Screen diagonals in inches, as screens are sold."""
SCREEN_RANGE = (10, 200)
"""A diagonal typed into kiosk.json outside this is a typo: the default stays."""


def step_choice(value: int, choices: tuple[int, ...], direction: int) -> int:
    """The next choice above (direction > 0) or below ``value``; a value between two
    stops (typed into kiosk.json by hand) goes to the nearest stop that way."""
    if direction > 0:
        return next((c for c in choices if c > value), max(value, choices[-1]))
    return next((c for c in reversed(choices) if c < value), min(value, choices[0]))


def parse_hhmm(value) -> tuple[int, int] | None:
    """``"22:00"`` → (22, 0); anything else None."""
    if not isinstance(value, str):
        return None
    hh, sep, mm = value.strip().partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and len(mm) == 2):
        return None
    h, m = int(hh), int(mm)
    return (h, m) if 0 <= h <= 23 and 0 <= m <= 59 else None


def step_hour(value: str, direction: int, avoid: str = "") -> str:
    """The whole hour after (or before) ``value``, round the clock; it skips ``avoid``,
    because a night that starts when it ends would be no night at all."""
    h, m = parse_hhmm(value) or (22, 0)
    step = 1 if direction > 0 else -1
    h = (h + step) % 24 if m == 0 or step > 0 else h
    out = f"{h:02d}:00"
    if out == avoid:
        out = f"{(h + step) % 24:02d}:00"
    return out


def _export_settings(d: dict) -> dict:
    """The export server's settings that are well-formed; a bad one keeps its default."""
    out = {}
    m, port = d.get("export_minutes"), d.get("export_port")
    if isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 24 * 60:
        out["export_minutes"] = m
    if isinstance(port, int) and not isinstance(port, bool) and 0 <= port <= 65535:
        out["export_port"] = port
    for key in ("export_bind", "export_host"):
        if isinstance(d.get(key), str) and len(d[key]) <= 253:
            out[key] = d[key].strip()
    return out


def _board_settings(d: dict) -> dict:
    """The idle time and the night that are well-formed; a bad one keeps its default."""
    out = {}
    m = d.get("idle_minutes")
    if isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 240:
        out["idle_minutes"] = m
    if isinstance(d.get("night_dim"), bool):
        out["night_dim"] = d["night_dim"]
    start, end = parse_hhmm(d.get("night_start")), parse_hhmm(d.get("night_end"))
    if start and end and start != end:
        out["night_start"], out["night_end"] = (f"{h:02d}:{m:02d}" for h, m in (start, end))
    return out


def _screen_settings(d: dict) -> dict:
    """The screen's diagonal when it is a whole number of inches a screen can have."""
    v = d.get("screen_inches")
    if isinstance(v, int) and not isinstance(v, bool) and SCREEN_RANGE[0] <= v <= SCREEN_RANGE[1]:
        return {"screen_inches": v}
    return {}


def check_wifi(name, password) -> tuple[str, str]:
    """A network a phone can join (``kiosk.core.wifi``'s rules): a name, and no password
    (an open network) or a WPA one. Both empty: no Wi-Fi is set. Refuses 'wifi_name',
    'wifi_password'."""
    from .wifi import WifiError, check_name, check_password

    if not isinstance(name, str) or not isinstance(password, str):
        raise WifiError("wifi_name")
    name = name.strip()
    if not name:
        if password:
            raise WifiError("wifi_name")
        return "", ""
    return check_name(name), check_password(password) if password else ""


def _wifi_settings(d: dict) -> dict:
    """The phones' Wi-Fi when a phone could join it; a bad pair (typed into kiosk.json by
    hand) keeps none, and the log says why."""
    name, password = d.get("wifi_name", ""), d.get("wifi_password", "")
    if name in ("", None) and password in ("", None):
        return {}
    try:
        name, password = check_wifi(name, password)
    except Refusal as e:
        logging.getLogger("kiosk").warning("kiosk.json: the Wi-Fi for phones is not usable (%s); none is shown", e)
        return {}
    return {"wifi_name": name, "wifi_password": password}
