"""systemd's notify protocol with a plain datagram socket: READY=1, WATCHDOG=1, STOPPING=1.

Under ``Type=notify`` with ``WatchdogSec=``, systemd restarts the kiosk when the
pings stop. The app sends them from its UI clock, so a frozen UI (not only a dead
process) is restarted. No dependency: one ``AF_UNIX``/``SOCK_DGRAM`` send to the
socket named by ``$NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace).
Outside systemd (no ``$NOTIFY_SOCKET``) every call is a no-op.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger("kiosk.sdnotify")


def _address() -> str | bytes | None:
    name = os.environ.get("NOTIFY_SOCKET", "")
    if not name:
        return None
    if name.startswith("@"):
        return b"\0" + name[1:].encode()
    if name.startswith("/"):
        return name
    return None  # vsock and other forms: not on a wall screen


def notify(state: str) -> bool:
    """Send one state ("READY=1", "WATCHDOG=1" …); False when there is no socket or it failed.

    Never raises and never blocks: a service manager that is gone must not stop the UI.
    """
    address = _address()
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
            s.setblocking(False)
            s.sendto(state.encode("utf-8", "replace"), address)
        return True
    except OSError as exc:
        log.warning("could not notify the service manager (%s): %s", state.split("=")[0], exc)
        return False


def watchdog_seconds() -> float | None:
    """The watchdog's timeout systemd set for us (``WATCHDOG_USEC``), or None.

    systemd sets ``WATCHDOG_PID`` to the unit's main process. Under ``cage`` or
    ``xinit`` that is our parent, which passes the environment on, so the pings
    count (with ``NotifyAccess=all`` in the unit) when it names us or our parent.
    """
    try:
        usec = int(os.environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    pid = os.environ.get("WATCHDOG_PID")
    if pid:
        try:
            if int(pid) not in (os.getpid(), os.getppid()):
                return None
        except ValueError:
            return None
    return usec / 1_000_000
