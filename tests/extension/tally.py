"""Tally: a made-up activity that puts tally marks on the post-its of the wall.

A mark is one record ``{step, item, at}`` in the session's "tallies" table; ``most``
marks per post-it at most. Its part of an export is the marks per item, in every
format through the registry's hooks. It exists to prove that an activity is one core
module and one view: nothing in ``kiosk`` names it.
"""

from __future__ import annotations

from kiosk.core.activities import Activity
from kiosk.core.params import FROM_PREPARED, Int, Issue, Param, Text, prepared_off
from kiosk.core.refusal import Refusal
from kiosk.i18n import N_

TABLE = "tallies"


class TallyError(Refusal):
    """A mark the tally refuses."""


class Tally:
    """The controller: a mark is checked, written, and only then counted."""

    def __init__(self, store, session_id: str, step_id: str, wall, most: int, clock) -> None:
        self.store, self.session_id, self.step_id = store, session_id, step_id
        self.wall, self.most, self.clock = wall, most, clock

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.store.all(self.session_id, TABLE):
            if d.get("step") == self.step_id:
                out[d["item"]] = out.get(d["item"], 0) + 1
        return out

    def mark(self, key: str) -> int:
        """One more mark on a wall item; its new count."""
        self.wall.item(key)  # the wall refuses an item that is gone ('unknown_item')
        n = self.counts().get(key, 0)
        if n >= self.most:
            raise TallyError("tally_full")
        self.store.insert(self.session_id, TABLE, {"step": self.step_id, "item": key,
                                                   "at": float(self.clock.now())})
        return n + 1


def _extra(p: dict, minutes: float | None) -> list[Issue]:
    if minutes is not None and p["most"] > minutes * 60:
        return [("most", f"at most a mark a second of the step's {minutes:g} minutes (got {p['most']})")]
    return []


# -- its part of an export ------------------------------------------------------------

def collect(ctx) -> dict:
    marks: dict[str, int] = {}
    for d in ctx.store.all(ctx.session_id, TABLE):
        marks[d["item"]] = marks.get(d["item"], 0) + 1
    if not marks:
        return {"tally": None}
    steps = ctx.steps("tally")
    return {"tally": {"title": str(steps[0].get("title") or "") if steps else "",
                      "marks": [{"key": k, "label": ctx.label(k), "count": n} for k, n in marks.items()]}}


def _marks(doc: dict) -> dict[str, int]:
    return {m["key"]: m["count"] for m in (doc.get("tally") or {}).get("marks", [])}


def sections(doc: dict, t) -> list:
    tally = doc.get("tally")
    if not tally:
        return []
    return [(t(N_("Tally")) + f": {tally['title']}",
             [(f"{m['label']}: {m['count']} {t(N_('marks'))}", []) for m in tally["marks"]])]


def summary(doc: dict, t) -> list:
    tally = doc.get("tally")
    return [f"{t(N_('Tally'))}: {sum(m['count'] for m in tally['marks'])} {t(N_('marks'))}", ""] if tally else []


def columns(doc: dict, table: str, t) -> list:
    marks = _marks(doc)
    if not marks:
        return []
    if table == "notes":  # a note in a group counts its group's marks
        return [(t(N_("Tally")), lambda n: marks.get(n["cluster"] or n["key"], ""))]
    return [(t(N_("Tally")), lambda a: marks.get(a.get("theme_key") or "", ""))]


def events(doc: dict, t) -> list:
    tally = doc.get("tally")
    day = (doc.get("session") or {}).get("date")
    if not tally or not day:
        return []
    return [{"uid": f"tally-{doc['session']['id']}@dialog-kiosk", "date": day,
             "summary": f"{t(N_('Tally'))}: {tally['title']}",
             "description": "; ".join(f"{m['label']}: {m['count']}" for m in tally["marks"])}]


ACTIVITY = Activity(
    "tally",
    params=(
        Param("most", Int(1, 99), required=True),
        Param("heading", Text(max_len=60), default="Marks"),
        FROM_PREPARED,
    ),
    extra=_extra,
    needs_notes=prepared_off,
    refusals={"tally_full": "This post-it has as many marks as it can hold."},
    collect=collect,
    sections=sections,
    summary=summary,
    columns=columns,
    events=events,
    view="extension.tally_view",
)
