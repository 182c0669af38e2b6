"""The export document: one session (or the statuspil board) read once, at one moment,
through the store and the core's own rules, into plain JSON-ready data (no UI text).

Every format is rendered from this dict, so the phone page, the downloads and
``kiosk export`` always agree. Its spine is the session, the wall's items and notes
(each with the facets the lenses gave it: column, matrix spot, votes, map point,
year, card), the action plan, and the minutes of the steps (``kiosk.core.minutes``; a
method's facilitator notes are never copied in). The activities' own parts (the votes' rankings, the
matrix, the ratings, the sign-ups, the timeline, the map, and whatever an activity
added later has) come from the registry: each activity with a ``collect`` hook is
asked, in the catalogue's order, with a ``Context``; the fields it returns go into
the document as they are (so the JSON carries them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Optional

from kiosk import i18n
from kiosk.store import StoreError

from .. import activities, minutes
from ..activities.actions import ACTIONS, Action, Decision, measure_question, missing
from ..activities.cards import KIND_LABELS
from ..activities.matrix import spot
from ..activities.statuspil import Board, next_meeting
from ..activities.vote import item_totals
from ..decisions import body_name
from ..refusal import Refusal
from ..wall import PARKING, Cluster, Note, Wall
from .printdata import agenda, printouts

FORMAT_VERSION = 1

CORE_FIELDS = ("format_version", "kind", "lang", "generated_at", "generated_ts", "session", "kinds",
               "columns", "parking_title", "items", "notes", "questions", "actions", "meetings", "skipped",
               "minutes", "printouts")
"""The document's own fields; an activity's ``collect`` may not return one of these."""


class ExportError(Refusal):
    """An export that cannot be made; ``reason`` is a key ('unknown_session', 'unknown_format')."""


def iso_time(ts: Optional[float]) -> Optional[str]:
    """Local time of the kiosk, to the minute (what a person reads); None stays None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(float(ts)).isoformat(timespec="minutes")


def _day(ts: float) -> str:
    return datetime.fromtimestamp(float(ts)).date().isoformat()


def steps_of(method: dict, activity: str) -> list[dict]:
    """The method's steps of one activity, in order (as stored: plain dicts)."""
    return [s for s in method.get("steps", []) if isinstance(s, dict) and s.get("activity") == activity]


def first_params(method: dict, activity: str) -> dict:
    steps = steps_of(method, activity)
    return dict(steps[0].get("params") or {}) if steps else {}


@dataclass
class Context:
    """What an activity's ``collect(ctx)`` reads its part from: one session, one moment
    (every store read happens inside the document's snapshot)."""

    store: Any
    session_id: str
    session: dict
    """The stored session (its ``method`` is the method as it was started)."""
    method: dict
    wall: Wall
    clock: Any
    lang: str
    t: Callable[[str], str]
    """UI text in the document's language (for the few words a part itself holds)."""
    items: list[dict] = field(default_factory=list)
    """The wall's live items as the document has them: number, key, type, label, notes,
    column, matrix (spot), chosen, map (point), links…"""
    _labels: Optional[dict] = field(default=None, repr=False)

    def steps(self, activity: str) -> list[dict]:
        """The method's steps of that activity (plain dicts: id, title, params…)."""
        return steps_of(self.method, activity)

    def first_params(self, activity: str) -> dict:
        return first_params(self.method, activity)

    def label(self, key: str) -> str:
        """What a live wall item says ('' for an item gone from the wall)."""
        if self._labels is None:
            self._labels = {i["key"]: i["label"] for i in self.items}
        return self._labels.get(key, "")


def document(store, session_id: Optional[str], *, clock, lang: Optional[str] = None) -> dict:
    """Everything to export, as plain JSON-ready data.

    ``session_id`` None: the board (all open actions of all sessions), in ``lang``
    or else the kiosk's saved language. A session is in its own language unless
    ``lang`` says otherwise. Raises ExportError('unknown_session').
    """
    with store.snapshot():  # every read below sees the same moment
        if session_id is None:
            return _board_document(store, clock, lang)
        try:
            session = store.load_session(session_id)
        except StoreError as exc:
            if exc.kind == "invalid":
                raise ExportError("unknown_session") from exc
            raise
        if session is None:
            raise ExportError("unknown_session")
        return _session_document(store, session, clock, lang)


def _kiosk_lang(store) -> str:
    try:
        settings = store.get_state("settings") or {}
    except StoreError:
        settings = {}
    lang = settings.get("lang") if isinstance(settings, dict) else None
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT


def _session_document(store, session: dict, clock, lang: Optional[str]) -> dict:
    sid = session["id"]
    method = session.get("method") or {}
    lang = lang if lang in i18n.LANGUAGES else (session.get("lang") or method.get("language"))
    if lang not in i18n.LANGUAGES:
        lang = i18n.DEFAULT
    now = float(clock.now())
    t = i18n.translator(lang)
    wall = Wall(store, sid, clock)
    board = Board(store, clock)

    # what the method calls things
    kinds: dict[str, dict] = {}
    for _, k in activities.declared_kinds(s for s in method.get("steps", []) if isinstance(s, dict)):
        kinds.setdefault(str(k["id"]), {"id": str(k["id"]), "title": str(k.get("title") or k["id"]),
                                        "colour": str(k.get("colour") or "")})
    sort_params = first_params(method, "sort")
    columns = [{"id": str(c.get("id")), "title": str(c.get("title") or c.get("id"))}
               for c in sort_params.get("columns", []) or [] if isinstance(c, dict) and c.get("id")]
    parking_title = sort_params.get("parking_lot") or first_params(method, "matrix").get("parking_lot")
    column_titles = {c["id"]: c["title"] for c in columns}
    column_titles[PARKING] = str(parking_title) if isinstance(parking_title, str) and parking_title else ""
    quadrant_labels = first_params(method, "matrix").get("quadrants") or None

    def note_dict(n: Note) -> dict:
        return {"id": n.id, "key": n.key, "kind": n.kind,
                "kind_title": kinds.get(n.kind, {}).get("title") or t(KIND_LABELS.get(n.kind, n.kind)),
                "text": n.text,
                "cluster": None if n.cluster is None else f"c{n.cluster}", "revealed": n.revealed,
                "face_down": n.face_down, "step": n.step, "written_at": iso_time(n.created_at),
                "year": getattr(n, "year", None), "card": getattr(n, "card", None),
                "group": n.group}  # its table group (a number, never who wrote it)

    # the wall's items, numbered as on the wall; the votes' points and ranks come after
    item_list = []
    for number, it in enumerate(wall.items(), 1):
        notes = wall.cluster_notes(it.id) if isinstance(it, Cluster) else [it]
        item_list.append({
            "number": number, "key": it.key, "type": "cluster" if isinstance(it, Cluster) else "note",
            "label": wall.label(it.key), "name": it.name if isinstance(it, Cluster) else "",
            "notes": [note_dict(n) for n in notes],
            "column": it.column, "column_title": column_titles.get(it.column or "", "") if it.column else "",
            "matrix": spot(it.matrix, quadrant_labels), "chosen": it.chosen, "group": it.group,
            "points": 0, "rank": None,
            "map": _point_dict(getattr(it, "map_at", None)), "links": list(getattr(it, "links", ()) or ()),
        })

    # the activities' own parts, each from its own module
    ctx = Context(store=store, session_id=sid, session=session, method=method, wall=wall, clock=clock,
                  lang=lang, t=t, items=item_list)
    parts = collect_parts(ctx)
    points, best = item_totals(parts.get("votes") or [])
    for i in item_list:
        i["points"], i["rank"] = points.get(i["key"], 0), best.get(i["key"])
    by_key = {i["key"]: i for i in item_list}

    notes_out = []
    for n in wall.notes():
        d = note_dict(n)
        owner = by_key.get(d["cluster"] or n.key) or {}
        d.update({"theme": owner.get("label", ""), "column": owner.get("column"),
                  "column_title": owner.get("column_title", ""), "matrix": owner.get("matrix"),
                  "chosen": owner.get("chosen", False), "points": owner.get("points", 0),
                  "rank": owner.get("rank")})
        notes_out.append(d)

    # the action plan
    action_params = first_params(method, "actions")
    questions = _questions(action_params)
    actions_out = []
    for d in store.all(sid, ACTIONS):
        try:
            a = Action.from_dict(d, sid)
        except (KeyError, TypeError, ValueError):
            continue
        if a.deleted:
            continue
        actions_out.append(_action_dict(a, board, questions, action_params, by_key,
                                        team=session.get("team", ""),
                                        method_title=session.get("method_title", ""), t=t))

    steps = [s for s in method.get("steps", []) if isinstance(s, dict)]
    index = session.get("step_index", 0)
    current = steps[index] if isinstance(index, int) and 0 <= index < len(steps) else {}
    try:
        meets = next_meeting(store, sid)
    except StoreError:
        meets = None
    meetings = max([int(method.get("meetings") or 1)] + [int(s.get("meeting", 1) or 1) for s in steps])
    return {
        "format_version": FORMAT_VERSION,
        "kind": "session",
        "lang": lang,
        "generated_at": iso_time(now),
        "generated_ts": now,
        "session": {
            "id": sid, "team": str(session.get("team") or ""),
            "method_id": str(session.get("method_id") or method.get("id") or ""),
            "method_title": str(session.get("method_title") or method.get("title") or ""),
            "method_language": str(method.get("language") or ""),
            "source": str(method.get("source") or ""),
            "created_at": iso_time(session.get("created_at")),
            "date": _day(session.get("created_at") or now),
            "status": str(session.get("status") or ""),
            "meetings": meetings,
            "meeting": int(current.get("meeting", 1) or 1),
            "step": str(current.get("title") or ""),
            "next_meeting": meets,
            **_decided_by(method, t),
            "agenda": agenda(session, steps),
        },
        "kinds": list(kinds.values()),
        "columns": columns,
        "parking_title": column_titles[PARKING],
        "items": item_list,
        "notes": notes_out,
        **parts,
        "questions": questions,
        "actions": actions_out,
        "printouts": printouts(method),
        "minutes": [{**{k: v for k, v in m.items() if k != "at"}, "written_at": iso_time(m["at"])}
                    for m in minutes.collect(store, sid, method)],
        "meetings": ([{"session_id": sid, "team": str(session.get("team") or ""),
                       "method_title": str(session.get("method_title") or ""), "date": meets}]
                     if meets else []),
    }


def collect_parts(ctx: Context) -> dict:
    """Every registered activity's part, in the catalogue's order. A part that names
    one of the document's own fields, or one an earlier activity gave, is a bug in
    that activity, said at once rather than silently overwriting."""
    parts: dict = {}
    for spec in activities.all_activities():
        if spec.collect is None:
            continue
        part = spec.collect(ctx)
        clash = sorted(set(part) & (set(parts) | set(CORE_FIELDS)))
        if clash:
            raise ValueError(f"the {spec.name} activity's export part reuses the field(s) {clash}")
        parts.update(part)
    return parts


def _point_dict(point) -> Optional[dict]:
    return None if point is None else {"x": round(float(point[0]), 4), "y": round(float(point[1]), 4)}


def _questions(action_params: dict) -> list[dict]:
    return [{"id": str(q.get("id")), "title": str(q.get("title") or q.get("id"))}
            for q in action_params.get("questions", []) or [] if isinstance(q, dict) and q.get("id")]


def _decided_by(method: dict, t) -> dict:
    """The body a method proposes its actions to (nothing when the workshop decides)."""
    body = method.get("decided_by")
    if body in (None, "workshop") or not isinstance(body, str):
        return {}
    return {"decided_by": body, "decided_by_name": body_name(body, t)}


def _decision_dict(d: Decision, t) -> dict:
    """A proposal's decision as exported: its state, the body, who decided (names typed
    by design: an APV plan shows who approved it), when, why, and every decision taken."""
    log = [{"at": iso_time(r.get("at")) if isinstance(r.get("at"), (int, float)) else None,
            "event": str(r.get("event") or ""), "by": str(r.get("by") or ""),
            **{k: r[k] for k in ("reason", "with", "into") if r.get(k) is not None}}
           for r in d.log]
    return {"state": d.state, "body": d.body, "body_name": body_name(d.body, t), "by": d.by,
            "at": iso_time(d.at), "reason": d.reason, "merged_into": d.merged_into,
            "merged_from": list(d.merged_from), "log": log}


def _action_dict(a: Action, board: Board, questions: list[dict], params: dict,
                 by_key: dict, *, team: str, method_title: str, t=None) -> dict:
    qtitles = {q["id"]: q["title"] for q in questions}
    answers = [{"id": q["id"], "title": q["title"], "text": a.answers[q["id"]]}
               for q in questions if a.answers.get(q["id"], "").strip()]
    answers += [{"id": k, "title": k, "text": v} for k, v in a.answers.items()
                if k not in qtitles and v.strip()]
    first = questions[0]["id"] if questions else None
    measure_id = measure_question(questions) if questions else None
    problem = a.theme_label or (a.answers.get(first, "") if first else "")
    measure = a.answers.get(measure_id, "") if measure_id else ""
    behind = by_key.get(a.theme_key or "")
    if behind is None:
        behind_out = None
    else:
        behind_out = {k: behind[k] for k in ("key", "label", "column_title", "matrix", "points", "rank")}
        behind_out["notes"] = [n["text"] for n in behind["notes"]]
    history = [{"at": iso_time(h.get("at")) if isinstance(h.get("at"), (int, float)) else None,
                "event": str(h.get("event") or "move"),
                "from": a.stages[h["from"]] if isinstance(h.get("from"), int) and 0 <= h["from"] < len(a.stages) else None,
                "to": a.stages[h["to"]] if isinstance(h.get("to"), int) and 0 <= h["to"] < len(a.stages) else None,
                "by": str(h.get("by") or ""),
                **({"verdict": h["verdict"]} if h.get("verdict") else {})}
               for h in a.history]
    return {
        "id": a.id, "session_id": a.session_id, "team": team, "method_title": method_title,
        "theme_key": a.theme_key, "theme_label": a.theme_label,
        "problem": problem, "measure": measure, "measure_question": measure_id,
        "answers": answers, "owner": a.owner, "follow_up": a.follow_up, "iglo": a.iglo,
        "trial": a.trial, "review": a.review, "verdict": a.verdict,
        "stage": a.stage, "stage_name": a.stage_name, "stages": list(a.stages),
        "parked": a.parked, "finished": a.finished, "dropped": a.dropped,
        "finished_at": iso_time(a.finished_at),
        "overdue": board.overdue(a), "review_due": board.review_due(a),
        "missing": missing(a, questions, bool(params.get("iglo", False)),
                           require_follow_up=bool(params.get("follow_up", True))),
        "created_at": iso_time(a.created_at),
        "behind": behind_out,
        "history": history,
        **({} if a.decision is None else {"decision": _decision_dict(a.decision, t or i18n.translator(i18n.DEFAULT))}),
    }


def _board_document(store, clock, lang: Optional[str]) -> dict:
    lang = lang if lang in i18n.LANGUAGES else _kiosk_lang(store)
    now = float(clock.now())
    board = Board(store, clock)
    arrows = board.open_actions()
    questions_of: dict[str, tuple[list[dict], dict]] = {}
    actions = []
    for arrow in arrows:
        a = arrow.action
        if a.session_id not in questions_of:
            try:
                method = (store.load_session(a.session_id) or {}).get("method") or {}
            except StoreError:
                method = {}
            params = first_params(method, "actions")
            questions_of[a.session_id] = (_questions(params), params)
        qs, params = questions_of[a.session_id]
        actions.append(_action_dict(a, board, qs, params, {}, team=arrow.team,
                                    method_title=arrow.method_title, t=i18n.translator(lang)))
    meetings = [{"session_id": m.session_id, "team": m.team, "method_title": m.method_title,
                 "date": m.date} for m in board.next_meetings()]
    return {
        "format_version": FORMAT_VERSION,
        "kind": "board",
        "lang": lang,
        "generated_at": iso_time(now),
        "generated_ts": now,
        "session": None,
        "actions": actions,
        "meetings": meetings,
        "skipped": list(board.skipped),
    }
