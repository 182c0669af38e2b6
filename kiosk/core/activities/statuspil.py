"""The statuspil board: every open action of every session as an arrow (DESIGN.md §4).

Between meetings the board is the kiosk's idle screen. Each action is an arrow of
stages (its own ``Action.stages``: the method's statuspil stages when it was made,
else ``DEFAULT_STAGES``), plus *parkeret*, a state beside the arrow that keeps the
stage. A passer-by taps an action, taps "move to <next stage>" (or back), confirms,
and sees an UNDO for ``undo_seconds``.

Rules the board keeps:

* **A stale tap is refused.** Every tap sends the place the passer-by saw (a stage
  index, or ``PARKED``); if the stored action is elsewhere now — someone else moved it
  a moment ago — the tap is 'moved_meanwhile', so a double tap never jumps two stages.
  The check and the write happen inside one ``store.batch`` (under the store's lock).
* **Every change is logged** in the action's ``history``: ``{"at", "from", "to",
  "by", "event"}`` plus ``"before"``, the other status fields as they were, so undo
  restores exactly what the change replaced. The log keeps the newest HISTORY_MAX
  records (only a bored finger gets there).
* **Undo needs no memory.** It is allowed within ``undo_seconds`` of *that action's*
  last record (the time is in the record), so the board keeps no per-tap state: a
  restart or a second board in the web server sees the same undo window.
* **Reading goes to the store every time**, all sessions through ``list_sessions``
  and ``all(sid, "actions")``; a session file that cannot be read is skipped (listed
  in ``skipped``) so one broken file never blanks the board.

Finished actions (last stage) stay on the board for ``archive_days`` so the group
sees them reach the goal, then move to the archive. A trial action dropped at review
is finished at once and goes straight to the archive, marked dropped.

A **proposal** (a method that proposes its actions to a body: ``kiosk.core.decisions``)
is on the board apart, awaiting its decision, and does not move (refused
'proposal_pending') until it is approved; it is never overdue. A declined proposal
goes straight to the archive; one merged into another is not shown (it lives on there).

The next meeting of a two-meeting session (dialogverksted, APU) is stored in the
session file's own "meta" table (one document ``{"key": "next_meeting", "value":
"YYYY-MM-DD"}``), not in the session document: the workshop rewrites that document
whole on every tap and would drop a field it does not know. It goes with the session
when the session is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Optional, Union

from kiosk.store import StoreError

from .actions import (ACTIONS, DEFAULT_STAGES, PARKED, STAGE_NAME_MAX, VERDICTS, Action, ActionError, DateLike,
                      clean_future_date, clean_stages, live_action, local_date, parse_date, stages_from)
from kiosk.clock import JUMP_TOLERANCE
from kiosk.core.params import Param, Text, Texts
from kiosk.i18n import N_

from . import Activity

__all__ = ["DEFAULT_STAGES", "PARKED", "HISTORY_MAX", "META", "Arrow", "Meeting", "Board",
           "stages_from", "clean_stages", "set_next_meeting", "next_meeting", "ActionError"]

HISTORY_MAX = 500
"""Status records kept per action (newest); a real action sees a dozen."""
META = "meta"
"""The per-session table for small session-level facts the board reads."""
NEXT_MEETING = "next_meeting"
BY = ("board", "workshop")
"""Who made a change: a passer-by at the board, or the group in the workshop."""
FOLLOW_UP = "follow_up"
"""The history event of a follow-up at a follow-up meeting (``kiosk.core.activities.review``)."""
DAY = 86_400.0
UNDOABLE = ("parked", "verdict", "finished_at", "review")
"""The fields a history record's "before" may put back (the stage comes from "from")."""

Place = Union[int, str]


@dataclass(frozen=True)
class Arrow:
    """One action as the board shows it."""

    action: Action
    team: str
    method_title: str
    overdue: bool
    """Its follow-up day has passed and it is still open (see ``Board.overdue``)."""
    review_due: bool
    undo_left: float
    """Seconds the UNDO for its last change stays offered (0: none)."""


@dataclass(frozen=True)
class Meeting:
    session_id: str
    team: str
    method_title: str
    date: str
    """ISO day."""


# -- the next meeting, session-level ---------------------------------------------------------

def _meta_doc(store, session_id: str, key: str) -> Optional[dict]:
    return store.first(session_id, META, "key", key)


def next_meeting(store, session_id: str) -> Optional[str]:
    """The session's next meeting day (ISO) as stored, or None."""
    try:
        doc = _meta_doc(store, session_id, NEXT_MEETING)
    except StoreError as exc:
        if exc.kind == "invalid":
            return None
        raise
    value = None if doc is None else doc.get("value")
    try:
        return None if value is None else parse_date(value).isoformat()
    except ActionError:
        return None


def set_next_meeting(store, session_id: str, date_iso: DateLike, *, clock=None) -> Optional[str]:
    """Store (or with None clear) when a session meets next, in its file's "meta" table.

    Refuses 'unknown_session', 'date_invalid', 'date_past' (today is fine), judged
    by ``clock`` or else the store's clock. One batch, one write.
    """
    try:
        exists = store.load_session(session_id) is not None
    except StoreError as exc:
        if exc.kind != "invalid":
            raise
        exists = False
    if not exists:
        raise ActionError("unknown_session")
    value = clean_future_date(date_iso, clock if clock is not None else store.clock)
    with store.batch(session_id):
        doc = _meta_doc(store, session_id, NEXT_MEETING)
        if doc is None:
            store.insert(session_id, META, {"key": NEXT_MEETING, "value": value})
        else:
            store.update(session_id, META, doc["doc_id"], {"value": value})
    return value


# -- the board -------------------------------------------------------------------------------

class Board:
    """The statuspil over all sessions' actions. Holds no data of its own."""

    def __init__(self, store, clock, *, archive_days: float = 14, undo_seconds: float = 30,
                 adjust_days: int = 14) -> None:
        """``archive_days``: days in the last stage before an action leaves the board;
        ``undo_seconds``: how long a change can be undone; ``adjust_days``: how far an
        "adjust" verdict moves a trial action's review day (from today)."""
        if not (isinstance(archive_days, (int, float)) and archive_days >= 0):
            raise ValueError("archive_days must be 0 or more")
        if not (isinstance(undo_seconds, (int, float)) and undo_seconds >= 0):
            raise ValueError("undo_seconds must be 0 or more")
        if not (isinstance(adjust_days, int) and adjust_days >= 1):
            raise ValueError("adjust_days must be a whole number of days, 1 or more")
        self.store = store
        self.clock = clock
        self.archive_days = float(archive_days)
        self.undo_seconds = float(undo_seconds)
        self.adjust_days = adjust_days
        self.skipped: list[str] = []
        """Session ids whose file could not be read on the last scan (shown as a warning)."""

    # -- rules on one action ----------------------------------------------------------

    def _today(self):
        return local_date(float(self.clock.now()))

    def overdue(self, action: Action, *, today=None) -> bool:
        """The follow-up day is before today, nobody has followed it up since (at a
        follow-up meeting, ``kiosk.core.activities.review``), and the action is still
        open. A parked action is never overdue: putting it on hold was a decision, not a slip."""
        if (action.deleted or action.finished or action.parked or action.follow_up is None
                or not action.agreed):
            return False
        due = parse_date(action.follow_up)
        return due < (today or self._today()) and not action.followed_up_since(due)

    def review_due(self, action: Action, *, today=None) -> bool:
        """A trial action whose review day has come and that awaits a verdict ("adjust"
        moved the review day on, "continue" ends the reviews, "drop" finishes it)."""
        if (not action.trial or action.deleted or action.finished or action.parked
                or action.review is None or action.verdict == "continue" or not action.agreed):
            return False
        return parse_date(action.review) <= (today or self._today())

    def archived(self, action: Action, *, now: Optional[float] = None) -> bool:
        """Finished ``archive_days`` ago or more; a dropped action or a declined proposal at once."""
        if action.declined:
            return True
        if action.finished_at is None:
            return False
        if action.dropped:
            return True
        now = float(self.clock.now()) if now is None else now
        return action.finished_at + self.archive_days * DAY <= now

    def undo_left(self, action: Action, *, now: Optional[float] = None) -> float:
        """Seconds left to undo the action's last change (0: nothing to undo). A change
        stamped in the future (the clock was set back since) is not undone: how long
        ago it was cannot be known, and the window must not stay open for an hour. A
        follow-up is taken back by its meeting's Undo (``review.Review``), not here."""
        last = action.last_move
        if last is None or not isinstance(last.get("at"), (int, float)) or last.get("event") == FOLLOW_UP:
            return 0.0
        now = float(self.clock.now()) if now is None else now
        ago = now - float(last["at"])
        if ago < -JUMP_TOLERANCE:
            return 0.0
        return max(0.0, self.undo_seconds - max(0.0, ago))

    # -- reading ----------------------------------------------------------------------

    def _scan(self) -> list[tuple[dict, list[Action]]]:
        """Every session's index entry with its live actions."""
        out = []
        skipped = []
        for entry in self.store.list_sessions():
            sid = entry.get("id")
            try:
                docs = self.store.all(sid, ACTIONS)
            except StoreError:
                skipped.append(str(sid))
                continue
            actions = []
            for d in docs:
                try:
                    a = Action.from_dict(d, sid)
                except (KeyError, TypeError, ValueError):
                    continue  # a document no kiosk wrote: not shown, left as it is
                if not a.deleted and not a.merged:
                    actions.append(a)
            out.append((entry, actions))
        self.skipped = skipped
        return out

    def _arrow(self, entry: dict, a: Action, now: float, day) -> Arrow:
        return Arrow(action=a, team=str(entry.get("team") or ""),
                     method_title=str(entry.get("method_title") or ""),
                     overdue=self.overdue(a, today=day), review_due=self.review_due(a, today=day),
                     undo_left=self.undo_left(a, now=now))

    def open_actions(self) -> list[Arrow]:
        """The board: every action not deleted and not archived, in this order —

        1. needing attention: overdue, or a trial whose review is due;
        2. open, in progress;
        3. proposals awaiting their decision;
        4. finished (last stage), waiting to be archived;
        5. parked;

        within each: by follow-up day (none last), then team, then theme (ignoring
        case), then age — so the same board always looks the same.
        """
        now = float(self.clock.now())
        day = local_date(now)
        arrows = [self._arrow(entry, a, now, day) for entry, actions in self._scan()
                  for a in actions if not self.archived(a, now=now)]

        def order(r: Arrow) -> tuple:
            a = r.action
            group = (4 if a.parked else 3 if a.finished else 2 if a.proposal
                     else 0 if (r.overdue or r.review_due) else 1)
            return (group, a.follow_up or "9999-99-99", r.team.casefold(),
                    a.theme_label.casefold(), a.created_at, a.session_id, a.id)
        arrows.sort(key=order)
        return arrows

    def archive(self, limit: Optional[int] = None) -> list[Arrow]:
        """Archived actions (finished long enough, dropped, or declined), most recently
        finished (or declined) first."""
        now = float(self.clock.now())
        day = local_date(now)
        arrows = [self._arrow(entry, a, now, day) for entry, actions in self._scan()
                  for a in actions if self.archived(a, now=now)]
        arrows.sort(key=lambda r: (-(r.action.finished_at or (r.action.decision.at if r.action.declined else None)
                                     or 0.0), r.action.session_id, r.action.id))
        return arrows if limit is None else arrows[:max(0, limit)]

    def next_meetings(self) -> list[Meeting]:
        """Sessions with a next meeting today or later, soonest first (a past date is a
        meeting that has happened: it is no longer "next")."""
        day = self._today().isoformat()
        out = []
        for entry in self.store.list_sessions():
            sid = entry.get("id")
            try:
                when = next_meeting(self.store, sid)
            except StoreError:
                continue
            if when is not None and when >= day:
                out.append(Meeting(str(sid), str(entry.get("team") or ""),
                                   str(entry.get("method_title") or ""), when))
        out.sort(key=lambda m: (m.date, m.team.casefold(), m.session_id))
        return out

    def action(self, session_id: str, action_id: int) -> Action:
        """One live action, fresh from the store; else 'unknown_action'."""
        action = live_action(self.store, session_id, action_id)
        if action is None:
            raise ActionError("unknown_action")
        return action

    # -- the one way to change a status -----------------------------------------------

    def _change(self, session_id: str, action_id: int,
                decide: Callable[[Action, float], tuple[dict, dict]]) -> Action:
        """Read the action under the store's lock, let ``decide`` refuse or return the
        status fields to set and the history record, write both in one batch."""
        self.action(session_id, action_id)  # before the batch, which would create a file
        now = float(self.clock.now())
        with self.store.batch(session_id):  # a refusal inside rolls back (nothing was written)
            action = self.action(session_id, action_id)
            fields, record = decide(action, now)
            history = [*action.to_dict()["history"], record]
            fields["history"] = history[-HISTORY_MAX:]
            self.store.update(session_id, ACTIONS, action_id, fields)
        return Action.from_dict({**action.to_dict(), **fields}, session_id)

    @staticmethod
    def _check_by(by: str) -> str:
        if by not in BY:
            raise ActionError("by_unknown")
        return by

    @staticmethod
    def _seen(action: Action, seen_stage: Place) -> None:
        if action.place != seen_stage or isinstance(seen_stage, bool):
            raise ActionError("moved_meanwhile")
        if not action.agreed:  # a proposal moves once approved (kiosk.core.decisions)
            raise ActionError("proposal_pending" if action.proposal else "not_agreed")

    def _to(self, session_id: str, action_id: int, seen_stage: Place, by: str,
            target: Callable[[Action], int]) -> Action:
        by = self._check_by(by)

        def decide(a: Action, now: float) -> tuple[dict, dict]:
            self._seen(a, seen_stage)
            if a.dropped:
                raise ActionError("finished")
            if a.parked:
                raise ActionError("parked")
            to = target(a)
            if isinstance(to, bool) or not isinstance(to, int) or not 0 <= to <= a.last_stage:
                raise ActionError("no_such_stage")
            if to == a.stage:
                raise ActionError("no_move")
            finished_at = now if to == a.last_stage else None
            fields: dict[str, Any] = {"stage": to}
            record = {"at": now, "from": a.stage, "to": to, "by": by, "event": "move", "before": {}}
            if finished_at != a.finished_at:
                fields["finished_at"] = finished_at
                record["before"]["finished_at"] = a.finished_at
            return fields, record
        return self._change(session_id, action_id, decide)

    # -- intents ----------------------------------------------------------------------

    def move(self, session_id: str, action_id: int, to_stage: int, *, seen_stage: Place,
             by: str = "board") -> Action:
        """Move an action to ``to_stage`` (any stage of its arrow: the board offers the
        next and the previous one, the workshop any). Reaching the last stage finishes
        it (``finished_at``); moving back from it opens it again.

        Refuses 'unknown_action', 'moved_meanwhile' (stored place != ``seen_stage``),
        'no_such_stage', 'no_move' (already there), 'parked' (unpark first),
        'finished' (dropped at review).
        """
        return self._to(session_id, action_id, seen_stage, by, lambda a: to_stage)

    def forward(self, session_id: str, action_id: int, *, seen_stage: Place,
                by: str = "board") -> Action:
        """One stage on; at the last stage 'finished'."""
        def target(a: Action) -> int:
            if a.next_stage is None:
                raise ActionError("finished")
            return a.next_stage
        return self._to(session_id, action_id, seen_stage, by, target)

    def back(self, session_id: str, action_id: int, *, seen_stage: Place,
             by: str = "board") -> Action:
        """One stage back; at the first stage 'no_move'."""
        def target(a: Action) -> int:
            if a.previous_stage is None:
                raise ActionError("no_move")
            return a.previous_stage
        return self._to(session_id, action_id, seen_stage, by, target)

    def park(self, session_id: str, action_id: int, *, seen_stage: Place,
             by: str = "board") -> Action:
        """Put an action on hold (parkeret); it keeps its stage. Refuses
        'moved_meanwhile', 'no_move' (already parked), 'finished' (done or dropped)."""
        by = self._check_by(by)

        def decide(a: Action, now: float) -> tuple[dict, dict]:
            self._seen(a, seen_stage)
            if a.parked:
                raise ActionError("no_move")
            if a.finished:
                raise ActionError("finished")
            return ({"parked": True}, {"at": now, "from": a.stage, "to": a.stage, "by": by,
                                       "event": "park", "before": {"parked": False}})
        return self._change(session_id, action_id, decide)

    def unpark(self, session_id: str, action_id: int, *, seen_stage: Place,
               by: str = "board") -> Action:
        """Take an action off hold, back to the stage it had. Refuses 'moved_meanwhile',
        'no_move' (not parked)."""
        by = self._check_by(by)

        def decide(a: Action, now: float) -> tuple[dict, dict]:
            self._seen(a, seen_stage)
            if not a.parked:
                raise ActionError("no_move")
            return ({"parked": False}, {"at": now, "from": a.stage, "to": a.stage, "by": by,
                                        "event": "unpark", "before": {"parked": True}})
        return self._change(session_id, action_id, decide)

    def set_verdict(self, session_id: str, action_id: int, verdict: str, *, seen_stage: Place,
                    by: str = "board") -> Action:
        """The verdict on a trial action at its review (any time the group decides):

        * "continue": it stays on the board as a plain action; no more reviews due;
        * "adjust": it stays open and its review day moves to today + ``adjust_days``;
        * "drop": finished as dropped (``finished_at`` now): off the board, into the
          archive marked dropped; undo within the window brings it back.

        Refuses 'verdict_unknown', 'moved_meanwhile' (stored place != ``seen_stage``),
        'not_trial', 'finished' (already dropped), 'no_move' ("continue" twice). Logged
        like a move and undoable the same way.
        """
        by = self._check_by(by)
        if verdict not in VERDICTS:
            raise ActionError("verdict_unknown")

        def decide(a: Action, now: float) -> tuple[dict, dict]:
            self._seen(a, seen_stage)
            if not a.trial:
                raise ActionError("not_trial")
            if a.dropped:
                raise ActionError("finished")
            if verdict == a.verdict == "continue":
                raise ActionError("no_move")
            fields: dict[str, Any] = {"verdict": verdict}
            if verdict == "adjust":
                fields["review"] = (local_date(now) + timedelta(days=self.adjust_days)).isoformat()
            elif verdict == "drop":
                fields["finished_at"] = now
                fields["parked"] = False
            current = a.to_dict()
            before = {k: current[k] for k in fields}
            return fields, {"at": now, "from": a.stage, "to": a.stage, "by": by,
                            "event": "verdict", "verdict": verdict, "before": before}
        return self._change(session_id, action_id, decide)

    def undo(self, session_id: str, action_id: int, *, seen_stage: Optional[Place] = None) -> Action:
        """Take back the action's last change if it is at most ``undo_seconds`` old:
        the record leaves the history and the stage and fields it replaced come back.

        Refuses 'nothing_to_undo', 'undo_expired', and — when ``seen_stage`` is given
        (the place the UNDO button was offered for) — 'moved_meanwhile' if someone
        has changed the action since.
        """
        action = self.action(session_id, action_id)
        now = float(self.clock.now())

        def check(a: Action) -> dict:
            last = a.last_move
            if last is None or last.get("event") == FOLLOW_UP:  # the meeting's Undo takes that back
                raise ActionError("nothing_to_undo")
            if seen_stage is not None:
                self._seen(a, seen_stage)
            at = last.get("at")
            if (not isinstance(at, (int, float)) or now - float(at) > self.undo_seconds
                    or now - float(at) < -JUMP_TOLERANCE):  # the clock went back: see undo_left
                raise ActionError("undo_expired")
            return last
        check(action)  # refuse before opening a batch
        with self.store.batch(session_id):
            a = self.action(session_id, action_id)
            last = check(a)
            before = last.get("before") if isinstance(last.get("before"), dict) else {}
            fields: dict[str, Any] = {k: v for k, v in before.items() if k in UNDOABLE}
            back = last.get("from")
            if isinstance(back, int) and not isinstance(back, bool) and 0 <= back <= a.last_stage:
                fields["stage"] = back
            fields["history"] = a.to_dict()["history"][:-1]
            self.store.update(session_id, ACTIONS, action_id, fields)
        return Action.from_dict({**a.to_dict(), **fields}, session_id)


ACTIVITY = Activity(
    "statuspil",
    params=(
        # absent: the board's default stages in the UI language (aftalt → … → i mål)
        Param("stages", Texts(min_items=2, unique=True, item=Text(max_len=STAGE_NAME_MAX))),
    ),
    refusals={
        "moved_meanwhile": N_("Someone moved this action a moment ago. Look at the board again and tap once more."),
        "undo_expired": N_("The time to undo has run out. Move it back with the arrow's buttons."),
        "parked": N_("This action is parked. Take it up again first."),
        "finished": N_("This action is finished."),
        "no_move": N_("It is already there."),
        "no_such_stage": N_("That stage is not on this action's arrow."),
        "not_trial": N_("Only a trial action has a review."),
        "verdict_unknown": N_("Choose Continue, Adjust or Drop."),
    },
    order=150,
)
