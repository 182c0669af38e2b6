"""The workshop controller against the real store: persist first, then show; undo; resume."""

import errno
import os

import pytest

from kiosk.clock import FakeClock
from kiosk.core.loader import load_method
from kiosk.core.session import SessionError
from kiosk.core.workshop import ACTIVE_KEY, Workshop
from kiosk.store import Store, StoreError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def method():
    return load_method(os.path.join(ROOT, "methods", "trivselsdialog.toml"))


def test_start_stores_the_session_and_marks_it_active(store, method):
    clock = FakeClock(1000)
    ws = Workshop.start(store, clock, method, "Team A")
    assert store.get_state(ACTIVE_KEY) == ws.session.id
    doc = store.load_session(ws.session.id)
    assert doc["team"] == "Team A" and doc["method"]["id"] == "trivselsdialog"
    assert [e["id"] for e in store.list_sessions()] == [ws.session.id]


def test_every_intent_is_on_disk_before_it_is_shown(tmp_path, method):
    clock = FakeClock(1000)
    data = tmp_path / "data"
    store = Store(data)
    ws = Workshop.start(store, clock, method, "Team A")
    ws.toggle()
    clock.advance(60)
    ws.add_minutes(5)
    ws.next()
    store.close()
    again = Store(data)  # a fresh process would see exactly this
    try:
        resumed = Workshop.resume(again, clock)
        assert resumed.session == ws.session
    finally:
        again.close()


def test_a_refused_write_leaves_the_state_as_it_was(store, method, monkeypatch):
    clock = FakeClock(1000)
    ws = Workshop.start(store, clock, method, "Team A")
    before = ws.session
    real = os.replace

    def full(src, dst, *a, **k):
        raise OSError(errno.ENOSPC, "full")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreError):
        ws.add_minutes(5)
    monkeypatch.setattr(os, "replace", real)
    assert ws.session == before and not ws.can_undo
    assert store.load_session(before.id)["timers"]["velkomst"]["adjust"] == 0


def test_refusals_change_nothing(store, method):
    ws = Workshop.start(store, FakeClock(0), method, "T")
    with pytest.raises(SessionError):
        ws.previous()
    assert not ws.can_undo


def test_undo_walks_back_and_is_stored(store, method):
    clock = FakeClock(0)
    ws = Workshop.start(store, clock, method, "T")
    ws.toggle()
    clock.advance(30)
    ws.next()
    ws.add_minutes(1)
    ws.undo()
    ws.undo()
    assert ws.session.step_index == 0 and ws.session.timer.running
    assert store.load_session(ws.session.id)["step_index"] == 0
    ws.undo()
    assert not ws.session.timer.started and not ws.can_undo
    assert ws.undo() == ws.session  # nothing left: harmless


def test_undo_depth_is_bounded(store, method):
    ws = Workshop.start(store, FakeClock(0), method, "T")
    for _ in range(50):
        ws.add_minutes(1)
    assert len(ws._undo) == 30


def test_finish_clears_the_active_session(store, method):
    ws = Workshop.start(store, FakeClock(0), method, "T")
    ws.finish()
    assert store.get_state(ACTIVE_KEY) is None
    assert store.list_sessions()[0]["status"] == "finished"
    assert Workshop.resume(store, FakeClock(0)) is None


def test_resume_ignores_a_missing_session(store):
    store.set_state(ACTIVE_KEY, "gone-session")
    assert Workshop.resume(store, FakeClock(0)) is None


def test_the_session_keeps_its_own_copy_of_the_method(store, method, tmp_path):
    """Editing a method file later must not change a workshop that already runs on it."""
    ws = Workshop.start(store, FakeClock(0), method, "T")
    doc = store.load_session(ws.session.id)
    assert doc["method"]["steps"][0]["prompts"] == list(method.steps[0].prompts)
