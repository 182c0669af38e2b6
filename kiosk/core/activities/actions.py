"""Action plans: what a group agrees to do about a chosen theme (DESIGN.md §4).

The action step turns chosen wall items into **actions**. Each action answers the
method's questions (five in the trivselsdialog), names an owner and a follow-up
date, may carry an IGLO level (the Norwegian methods ask who must act: individual,
group, leadership, organisation), and may be a trial action (prøvehandling) with a
review date and, at review, a verdict. An action keeps the key of the wall item it
grew from ("n12", "c3"), so its notes, votes and matrix spot stay one tap away; the
label is copied too, so the board still reads well if the wall is regrouped later.

An action document has two facets with two writers, so neither overwrites the other:

* the **plan** (``PLAN_FIELDS``: theme, answers, owner, follow-up, IGLO, trial,
  review, deleted), written by ``ActionPlan`` during the workshop;
* the **status** (``STATUS_FIELDS``: stage, parked, verdict, finished_at, history),
  written by the statuspil ``Board`` between meetings;
* the **decision** (``DECISION_FIELDS``), only where the method proposes its actions to
  a body (``Method.decided_by``): proposed, approved, declined or merged, who decided,
  when and why, written by ``kiosk.core.decisions.Decisions`` behind the PIN. An action
  of a method the workshop decides has no decision facet (its document is as before).

Each writes only its own fields, each change in one ``store.batch``, and both read
the store on every call instead of keeping copies, so the board, the workshop screen
and the phone export always agree and a failed write leaves nothing half-shown.

The stage list lives on each action (``Action.stages``): it is copied from the
method's statuspil step when the action is made, so editing a method file later
never changes what an existing arrow means. ``DEFAULT_STAGES`` and ``stages_from``
are defined here (the data model) and offered again by ``kiosk.core.activities.statuspil``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping, Optional, Union

from ..refusal import Refusal
from ..undo import Undoable, UndoLog
from kiosk.core.method import DECIDERS
from kiosk.core.params import FROM_PREPARED, ID_TITLE, Bool, Int, Param, Tables, Text, Texts, prepared_off
from kiosk.i18n import N_

from . import Activity

ACTIONS = "actions"
"""The per-session store table that holds the actions."""

IGLO = ("individual", "group", "leadership", "organisation")
"""Who must act, in the Norwegian methods' IGLO order."""

VERDICTS = ("continue", "adjust", "drop")
"""What a group decides about a trial action at its review, and about any action at a
follow-up meeting (``kiosk.core.activities.review``)."""

DEFAULT_STAGES = ("aftalt", "sat i gang", "undervejs", "fulgt op", "i mål")
"""The statuspil's stages when the method names none (the trivselsdialog's own)."""

PARKED = "parkeret"
"""Not a stage but a state beside the arrow: put on hold, keeping its stage."""

STAGES_MAX = 12
"""More stages than this no longer fit one readable arrow at 3 m."""
STAGE_NAME_MAX = 30
"""The catalogue's limit for a stage name."""

ANSWER_MAX = 500
CHOICE_MAX = 30
"""A fixed answer is a button's label on the form, read from 3 m."""
CHOICES_MAX = 4
"""More fixed answers than this no longer fit one row of finger-sized buttons."""
OWNER_MAX = 60
"""An owner is a name or a role on an arrow, not a sentence."""
THEME_MAX = 500
"""A theme label is a note's text or a cluster's name (a method may allow 500)."""
ACTIONS_MAX = 100
"""Live actions per session: 3–5 themes with a few actions each is the real case."""
DOCS_MAX = 300
"""Documents per session table, deleted ones included: add/undo loops stay bounded."""
PLAN_FIELDS = ("theme_key", "theme_label", "answers", "owner", "follow_up", "iglo",
               "trial", "review", "deleted")
STATUS_FIELDS = ("stage", "parked", "verdict", "finished_at", "history", "follow_ups")
DECISION_FIELDS = ("decision",)

PROPOSED, APPROVED, DECLINED, MERGED = "proposed", "approved", "declined", "merged"
DECISION_STATES = (PROPOSED, APPROVED, DECLINED, MERGED)
"""A proposal awaits its body's decision; approved it is an agreed action (on the arrow at
its first stage); declined it leaves the board for the archive; merged it lives on in
the proposal it was merged into."""

MEASURE_WORDS = ("indsats", "tiltak", "action", "measure")
"""A question id containing one of these asks for the measure itself."""

DateLike = Union[str, date, None]


class ActionError(Refusal):
    """An intent the action plan or the board refuses; ``reason`` (also str(e)) is a
    key for the screen's message. Nothing changed."""


# -- dates ---------------------------------------------------------------------------------

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def local_date(now: float) -> date:
    """The kiosk's local calendar day at ``now`` (epoch seconds): follow-up dates are
    days on the wall's calendar, not UTC days."""
    return datetime.fromtimestamp(now).date()


def today(clock) -> date:
    return local_date(float(clock.now()))


# -- the days a date picker offers first (the screens ask here, so each is written once) ----

NEXT_MEETING_DAYS = 28
"""The end of a meeting suggests the next one four weeks on (the guides' monthly rhythm)."""
REVIEW_WEEKS = 4
"""A trial action's review, when the step does not say (its ``review_weeks``)."""


def next_meeting_suggestion(clock) -> str:
    """The day the end-of-meeting picker shows first."""
    return (today(clock) + timedelta(days=NEXT_MEETING_DAYS)).isoformat()


def review_suggestion(action: "Action", clock, weeks: int = REVIEW_WEEKS) -> str:
    """The day a trial action's review picker shows first: the one it has, else ``weeks``
    (the step's ``review_weeks``) from today."""
    return action.review or (today(clock) + timedelta(weeks=weeks)).isoformat()


def parse_date(value: Any) -> date:
    """An ISO day "YYYY-MM-DD" (or a ``date``); anything else is 'date_invalid'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ActionError("date_invalid")


def clean_future_date(value: DateLike, clock) -> Optional[str]:
    """A date someone sets now: None clears it; before today is 'date_past' (today is
    fine: "we follow up at today's meeting")."""
    if value is None:
        return None
    day = parse_date(value)
    if day < today(clock):
        raise ActionError("date_past")
    return day.isoformat()


def _day_or_none(value: Any) -> Optional[date]:
    """A stored date for reading: an unreadable one counts as absent, never a crash."""
    try:
        return None if value is None else parse_date(value)
    except ActionError:
        return None


# -- stages --------------------------------------------------------------------------------

def clean_stages(names: Any) -> tuple[str, ...]:
    """A stage list as the statuspil uses it: 2..STAGES_MAX non-empty names, trimmed,
    unique (ignoring case), none longer than STAGE_NAME_MAX, none called PARKED (that is
    the state beside the arrow). Anything else is 'stages_invalid'."""
    if isinstance(names, (str, bytes)) or not isinstance(names, (list, tuple)):
        raise ActionError("stages_invalid")
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            raise ActionError("stages_invalid")
        name = " ".join(name.split())
        folded = name.casefold()
        if not name or len(name) > STAGE_NAME_MAX or folded in seen or folded == PARKED:
            raise ActionError("stages_invalid")
        seen.add(folded)
        out.append(name)
    if not 2 <= len(out) <= STAGES_MAX:
        raise ActionError("stages_invalid")
    return tuple(out)


def stages_from(params: Optional[Mapping]) -> tuple[str, ...]:
    """The stages a statuspil step's params name, or DEFAULT_STAGES when they name none
    (no step, no params, no "stages" key). A list that is there but bad is refused
    ('stages_invalid'), not silently replaced: the method file is wrong."""
    if not params or params.get("stages") is None:
        return DEFAULT_STAGES
    return clean_stages(params["stages"])


# -- the decision facet ----------------------------------------------------------------------

def _int_or_none(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


@dataclass(frozen=True)
class Decision:
    """What the responsible body decided about a proposal (the action's third facet).

    ``log`` keeps every decision, oldest first: ``{"at", "event", "by", ...}`` with event
    "propose", "approve", "adjust" (+ "before": the plan fields it replaced), "merge"
    (+ "with": the proposal taken in), "merged" (+ "into"), "decline" (+ "reason").
    Its length is the proposal's revision: a screen sends the one it showed, so a
    decision taken elsewhere meanwhile is noticed.
    """

    state: str
    body: str
    """Who decides (a ``kiosk.core.method.DECIDERS`` key other than "workshop")."""
    by: str = ""
    """The names (or the body) that approved or declined it; '' while it is proposed."""
    at: Optional[float] = None
    """When it was approved, declined or merged."""
    reason: str = ""
    """Why it was declined."""
    merged_into: Optional[int] = None
    merged_from: tuple[int, ...] = ()
    log: tuple[dict, ...] = ()

    @property
    def revision(self) -> int:
        return len(self.log)

    def to_dict(self) -> dict:
        return {"state": self.state, "body": self.body, "by": self.by, "at": self.at,
                "reason": self.reason, "merged_into": self.merged_into,
                "merged_from": list(self.merged_from), "log": [dict(r) for r in self.log]}

    @classmethod
    def from_dict(cls, d: Any) -> Optional["Decision"]:
        """Forgiving: no facet (or one no kiosk wrote) is None, an agreed action."""
        if not isinstance(d, Mapping) or d.get("state") not in DECISION_STATES:
            return None
        body = d.get("body") if d.get("body") in DECIDERS[1:] else DECIDERS[1]
        at = d.get("at")
        log = d.get("log")
        merged_from = d.get("merged_from")
        return cls(
            state=d["state"], body=body, by=str(d.get("by") or ""),
            at=float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else None,
            reason=str(d.get("reason") or ""), merged_into=_int_or_none(d.get("merged_into")),
            merged_from=tuple(i for i in (merged_from if isinstance(merged_from, list) else [])
                              if _int_or_none(i) is not None),
            log=tuple(r for r in log if isinstance(r, dict)) if isinstance(log, list) else (),
        )


# -- the action ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    """One agreed action. ``id`` is its document id in the session's "actions" table.

    Treat ``answers`` and the ``history`` records as read-only: they are the stored
    values, and every change goes through ``ActionPlan`` or the board.
    """

    id: int
    session_id: str
    theme_key: Optional[str] = None
    """The wall item it grew from ("n12", "c3"); None for an action with no theme note."""
    theme_label: str = ""
    answers: dict = field(default_factory=dict)
    """{question id: text}; an unanswered question has no key."""
    owner: str = ""
    follow_up: Optional[str] = None
    """ISO day "YYYY-MM-DD" of the next follow-up, or None."""
    iglo: Optional[str] = None
    trial: bool = False
    review: Optional[str] = None
    """A trial action's review day (ISO), or None."""
    verdict: Optional[str] = None
    """The latest review verdict: None, "continue", "adjust" or "drop"."""
    stage: int = 0
    stages: tuple[str, ...] = DEFAULT_STAGES
    parked: bool = False
    history: tuple[dict, ...] = ()
    """Every status change, oldest first: {at, from, to, by} (+ what undo needs)."""
    follow_ups: tuple[dict, ...] = ()
    """Every follow-up at a follow-up meeting, oldest first: {at, date, line, from, stage,
    verdict, next, session, step} (``kiosk.core.activities.review``)."""
    created_at: float = 0.0
    finished_at: Optional[float] = None
    """When it reached the last stage (or was dropped); None while it is open."""
    deleted: bool = False
    decision: Optional[Decision] = None
    """None: agreed in the workshop. Else a proposal to a body and what it decided."""

    # -- reading ---------------------------------------------------------------------

    @property
    def proposal(self) -> bool:
        """A proposal still awaiting its body's decision."""
        return self.decision is not None and self.decision.state == PROPOSED

    @property
    def agreed(self) -> bool:
        """Agreed in the workshop, or approved by its body: an arrow that moves."""
        return self.decision is None or self.decision.state == APPROVED

    @property
    def declined(self) -> bool:
        return self.decision is not None and self.decision.state == DECLINED

    @property
    def merged(self) -> bool:
        """Merged into another proposal: it lives on there."""
        return self.decision is not None and self.decision.state == MERGED

    @property
    def key(self) -> tuple[str, int]:
        """Unique across the kiosk: actions of different sessions share doc ids."""
        return (self.session_id, self.id)

    @property
    def last_stage(self) -> int:
        return len(self.stages) - 1

    @property
    def stage_name(self) -> str:
        return self.stages[self.stage]

    @property
    def dropped(self) -> bool:
        """A trial action the group gave up at review: finished, not achieved."""
        return self.verdict == "drop"

    @property
    def finished(self) -> bool:
        """In the last stage, or dropped."""
        return self.finished_at is not None

    @property
    def place(self) -> Union[int, str]:
        """Where the board shows it: its stage index, or PARKED. A tap sends back the
        place it saw, so a tap on something that moved meanwhile is refused."""
        return PARKED if self.parked else self.stage

    @property
    def next_stage(self) -> Optional[int]:
        return self.stage + 1 if self.stage < self.last_stage else None

    @property
    def previous_stage(self) -> Optional[int]:
        return self.stage - 1 if self.stage > 0 else None

    @property
    def last_move(self) -> Optional[dict]:
        return self.history[-1] if self.history else None

    @property
    def followed_up(self) -> Optional[str]:
        """The day (ISO) of its latest follow-up, or None: never followed up."""
        return self.follow_ups[-1].get("date") if self.follow_ups else None

    def followed_up_since(self, day: date) -> bool:
        """Someone followed it up on ``day`` or later."""
        last = _day_or_none(self.followed_up)
        return last is not None and last >= day

    # -- storage ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "doc_id": self.id, "session_id": self.session_id, "theme_key": self.theme_key,
            "theme_label": self.theme_label, "answers": dict(self.answers), "owner": self.owner,
            "follow_up": self.follow_up, "iglo": self.iglo, "trial": self.trial,
            "review": self.review, "verdict": self.verdict, "stage": self.stage,
            "stages": list(self.stages), "parked": self.parked,
            "history": [dict(h) for h in self.history],
            "follow_ups": [dict(f) for f in self.follow_ups], "created_at": self.created_at,
            "finished_at": self.finished_at, "deleted": self.deleted,
            **({} if self.decision is None else {"decision": self.decision.to_dict()}),
        }

    @classmethod
    def from_dict(cls, d: Mapping, session_id: str = "") -> Action:
        """Forgiving: a hand-edited or older document reads with defaults, never a crash
        on the board (an unreadable stage list becomes the default one)."""
        try:
            stages = clean_stages(d.get("stages"))
        except ActionError:
            stages = DEFAULT_STAGES
        stage = d.get("stage", 0)
        stage = stage if isinstance(stage, int) and not isinstance(stage, bool) else 0
        answers = d.get("answers")
        history = d.get("history")
        follow_ups = d.get("follow_ups")
        finished = d.get("finished_at")
        verdict = d.get("verdict")
        iglo = d.get("iglo")
        return cls(
            id=int(d["doc_id"]), session_id=str(d.get("session_id") or session_id),
            theme_key=d.get("theme_key") if isinstance(d.get("theme_key"), str) else None,
            theme_label=str(d.get("theme_label") or ""),
            answers={str(k): str(v) for k, v in answers.items()} if isinstance(answers, dict) else {},
            owner=str(d.get("owner") or ""),
            follow_up=d.get("follow_up") if _day_or_none(d.get("follow_up")) else None,
            iglo=iglo if iglo in IGLO else None, trial=bool(d.get("trial", False)),
            review=d.get("review") if _day_or_none(d.get("review")) else None,
            verdict=verdict if verdict in VERDICTS else None,
            stage=min(max(0, stage), len(stages) - 1), stages=stages,
            parked=bool(d.get("parked", False)),
            history=tuple(h for h in history if isinstance(h, dict)) if isinstance(history, list) else (),
            follow_ups=(tuple(f for f in follow_ups if isinstance(f, dict) and _day_or_none(f.get("date")))
                        if isinstance(follow_ups, list) else ()),
            created_at=float(d.get("created_at") or 0.0),
            finished_at=float(finished) if isinstance(finished, (int, float)) and not isinstance(finished, bool) else None,
            deleted=bool(d.get("deleted", False)), decision=Decision.from_dict(d.get("decision")),
        )


# -- completeness --------------------------------------------------------------------------

def live_action(store, session_id: str, action_id: Any) -> Optional[Action]:
    """One action fresh from the store, or None when it is not live (a bad id, never
    there, deleted, or its document damaged); the board, the follow-up meeting and the
    decisions each refuse that in their own words."""
    from kiosk.store import StoreError

    if isinstance(action_id, bool) or not isinstance(action_id, int) or action_id < 1:
        return None
    try:
        doc = store.get(session_id, ACTIONS, action_id)
    except StoreError as exc:
        if exc.kind != "invalid":
            raise
        return None
    action = None if doc is None else Action.from_dict(doc, session_id)
    return None if action is None or action.deleted else action


def measure_question(questions: list[dict]) -> Optional[str]:
    """The id of the question that asks for the measure itself: the first whose id holds
    "indsats", "tiltak", "action" or "measure"; else the 4th (the trivselsdialog's and
    the guides' usual place); else the last, if there is more than one (the first asks
    for the problem); else None."""
    ids = [str(q.get("id", "")) for q in questions]
    for qid in ids:
        if any(word in qid.casefold() for word in MEASURE_WORDS):
            return qid
    if len(ids) >= 4:
        return ids[3]
    return ids[-1] if len(ids) >= 2 else None


def goal_question(questions: list[dict]) -> Optional[str]:
    """The id of the question that asks what the group wants to achieve: the 2nd, in the
    five questions' order (the trivselsdialog's and the guides'); None with fewer."""
    ids = [str(q.get("id", "")) for q in questions]
    return ids[1] if len(ids) >= 2 else None


def agreed_questions(questions: list[dict]) -> list[str]:
    """The questions that say what the group agreed, for a short view of an action (the
    statuspil board's panel): the measure, then the goal, each once."""
    out: list[str] = []
    for qid in (measure_question(questions), goal_question(questions)):
        if qid and qid not in out:
            out.append(qid)
    return out


def missing(action: Action, questions: list[dict], require_iglo: bool = False, *,
            require_follow_up: bool = True) -> list[str]:
    """What a written APV action plan still lacks, as reason keys in the form's order.

    The rule (what the APV says a plan must hold, plus what the method asks for):

    * 'problem'   — the problem is stated: the first question answered, or the action
                    has a theme label (the chosen note or cluster names the problem);
    * 'measure'   — the measure question (``measure_question``) is answered;
    * 'owner'     — someone is responsible;
    * 'follow_up' — there is a follow-up date (the timeline), unless the method's
                    actions step says ``follow_up = false``;
    * 'iglo'      — an IGLO level, when the method asks for it;
    * 'review'    — a trial action has a review date.

    Empty list: the action counts as complete. Other unanswered questions are not
    required (see ``unanswered``): a group may leave "barriers" blank.
    """
    answered = {k for k, v in action.answers.items() if v.strip()}
    out = []
    first = str(questions[0].get("id", "")) if questions else None
    if not action.theme_label.strip() and (first is None or first not in answered):
        out.append("problem")
    measure = measure_question(questions)
    if measure is not None and measure not in answered:
        out.append("measure")
    if not action.owner.strip():
        out.append("owner")
    if require_follow_up and action.follow_up is None:
        out.append("follow_up")
    if require_iglo and action.iglo is None:
        out.append("iglo")
    if action.trial and action.review is None:
        out.append("review")
    return out


def unanswered(action: Action, questions: list[dict]) -> list[str]:
    """The ids of the method's questions with no answer yet, in the method's order."""
    return [str(q.get("id")) for q in questions if not action.answers.get(str(q.get("id")), "").strip()]


# -- small cleaning rules ------------------------------------------------------------------

_KEY_RE = re.compile(r"[nc][0-9]{1,12}")


def clean_owner(owner: Any) -> str:
    """An owner as stored: trimmed, single-spaced; empty 'owner_empty', long 'owner_long'."""
    text = " ".join(owner.split()) if isinstance(owner, str) else ""
    if not text:
        raise ActionError("owner_empty")
    if len(text) > OWNER_MAX:
        raise ActionError("owner_long")
    return text


def clean_answer(text: Any) -> str:
    """An answer as stored: trimmed (inner line breaks are the writer's); '' clears it."""
    if not isinstance(text, str):
        raise ActionError("answer_invalid")
    text = text.strip()
    if len(text) > ANSWER_MAX:
        raise ActionError("answer_long")
    return text


def clean_theme(theme_key: Any, theme_label: Any) -> tuple[Optional[str], str]:
    """A wall key ("n12"/"c3") or None, and a label; an action needs one of the two."""
    if theme_key is not None and not (isinstance(theme_key, str) and _KEY_RE.fullmatch(theme_key)):
        raise ActionError("theme_unknown")
    label = " ".join(theme_label.split()) if isinstance(theme_label, str) else ""
    if len(label) > THEME_MAX:
        raise ActionError("theme_long")
    if theme_key is None and not label:
        raise ActionError("theme_empty")
    return theme_key, label


# -- the questions ---------------------------------------------------------------------------

QUESTION = ID_TITLE + (
    # fixed answers the form offers as buttons instead of the keyboard (the drejebog's
    # "simple / takes time / synergy"); the answer stored is the chosen text
    Param("choices", Texts(min_items=2, max_items=CHOICES_MAX, unique=True, item=Text(max_len=CHOICE_MAX))),
)
"""A question of the action form: its id, heading and, if it has them, its fixed answers."""


def _choices_of(question: Mapping) -> dict:
    """A stored question's fixed answers as the form uses them ({} when it has none)."""
    choices = question.get("choices")
    if isinstance(choices, list) and all(isinstance(c, str) for c in choices) and choices:
        return {"choices": list(choices)}
    return {}


# -- the workshop's controller -------------------------------------------------------------

def _step_params(session_doc: Mapping, activity: str) -> Optional[dict]:
    """The params of the method's first step running ``activity`` (None: no such step)."""
    for step in (session_doc.get("method") or {}).get("steps", []):
        if isinstance(step, dict) and step.get("activity") == activity:
            return dict(step.get("params") or {})
    return None


class ActionPlan(Undoable):
    """The action plan of one session, over the store's "actions" table.

    The questions, whether IGLO and a follow-up date are required, and the stage
    list come from the session's snapshot of its method (its first ``actions`` and
    ``statuspil`` steps); the keyword arguments override them.

    Every intent is checked first (a refusal is an ``ActionError`` and changes
    nothing), then written as one ``store.batch`` of only the plan fields it changes;
    only then is it put on the undo stack. Reading always goes to the store.
    """

    def __init__(self, store, session_id: str, clock, *, questions: Optional[list[dict]] = None,
                 require_iglo: Optional[bool] = None, require_follow_up: Optional[bool] = None,
                 stages: Optional[Iterable[str]] = None) -> None:
        self.store = store
        self.session_id = session_id
        self.clock = clock
        doc = store.load_session(session_id)
        if doc is None:
            raise ActionError("unknown_session")
        params = _step_params(doc, "actions") or {}
        self.questions: list[dict] = [
            {"id": str(q.get("id")), "title": str(q.get("title", "")), **_choices_of(q)}
            for q in (params.get("questions") or []) if isinstance(q, dict) and q.get("id")
        ] if questions is None else [dict(q) for q in questions]
        self.require_iglo = bool(params.get("iglo", False)) if require_iglo is None else bool(require_iglo)
        self.require_follow_up = (bool(params.get("follow_up", True)) if require_follow_up is None
                                  else bool(require_follow_up))
        self.stages = (stages_from(_step_params(doc, "statuspil")) if stages is None
                       else clean_stages(list(stages)))
        decided_by = (doc.get("method") or {}).get("decided_by")
        self.body: Optional[str] = decided_by if decided_by in DECIDERS[1:] else None
        """The body the method proposes its actions to; None: the workshop agrees them."""
        self._undo: UndoLog[tuple[int, dict]] = UndoLog()

    # -- reading ---------------------------------------------------------------------

    def _docs(self) -> list[dict]:
        return self.store.all(self.session_id, ACTIONS)

    def actions(self) -> list[Action]:
        """Live actions, in the order they were made."""
        out = [Action.from_dict(d, self.session_id) for d in self._docs()]
        return [a for a in out if not a.deleted]

    def for_theme(self, theme_key: Optional[str]) -> list[Action]:
        """The actions grown from one wall item (None: those with no theme note)."""
        return [a for a in self.actions() if a.theme_key == theme_key]

    def get(self, action_id: Any) -> Action:
        """A live action by id; anything else is 'unknown_action'."""
        if isinstance(action_id, bool) or not isinstance(action_id, int) or action_id < 1:
            raise ActionError("unknown_action")
        doc = self.store.get(self.session_id, ACTIONS, action_id)
        action = None if doc is None else Action.from_dict(doc, self.session_id)
        if action is None or action.deleted:
            raise ActionError("unknown_action")
        return action

    def missing(self, action: Action) -> list[str]:
        """``missing`` with this method's questions and requirements."""
        return missing(action, self.questions, self.require_iglo,
                       require_follow_up=self.require_follow_up)

    def complete(self, action: Action) -> bool:
        return not self.missing(action)

    # -- the one way to change an action ---------------------------------------------

    def _write(self, action: Action, **changes: Any) -> Action:
        """Write the plan fields that differ, in one batch; then remember the old values."""
        new = replace(action, **changes)
        old_doc, new_doc = action.to_dict(), new.to_dict()
        changed = [k for k in changes if old_doc[k] != new_doc[k]]
        if not changed:
            return action
        with self.store.batch(self.session_id):
            self.store.update(self.session_id, ACTIONS, action.id, {k: new_doc[k] for k in changed})
        self._undo.push((action.id, {k: old_doc[k] for k in changed}))
        return new

    def undo(self) -> bool:
        """Put back the plan fields the last change touched (a new action goes away
        again, a deleted one comes back); False if there is nothing to undo. The
        status the board keeps (stage, history) is not touched. A failed write keeps
        the change on the stack."""
        return self._undo.undo(self._put_back)

    def _put_back(self, change: tuple[int, dict]) -> None:
        action_id, before = change
        if self.store.get(self.session_id, ACTIONS, action_id) is not None:
            with self.store.batch(self.session_id):
                self.store.update(self.session_id, ACTIONS, action_id, before)

    # -- intents ---------------------------------------------------------------------

    def add(self, theme_key: Optional[str], theme_label: str, *, trial: bool = False) -> Action:
        """A new action for a theme (several per theme are fine), at the first stage;
        ``trial``: a trial action from the start (a step of prøvehandlinger), in one write
        and so one Undo. Where the method proposes to a body, it is a proposal."""
        key, label = clean_theme(theme_key, theme_label)
        docs = self._docs()
        if len(docs) >= DOCS_MAX or sum(1 for d in docs if not d.get("deleted")) >= ACTIONS_MAX:
            raise ActionError("too_many_actions")
        now = float(self.clock.now())
        proposal = None if self.body is None else Decision(
            PROPOSED, self.body, log=({"at": now, "event": "propose", "by": "workshop", "body": self.body},))
        fresh = Action(id=0, session_id=self.session_id, theme_key=key, theme_label=label,
                       stages=self.stages, created_at=now, trial=bool(trial), decision=proposal)
        doc = fresh.to_dict()
        with self.store.batch(self.session_id):
            new_id = self.store.insert(self.session_id, ACTIONS, doc)
        self._undo.push((new_id, {"deleted": True}))  # undoing "add" takes it away (softly)
        return replace(fresh, id=new_id)

    def answer(self, action_id: int, question_id: str, text: str) -> Action:
        """Answer one of the method's questions; an empty text clears the answer."""
        action = self.get(action_id)
        question = next((q for q in self.questions if q["id"] == question_id), None)
        if question is None:
            raise ActionError("question_unknown")
        text = clean_answer(text)
        if text and question.get("choices") and text not in [c.strip() for c in question["choices"]]:
            raise ActionError("choice_unknown")  # a question with fixed answers takes one of them
        answers = {k: v for k, v in action.answers.items() if k != question_id}
        if text:
            answers[question_id] = text
        return self._write(action, answers=answers)

    def set_owner(self, action_id: int, owner: str) -> Action:
        action = self.get(action_id)
        return self._write(action, owner=clean_owner(owner))

    def set_follow_up(self, action_id: int, date_iso: DateLike) -> Action:
        """The next follow-up day: today or later ('date_past'), None clears it."""
        action = self.get(action_id)
        return self._write(action, follow_up=clean_future_date(date_iso, self.clock))

    def set_iglo(self, action_id: int, level: Optional[str]) -> Action:
        """Who must act (IGLO), or None; anything else is 'iglo_unknown'."""
        action = self.get(action_id)
        if level is not None and level not in IGLO:
            raise ActionError("iglo_unknown")
        return self._write(action, iglo=level)

    def set_trial(self, action_id: int, trial: bool, review: DateLike = None) -> Action:
        """Make it a trial action with a review day (today or later), or a plain action
        again (its review day goes). A trial without a review day yet is allowed:
        ``missing`` lists 'review' until it has one."""
        action = self.get(action_id)
        review_iso = clean_future_date(review, self.clock) if trial else None
        return self._write(action, trial=bool(trial), review=review_iso)

    def delete(self, action_id: int) -> Action:
        """Take an action off the plan and the board (undo brings it back)."""
        action = self.get(action_id)
        return self._write(action, deleted=True)


DECISION_REFUSALS = {
    # the board (kiosk.core.activities.statuspil) and the decisions (kiosk.core.decisions)
    "proposal_pending": N_("This is a proposal. It moves on the arrow once it has been approved."),
    "not_agreed": N_("This proposal was not approved, so it has no place on the arrow."),
    "not_proposal": N_("This action was agreed in the workshop: there is nothing to decide."),
    "already_decided": N_("This proposal has already been decided, on another screen. Look at the list again."),
    "declined_meanwhile": N_("This proposal was declined a moment ago, so it cannot be approved. Look at the list again."),  # noqa: E501
    "merged_meanwhile": N_("This proposal was merged into another a moment ago. Look at the list again."),
    "decision_changed": N_("This proposal was changed on another screen a moment ago. Look at it again, then decide."),
    "decider_empty": N_("Write who decides: your names, or the body."),
    "decider_long": N_("That is too long for names (at most 120 characters)."),
    "reason_empty": N_("Write why it is declined."),
    "reason_long": N_("That reason is too long (at most 300 characters)."),
    "merge_self": N_("A proposal cannot be merged with itself. Choose another one."),
    "merge_decided": N_("Only proposals still awaiting a decision can be merged."),
    "no_change": N_("Nothing was changed."),
    "undo_changed": N_("It has changed since (on the board or another screen), so it cannot be undone here."),
}
"""What the decisions on proposals refuse, said beside the action they are about."""


ACTIVITY = Activity(
    "actions",
    params=(
        Param("questions", Tables(QUESTION, "question"), required=True),
        Param("iglo", Bool(), default=False),
        Param("follow_up", Bool(), default=True),
        # prøvehandlinger: each new action is a trial action with a review date (the form
        # suggests one review_weeks ahead); the statuspil board asks for the verdict then
        Param("trial", Bool(), default=False),
        Param("review_weeks", Int(1, 52), default=REVIEW_WEEKS),
        FROM_PREPARED,
    ),
    needs_notes=prepared_off,
    refusals={
        "owner_empty": N_("Write who is responsible first."),
        "owner_long": N_("An owner is at most 60 characters: a name or a role."),
        "answer_long": N_("That answer is too long (at most 500 characters)."),
        "choice_unknown": N_("Pick one of the answers on the buttons."),
        "theme_empty": N_("Write the theme in a few words first."),
        "theme_long": N_("That theme is too long."),
        "too_many_actions": N_("This plan has as many actions as it can hold."),
        "unknown_action": N_("That action is no longer in the plan."),
        **DECISION_REFUSALS,
    },
    order=120,
)
