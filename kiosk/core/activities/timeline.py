"""``timeline``: post-its placed on years (the history workshop, DESIGN.md §3, §4).

The timeline runs ``span_years`` back to this year (this year included), plus
``future_years`` ahead in the past-and-future variant. "This year" is fixed the
first time the step is opened and stored with it, so a workshop that runs over
New Year, or a restart, shows the same years.

A note's place is its ``year`` facet on the wall (``Wall.set_year``): the
timeline copies nothing, and later steps (sort into strengths / challenges /
wishes, actions) see the same notes. Period headings ("Fusionen", "Ny leder")
span a range of years and live in the session's "periods" table with their own
undo. Periods may overlap ("Fusionen" 2015–2018 under "Ny leder" 2017–2020): the
screen stacks them in rows (``period_rows``), and at most ``MAX_OVERLAP`` of them may
cover the same year, so every heading keeps a row of its own that a finger can hit.
Refusals are ``WallError`` with a reason key, like the wall's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Optional

from kiosk.store import StoreError

from ..record import Record
from ..undo import STEP_DEPTH, Undoable, UndoLog
from ..wall import NOTE_MAX, Note, Wall, WallError
from kiosk.core.params import Int, Param
from kiosk.i18n import N_

from . import Activity

TIMELINES = "timelines"
"""One document per timeline step: the year it was first opened."""
PERIODS = "periods"
PERIOD_MAX = 40
"""A period heading is a few words over some years, not a sentence."""
MAX_OVERLAP = 3
"""How many headings may cover one year: three rows of headings still leave the lanes
room for a post-it each (a fourth is refused with "period_crowded")."""


def this_year(now: float) -> int:
    return time.localtime(now).tm_year


def span(base_year: int, span_years: int, future_years: int = 0) -> list[int]:
    """The years on the line, oldest first: span_years up to base_year, then the future."""
    if span_years < 1 or future_years < 0:
        raise WallError("bad_span")
    return list(range(base_year - span_years + 1, base_year + future_years + 1))


def clean_period_name(name: Any) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise WallError("period_empty")
    if len(text) > PERIOD_MAX:
        raise WallError("period_long")
    return text


def period_rows(periods) -> dict[int, int]:
    """Each period's row (0: the top one), so that no two periods in a row share a year.

    Interval-graph colouring: oldest first, each period takes the first row whose last
    period ended before it starts. That uses as many rows as the most periods covering
    one year, which no arrangement can beat; a period keeps its row while later ones
    come and go (only the ones starting earlier decide it).
    """
    ends: list[int] = []          # the last year taken in each row
    rows: dict[int, int] = {}
    for p in sorted(periods, key=lambda p: (p.first, p.last, p.id)):
        row = next((r for r, end in enumerate(ends) if end < p.first), None)
        if row is None:
            ends.append(p.last)
            row = len(ends) - 1
        else:
            ends[row] = p.last
        rows[p.id] = row
    return rows


def most_overlapping(periods, first: int, last: int) -> int:
    """How many of these periods cover the busiest year of first..last."""
    return max((sum(p.first <= y <= p.last for p in periods) for y in range(first, last + 1)), default=0)


@dataclass(frozen=True)
class Period(Record):
    """A heading over some years of a timeline step (a document in the "periods" table)."""

    ID_FIELD = "id"
    KEEP_ID = False

    id: int
    step: str
    name: str
    first: int
    last: int
    deleted: bool = False


class Timeline(Undoable):
    """One timeline step over the session's wall."""

    def __init__(self, store, session_id: str, clock, wall: Wall, step_id: str, params: dict) -> None:
        self.store = store
        self.session_id = session_id
        self.clock = clock
        self.wall = wall
        self.step_id = step_id
        self.span_years = int(params.get("span_years", 10))
        self.future_years = int(params.get("future_years", 0) or 0)
        self.base_year = self._base_year()
        self.years = span(self.base_year, self.span_years, self.future_years)
        self._periods = {d["doc_id"]: Period.from_dict(d) for d in store.all(session_id, PERIODS)
                         if d.get("step") == step_id}
        self._undo: UndoLog[tuple[int, Optional[Period]]] = UndoLog(STEP_DEPTH)

    def _base_year(self) -> int:
        for d in self.store.all(self.session_id, TIMELINES):
            if d.get("step") == self.step_id:
                return int(d["year"])
        year = this_year(self.clock.now())
        try:
            self.store.insert(self.session_id, TIMELINES, {"step": self.step_id, "year": year})
        except StoreError:  # a full disk: the line still shows; the next opening stores it
            pass
        return year

    # -- reading -----------------------------------------------------------------------

    def _check_year(self, year: Any) -> int:
        if isinstance(year, bool) or not isinstance(year, int) or year not in self.years:
            raise WallError("year_outside")
        return year

    def notes(self) -> list[Note]:
        """The post-its this step works with: every live note that is not a statement card."""
        return [n for n in self.wall.notes() if n.card is None]

    def unplaced(self) -> list[Note]:
        return [n for n in self.notes() if n.year is None or n.year not in self.years]

    def on(self, year: int) -> list[Note]:
        """The notes on one year, in the order they were written."""
        return [n for n in self.notes() if n.year == year]

    def counts(self) -> dict[int, int]:
        out = {y: 0 for y in self.years}
        for n in self.notes():
            if n.year in out:
                out[n.year] += 1
        return out

    def periods(self) -> list[Period]:
        """Live period headings, oldest years first."""
        return sorted((p for p in self._periods.values() if not p.deleted), key=lambda p: (p.first, p.last, p.id))

    def period_rows(self) -> dict[int, int]:
        """The row of each live heading (see ``period_rows``)."""
        return period_rows(self.periods())

    def crowded(self, first: Any, last: Any) -> bool:
        """Would a new heading over first..last (either order) make MAX_OVERLAP + 1 cover a year?"""
        first, last = sorted((self._check_year(first), self._check_year(last)))
        return most_overlapping(self.periods(), first, last) >= MAX_OVERLAP

    # -- placing notes (wall changes: undone by the wall) --------------------------------------

    def place(self, note_id: Any, year: Any) -> Note:
        year = self._check_year(year)
        note = next((n for n in self.notes() if n.id == note_id), None)
        if note is None:
            raise WallError("unknown_note")
        return self.wall.set_year(note.id, year)

    def unplace(self, note_id: Any) -> Note:
        note = next((n for n in self.notes() if n.id == note_id), None)
        if note is None:
            raise WallError("unknown_note")
        return self.wall.set_year(note.id, None)

    def write(self, kind: str, text: Any, year: Optional[int] = None, *, max_length: int = NOTE_MAX) -> Note:
        """A new post-it, straight onto a year if one is given."""
        if year is not None:
            year = self._check_year(year)
        return self.wall.add_note(kind, text, step=self.step_id, max_length=max_length, year=year)

    # -- periods (own undo) ------------------------------------------------------------------

    def _put(self, period: Period) -> Period:
        before = self._periods.get(period.id)
        with self.store.batch(self.session_id):
            if period.id == 0:
                new_id = self.store.insert(self.session_id, PERIODS, period.to_dict())
                period = replace(period, id=new_id)
            else:
                self.store.update(self.session_id, PERIODS, period.id, period.to_dict())
        self._periods[period.id] = period
        self._undo.push((period.id, before))
        return period

    def add_period(self, name: Any, first: Any, last: Any) -> Period:
        """A heading over the years first..last (either order)."""
        name = clean_period_name(name)
        first, last = sorted((self._check_year(first), self._check_year(last)))
        if self.crowded(first, last):
            raise WallError("period_crowded")
        return self._put(Period(0, self.step_id, name, first, last))

    def rename_period(self, period_id: Any, name: Any) -> Period:
        period = self._period(period_id)
        return self._put(replace(period, name=clean_period_name(name)))

    def remove_period(self, period_id: Any) -> Period:
        return self._put(replace(self._period(period_id), deleted=True))

    def _period(self, period_id: Any) -> Period:
        period = self._periods.get(period_id) if isinstance(period_id, int) else None
        if period is None or period.deleted:
            raise WallError("unknown_period")
        return period

    def undo(self) -> bool:
        """Take back the last period change (a new one goes, an edited one comes back)."""
        return self._undo.undo(self._put_back)

    def _put_back(self, change: tuple[int, Optional[Period]]) -> None:
        period_id, before = change
        old = before if before is not None else replace(self._periods[period_id], deleted=True)
        with self.store.batch(self.session_id):
            self.store.update(self.session_id, PERIODS, period_id, old.to_dict())
        self._periods[period_id] = old



# -- its part of an export (kiosk.core.export) ----------------------------------------------

def live_periods(store, session_id: str) -> list[Period]:
    """Every timeline step's live period headings, oldest years first; a document that
    does not read as a period is passed over (an export never fails on one)."""
    out = []
    for d in store.all(session_id, PERIODS):
        try:
            period = Period.from_dict(d)
        except (KeyError, TypeError, ValueError):
            continue
        if not period.deleted:
            out.append(period)
    return sorted(out, key=lambda p: (p.first, p.last, p.id))


def collect(ctx) -> dict:
    """The notes by the year they sit on, and the period headings over the years."""
    dated = sorted((n for n in ctx.wall.notes() if n.year is not None), key=lambda n: (n.year, n.id))
    if not dated:
        return {"timeline": None}
    years: dict[int, list[str]] = {}
    for n in dated:
        years.setdefault(int(n.year), []).append(n.text)
    steps = ctx.steps("timeline")
    return {"timeline": {
        "title": str(steps[0].get("title") or "") if steps else "",
        "years": [{"year": y, "notes": texts} for y, texts in sorted(years.items())],
        "periods": [{"name": p.name, "first": p.first, "last": p.last}
                    for p in live_periods(ctx.store, ctx.session_id)],
    }}


def sections(doc: dict, t) -> list:
    """The periods ("2015–2017: Fusionen"), then each year with its notes under it."""
    tl = doc.get("timeline")
    if not tl:
        return []
    lines = [(f"{p['first']}–{p['last']}: {p['name']}", []) for p in tl["periods"]]
    lines += [(str(y["year"]), y["notes"]) for y in tl["years"]]
    return [(tl["title"] or t(N_("Timeline")), lines)]


def columns(doc: dict, table: str, t) -> list:
    """The year a note sits on, in the notes' CSV (only when some note has one)."""
    if table != "notes" or not any(n.get("year") is not None for n in doc.get("notes") or []):
        return []
    return [(t(N_("Year")), lambda n: n.get("year"))]

ACTIVITY = Activity(
    "timeline",
    params=(
        Param("span_years", Int(1, 50), required=True),
        Param("future_years", Int(0, 50), default=0),
    ),
    makes_notes=lambda p: True,  # post-its can be written straight onto a year
    refusals={
        "year_outside": N_("Put it on one of the years of the timeline."),
        "bad_span": N_("This timeline has no years to show."),
        "period_empty": N_("Give the period a name first."),
        "period_long": N_("A period heading is at most 40 characters."),
        "unknown_period": N_("That heading is no longer on the timeline."),
        "period_crowded": N_("Three headings already cover one of these years: choose other years, or take a heading away first."),  # noqa: E501
    },
    collect=collect,
    sections=sections,
    columns=columns,
    order=110,
)
