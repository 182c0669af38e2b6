"""The running workshop: applies the facilitator's intents, stores, then commits.

The screen only ever shows a state that is already in the store: an intent builds
the next session, the store writes it, and only then does ``session`` change. A
failed write leaves the old state in place and the error goes to the screen.

Two meetings on one session: ``end_meeting`` stores the next meeting's day (in the
session file's "meta" table, where the statuspil board reads it) and the waiting
session in one write, then the kiosk has no running workshop; ``waiting_sessions``
lists the sessions that wait, and ``Workshop.continue_meeting`` opens one again on
the same session id, so the same wall and the same actions.

Prepared before the workshop: ``Workshop.prepare`` writes a session that waits for its
*first* meeting (status "between" at step 0, the timers untouched), so the trio can type
their notes of the method's prepared kind (``prepared_kinds``) onto its wall ahead of
time; it is listed by ``waiting_sessions`` (``Waiting.prepared`` counts those notes) and
``Workshop.continue_meeting`` starts it like any waiting session.

Clock jumps (DESIGN.md §5, kiosk.clock): the timers measure with the clock's steady
line, so a wall clock that NTP or an admin moves while a timer runs changes nothing on
screen. ``keep_time`` (once a tick) notices the jump, logs it, and absorbs it: the running
timers, the running rounds and the undo steps are shifted by it and stored, and the
steady line meets the wall clock again, so the corruption is never saved. It also stores
a heartbeat (``seen_at``, with every write and once a minute while a timer runs): on a
restart, ``resume`` compares it with the wall clock. A clock that went back while the
kiosk was off (the stored facts lie in the future), or a gap longer than
``OFF_PLAUSIBLE_SECONDS``, cannot be measured: the time off counts as 0 or as the cap,
and ``clock_doubt`` tells the screen to say the timer may be off.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import Callable, Optional

from kiosk.store import StoreError

from .activities import declared_kinds
from .activities.actions import ACTIONS
from .method import Method, Step
from kiosk.clock import JUMP_TOLERANCE
from .activities.rounds import Left, leave_step, restore as restore_rounds, running_starts, shift_doc, shift_stored
from .session import BETWEEN, RUNNING, Session, SessionError
from .activities.statuspil import next_meeting, set_next_meeting
from .undo import STEP_DEPTH, Undoable, UndoLog
from .wall import NOTES

log = logging.getLogger(__name__)


ACTIVE_KEY = "active_session"

SEEN_KEY = "seen_at"
"""In the running session's document: the steady time of its last write (the heartbeat)."""
HEARTBEAT_SECONDS = 60.0
"""How often a running timer's heartbeat is stored: a restart after a jump of the clock
while the kiosk was off knows the time it stopped to within this."""
OFF_PLAUSIBLE_SECONDS = 15 * 60.0
"""The longest time off a restart counts as the room's time (a reboot, a power cut, the
kiosk moved to another socket): a group does not wait longer for its screen, so beyond it
the clock more likely jumped; the time off then counts as this much, and the screen says
the timer may be off."""
RETRY_SECONDS = 10.0
"""After a failed write of an absorbed jump, try again this much later (not every tick)."""

CLOCK_BACK, OFF_LONG = "clock_back", "off_long"
"""``Workshop.clock_doubt``: the clock went back while the kiosk was off (the time off
counted as 0); the time off was longer than plausible (counted as the cap)."""


@dataclass(frozen=True)
class Waiting:
    """A session that waits for its next meeting (what the home screen offers)."""

    session_id: str
    team: str
    method_title: str
    meeting: int
    """The meeting it opens with (2 after the first)."""
    date: Optional[str]
    """The next meeting's day (ISO) as stored, or None when it was not known."""
    prepared: Optional[int] = None
    """Not started yet (made by ``Workshop.prepare``): how many prepared notes wait on its
    wall; None for a session that has had a meeting."""

    @property
    def started(self) -> bool:
        return self.prepared is None


def prepared_kinds(method: Method) -> list[tuple[Step, dict]]:
    """The kinds of note the method lets people type in before the workshop (``prepared
    = true`` in a write step's kinds, e.g. the trio's pink notes), each with its write
    step, in the method's order; a kind named by two write steps counts once."""
    out: list[tuple[Step, dict]] = []
    seen: set[str] = set()
    for step, kind in declared_kinds(method.steps):
        if kind.get("prepared") and kind["id"] not in seen:
            seen.add(kind["id"])
            out.append((step, kind))
    return out


def not_started(session: Session) -> bool:
    """A session made by ``Workshop.prepare`` that has not had its first meeting yet.
    (A meeting's end always leaves a session past step 0, so this cannot be mistaken.)"""
    return session.status == BETWEEN and session.step_index == 0


def count_prepared(store, session: Session) -> int:
    """The live notes of the method's prepared kinds on the session's wall."""
    kinds = {kind["id"] for _, kind in prepared_kinds(session.method)}
    return sum(1 for d in store.all(session.id, NOTES)
               if d.get("kind") in kinds and not d.get("deleted") and d.get("signup") is None)


def waiting_sessions(store) -> list[Waiting]:
    """Sessions between meetings, the soonest meeting first (no date last), then by team.
    A session file that cannot be read is left out (the board says so elsewhere)."""
    out = []
    for entry in store.list_sessions():
        if entry.get("status") != BETWEEN:
            continue
        sid = str(entry.get("id"))
        try:
            doc = store.load_session(sid)
            session = Session.from_dict(doc) if doc else None
            when = next_meeting(store, sid)
        except (StoreError, KeyError, TypeError, ValueError):
            continue
        if session is None or session.status != BETWEEN:
            continue
        prepared = count_prepared(store, session) if not_started(session) else None
        out.append(Waiting(sid, session.team, session.method.title, session.meeting, when, prepared))
    out.sort(key=lambda w: (w.date or "9999-99-99", w.team.casefold(), w.session_id))
    return out


def session_contents(store, session_id: str) -> tuple[int, int]:
    """What deleting a session takes with it: its live post-its and its actions (not
    deleted ones), as (notes, actions)."""
    notes = sum(1 for d in store.all(session_id, NOTES)
                if not d.get("deleted") and d.get("signup") is None)
    actions = sum(1 for d in store.all(session_id, ACTIONS) if not d.get("deleted"))
    return notes, actions


def running_session(store) -> Optional[str]:
    """The id of the workshop running on the kiosk now, or None."""
    sid = store.get_state(ACTIVE_KEY)
    if not sid:
        return None
    doc = store.load_session(sid)
    return sid if doc is not None and doc.get("status") == RUNNING else None


def _shifted(session: Session, seconds: float) -> Session:
    """The session with its running timer's open run moved by ``seconds`` (a jump absorbed)."""
    if not seconds:
        return session
    return replace(session, timers={k: t.shifted(seconds) for k, t in session.timers.items()})


def _shifted_left(left: Optional[Left], seconds: float) -> Optional[Left]:
    if left is None:
        return None
    moved = shift_doc(left.doc, seconds)
    return left if moved is None else Left(left.doc_id, moved)


def _stored(store, session_id: str) -> Session:
    """The session as stored; refuses 'no_such_session' (also for an unreadable one)."""
    try:
        doc = store.load_session(session_id)
        session = Session.from_dict(doc) if doc is not None else None
    except (KeyError, TypeError, ValueError):
        session = None
    if session is None:
        raise SessionError("no_such_session")
    return session


class Workshop(Undoable):
    def __init__(self, store, clock, session: Session) -> None:
        self.store = store
        self.clock = clock
        self.session = session
        self._undo: UndoLog[tuple[Session, Optional[Left]]] = UndoLog(STEP_DEPTH)
        """The session before each intent, with the rounds a step move paused (or None)."""
        self._beat = clock.steady()
        """The steady time of the last heartbeat written (or of the start)."""
        self._retry_at: Optional[float] = None
        self.clock_doubt: Optional[str] = None
        """Set by ``resume`` when the time the kiosk was off could not be measured
        (CLOCK_BACK, OFF_LONG): the screen says the timer may be off (``take_clock_doubt``)."""
        self.off_seconds: Optional[float] = None
        """With ``clock_doubt``: the wall clock's gap since the last heartbeat, as seen."""

    @classmethod
    def start(cls, store, clock, method: Method, team: str, lang: str = "") -> Workshop:
        session = Session.create(method, team, clock.now(), lang=lang)
        store.save_session(session.to_dict())
        store.set_state(ACTIVE_KEY, session.id)
        return cls(store, clock, session)

    @classmethod
    def prepare(cls, store, clock, method: Method, team: str, lang: str = "") -> Session:
        """A session made ahead of the workshop, so the trio can type in their notes: it
        waits for its first meeting (status "between", step 0, the timers as planned and
        untouched), written in one store write, and it does NOT become the running one.
        ``continue_meeting`` starts it later (the home screen offers it).

        Refuses 'no_prepared_kind' (the method has nothing to prepare), 'team_empty' /
        'team_long', and 'prepare_running' while a workshop runs (end it first): nothing
        is written then.
        """
        if not prepared_kinds(method):
            raise SessionError("no_prepared_kind")
        if running_session(store) is not None:
            raise SessionError("prepare_running")
        session = replace(Session.create(method, team, clock.now(), lang=lang), status=BETWEEN)
        store.save_session(session.to_dict())
        return session

    @staticmethod
    def discard_prepared(store, session_id: str) -> None:
        """Take back a Prepare tap (a typo in the team's name, the wrong method): the
        session is deleted while it has not started and holds no notes, so nothing anyone
        wrote is lost. Refuses 'no_such_session', 'already_started', 'has_notes'."""
        session = _stored(store, session_id)
        if not not_started(session):
            raise SessionError("already_started")
        if any(not d.get("deleted") for d in store.all(session_id, NOTES)):
            raise SessionError("has_notes")
        store.delete_session(session_id)

    @staticmethod
    def delete_waiting(store, session_id: str) -> None:
        """The admin's delete (behind the PIN): a session that waits (prepared, or between
        meetings) goes with everything in its file (its wall, its actions, its next
        meeting's day). Cannot be undone. Refuses 'no_such_session' and 'not_waiting' (a
        running or finished session is not deleted here)."""
        session = _stored(store, session_id)
        if session.status != BETWEEN:
            raise SessionError("not_waiting")
        store.delete_session(session_id)
        if store.get_state(ACTIVE_KEY) == session_id:  # a Continue cut short by a crash
            store.set_state(ACTIVE_KEY, None)

    @classmethod
    def resume(cls, store, clock) -> Workshop | None:
        """The workshop that was running when the kiosk stopped, if any."""
        sid = store.get_state(ACTIVE_KEY)
        if not sid:
            return None
        doc = store.load_session(sid)
        if doc is None or doc.get("status") != "running":
            return None
        ws = cls(store, clock, Session.from_dict(doc))
        ws._check_time_off(doc.get(SEEN_KEY))
        return ws

    def _check_time_off(self, seen) -> None:
        """A restart: is the wall clock's time since the last heartbeat believable? If a
        timer runs and it is not, put the steady line where the stored facts say time was
        (plus the time off that can be counted), and absorb the difference at once."""
        starts = [t.runs[-1][0] for t in self.session.timers.values() if t.running]
        starts += running_starts(self.store, self.session.id)
        starts = [s for s in starts if math.isfinite(s)]
        if not starts:
            return  # nothing measures the time off: nothing can be off
        now = float(self.clock.now())
        valid = (isinstance(seen, (int, float)) and not isinstance(seen, bool)
                 and math.isfinite(seen))
        # the last moment the stored facts were true: the heartbeat, or a later start (a
        # round started since; an older file without a heartbeat)
        known = max([float(seen)] + starts) if valid else max(starts)
        gap = now - known
        if gap < -JUMP_TOLERANCE:
            self.clock_doubt, counted = CLOCK_BACK, 0.0
        elif valid and gap > OFF_PLAUSIBLE_SECONDS:
            self.clock_doubt, counted = OFF_LONG, OFF_PLAUSIBLE_SECONDS
        else:
            return  # a plausible time off: the room's timer kept running, so does ours
        self.off_seconds = gap
        log.warning("restart: the wall clock moved %+.0f s since the last heartbeat (%s); "
                    "the time off counts as %.0f s and the timer may be off",
                    gap, self.clock_doubt, counted)
        self.clock.resume_at(known + counted)
        self._beat = self.clock.steady()
        self.keep_time()

    def take_clock_doubt(self) -> Optional[str]:
        """What the screen should say about the timer after a restart, once (or None)."""
        doubt, self.clock_doubt = self.clock_doubt, None
        return doubt

    @classmethod
    def continue_meeting(cls, store, clock, session_id: str) -> Workshop:
        """Open the next meeting of a waiting session: the same session (wall, actions),
        at the first step of its next meeting, its timers fresh.

        Refuses 'workshop_running' (another workshop is on: end it first),
        'no_such_session', 'not_waiting'. The session becomes the active one before it
        is written as running, so a crash between the two leaves it waiting (the home
        screen offers it again), never running unseen. Its "next meeting" day is
        cleared in the same write: the meeting is now.
        """
        active = store.get_state(ACTIVE_KEY)
        if active and active != session_id:
            doc = store.load_session(active)
            if doc is not None and doc.get("status") == RUNNING:
                raise SessionError("workshop_running")
        after = _stored(store, session_id).continue_meeting(clock.now())
        store.set_state(ACTIVE_KEY, session_id)
        with store.batch(session_id):
            set_next_meeting(store, session_id, None)
            store.save_session(after.to_dict())
        return cls(store, clock, after)

    # -- intents -------------------------------------------------------------

    def _doc(self, session: Session) -> dict:
        """The session's document with the heartbeat (only a running one has a clock to keep)."""
        doc = session.to_dict()
        if session.status == RUNNING:
            doc[SEEN_KEY] = self.clock.steady()
        return doc

    def _commit(self, build: Callable[[Session, float], Session]) -> Session:
        self.keep_time()  # a jump not yet absorbed would be written with this change
        before = self.session
        now = self.clock.steady()
        after = build(before, now)
        if after == before:
            return before
        with self.store.batch(before.id):  # the step change and the rounds it pauses: one write
            left = None
            if after.step_index != before.step_index or after.status != before.status:
                left = leave_step(self.store, before.id, before.step, now)  # the group leaves
            self.store.save_session(self._doc(after))  # raises StoreError: nothing changes
        self._beat = now
        self._undo.push((before, left))
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

    def undo(self) -> Session:
        """Back to the state before the last intent (a pause undone keeps counting)."""
        if self._undo:
            self.keep_time()  # the undo steps in the frame of today's clock first
            self._undo.undo(self._put_back)
        return self.session

    def _put_back(self, change: tuple[Session, Optional[Left]]) -> None:
        before, left = change
        with self.store.batch(before.id):  # a step move undone: its rounds run again too
            if left is not None:
                restore_rounds(self.store, before.id, left)
            self.store.save_session(self._doc(before))
        self.session = before

    def end_meeting(self, next_date: Optional[str]) -> Session:
        """End the current meeting at its last step: the next meeting's day (ISO, today
        or later; None when not known yet) and the waiting session are written in one
        batch of the session's file, then the session stops being the active one.

        Refuses 'not_meeting_end' / 'not_running' (SessionError), 'date_past' /
        'date_invalid' (ActionError); nothing is written then. Not undoable with the
        workshop's Undo: the home screen's "Continue" is the way back in.
        """
        self.keep_time()
        sid = self.session.id
        now = self.clock.steady()
        after = self.session.end_meeting(now)
        with self.store.batch(sid):  # a refused date rolls the batch back: nothing written
            set_next_meeting(self.store, sid, next_date, clock=self.clock)
            leave_step(self.store, sid, self.session.step, now)  # its rounds stop with it
            self.store.save_session(self._doc(after))
        self.session = after
        self._undo.clear()
        try:
            self.store.set_state(ACTIVE_KEY, None)
        except StoreError as e:  # harmless: resume opens only a running session
            log.warning("meeting ended, the active mark not cleared: %s", e)
        return after

    def finish(self) -> Session:
        done = self._commit(lambda s, now: s.finish(now))
        self.store.set_state(ACTIVE_KEY, None)
        return done

    # -- reading -------------------------------------------------------------

    def remaining(self) -> float:
        return self.session.timer.remaining(self.clock.steady())

    def planned_end(self) -> float:
        """A wall-clock instant (for "ends about 14:35"): now plus what is left."""
        steady = self.clock.steady()
        return self.session.planned_end(steady) - steady + self.clock.now()

    # -- the clock -----------------------------------------------------------------

    def keep_time(self) -> float:
        """Once a tick (and before every intent): absorb a jump of the wall clock, and
        store the heartbeat while a timer runs. Returns the jump absorbed (0.0: none).

        The jump is ignored, not shown: the running timer, the running rounds and the undo
        steps are moved by it in one write, then the steady line meets the wall clock again.
        A failed write changes nothing (the timers still measure right on the steady line)
        and is tried again ``RETRY_SECONDS`` later; it never raises.
        """
        skew = self.clock.skew()
        steady = self.clock.steady()
        if skew:
            if self._retry_at is not None and steady < self._retry_at:
                return 0.0
            try:
                self._absorb(skew)
            except StoreError as e:
                self._retry_at = steady + RETRY_SECONDS
                log.warning("the wall clock jumped %+.0f s; not stored yet (%s)", skew, e)
                return 0.0
            self._retry_at = None
            log.warning("the wall clock jumped %+.0f s while the workshop ran; the timers "
                        "ignore it", skew)
            return skew
        if steady - self._beat >= HEARTBEAT_SECONDS and self.session.status == RUNNING:
            self._beat = steady  # also after a failed write: the next try is a period later
            if self.session.timer.running or running_starts(self.store, self.session.id):
                try:
                    self.store.save_session(self._doc(self.session))
                except StoreError as e:
                    log.warning("heartbeat not stored: %s", e)
        return 0.0

    def _absorb(self, skew: float) -> None:
        """Move what is stored and held by ``skew``, then the steady line (see keep_time).
        Only running timers hold an instant that depends on the frame: with none running
        (and none stored), nothing is written."""
        sid = self.session.id
        after = _shifted(self.session, skew)
        if after != self.session or running_starts(self.store, sid):
            with self.store.batch(sid):
                shift_stored(self.store, sid, skew)
                doc = after.to_dict()
                if after.status == RUNNING:
                    doc[SEEN_KEY] = self.clock.steady() + skew
                self.store.save_session(doc)
        self.session = after
        self._undo.remap(lambda e: (_shifted(e[0], skew), _shifted_left(e[1], skew)))
        self.clock.reanchor(skew)
        self._beat = self.clock.steady()
