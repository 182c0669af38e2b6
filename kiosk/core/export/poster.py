"""``poster``: the process poster (the guides' *procesguide*), to hang on the wall.

One A3 landscape page per meeting: the method, the team, the day and the meeting's
clock times at the top; then one column per agenda point, left to right, each under
an arrow with its clock times, its steps and their minutes beneath, and the rest of
the column left free for the post-its the guides stick onto the poster.

A3 because the poster is read from across the room and carries post-its (the guides
hang theirs beside the flip-over); it still prints on A4 with "fit to page", its
smallest text then about 9 pt. Times are the session's plan as its timers have it
(``printdata.agenda``); a meeting not begun yet shows each point's minutes and a line
to write the start time on.
"""

from __future__ import annotations

from kiosk import i18n
from kiosk.i18n import N_

from . import paper
from .paper import ACCENT, INK, MUTED, RULE, WHITE, LINE
from .text import translator

__all__ = ["render", "lacks", "NAME"]

NAME = N_("Process poster")


def lacks(doc: dict) -> str:
    if doc.get("kind") != "session":
        return paper.PER_SESSION
    return "" if (doc["session"].get("agenda") or []) else N_("This session has no steps to put on a poster.")


def _points(entries: list[dict]) -> list[dict]:
    """Consecutive steps of one phase form one agenda point (as the method's phases)."""
    out: list[dict] = []
    for e in entries:
        head = e.get("phase") or e.get("title") or ""
        if out and out[-1]["title"] == head:
            out[-1]["steps"].append(e)
        else:
            out.append({"title": head, "steps": [e]})
    for point in out:
        first, last = point["steps"][0], point["steps"][-1]
        point["start"], point["end"] = first.get("start"), last.get("end")
        point["length"] = sum(float(s.get("length") or 0) for s in point["steps"])
    return out


def render(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    why = lacks(doc)
    if why:
        return paper.notice(doc, t(NAME), t(why))
    s = doc["session"]
    entries = s["agenda"]
    meetings = sorted({int(e.get("meeting") or 1) for e in entries})
    p = paper.sheet(doc, t(NAME), size="A3", orientation="L")
    for m in meetings:
        _page(p, doc, t, [e for e in entries if int(e.get("meeting") or 1) == m], m, len(meetings))
    return bytes(p.output())


def _page(p, doc: dict, t, entries: list[dict], meeting: int, meetings: int) -> None:
    s = doc["session"]
    p.add_page()
    left, width = p.l_margin, p.w - p.l_margin - p.r_margin
    lang = doc.get("lang", i18n.DEFAULT)

    def mins(value: float) -> str:
        return paper.minutes_text(round(value, 1), t, lang)

    # -- the head: method, team, day, times --------------------------------------------
    paper.text_box(p, left, 12, width * 0.66, 14, s.get("method_title") or "", (30, 26, 22, 18), style="B")
    paper.text_box(p, left + width * 0.66, 13, width * 0.34, 12, s.get("team") or "", (22, 18, 15),
                   style="B", align="R", colour=ACCENT)
    points = _points(entries)
    total = sum(pt["length"] for pt in points)
    facts = []
    if meetings > 1:
        facts.append(t(N_("Meeting {n} of {total}")).format(n=meeting, total=meetings))
    day = next((e["day"] for e in entries if e.get("day")), None)
    if day is None and meeting > 1 and s.get("next_meeting"):
        day = s["next_meeting"]
    if day is None and meeting == 1:
        day = s.get("date")
    if day:
        facts.append(day)
    begin, end = entries[0].get("start"), entries[-1].get("end")
    if begin and end:
        facts.append(f"{begin}–{end}")
    else:
        facts.append(t(N_("Start at")) + " ________")
    facts.append(mins(total))
    p.set_xy(left, 28)
    p.set_font("Text", "", 15)
    p.set_text_color(*MUTED)
    p.cell(width, 7, "   ·   ".join(facts), align="L")

    # -- the arrows: one per agenda point, with its clock times --------------------------
    n = max(1, len(points))
    seg = width / n
    y, h, tip = 40.0, 17.0, 5.0
    p.set_line_width(0.4)
    labels = [paper.span(pt) or mins(pt["length"]) for pt in points]
    label_w = seg - 2 * tip - 2
    size = min(paper.fit(p, label, label_w, h - 2, (20, 18, 16, 14, 12, 10, 9), "B")[0] for label in labels)
    for i, (pt, label) in enumerate(zip(points, labels)):
        x = left + i * seg
        shape = [(x, y), (x + seg - tip, y), (x + seg, y + h / 2), (x + seg - tip, y + h), (x, y + h)]
        if i > 0:
            shape.append((x + tip, y + h / 2))
        p.set_draw_color(*WHITE)
        p.set_fill_color(*ACCENT)
        p.polygon(shape, style="DF")
        paper.text_box(p, x + tip + 1, y + 1, label_w, h - 2, label, (size,), style="B", colour=WHITE,
                       align="C", middle=True)

    # -- the columns: the point's title, its steps and minutes, room for post-its ------------
    top, bottom = y + h + 5, p.h - 16
    inner_w = seg - 6
    sizes = _sizes(p, points, inner_w, bottom - top, mins)
    for i, pt in enumerate(points):
        x = left + i * seg
        if i > 0:
            p.set_draw_color(*RULE)
            p.set_line_width(0.3)
            p.line(x, top - 2, x, bottom)
        _column(p, pt, x + 3, top, inner_w, sizes, mins, draw=True)


SCALES = (1.4, 1.25, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.42)


def _sizes(p, points: list[dict], w: float, room: float, mins) -> tuple[float, float, float]:
    """(the points' titles, the steps' titles, their minutes) in points: the largest type
    at which every word fits its column and the fullest column leaves 40 % of the page's
    height for post-its (or, with many steps, just fits). A title's long word
    ("Oppsummering") makes the titles smaller, not the steps."""
    room_w = w - 2 * p.c_margin

    def words(size: float, style: str, texts) -> bool:
        p.set_font("Text", style, size)
        return all(paper.words_fit(p, text, room_w) for text in texts)

    titles = [pt["title"] for pt in points]
    steps = [e.get("title") or "" for pt in points for e in pt["steps"]]
    for share in (0.6, 1.0):
        for scale in SCALES:
            mid, small = 16 * scale, 12.5 * scale
            if not words(mid, "", steps):
                continue
            big = 22 * scale
            while big > mid and not words(big, "B", titles):
                big -= 1
            if not words(big, "B", titles):
                continue
            sizes = (big, mid, small)
            tallest = max((_column(p, pt, 0, 0, w, sizes, mins, draw=False) for pt in points), default=0)
            if tallest <= room * share:
                return sizes
    return (22 * SCALES[-1], 16 * SCALES[-1], 12.5 * SCALES[-1])


def _column(p, pt: dict, x: float, y: float, w: float, sizes: tuple[float, float, float], mins, *,
            draw: bool) -> float:
    """One agenda point's column; returns its height (``draw`` False only measures)."""
    big, mid, small = sizes
    scale = mid / 16
    top = y

    def block(text: str, size: float, style: str, colour) -> None:
        nonlocal y
        p.set_font("Text", style, size)
        lines = paper.count_lines(p, text, w)
        if draw:
            p.set_text_color(*colour)
            p.set_xy(x, y)
            p.multi_cell(w, size * LINE, text, align="L", new_x="LEFT", new_y="NEXT")
        y += lines * size * LINE

    block(pt["title"], big, "B", INK)
    y += 2.5 * scale
    steps = pt["steps"]
    alone = len(steps) == 1 and (steps[0].get("title") or "") == pt["title"]
    for e in steps:
        if not alone:
            block(e.get("title") or "", mid, "", INK)
        when = mins(float(e.get("length") or 0))
        if e.get("start") and len(steps) > 1:
            when = f"{e['start']}  ·  {when}"
        block(when, small, "", MUTED)
        y += 3.5 * scale
    return y - top
