"""Kiosk settings and the admin PIN.

The PIN guards leaving kiosk mode, ending a workshop and the settings; it is stored
as a salted hash, never as digits. The documented default is 1234 until an admin
changes it on the settings screen.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass, replace

DEFAULT_PIN = "1234"
PIN_MIN, PIN_MAX = 4, 8


class SettingsError(ValueError):
    """A refused setting; str(e) is a reason key the screen translates."""


def hash_pin(pin: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), 50_000).hex()
    return f"{salt}${digest}"


def check_pin_format(pin: str) -> str:
    if not (pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise SettingsError("pin_format")
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

    def pin_ok(self, pin: str) -> bool:
        if not self.pin_hash:
            return hmac.compare_digest(pin, DEFAULT_PIN)
        salt, _, _ = self.pin_hash.partition("$")
        return hmac.compare_digest(hash_pin(pin, salt), self.pin_hash)

    def with_pin(self, pin: str) -> Settings:
        return replace(self, pin_hash=hash_pin(check_pin_format(pin)))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None) -> Settings:
        d = d or {}
        known = {k: d[k] for k in ("lang", "chime", "pin_hash") if k in d}
        known.update(_export_settings(d))
        return cls(**known)


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
