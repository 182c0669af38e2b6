"""What every format says the same way: the title, the dates, an action's stage in
words, the wall's sections and the labels of the action plan's fields.

UI text in the document's language (``translator``: the screen's own language is not
touched, so a web thread can render while the wall shows another); what people wrote
is never translated. Every format module imports from here, and from nowhere else in
this package, so the formats never import each other.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Optional

from kiosk import i18n
from kiosk.i18n import N_

from .. import activities
from ..activities.matrix import QUADRANT_NAMES, QUADRANTS
from ..lanes import by_lane, lane_title
from ..wall import PARKING

Translate = Callable[[str], str]

IGLO_LABELS = {"individual": N_("Individual"), "group": N_("Group"),
               "leadership": N_("Leadership"), "organisation": N_("Organisation")}
VERDICT_LABELS = {"continue": N_("Continue"), "adjust": N_("Adjust"), "drop": N_("Dropped")}
MISSING_LABELS = {"problem": N_("problem"), "measure": N_("measure"), "owner": N_("owner"),
                  "follow_up": N_("follow-up date"), "iglo": N_("IGLO level"),
                  "review": N_("review date")}

__all__ = ["IGLO_LABELS", "VERDICT_LABELS", "MISSING_LABELS", "QUADRANT_NAMES", "QUADRANTS", "PARKING",
           "translator", "slug", "when", "meetings_text", "title", "worth_showing", "behind_notes",
           "stage_text", "decision_state", "decision_line", "decision_log", "item_facts", "wall_sections", "quadrant_name", "quadrant_title", "one_line",
           "activity_sections", "activity_summary", "activity_columns", "activity_events",
           "minutes_sections"]


def translator(lang: str) -> Translate:
    return i18n.translator(lang)


_TRANSLIT = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa",
                           "ß": "ss", "ð": "d", "þ": "th", "Ð": "D", "Þ": "Th", "ł": "l", "Ł": "L"})


def slug(text: str, max_len: int = 40) -> str:
    """ASCII, lower case, words joined by '-': safe in any file system and header."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_len].rstrip("-")


def one_line(text) -> str:
    """Runs of white space (line breaks too) as one space: a plain-text line."""
    return " ".join(str(text or "").split())


def when(doc: dict) -> str:
    """When the export was made, as a person reads it: "2026-11-22 14:05"."""
    return str(doc.get("generated_at") or "").replace("T", " ")


def meetings_text(s: dict, t: Translate) -> str:
    """"2, now meeting 1" while a two-meeting session runs; else just how many."""
    if s.get("meetings", 1) > 1 and s.get("status") == "running":
        return t(N_("{total}, now meeting {n}")).format(total=s["meetings"], n=s.get("meeting", 1))
    return str(s.get("meetings", 1))


def title(doc: dict, t: Translate) -> str:
    if doc.get("kind") == "board":
        return t(N_("Statuspil: open actions"))
    s = doc["session"]
    return " — ".join(p for p in (s.get("method_title"), s.get("team")) if p)


def worth_showing(behind: Optional[dict]) -> bool:
    """The wall item behind an action adds something: notes, votes, a column or a spot."""
    return bool(behind) and bool(behind_notes(behind) or behind.get("points") or behind.get("column_title")
                                 or behind.get("matrix"))


def behind_notes(behind: dict) -> list[str]:
    """The notes behind an action worth listing: none when the one note is the theme itself."""
    notes = behind.get("notes") or []
    return [] if notes == [behind.get("label")] else notes


def stage_text(a: dict, t: Translate) -> str:
    """"undervejs (3/5)", plus parked / dropped / overdue in words (never colour only);
    a proposal not (yet) approved says so instead of a stage."""
    d = a.get("decision")
    if d and d["state"] != "approved":
        return decision_state(d, t)
    out = f"{a['stage_name']} ({a['stage'] + 1}/{len(a['stages'])})"
    if a.get("dropped"):
        out += " · " + t(N_("Dropped"))
    elif a.get("parked"):
        out += " · " + t(N_("Parked"))
    if a.get("overdue"):
        out += " · " + t(N_("Overdue"))
    if a.get("review_due"):
        out += " · " + t(N_("Review due"))
    return out


def decision_state(d: dict, t: Translate) -> str:
    """A proposal's state in a few words: "Proposal to ansvarsgruppen · awaiting decision"."""
    body = d.get("body_name") or ""
    return {"proposed": t(N_("Proposal to {body} · awaiting decision")),
            "approved": t(N_("Approved by {body}")),
            "declined": t(N_("Declined by {body}")),
            "merged": t(N_("Merged into another proposal"))}[d["state"]].format(body=body)


def decision_line(a: dict, doc: dict, t: Translate) -> str:
    """Who decided, which body, when (and why, or into which): the line an APV plan needs.
    '' for an action the workshop agreed."""
    d = a.get("decision")
    if not d:
        return ""
    if d["state"] == "proposed":
        return decision_state(d, t)
    when_ = (d.get("at") or "").replace("T", " ")
    args = {"names": d.get("by") or "–", "body": d.get("body_name") or "", "when": when_}
    if d["state"] == "approved":
        return t(N_("Approved by {names} ({body}), {when}")).format(**args)
    if d["state"] == "declined":
        return t(N_("Declined by {names} ({body}), {when}: {reason}")).format(reason=d.get("reason") or "–", **args)
    into = next((n for n, b in enumerate(doc.get("actions") or [], 1) if b.get("id") == d.get("merged_into")
                 and b.get("session_id") == a.get("session_id")), None)
    return (t(N_("Merged into no. {n} by {names} ({body}), {when}")).format(n=into, **args) if into
            else decision_state(d, t))


DECISION_EVENTS = {"approve": N_("approved"), "adjust": N_("adjusted"), "merge": N_("merged another proposal in"),
                   "merged": N_("merged into another"), "decline": N_("declined")}


def decision_log(a: dict, t: Translate) -> list[str]:
    """Every decision on a proposal after it was made, oldest first: "2027-01-15 10:00 · adjusted · Ali"."""
    d = a.get("decision") or {}
    out = []
    for r in d.get("log") or []:
        if r.get("event") in DECISION_EVENTS:
            out.append(" · ".join(x for x in ((r.get("at") or "").replace("T", " "),
                                              t(DECISION_EVENTS[r["event"]]), r.get("by") or "") if x))
    return out


def quadrant_name(spot: dict, t: Translate) -> str:
    """A matrix spot's quadrant as the method names it, else in the kiosk's words."""
    return spot.get("quadrant_label") or t(QUADRANT_NAMES[spot["quadrant"]])


def item_facts(item: dict, t: Translate) -> list[str]:
    """What every format says beside a wall item's text: its votes, and that it went on."""
    extra = []
    if item["points"]:
        extra.append(f"{t(N_('Votes'))}: {item['points']}")
    if item["chosen"]:
        extra.append(t(N_("chosen")))
    return extra


def wall_sections(doc: dict, t: Translate) -> list[tuple[str, list[dict]]]:
    """The wall's items by sort column, in the method's order: each column, the
    parking lot, then the themes never sorted."""
    items = doc.get("items") or []
    sections = [(c["title"], [i for i in items if i["column"] == c["id"]]) for c in doc.get("columns", [])]
    sections.append((doc.get("parking_title") or t(N_("Parking lot")),
                     [i for i in items if i["column"] == PARKING]))
    known = {c["id"] for c in doc.get("columns", [])} | {PARKING}
    rest = [i for i in items if i["column"] not in known]
    sections.append((t(N_("Not sorted")) if doc.get("columns") else t(N_("Themes")), rest))
    if any(i.get("group") for i in items):  # table groups: each table's results under its own heading
        sections = [(f"{title} · {lane_title(group, t)}" if group is not None else title, lane)
                    for title, its in sections for group, lane in (by_lane(its) or {None: []}).items()]
    return sections


def quadrant_title(m: dict, q: str, t: Translate) -> str:
    """A quadrant of the exported matrix ``m`` as the method names it, else in the kiosk's words."""
    return m["quadrants"][QUADRANTS.index(q)] if m["quadrants"] else t(QUADRANT_NAMES[q])


def minutes_sections(doc: dict, t: Translate) -> list[tuple[str, list[str]]]:
    """The minutes under their steps, in the method's order: (heading, lines), the heading
    the step's title with what the method calls its minutes ('Velkomst — Forventninger'),
    its meeting first in a method of several; the lines as the referent broke them."""
    several = (doc.get("session") or {}).get("meetings", 1) > 1
    out = []
    for m in doc.get("minutes") or []:
        head = m["title"] if not m.get("heading") or m["heading"] == m["title"] else f"{m['title']} — {m['heading']}"
        if several:
            head = f"{t(N_('Meeting {n}')).format(n=m.get('meeting', 1))} · {head}"
        out.append((head, m["text"].split("\n")))
    return out


# -- what the activities add (kiosk.core.activities: each asked in the catalogue's order) ----

Section = tuple[str, list[tuple[str, list[str]]]]


def activity_sections(doc: dict, t: Translate) -> list[Section]:
    """Every activity's part as (heading, [(line, [sub-lines])]): one plain structure
    that each format draws its own way. Empty when the method has none."""
    return [s for spec in activities.all_activities() if spec.sections for s in spec.sections(doc, t)]


def activity_summary(doc: dict, t: Translate) -> list[str]:
    """The lines the activities add to the plain-text gist."""
    return [line for spec in activities.all_activities() if spec.summary for line in spec.summary(doc, t)]


def activity_columns(doc: dict, table: str, t: Translate) -> list[tuple[str, Callable[[dict], Any]]]:
    """The (header, cell(row)) pairs the activities add to a CSV table ("notes", "actions")."""
    return [c for spec in activities.all_activities() if spec.columns for c in spec.columns(doc, table, t)]


def activity_events(doc: dict, t: Translate) -> list[dict]:
    """The calendar events the activities add ({uid, date, summary, description})."""
    return [e for spec in activities.all_activities() if spec.events for e in spec.events(doc, t)]
