"""Proposals and the decisions a responsible body takes on them (issue 15, DESIGN.md §4).

In several guides the workshop only proposes, and a body decides later: the
dialogverksted's and APU's ansvarsgruppe, NED's working group and leader, the TRIO.
A method says so with ``decided_by`` (``kiosk.core.method.DECIDERS``); then every
action its workshop makes is a **proposal** (``Action.decision``, state "proposed",
made by ``ActionPlan.add``). Behind the PIN the body then, per proposal:

* **approves** it: it becomes an agreed action, on the arrow at its first stage, and
  the kiosk keeps who approved it (names, or the body), when and which body;
* **adjusts** it: its theme, measure, owner or follow-up day, as a decision (the log
  keeps what it said before);
* **merges** it into another open proposal of the same workshop: the other one takes
  what this one adds, this one is kept, marked merged into it;
* **declines** it, with a reason: it leaves the board for the archive.

The decision is the action's third facet with its own writer (this module), beside
the plan (``ActionPlan``) and the status (the statuspil ``Board``): each intent
writes the ``decision`` field (and, for an adjustment or a merge, the plan fields it
changes) in one ``store.batch``, after reading the action again inside it, so a
screen that is behind is refused instead of deciding twice: a proposal declined
meanwhile cannot be approved, a second approval is "already decided". A screen
sends the revision it showed (``seen``: ``Decision.revision``), so an adjustment or a
merge made elsewhere meanwhile is noticed too.

Every decision needs a name (refused without one), and is undone by ``undo`` only
while the action is still exactly as the decision left it (compared with the store).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Optional

from kiosk.i18n import N_
from kiosk.store import StoreError

from .activities.actions import (ACTIONS, APPROVED, DECLINED, MERGED, PROPOSED, ANSWER_MAX, Action,
                                 ActionError, ActionPlan, Decision, clean_answer, clean_future_date,
                                 clean_owner, clean_theme, live_action, measure_question)
from .undo import Undoable, UndoLog

BODIES = {
    "ansvarsgruppe": N_("the responsible group"),
    "trio": N_("the TRIO"),
    "med": N_("the MED committee"),
    "amo": N_("the work environment organisation"),
    "leader": N_("the leader"),
}
"""Each body's name as a sentence uses it ("approved by …"), in the kiosk's words;
translated: ansvarsgruppen, TRIO'en, MED-udvalget, arbejdsmiljøorganisationen, lederen."""

NAME_MAX = 120
"""Who decided: a few names, or the body."""
REASON_MAX = 300
KEEP = object()
"""``adjust``: leave this field as it is."""
LOG_MAX = 200
"""Decisions kept per proposal (a real one sees three or four)."""


def body_name(body: str, t: Callable[[str], str]) -> str:
    """The body's name in a sentence, in the language of ``t``."""
    return t(BODIES.get(body, BODIES["ansvarsgruppe"]))


def capital(text: str) -> str:
    """The first letter a capital: a body's name at the start of a line or on a button."""
    return text[:1].upper() + text[1:]


def clean_name(by: Any) -> str:
    """Who decides, as stored: trimmed, single-spaced; empty 'decider_empty', long 'decider_long'."""
    text = " ".join(by.split()) if isinstance(by, str) else ""
    if not text:
        raise ActionError("decider_empty")
    if len(text) > NAME_MAX:
        raise ActionError("decider_long")
    return text


def clean_reason(reason: Any) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ActionError("reason_empty")
    if len(text) > REASON_MAX:
        raise ActionError("reason_long")
    return text


@dataclass(frozen=True)
class Proposal:
    """One open proposal as the Decide panel lists it."""

    action: Action
    team: str
    method_title: str

    @property
    def key(self) -> tuple[str, int]:
        return self.action.key


def _state_refusal(a: Action, verb: str) -> ActionError:
    """Why a decision on ``a`` cannot be taken: what the store says it is now."""
    if a.decision is None:
        return ActionError("not_proposal")
    if a.decision.state == DECLINED:
        return ActionError("declined_meanwhile" if verb == "approve" else "already_decided")
    if a.decision.state == MERGED:
        return ActionError("merged_meanwhile")
    return ActionError("already_decided")


class Decisions(Undoable):
    """The decisions on every session's proposals, over the store. Holds no data of its
    own but the undo log of the decisions taken through it."""

    def __init__(self, store, clock) -> None:
        self.store = store
        self.clock = clock
        self._undo: UndoLog[list[tuple[str, int, dict, Action]]] = UndoLog()

    # -- reading ------------------------------------------------------------------------

    def proposals(self, bodies: Optional[Iterable[str]] = None) -> list[Proposal]:
        """Every open proposal of every session (``bodies``: only those to these bodies),
        oldest first; a session file that cannot be read is passed over."""
        wanted = None if bodies is None else set(bodies)
        out = []
        for entry in self.store.list_sessions():
            sid = entry.get("id")
            try:
                docs = self.store.all(sid, ACTIONS)
            except StoreError:
                continue
            for d in docs:
                try:
                    a = Action.from_dict(d, sid)
                except (KeyError, TypeError, ValueError):
                    continue
                if a.deleted or not a.proposal or (wanted is not None and a.decision.body not in wanted):
                    continue
                out.append(Proposal(a, str(entry.get("team") or ""), str(entry.get("method_title") or "")))
        out.sort(key=lambda p: (p.action.created_at, p.action.session_id, p.action.id))
        return out

    def merge_candidates(self, session_id: str, action_id: int) -> list[Proposal]:
        """The open proposals ``action_id`` can be merged with: the others of its workshop."""
        return [p for p in self.proposals() if p.action.session_id == session_id and p.action.id != action_id]

    def action(self, session_id: str, action_id: Any) -> Action:
        """One live action, fresh from the store; else 'unknown_action'."""
        action = live_action(self.store, session_id, action_id)
        if action is None:
            raise ActionError("unknown_action")
        return action

    def questions(self, session_id: str) -> list[dict]:
        """The session's action questions (id, title), as its method asks them."""
        return ActionPlan(self.store, session_id, self.clock).questions

    # -- the one way to decide -------------------------------------------------------------

    def _open(self, a: Action, verb: str, seen: Optional[int]) -> Decision:
        """The proposal's decision facet, if it is still open and as the screen saw it."""
        if not a.proposal:
            raise _state_refusal(a, verb)
        if seen is not None and (isinstance(seen, bool) or seen != a.decision.revision):
            raise ActionError("decision_changed")
        return a.decision

    def _decide(self, session_id: str, ids: tuple[int, ...],
                decide: Callable[[list[Action], float], list[dict]]) -> list[Action]:
        """Read the actions under the store's lock, let ``decide`` refuse or return each
        one's new fields, write them all in one batch; then remember what they replaced."""
        for i in ids:
            self.action(session_id, i)  # before the batch, which would create a file
        now = float(self.clock.now())
        with self.store.batch(session_id):  # a refusal inside rolls back: nothing written
            before = [self.action(session_id, i) for i in ids]
            changes = decide(before, now)
            after = []
            for a, fields in zip(before, changes):
                self.store.update(session_id, ACTIONS, a.id, fields)
                after.append(Action.from_dict({**a.to_dict(), **fields}, session_id))
        self._undo.push([(session_id, a.id, {k: a.to_dict().get(k) for k in fields}, new)
                         for a, fields, new in zip(before, changes, after)])
        return after

    @staticmethod
    def _logged(d: Decision, record: dict, **changes: Any) -> dict:
        """The decision facet with ``changes`` and one more record in its log."""
        return replace(d, log=(*d.log, record)[-LOG_MAX:], **changes).to_dict()

    # -- intents ------------------------------------------------------------------------

    def approve(self, session_id: str, action_id: int, by: str, *, seen: Optional[int] = None) -> Action:
        """Approve a proposal: it becomes an agreed action (on the board at the arrow's
        first stage), approved by ``by`` (names, or the body), now.

        Refuses 'decider_empty'/'decider_long', 'unknown_action', 'not_proposal',
        'declined_meanwhile', 'merged_meanwhile', 'already_decided' (a second approval),
        'decision_changed' (``seen`` is not the stored revision)."""
        name = clean_name(by)

        def decide(actions: list[Action], now: float) -> list[dict]:
            d = self._open(actions[0], "approve", seen)
            return [{"decision": self._logged(d, {"at": now, "event": "approve", "by": name, "body": d.body},
                                              state=APPROVED, by=name, at=now)}]
        return self._decide(session_id, (action_id,), decide)[0]

    def decline(self, session_id: str, action_id: int, by: str, reason: str, *,
                seen: Optional[int] = None) -> Action:
        """Decline a proposal with a reason: it leaves the board for the archive, marked
        declined. Refuses as ``approve`` does, and 'reason_empty'/'reason_long'."""
        name = clean_name(by)
        why = clean_reason(reason)

        def decide(actions: list[Action], now: float) -> list[dict]:
            d = self._open(actions[0], "decline", seen)
            record = {"at": now, "event": "decline", "by": name, "body": d.body, "reason": why}
            return [{"decision": self._logged(d, record, state=DECLINED, by=name, at=now, reason=why)}]
        return self._decide(session_id, (action_id,), decide)[0]

    def adjust(self, session_id: str, action_id: int, by: str, *, seen: Optional[int] = None,
               theme_label: Any = KEEP, measure: Any = KEEP, owner: Any = KEEP, follow_up: Any = KEEP) -> Action:
        """Change an open proposal as a decision: its theme, its measure (the method's
        measure question), its owner or its follow-up day (None clears it). It stays a
        proposal; the log keeps what the fields said before.

        Refuses what the action plan refuses for those fields ('theme_empty', 'theme_long',
        'answer_long', 'owner_empty', 'owner_long', 'date_past'), 'no_change', and as
        ``approve`` does."""
        name = clean_name(by)
        measure_id = measure_question(self.questions(session_id)) if measure is not KEEP else None
        if measure is not KEEP and measure_id is None:
            raise ActionError("question_unknown")
        new_measure = clean_answer(measure) if measure is not KEEP else None
        new_owner = clean_owner(owner) if owner is not KEEP else None
        new_day = clean_future_date(follow_up, self.clock) if follow_up is not KEEP else None

        def decide(actions: list[Action], now: float) -> list[dict]:
            a = actions[0]
            d = self._open(a, "adjust", seen)
            fields: dict[str, Any] = {}
            if theme_label is not KEEP:
                fields["theme_label"] = clean_theme(a.theme_key, theme_label)[1]
            if measure is not KEEP:
                answers = {k: v for k, v in a.answers.items() if k != measure_id}
                if new_measure:
                    answers[measure_id] = new_measure
                fields["answers"] = answers
            if owner is not KEEP:
                fields["owner"] = new_owner
            if follow_up is not KEEP:
                fields["follow_up"] = new_day
            current = a.to_dict()
            fields = {k: v for k, v in fields.items() if current[k] != v}
            if not fields:
                raise ActionError("no_change")
            record = {"at": now, "event": "adjust", "by": name, "body": d.body,
                      "before": {k: current[k] for k in fields}}
            return [{**fields, "decision": self._logged(d, record)}]
        return self._decide(session_id, (action_id,), decide)[0]

    def merge(self, session_id: str, action_id: int, into_id: int, by: str, *,
              seen: Optional[int] = None, seen_into: Optional[int] = None) -> Action:
        """Merge the proposal ``action_id`` into the proposal ``into_id`` of the same
        workshop; returns the one it went into.

        The one kept takes what the other adds: its answers where it has none (or, where
        both answered, the other's after its own when the two fit in one answer), its
        owner and follow-up day where it has none. The other is kept, marked merged into
        it, so nothing it said is lost (the export shows it).

        Refuses 'merge_self', 'merge_decided' (either one is decided already), and as
        ``approve`` does."""
        name = clean_name(by)
        if action_id == into_id:
            raise ActionError("merge_self")

        def decide(actions: list[Action], now: float) -> list[dict]:
            src, dst = actions
            for a, s in ((src, seen), (dst, seen_into)):
                if not a.proposal:
                    raise ActionError("merge_decided") if a.decision is not None else ActionError("not_proposal")
                self._open(a, "merge", s)
            answers = dict(dst.answers)
            for qid, text in src.answers.items():
                mine = answers.get(qid, "").strip()
                if not mine:
                    answers[qid] = text
                elif text.strip() and text.strip() not in mine and len(mine) + 1 + len(text) <= ANSWER_MAX:
                    answers[qid] = f"{mine}\n{text.strip()}"
            fields: dict[str, Any] = {}
            if answers != dst.answers:
                fields["answers"] = answers
            if not dst.owner and src.owner:
                fields["owner"] = src.owner
            if dst.follow_up is None and src.follow_up is not None:
                fields["follow_up"] = src.follow_up
            dd, sd = dst.decision, src.decision
            fields["decision"] = self._logged(
                dd, {"at": now, "event": "merge", "by": name, "body": dd.body, "with": src.id,
                     "before": {k: dst.to_dict()[k] for k in fields}},
                merged_from=(*dd.merged_from, src.id))
            gone = {"decision": self._logged(sd, {"at": now, "event": "merged", "by": name, "body": sd.body,
                                                  "into": dst.id},
                                             state=MERGED, by=name, at=now, merged_into=dst.id)}
            return [gone, fields]
        return self._decide(session_id, (action_id, into_id), decide)[1]

    # -- undo ---------------------------------------------------------------------------

    def undo(self) -> bool:
        """Take back the last decision taken here (every action it touched), if each is
        still exactly as it left them; else 'undo_changed', nothing is written and that
        decision is no longer offered (an older one is never undone in its place). False
        when there is nothing to undo."""
        if self._undo and self._changed(self._undo[-1]):
            self._undo.undo(lambda entry: None)  # it can never be put back: forget it
            raise ActionError("undo_changed")
        return self._undo.undo(self._put_back)

    def _changed(self, entry: list[tuple[str, int, dict, Action]]) -> bool:
        for sid, action_id, _before, after in entry:
            try:
                doc = self.store.get(sid, ACTIONS, action_id)
            except StoreError as exc:
                if exc.kind != "invalid":
                    raise
                doc = None
            if doc is None or Action.from_dict(doc, sid) != after:
                return True
        return False

    def _put_back(self, entry: list[tuple[str, int, dict, Action]]) -> None:
        with self.store.batch(entry[0][0]):
            if self._changed(entry):  # again under the lock: a board tap a moment ago
                raise ActionError("undo_changed")
            for sid, action_id, before, _after in entry:
                self.store.update(sid, ACTIONS, action_id, before)
