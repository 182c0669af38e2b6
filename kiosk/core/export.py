"""Export: a session (or the statuspil board) as the manager takes it away.

``document`` reads everything once, through the store and the core's own rules,
into one JSON-ready dict (plain data, no UI text). Every format is rendered from
that dict, so the phone page, the downloads and ``kiosk export`` always agree:

* ``md``           Markdown, readable as plain text too;
* ``notes.csv``    one row per note; ``actions.csv`` one row per action. UTF-8 with a
                   BOM (a spreadsheet then opens æ ø å right), separated by ``;`` in
                   Danish and Norwegian (what Excel expects there) and ``,`` in
                   English (``csv_delimiter``); a cell that starts with ``= + - @``,
                   a tab or a CR gets an apostrophe first, so it never runs as a formula;
* ``json``         everything in the document;
* ``ics``          RFC 5545: one all-day VEVENT per follow-up day, trial review day
                   and next meeting, with stable UIDs (a re-import updates, not doubles);
* ``pdf``          the written action plan an APV needs (``kiosk.core.export_pdf``).

``page`` is the phone page: one HTML5 document, inline CSS, no script and nothing
loaded from anywhere; ``summary_text`` is the plain text for the offline fallbacks.

Headings are UI text in the session's language (``i18n.translator``: the screen's
own language is not touched, so a web thread can render while the wall shows
another). What people wrote is never translated and always escaped for the
format it goes into. Pure Python: no Kivy, no HTTP.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, NamedTuple, Optional

from kiosk import i18n
from kiosk.i18n import N_
from kiosk.store import StoreError

from .activities import matrix as matrix_rules
from .activities import vote as vote_rules
from .activities.actions import ACTIONS, Action, measure_question, missing
from .activities.statuspil import Board, next_meeting
from .wall import PARKING, Cluster, Note, Wall

FORMAT_VERSION = 1


class Format(NamedTuple):
    mimetype: str
    suffix: str


FORMATS: dict[str, Format] = {
    "md": Format("text/markdown; charset=utf-8", ".md"),
    "notes.csv": Format("text/csv; charset=utf-8", "-notes.csv"),
    "actions.csv": Format("text/csv; charset=utf-8", "-actions.csv"),
    "json": Format("application/json; charset=utf-8", ".json"),
    "ics": Format("text/calendar; charset=utf-8", ".ics"),
    "pdf": Format("application/pdf", ".pdf"),
}

#: What each format is called on the page's buttons (translated there).
FORMAT_LABELS = {
    "pdf": N_("Action plan (PDF)"),
    "md": N_("Notes and actions (Markdown)"),
    "notes.csv": N_("Notes (CSV)"),
    "actions.csv": N_("Actions (CSV)"),
    "ics": N_("Calendar of follow-ups"),
    "json": N_("Everything (JSON)"),
}

IGLO_LABELS = {"individual": N_("Individual"), "group": N_("Group"),
               "leadership": N_("Leadership"), "organisation": N_("Organisation")}
VERDICT_LABELS = {"continue": N_("Continue"), "adjust": N_("Adjust"), "drop": N_("Dropped")}
MISSING_LABELS = {"problem": N_("problem"), "measure": N_("measure"), "owner": N_("owner"),
                  "follow_up": N_("follow-up date"), "iglo": N_("IGLO level"),
                  "review": N_("review date")}


KIND_LABELS = {"card": N_("Statement card"), "joker": N_("Joker card"), "point": N_("Attention point")}
"""Names for the kinds of note the cards activity makes (a method's write kinds name their own)."""


class ExportError(ValueError):
    """An export that cannot be made; ``reason`` is a key ('unknown_session', 'unknown_format')."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- small helpers ---------------------------------------------------------------------------

def _iso_time(ts: Optional[float]) -> Optional[str]:
    """Local time of the kiosk, to the minute (what a person reads); None stays None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(float(ts)).isoformat(timespec="minutes")


def _day(ts: float) -> str:
    return datetime.fromtimestamp(float(ts)).date().isoformat()


def _steps(method: dict, activity: str) -> list[dict]:
    return [s for s in method.get("steps", []) if isinstance(s, dict) and s.get("activity") == activity]


def _first_params(method: dict, activity: str) -> dict:
    steps = _steps(method, activity)
    return dict(steps[0].get("params") or {}) if steps else {}


def translator(lang: str) -> Callable[[str], str]:
    return i18n.translator(lang)


# -- the document ----------------------------------------------------------------------------

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
    t = translator(lang)
    wall = Wall(store, sid, clock)
    board = Board(store, clock)

    # what the method calls things
    kinds: dict[str, dict] = {}
    for step in _steps(method, "write"):
        for k in (step.get("params") or {}).get("kinds", []) or []:
            if isinstance(k, dict) and k.get("id"):
                kinds.setdefault(str(k["id"]), {"id": str(k["id"]), "title": str(k.get("title") or k["id"]),
                                                "colour": str(k.get("colour") or "")})
    sort_params = _first_params(method, "sort")
    columns = [{"id": str(c.get("id")), "title": str(c.get("title") or c.get("id"))}
               for c in sort_params.get("columns", []) or [] if isinstance(c, dict) and c.get("id")]
    parking_title = sort_params.get("parking_lot") or _first_params(method, "matrix").get("parking_lot")
    column_titles = {c["id"]: c["title"] for c in columns}
    column_titles[PARKING] = str(parking_title) if isinstance(parking_title, str) and parking_title else ""

    # votes, per vote step, counted on what is on the wall now
    items = wall.items()
    live_keys = [i.key for i in items]
    vote_docs = store.all(sid, vote_rules.VOTES)
    round_docs = {d.get("round"): d for d in store.all(sid, vote_rules.ROUNDS)}
    rounds = []
    points_total: dict[str, int] = {}
    best_rank: dict[str, int] = {}
    for step in _steps(method, "vote"):
        params = step.get("params") or {}
        records = [d for d in vote_docs if d.get("round") == step.get("id")]
        if not records and step.get("id") not in round_docs:
            continue
        totals = {k: 0 for k in live_keys}
        for d in records:
            if d.get("item") in totals:
                try:
                    totals[d["item"]] += int(d.get("points", 0))
                except (TypeError, ValueError):
                    continue
        totals = {k: p for k, p in totals.items() if p > 0}
        ranks = vote_rules.ranking(totals)
        n = params.get("winners")
        won = {r.key for r in vote_rules.winners(ranks, int(n), params.get("winners_max"))} if n else set()
        state = round_docs.get(step.get("id")) or {}
        voters = state.get("voters") if isinstance(state.get("voters"), int) else None
        rounds.append({
            "step": str(step.get("id")), "title": str(step.get("title") or ""),
            "mode": str(params.get("mode", "dots")), "budget": params.get("budget"),
            "voters": voters,
            "ranking": [{"rank": r.rank, "key": r.key, "label": wall.label(r.key), "points": r.points,
                         "tied": r.tied, "winner": r.key in won} for r in ranks],
        })
        for r in ranks:
            points_total[r.key] = points_total.get(r.key, 0) + r.points
            best_rank[r.key] = min(best_rank.get(r.key, r.rank), r.rank)

    matrix_params = _first_params(method, "matrix")
    quadrant_labels = matrix_params.get("quadrants") or None

    def spot(item) -> Optional[dict]:
        if item.matrix is None:
            return None
        q = matrix_rules.quadrant(*item.matrix)
        return {"x": round(item.matrix[0], 4), "y": round(item.matrix[1], 4), "quadrant": q,
                "quadrant_label": matrix_rules.quadrant_label(q, quadrant_labels)}

    def note_dict(n: Note) -> dict:
        return {"id": n.id, "key": n.key, "kind": n.kind,
                "kind_title": kinds.get(n.kind, {}).get("title") or t(KIND_LABELS.get(n.kind, n.kind)),
                "text": n.text,
                "cluster": None if n.cluster is None else f"c{n.cluster}", "revealed": n.revealed,
                "face_down": n.face_down, "step": n.step, "written_at": _iso_time(n.created_at),
                "year": getattr(n, "year", None), "card": getattr(n, "card", None)}

    item_list = []
    number = 0
    for it in items:
        notes = wall.cluster_notes(it.id) if isinstance(it, Cluster) else [it]
        number += 1
        item_list.append({
            "number": number, "key": it.key, "type": "cluster" if isinstance(it, Cluster) else "note",
            "label": wall.label(it.key), "name": it.name if isinstance(it, Cluster) else "",
            "notes": [note_dict(n) for n in notes],
            "column": it.column, "column_title": column_titles.get(it.column or "", "") if it.column else "",
            "matrix": spot(it), "chosen": it.chosen,
            "points": points_total.get(it.key, 0), "rank": best_rank.get(it.key),
            "map": _point_dict(getattr(it, "map_at", None)), "links": list(getattr(it, "links", ()) or ()),
        })
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

    # actions
    action_params = _first_params(method, "actions")
    questions = [{"id": str(q.get("id")), "title": str(q.get("title") or q.get("id"))}
                 for q in action_params.get("questions", []) or [] if isinstance(q, dict) and q.get("id")]
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
                                        method_title=session.get("method_title", "")))

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
        "generated_at": _iso_time(now),
        "generated_ts": now,
        "session": {
            "id": sid, "team": str(session.get("team") or ""),
            "method_id": str(session.get("method_id") or method.get("id") or ""),
            "method_title": str(session.get("method_title") or method.get("title") or ""),
            "method_language": str(method.get("language") or ""),
            "source": str(method.get("source") or ""),
            "created_at": _iso_time(session.get("created_at")),
            "date": _day(session.get("created_at") or now),
            "status": str(session.get("status") or ""),
            "meetings": meetings,
            "meeting": int(current.get("meeting", 1) or 1),
            "step": str(current.get("title") or ""),
            "next_meeting": meets,
            "agenda": [{"id": str(s.get("id")), "title": str(s.get("title") or ""),
                        "phase": str(s.get("phase") or ""), "activity": str(s.get("activity") or ""),
                        "meeting": int(s.get("meeting", 1) or 1), "minutes": s.get("minutes")}
                       for s in steps],
        },
        "kinds": list(kinds.values()),
        "columns": columns,
        "parking_title": column_titles[PARKING],
        "items": item_list,
        "notes": notes_out,
        "votes": rounds,
        "matrix": {
            "x_axis": str(matrix_params.get("x_axis") or ""),
            "y_axis": str(matrix_params.get("y_axis") or ""),
            "quadrants": [str(q) for q in quadrant_labels] if quadrant_labels else [],
            "items": [{"number": n, "key": i["key"], "label": i["label"], **i["matrix"]}
                      for n, i in enumerate(_matrix_order(item_list), 1)],
        } if matrix_params or any(i["matrix"] for i in item_list) else None,
        "questions": questions,
        "actions": actions_out,
        **_activities(store, sid, method, wall, item_list),
        "meetings": ([{"session_id": sid, "team": str(session.get("team") or ""),
                       "method_title": str(session.get("method_title") or ""), "date": meets}]
                     if meets else []),
    }


def _point_dict(point) -> Optional[dict]:
    return None if point is None else {"x": round(float(point[0]), 4), "y": round(float(point[1]), 4)}


def _activities(store, sid: str, method: dict, wall: Wall, items: list[dict]) -> dict:
    """What the other activities left on the session: sign-ups (names on themes), the
    rate steps' marks, the timeline's years and periods, the map around its centre.
    Each is read from the stored facts (the notes' facets and the activities' own
    tables), so the export keeps working whatever a screen shows of them."""
    by_key = {i["key"]: i for i in items}
    label = lambda key: by_key[key]["label"] if key in by_key else ""  # noqa: E731

    signups: dict[str, list[str]] = {}
    for n in getattr(wall, "signups", lambda: [])():
        signups.setdefault(n.signup, []).append(n.text)
    signup_steps = _steps(method, "signup")
    signups_out = {
        "title": str(signup_steps[0].get("title") or "") if signup_steps else "",
        "themes": [{"key": k, "label": label(k), "names": names} for k, names in signups.items()],
    } if signups else None

    ratings = []
    marks = store.all(sid, "rates")
    for step in _steps(method, "rate"):
        params = step.get("params") or {}
        statements = [str(x) for x in params.get("statements") or []]
        scale = [str(x) for x in params.get("scale") or ("green", "yellow", "red")]
        counts = [[0] * len(scale) for _ in statements]
        for m in marks:
            si, vi = m.get("statement"), m.get("value")
            if (m.get("step") == step.get("id") and isinstance(si, int) and isinstance(vi, int)
                    and 0 <= si < len(statements) and 0 <= vi < len(scale)):
                counts[si][vi] += 1
        if any(any(c) for c in counts):
            ratings.append({"step": str(step.get("id")), "title": str(step.get("title") or ""),
                            "scale": scale,
                            "statements": [{"text": text, "counts": c, "total": sum(c)}
                                           for text, c in zip(statements, counts)]})

    timeline = None
    dated = [n for n in wall.notes() if getattr(n, "year", None) is not None]
    if dated:
        years: dict[int, list[str]] = {}
        for n in sorted(dated, key=lambda n: (n.year, n.id)):
            years.setdefault(int(n.year), []).append(n.text)
        periods = sorted(({"name": str(d.get("name") or ""), "first": d.get("first"), "last": d.get("last")}
                          for d in store.all(sid, "periods")
                          if not d.get("deleted") and isinstance(d.get("first"), int)
                          and isinstance(d.get("last"), int)), key=lambda d: (d["first"], d["last"]))
        steps = _steps(method, "timeline")
        timeline = {"title": str(steps[0].get("title") or "") if steps else "",
                    "years": [{"year": y, "notes": texts} for y, texts in sorted(years.items())],
                    "periods": periods}

    the_map = None
    placed = [i for i in items if i.get("map")]
    if placed:
        steps = _steps(method, "map")
        centre = ""
        for step in reversed(steps):  # the latest map step's centre: a later step may retell it
            typed = next((d.get("centre") for d in store.all(sid, "maps") if d.get("step") == step.get("id")), None)
            centre = str(typed or (step.get("params") or {}).get("centre") or "")
            if centre:
                break
        on_map = {i["key"] for i in placed}
        pairs: dict[tuple[str, str], None] = {}
        for i in placed:
            for other in i["links"]:
                if other in on_map and other != i["key"]:
                    pairs.setdefault(tuple(sorted((i["key"], other))), None)
        the_map = {"title": str(steps[0].get("title") or "") if steps else "", "centre": centre,
                   "points": [{"key": i["key"], "label": i["label"], **i["map"]} for i in placed],
                   "links": [[label(a), label(b)] for a, b in pairs]}
    return {"signups": signups_out, "ratings": ratings, "timeline": timeline, "map": the_map}


def _matrix_order(items: list[dict]) -> list[dict]:
    """Placed items by quadrant (reading order: top-left, top-right, bottom-left,
    bottom-right), the most important first within each: the legend's numbers."""
    placed = [i for i in items if i["matrix"]]
    return sorted(placed, key=lambda i: (matrix_rules.QUADRANTS.index(i["matrix"]["quadrant"]),
                                         -i["matrix"]["y"], -i["matrix"]["x"]))


def _action_dict(a: Action, board: Board, questions: list[dict], params: dict,
                 by_key: dict, *, team: str, method_title: str) -> dict:
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
    history = [{"at": _iso_time(h.get("at")) if isinstance(h.get("at"), (int, float)) else None,
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
        "finished_at": _iso_time(a.finished_at),
        "overdue": board.overdue(a), "review_due": board.review_due(a),
        "missing": missing(a, questions, bool(params.get("iglo", False)),
                           require_follow_up=bool(params.get("follow_up", True))),
        "created_at": _iso_time(a.created_at),
        "behind": behind_out,
        "history": history,
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
            params = _first_params(method, "actions")
            qs = [{"id": str(q.get("id")), "title": str(q.get("title") or q.get("id"))}
                  for q in params.get("questions", []) or [] if isinstance(q, dict) and q.get("id")]
            questions_of[a.session_id] = (qs, params)
        qs, params = questions_of[a.session_id]
        actions.append(_action_dict(a, board, qs, params, {}, team=arrow.team,
                                    method_title=arrow.method_title))
    meetings = [{"session_id": m.session_id, "team": m.team, "method_title": m.method_title,
                 "date": m.date} for m in board.next_meetings()]
    return {
        "format_version": FORMAT_VERSION,
        "kind": "board",
        "lang": lang,
        "generated_at": _iso_time(now),
        "generated_ts": now,
        "session": None,
        "actions": actions,
        "meetings": meetings,
        "skipped": list(board.skipped),
    }


# -- names -----------------------------------------------------------------------------------

_TRANSLIT = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa",
                           "ß": "ss", "ð": "d", "þ": "th", "Ð": "D", "Þ": "Th", "ł": "l", "Ł": "L"})


def slug(text: str, max_len: int = 40) -> str:
    """ASCII, lower case, words joined by '-': safe in any file system and header."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_len].rstrip("-")


def filename(doc: dict, fmt: str) -> str:
    """A safe ASCII file name: "trivselsdialog-team-a-2026-11-22-actions.csv"."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if doc.get("kind") == "board":
        base = "statuspil-" + str(doc.get("generated_at") or "")[:10]
    else:
        s = doc.get("session") or {}
        parts = [slug(s.get("method_title", "")), slug(s.get("team", "")), str(s.get("date") or "")]
        base = "-".join(p for p in parts if p)
    base = re.sub(r"[^A-Za-z0-9-]+", "-", base).strip("-") or "export"
    return base + FORMATS[fmt].suffix


def when(doc: dict) -> str:
    """When the export was made, as a person reads it: "2026-11-22 14:05"."""
    return str(doc.get("generated_at") or "").replace("T", " ")


def meetings_text(s: dict, t) -> str:
    """"2, now meeting 1" while a two-meeting session runs; else just how many."""
    if s.get("meetings", 1) > 1 and s.get("status") == "running":
        return t(N_("{total}, now meeting {n}")).format(total=s["meetings"], n=s.get("meeting", 1))
    return str(s.get("meetings", 1))


def title(doc: dict, t: Callable[[str], str]) -> str:
    if doc.get("kind") == "board":
        return t(N_("Statuspil: open actions"))
    s = doc["session"]
    return " — ".join(p for p in (s.get("method_title"), s.get("team")) if p)


# -- the formats -----------------------------------------------------------------------------

def render(doc: dict, fmt: str) -> bytes:
    """The bytes of one download; ValueError for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "md":
        return markdown(doc).encode("utf-8")
    if fmt == "notes.csv":
        return notes_csv(doc)
    if fmt == "actions.csv":
        return actions_csv(doc)
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "ics":
        return ics(doc)
    from .export_pdf import pdf  # fpdf2 is loaded only when a PDF is asked for
    return pdf(doc)


def worth_showing(behind: Optional[dict]) -> bool:
    """The wall item behind an action adds something: notes, votes, a column or a spot."""
    return bool(behind) and bool(behind_notes(behind) or behind.get("points") or behind.get("column_title")
                                 or behind.get("matrix"))


def behind_notes(behind: dict) -> list[str]:
    """The notes behind an action worth listing: none when the one note is the theme itself."""
    notes = behind.get("notes") or []
    return [] if notes == [behind.get("label")] else notes


def stage_text(a: dict, t: Callable[[str], str]) -> str:
    """"undervejs (3/5)", plus parked / dropped / overdue in words (never colour only)."""
    out = f"{a['stage_name']} ({a['stage'] + 1}/{len(a['stages'])})"
    if a.get("dropped"):
        out += " · " + t(N_("Dropped"))
    elif a.get("parked"):
        out += " · " + t(N_("Parked"))
    if a.get("overdue"):
        out += " · " + t(N_("Overdue"))
    if a.get("review_due"):
        out += " · " + t(N_("Review due"))
    return out


# Markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


_MD_BLOCK_START = re.compile(r"^(?:([#+=>-])|(\d{1,9})([.)]))")


def md_escape(text: Any) -> str:
    """Text as Markdown shows it literally: one line, every inline markup character
    escaped (so a note saying <script> is text in any Markdown viewer, and no link or
    image), and a start that would open a block (# heading, - list, 1. list, ---)
    escaped too, since the text often starts a list item's line."""
    one_line = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))
    return _MD_BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", one_line)


def markdown(doc: dict) -> str:
    t = translator(doc.get("lang", i18n.DEFAULT))
    e = md_escape
    out: list[str] = [f"# {e(title(doc, t))}", ""]
    if doc.get("kind") == "session":
        s = doc["session"]
        out += [f"- **{t(N_('Method'))}:** {e(s['method_title'])}",
                f"- **{t(N_('Team'))}:** {e(s['team'])}",
                f"- **{t(N_('Date'))}:** {s['date']}",
                f"- **{t(N_('Meetings'))}:** {meetings_text(s, t)}"]
        if s.get("next_meeting"):
            out.append(f"- **{t(N_('Next meeting'))}:** {s['next_meeting']}")
        out.append("")
    out += [f"## {t(N_('Action plan'))}", ""]
    if not doc["actions"]:
        out += [t(N_("No actions yet.")), ""]
    for n, a in enumerate(doc["actions"], 1):
        head = a["problem"] or a["measure"] or t(N_("Action"))
        out += [f"### {n}. {e(head)}", ""]
        if doc.get("kind") == "board":
            out.append(f"- **{t(N_('Team'))}:** {e(a['team'])} ({e(a['method_title'])})")
        out += [f"- **{t(N_('Problem'))}:** {e(a['problem']) or '–'}",
                f"- **{t(N_('Measure'))}:** {e(a['measure']) or '–'}",
                f"- **{t(N_('Responsible'))}:** {e(a['owner']) or '–'}",
                f"- **{t(N_('Follow-up'))}:** {a['follow_up'] or '–'}",
                f"- **{t(N_('Status'))}:** {e(stage_text(a, t))}"]
        if a.get("iglo"):
            out.append(f"- **IGLO:** {t(IGLO_LABELS[a['iglo']])}")
        if a.get("trial"):
            review = a.get("review") or "–"
            verdict = f" · {t(VERDICT_LABELS[a['verdict']])}" if a.get("verdict") else ""
            out.append(f"- **{t(N_('Trial action'))}:** {t(N_('Review'))} {review}{verdict}")
        for ans in a["answers"]:
            if ans["id"] != a.get("measure_question"):  # that one is the measure, above
                out.append(f"- *{e(ans['title'])}* {e(ans['text'])}")
        if a.get("missing"):
            out.append(f"- **{t(N_('Still missing'))}:** "
                       + ", ".join(t(MISSING_LABELS.get(m, m)) for m in a["missing"]))
        b = a.get("behind")
        if worth_showing(b):
            votes = f" · {t(N_('Votes'))}: {b['points']}" if b.get("points") else ""
            out.append(f"- **{t(N_('Behind this action'))}:** {e(b['label'])}{votes}")
            out += [f"    - {e(text)}" for text in behind_notes(b)]
        out.append("")
    if doc.get("kind") == "session":
        out += _markdown_wall(doc, t)
    if doc.get("meetings"):
        out += [f"## {t(N_('Next meetings'))}", ""]
        out += [f"- {m['date']}: {e(m['team'])} ({e(m['method_title'])})" for m in doc["meetings"]]
        out.append("")
    out.append(f"_{t(N_('Exported from the dialog kiosk'))} {when(doc)}_")
    return "\n".join(out) + "\n"


def _markdown_wall(doc: dict, t) -> list[str]:
    e = md_escape
    out: list[str] = []
    for r in doc["votes"]:
        out += [f"## {t(N_('Votes'))}: {e(r['title'])}", ""]
        if not r["ranking"]:
            out += [t(N_("No votes were cast.")), ""]
        for rank in r["ranking"]:
            tie = "=" if rank["tied"] else ""
            star = f" ✓ **{t(N_('carried on'))}**" if rank["winner"] else ""
            out.append(f"- **{tie}{rank['rank']}.** {e(rank['label'])} — {rank['points']}{star}")
        out.append("")
    m = doc.get("matrix")
    if m and m["items"]:
        out += [f"## {t(N_('Matrix'))}", "",
                f"{e(m['y_axis'])} ↑ · {e(m['x_axis'])} →", ""]
        for q_index, q in enumerate(matrix_rules.QUADRANTS):
            placed = [i for i in m["items"] if i["quadrant"] == q]
            if not placed:
                continue
            name = m["quadrants"][q_index] if m["quadrants"] else t(QUADRANT_NAMES[q])
            out += [f"### {e(name)}", ""]
            out += [f"- {e(i['label'])}" for i in sorted(placed, key=lambda i: -i["y"])]
            out.append("")
    for heading, lines in activity_sections(doc, t):
        out += [f"## {e(heading)}", ""]
        for line, subs in lines:
            out.append(f"- {e(line)}")
            out += [f"    - {e(x)}" for x in subs]
        out.append("")
    out += [f"## {t(N_('The wall'))}", ""]
    for title_, items in wall_sections(doc, t):
        if not items:
            continue
        out += [f"### {e(title_)}", ""]
        for i in items:
            extra = item_facts(i, t)
            tail = f" ({', '.join(extra)})" if extra else ""
            if i["type"] == "cluster":
                out.append(f"- **{e(i['label'])}**{tail}")
                out += [f"    - {e(n['text'])}" for n in i["notes"]]
            else:
                out.append(f"- {e(i['label'])}{tail}")
        out.append("")
    return out


SCALE_WORDS = {"green": N_("Green"), "yellow": N_("Yellow"), "red": N_("Red")}
SCALE_SHAPES = {"green": "●", "yellow": "▲", "red": "■"}


def activity_sections(doc: dict, t) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Sign-ups, ratings, the timeline and the map as (heading, [(line, [sub-lines])]),
    one plain structure every format draws its own way. Empty when the method has none."""
    out: list[tuple[str, list[tuple[str, list[str]]]]] = []
    su = doc.get("signups")
    if su:
        out.append((su["title"] or t(N_("Sign-ups")),
                    [(f"{x['label']} ({len(x['names'])})", x["names"]) for x in su["themes"]]))
    for r in doc.get("ratings") or []:
        def value(i: int, word: str, count: int) -> str:
            shape = SCALE_SHAPES.get(word, "")
            name = t(SCALE_WORDS[word]) if word in SCALE_WORDS else word
            return f"{shape} {name} {count}".strip()
        out.append((r["title"] or t(N_("Ratings")),
                    [(st["text"], [" · ".join(value(i, w, c) for i, (w, c) in enumerate(zip(r["scale"], st["counts"])))])
                     for st in r["statements"]]))
    tl = doc.get("timeline")
    if tl:
        lines = [(f"{p['first']}–{p['last']}: {p['name']}", []) for p in tl["periods"]]
        lines += [(str(y["year"]), y["notes"]) for y in tl["years"]]
        out.append((tl["title"] or t(N_("Timeline")), lines))
    mp = doc.get("map")
    if mp:
        lines = [(f"{t(N_('Central theme'))}: {mp['centre']}", [])] if mp["centre"] else []
        lines += [(p["label"], []) for p in mp["points"]]
        if mp["links"]:
            lines.append((t(N_("Links")), [f"{a} — {b}" for a, b in mp["links"]]))
        out.append((mp["title"] or t(N_("Map")), lines))
    return out


QUADRANT_NAMES = {"theirs_important": N_("Important, out of our hands"),
                  "ours_important": N_("Important, and ours to change"),
                  "theirs_minor": N_("Minor, out of our hands"),
                  "ours_minor": N_("Minor, ours to change")}


def item_facts(item: dict, t) -> list[str]:
    """What every format says beside a wall item's text: its votes, and that it went on."""
    extra = []
    if item["points"]:
        extra.append(f"{t(N_('Votes'))}: {item['points']}")
    if item["chosen"]:
        extra.append(t(N_("chosen")))
    return extra


def wall_sections(doc: dict, t) -> list[tuple[str, list[dict]]]:
    """The wall's items by sort column, in the method's order: each column, the
    parking lot, then the themes never sorted."""
    items = doc.get("items") or []
    sections = [(c["title"], [i for i in items if i["column"] == c["id"]]) for c in doc.get("columns", [])]
    sections.append((doc.get("parking_title") or t(N_("Parking lot")),
                     [i for i in items if i["column"] == PARKING]))
    known = {c["id"] for c in doc.get("columns", [])} | {PARKING}
    rest = [i for i in items if i["column"] not in known]
    sections.append((t(N_("Not sorted")) if doc.get("columns") else t(N_("Themes")), rest))
    return sections


# CSV ---------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: None is empty, a leading = + - @ (and tab,
    CR, LF, | or %, which some spreadsheets also read as the start of something) gets
    an apostrophe, as OWASP recommends."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_delimiter(doc: dict) -> str:
    """';' for Danish and Norwegian (their Excel's list separator), ',' for English."""
    return "," if doc.get("lang") == "en" else ";"


def _csv(doc: dict, header: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=csv_delimiter(doc), quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow([csv_cell(h) for h in header])
    for row in rows:
        w.writerow([csv_cell(c) for c in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def notes_csv(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    header = [t(N_("No.")), t(N_("Kind")), t(N_("Text")), t(N_("Theme")), t(N_("Column")),
              t(N_("Votes")), t(N_("Rank")), t(N_("Matrix")), t(N_("Influence")), t(N_("Importance")),
              t(N_("Chosen")), t(N_("Order presented"))]
    notes = doc.get("notes") or []
    with_year = any(n.get("year") is not None for n in notes)
    if with_year:
        header.append(t(N_("Year")))
    rows = []
    for n in notes:
        m = n.get("matrix") or {}
        quadrant = m.get("quadrant_label") or (t(QUADRANT_NAMES[m["quadrant"]]) if m else "")
        rows.append([n["id"], n["kind_title"], n["text"], n["theme"] if n["cluster"] else "",
                     n["column_title"], n["points"] or "", n["rank"] or "", quadrant,
                     _num(m.get("x"), doc), _num(m.get("y"), doc), n["chosen"], n["revealed"]]
                    + ([n.get("year")] if with_year else []))
    return _csv(doc, header, rows)


def _num(v: Optional[float], doc: dict) -> str:
    """A decimal as the spreadsheet of that language reads it: "0,80" where ';' separates."""
    if v is None:
        return ""
    text = f"{v:.2f}"
    return text.replace(".", ",") if csv_delimiter(doc) == ";" else text


def actions_csv(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    qids: list[tuple[str, str]] = []
    for q in doc.get("questions") or []:
        qids.append((q["id"], q["title"]))
    for a in doc["actions"]:
        for ans in a["answers"]:
            if ans["id"] not in {q for q, _ in qids}:
                qids.append((ans["id"], ans["title"]))
    header = ([t(N_("Team")), t(N_("Method"))] if doc.get("kind") == "board" else []) + [
        t(N_("No.")), t(N_("Problem")), t(N_("Measure")), t(N_("Responsible")), t(N_("Follow-up")),
        t(N_("Stage")), t(N_("Status")), "IGLO", t(N_("Trial action")), t(N_("Review")),
        t(N_("Verdict")), t(N_("Overdue")), t(N_("Still missing")), t(N_("Votes")),
        t(N_("Notes behind it"))] + [title_ for _, title_ in qids]
    rows = []
    for n, a in enumerate(doc["actions"], 1):
        b = a.get("behind") or {}
        answers = {ans["id"]: ans["text"] for ans in a["answers"]}
        status = (t(N_("Dropped")) if a["dropped"] else t(N_("Parked")) if a["parked"]
                  else t(N_("Done")) if a["finished"] else "")
        rows.append(([a["team"], a["method_title"]] if doc.get("kind") == "board" else []) + [
            n, a["problem"], a["measure"], a["owner"], a["follow_up"],
            f"{a['stage_name']} ({a['stage'] + 1}/{len(a['stages'])})", status,
            t(IGLO_LABELS[a["iglo"]]) if a.get("iglo") else "", a["trial"], a["review"],
            t(VERDICT_LABELS[a["verdict"]]) if a.get("verdict") else "", a["overdue"],
            ", ".join(t(MISSING_LABELS.get(m, m)) for m in a["missing"]),
            b.get("points") or "", " | ".join(b.get("notes") or [])] + [answers.get(q, "") for q, _ in qids])
    return _csv(doc, header, rows)


# ICS ---------------------------------------------------------------------------------------

def ics_text(value: Any) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon, comma and line breaks escaped."""
    text = str(value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def ics_fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (§3.1), never
    splitting a UTF-8 character."""
    out = []
    current = b""
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            out.append(current)
            current = b" "
            limit = 75
        current += b
    out.append(current)
    return "\r\n".join(part.decode("utf-8") for part in out)


def _uid(*parts: Any) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:24]
    return f"{digest}@dialog-kiosk"


def calendar_events(doc: dict) -> list[dict]:
    """The follow-ups, trial reviews and next meetings as events: {uid, date, summary, description}."""
    t = translator(doc.get("lang", i18n.DEFAULT))
    events = []
    for a in doc["actions"]:
        if a["finished"] or a["dropped"]:
            continue
        theme = a["problem"] or a["measure"] or t(N_("Action"))
        desc = "\n".join(x for x in (
            f"{t(N_('Team'))}: {a['team']}" if a.get("team") else "",
            f"{t(N_('Problem'))}: {a['problem']}" if a["problem"] else "",
            f"{t(N_('Measure'))}: {a['measure']}" if a["measure"] else "",
            f"{t(N_('Responsible'))}: {a['owner']}" if a["owner"] else "",
            f"{t(N_('Status'))}: {stage_text(a, t)}") if x)
        if a.get("follow_up"):
            events.append({"uid": _uid(a["session_id"], "action", a["id"], "follow-up"),
                           "date": a["follow_up"], "summary": f"{t(N_('Follow-up'))}: {theme}",
                           "description": desc, "owner": a["owner"]})
        if a.get("trial") and a.get("review"):
            events.append({"uid": _uid(a["session_id"], "action", a["id"], "review"),
                           "date": a["review"], "summary": f"{t(N_('Review of trial action'))}: {theme}",
                           "description": desc, "owner": a["owner"]})
    for m in doc.get("meetings") or []:
        if m.get("date"):
            events.append({"uid": _uid(m["session_id"], "next-meeting"), "date": m["date"],
                           "summary": f"{t(N_('Next meeting'))}: {m['method_title']} — {m['team']}",
                           "description": "", "owner": ""})
    return events


def ics(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    stamp = datetime.fromtimestamp(float(doc.get("generated_ts") or 0), tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Dialog kiosk//Export//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{ics_text(title(doc, t))}"]
    for ev in calendar_events(doc):
        day = date.fromisoformat(ev["date"])
        lines += ["BEGIN:VEVENT", f"UID:{ev['uid']}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                  f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
                  f"SUMMARY:{ics_text(ev['summary'])}"]
        if ev["description"]:
            lines.append(f"DESCRIPTION:{ics_text(ev['description'])}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(ics_fold(line) for line in lines) + "\r\n").encode("utf-8")


# -- plain-text summary ----------------------------------------------------------------------

def summary_text(doc: dict, max_chars: Optional[int] = None, *, max_bytes: Optional[int] = None) -> str:
    """The gist as plain text (a QR code's payload, a mail body): the header, every
    action with owner, follow-up and stage, then the sign-ups, the votes' top themes
    and the parking lot. With ``max_chars`` (characters) and/or ``max_bytes`` (UTF-8
    bytes, what a QR code counts) it is cut at a whole line, ending with '…'."""
    t = translator(doc.get("lang", i18n.DEFAULT))
    one = lambda s: " ".join(str(s or "").split())  # noqa: E731
    lines = [one(title(doc, t))]
    if doc.get("kind") == "session":
        s = doc["session"]
        lines.append(f"{s['date']}")
    lines.append("")
    lines.append(t(N_("Action plan")) + ":")
    if not doc["actions"]:
        lines.append(t(N_("No actions yet.")))
    for n, a in enumerate(doc["actions"], 1):
        head = one(a["problem"] or a["measure"])
        lines.append(f"{n}. {head}")
        if a["measure"] and a["measure"] != a["problem"]:
            lines.append(f"   {t(N_('Measure'))}: {one(a['measure'])}")
        who = f"{t(N_('Responsible'))}: {one(a['owner']) or '–'}"
        when = f"{t(N_('Follow-up'))}: {a['follow_up'] or '–'}"
        team = f"{one(a['team'])} · " if doc.get("kind") == "board" else ""
        lines.append(f"   {team}{who} · {when}")
        lines.append(f"   {t(N_('Status'))}: {one(stage_text(a, t))}")
    if doc.get("kind") == "session":
        for r in doc["votes"]:
            if r["ranking"]:
                lines += ["", f"{t(N_('Votes'))}: " + "; ".join(
                    f"{one(x['label'])} ({x['points']})" for x in r["ranking"][:5])]
        su = doc.get("signups")
        if su:
            lines += [""] + [f"{one(x['label'])}: " + ", ".join(one(n) for n in x["names"]) for x in su["themes"]]
        parked = [i for i in doc["items"] if i["column"] == PARKING]
        if parked:
            lines += ["", f"{doc.get('parking_title') or t(N_('Parking lot'))}: "
                      + "; ".join(one(i["label"]) for i in parked)]
    if doc.get("meetings"):
        lines += [""] + [f"{t(N_('Next meeting'))}: {m['date']} ({one(m['team'])})" for m in doc["meetings"]]
    text = "\n".join(lines).strip() + "\n"
    if max_chars is not None:
        text = _cut(text, max_chars, len)
    if max_bytes is not None:
        text = _cut(text, max_bytes, lambda x: len(x.encode("utf-8")))
    return text


def _cut(text: str, limit: int, size) -> str:
    """The text if it fits ``limit`` (measured by ``size``), else its whole lines that
    fit with '…' after them (or as many characters as fit, if not even one line does)."""
    if size(text) <= limit:
        return text
    ell = "…"
    if size(ell) > limit:
        return ""
    lines = text.splitlines(keepends=True)
    out = ""
    for line in lines:
        if size(out + line + ell) > limit:
            break
        out += line
    if not out:
        out = text
        while out and size(out + ell) > limit:
            out = out[:-1]
    return out + ell


# -- the phone page --------------------------------------------------------------------------

def esc(value: Any) -> str:
    """Text for HTML, in content and in quoted attributes alike."""
    return html.escape(str(value if value is not None else ""), quote=True)


_SAFE_LINK = re.compile(r"^(?:https?://|/|\./|\?)[^\s\"'<>`\\]*$", re.IGNORECASE)


def _safe_link(url: str) -> Optional[str]:
    """Only http(s) or relative links reach a button (never javascript: or data:)."""
    return url if isinstance(url, str) and _SAFE_LINK.match(url) else None


CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f1ea}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0 .4rem;line-height:1.2}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem;border-bottom:2px solid #d8d2c4;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:.2rem 0 .4rem}
.meta{margin:0 0 .8rem;padding:0;list-style:none;color:#444}
.meta li{display:inline-block;margin-right:1rem}
.downloads{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin:.8rem 0}
.downloads a{overflow-wrap:normal;hyphens:auto;display:block;padding:.8rem .6rem;min-height:3rem;background:#1f4e79;color:#fff;text-decoration:none;border-radius:.5rem;text-align:center;font-weight:600}
.card{background:#fff;border-radius:.6rem;padding:.8rem 1rem;margin:.6rem 0;box-shadow:0 1px 2px rgba(0,0,0,.12)}
.card dl{margin:.4rem 0}
.card dt{font-weight:600;color:#555;font-size:.9rem;margin-top:.45rem}
.card dd{margin:0;overflow-wrap:anywhere}
main,h1,h3,li,p{overflow-wrap:anywhere}
.stages{display:flex;flex-wrap:wrap;gap:.25rem;margin:.4rem 0;padding:0;list-style:none}
.stages li{padding:.15rem .5rem;border:1px solid #9aa5b1;border-radius:1rem;font-size:.85rem;color:#555}
.stages li.done{background:#dfe8f1;color:#1b1f24}
.stages li.now{background:#1f4e79;color:#fff;border-color:#1f4e79;font-weight:700}
.flag{display:inline-block;padding:.05rem .45rem;border-radius:.3rem;font-size:.85rem;font-weight:700;margin-left:.3rem}
.flag.overdue{background:#b3261e;color:#fff}
.flag.parked{background:#6b6b6b;color:#fff}
.flag.missing{background:#f3d36b;color:#1b1f24}
.flag.won{background:#dcefdc;color:#1b1f24;margin-left:0;white-space:nowrap}
.notes{margin:.3rem 0 0;padding-left:1.2rem}
.notes li{margin:.15rem 0;overflow-wrap:anywhere}
.theme{font-weight:700}
.kind{font-size:.8rem;color:#666}
ol.rank{padding-left:0;list-style:none}
ol.rank li{display:flex;gap:.6rem;align-items:baseline;padding:.3rem 0;border-bottom:1px solid #e4dfd3}
ol.rank .n{min-width:2.2rem;font-weight:700}
ol.rank .p{margin-left:auto;font-weight:700;white-space:nowrap}
svg{width:100%;height:auto;background:#fff;border-radius:.6rem}
.legend{padding-left:1.4rem}
footer{margin:2rem 0 1rem;color:#666;font-size:.85rem}
@media print{body{background:#fff;font-size:11pt}.noprint{display:none}
.card{box-shadow:none;border:1px solid #ccc;break-inside:avoid}h2{break-after:avoid}}
"""


def page(doc: dict, links: dict[str, str]) -> str:
    """The phone page: a complete HTML5 document in the doc's language, CSS inline, no
    script, no external resource. ``links`` maps a format to the URL of its download
    (formats without a safe link get no button)."""
    lang = doc.get("lang", i18n.DEFAULT)
    t = translator(lang)
    parts: list[str] = []
    add = parts.append
    head_title = title(doc, t)
    add("<!DOCTYPE html>")
    add(f'<html lang="{esc(lang)}"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'style-src \'unsafe-inline\'; img-src data:; form-action \'none\'; base-uri \'none\'">')
    add('<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">')
    add(f"<title>{esc(head_title)}</title><style>{CSS}</style></head><body><main>")
    add(f"<h1>{esc(head_title)}</h1>")
    if doc.get("kind") == "session":
        s = doc["session"]
        add('<ul class="meta">')
        add(f"<li>{esc(t(N_('Method')))}: <b>{esc(s['method_title'])}</b></li>")
        add(f"<li>{esc(t(N_('Team')))}: <b>{esc(s['team'])}</b></li>")
        add(f"<li>{esc(t(N_('Date')))}: <b>{esc(s['date'])}</b></li>")
        add(f"<li>{esc(t(N_('Meetings')))}: <b>{esc(meetings_text(s, t))}</b></li>")
        if s.get("next_meeting"):
            add(f"<li>{esc(t(N_('Next meeting')))}: <b>{esc(s['next_meeting'])}</b></li>")
        add("</ul>")
    else:
        add(f'<ul class="meta"><li>{esc(t(N_("Exported")))}: <b>{esc(when(doc))}</b></li></ul>')
    buttons = [(fmt, _safe_link(links.get(fmt, ""))) for fmt in FORMAT_LABELS if fmt in (links or {})]
    buttons = [(fmt, url) for fmt, url in buttons if url]
    if buttons:
        add(f'<h2 class="noprint">{esc(t(N_("Download")))}</h2><nav class="downloads noprint">')
        for fmt, url in buttons:
            add(f'<a href="{esc(url)}" download="{esc(filename(doc, fmt))}">{esc(t(FORMAT_LABELS[fmt]))}</a>')
        add("</nav>")
    add(f"<h2>{esc(t(N_('Action plan')))}</h2>")
    if not doc["actions"]:
        add(f"<p>{esc(t(N_('No actions yet.')))}</p>")
    for n, a in enumerate(doc["actions"], 1):
        add(_action_card(doc, a, n, t))
    if doc.get("kind") == "session":
        _page_wall(doc, t, add)
    if doc.get("meetings"):
        add(f"<h2>{esc(t(N_('Next meetings')))}</h2><ul>")
        for m in doc["meetings"]:
            add(f"<li><b>{esc(m['date'])}</b>: {esc(m['team'])} ({esc(m['method_title'])})</li>")
        add("</ul>")
    add(f"<footer>{esc(t(N_('Exported from the dialog kiosk')))} {esc(when(doc))}</footer>")
    add("</main></body></html>")
    return "\n".join(parts)


def _action_card(doc: dict, a: dict, n: int, t) -> str:
    out = ['<section class="card">']
    head = a["problem"] or a["measure"] or t(N_("Action"))
    flags = ""
    if a.get("overdue"):
        flags += f'<span class="flag overdue">⚠ {esc(t(N_("Overdue")))}</span>'
    if a.get("parked"):
        flags += f'<span class="flag parked">⏸ {esc(t(N_("Parked")))}</span>'
    if a.get("dropped"):
        flags += f'<span class="flag parked">{esc(t(N_("Dropped")))}</span>'
    out.append(f"<h3>{n}. {esc(head)}{flags}</h3>")
    if doc.get("kind") == "board":
        out.append(f'<p class="kind">{esc(a["team"])} · {esc(a["method_title"])}</p>')
    out.append('<ol class="stages">')
    for i, name in enumerate(a["stages"]):
        cls = "now" if i == a["stage"] else "done" if i < a["stage"] else ""
        mark = "▶ " if i == a["stage"] else "✓ " if i < a["stage"] else ""
        out.append(f'<li class="{cls}">{mark}{esc(name)}</li>')
    out.append("</ol><dl>")

    def row(label: str, value: str) -> None:
        out.append(f"<dt>{esc(label)}</dt><dd>{esc(value) if value else '–'}</dd>")
    row(t(N_("Problem")), a["problem"])
    row(t(N_("Measure")), a["measure"])
    row(t(N_("Responsible")), a["owner"])
    row(t(N_("Follow-up")), a["follow_up"] or "")
    if a.get("iglo"):
        row("IGLO", t(IGLO_LABELS[a["iglo"]]))
    if a.get("trial"):
        verdict = f" · {t(VERDICT_LABELS[a['verdict']])}" if a.get("verdict") else ""
        row(t(N_("Trial action")), f"{t(N_('Review'))} {a.get('review') or '–'}{verdict}")
    for ans in a["answers"]:
        if ans["id"] in (a.get("measure_question"),):
            continue
        row(ans["title"], ans["text"])
    out.append("</dl>")
    if a.get("missing"):
        out.append(f'<p><span class="flag missing">{esc(t(N_("Still missing")))}</span> '
                   f'{esc(", ".join(t(MISSING_LABELS.get(m, m)) for m in a["missing"]))}</p>')
    b = a.get("behind")
    if worth_showing(b):
        votes = f" · {esc(t(N_('Votes')))}: {esc(b['points'])}" if b.get("points") else ""
        theme = f": {esc(b['label'])}" if b["label"] != a["problem"] else ""
        out.append(f'<p class="kind">{esc(t(N_("Behind this action")))}{theme}{votes}</p><ul class="notes">')
        out += [f"<li>{esc(text)}</li>" for text in behind_notes(b)]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _page_wall(doc: dict, t, add) -> None:
    for r in doc["votes"]:
        add(f"<h2>{esc(t(N_('Votes')))}: {esc(r['title'])}</h2>")
        if not r["ranking"]:
            add(f"<p>{esc(t(N_('No votes were cast.')))}</p>")
            continue
        add('<ol class="rank">')
        for x in r["ranking"]:
            tie = "=" if x["tied"] else ""
            star = f' <span class="flag won">✓ {esc(t(N_("carried on")))}</span>' if x["winner"] else ""
            add(f'<li><span class="n">{tie}{x["rank"]}.</span><span>{esc(x["label"])}{star}</span>'
                f'<span class="p">{"●" * min(x["points"], 7)} {x["points"]}</span></li>')
        add("</ol>")
    m = doc.get("matrix")
    if m and m["items"]:
        add(f"<h2>{esc(t(N_('Matrix')))}</h2>")
        add(matrix_svg(doc, t))
        add('<ol class="legend">')
        for i in m["items"]:
            add(f'<li value="{int(i["number"])}">{esc(i["label"])}</li>')
        add("</ol>")
    for heading, lines in activity_sections(doc, t):
        add(f'<h2>{esc(heading)}</h2><section class="card"><ul class="notes">')
        for line, subs in lines:
            inner = "".join(f"<li>{esc(x)}</li>" for x in subs)
            add(f"<li>{esc(line)}{f'<ul>{inner}</ul>' if inner else ''}</li>")
        add("</ul></section>")
    add(f"<h2>{esc(t(N_('The wall')))}</h2>")
    for title_, items in wall_sections(doc, t):
        if not items:
            continue
        add(f'<section class="card"><h3>{esc(title_)} ({len(items)})</h3><ul class="notes">')
        for i in items:
            extra = item_facts(i, t)
            tail = f' <span class="kind">({esc(", ".join(extra))})</span>' if extra else ""
            if i["type"] == "cluster":
                add(f'<li><span class="theme">{esc(i["label"])}</span>{tail}<ul>')
                for n in i["notes"]:
                    add(f'<li>{esc(n["text"])} <span class="kind">{esc(n["kind_title"])}</span></li>')
                add("</ul></li>")
            else:
                kind = i["notes"][0]["kind_title"] if i["notes"] else ""
                add(f'<li>{esc(i["label"])} <span class="kind">{esc(kind)}</span>{tail}</li>')
        add("</ul></section>")


def matrix_svg(doc: dict, t) -> str:
    """The matrix as an inline SVG: four quadrants with their labels, the axes named,
    each placed theme a numbered dot (the list under it says which is which, so the
    picture holds no long text and nothing a note says can break out of it)."""
    m = doc["matrix"]
    W, H, L, B, T, R = 400, 400, 34, 34, 8, 8  # size and margins (left/bottom hold the axis names)
    w, h = W - L - R, H - T - B
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="{esc(t(N_("Matrix")))}">']
    fills = {"theirs_important": "#eef1f5", "ours_important": "#dcefdc",
             "theirs_minor": "#f7f7f7", "ours_minor": "#eef1f5"}
    for q, (qx, qy) in zip(matrix_rules.QUADRANTS, [(0, 0), (1, 0), (0, 1), (1, 1)]):
        x0, y0 = L + qx * w / 2, T + qy * h / 2
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w / 2:.1f}" height="{h / 2:.1f}" '
                   f'fill="{fills[q]}" stroke="#9aa5b1"/>')
        label = m["quadrants"][matrix_rules.QUADRANTS.index(q)] if m["quadrants"] else t(QUADRANT_NAMES[q])
        for k, line in enumerate(_wrap(label, 30)[:3]):
            out.append(f'<text x="{x0 + 6:.1f}" y="{y0 + 16 + 13 * k:.1f}" font-size="11" fill="#555">'
                       f'{esc(line)}</text>')
    x_name = f'{m["x_axis"] or t(N_("Our own influence"))} →'
    y_name = f'{m["y_axis"] or t(N_("Importance"))} →'
    out.append(f'<text x="{L + w / 2:.1f}" y="{H - 10}" font-size="{_axis_font(x_name, w)}" '
               f'text-anchor="middle" fill="#1b1f24">{esc(x_name)}</text>')
    out.append(f'<text transform="translate(18 {T + h / 2:.1f}) rotate(-90)" font-size="{_axis_font(y_name, h)}" '
               f'text-anchor="middle" fill="#1b1f24">{esc(y_name)}</text>')
    for i in m["items"]:
        cx, cy = L + i["x"] * w, T + (1 - i["y"]) * h
        cx, cy = min(max(cx, L + 12), L + w - 12), min(max(cy, T + 12), T + h - 12)
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="11" fill="#1f4e79" stroke="#fff" stroke-width="2"/>'
                   f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="11" font-weight="700" '
                   f'text-anchor="middle" fill="#fff">{int(i["number"])}</text>')
    out.append("</svg>")
    return "".join(out)


def _axis_font(text: str, room: float) -> int:
    """A font size at which an axis name fits its side (a glyph is about 0.6 em wide)."""
    return max(8, min(13, int(room / (0.6 * max(1, len(text))))))


def _wrap(text: str, width: int) -> list[str]:
    words, lines, cur = str(text).split(), [], ""
    for word in words:
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    if cur:
        lines.append(cur)
    return lines
