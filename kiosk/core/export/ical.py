"""``ics``: the follow-ups as a calendar (RFC 5545).

One all-day VEVENT per follow-up day, trial review day and next meeting, with stable
UIDs (a re-import updates, not doubles); an activity adds events through its
``events`` hook.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from typing import Any

from kiosk import i18n
from kiosk.i18n import N_

from .text import activity_events, stage_text, title, translator

__all__ = ["ics", "ics_text", "ics_fold", "calendar_events", "uid"]


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


def uid(*parts: Any) -> str:
    """A stable event id from what the event is about (the same export, the same UID)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:24]
    return f"{digest}@dialog-kiosk"


def calendar_events(doc: dict) -> list[dict]:
    """The follow-ups, trial reviews and next meetings as events: {uid, date, summary, description}."""
    t = translator(doc.get("lang", i18n.DEFAULT))
    events = []
    for a in doc["actions"]:
        if a["finished"] or a["dropped"] or (a.get("decision") or {}).get("state") in ("declined", "merged"):
            continue
        theme = a["problem"] or a["measure"] or t(N_("Action"))
        desc = "\n".join(x for x in (
            f"{t(N_('Team'))}: {a['team']}" if a.get("team") else "",
            f"{t(N_('Problem'))}: {a['problem']}" if a["problem"] else "",
            f"{t(N_('Measure'))}: {a['measure']}" if a["measure"] else "",
            f"{t(N_('Responsible'))}: {a['owner']}" if a["owner"] else "",
            f"{t(N_('Status'))}: {stage_text(a, t)}") if x)
        if a.get("follow_up"):
            events.append({"uid": uid(a["session_id"], "action", a["id"], "follow-up"),
                           "date": a["follow_up"], "summary": f"{t(N_('Follow-up'))}: {theme}",
                           "description": desc, "owner": a["owner"]})
        if a.get("trial") and a.get("review"):
            events.append({"uid": uid(a["session_id"], "action", a["id"], "review"),
                           "date": a["review"], "summary": f"{t(N_('Review of trial action'))}: {theme}",
                           "description": desc, "owner": a["owner"]})
    for m in doc.get("meetings") or []:
        if m.get("date"):
            events.append({"uid": uid(m["session_id"], "next-meeting"), "date": m["date"],
                           "summary": f"{t(N_('Next meeting'))}: {m['method_title']} — {m['team']}",
                           "description": "", "owner": ""})
    return events + activity_events(doc, t)


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
        if ev.get("description"):
            lines.append(f"DESCRIPTION:{ics_text(ev['description'])}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(ics_fold(line) for line in lines) + "\r\n").encode("utf-8")
