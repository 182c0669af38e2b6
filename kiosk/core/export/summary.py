"""The gist as plain text: a QR code's payload, the offline fallbacks, a mail body."""

from __future__ import annotations

from typing import Optional

from kiosk import i18n
from kiosk.i18n import N_

from .text import PARKING, activity_summary, one_line, stage_text, title, translator

__all__ = ["summary_text"]


def summary_text(doc: dict, max_chars: Optional[int] = None, *, max_bytes: Optional[int] = None) -> str:
    """The header, every action with owner, follow-up and stage, then what the
    activities add (the votes' top themes, the sign-ups) and the parking lot. With
    ``max_chars`` (characters) and/or ``max_bytes`` (UTF-8 bytes, what a QR code
    counts) it is cut at a whole line, ending with '…'."""
    t = translator(doc.get("lang", i18n.DEFAULT))
    one = one_line
    lines = [one(title(doc, t))]
    if doc.get("kind") == "session":
        lines.append(f"{doc['session']['date']}")
    lines.append("")
    lines.append(t(N_("Action plan")) + ":")
    if not doc["actions"]:
        lines.append(t(N_("No actions yet.")))
    for n, a in enumerate(doc["actions"], 1):
        lines.append(f"{n}. {one(a['problem'] or a['measure'])}")
        if a["measure"] and a["measure"] != a["problem"]:
            lines.append(f"   {t(N_('Measure'))}: {one(a['measure'])}")
        who = f"{t(N_('Responsible'))}: {one(a['owner']) or '–'}"
        due = f"{t(N_('Follow-up'))}: {a['follow_up'] or '–'}"
        team = f"{one(a['team'])} · " if doc.get("kind") == "board" else ""
        lines.append(f"   {team}{who} · {due}")
        lines.append(f"   {t(N_('Status'))}: {one(stage_text(a, t))}")
    if doc.get("kind") == "session":
        lines += [one(line) for line in activity_summary(doc, t)]
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
