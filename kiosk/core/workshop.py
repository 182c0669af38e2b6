"""The running workshop: applies the facilitator's intents, stores, then commits.

The screen only ever shows a state that is already in the store: an intent builds
the next session, the store writes it, and only then does ``session`` change. A
failed write leaves the old state in place and the error goes to the screen.
"""

from __future__ import annotations

from typing import Callable

from .method import Method
from .session import Session

UNDO_DEPTH = 30
"""Enough to walk back a burst of mis-taps; kept in memory only."""

ACTIVE_KEY = "active_session"


class Workshop:
    def __init__(self, store, clock, session: Session) -> None:
        self.store = store
        self.clock = clock
        self.session = session
        self._undo: list[Session] = []

    @classmethod
    def start(cls, store, clock, method: Method, team: str, lang: str = "") -> Workshop:
        session = Session.create(method, team, clock.now(), lang=lang)
        store.save_session(session.to_dict())
        store.set_state(ACTIVE_KEY, session.id)
        return cls(store, clock, session)

    @classmethod
    def resume(cls, store, clock) -> Workshop | None:
        """The workshop that was running when the kiosk stopped, if any."""
        sid = store.get_state(ACTIVE_KEY)
        if not sid:
            return None
        doc = store.load_session(sid)
        if doc is None or doc.get("status") != "running":
            return None
        return cls(store, clock, Session.from_dict(doc))

    # -- intents -------------------------------------------------------------

    def _commit(self, build: Callable[[Session, float], Session]) -> Session:
        before = self.session
        after = build(before, self.clock.now())
        if after == before:
            return before
        self.store.save_session(after.to_dict())  # raises StoreError: nothing changes
        self._undo.append(before)
        del self._undo[:-UNDO_DEPTH]
        self.session = after
        return after

    def toggle(self) -> Session:
        return self._commit(lambda s, now: s.toggle(now))

    def add_minutes(self, minutes: float) -> Session:
        return self._commit(lambda s, now: s.add_minutes(minutes))

    def set_minutes(self, step_id: str, minutes: float) -> Session:
        return self._commit(lambda s, now: s.set_minutes(step_id, minutes))

    def next(self) -> Session:
        return self._commit(lambda s, now: s.next(now))

    def previous(self) -> Session:
        return self._commit(lambda s, now: s.previous(now))

    def go_to(self, index: int) -> Session:
        return self._commit(lambda s, now: s.go_to(index, now))

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> Session:
        """Back to the state before the last intent (a pause undone keeps counting)."""
        if not self._undo:
            return self.session
        before = self._undo[-1]
        self.store.save_session(before.to_dict())
        self._undo.pop()
        self.session = before
        return before

    def finish(self) -> Session:
        done = self._commit(lambda s, now: s.finish(now))
        self.store.set_state(ACTIVE_KEY, None)
        return done

    # -- reading -------------------------------------------------------------

    def remaining(self) -> float:
        return self.session.timer.remaining(self.clock.now())

    def planned_end(self) -> float:
        return self.session.planned_end(self.clock.now())
