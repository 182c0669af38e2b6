"""``top``: the sheet of the top actions for the wall (NED's sheet 5).

NED's guide ends with the three actions that got most points written on sheet 5,
hung on the wall to remind everyone what they will do. The sheet lists as many
actions as the method's vote carries on (``winners``: NED's 3), those with most
votes behind them first (the order they were agreed in breaks a tie), each with
its measure, the theme it grew from, who is responsible, the follow-up date and
its votes. A place without an action is ruled to be written on by hand, and the
sheet says when the plan holds more actions than it shows.

It is offered where a method's vote chooses what its action plan works on (the
Norwegian and Danish guides all hang their priorities on the wall); A3 landscape
like the poster.
"""

from __future__ import annotations

from kiosk import i18n
from kiosk.i18n import N_

from . import paper
from .paper import ACCENT, INK, MUTED, WHITE
from .text import translator

__all__ = ["render", "lacks", "ranked", "NAME"]

NAME = N_("Our top actions")


def lacks(doc: dict) -> str:
    if doc.get("kind") != "session":
        return paper.PER_SESSION
    if (doc.get("printouts") or {}).get("top"):
        return ""
    return N_("This method chooses no top actions by a vote, so it has no sheet of them.")


def ranked(doc: dict) -> list[dict]:
    """The actions on the wall, most votes behind them first; ties in the order agreed."""
    live = paper.live_actions(doc)
    return sorted(live, key=lambda a: -int(((a.get("behind") or {}).get("points")) or 0))


def render(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    why = lacks(doc)
    if why:
        return paper.notice(doc, t(NAME), t(why))
    n = int(doc["printouts"]["top"])
    actions = ranked(doc)
    shown, more = actions[:n], actions[n:]
    s = doc["session"]
    p = paper.sheet(doc, t(NAME), size="A3", orientation="L")
    p.add_page()
    left, width = p.l_margin, p.w - p.l_margin - p.r_margin
    paper.text_box(p, left, 12, width * 0.64, 14, t(N_("Our {n} most important actions")).format(n=n),
                   (30, 26, 22), style="B")
    paper.text_box(p, left + width * 0.64, 13, width * 0.36, 12, s.get("team") or "", (20, 16, 13),
                   style="B", align="R", colour=ACCENT)
    line = f"{s.get('method_title') or ''}   ·   {s.get('date') or ''}"
    if not actions:
        line += "   ·   " + t(N_("No actions yet: write them on the sheet by hand."))
    p.set_xy(left, 27)
    p.set_font("Text", "", 14)
    p.set_text_color(*MUTED)
    p.cell(width, 6, line, align="L")

    top, bottom, gap = 40.0, p.h - 22, 5.0
    h = (bottom - top - gap * (n - 1)) / n
    for i in range(n):
        y = top + i * (h + gap)
        _slot(p, shown[i] if i < len(shown) else None, i + 1, left, y, width, h, t)
    if more:
        p.set_xy(left, bottom + 2)
        p.set_font("Text", "", 11)
        p.set_text_color(*MUTED)
        p.cell(width, 5, t(N_("{count} more actions are in the action plan.")).format(count=len(more)), align="L")
    return bytes(p.output())


def _slot(p, a, number: int, x: float, y: float, w: float, h: float, t) -> None:
    p.set_draw_color(*ACCENT)
    p.set_line_width(0.6)
    p.set_fill_color(247, 249, 252)
    p.rect(x, y, w, h, style="DF")
    r = min(13.0, h / 3)
    cx, cy = x + 6 + r, y + h / 2
    p.set_fill_color(*ACCENT)
    p.circle(cx, cy, r, style="F")
    p.set_font("Text", "B", r * 2.2)
    p.set_text_color(*WHITE)
    p.set_xy(cx - r, cy - r)
    p.cell(2 * r, 2 * r, str(number), align="C")
    tx = cx + r + 8
    tw = x + w - 6 - tx
    if a is None:
        paper.writing_lines(p, tx, y + 2, tw, h - 4, gap=min(13.0, (h - 4) / 3))
        p.set_xy(tx, y + 3)
        p.set_font("Text", "I", 11)
        p.set_text_color(*MUTED)
        p.cell(tw, 5, t(N_("Write the action here")), align="L")
        return
    head = a.get("measure") or a.get("problem") or t(N_("Action"))
    facts = [f"{t(N_('Responsible'))}: {a.get('owner') or '–'}",
             f"{t(N_('Follow-up'))}: {a.get('follow_up') or '–'}"]
    points = (a.get("behind") or {}).get("points")
    if points:
        facts.append(f"{t(N_('Votes'))}: {points}")
    facts += paper.action_flags(a, t)
    inner = h - 8
    used = paper.text_box(p, tx, y + 4, tw, inner * 0.56, head, (30, 27, 24, 21, 18, 16, 14, 12, 11), style="B")
    yy = y + 4 + used + 2
    if a.get("measure") and a.get("problem"):
        yy += paper.text_box(p, tx, yy, tw, max(6.0, inner * 0.2), a["problem"], (16, 14, 12, 10, 9),
                             style="I", colour=MUTED) + 2
    paper.text_box(p, tx, max(yy, y + h - 4 - 8), tw, 8, "   ·   ".join(facts), (16, 14, 12, 10, 9), colour=INK)
