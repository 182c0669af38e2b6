"""``cards`` and ``pieces``: the method's cards on A4, to cut out, so a workshop goes on
on paper if the screen dies.

``cards``: the statement cards of every cards step (the perspective talk), one deck
after another, each deck from a fresh page and its name on every card, so the piles
never mix; then the step's blank jokers, ruled to write on. Twelve cards to a page.

``pieces``: the items a sort step brings itself (NED's puzzle: the 16 factors and
"Other"), with the columns they are sorted into as cards of their own (dark, to lay
out as headings on the table); the twenty of NED's puzzle fit one page.

The cards touch, so one cut separates two; crop marks in the margin mark every
cutting line for a guillotine, a thin edge on each card guides scissors.
"""

from __future__ import annotations

from kiosk import i18n
from kiosk.i18n import N_

from . import paper
from .paper import ACCENT, INK, MUTED, RULE, WHITE
from .text import translator

__all__ = ["cards", "pieces", "cards_lack", "pieces_lack", "CARDS", "PIECES"]

CARDS = N_("Statement cards")
PIECES = N_("Puzzle pieces")


def cards_lack(doc: dict) -> str:
    if doc.get("kind") != "session":
        return paper.PER_SESSION
    steps = (doc.get("printouts") or {}).get("decks") or []
    if any(d["cards"] for s in steps for d in s["decks"]) or any(s.get("jokers") for s in steps):
        return ""
    return N_("This method has no statement cards to print.")


def pieces_lack(doc: dict) -> str:
    if doc.get("kind") != "session":
        return paper.PER_SESSION
    if any(f["items"] for f in (doc.get("printouts") or {}).get("factors") or []):
        return ""
    return N_("This method has no puzzle or list of items to sort, so it has no pieces to print.")


CARD_W, CARD_H = 60.0, 62.0
"""A statement card: three across and four down on A4, a deck of twelve to a page."""
PIECE_W, PIECE_H = 60.0, 36.0
"""A puzzle piece: three across and seven down, NED's 17 pieces and 3 columns on one page."""


def cards(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    why = cards_lack(doc)
    if why:
        return paper.notice(doc, t(CARDS), t(why))
    p = paper.sheet(doc, t(CARDS), size="A4", orientation="P")
    for step in doc["printouts"]["decks"]:
        for deck in step["decks"]:
            if not deck["cards"]:
                continue
            items = [(deck["title"], text, f"{n}/{len(deck['cards'])}") for n, text in enumerate(deck["cards"], 1)]
            paper.grid(p, items, 3, 4, CARD_W, CARD_H, lambda c, x, y, w, h: _card(p, c, x, y, w, h),
                       lambda page, pages, d=deck: _heading(t(CARDS), d["title"], page, pages), top=26)
        if step.get("jokers"):
            jokers = [None] * int(step["jokers"])
            paper.grid(p, jokers, 3, 4, CARD_W, CARD_H, lambda c, x, y, w, h: _joker(p, t, x, y, w, h),
                       lambda page, pages: _heading(t(CARDS), t(N_("Jokers")), page, pages), top=26)
    return bytes(p.output())


def _heading(kind: str, name: str, page: int, pages: int) -> str:
    tail = f" ({page}/{pages})" if pages > 1 else ""
    return f"{kind}: {name}{tail}"


def _card(p, card: tuple[str, str, str], x: float, y: float, w: float, h: float) -> None:
    deck, text, number = card
    p.set_font("Text", "", 7.5)
    p.set_text_color(*MUTED)
    p.set_xy(x + 3, y + 2.5)
    p.cell(w - 16, 4, deck, align="L")
    p.set_xy(x + w - 13, y + 2.5)
    p.cell(10, 4, number, align="R")
    paper.text_box(p, x + 5, y + 9, w - 10, h - 15, text, (15, 14, 13, 12, 11, 10, 9, 8), align="C", middle=True)


def _joker(p, t, x: float, y: float, w: float, h: float) -> None:
    p.set_font("Text", "B", 15)
    p.set_text_color(*ACCENT)
    p.set_xy(x + 3, y + 4)
    p.cell(w - 6, 7, t(N_("Joker")), align="C")
    p.set_font("Text", "I", 8.5)
    p.set_text_color(*MUTED)
    p.set_xy(x + 3, y + 11.5)
    p.cell(w - 6, 4, t(N_("Write your own statement")), align="C")
    paper.writing_lines(p, x + 6, y + 16, w - 12, h - 20, gap=9)


def pieces(doc: dict) -> bytes:
    t = translator(doc.get("lang", i18n.DEFAULT))
    why = pieces_lack(doc)
    if why:
        return paper.notice(doc, t(PIECES), t(why))
    p = paper.sheet(doc, t(PIECES), size="A4", orientation="P")
    for step in doc["printouts"]["factors"]:
        if not step["items"]:
            continue
        items = [("column", c, step["title"]) for c in step["columns"]]
        items += [("item", text, step["title"]) for text in step["items"]]
        paper.grid(p, items, 3, 7, PIECE_W, PIECE_H, lambda c, x, y, w, h: _piece(p, t, c, x, y, w, h),
                   lambda page, pages, s=step: _heading(t(PIECES), s["title"], page, pages), top=20)
    return bytes(p.output())


def _piece(p, t, piece: tuple[str, str, str], x: float, y: float, w: float, h: float) -> None:
    kind, text, step = piece
    if kind == "column":
        p.set_fill_color(*ACCENT)
        p.rect(x, y, w, h, style="F")
        p.set_font("Text", "", 7)
        p.set_text_color(*WHITE)
        p.set_xy(x + 3, y + 2)
        p.cell(w - 6, 4, t(N_("Column")), align="L")
        paper.text_box(p, x + 4, y + 6, w - 8, h - 10, text, (18, 16, 14, 12, 10), style="B", colour=WHITE,
                       align="C", middle=True)
        return
    p.set_draw_color(*RULE)
    p.set_font("Text", "", 6.5)
    p.set_text_color(*MUTED)
    p.set_xy(x + 3, y + h - 6)
    p.cell(w - 6, 4, step, align="L")
    paper.text_box(p, x + 4, y + 3, w - 8, h - 10, text, (16, 15, 14, 13, 12, 11, 10, 9), style="B", colour=INK,
                   align="C", middle=True)
