"""The one list of export formats: what each is called, its media type, its file
suffix, its button's label and how it is rendered.

The web routes (``/e/<token>/<format>``), the phone page's buttons (in this order),
the warm-up of a new link and ``kiosk export --format`` all read ``FORMATS``; a
format added here is everywhere at once.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple, Optional

from kiosk.i18n import N_

from . import cardsheet, csvfiles, ical, iglo, jsonfile, md, pdfdoc, poster, topsheet
from .text import slug

__all__ = ["Format", "FORMATS", "render", "filename", "base_name", "offered"]


class Format(NamedTuple):
    mimetype: str
    suffix: str
    label: str
    """What the phone page's button says (English, translated there)."""
    render: Callable[[dict], bytes]
    lacks: Optional[Callable[[dict], str]] = None
    """A print-out's reason it has nothing for this document ('' when it has; English,
    translated where shown): a method without cards has no cards to cut out. Such a
    format is not offered (``offered``); asked for all the same, it renders one page
    that says so."""
    paper: bool = False
    """A print-out (a sheet for the wall, cards to cut out): the phone page lists it apart."""


FORMATS: dict[str, Format] = {
    "pdf": Format("application/pdf", ".pdf", N_("Action plan (PDF)"), pdfdoc.pdf),
    "md": Format("text/markdown; charset=utf-8", ".md", N_("Notes and actions (Markdown)"), md.render),
    "notes.csv": Format("text/csv; charset=utf-8", "-notes.csv", N_("Notes (CSV)"), csvfiles.notes_csv),
    "actions.csv": Format("text/csv; charset=utf-8", "-actions.csv", N_("Actions (CSV)"), csvfiles.actions_csv),
    "ics": Format("text/calendar; charset=utf-8", ".ics", N_("Calendar of follow-ups"), ical.ics),
    "json": Format("application/json; charset=utf-8", ".json", N_("Everything (JSON)"), jsonfile.json_bytes),
    "poster": Format("application/pdf", "-poster.pdf", N_("Process poster (PDF, A3)"), poster.render,
                     poster.lacks, True),
    "iglo": Format("application/pdf", "-iglo.pdf", N_("IGLO sheet (PDF, A3)"), iglo.render, iglo.lacks, True),
    "top": Format("application/pdf", "-top.pdf", N_("Our top actions, for the wall (PDF, A3)"), topsheet.render,
                  topsheet.lacks, True),
    "cards": Format("application/pdf", "-cards.pdf", N_("Statement cards to cut out (PDF)"), cardsheet.cards,
                    cardsheet.cards_lack, True),
    "pieces": Format("application/pdf", "-pieces.pdf", N_("Puzzle pieces to cut out (PDF)"), cardsheet.pieces,
                     cardsheet.pieces_lack, True),
}
"""The downloads, in the order the phone page offers them (the action plan first, the
print-outs last)."""


def offered(doc: dict) -> list[str]:
    """The formats this document has something for (a print-out the method has no
    material for is left out), in ``FORMATS``' order."""
    return [name for name, f in FORMATS.items() if f.lacks is None or not f.lacks(doc)]


def render(doc: dict, fmt: str) -> bytes:
    """The bytes of one download; ValueError for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    return FORMATS[fmt].render(doc)


def base_name(doc: dict) -> str:
    """A safe ASCII file name without its suffix: "trivselsdialog-team-a-2026-11-22"."""
    if doc.get("kind") == "board":
        base = "statuspil-" + str(doc.get("generated_at") or "")[:10]
    else:
        s = doc.get("session") or {}
        parts = [slug(s.get("method_title", "")), slug(s.get("team", "")), str(s.get("date") or "")]
        base = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9-]+", "-", base).strip("-") or "export"


def filename(doc: dict, fmt: str) -> str:
    """A safe ASCII file name: "trivselsdialog-team-a-2026-11-22-actions.csv"."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    return base_name(doc) + FORMATS[fmt].suffix
