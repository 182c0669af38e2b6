"""``iglo``: the IGLO sheet, filled with the session's actions, to hang on the wall.

Who must act: each action in the column of its level (individual, group,
leadership, organisation), with its measure, the theme it grew from, who is
responsible and when it is followed up. Actions not placed on a level yet get a
column of their own, so nothing the group agreed is left off. A3 landscape like
the poster; the type shrinks to keep the sheet on one page, and only a very long
plan goes on to a second. Without actions it is the empty form, ruled to be
filled in by hand (the screen may be dark, the workshop still goes on).
"""

from __future__ import annotations

from kiosk import i18n
from kiosk.i18n import N_

from ..activities.actions import IGLO
from . import paper
from .paper import ACCENT, INK, LINE, MUTED, RULE, WHITE
from .text import IGLO_LABELS, translator

__all__ = ["render", "lacks", "NAME", "HINTS"]

NAME = N_("IGLO sheet")
HINTS = {"individual": N_("What each of us does"), "group": N_("What we do together as a team"),
         "leadership": N_("What the leader does"), "organisation": N_("What the organisation must do")}
UNPLACED = "none"


def lacks(doc: dict) -> str:
    if doc.get("kind") != "session":
        return paper.PER_SESSION
    if (doc.get("printouts") or {}).get("iglo") or any(a.get("iglo") for a in doc.get("actions") or []):
        return ""
    return N_("This method does not ask who must act (IGLO), so it has no IGLO sheet.")




def render(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    why = lacks(doc)
    if why:
        return paper.notice(doc, t(NAME), t(why))
    actions = paper.live_actions(doc)
    levels = list(IGLO) + ([UNPLACED] if any(a.get("iglo") not in IGLO for a in actions) else [])
    by_level = {lv: [a for a in actions if (a.get("iglo") if a.get("iglo") in IGLO else UNPLACED) == lv]
                for lv in levels}
    p = paper.sheet(doc, t(NAME), size="A3", orientation="L")
    left, width = p.l_margin, p.w - p.l_margin - p.r_margin
    seg = width / len(levels)
    top, bottom = 64.0, p.h - 16
    inner = seg - 6
    scale, pages = 0.6, []
    for scale in (1.6, 1.35, 1.15, 1.0, 0.85, 0.72, 0.6):  # as big as one page allows: it hangs on a wall
        pages = [_paginate(p, by_level[lv], inner, bottom - top, scale, t) for lv in levels]
        if all(len(col) <= 1 for col in pages):
            break
    n_pages = max(1, max(len(col) for col in pages))
    for page in range(n_pages):
        p.add_page()
        _head(p, doc, t, left, width, empty=not actions)
        for i, lv in enumerate(levels):
            x = left + i * seg
            _column_head(p, lv, t, x + 1.5, 38, seg - 3, 22)
            chunk = pages[i][page] if page < len(pages[i]) else []
            y = top
            for a in chunk:
                y += _box(p, a, t, x + 3, y, inner, scale, draw=True) + 3
            if not actions:
                paper.writing_lines(p, x + 3, top, inner, bottom - top, gap=13)
            if i > 0:
                p.set_draw_color(*RULE)
                p.set_line_width(0.3)
                p.line(x, 38, x, bottom)
    return bytes(p.output())


def _head(p, doc: dict, t, left: float, width: float, *, empty: bool) -> None:
    s = doc["session"]
    paper.text_box(p, left, 12, width * 0.6, 13, t(N_("Who must act? (IGLO)")), (28, 24, 20), style="B")
    paper.text_box(p, left + width * 0.6, 13, width * 0.4, 12, s.get("team") or "", (20, 16, 13), style="B",
                   align="R", colour=ACCENT)
    line = f"{s.get('method_title') or ''}   ·   {s.get('date') or ''}"
    if empty:
        line += "   ·   " + t(N_("No actions yet: write them on the sheet by hand."))
    p.set_xy(left, 26.5)
    p.set_font("Text", "", 13)
    p.set_text_color(*MUTED)
    p.cell(width, 6, line, align="L")


def _column_head(p, level: str, t, x: float, y: float, w: float, h: float) -> None:
    p.set_fill_color(*(ACCENT if level != UNPLACED else MUTED))
    p.set_draw_color(*WHITE)
    p.rect(x, y, w, h, style="F")
    if level == UNPLACED:
        name, hint = t(N_("Level not chosen yet")), t(N_("Still to decide who must act"))
    else:
        name, hint = f"{level[0].upper()} · {t(IGLO_LABELS[level])}", t(HINTS[level])
    paper.text_box(p, x + 2, y + 2, w - 4, 10, name, (20, 17, 14, 12), style="B", colour=WHITE)
    paper.text_box(p, x + 2, y + 12.5, w - 4, 8, hint, (12, 10, 9, 8), colour=WHITE)


def _paginate(p, actions: list[dict], w: float, room: float, scale: float, t) -> list[list[dict]]:
    pages: list[list[dict]] = [[]]
    used = 0.0
    for a in actions:
        need = _box(p, a, t, 0, 0, w, scale, draw=False) + 3
        if pages[-1] and used + need > room:
            pages.append([])
            used = 0.0
        pages[-1].append(a)
        used += need
    return pages


def _box(p, a: dict, t, x: float, y: float, w: float, scale: float, *, draw: bool) -> float:
    """One action as a card in its column; returns its height."""
    head = a.get("measure") or a.get("problem") or t(N_("Action"))
    lines = [(head, 15 * scale, "B", INK)]
    if a.get("measure") and a.get("problem"):
        lines.append((a["problem"], 11 * scale, "I", MUTED))
    facts = [f"{t(N_('Responsible'))}: {a.get('owner') or '–'}",
             f"{t(N_('Follow-up'))}: {a.get('follow_up') or '–'}"]
    facts += paper.action_flags(a, t)
    lines.append(("\n".join(facts), 11 * scale, "", INK))
    pad = 2.2
    inner = w - 2 * pad
    height = pad
    measured = []
    for text, size, style, colour in lines:
        p.set_font("Text", style, size)
        n = paper.count_lines(p, text, inner)
        measured.append((text, size, style, colour, n * size * LINE))
        height += n * size * LINE + 1.0
    height += pad - 1.0
    if draw:
        p.set_draw_color(*ACCENT)
        p.set_line_width(0.35)
        p.set_fill_color(247, 249, 252)
        p.rect(x, y, w, height, style="DF")
        yy = y + pad
        for text, size, style, colour, h in measured:
            p.set_font("Text", style, size)
            p.set_text_color(*colour)
            p.set_xy(x + pad, yy)
            p.multi_cell(inner, size * LINE, text, align="L", new_x="LEFT", new_y="NEXT")
            yy += h + 1.0
    return height
