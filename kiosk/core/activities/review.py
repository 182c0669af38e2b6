"""``review``: the follow-up at the board — the team's open actions, one at a time.

Every guide ends with "when do we follow up, and who", and a short standing meeting
at the statuspil board (a *tavlemøde*) is where that happens; meeting 2 of a
two-meeting method opens the same way. For each action the group writes down one
**follow-up**:

* what happened, in one line;
* the stage it has now (any stage of its arrow);
* the verdict: continue, adjust or drop (the trial actions' ``VERDICTS``, for every action);
* the next follow-up day, or none.

**Which actions.** The session's own, and every open action on the board whose session
belongs to the same team (its name, ignoring case and spacing): a follow-up meeting is
a session of its own, and the team is what ties it to the workshops before it. When
the team has none, the group may pick the team whose actions it follows up
(``choose_team``: a name typed slightly differently is the usual reason). Proposals
awaiting a decision are not actions yet and stay out; parked actions are in (the
meeting decides whether they run again); finished ones are out, except those followed
up in this very step, so the group still sees — and can undo — a drop.

**The record** lives on the action (``Action.follow_ups``: date, line, stage, verdict,
next day, and the session and step it was held in). It is written in the action's own
session file in one ``store.batch`` together with what it changes: the status (stage,
verdict, parked, finished_at, a trial action's review day), the next follow-up day
(``follow_up``) and a history record (event "follow_up"). So the board shows "followed
up <day>" and stops calling the action overdue (``Board.overdue``).

Rules:

* **stale** — the screen sends what it showed (``seen_of``); if the stored action is
  not that any more (someone moved it on the board meanwhile), the follow-up is
  refused ('changed_meanwhile') and nothing is written;
* a line is needed to adjust (what changes) and to drop (why); continuing needs none;
* the next day is today or later; a dropped action has none;
* continue or adjust takes a parked action up again; drop finishes it (the archive);
  the last stage finishes it, an earlier stage opens it again;
* **undo** puts back exactly what the follow-up replaced, unless the action has
  changed since ('follow_up_changed').

Re-prioritising at meeting 2 (dialogverksted 000 l.227–231) is the verdict: drop what
no longer matters, adjust (with a later day) what must wait; the themes themselves
are confirmed by the method's own sign-up step.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Iterable, Optional, Sequence

from kiosk.core.params import Int, Param
from kiosk.i18n import N_
from kiosk.store import StoreError

from ..refusal import Refusal
from ..undo import Undoable, UndoLog
from . import Activity
from .actions import (ACTIONS, VERDICTS, Action, ActionError, ActionPlan, DateLike, agreed_questions,
                      clean_future_date, live_action, local_date, today)
from .statuspil import FOLLOW_UP, HISTORY_MAX, META, Board

LINE_MAX = 160
"""What happened, in one line: read from 3 m on the screen, and in the export."""
FOLLOW_UPS_MAX = 200
"""Follow-up records kept per action (newest): a monthly meeting for sixteen years."""
NEXT_WEEKS = 4
"""The next follow-up the day picker suggests first, when the step does not say."""
TEAM_MAX = 60
"""A team's name, as the session keeps it (``kiosk.core.session.TEAM_MAX``)."""
REVIEW_TEAM = "review_team"
"""The session's "meta" key for the team whose actions the group chose to follow up."""
LINE_NEEDED = ("adjust", "drop")
"""The verdicts that need a line: what changes, or why it stops."""


class ReviewError(Refusal):
    """A follow-up the rules refuse; nothing was written."""


def team_key(name: Any) -> str:
    """A team's name as the review compares it: spacing and case do not matter."""
    return " ".join(str(name or "").split()).casefold()


def clean_line(text: Any) -> str:
    """What happened, as stored: one line (line breaks become spaces), trimmed;
    longer than LINE_MAX is 'line_long'. '' is allowed here (``follow_up`` decides)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ReviewError("line_long")
    line = " ".join(text.split())
    if len(line) > LINE_MAX:
        raise ReviewError("line_long")
    return line


def clean_next(value: DateLike, clock) -> Optional[str]:
    """The next follow-up day: today or later ('date_past'), or None."""
    return clean_future_date(value, clock)


def seen_of(action: Action) -> str:
    """What a screen showed of an action, to send back with a follow-up: its place, its
    last status change and its follow-ups. Any move, park, verdict or follow-up since
    changes it."""
    last = action.last_move or {}
    return "|".join(str(x) for x in (action.place, len(action.history), last.get("at"), last.get("event"),
                                     len(action.follow_ups), action.verdict, action.follow_up,
                                     action.finished_at is not None, action.deleted))


def suggest_next(action: Action, clock, weeks: int = NEXT_WEEKS) -> str:
    """The day the next-follow-up picker shows first: the one it has, if it is after
    today (today's is the one being held), else ``weeks`` from today."""
    day = today(clock)
    if action.follow_up and action.follow_up > day.isoformat():
        return action.follow_up
    return (day + timedelta(weeks=weeks)).isoformat()


class Review(Undoable):
    """The follow-ups of one review step, held in session ``session_id``.

    Reading goes to the store every time (all sessions of the team); every follow-up is
    checked, then written in one batch of the action's session, then remembered for undo.
    """

    def __init__(self, store, clock, session_id: str, step_id: str, *, adjust_days: int = 14) -> None:
        self.store = store
        self.clock = clock
        self.session_id = session_id
        self.step_id = step_id
        self.adjust_days = adjust_days
        """How far "adjust" moves a trial action's review day when no next day is picked."""
        doc = store.load_session(session_id)
        if doc is None:
            raise ReviewError("unknown_session")
        self.own_team = " ".join(str(doc.get("team") or "").split())
        self._undo: UndoLog[tuple] = UndoLog()

    # -- the team ---------------------------------------------------------------------

    def _team_doc(self) -> Optional[dict]:
        try:
            return self.store.first(self.session_id, META, "key", REVIEW_TEAM)
        except StoreError:
            return None

    @property
    def team(self) -> str:
        """Whose actions are followed up: the one the group chose, else the session's team."""
        doc = self._team_doc()
        chosen = doc.get("value") if doc else None
        return chosen if isinstance(chosen, str) and chosen.strip() else self.own_team

    def choose_team(self, team: Any) -> str:
        """Follow up another team's actions (a name typed differently at the start);
        '' or the session's own team goes back to it. One write; undoable."""
        name = " ".join(team.split()) if isinstance(team, str) else None
        if name is None or len(name) > TEAM_MAX:
            raise ReviewError("team_unknown")
        if name and team_key(name) not in {team_key(t) for t in self.teams()} | {team_key(self.own_team)}:
            raise ReviewError("team_unknown")
        before = self._put_team(name if team_key(name) != team_key(self.own_team) else "")
        self._undo.push(("team", before))
        return self.team

    def _put_team(self, value: str) -> str:
        with self.store.batch(self.session_id):
            doc = self._team_doc()
            before = str(doc.get("value") or "") if doc else ""
            if doc is None:
                self.store.insert(self.session_id, META, {"key": REVIEW_TEAM, "value": value})
            else:
                self.store.update(self.session_id, META, doc["doc_id"], {"value": value})
        return before

    def teams(self) -> list[str]:
        """The teams with open actions on the board, by name (each once)."""
        names: dict[str, str] = {}
        for entry, actions in self._sessions():
            if any(self._open(a) for a in actions):
                name = " ".join(str(entry.get("team") or "").split())
                if name:
                    names.setdefault(team_key(name), name)
        return sorted(names.values(), key=str.casefold)

    # -- reading ----------------------------------------------------------------------

    def _sessions(self) -> Iterable[tuple[dict, list[Action]]]:
        """Every readable session with its live actions (a broken file is passed over:
        the board says so)."""
        for entry in self.store.list_sessions():
            sid = entry.get("id")
            try:
                docs = self.store.all(sid, ACTIONS)
            except StoreError:
                continue
            actions = []
            for d in docs:
                try:
                    a = Action.from_dict(d, sid)
                except (KeyError, TypeError, ValueError):
                    continue
                if not a.deleted:
                    actions.append(a)
            yield entry, actions

    @staticmethod
    def _open(a: Action) -> bool:
        return a.agreed and not a.finished

    def here(self, action: Action) -> Optional[dict]:
        """The newest follow-up of the action made in this step, or None."""
        for f in reversed(action.follow_ups):
            if f.get("session") == self.session_id and f.get("step") == self.step_id:
                return f
        return None

    def actions(self, order: Sequence[tuple[str, int]] = ()) -> list[Action]:
        """The actions to walk, one at a time: those listed in ``order`` (what the screen
        walked so far) keep their places; the others follow, needing attention first (not
        followed up since their day, a review due), then by follow-up day, theme, age;
        parked ones last."""
        board = Board(self.store, self.clock)
        key = team_key(self.team)
        day = today(self.clock)
        found: list[Action] = []
        for entry, actions in self._sessions():
            sid = entry.get("id")
            if sid != self.session_id and team_key(entry.get("team")) != key:
                continue
            found += [a for a in actions if a.agreed and (not a.finished or self.here(a) is not None)]
        place = {k: i for i, k in enumerate(order)}

        def rank(a: Action) -> tuple:
            if a.key in place:
                return (0, place[a.key])
            attention = board.overdue(a, today=day) or board.review_due(a, today=day)
            group = 3 if a.parked else 1 if attention else 2
            return (group, a.follow_up or "9999-99-99", a.theme_label.casefold(), a.created_at,
                    a.session_id, a.id)
        return sorted(found, key=rank)

    def action(self, session_id: str, action_id: int) -> Action:
        """One live action, fresh from the store; else 'action_gone'."""
        action = live_action(self.store, session_id, action_id)
        if action is None:
            raise ReviewError("action_gone")
        return action

    def origin(self, action: Action) -> tuple[str, str]:
        """(team, method title) of the session the action was made in."""
        for e in self.store.list_sessions():
            if e.get("id") == action.session_id:
                return str(e.get("team") or ""), str(e.get("method_title") or "")
        return "", ""

    def agreed_lines(self, action: Action) -> list[tuple[str, str]]:
        """What the group agreed (the measure, then the goal), as (question, answer)."""
        try:
            questions = ActionPlan(self.store, action.session_id, self.clock).questions
        except (ActionError, StoreError):
            return []
        picked = agreed_questions(questions)
        return [(q["title"], action.answers[q["id"]]) for q in questions
                if q["id"] in picked and action.answers.get(q["id"], "").strip()]

    # -- the follow-up ----------------------------------------------------------------

    def follow_up(self, session_id: str, action_id: int, *, line: Any, stage: Any, verdict: Any,
                  next_day: DateLike, seen: str) -> Action:
        """Write one follow-up of an action (see the module's rules). Refuses
        'verdict_unknown', 'adjust_needs_line', 'drop_needs_line', 'line_long',
        'date_past', 'no_such_stage', 'action_gone', 'not_this_team', 'changed_meanwhile'."""
        if verdict not in VERDICTS:
            raise ActionError("verdict_unknown")
        line = clean_line(line)
        if not line and verdict == "adjust":
            raise ReviewError("adjust_needs_line")
        if not line and verdict == "drop":
            raise ReviewError("drop_needs_line")
        next_iso = None if verdict == "drop" else clean_next(next_day, self.clock)
        if isinstance(stage, bool) or not isinstance(stage, int):
            raise ActionError("no_such_stage")
        self.action(session_id, action_id)  # before the batch, which would make a file
        now = float(self.clock.now())
        day = local_date(now)
        with self.store.batch(session_id):  # a refusal inside rolls back: nothing written
            a = self.action(session_id, action_id)
            if session_id != self.session_id and not self._of_team(session_id):
                raise ReviewError("not_this_team")
            if seen_of(a) != seen:
                raise ReviewError("changed_meanwhile")
            if not 0 <= stage <= a.last_stage:
                raise ActionError("no_such_stage")
            fields: dict[str, Any] = {"stage": stage, "verdict": verdict, "follow_up": next_iso, "parked": False}
            if verdict == "drop":
                fields["finished_at"] = now
            else:
                fields["finished_at"] = (a.finished_at or now) if stage == a.last_stage else None
            if a.trial and verdict == "adjust":
                fields["review"] = next_iso or (day + timedelta(days=self.adjust_days)).isoformat()
            current = a.to_dict()
            before = {k: current[k] for k in (*fields, "history", "follow_ups")}
            record = {"at": now, "date": day.isoformat(), "line": line, "from": a.stage, "stage": stage,
                      "verdict": verdict, "next": next_iso, "session": self.session_id, "step": self.step_id}
            move = {"at": now, "from": a.stage, "to": stage, "by": "workshop", "event": FOLLOW_UP,
                    "verdict": verdict}
            fields["history"] = [*current["history"], move][-HISTORY_MAX:]
            fields["follow_ups"] = [*current["follow_ups"], record][-FOLLOW_UPS_MAX:]
            self.store.update(session_id, ACTIONS, action_id, fields)
        after = Action.from_dict({**current, **fields}, session_id)
        self._undo.push(("follow_up", session_id, action_id, before, seen_of(after)))
        return after

    def _of_team(self, session_id: str) -> bool:
        key = team_key(self.team)
        return any(e.get("id") == session_id and team_key(e.get("team")) == key
                   for e in self.store.list_sessions())

    # -- undo -------------------------------------------------------------------------

    def undo(self) -> bool:
        """Take back the newest follow-up (or team choice) of this step; a follow-up
        whose action has changed since is refused ('follow_up_changed'), one whose
        action is gone is passed over."""
        return self._undo.undo(self._put_back, gone=self._gone)

    def _gone(self, entry: tuple) -> bool:
        if entry[0] != "follow_up":
            return False
        try:
            self.action(entry[1], entry[2])
        except ReviewError:
            return True
        return False

    def _put_back(self, entry: tuple) -> None:
        if entry[0] == "team":
            self._put_team(entry[1])
            return
        _, session_id, action_id, before, after = entry
        with self.store.batch(session_id):
            if seen_of(self.action(session_id, action_id)) != after:
                raise ReviewError("follow_up_changed")
            self.store.update(session_id, ACTIONS, action_id, before)


# -- its part of an export (kiosk.core.export) ----------------------------------------------

def _record_out(a: Action, f: dict) -> dict:
    def stage_name(i: Any) -> Optional[str]:
        return a.stages[i] if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(a.stages) else None
    return {"date": str(f.get("date") or ""), "line": str(f.get("line") or ""),
            "from": stage_name(f.get("from")), "stage": stage_name(f.get("stage")),
            "verdict": f.get("verdict") if f.get("verdict") in VERDICTS else None,
            "next": f.get("next") if isinstance(f.get("next"), str) else None,
            "held_in": str(f.get("session") or "")}


def collect(ctx) -> dict:
    """The follow-ups of this session's actions, and those held in this session of other
    sessions' actions (a follow-up meeting's own export), each under its action."""
    out = []
    for entry in ctx.store.list_sessions():
        sid = entry.get("id")
        try:
            docs = ctx.store.all(sid, ACTIONS)
        except StoreError:
            continue
        for d in docs:
            try:
                a = Action.from_dict(d, sid)
            except (KeyError, TypeError, ValueError):
                continue
            records = [f for f in a.follow_ups if sid == ctx.session_id or f.get("session") == ctx.session_id]
            if a.deleted or not records:
                continue
            out.append({"action": {"session_id": sid, "id": a.id, "theme_label": a.theme_label,
                                   "owner": a.owner, "team": str(entry.get("team") or ""),
                                   "method_title": str(entry.get("method_title") or ""),
                                   "own": sid == ctx.session_id, "stage_name": a.stage_name},
                        "records": [_record_out(a, f) for f in records]})
    return {"follow_ups": out or None}


VERDICT_WORDS = {"continue": N_("Continue"), "adjust": N_("Adjust"), "drop": N_("Drop")}


def record_text(r: dict, t) -> str:
    """One follow-up in a line: "2027-02-01 · Adjust · undervejs · Fewer meetings · next 2027-03-01"."""
    parts = [r["date"]]
    if r.get("verdict"):
        parts.append(t(VERDICT_WORDS[r["verdict"]]))
    if r.get("stage"):
        parts.append(r["stage"] if r.get("from") in (None, r["stage"]) else f"{r['from']} → {r['stage']}")
    if r.get("line"):
        parts.append(r["line"])
    parts.append(t(N_("next follow-up {date}")).format(date=r["next"]) if r.get("next")
                 else t(N_("no next follow-up")))
    return " · ".join(parts)


def sections(doc: dict, t) -> list:
    """Each action followed up, with its follow-ups under it (oldest first)."""
    entries = doc.get("follow_ups")
    if not entries:
        return []
    lines = []
    for e in entries:
        a = e["action"]
        head = a["theme_label"] or "—"
        if not a.get("own"):
            head += " (" + ", ".join(x for x in (a.get("team"), a.get("method_title")) if x) + ")"
        lines.append((head, [record_text(r, t) for r in e["records"]]))
    return [(t(N_("Follow-ups")), lines)]


def columns(doc: dict, table: str, t) -> list:
    """The newest follow-up of each action, in the actions' CSV (only when there is one)."""
    entries = doc.get("follow_ups")
    if table != "actions" or not entries:
        return []
    last = {(e["action"]["session_id"], e["action"]["id"]): e["records"][-1] for e in entries}

    def cell(row: dict) -> str:
        r = last.get((row.get("session_id"), row.get("id")))
        return record_text(r, t) if r else ""
    return [(t(N_("Last follow-up")), cell)]


ACTIVITY = Activity(
    "review",
    params=(
        # the next follow-up the day picker suggests first, in weeks from the meeting
        Param("next_weeks", Int(1, 52), default=NEXT_WEEKS),
    ),
    refusals={
        "changed_meanwhile": N_("Someone changed this action on the board a moment ago. Here it is as it is now: look at its stage, then save again."),  # noqa: E501
        "action_gone": N_("That action is no longer on the board (deleted or archived)."),
        "adjust_needs_line": N_("Write in one line what you change."),
        "drop_needs_line": N_("Write in one line why you drop it."),
        "line_long": N_("Keep it to one line (at most 160 characters)."),
        "not_this_team": N_("That action belongs to another team."),
        "team_unknown": N_("That team has no open actions on the board."),
        "follow_up_changed": N_("This action has changed since the follow-up, so it cannot be undone here."),
    },
    collect=collect,
    sections=sections,
    columns=columns,
    order=155,
)
