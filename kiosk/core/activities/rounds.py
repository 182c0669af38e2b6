"""Timed sub-rounds inside one step: IGP (alone → group → plenary), interviews A→B
then B→A, the check-in's three rounds.

Each round has its own ``Timer`` (kiosk.core.timer): the planned minutes, the
facilitator's adjustments and the intervals it ran. Which round is current and how
long it has left are derived from these stored facts and the clock, never counted
down in memory, so a restart shows the same round at the right time.

A running round that reaches zero hands over to the next one by itself, at the
very moment it reached zero (``settle``): even if nobody looked at the screen — or
the kiosk was off — the next round started on time, as it did in the room. The last
round runs over time (it counts up) until the facilitator moves on.

Leaving the step stops its rounds (``leave_step``): when the group moves to another
step (next, previous, a tap on the agenda, the meeting's end, the finish) the round
that runs is paused at that moment, so coming back shows it where it was, paused,
ready to go on — not rounds that handed over and ran out while nobody was there.
``Workshop`` calls it in the same store batch as the step change (one file write), and
its Undo of the step change puts the stored rounds back as they were (``restore``).

Time is the clock's steady line (``clock.steady()``, see kiosk.clock), so a wall
clock that jumps while a round runs changes nothing on screen. When the workshop absorbs
the jump it shifts the stored rounds too (``shift_stored``); a ``Rounds`` controller sees
the clock's ``epoch`` move and reads its facts again, its undo shifted alike.

Stored in the session's "rounds" table, one document per step:
``{step, current, timers: [Timer.to_dict(), …]}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Optional

from ..timer import Timer
from ..undo import STEP_DEPTH, Undoable, UndoLog
from ..wall import WallError
from kiosk.core.params import Issue, Num, Param, Tables, Text, Texts
from kiosk.i18n import N_

from . import Activity

TABLE = "rounds"
ADJUST_MAX = 120 * 60.0
"""A round is minutes long; adding two hours to one is a slip of the finger."""


class RoundsError(WallError):
    """A rounds intent the rules refuse; ``reason`` is a key for the screen's message."""


@dataclass(frozen=True)
class Round:
    name: str
    minutes: float
    prompts: tuple[str, ...] = ()

    @classmethod
    def from_param(cls, d: dict) -> Round:
        return cls(str(d["name"]), float(d["minutes"]), tuple(d.get("prompts", ())))


@dataclass(frozen=True)
class RoundsState:
    """Which round is current and every round's timer: a value, like ``Session``."""

    current: int
    timers: tuple[Timer, ...]

    @classmethod
    def fresh(cls, rounds: list[Round]) -> RoundsState:
        if not rounds:
            raise RoundsError("no_rounds")
        return cls(0, tuple(Timer(planned=r.minutes * 60.0) for r in rounds))

    # -- reading -----------------------------------------------------------------------

    @property
    def timer(self) -> Timer:
        return self.timers[self.current]

    @property
    def is_last(self) -> bool:
        return self.current == len(self.timers) - 1

    @property
    def running(self) -> bool:
        return self.timer.running

    def remaining(self, now: float) -> float:
        return self.settle(now).timer.remaining(now)

    def state_of(self, index: int, now: float) -> str:
        """'done', 'now' or 'next' for the list of rounds."""
        cur = self.settle(now).current
        return "done" if index < cur else ("now" if index == cur else "next")

    # -- the one rule that moves by itself ---------------------------------------------

    def settle(self, now: float) -> RoundsState:
        """The state with every round that ran out (while running) handed over to the next,
        each next round started at the moment the one before reached zero."""
        s = self
        while s.timer.running and not s.is_last:
            left = s.timer.remaining(now)
            if left > 0:
                break
            at = now + left  # when it reached zero
            timers = list(s.timers)
            timers[s.current] = s.timer.pause(at)
            timers[s.current + 1] = timers[s.current + 1].start(at)
            s = RoundsState(s.current + 1, tuple(timers))
        return s

    # -- intents (each on the settled state) -----------------------------------------

    def _with(self, timer: Timer) -> RoundsState:
        timers = list(self.timers)
        timers[self.current] = timer
        return replace(self, timers=tuple(timers))

    def pause(self, now: float) -> RoundsState:
        """The settled state with its current round paused at ``now`` (the group left)."""
        s = self.settle(now)
        return s._with(s.timer.pause(now))

    def toggle(self, now: float) -> RoundsState:
        s = self.settle(now)
        return s._with(s.timer.toggle(now))

    def add(self, minutes: float, now: float) -> RoundsState:
        s = self.settle(now)
        seconds = float(minutes) * 60.0
        if abs(s.timer.adjust + seconds) > ADJUST_MAX:
            raise RoundsError("round_adjust_range")
        return s._with(s.timer.add(seconds))

    def go_to(self, index: int, now: float) -> RoundsState:
        """Move to a round; a running round hands over, and a round moved to that has no
        time left starts again from its full length (so going back means: once more)."""
        s = self.settle(now)
        if not 0 <= index < len(s.timers):
            raise RoundsError("no_such_round")
        if index == s.current:
            return s
        was_running = s.timer.running
        timers = list(s.timers)
        timers[s.current] = s.timer.pause(now)
        target = timers[index]
        if target.remaining(now) <= 0:
            target = Timer(planned=target.planned, adjust=target.adjust if target.length > 0 else 0.0)
        timers[index] = target.start(now) if was_running else target
        return RoundsState(index, tuple(timers))

    def next(self, now: float) -> RoundsState:
        s = self.settle(now)
        if s.is_last:
            raise RoundsError("last_round")
        return s.go_to(s.current + 1, now)

    def previous(self, now: float) -> RoundsState:
        s = self.settle(now)
        if s.current == 0:
            raise RoundsError("first_round")
        return s.go_to(s.current - 1, now)

    def shifted(self, seconds: float) -> RoundsState:
        """In a wall-clock frame moved by ``seconds`` (a clock jump absorbed)."""
        return replace(self, timers=tuple(t.shifted(seconds) for t in self.timers))

    # -- storage -----------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {"current": self.current, "timers": [t.to_dict() for t in self.timers]}

    @classmethod
    def from_dict(cls, d: dict, rounds: list[Round]) -> RoundsState:
        """From a stored document; rounds the method no longer has are dropped, new ones fresh."""
        stored = [Timer.from_dict(t) for t in d.get("timers", [])]
        timers = []
        for i, r in enumerate(rounds):
            t = stored[i] if i < len(stored) else Timer(planned=r.minutes * 60.0)
            timers.append(replace(t, planned=r.minutes * 60.0))
        current = min(max(0, int(d.get("current", 0))), len(rounds) - 1)
        return cls(current, tuple(timers))


@dataclass(frozen=True)
class Left:
    """What ``leave_step`` changed: the step's stored document as it was before, so the
    step move's Undo can put it back (the round then kept running all along, as the step
    timer of an undone move does)."""

    doc_id: int
    doc: dict


def _stored_doc(store, session_id: str, step_id: str) -> Optional[dict]:
    return store.first(session_id, TABLE, "step", step_id)


def leave_step(store, session_id: str, step, now: float) -> Optional[Left]:
    """The group leaves ``step``: if one of its rounds runs, store them paused at ``now``
    (a round that ran out before is handed over first, at the moment it reached zero).

    Any step may be passed: one without rounds params or with no stored rounds is left
    alone (None). Returns what was changed, for ``restore``. The caller writes this in the
    same store batch as the step change, so a crash cannot keep a round running on a step
    the session has left.
    """
    spec = (step.params or {}).get("rounds")
    if not spec:
        return None
    doc = _stored_doc(store, session_id, step.id)
    if doc is None:
        return None
    state = RoundsState.from_dict(doc, [Round.from_param(r) for r in spec])
    if not state.settle(now).running:
        return None
    doc_id = doc.pop("doc_id")
    store.update(session_id, TABLE, doc_id, {"step": step.id, **state.pause(now).to_dict()})
    return Left(doc_id, doc)


def shift_doc(doc: dict, seconds: float) -> Optional[dict]:
    """A stored rounds document with its running round's start moved by ``seconds``, or
    None when no round in it runs (nothing to move). Works on the stored form, so a
    document of a step whose method changed is moved as it is."""
    timers = doc.get("timers")
    if not isinstance(timers, list):
        return None
    moved, changed = [], False
    for t in timers:
        runs = t.get("runs") if isinstance(t, dict) else None
        if runs and isinstance(runs[-1], (list, tuple)) and len(runs[-1]) == 2 and runs[-1][1] is None:
            t = {**t, "runs": [list(r) for r in runs[:-1]] + [[float(runs[-1][0]) + seconds, None]]}
            changed = True
        moved.append(t)
    return {**doc, "timers": moved} if changed else None


def shift_stored(store, session_id: str, seconds: float) -> int:
    """Move every running round of the session by ``seconds`` (a clock jump absorbed; the
    caller holds the store batch). Returns how many documents changed."""
    n = 0
    for d in store.all(session_id, TABLE):
        doc = dict(d)
        doc_id = doc.pop("doc_id", None)
        moved = shift_doc(doc, seconds)
        if moved is not None and doc_id is not None:
            store.update(session_id, TABLE, doc_id, moved)
            n += 1
    return n


def running_starts(store, session_id: str) -> list[float]:
    """The start of every round that runs, over the session's steps (for a restart's check)."""
    out = []
    for d in store.all(session_id, TABLE):
        for t in d.get("timers") or []:
            runs = t.get("runs") if isinstance(t, dict) else None
            if runs and isinstance(runs[-1], (list, tuple)) and len(runs[-1]) == 2 and runs[-1][1] is None:
                try:
                    out.append(float(runs[-1][0]))
                except (TypeError, ValueError):
                    pass
    return out


def restore(store, session_id: str, left: Left) -> None:
    """Put a step's rounds back as they were before ``leave_step`` (the step move's Undo)."""
    store.update(session_id, TABLE, left.doc_id, left.doc)


class Rounds(Undoable):
    """The rounds of one step of a session, over the store (the controller, like ``Workshop``)."""

    def __init__(self, store, session_id: str, step_id: str, rounds: list[dict], clock) -> None:
        self.store = store
        self.session_id = session_id
        self.step_id = step_id
        self.clock = clock
        self.rounds = [Round.from_param(r) for r in rounds]
        if not self.rounds:
            raise RoundsError("no_rounds")
        self._doc_id: Optional[int] = None
        self._epoch = clock.epoch
        self._state = self._load()
        self._undo: UndoLog[RoundsState] = UndoLog(STEP_DEPTH)

    @classmethod
    def for_step(cls, store, session_id: str, step, clock) -> Rounds:
        return cls(store, session_id, step.id, step.params["rounds"], clock)

    def _load(self) -> RoundsState:
        d = _stored_doc(self.store, self.session_id, self.step_id)
        if d is None:
            return RoundsState.fresh(self.rounds)
        self._doc_id = d["doc_id"]
        return RoundsState.from_dict(d, self.rounds)

    def reload(self) -> RoundsState:
        """Read the stored facts again: someone else may have written them (the step's
        leaving paused them, an Undo held by another controller put them back)."""
        self._state = self._load()
        return self._state

    def _now(self) -> float:
        """The steady time, after catching up with a clock jump the workshop absorbed since
        the last look: the stored facts were shifted, so read them again, and shift the undo
        steps held in memory by as much (an undo must not bring the jump back)."""
        if self._epoch != self.clock.epoch:
            moved = self.clock.shift_since(self._epoch)
            self._epoch = self.clock.epoch
            self._undo.remap(lambda u: u.shifted(moved))
            self.reload()
        return self.clock.steady()

    def _save(self, state: RoundsState) -> None:
        doc = {"step": self.step_id, **state.to_dict()}
        if self._doc_id is None:
            self._doc_id = self.store.insert(self.session_id, TABLE, doc)
        else:
            self.store.update(self.session_id, TABLE, self._doc_id, doc)
        self._state = state

    # -- reading -----------------------------------------------------------------------

    def state(self) -> RoundsState:
        """What the screen shows now: the stored facts, settled at the clock's now."""
        return self._state.settle(self._now())

    @property
    def current(self) -> int:
        return self.state().current

    @property
    def round(self) -> Round:
        return self.rounds[self.current]

    def remaining(self) -> float:
        now = self._now()
        return self._state.settle(now).timer.remaining(now)

    @property
    def running(self) -> bool:
        return self.state().running

    @property
    def started(self) -> bool:
        return any(t.started for t in self._state.timers)

    def marks(self) -> list[str]:
        """'done' / 'now' / 'next' per round."""
        cur = self.current
        return ["done" if i < cur else ("now" if i == cur else "next") for i in range(len(self.rounds))]

    # -- the clock ---------------------------------------------------------------------

    def tick(self) -> int:
        """Store the rounds that ran out since the last look; returns how many ended (0: none).

        Not undoable: it is what happened in the room, and settling again gives the same."""
        now = self._now()
        if self._state.settle(now) == self._state:
            return 0
        self.reload()  # about to write: never over facts stored by someone else meanwhile
        settled = self._state.settle(now)
        ended = settled.current - self._state.current
        if settled != self._state:
            self._save(settled)
        return ended

    # -- intents -----------------------------------------------------------------------

    def _commit(self, build) -> RoundsState:
        now = self._now()
        before = self._state.settle(now)
        after = build(before, now)
        if after == before and after == self._state:
            return after
        self._save(after)  # a StoreError leaves memory as it was
        self._undo.push(before)
        return after

    def toggle(self) -> RoundsState:
        return self._commit(lambda s, now: s.toggle(now))

    def next(self) -> RoundsState:
        return self._commit(lambda s, now: s.next(now))

    def previous(self) -> RoundsState:
        return self._commit(lambda s, now: s.previous(now))

    def go_to(self, index: int) -> RoundsState:
        return self._commit(lambda s, now: s.go_to(index, now))

    def add_minutes(self, minutes: float) -> RoundsState:
        return self._commit(lambda s, now: s.add(minutes, now))

    def undo(self) -> RoundsState:
        self._now()  # an undo step from before a clock jump, shifted first
        self._undo.undo(self._save)
        return self._state


def _fits_step(p: dict, minutes: float | None) -> list[Issue]:
    """The rounds together fit in the step's minutes."""
    total = sum(r["minutes"] for r in p["rounds"])
    if minutes is not None and total > minutes + 1e-9:
        return [("rounds", f"rounds that fit in the step's {minutes:g} minutes (got {total:g})")]
    return []


ROUND_MIN = 0.5
"""A timed round fitted to a shorter step keeps at least half a minute."""


def _shortest(p: dict) -> float:
    """The shortest step the rounds fit in: a minute per round, none below ROUND_MIN."""
    rounds = [float(r["minutes"]) for r in p.get("rounds", ())]
    if not rounds:
        return 0.0
    return max(float(len(rounds)), float(math.ceil(ROUND_MIN * sum(rounds) / min(rounds) - 1e-9)))


def _fit(p: dict, guide: float, minutes: float) -> dict:
    """The rounds of a step planned at ``minutes`` instead of the guide's: rounds that
    fill the guide's step grow and shrink with it, rounds that leave room shrink only
    when the step gets shorter than they are (each in proportion)."""
    rounds = p.get("rounds")
    if not rounds:
        return p
    total = sum(r["minutes"] for r in rounds)
    fills = abs(total - guide) < 1e-9
    if total <= 0 or (not fills and minutes >= total):
        return p
    factor = minutes / total if not fills else minutes / guide
    # to the half minute a facilitator says out loud, rounded down, so the rounds never
    # add up to more than the step (``_shortest`` keeps each ≥ half a minute)
    scaled = [{**r, "minutes": max(ROUND_MIN, math.floor(r["minutes"] * factor * 2 + 1e-6) / 2)}
              for r in rounds]
    return {**p, "rounds": scaled}


def plan_note(p: dict, t) -> str:
    """'Rounds: 6 · 7 · 7 min' under the step on the plan screen, the rounds fitted to a
    new length to the half minute: '4½ · 5 · 5 min'."""
    def half(m: float) -> str:
        whole = int(m)
        return (str(whole) if whole else "") + "½" if m - whole >= 0.5 else str(whole)
    times = " · ".join(half(float(r["minutes"])) for r in p.get("rounds", ()))
    return t(N_("Rounds: {times}")).format(times=times + " min")


ACTIVITY = Activity(
    "rounds",
    params=(
        Param("rounds", Tables((Param("name", Text(max_len=60), required=True),
                                Param("minutes", Num(0), required=True),
                                # what the group does in this round, shown under its name
                                Param("prompts", Texts(min_items=0, item=Text(max_len=200)), default=())),
                               "round", unique="name"),
              required=True),
    ),
    extra=_fits_step,
    shortest=_shortest,
    fit=_fit,
    plan_note=plan_note,
    refusals={
        "no_rounds": N_("This step has no rounds."),
        "no_such_round": N_("That round is not part of this step."),
        "first_round": N_("This is the first round."),
        "last_round": N_("This is the last round. Tap “Next step” when the group is ready."),
        "round_adjust_range": N_("A round can be lengthened or shortened by at most two hours."),
    },
    order=20,
)
