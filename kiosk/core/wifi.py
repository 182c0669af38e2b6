"""The Wi-Fi code a phone's camera reads to join a network (issue 14).

When the phones should join a guest network that keeps them away from everything but
the kiosk, the join panel shows this code before the page's: the camera offers to
join, and the page's code works after. The text is the de-facto standard the phone
cameras read (ZXing's "WIFI:" format, also in the Wi-Fi Alliance's Easy Connect
spec): ``WIFI:T:WPA;S:<name>;P:<password>;;``, where ``\\ ; , " :`` in the name or
password are escaped with a backslash, and an open network is ``T:nopass`` with no P.

The rules on a name and a password are the radio's: a name (SSID) is 1–32 bytes, a
WPA passphrase 8–63 printable ASCII characters or a raw key of 64 hex digits.
"""

from __future__ import annotations

from typing import Any

from kiosk.i18n import N_

from .refusal import Refusal

NAME_BYTES = 32
"""An SSID is at most 32 bytes (IEEE 802.11), whatever the letters."""
PASSWORD_LENGTH = (8, 63)
"""A WPA passphrase: 8–63 printable ASCII characters."""
SECURITIES = ("WPA", "WEP", "nopass")
_SPECIAL = '\\;,":'


class WifiError(Refusal):
    """A network no phone could join with; ``reason`` keys the message."""


def escape(text: str) -> str:
    """A name or password inside the code: ``\\ ; , " :`` each behind a backslash."""
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _hex_key(password: str) -> bool:
    return len(password) == 64 and all(c in "0123456789abcdefABCDEF" for c in password)


def check_name(ssid: Any) -> str:
    """A network's name as a phone joins it: 1–32 bytes (UTF-8), no control characters
    (which no network shows). Refuses 'wifi_name'."""
    if not isinstance(ssid, str) or not ssid or len(ssid.encode("utf-8", "surrogatepass")) > NAME_BYTES:
        raise WifiError("wifi_name")
    if any(ord(c) < 32 or ord(c) == 127 for c in ssid) or any(0xD800 <= ord(c) <= 0xDFFF for c in ssid):
        raise WifiError("wifi_name")
    return ssid


def check_password(password: Any, security: str = "WPA") -> str:
    """A WPA password: 8–63 printable ASCII characters, or 64 hex digits; WEP's are
    5 or 13 characters (or 10 or 26 hex digits). Refuses 'wifi_password'."""
    if not isinstance(password, str):
        raise WifiError("wifi_password")
    if security == "WEP":
        if len(password) in (5, 13) and all(32 <= ord(c) < 127 for c in password):
            return password
        if len(password) in (10, 26) and all(c in "0123456789abcdefABCDEF" for c in password):
            return password
        raise WifiError("wifi_password")
    if _hex_key(password):
        return password
    if not PASSWORD_LENGTH[0] <= len(password) <= PASSWORD_LENGTH[1]:
        raise WifiError("wifi_password")
    if not all(32 <= ord(c) < 127 for c in password):
        raise WifiError("wifi_password")
    return password


def wifi_payload(ssid: Any, password: Any = "", security: str = "WPA", *, hidden: bool = False) -> str:
    """The text of the Wi-Fi code: ``WIFI:T:WPA;S:<name>;P:<password>;;``, or
    ``WIFI:T:nopass;S:<name>;;`` for an open network (no password, or ``security``
    "nopass"). ``hidden``: a network that does not announce its name (``H:true``).
    Refuses 'wifi_name' (empty, over 32 bytes) and 'wifi_password' (WPA: not 8–63
    printable characters nor 64 hex digits; a password on an open network)."""
    if security not in SECURITIES:
        raise WifiError("wifi_security")
    name = check_name(ssid)
    if password is None:
        password = ""
    if not isinstance(password, str):
        raise WifiError("wifi_password")
    if security == "nopass" or not password:
        if password and security == "nopass":
            raise WifiError("wifi_password")
        text = f"WIFI:T:nopass;S:{escape(name)};"
    else:
        text = f"WIFI:T:{security};S:{escape(name)};P:{escape(check_password(password, security))};"
    return text + ("H:true;" if hidden else "") + ";"


REFUSALS = {
    "wifi_name": N_("A Wi-Fi name is 1 to 32 letters long, and a password needs a name."),
    "wifi_password": N_("A Wi-Fi password is 8 to 63 letters, digits or signs. Leave it empty for an open network."),
    "wifi_security": N_("That kind of Wi-Fi security is not known."),
}
"""Refusal reasons of the Wi-Fi code → the message the settings screen shows (the same
words as the settings' own check, ``kiosk.core.settings.check_wifi``)."""
