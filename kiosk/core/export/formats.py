"""The one list of export formats: what each is called, its media type, its file
suffix, its button's label and how it is rendered.

The web routes (``/e/<token>/<format>``), the phone page's buttons (in this order),
the warm-up of a new link and ``kiosk export --format`` all read ``FORMATS``; a
format added here is everywhere at once.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from kiosk.i18n import N_

from . import csvfiles, ical, jsonfile, md, pdfdoc
from .text import slug

__all__ = ["Format", "FORMATS", "render", "filename", "base_name"]


class Format(NamedTuple):
    mimetype: str
    suffix: str
    label: str
    """What the phone page's button says (English, translated there)."""
    render: Callable[[dict], bytes]


FORMATS: dict[str, Format] = {
    "pdf": Format("application/pdf", ".pdf", N_("Action plan (PDF)"), pdfdoc.pdf),
    "md": Format("text/markdown; charset=utf-8", ".md", N_("Notes and actions (Markdown)"), md.render),
    "notes.csv": Format("text/csv; charset=utf-8", "-notes.csv", N_("Notes (CSV)"), csvfiles.notes_csv),
    "actions.csv": Format("text/csv; charset=utf-8", "-actions.csv", N_("Actions (CSV)"), csvfiles.actions_csv),
    "ics": Format("text/calendar; charset=utf-8", ".ics", N_("Calendar of follow-ups"), ical.ics),
    "json": Format("application/json; charset=utf-8", ".json", N_("Everything (JSON)"), jsonfile.json_bytes),
}
"""The downloads, in the order the phone page offers them (the action plan first)."""


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
