"""``notes.csv`` (one row per note) and ``actions.csv`` (one row per action).

UTF-8 with a BOM (a spreadsheet then opens æ ø å right), separated by ``;`` in
Danish and Norwegian (what Excel expects there) and ``,`` in English; a cell that
starts with ``= + - @``, a tab or a CR gets an apostrophe first, so it never runs as
a formula. An activity adds columns through its ``columns`` hook.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Optional

from kiosk import i18n
from kiosk.i18n import N_

from .text import (IGLO_LABELS, MISSING_LABELS, VERDICT_LABELS, activity_columns, decision_state, quadrant_name,
                   translator)

__all__ = ["csv_cell", "csv_delimiter", "notes_csv", "actions_csv"]

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


def _num(v: Optional[float], doc: dict) -> str:
    """A decimal as the spreadsheet of that language reads it: "0,80" where ';' separates."""
    if v is None:
        return ""
    text = f"{v:.2f}"
    return text.replace(".", ",") if csv_delimiter(doc) == ";" else text


def notes_csv(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    extra = activity_columns(doc, "notes", t)
    header = [t(N_("No.")), t(N_("Kind")), t(N_("Text")), t(N_("Theme")), t(N_("Column")),
              t(N_("Votes")), t(N_("Rank")), t(N_("Matrix")), t(N_("Influence")), t(N_("Importance")),
              t(N_("Chosen")), t(N_("Order presented"))] + [h for h, _ in extra]
    rows = []
    for n in doc.get("notes") or []:
        m = n.get("matrix") or {}
        rows.append([n["id"], n["kind_title"], n["text"], n["theme"] if n["cluster"] else "",
                     n["column_title"], n["points"] or "", n["rank"] or "", quadrant_name(m, t) if m else "",
                     _num(m.get("x"), doc), _num(m.get("y"), doc), n["chosen"], n["revealed"]]
                    + [cell(n) for _, cell in extra])
    if any(n.get("group") for n in doc.get("notes") or []):  # a table-group workshop: each note's table
        header.append(t(N_("Table")))
        for row, n in zip(rows, doc.get("notes") or []):
            row.append(n.get("group") or "")
    return _csv(doc, header, rows)


def _decision_columns(doc: dict, t) -> list:
    """Where actions were proposals: their state, the body, who decided, when and why
    (no columns at all for a plan the workshop agreed, so its file reads as before)."""
    if not any(a.get("decision") for a in doc["actions"]):
        return []

    def cell(key: str):
        return lambda a: (a.get("decision") or {}).get(key) or ""
    return [(t(N_("Decision")), lambda a: decision_state(a["decision"], t) if a.get("decision") else ""),
            (t(N_("Body")), cell("body_name")), (t(N_("Who decided")), cell("by")),
            (t(N_("Decided at")), lambda a: cell("at")(a).replace("T", " ")),
            (t(N_("Reason")), cell("reason"))]


def actions_csv(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    qids: list[tuple[str, str]] = []
    for q in doc.get("questions") or []:
        qids.append((q["id"], q["title"]))
    for a in doc["actions"]:
        for ans in a["answers"]:
            if ans["id"] not in {q for q, _ in qids}:
                qids.append((ans["id"], ans["title"]))
    extra = activity_columns(doc, "actions", t) + _decision_columns(doc, t)
    board = doc.get("kind") == "board"
    header = ([t(N_("Team")), t(N_("Method"))] if board else []) + [
        t(N_("No.")), t(N_("Problem")), t(N_("Measure")), t(N_("Responsible")), t(N_("Follow-up")),
        t(N_("Stage")), t(N_("Status")), "IGLO", t(N_("Trial action")), t(N_("Review")),
        t(N_("Verdict")), t(N_("Overdue")), t(N_("Still missing")), t(N_("Votes")),
        t(N_("Notes behind it"))] + [title_ for _, title_ in qids] + [h for h, _ in extra]
    rows = []
    for n, a in enumerate(doc["actions"], 1):
        b = a.get("behind") or {}
        answers = {ans["id"]: ans["text"] for ans in a["answers"]}
        status = (t(N_("Dropped")) if a["dropped"] else t(N_("Parked")) if a["parked"]
                  else t(N_("Done")) if a["finished"] else "")
        rows.append(([a["team"], a["method_title"]] if board else []) + [
            n, a["problem"], a["measure"], a["owner"], a["follow_up"],
            f"{a['stage_name']} ({a['stage'] + 1}/{len(a['stages'])})", status,
            t(IGLO_LABELS[a["iglo"]]) if a.get("iglo") else "", a["trial"], a["review"],
            t(VERDICT_LABELS[a["verdict"]]) if a.get("verdict") else "", a["overdue"],
            ", ".join(t(MISSING_LABELS.get(m, m)) for m in a["missing"]),
            b.get("points") or "", " | ".join(b.get("notes") or [])]
            + [answers.get(q, "") for q, _ in qids] + [cell(a) for _, cell in extra])
    return _csv(doc, header, rows)
