"""What the print-outs need from a session, read into the export document.

The paper a workshop hangs on the wall or cuts out (the process poster, the IGLO
sheet, the sheet of the top actions, the statement cards, the puzzle's pieces) is
rendered from the document like every other format, so the document carries:

* the agenda with clock times (``agenda``): each step's planned length as its timer
  has it now (the plan's minutes plus what the facilitator added), and its planned
  start and end from the moment its meeting began. A meeting that has not begun
  yet has no clock times, only the minutes from its start;
* what the method's steps hold for paper (``printouts``): the cards steps' decks and
  jokers, the sort steps' own items and columns, whether an actions step asks who
  must act (IGLO), and how many actions the vote before the action plan carries on.

Only what the method file says and the session's times: never a facilitator's note
(the run sheet reads those from the method itself, outside the document).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Optional

__all__ = ["agenda", "printouts", "with_start", "clock_text"]


def _num(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _length(step: dict, timer: Any) -> float:
    """Minutes as the step's timer has them now: planned plus adjusted, never below zero."""
    if isinstance(timer, dict) and _num(timer.get("planned")) is not None:
        seconds = _num(timer["planned"]) + (_num(timer.get("adjust")) or 0.0)
        return max(0.0, seconds) / 60.0
    return max(0.0, _num(step.get("minutes")) or 0.0)


def _first_run(timer: Any) -> Optional[float]:
    runs = timer.get("runs") if isinstance(timer, dict) else None
    starts = [_num(r[0]) for r in runs or () if isinstance(r, (list, tuple)) and r]
    starts = [s for s in starts if s is not None and s > 0]
    return min(starts) if starts else None


def clock_text(ts: float) -> str:
    """Local time of day to the nearest minute: "09:05"."""
    return datetime.fromtimestamp(round(float(ts) / 60.0) * 60.0).strftime("%H:%M")


def agenda(session: dict, steps: list[dict]) -> list[dict]:
    """The session's steps with their planned lengths and clock times.

    A meeting starts when the first of its timers first ran; meeting 1 of a session
    started at the wall (not one prepared ahead and still waiting) starts when it was
    made, before its first timer runs. Each step starts where the one before it in
    its meeting ends, as planned (the poster is the plan, not the minutes of what
    happened)."""
    timers = session.get("timers") if isinstance(session.get("timers"), dict) else {}
    meeting_of = [int(s.get("meeting", 1) or 1) for s in steps]
    starts: dict[int, Optional[float]] = {}
    for m in sorted(set(meeting_of)):
        runs = [_first_run(timers.get(str(s.get("id")))) for s, sm in zip(steps, meeting_of) if sm == m]
        runs = [r for r in runs if r is not None]
        start = min(runs) if runs else None
        if start is None and m == 1 and session.get("status") != "between":
            start = _num(session.get("created_at"))
        starts[m] = start
    out, offset = [], {m: 0.0 for m in starts}
    for s, m in zip(steps, meeting_of):
        length = _length(s, timers.get(str(s.get("id"))))
        begin = offset[m]
        offset[m] += length
        start = starts[m]
        out.append({
            "id": str(s.get("id")), "title": str(s.get("title") or ""), "phase": str(s.get("phase") or ""),
            "activity": str(s.get("activity") or ""), "meeting": m, "minutes": s.get("minutes"),
            "length": round(length, 2), "offset": round(begin, 2),
            "start": clock_text(start + begin * 60.0) if start is not None else None,
            "end": clock_text(start + offset[m] * 60.0) if start is not None else None,
            "day": datetime.fromtimestamp(start).date().isoformat() if start is not None else None,
        })
    return out


_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def with_start(entries: list[dict], start: str) -> list[dict]:
    """The agenda with clock times from ``start`` ("09:00" or "9.00") for each meeting
    that has none yet (one prepared ahead, a meeting still to come, a method's plan
    before any session). ValueError for a time that is not one."""
    m = _HHMM.match((start or "").strip())
    if not m:
        raise ValueError(f"expected a time of day like 09:00, got {start!r}")
    base = int(m.group(1)) * 60 + int(m.group(2))

    def hhmm(minutes: float) -> str:
        total = int(round(base + minutes)) % (24 * 60)
        return f"{total // 60:02d}:{total % 60:02d}"

    out = []
    for e in entries:
        if e.get("start") is None:
            end = float(e.get("offset") or 0) + float(e.get("length") or 0)
            e = {**e, "start": hhmm(float(e.get("offset") or 0)), "end": hhmm(end)}
        out.append(e)
    return out


def printouts(method: dict) -> dict:
    """What the method's steps hold for paper (see the module's docstring)."""
    steps = [s for s in method.get("steps", []) or [] if isinstance(s, dict)]
    decks, factors, iglo, top, voted = [], [], False, 0, 0
    for s in steps:
        params = s.get("params") if isinstance(s.get("params"), dict) else {}
        activity = s.get("activity")
        if activity == "cards":
            ds = [{"id": str(d.get("id")), "title": str(d.get("title") or d.get("id")),
                   "cards": [str(c) for c in d.get("cards") or [] if isinstance(c, str)]}
                  for d in params.get("decks") or [] if isinstance(d, dict)]
            jokers = params.get("jokers", 0)
            decks.append({"step": str(s.get("id")), "title": str(s.get("title") or ""),
                          "jokers": jokers if isinstance(jokers, int) and not isinstance(jokers, bool) else 0,
                          "decks": ds})
        elif activity == "sort" and params.get("items"):
            columns = [str(c.get("title") or c.get("id")) for c in params.get("columns") or []
                       if isinstance(c, dict) and c.get("id")]
            parking = params.get("parking_lot")
            if isinstance(parking, str) and parking:
                columns.append(parking)
            factors.append({"step": str(s.get("id")), "title": str(s.get("title") or ""),
                            "columns": columns,
                            "items": [str(i) for i in params["items"] if isinstance(i, str)]})
        elif activity == "vote":
            n = params.get("winners")
            voted = n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else voted
        elif activity == "actions":
            iglo = iglo or bool(params.get("iglo", False))
            top = top or voted
    return {"decks": decks, "factors": factors, "iglo": iglo, "top": top}
