"""Export: a session (or the statuspil board) as the manager takes it away.

``document`` (``document.py``) reads everything once, through the store and the
core's own rules, into one JSON-ready dict: the session, the wall, the action plan,
and each activity's own part, which the activity's module collects (the registry,
``kiosk.core.activities``, says which activities there are). Every format is
rendered from that dict, so the phone page, the downloads and ``kiosk export``
always agree. ``FORMATS`` (``formats.py``) is the one list of them:

* ``pdf``          the written action plan an APV needs (``pdfdoc.py``);
* ``md``           Markdown, readable as plain text too (``md.py``);
* ``notes.csv``    one row per note; ``actions.csv`` one row per action (``csvfiles.py``);
* ``ics``          the follow-ups, trial reviews and next meetings as a calendar (``ical.py``);
* ``json``         everything in the document (``jsonfile.py``);
* print-outs (``paper.py`` their common paper; each offered only where the session
  has something for it, ``Format.lacks``): ``poster`` the process poster
  (``poster.py``), ``iglo`` the IGLO sheet (``iglo.py``), ``top`` the top actions for
  the wall (``topsheet.py``), ``cards`` and ``pieces`` to cut out (``cardsheet.py``).

``RUNSHEET`` (``runsheet.py``) is the facilitator's run sheet, made from a method or
a session's snapshot (``runsheet.sheet_doc``), never from the document and never on
the phone page: facilitator notes are not exported.

``page`` is the phone page (``phonepage.py``: HTML5, inline CSS, no script, nothing
loaded from anywhere); ``summary_text`` the plain gist for a QR code and the offline
fallbacks (``summary.py``). What every format says alike (titles, an action's stage
in words, the wall's sections) is in ``text.py``; the formats never import each other.

How an activity gets into every format: its module's ``ACTIVITY`` names a
``collect(ctx)`` (its fields in the document, so the JSON has them) and a
``sections(doc, t)`` (headings and lines, drawn by the Markdown, the page and the
PDF); optionally ``summary`` (lines of the gist), ``columns`` (CSV columns) and
``events`` (calendar events). Nothing in this package names the activity.

Headings are UI text in the document's language; what people wrote is never
translated and always escaped for the format it goes into. Pure Python: no Kivy,
no HTTP (fpdf2 is imported only when a PDF is made).
"""

from __future__ import annotations

from .csvfiles import actions_csv, csv_cell, csv_delimiter, notes_csv
from .document import FORMAT_VERSION, Context, ExportError, document
from .formats import FORMATS, Format, base_name, filename, offered, render
from .ical import calendar_events, ics, ics_fold, ics_text
from .md import markdown, md_escape
from .phonepage import PAGE, esc, matrix_svg, page
from .printdata import with_start
from .runsheet import RUNSHEET
from .summary import summary_text
from .text import slug, title, translator, when

__all__ = ["FORMATS", "FORMAT_VERSION", "PAGE", "Context", "ExportError", "Format", "actions_csv", "base_name",
           "calendar_events", "csv_cell", "csv_delimiter", "document", "esc", "filename", "ics", "ics_fold",
           "ics_text", "markdown", "matrix_svg", "md_escape", "notes_csv", "offered", "page", "render", "RUNSHEET",
           "slug", "summary_text", "title", "translator", "when", "with_start"]
