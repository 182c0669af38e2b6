"""Export tokens on the test clock: issue, look up, expire, revoke, forget; plus the
export settings and the LAN address rules (no server, no window)."""

from __future__ import annotations

import base64
import ipaddress
import threading

import pytest

from kiosk.core import tokens as tk
from kiosk.clock import FakeClock
from kiosk.core.settings import Settings
from kiosk.core.tokens import EXPIRED, REVOKED, UNKNOWN, VALID, TokenError, Tokens
from kiosk.web import lan


@pytest.fixture
def clock():
    return FakeClock(1_800_000_000.0)


def test_a_token_is_unguessable_and_url_safe(clock):
    t = Tokens(clock)
    values = {t.issue("s1").value for _ in range(200)}
    assert len(values) == 200
    for v in values:
        assert set(v) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        raw = base64.urlsafe_b64decode(v + "=" * (-len(v) % 4))
        assert len(raw) * 8 >= 128


def test_valid_for_the_configured_time_then_expired(clock):
    t = Tokens(clock, minutes=15)
    tok = t.issue("s1")
    assert tok.scope == "s1" and tok.expires_at - tok.issued_at == 15 * 60
    assert t.lookup(tok.value) == (VALID, tok)
    assert t.live()
    clock.advance(15 * 60 - 1)
    assert t.lookup(tok.value)[0] == VALID
    assert t.seconds_left(tok.value) == pytest.approx(1)
    clock.advance(1)
    assert t.lookup(tok.value)[0] == EXPIRED
    assert t.seconds_left(tok.value) == 0
    assert not t.live()


def test_board_scope_and_own_lifetime(clock):
    t = Tokens(clock, minutes=5)
    board = t.issue(None, minutes=60)
    assert board.scope is None
    clock.advance(59 * 60)
    assert t.lookup(board.value)[0] == VALID


def test_revoke_kills_at_once_and_only_that_token(clock):
    t = Tokens(clock)
    a, b = t.issue("s1"), t.issue("s1")
    assert t.revoke(a.value) is True
    assert t.lookup(a.value)[0] == REVOKED
    assert t.revoke(a.value) is False  # twice: nothing more to do
    assert t.lookup(b.value)[0] == VALID
    assert t.live()
    assert t.revoke(b.value)
    assert not t.live()
    assert t.revoke("no-such-token") is False


def test_revoke_all(clock):
    t = Tokens(clock)
    for s in ("a", "b", None):
        t.issue(s)
    assert t.revoke_all() == 3
    assert not t.live() and t.live_tokens() == []


@pytest.mark.parametrize("guess", ["", "x", "A" * 32, None, 42, "A" * 10_000, "../../etc", "\udcff"])
def test_unknown_and_garbage_lookups(clock, guess):
    t = Tokens(clock)
    t.issue("s1")
    assert t.lookup(guess) == (UNKNOWN, None)


def test_prefix_of_a_token_is_not_the_token(clock):
    t = Tokens(clock)
    tok = t.issue("s1")
    assert t.lookup(tok.value[:-1])[0] == UNKNOWN
    assert t.lookup(tok.value + "A")[0] == UNKNOWN
    assert t.lookup(tok.value.upper() if tok.value != tok.value.upper() else tok.value.lower())[0] == UNKNOWN


def test_dead_tokens_are_remembered_a_day_then_unknown(clock):
    t = Tokens(clock, minutes=1)
    old = t.issue("s1")
    clock.advance(60 + tk.REMEMBER_SECONDS + 1)
    t.issue("s2")  # issuing sweeps
    assert t.lookup(old.value)[0] == UNKNOWN


def test_table_is_bounded(clock, monkeypatch):
    monkeypatch.setattr(tk, "MAX_TOKENS", 10)
    t = Tokens(clock, minutes=1)
    first = t.issue("s0")
    clock.advance(120)  # first is dead now
    for i in range(30):
        t.issue(f"s{i}")
    assert len(t._by_key) <= 10
    assert t.lookup(first.value)[0] == UNKNOWN
    assert t.live()


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, True, "15", float("nan")])
def test_bad_lifetimes_are_refused(clock, minutes):
    with pytest.raises(TokenError):
        Tokens(clock, minutes=minutes)
    with pytest.raises(TokenError):
        Tokens(clock).issue("s1", minutes=minutes)


def test_bad_scope_is_refused(clock):
    with pytest.raises(TokenError):
        Tokens(clock).issue("")


def test_tokens_are_safe_across_threads(clock):
    t = Tokens(clock)
    made, errors = [], []

    def work():
        try:
            for _ in range(200):
                tok = t.issue("s")
                made.append(tok)
                assert t.lookup(tok.value)[0] == VALID
                t.revoke(tok.value)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(made) == 1600 and not t.live()


# -- the settings and the address ---------------------------------------------------------

def test_export_settings_round_trip_and_bad_values_keep_defaults():
    s = Settings(export_minutes=30, export_port=9000, export_bind="192.168.1.20", export_host="kiosk.local")
    assert Settings.from_dict(s.to_dict()) == s
    bad = Settings.from_dict({"export_minutes": 0, "export_port": 70000, "export_bind": 5,
                              "export_host": ["x"], "lang": "nb"})
    assert (bad.export_minutes, bad.export_port, bad.export_bind, bad.export_host) == (15, 8765, "0.0.0.0", "")
    assert bad.lang == "nb"
    old = Settings.from_dict({"lang": "da", "chime": False})  # a kiosk.json from before the export
    assert old.export_minutes == 15 and old.export_port == 8765


def test_config_from_settings_and_environment():
    s = Settings(export_minutes=20, export_port=9000, export_bind="127.0.0.1", export_host="")
    c = lan.ServerConfig.from_settings(s, environ={})
    assert (c.bind, c.port, c.host, c.minutes) == ("127.0.0.1", 9000, "", 20)
    env = {"KIOSK_EXPORT_PORT": "8080", "KIOSK_EXPORT_HOST": "kiosk.example.org",
           "KIOSK_EXPORT_BIND": "0.0.0.0", "KIOSK_EXPORT_MINUTES": "5"}
    c = lan.ServerConfig.from_settings(s, environ=env)
    assert (c.bind, c.port, c.host, c.minutes) == ("0.0.0.0", 8080, "kiosk.example.org", 5)
    bad = {"KIOSK_EXPORT_PORT": "eighty", "KIOSK_EXPORT_HOST": "evil host/<x>", "KIOSK_EXPORT_BIND": "not an address!",
           "KIOSK_EXPORT_MINUTES": "0"}
    c = lan.ServerConfig.from_settings(s, environ=bad)
    assert (c.bind, c.port, c.host, c.minutes) == ("0.0.0.0", 9000, "", 20)


def test_public_host_rules(monkeypatch):
    monkeypatch.setattr(lan, "detect_lan_ip", lambda: "10.1.2.3")
    assert lan.public_host(lan.ServerConfig(host="kiosk.local")) == "kiosk.local"
    assert lan.public_host(lan.ServerConfig(bind="192.168.0.7")) == "192.168.0.7"
    assert lan.public_host(lan.ServerConfig(bind="0.0.0.0")) == "10.1.2.3"
    assert lan.base_url("10.1.2.3", 8765) == "http://10.1.2.3:8765"
    assert lan.base_url("fe80::1", 8765) == "http://[fe80::1]:8765"
    assert lan.base_url("kiosk.local", 80) == "http://kiosk.local"


def test_detected_lan_ip_is_an_ipv4_address():
    ip = ipaddress.ip_address(lan.detect_lan_ip())
    assert ip.version == 4 and not ip.is_unspecified


def test_valid_host():
    for ok in ("kiosk", "kiosk.local", "192.168.1.2", "fe80::1", "a-b.c"):
        assert lan.valid_host(ok), ok
    for bad in ("", "a b", "http://x", "x/y", "-x", "x" * 300, "<script>"):
        assert not lan.valid_host(bad), bad


def test_the_table_travels_to_the_web_process_and_back(clock):
    """``table()`` is what the kiosk sends its web process; ``follow`` takes it there, on
    that process's clock, skipping rows that are not links."""
    kiosk = Tokens(clock, 15)
    live, board, gone = kiosk.issue("s1"), kiosk.issue(None, 5), kiosk.issue("s2")
    kiosk.revoke(gone.value)
    clock.advance(60)
    rows = kiosk.table()
    assert {r["value"]: (r["scope"], r["left"], r["revoked"]) for r in rows} == {
        live.value: ("s1", 14 * 60, False), board.value: (None, 4 * 60, False), gone.value: ("s2", 0.0, True)}
    other = FakeClock(5.0)
    there = Tokens(other, 15)
    new = there.follow(rows + [None, {"value": 3}, {"value": ""}, {"value": "x" * 30, "left": "soon"}])
    assert sorted(t.value for t in new) == sorted([live.value, board.value])
    assert there.lookup(live.value)[0] == VALID and there.lookup(gone.value)[0] == REVOKED
    assert there.lookup("x" * 30)[0] == EXPIRED  # an unreadable time: closed, not open forever
    assert there.seconds_left(board.value) == 4 * 60
    other.advance(4 * 60)
    assert there.lookup(board.value)[0] == EXPIRED and there.lookup(live.value)[0] == VALID
    assert there.follow(rows) == []  # nothing new the second time
    assert there.follow("garbage") == [] and not there.live()  # a broken table closes every link
