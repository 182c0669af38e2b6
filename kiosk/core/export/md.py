"""``md``: the session as Markdown, readable as plain text too.

What people wrote is escaped so it shows literally in any Markdown viewer: no
markup, no link or image, and no line of its own that opens a heading or a list.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk import i18n
from kiosk.i18n import N_

from .text import decision_line, decision_log
from .text import (IGLO_LABELS, MISSING_LABELS, QUADRANTS, VERDICT_LABELS, activity_sections,
                   behind_notes, item_facts, meetings_text, minutes_sections, quadrant_title, stage_text, title,
                   translator, wall_sections, when, worth_showing)

__all__ = ["markdown", "md_escape", "render"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_BLOCK_START = re.compile(r"^(?:([#+=>-])|(\d{1,9})([.)]))")


def md_escape(text: Any) -> str:
    """Text as Markdown shows it literally: one line, every inline markup character
    escaped (so a note saying <script> is text in any Markdown viewer, and no link or
    image), and a start that would open a block (# heading, - list, 1. list, ---)
    escaped too, since the text often starts a list item's line."""
    one_line = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))
    return _MD_BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", one_line)


def render(doc: dict) -> bytes:
    return markdown(doc).encode("utf-8")


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
        if s.get("decided_by_name"):
            out.append(f"- **{t(N_('Decided by'))}:** {e(s['decided_by_name'])}")
        out.append("")
    out += [f"## {t(N_('Action plan'))}", ""]
    if not doc["actions"]:
        out += [t(N_("No actions yet.")), ""]
    for n, a in enumerate(doc["actions"], 1):
        out += _action(doc, a, n, t)
    if doc.get("kind") == "session":
        out += _minutes(doc, t)
        out += _wall(doc, t)
    if doc.get("meetings"):
        out += [f"## {t(N_('Next meetings'))}", ""]
        out += [f"- {m['date']}: {e(m['team'])} ({e(m['method_title'])})" for m in doc["meetings"]]
        out.append("")
    out.append(f"_{t(N_('Exported from the dialog kiosk'))} {when(doc)}_")
    return "\n".join(out) + "\n"


def _action(doc: dict, a: dict, n: int, t) -> list[str]:
    e = md_escape
    head = a["problem"] or a["measure"] or t(N_("Action"))
    out = [f"### {n}. {e(head)}", ""]
    if doc.get("kind") == "board":
        out.append(f"- **{t(N_('Team'))}:** {e(a['team'])} ({e(a['method_title'])})")
    out += [f"- **{t(N_('Problem'))}:** {e(a['problem']) or '–'}",
            f"- **{t(N_('Measure'))}:** {e(a['measure']) or '–'}",
            f"- **{t(N_('Responsible'))}:** {e(a['owner']) or '–'}",
            f"- **{t(N_('Follow-up'))}:** {a['follow_up'] or '–'}",
            f"- **{t(N_('Status'))}:** {e(stage_text(a, t))}"]
    out += _decision(doc, a, t)
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
    return out


def _decision(doc: dict, a: dict, t) -> list[str]:
    """A proposal's decision: who, which body, when; and every decision before the last."""
    if not a.get("decision"):
        return []
    out = [f"- **{t(N_('Decision'))}:** {md_escape(decision_line(a, doc, t))}"]
    log = decision_log(a, t)
    if len(log) > (0 if a["decision"]["state"] == "proposed" else 1):
        out.append(f"- **{t(N_('Decisions taken'))}:**")
        out += [f"    - {md_escape(line)}" for line in log]
    return out


def _minutes(doc: dict, t) -> list[str]:
    """Each step's minutes under its own heading, the referent's lines kept (a hard break
    between them, a blank line where they left one)."""
    sections = minutes_sections(doc, t)
    if not sections:
        return []
    out = [f"## {t(N_('Minutes'))}", ""]
    for heading, lines in sections:
        out += [f"### {md_escape(heading)}", ""]
        out += [f"{md_escape(line)}  " if line.strip() else "" for line in lines]
        out.append("")
    return out


def _wall(doc: dict, t) -> list[str]:
    e = md_escape
    out: list[str] = []
    for r in doc.get("votes") or []:
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
        for q in QUADRANTS:
            placed = [i for i in m["items"] if i["quadrant"] == q]
            if not placed:
                continue
            out += [f"### {e(quadrant_title(m, q, t))}", ""]
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
