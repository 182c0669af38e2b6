"""The paper the print-outs share: fpdf2 pages in the kiosk's fonts, text that fits its
box, cut marks, and the page that says there is nothing to print.

The fonts are found as the action plan finds them (``pdfdoc.font_dir``: Roboto from
Kivy's wheel, DejaVu Sans for the symbols Roboto lacks), so æ ø å print everywhere.
A print-out is dated by the export's clock, so the same document gives the same bytes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from kiosk import i18n
from kiosk.i18n import N_

from .pdfdoc import FALLBACK, FONTS, font_dir
from .text import title, translator, when

__all__ = ["sheet", "fit", "words_fit", "count_lines", "text_box", "cut_marks", "grid", "notice", "span",
           "minutes_text", "writing_lines", "live_actions", "action_flags", "PER_SESSION",
           "INK", "MUTED", "RULE", "ACCENT", "WHITE", "LINE"]

INK = (27, 31, 36)
MUTED = (95, 99, 104)
RULE = (200, 194, 180)
ACCENT = (31, 78, 121)
WHITE = (255, 255, 255)
LINE = 0.42
"""A line of text is this many millimetres per point of its size (1.2 × 1 pt = 0.353 mm)."""


def _needs_fallback(p, text: str) -> bool:
    cmap = getattr(p.current_font, "cmap", None)
    return cmap is None or any(ord(ch) not in cmap for ch in text if ch > "~")


def sheet(doc: dict, name: str, *, size: str = "A3", orientation: str = "L"):
    """A new PDF for one print-out: the kiosk's fonts, no automatic page breaks (a sheet
    places everything itself), and a small footer saying what it is and when it was made."""
    from fpdf import FPDF

    t = translator(doc.get("lang", i18n.DEFAULT))
    fonts = font_dir()
    head = title(doc, t) if doc.get("kind") in ("session", "board") else str(doc.get("title") or "")
    foot = " · ".join(x for x in (name, head, f"{t(N_('Exported from the dialog kiosk'))} {when(doc)}") if x)

    class Paper(FPDF):
        # the symbol font only for texts that need it (see pdfdoc._fallback)
        def cell(self, *args, **kw):
            text = str(kw.get("text", args[2] if len(args) > 2 else "") or "")
            if not _needs_fallback(self, text):
                return super().cell(*args, **kw)
            self.set_fallback_fonts(["Symbols"], exact_match=False)
            try:
                return super().cell(*args, **kw)
            finally:
                self.set_fallback_fonts([])

        def multi_cell(self, *args, **kw):
            text = str(kw.get("text", args[2] if len(args) > 2 else "") or "")
            if not _needs_fallback(self, text):
                return super().multi_cell(*args, **kw)
            self.set_fallback_fonts(["Symbols"], exact_match=False)
            try:
                return super().multi_cell(*args, **kw)
            finally:
                self.set_fallback_fonts([])

        def footer(self) -> None:
            self.set_xy(self.l_margin, self.h - 10)
            self.set_font("Text", "", 8)
            self.set_text_color(*MUTED)
            width = self.w - self.l_margin - self.r_margin
            self.cell(width - 20, 5, foot, align="L")
            self.set_xy(self.w - self.r_margin - 20, self.h - 10)
            self.cell(20, 5, f"{self.page_no()}/{{nb}}", align="R")

    p = Paper(orientation=orientation, unit="mm", format=size)
    p.set_title(" — ".join(x for x in (name, head) if x))
    p.set_author("Dialog kiosk")
    p.set_creator("Dialog kiosk")
    p.set_lang(doc.get("lang", i18n.DEFAULT))
    p.set_creation_date(datetime.fromtimestamp(float(doc.get("generated_ts") or 0), tz=timezone.utc))
    for style, font in FONTS.items():
        p.add_font("Text", style, str(fonts / font))
    p.add_font("Symbols", "", str(fonts / FALLBACK))
    p.set_auto_page_break(False)
    p.set_margins(14, 12, 14)
    p.alias_nb_pages()
    p.c_margin = 0.8
    return p


def fit(p, text: str, w: float, h: float, sizes, style: str = "") -> tuple[float, float]:
    """The largest of ``sizes`` (points) at which ``text`` wraps into width ``w`` and its
    lines take at most ``h`` millimetres (else the smallest); returns (size, height)."""
    need = 0.0
    room = w - 2 * p.c_margin - 0.01
    for size in sizes:
        p.set_font("Text", style, size)
        if "\n" not in text and p.get_string_width(text) <= room:
            lines = 1
        elif not words_fit(p, text, room):
            continue  # a word cut in two reads badly from across the room: smaller type
        else:
            lines = count_lines(p, text, w)
        need = lines * size * LINE
        if need <= h:
            return size, need
    size = sizes[-1]
    p.set_font("Text", style, size)
    return size, count_lines(p, text, w) * size * LINE


def count_lines(p, text: str, w: float) -> int:
    """How many lines ``text`` wraps to in width ``w`` in the current font: fpdf2's own
    word wrap, measured word by word (its dry run costs ten times as much, and a sheet
    tries several sizes). A word wider than the line counts the lines it is cut into."""
    room = w - 2 * p.c_margin - 0.01
    space = p.get_string_width(" ")
    total = 0
    for para in str(text).split("\n"):
        lines, used, first = 1, 0.0, True
        for word in para.split(" "):  # as fpdf2 does: two spaces are two
            width = p.get_string_width(word)
            if not first and used + space + width > room:
                lines, used, first = lines + 1, 0.0, True
            if width > room:  # cut into pieces, the last one begins the line it ends on
                extra = int(width // room)
                lines += extra
                width -= extra * room
            used = width if first else used + space + width
            first = False
        total += lines
    return max(1, total)


def words_fit(p, text: str, room: float) -> bool:
    """Every word of ``text`` fits on a line of width ``room`` in the current font."""
    return all(p.get_string_width(word) <= room for word in text.split())


def text_box(p, x: float, y: float, w: float, h: float, text: str, sizes, *, style: str = "",
             colour=INK, align: str = "L", middle: bool = False) -> float:
    """Text in a box, at the largest size that fits (wrapped, never cut); returns the
    height it took. ``middle`` centres it vertically in the box."""
    size, need = fit(p, text, w, h, sizes, style)
    p.set_font("Text", style, size)
    p.set_text_color(*colour)
    p.set_xy(x, y + max(0.0, (h - need) / 2) if middle else y)
    p.multi_cell(w, size * LINE, text, align=align, new_x="LEFT", new_y="NEXT")
    return need


def span(entry: dict) -> str:
    """An agenda entry's clock times, "09:15–09:25"; '' when its meeting has none yet."""
    return f"{entry['start']}–{entry['end']}" if entry.get("start") and entry.get("end") else ""


def minutes_text(minutes: float, t, lang: str = "en") -> str:
    """"10 min", "7,5 min" (a decimal comma in Danish and Norwegian)."""
    value = str(int(minutes)) if minutes == int(minutes) else f"{minutes:g}"
    if lang in ("da", "nb"):
        value = value.replace(".", ",")
    return t(N_("{minutes} min")).format(minutes=value)


def cut_marks(p, xs: list[float], ys: list[float], gap: float = 2.0, length: float = 5.0) -> None:
    """Crop marks outside the grid of cards: a short line in the margin at every
    cutting line, so a guillotine or a ruler finds them; the cards' own thin edges
    guide scissors."""
    p.set_draw_color(*INK)
    p.set_line_width(0.25)
    top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
    for x in xs:
        p.line(x, top - gap - length, x, top - gap)
        p.line(x, bottom + gap, x, bottom + gap + length)
    for y in ys:
        p.line(left - gap - length, y, left - gap, y)
        p.line(right + gap, y, right + gap + length, y)


def grid(p, cards: list, cols: int, rows: int, card_w: float, card_h: float,
         draw: Callable[[object, float, float, float, float], None],
         heading: Callable[[int, int], str], *, top: float = 22.0) -> None:
    """Cards to cut out, ``cols`` × ``rows`` to an A4 page: the grid centred across the
    page, cut marks around it, each card's thin edge, and a line at the top saying what
    the page holds (``heading(page, pages)``)."""
    per = cols * rows
    pages = max(1, -(-len(cards) // per))
    x0 = (p.w - cols * card_w) / 2
    for n in range(pages):
        p.add_page()
        chunk = cards[n * per:(n + 1) * per]
        p.set_xy(p.l_margin, 8)
        p.set_font("Text", "B", 10)
        p.set_text_color(*MUTED)
        p.cell(p.w - p.l_margin - p.r_margin, 5, heading(n + 1, pages), align="C")
        used_rows = max(1, -(-len(chunk) // cols))
        xs = [x0 + c * card_w for c in range(cols + 1)]
        ys = [top + r * card_h for r in range(used_rows + 1)]
        cut_marks(p, xs, ys)
        p.set_draw_color(*RULE)
        p.set_line_width(0.15)
        for i, card in enumerate(chunk):
            x, y = x0 + (i % cols) * card_w, top + (i // cols) * card_h
            p.rect(x, y, card_w, card_h)
            draw(card, x, y, card_w, card_h)


def notice(doc: dict, name: str, text: str, *, size: str = "A4", orientation: str = "P") -> bytes:
    """One page saying why there is nothing to print (a method without cards, the board
    instead of a session): a sensible answer to a link or a command, never an error."""
    p = sheet(doc, name, size=size, orientation=orientation)
    p.add_page()
    width = p.w - p.l_margin - p.r_margin
    p.set_xy(p.l_margin, 30)
    p.set_font("Text", "B", 22)
    p.set_text_color(*INK)
    p.multi_cell(width, 10, name, align="L", new_x="LMARGIN", new_y="NEXT")
    p.ln(4)
    p.set_font("Text", "", 14)
    p.multi_cell(width, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(p.output())


def writing_lines(p, x: float, y: float, w: float, h: float, gap: float = 11.0) -> None:
    """Ruled lines to write on by hand (an empty sheet is still a form)."""
    p.set_draw_color(*RULE)
    p.set_line_width(0.3)
    line = y + gap
    while line <= y + h - 2:
        p.line(x, line, x + w, line)
        line += gap


def live_actions(doc: dict) -> list[dict]:
    """The actions a sheet for the wall shows: all but the dropped, and but a proposal
    declined or merged into another (the action plan keeps those, with why)."""
    return [a for a in doc.get("actions") or [] if not a.get("dropped")
            and ((a.get("decision") or {}).get("state") not in ("declined", "merged"))]


def action_flags(a: dict, t) -> list[str]:
    """What a sheet says beside an action besides its facts: parked, still a proposal."""
    out = []
    if (a.get("decision") or {}).get("state") == "proposed":
        out.append(t(N_("Proposal, not decided yet")))
    if a.get("parked"):
        out.append(t(N_("Parked")))
    return out


PER_SESSION = N_("The print-outs are made for one session: open that session's export.")
"""What a print-out of the statuspil board says (it holds many sessions' actions)."""
