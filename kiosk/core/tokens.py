"""Export links: unguessable, expiring, revocable tokens, each scoped to one export.

A token is what the QR code on the export screen carries (``/e/<token>``). It is
``secrets.token_urlsafe`` of 16 bytes (128 bits), so guessing one is hopeless; it
opens exactly one scope — one session's export, or the statuspil board (``None``:
all open actions) — for a limited time (15 minutes by default), and the screen's
Revoke ends it at once.

Pure Python on the injectable clock: the tests move time instead of sleeping. A
token's life is measured on the clock's monotonic time, so a wall clock that NTP sets
back an hour does not keep a link open an hour longer (nor a jump forward end it).
Thread-safe, because the LAN server's threads look tokens up while the UI thread
issues and revokes them. Tokens live in memory only: a restarted kiosk has no
server running and no link open, which is the safe default.

Only a SHA-256 digest of each token is kept as the key, so the table never holds
a usable secret and a lookup's timing says nothing about how close a guess was.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass, replace
from typing import Any, Optional

from .refusal import Refusal

DEFAULT_MINUTES = 15
MIN_MINUTES, MAX_MINUTES = 1, 24 * 60
TOKEN_BYTES = 16
"""128 random bits, as the issue asks: unguessable, and 22 characters in the address
(short enough to type from the screen when a camera will not read the code)."""
REMEMBER_SECONDS = 24 * 3600
"""An expired or revoked token is remembered this long, to say "expired" rather than "unknown"."""
MAX_TOKENS = 500
"""Bound on remembered tokens; the oldest dead ones are forgotten first."""

VALID, EXPIRED, REVOKED, UNKNOWN = "valid", "expired", "revoked", "unknown"


class TokenError(Refusal):
    """A refused request; str(e) is a reason key the screen translates."""


@dataclass(frozen=True)
class Token:
    value: str
    """The secret itself: what goes into the address. Never logged whole."""
    scope: Optional[str]
    """The session id it opens, or None for the board (all open actions)."""
    issued_at: float
    """On the clock's monotonic time (as are the two below): durations, not dates."""
    expires_at: float
    revoked_at: Optional[float] = None

    def status(self, now: float) -> str:
        if self.revoked_at is not None:
            return REVOKED
        return VALID if now < self.expires_at else EXPIRED

    def seconds_left(self, now: float) -> float:
        return 0.0 if self.revoked_at is not None else max(0.0, self.expires_at - now)

    @property
    def short(self) -> str:
        """The first characters, for logs and screens that must not show the secret."""
        return self.value[:6] + "…"


def _key(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def check_minutes(minutes: Any) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes != minutes:
        raise TokenError("export_minutes")
    m = int(minutes)
    if not MIN_MINUTES <= m <= MAX_MINUTES:
        raise TokenError("export_minutes")
    return m


class Tokens:
    """The table of export tokens: issue, look up, revoke, and whether any is live."""

    def __init__(self, clock, minutes: int = DEFAULT_MINUTES) -> None:
        self.clock = clock
        self.minutes = check_minutes(minutes)
        self._lock = threading.Lock()
        self._by_key: dict[str, Token] = {}

    def issue(self, scope: Optional[str], minutes: Optional[int] = None) -> Token:
        """A new token for one session (its id) or the board (None)."""
        if scope is not None and (not isinstance(scope, str) or not scope):
            raise TokenError("export_scope")
        life = check_minutes(self.minutes if minutes is None else minutes) * 60.0
        now = self.clock.monotonic()
        token = Token(secrets.token_urlsafe(TOKEN_BYTES), scope, now, now + life)
        with self._lock:
            self._forget_old(now)
            self._by_key[_key(token.value)] = token
        return token

    def lookup(self, value: Any) -> tuple[str, Optional[Token]]:
        """(VALID | EXPIRED | REVOKED | UNKNOWN, the token or None)."""
        if not isinstance(value, str) or not value or len(value) > 256:
            return UNKNOWN, None
        with self._lock:
            token = self._by_key.get(_key(value))
        if token is None:
            return UNKNOWN, None
        return token.status(self.clock.monotonic()), token

    def revoke(self, value: str) -> bool:
        """End a token now; True if it was live."""
        now = self.clock.monotonic()
        with self._lock:
            key = _key(value)
            token = self._by_key.get(key)
            if token is None or token.status(now) != VALID:
                return False
            self._by_key[key] = replace(token, revoked_at=now)
            return True

    def table(self) -> list[dict]:
        """Every link as the kiosk sends it to its web process (``follow`` reads it there):
        the value, the scope, the seconds it stays open, and whether it was revoked."""
        now = self.clock.monotonic()
        with self._lock:
            return [{"value": t.value, "scope": t.scope, "left": t.seconds_left(now),
                     "revoked": t.revoked_at is not None} for t in self._by_key.values()]

    def follow(self, links: Any) -> list[Token]:
        """Make this table the kiosk's (``table()``'s rows; the times moved onto this
        process's clock), and give the tokens that are new and live. Malformed rows are skipped."""
        now = self.clock.monotonic()
        table: dict[str, Token] = {}
        for link in links if isinstance(links, list) else []:
            if not isinstance(link, dict) or not isinstance(link.get("value"), str) or not link["value"]:
                continue
            scope = link.get("scope")
            try:
                left = max(0.0, float(link.get("left", 0.0)))
            except (TypeError, ValueError):
                left = 0.0
            token = Token(link["value"], scope if isinstance(scope, str) and scope else None, now, now + left)
            if link.get("revoked") or left <= 0:
                token = replace(token, expires_at=now, revoked_at=now if link.get("revoked") else None)
            table[_key(token.value)] = token
        with self._lock:
            new = [t for k, t in table.items() if k not in self._by_key and t.status(now) == VALID]
            self._by_key = table
        return new

    def revoke_all(self) -> int:
        now = self.clock.monotonic()
        n = 0
        with self._lock:
            for key, token in list(self._by_key.items()):
                if token.status(now) == VALID:
                    self._by_key[key] = replace(token, revoked_at=now)
                    n += 1
        return n

    def live(self) -> bool:
        """Whether any token still opens something (the server runs only while one does)."""
        now = self.clock.monotonic()
        with self._lock:
            return any(t.status(now) == VALID for t in self._by_key.values())

    def live_tokens(self) -> list[Token]:
        now = self.clock.monotonic()
        with self._lock:
            return [t for t in self._by_key.values() if t.status(now) == VALID]

    def seconds_left(self, value: str) -> float:
        status, token = self.lookup(value)
        return token.seconds_left(self.clock.monotonic()) if token is not None and status == VALID else 0.0

    def _forget_old(self, now: float) -> None:
        """Drop tokens dead for a day, and the oldest dead ones beyond the bound (lock held)."""
        for key, t in list(self._by_key.items()):
            ended = t.revoked_at if t.revoked_at is not None else t.expires_at
            if t.status(now) != VALID and now - ended > REMEMBER_SECONDS:
                del self._by_key[key]
        if len(self._by_key) >= MAX_TOKENS:
            dead = sorted((k for k, t in self._by_key.items() if t.status(now) != VALID),
                          key=lambda k: self._by_key[k].issued_at)
            for key in dead[: len(self._by_key) - MAX_TOKENS + 1]:
                del self._by_key[key]
            if len(self._by_key) >= MAX_TOKENS:  # all live: the oldest live one goes
                oldest = min(self._by_key, key=lambda k: self._by_key[k].issued_at)
                del self._by_key[oldest]
