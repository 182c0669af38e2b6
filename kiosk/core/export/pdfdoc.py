"""``pdf``: the written action plan an APV needs, made with fpdf2 on the kiosk.

Per action: the problem, the measure, who is responsible, the timeline (follow-up,
review, the statuspil stage) and the notes and votes behind it. Then the wall the
plan grew from: the vote ranking, the matrix drawn, the themes by column and the
parking lot.

The fonts are TrueType files that ship inside Kivy's wheel (Roboto for text,
DejaVu Sans as the fallback for arrows and symbols), found through the package's
path without importing Kivy; so æ ø å, dashes and quotes print on any machine the
kiosk runs on.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone
from pathlib import Path

from kiosk import i18n
from kiosk.i18n import N_

from .text import (IGLO_LABELS, MISSING_LABELS, QUADRANTS, VERDICT_LABELS, activity_sections, behind_notes,
                   item_facts, meetings_text, minutes_sections, quadrant_name, quadrant_title, stage_text, title,
                   translator, wall_sections, when, worth_showing)

from .text import decision_line, decision_log

__all__ = ["pdf", "font_dir"]


def font_dir() -> Path:
    """Kivy's data/fonts folder, located without importing Kivy (no window, no logging)."""
    spec = importlib.util.find_spec("kivy")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the Kivy package (which carries the PDF's fonts) is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "fonts"


FONTS = {"": "Roboto-Regular.ttf", "B": "Roboto-Bold.ttf", "I": "Roboto-Italic.ttf"}
FALLBACK = "DejaVuSans.ttf"

INK = (27, 31, 36)
MUTED = (95, 99, 104)
RULE = (200, 194, 180)
ACCENT = (31, 78, 121)
WARN = (179, 38, 30)


def pdf(doc: dict) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    t = translator(doc.get("lang", i18n.DEFAULT))
    fonts = font_dir()
    head = title(doc, t)
    footer_text = f"{head} · {t(N_('Exported from the dialog kiosk'))} {when(doc)}"

    class Doc(FPDF):
        # Every text goes through cell or multi_cell (tables too): the symbol font is
        # switched on just for the texts that need it (see _fallback).
        def cell(self, *args, **kw):
            text = kw.get("text", args[2] if len(args) > 2 else "")
            with _fallback(self, str(text or "")):
                return super().cell(*args, **kw)

        def multi_cell(self, *args, **kw):
            text = kw.get("text", args[2] if len(args) > 2 else "")
            with _fallback(self, str(text or "")):
                return super().multi_cell(*args, **kw)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Text", "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 5, footer_text, align="L")
            self.set_x(-40)
            self.cell(30, 5, f"{self.page_no()}/{{nb}}", align="R")

    p = Doc(format="A4", unit="mm")
    p.set_title(head)
    p.set_author("Dialog kiosk")
    p.set_creator("Dialog kiosk")
    p.set_lang(doc.get("lang", "da"))
    # dated by the export's clock, so the same document gives the same bytes
    p.set_creation_date(datetime.fromtimestamp(float(doc.get("generated_ts") or 0), tz=timezone.utc))
    for style, name in FONTS.items():
        p.add_font("Text", style, str(fonts / name))
    p.add_font("Symbols", "", str(fonts / FALLBACK))
    p.set_auto_page_break(True, margin=18)
    p.set_margins(18, 16, 18)
    p.alias_nb_pages()
    p.add_page()
    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    width = p.w - p.l_margin - p.r_margin

    def heading(text: str, size: float = 15, space: float = 3) -> None:
        if p.get_y() + 25 > p.page_break_trigger:  # a heading never ends a page alone
            p.add_page()
        p.ln(space)
        p.set_font("Text", "B", size)
        p.set_text_color(*INK)
        p.multi_cell(width, size * 0.5, text, align="L", **nl)
        p.ln(1)

    def para(text: str, size: float = 10.5, style: str = "", colour=INK, indent: float = 0) -> None:
        p.set_font("Text", style, size)
        p.set_text_color(*colour)
        p.set_x(p.l_margin + indent)
        _write(p, width - indent, size * 0.48, text)

    # -- the head ---------------------------------------------------------------------
    p.set_font("Text", "B", 20)
    p.set_text_color(*INK)
    p.multi_cell(width, 9, t(N_("Action plan")) if doc.get("kind") == "session" else head, **nl)
    if doc.get("kind") == "session":
        s = doc["session"]
        rows = [(t(N_("Method")), s["method_title"]), (t(N_("Team")), s["team"]),
                (t(N_("Date")), s["date"]), (t(N_("Meetings")), meetings_text(s, t))]
        if s.get("next_meeting"):
            rows.append((t(N_("Next meeting")), s["next_meeting"]))
        rows += _approval_rows(doc, t)
        _table(p, rows, width, nl)
    else:
        para(f"{t(N_('Exported'))}: {when(doc)}", colour=MUTED)
    p.ln(2)

    # -- the overview, then each action -------------------------------------------------
    if not doc["actions"]:
        para(t(N_("No actions yet.")))
    else:
        _overview(p, doc, t, width)
    for n, a in enumerate(doc["actions"], 1):
        _action(p, doc, a, n, t, width, nl, heading, para)

    # -- the minutes, then the wall -----------------------------------------------------
    if doc.get("kind") == "session":
        _minutes(p, doc, t, width, nl, heading, para)
        _wall(p, doc, t, width, nl, heading, para)
    if doc.get("meetings"):
        heading(t(N_("Next meetings")), 13)
        for m in doc["meetings"]:
            para(f"{m['date']}: {m['team']} ({m['method_title']})")
    return bytes(p.output())


def _approval_rows(doc: dict, t) -> list[tuple[str, str]]:
    """Where the workshop proposed and a body decides: which body, how far it has
    decided, and who approved when (an APV plan shows who approved it)."""
    s = doc["session"]
    if not s.get("decided_by_name"):
        return []
    body = s["decided_by_name"]
    rows = [(t(N_("Decided by")), body[:1].upper() + body[1:])]
    states = [(a.get("decision") or {}).get("state") for a in doc["actions"]]
    counts = [(N_("{n} approved"), states.count("approved")), (N_("{n} awaiting decision"), states.count("proposed")),
              (N_("{n} declined"), states.count("declined")), (N_("{n} merged"), states.count("merged"))]
    rows.append((t(N_("Decisions")), " · ".join(t(w).format(n=n) for w, n in counts if n) or "–"))
    approvers: list[str] = []
    for a in doc["actions"]:
        d = a.get("decision") or {}
        if d.get("state") == "approved":
            line = f"{d.get('by')} ({d.get('body_name')}), {(d.get('at') or '')[:10]}"
            if line not in approvers:
                approvers.append(line)
    if approvers:
        rows.append((t(N_("Approved by")), "\n".join(approvers)))
    return rows


def _overview(p, doc: dict, t, width: float) -> None:
    """All actions on one table: what an APV system asks for, at a glance."""
    from fpdf.fonts import FontFace

    p.ln(1)
    p.set_font("Text", "B", 13)
    p.set_text_color(*INK)
    p.cell(width, 7, t(N_("Overview")), new_x="LMARGIN", new_y="NEXT")
    p.set_font("Text", "", 9)
    board = doc.get("kind") == "board"
    widths = (7, 44, 50, 28, 22, 23) if not board else (7, 24, 38, 38, 24, 22, 21)
    head = [t(N_("No.")), t(N_("Problem")), t(N_("Measure")), t(N_("Responsible")), t(N_("Follow-up")),
            t(N_("Status"))]
    if board:
        head.insert(1, t(N_("Team")))
    with p.table(col_widths=widths, width=width, text_align="LEFT", line_height=4.6,
                 headings_style=FontFace(emphasis="BOLD", fill_color=(226, 232, 240)),
                 borders_layout="HORIZONTAL_LINES", padding=1.2) as table:
        row = table.row()
        for h in head:
            row.cell(h)
        for n, a in enumerate(doc["actions"], 1):
            row = table.row()
            cells = [str(n), _short(a["problem"]) or "–", _short(a["measure"]) or "–", a["owner"] or "–",
                     a["follow_up"] or "–", stage_text(a, t)]
            if board:
                cells.insert(1, a["team"])
            for c in cells:
                row.cell(c)
    p.ln(2)


OVERVIEW_CHARS = 140
"""A long answer is cut in the overview (at a whole word, with '…'); the action's own
section below prints it whole."""


def _short(text: str, limit: int = OVERVIEW_CHARS) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:–-") + "…"


def _fits(p, w: float, text: str) -> bool:
    """One line will do: fpdf2's line breaking measures glyph by glyph in Python, so
    the many short texts (most notes) skip it; the PDF of 300 notes takes a third of
    the time."""
    return "\n" not in text and p.get_string_width(text) <= w - 2 * p.c_margin - 0.01


def _needs_fallback(p, texts) -> bool:
    """Some character the text font lacks (an arrow, a tick, an emoji someone typed)."""
    cmap = getattr(p.current_font, "cmap", None)
    if cmap is None:
        return True
    return any(ord(ch) not in cmap for text in texts for ch in text if ch > "~")


class _fallback:
    """The symbol font only for texts that need it: with a fallback font set, fpdf2
    parses every text character by character, which doubles the time of a big PDF."""

    def __init__(self, p, *texts: str) -> None:
        self.p, self.on = p, _needs_fallback(p, texts)

    def __enter__(self):
        if self.on:
            self.p.set_fallback_fonts(["Symbols"], exact_match=False)

    def __exit__(self, *exc) -> None:
        if self.on:
            self.p.set_fallback_fonts([])


def _write(p, w: float, h: float, text: str) -> None:
    """Left-aligned text from the current x, wrapped if it must; then the next line at the margin."""
    if _fits(p, w, text):
        p.cell(w, h, text, align="L", new_x="LMARGIN", new_y="NEXT")
    else:
        p.multi_cell(w, h, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _table(p, rows: list[tuple[str, str]], width: float, nl: dict, label_w: float = 42) -> None:
    """Label / value rows; the value wraps, the row keeps together on one page."""
    for label, value in rows:
        value = value or "–"
        p.set_font("Text", "", 10.5)
        lines = 1 if _fits(p, width - label_w, value) else len(
            p.multi_cell(width - label_w, 5.2, value, dry_run=True, output="LINES"))
        need = 5.2 * max(1, lines) + 1.2
        if p.get_y() + need > p.page_break_trigger:
            p.add_page()
        y = p.get_y()
        p.set_font("Text", "B", 10.5)
        p.set_text_color(*MUTED)
        p.set_xy(p.l_margin, y)
        _write(p, label_w - 2, 5.2, label)
        y_label = p.get_y()
        p.set_font("Text", "", 10.5)
        p.set_text_color(*INK)
        p.set_xy(p.l_margin + label_w, y)
        _write(p, width - label_w, 5.2, value)
        p.set_y(max(p.get_y(), y_label) + 1.2)


def _action(p, doc, a, n, t, width, nl, heading, para) -> None:
    if p.get_y() > p.page_break_trigger - 60:
        p.add_page()
    p.ln(3)
    p.set_draw_color(*RULE)
    p.set_line_width(0.4)
    p.line(p.l_margin, p.get_y(), p.l_margin + width, p.get_y())
    p.ln(2)
    head = a["problem"] or a["measure"] or t(N_("Action"))
    p.set_font("Text", "B", 13.5)
    p.set_text_color(*ACCENT)
    p.multi_cell(width, 6.5, f"{n}. {head}", align="L", **nl)
    if doc.get("kind") == "board":
        para(f"{a['team']} · {a['method_title']}", 9.5, colour=MUTED)
    p.ln(1)
    timeline = [f"{t(N_('Follow-up'))}: {a['follow_up'] or '–'}"]
    if a.get("trial"):
        verdict = f" ({t(VERDICT_LABELS[a['verdict']])})" if a.get("verdict") else ""
        timeline.append(f"{t(N_('Trial action'))}, {t(N_('Review')).lower()}: {a.get('review') or '–'}{verdict}")
    timeline.append(f"{t(N_('Status'))}: {stage_text(a, t)}")
    rows = [(t(N_("Problem")), a["problem"]), (t(N_("Measure")), a["measure"]),
            (t(N_("Responsible")), a["owner"]), (t(N_("Timeline and follow-up")), "\n".join(timeline))]
    if a.get("iglo"):
        rows.append(("IGLO", t(IGLO_LABELS[a["iglo"]])))
    for ans in a["answers"]:
        if ans["id"] != a.get("measure_question"):
            rows.append((ans["title"], ans["text"]))
    d = a.get("decision")
    if d:
        rows.append((t(N_("Decision")), decision_line(a, doc, t)))
        log = decision_log(a, t)
        if len(log) > (0 if d["state"] == "proposed" else 1):
            rows.append((t(N_("Decisions taken")), "\n".join(log)))
    _table(p, rows, width, nl, label_w=48)
    if not d or d["state"] == "approved":  # a proposal has no place on the arrow yet
        _stage_arrow(p, a, width)
    if a.get("missing"):
        para(f"{t(N_('Still missing'))}: " + ", ".join(t(MISSING_LABELS.get(m, m)) for m in a["missing"]),
             9.5, "B", WARN)
    b = a.get("behind")
    if worth_showing(b):
        p.ln(1)
        votes = f" · {t(N_('Votes'))}: {b['points']}" if b.get("points") else ""
        where = []
        if b.get("column_title"):
            where.append(b["column_title"])
        if b.get("matrix"):
            q = b["matrix"]
            where.append(quadrant_name(q, t))
        place = f" · {' · '.join(where)}" if where else ""
        para(f"{t(N_('Behind this action'))}{votes}{place}", 9.5, "B", MUTED)
        for text in behind_notes(b):
            para(f"•  {text}", 9.5, indent=4)


def _stage_arrow(p, a: dict, width: float) -> None:
    """The statuspil as on the wall: one chevron per stage, the current one filled,
    the ones passed ticked (so it reads in black and white too)."""
    stages = a["stages"]
    h = 7.0
    if p.get_y() + h + 4 > p.page_break_trigger:
        p.add_page()
    y = p.get_y() + 1.5
    seg = width / len(stages)
    p.set_line_width(0.3)
    for i, name in enumerate(stages):
        x = p.l_margin + i * seg
        tip = 2.5
        pts = [(x, y), (x + seg - tip, y), (x + seg, y + h / 2), (x + seg - tip, y + h), (x, y + h)]
        if i > 0:
            pts.append((x + tip, y + h / 2))
        current = i == a["stage"]
        passed = i < a["stage"]
        p.set_draw_color(*ACCENT)
        if current:
            p.set_fill_color(*ACCENT)
        elif passed:
            p.set_fill_color(214, 226, 238)
        else:
            p.set_fill_color(255, 255, 255)
        p.polygon(pts, style="DF")
        p.set_font("Text", "B" if current else "", 7.5)
        p.set_text_color(*((255, 255, 255) if current else INK))
        label = ("✓ " if passed else "") + name
        while p.get_string_width(label) > seg - 6 and len(label) > 3:
            label = label[:-2] + "…"
        p.set_xy(x + (tip if i else 1), y)
        p.cell(seg - tip - 2, h, label, align="C")
    p.set_y(y + h + 2)


def _minutes(p, doc, t, width, nl, heading, para) -> None:
    """Each step's minutes under its heading, the referent's lines kept."""
    sections = minutes_sections(doc, t)
    if not sections:
        return
    p.add_page()
    p.set_font("Text", "B", 17)
    p.set_text_color(*INK)
    p.multi_cell(width, 8, t(N_("Minutes")), **nl)
    for head, lines in sections:
        heading(head, 13)
        for line in lines:
            if line.strip():
                para(line)
            else:
                p.ln(2.5)


def _wall(p, doc, t, width, nl, heading, para) -> None:
    p.add_page()
    p.set_font("Text", "B", 17)
    p.set_text_color(*INK)
    p.multi_cell(width, 8, t(N_("The wall")), **nl)
    for r in doc.get("votes") or []:
        heading(f"{t(N_('Votes'))}: {r['title']}", 13)
        if not r["ranking"]:
            para(t(N_("No votes were cast.")))
        for x in r["ranking"]:
            tie = "=" if x["tied"] else ""
            won = f"  ✓ {t(N_('carried on'))}" if x["winner"] else ""
            para(f"{tie}{x['rank']}.  {x['label']}  —  {x['points']}{won}", style="B" if x["winner"] else "")
    m = doc.get("matrix")
    if m and m["items"]:
        heading(t(N_("Matrix")), 13)
        _matrix(p, m, t, width, nl, para)
    for head, lines in activity_sections(doc, t):
        heading(head, 13)
        for line, subs in lines:
            para(line, style="B" if subs else "")
            for x in subs:
                para(f"•  {x}", 10, indent=4)
    for title_, items in wall_sections(doc, t):
        if not items:
            continue
        heading(f"{title_} ({len(items)})", 13)
        for i in items:
            extra = item_facts(i, t)
            tail = f"  ({', '.join(extra)})" if extra else ""
            if i["type"] == "cluster":
                para(f"{i['label']}{tail}", style="B")
                for note in i["notes"]:
                    para(f"•  {note['text']}", 10, indent=4)
            else:
                para(f"•  {i['label']}{tail}")


def _matrix(p, m: dict, t, width: float, nl: dict, para) -> None:
    size = min(width - 14, 110.0)
    if p.get_y() + size + 20 > p.page_break_trigger:
        p.add_page()
    x0, y0 = p.l_margin + 12, p.get_y() + 2
    half = size / 2
    fills = {"theirs_important": (238, 241, 245), "ours_important": (220, 239, 220),
             "theirs_minor": (247, 247, 247), "ours_minor": (238, 241, 245)}
    p.set_draw_color(154, 165, 177)
    p.set_line_width(0.3)
    for q, (qx, qy) in zip(QUADRANTS, [(0, 0), (1, 0), (0, 1), (1, 1)]):
        p.set_fill_color(*fills[q])
        p.rect(x0 + qx * half, y0 + qy * half, half, half, style="DF")
        label = quadrant_title(m, q, t)
        p.set_font("Text", "", 7.5)
        p.set_text_color(*MUTED)
        p.set_xy(x0 + qx * half + 1.5, y0 + qy * half + 1.5)
        p.multi_cell(half - 3, 3.4, label, align="L")
    # axes
    p.set_font("Text", "B", 9)
    p.set_text_color(*INK)
    p.set_xy(x0, y0 + size + 1.5)
    p.cell(size, 5, f"{m['x_axis'] or t(N_('Our own influence'))} →", align="C")
    # the y axis reads upwards: a cell drawn rightwards from the bottom-left corner,
    # turned a quarter about that corner (fpdf2 reads a negative x as "from the right")
    with p.rotation(90, x0 - 1, y0 + size):
        p.set_xy(x0 - 1, y0 + size - 5)
        p.cell(size, 5, f"{m['y_axis'] or t(N_('Importance'))} →", align="C")
    for i in m["items"]:
        cx = x0 + min(max(i["x"] * size, 4), size - 4)
        cy = y0 + min(max((1 - i["y"]) * size, 4), size - 4)
        p.set_fill_color(*ACCENT)
        p.set_draw_color(255, 255, 255)
        p.set_line_width(0.6)
        p.circle(cx, cy, 3.6, style="DF")  # the white ring keeps it readable over a label
        p.set_font("Text", "B", 8)
        p.set_text_color(255, 255, 255)
        p.set_xy(cx - 3.6, cy - 2.5)
        p.cell(7.2, 5, str(i["number"]), align="C")
    p.set_y(y0 + size + 9)
    for i in m["items"]:
        q = quadrant_name(i, t)
        para(f"{i['number']}.  {i['label']}  ({q})", 10)
