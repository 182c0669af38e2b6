"""Where the export server listens and which address the QR code names.

The settings (``kiosk.core.settings.Settings``) hold ``export_port``,
``export_bind`` and ``export_host``; the environment variables
``KIOSK_EXPORT_PORT``, ``KIOSK_EXPORT_BIND``, ``KIOSK_EXPORT_HOST`` and
``KIOSK_EXPORT_MINUTES`` override them (handy in a systemd unit). With no host
configured, the address in the QR code is the LAN address this machine would use
to reach the network: a UDP socket is "connected" to an address on the documentation
network (TEST-NET-1) — connecting a UDP socket only picks the route and the source
address, it sends no packet — and its own address is read back. Without a route
(no network at all) it falls back to the host name's address, then 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
from dataclasses import dataclass
from typing import Mapping, Optional

log = logging.getLogger("kiosk.web")

DEFAULT_PORT = 8765
DEFAULT_BIND = "0.0.0.0"
PROBE_ADDRESS = ("192.0.2.1", 9)
"""TEST-NET-1 (RFC 5737): never a real host; only the route to it is looked up."""
_HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?")
_WILDCARD = {"", "0.0.0.0", "::", "*"}


@dataclass(frozen=True)
class ServerConfig:
    bind: str = DEFAULT_BIND
    port: int = DEFAULT_PORT
    host: str = ""
    """The configured public host name or address; '' means detect it."""
    minutes: int = 15

    @classmethod
    def from_settings(cls, settings, environ: Optional[Mapping[str, str]] = None) -> "ServerConfig":
        """The settings, with the KIOSK_EXPORT_* environment variables taking precedence.
        A malformed value is logged and the setting's value (or the default) is kept."""
        env = os.environ if environ is None else environ
        bind = getattr(settings, "export_bind", DEFAULT_BIND)
        port = getattr(settings, "export_port", DEFAULT_PORT)
        host = getattr(settings, "export_host", "")
        minutes = getattr(settings, "export_minutes", 15)
        if env.get("KIOSK_EXPORT_BIND") is not None:
            bind = env["KIOSK_EXPORT_BIND"].strip()
        if env.get("KIOSK_EXPORT_HOST") is not None:
            host = env["KIOSK_EXPORT_HOST"].strip()
        for name, lo, hi in (("KIOSK_EXPORT_PORT", 0, 65535), ("KIOSK_EXPORT_MINUTES", 1, 24 * 60)):
            raw = env.get(name)
            if raw is None:
                continue
            try:
                value = int(raw)
                if not lo <= value <= hi:
                    raise ValueError(raw)
            except ValueError:
                log.warning("%s=%r is not a whole number from %d to %d; ignored", name, raw, lo, hi)
                continue
            if name == "KIOSK_EXPORT_PORT":
                port = value
            else:
                minutes = value
        if not valid_host(bind) and bind not in _WILDCARD:
            log.warning("export bind address %r is not an address; listening on %s", bind, DEFAULT_BIND)
            bind = DEFAULT_BIND
        if host and not valid_host(host):
            log.warning("export host %r is not a host name or address; detecting the LAN address", host)
            host = ""
        return cls(bind=bind or DEFAULT_BIND, port=int(port), host=host, minutes=int(minutes))


def valid_host(text: str) -> bool:
    """An IPv4/IPv6 address or a DNS host name (what may stand in a URL's host part)."""
    if not text or len(text) > 253:
        return False
    try:
        ipaddress.ip_address(text.strip("[]"))
        return True
    except ValueError:
        return bool(_HOST_RE.fullmatch(text))


def detect_lan_ip() -> str:
    """This machine's address on the network phones are on (see the module's text)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(PROBE_ADDRESS)  # UDP: no packet is sent, only the route is chosen
            ip = s.getsockname()[0]
        if ip and not ip.startswith(("0.", "127.")):
            return ip
    except OSError:
        pass
    try:
        ip = socket.gethostbyname(socket.gethostname())
        if ip and not ip.startswith(("0.", "127.")):
            return ip
    except OSError:
        pass
    return "127.0.0.1"


def public_host(config: ServerConfig) -> str:
    """The host to put in the QR code: the configured one; else the bind address when it
    names one interface; else the detected LAN address."""
    if config.host:
        return config.host
    if config.bind not in _WILDCARD:
        return config.bind
    return detect_lan_ip()


def base_url(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}" if port == 80 else f"http://{host}:{port}"
