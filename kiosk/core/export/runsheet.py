"""``runsheet``: the facilitator's run sheet, printed before the workshop.

The agenda with clock times, then what the method file tells the process owner to
arrange (roles, what to prepare, materials, the room, psychological safety), the
ground rules the steps show, and step by step: its time, why it is there, what to
say, tips, pitfalls, what the screen shows the group and what the referent writes
down. A4 portrait, read up close.

It is made from the method itself (``sheet_doc``): a method file before any session
exists, or a session's own snapshot with its planned times. Facilitator notes are
for the facilitator only, so this is not one of the ``FORMATS``: the phone page,
whose link anyone in the room may scan, never offers it, and the export document
never carries the notes. ``kiosk export --format runsheet`` makes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from kiosk import i18n
from kiosk.i18n import N_

from . import paper
from .paper import ACCENT, INK, LINE, MUTED, RULE
from .formats import Format
from .printdata import agenda, with_start
from .text import translator

__all__ = ["sheet_doc", "render", "RUNSHEET", "NAME", "SECTIONS"]

NAME = N_("Facilitator's run sheet")
SECTIONS = (("roles", N_("Roles")), ("prepare", N_("Prepare")), ("materials", N_("Materials")),
            ("room", N_("The room")), ("safety", N_("Psychological safety")))
"""The method's ``[method.facilitator]`` lists, in the order a process owner works through them."""
STEP_PARTS = (("say", N_("What to say")), ("tips", N_("Tips")), ("pitfalls", N_("Pitfalls")))


def _lines(value) -> list[str]:
    return [str(x) for x in value if isinstance(x, str) and x.strip()] if isinstance(value, (list, tuple)) else []


def sheet_doc(method: dict, *, now: float, lang: Optional[str] = None, session: Optional[dict] = None,
              start: Optional[str] = None) -> dict:
    """The run sheet's content: ``method`` as ``Method.to_dict`` gives it (a file's, or a
    session's snapshot with ``session`` for its team, day and planned times). ``start``
    ("09:00") gives clock times to the meetings that have none yet; ValueError if it
    is no time of day."""
    steps = [s for s in method.get("steps") or [] if isinstance(s, dict)]
    lang = lang if lang in i18n.LANGUAGES else (session or {}).get("lang") or method.get("language")
    if lang not in i18n.LANGUAGES:
        lang = i18n.DEFAULT
    entries = agenda(session or {"status": "between"}, steps)
    if start:
        entries = with_start(entries, start)
    fac = method.get("facilitator") if isinstance(method.get("facilitator"), dict) else {}
    created = (session or {}).get("created_at")
    return {
        "kind": "runsheet", "lang": lang,
        "generated_at": datetime.fromtimestamp(now).isoformat(timespec="minutes"), "generated_ts": now,
        "title": str(method.get("title") or ""),
        "method": {"id": str(method.get("id") or ""), "title": str(method.get("title") or ""),
                   "source": str(method.get("source") or ""), "group_size": str(method.get("group_size") or ""),
                   "facilitator": {k: _lines(fac.get(k)) for k, _ in SECTIONS}},
        "team": str((session or {}).get("team") or ""),
        "date": (datetime.fromtimestamp(created).date().isoformat()
                 if isinstance(created, (int, float)) and session.get("status") != "between" else ""),
        "agenda": entries,
        "steps": [{"id": str(s.get("id")), "title": str(s.get("title") or ""), "phase": str(s.get("phase") or ""),
                   "prompts": _lines(s.get("prompts")), "rules": _lines(s.get("rules")),
                   "record": str(s.get("record") or ""),
                   "facilitator": _step_notes(s.get("facilitator"))} for s in steps],
    }


def _step_notes(value) -> dict:
    fac = value if isinstance(value, dict) else {}
    purpose = fac.get("purpose")
    return {"purpose": purpose.strip() if isinstance(purpose, str) else "",
            **{k: _lines(fac.get(k)) for k, _ in STEP_PARTS}}


def _clock(entry: dict) -> str:
    """"09:15–09:25", or minutes from the start ("0:15–0:25") while the start is not known."""
    if entry.get("start") and entry.get("end"):
        return f"{entry['start']}–{entry['end']}"

    def hm(minutes: float) -> str:
        m = int(round(minutes))
        return f"{m // 60}:{m % 60:02d}"
    begin = float(entry.get("offset") or 0)
    return f"{hm(begin)}–{hm(begin + float(entry.get('length') or 0))}"


def render(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    p = paper.sheet(doc, t(NAME), size="A4", orientation="P")
    p.set_auto_page_break(True, margin=18)
    p.set_margins(18, 16, 18)
    p.add_page()
    width = p.w - p.l_margin - p.r_margin
    nl = {"new_x": "LMARGIN", "new_y": "NEXT"}

    def text(value: str, size: float = 10.5, style: str = "", colour=INK, indent: float = 0.0) -> None:
        p.set_font("Text", style, size)
        p.set_text_color(*colour)
        p.set_x(p.l_margin + indent)
        p.multi_cell(width - indent, size * LINE, value, align="L", **nl)

    def heading(value: str, size: float = 14, space: float = 4) -> None:
        if p.get_y() + 24 > p.page_break_trigger:  # a heading never ends a page alone
            p.add_page()
        p.ln(space)
        text(value, size, "B")
        p.ln(1)

    def bullets(items: list[str], size: float = 10.5, colour=INK) -> None:
        """Each item's wrapped lines hang under its first word, not under the bullet."""
        for item in items:
            p.set_font("Text", "", size)
            p.set_text_color(*colour)
            if p.get_y() + size * LINE > p.page_break_trigger:
                p.add_page()
            p.set_x(p.l_margin + 2)
            p.cell(4, size * LINE, "•")
            p.multi_cell(width - 6, size * LINE, item, align="L", **nl)

    m = doc["method"]
    text(t(NAME), 20, "B")
    text(m["title"], 15, "B", ACCENT)
    facts = [x for x in (doc.get("team"), doc.get("date")) if x] or [t(N_("Before the workshop"))]
    if m.get("group_size"):
        facts.append(m["group_size"])
    text("  ·  ".join(facts), 11, colour=MUTED)
    text(t(N_("For the facilitator only: not for the wall or the group.")), 10, "I", MUTED)

    # -- the agenda ------------------------------------------------------------------------
    entries = doc["agenda"]
    meetings = sorted({int(e.get("meeting") or 1) for e in entries})
    for meeting in meetings:
        mine = [e for e in entries if int(e.get("meeting") or 1) == meeting]
        total = sum(float(e.get("length") or 0) for e in mine)
        head = t(N_("Agenda")) if len(meetings) == 1 else t(N_("Agenda, meeting {n}")).format(n=meeting)
        heading(f"{head} ({paper.minutes_text(round(total, 1), t, doc['lang'])})")
        if not mine[0].get("start"):
            text(t(N_("Start at")) + " ________   " + t(N_("(the times count from the start)")), 10, colour=MUTED)
            p.ln(1)
        _agenda(p, mine, width, t, doc["lang"])

    # -- what the process owner arranges -------------------------------------------------------
    fac = m["facilitator"]
    rules = list(dict.fromkeys(r for s in doc["steps"] for r in s["rules"]))
    noted = any(fac.values()) or any(any(s["facilitator"].values()) for s in doc["steps"])
    if not noted:
        heading(t(N_("Facilitator notes")))
        text(t(N_("This method file has no facilitator notes yet: the agenda and the screen's texts are below.")),
             colour=MUTED)
    for key, label in SECTIONS:
        if fac.get(key):
            heading(t(label))
            bullets(fac[key])
    if rules:
        heading(t(N_("Ground rules")))
        bullets(rules)

    # -- step by step --------------------------------------------------------------------------
    heading(t(N_("Step by step")), 16, 6)
    for entry, step in zip(entries, doc["steps"]):
        if p.get_y() + 30 > p.page_break_trigger:
            p.add_page()
        p.ln(2)
        p.set_draw_color(*RULE)
        p.set_line_width(0.3)
        p.line(p.l_margin, p.get_y(), p.l_margin + width, p.get_y())
        p.ln(2)
        length = paper.minutes_text(round(float(entry.get("length") or 0), 1), t, doc["lang"])
        text(f"{_clock(entry)}   {step['title']}  ({length})", 12.5, "B", ACCENT)
        if step["phase"] and step["phase"] != step["title"]:
            text(step["phase"], 9.5, colour=MUTED)
        notes = step["facilitator"]
        if notes["purpose"]:
            p.ln(1)
            text(f"{t(N_('Purpose'))}: {notes['purpose']}", 10.5, "I")
        for key, label in STEP_PARTS:
            if notes[key]:
                p.ln(1)
                text(t(label), 10.5, "B")
                bullets(notes[key])
        if step["prompts"]:
            p.ln(1)
            text(t(N_("On the screen")), 9.5, "B", MUTED)
            bullets(step["prompts"], 9.5, MUTED)
        if step["record"]:
            p.ln(1)
            text(f"{t(N_('Minutes'))}: {step['record']}", 9.5, "B", MUTED)
    return bytes(p.output())


def _agenda(p, entries: list[dict], width: float, t, lang: str) -> None:
    """Time · agenda point and step · minutes, one row per step (a row keeps to one page)."""
    time_w, min_w = 30.0, 20.0
    title_w = width - time_w - min_w
    last_phase = None
    for e in entries:
        phase = e.get("phase") or ""
        label = e.get("title") or ""
        if phase and phase != label and phase != last_phase:
            label = f"{phase}: {label}"
        last_phase = phase
        p.set_font("Text", "", 10.5)
        h = paper.count_lines(p, label, title_w) * 10.5 * LINE + 1.6
        if p.get_y() + h > p.page_break_trigger:
            p.add_page()
        y = p.get_y()
        p.set_text_color(*INK)
        p.set_font("Text", "B", 10.5)
        p.set_xy(p.l_margin, y + 0.8)
        p.cell(time_w, 10.5 * LINE, _clock(e), align="L")
        p.set_font("Text", "", 10.5)
        p.set_xy(p.l_margin + time_w, y + 0.8)
        p.multi_cell(title_w, 10.5 * LINE, label, align="L", new_x="LEFT", new_y="NEXT")
        p.set_xy(p.l_margin + time_w + title_w, y + 0.8)
        p.set_text_color(*MUTED)
        p.cell(min_w, 10.5 * LINE, paper.minutes_text(round(float(e.get("length") or 0), 1), t, lang),
               align="R")
        p.set_draw_color(*RULE)
        p.set_line_width(0.2)
        p.line(p.l_margin, y + h, p.l_margin + width, y + h)
        p.set_xy(p.l_margin, y + h)


RUNSHEET = Format("application/pdf", "-runsheet.pdf", NAME, render)
"""The run sheet as a format of its own (``kiosk export --format runsheet``): rendered
from ``sheet_doc``, not from the export document, and in no list a phone sees."""
