"""Rating statements on a scale, with the spread of answers kept (NED's ten statements
green / yellow / red; its threshold choice too low / right / too high).

Every table or participant gives its own mark to a statement; each mark is one
record in the session's "rates" table ``{step, statement, value, at}`` (``statement``
and ``value`` are indexes into the step's statements and scale). The tally is the
count per statement and scale value, so the screen can show how much the group
agrees or how far the answers spread, as the guide asks the facilitator to notice.

``Rating`` is the controller: a mark is checked, written, and only then counted;
``undo`` takes back the newest mark made here (a mis-tap), ``take_back`` the newest
mark of one statement and value (a mis-tap noticed later).
"""

from __future__ import annotations

from typing import Optional

from ..lanes import lane_key, lane_title, split_key
from ..undo import Undoable, UndoLog
from ..wall import WallError
from kiosk.core.params import Param, Text, Texts
from kiosk.i18n import N_

from . import Activity

TABLE = "rates"
MARKS_MAX = 999
"""Marks on one value of one statement: a room of people, not a runaway finger."""

TRAFFIC_LIGHT = ("green", "yellow", "red")
"""The catalogue's default scale."""
TRAFFIC_WORDS = {"green": N_("Green"), "yellow": N_("Yellow"), "red": N_("Red")}
"""The default scale's values in the kiosk's words (a method's own scale names its own)."""
TRAFFIC_SHAPES = {"green": "●", "yellow": "▲", "red": "■"}
"""A shape per traffic-light value, so the value reads without its colour."""


def spread_of(row: list[int]) -> str:
    """'none' (no marks), 'agreed' (every mark on one value), 'mixed', or 'split'
    (marks at both ends of a scale of three or more): the word beside the bars."""
    used = [i for i, n in enumerate(row) if n]
    if not used:
        return "none"
    if len(used) == 1:
        return "agreed"
    if used[0] == 0 and used[-1] == len(row) - 1 and len(row) > 2:
        return "split"
    return "mixed"


def most_of(row: list[int]) -> Optional[int]:
    """The value with the most marks (None: no marks, or a tie for the most)."""
    top = max(row) if row else 0
    if top == 0 or row.count(top) > 1:
        return None
    return row.index(top)


class RateError(WallError):
    """A mark the rules refuse; ``reason`` is a key for the screen's message."""


class Rating(Undoable):
    """The marks of one rate step of a session."""

    def __init__(self, store, session_id: str, step_id: str, statements: list[str],
                 scale: list[str] | tuple[str, ...] = TRAFFIC_LIGHT, clock=None) -> None:
        self.store = store
        self.session_id = session_id
        self.step_id = step_id
        self.statements = list(statements)
        self.scale = list(scale)
        self.clock = clock
        if not self.statements:
            raise RateError("no_statements")
        if len(self.scale) < 2:
            raise RateError("bad_scale")
        self._undo: UndoLog[tuple[str, object]] = UndoLog()  # ('added', doc id) / ('removed', doc)

    @classmethod
    def for_step(cls, store, session_id: str, step, clock=None, group: Optional[int] = None) -> Rating:
        """``group``: a table's own marks in a table-group step (NED's tables each mark the
        statements), filed under ``lanes.lane_key``."""
        p = step.params
        return cls(store, session_id, lane_key(step.id, group), p["statements"],
                   p.get("scale", TRAFFIC_LIGHT), clock)

    # -- reading -----------------------------------------------------------------------

    def marks(self) -> list[dict]:
        return [d for d in self.store.all(self.session_id, TABLE) if d.get("step") == self.step_id]

    def tally(self) -> list[list[int]]:
        """Marks per statement (rows) and scale value (columns); marks outside the
        current statements or scale stay stored but do not count."""
        out = [[0] * len(self.scale) for _ in self.statements]
        for d in self.marks():
            s, v = d.get("statement"), d.get("value")
            if isinstance(s, int) and isinstance(v, int) and 0 <= s < len(out) and 0 <= v < len(self.scale):
                out[s][v] += 1
        return out

    def count(self, statement: int, value: int) -> int:
        return self.tally()[statement][value]

    def total(self, statement: int) -> int:
        return sum(self.tally()[statement])

    def spread(self, statement: int) -> str:
        return spread_of(self.tally()[statement])

    def most(self, statement: int) -> Optional[int]:
        return most_of(self.tally()[statement])

    # -- intents -----------------------------------------------------------------------

    def _check(self, statement, value) -> None:
        ok_s = isinstance(statement, int) and not isinstance(statement, bool) and 0 <= statement < len(self.statements)
        if not ok_s:
            raise RateError("unknown_statement")
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(self.scale)):
            raise RateError("unknown_value")

    def mark(self, statement: int, value: int) -> int:
        """One more mark on a statement's value; returns that value's count now."""
        self._check(statement, value)
        have = self.count(statement, value)
        if have >= MARKS_MAX:
            raise RateError("marks_full")
        at = self.clock.now() if self.clock is not None else 0.0
        doc_id = self.store.insert(self.session_id, TABLE,
                                   {"step": self.step_id, "statement": statement, "value": value, "at": at})
        self._undo.push(("added", doc_id))
        return have + 1

    def own(self, statement: int, value: Optional[int], before: Optional[int] = None) -> Optional[int]:
        """One person's own mark, from their pad (``kiosk.core.pads``): it replaces their
        earlier mark on the statement (``before``, its doc id), or with ``value`` None
        takes it away. Returns the new mark's doc id (None: taken away). Not on the wall's
        undo: the wall's Undo never takes back a phone's private answer."""
        self._check(statement, 0 if value is None else value)
        if value is not None and self.count(statement, value) >= MARKS_MAX:
            raise RateError("marks_full")
        old = self.store.get(self.session_id, TABLE, before) if isinstance(before, int) else None
        if old is not None and old.get("step") == self.step_id:
            if value is not None and old.get("statement") == statement and old.get("value") == value:
                return before
            self.store.remove(self.session_id, TABLE, before)
        if value is None:
            return None
        at = self.clock.now() if self.clock is not None else 0.0
        return self.store.insert(self.session_id, TABLE,
                                 {"step": self.step_id, "statement": statement, "value": value, "at": at})

    def take_back(self, statement: int, value: int) -> int:
        """Remove the newest mark on a statement's value (a mis-tap noticed later, even
        after a restart); returns the count now. The kiosk's Undo puts it back."""
        self._check(statement, value)
        mine = [d for d in self.marks() if d.get("statement") == statement and d.get("value") == value]
        if not mine:
            raise RateError("no_mark_here")
        newest = max(mine, key=lambda d: (d.get("at", 0.0), d["doc_id"]))
        self.store.remove(self.session_id, TABLE, newest["doc_id"])
        self._undo.push(("removed", {k: v for k, v in newest.items() if k != "doc_id"}))
        return len(mine) - 1

    def undo(self) -> bool:
        """Take back the newest change made here (a mark added or taken back); False when
        there is none. A mark already gone another way is passed over."""
        return self._undo.undo(self._put_back, gone=self._gone)

    def _gone(self, op: tuple[str, object]) -> bool:
        kind, what = op
        return kind == "added" and self.store.get(self.session_id, TABLE, what) is None

    def _put_back(self, op: tuple[str, object]) -> None:
        kind, what = op
        if kind == "added":
            self.store.remove(self.session_id, TABLE, what)
        else:
            self.store.insert(self.session_id, TABLE, what)



# -- its part of an export (kiosk.core.export) ----------------------------------------------

def collect(ctx) -> dict:
    """Each rate step that got marks: its statements with the tally per scale value."""
    ratings = []
    filed = {d.get("step") for d in ctx.store.all(ctx.session_id, TABLE)}
    for step in ctx.steps("rate"):
        params = step.get("params") or {}
        statements = [str(x) for x in params.get("statements") or []]
        scale = [str(x) for x in params.get("scale") or TRAFFIC_LIGHT]
        # a table-group step: each table's marks ("<step>@<table>") after the room's own
        tables = sorted(g for s, g in map(split_key, filed) if s == step.get("id") and g is not None)
        for group in [None] + tables:
            try:
                counts = Rating(ctx.store, ctx.session_id, lane_key(step.get("id"), group),
                                statements, scale).tally()
            except RateError:  # no statements, or a scale of one value: nothing was marked
                break
            title = str(step.get("title") or "")
            if any(any(c) for c in counts):
                ratings.append({"step": str(step.get("id")), "group": group,
                                "title": title if group is None else f"{title} · {lane_title(group, ctx.t)}",
                                "scale": scale,
                                "statements": [{"text": text, "counts": c, "total": sum(c)}
                                               for text, c in zip(statements, counts)]})
    return {"ratings": ratings}


def sections(doc: dict, t) -> list:
    """A statement per line, its tally under it: "● Green 2 · ▲ Yellow 0 · ■ Red 1"."""
    def value(word: str, count: int) -> str:
        name = t(TRAFFIC_WORDS[word]) if word in TRAFFIC_WORDS else word
        return f"{TRAFFIC_SHAPES.get(word, '')} {name} {count}".strip()
    return [(r["title"] or t(N_("Ratings")),
             [(st["text"], [" · ".join(value(w, c) for w, c in zip(r["scale"], st["counts"]))])
              for st in r["statements"]])
            for r in doc.get("ratings") or []]

ACTIVITY = Activity(
    "rate",
    params=(
        Param("statements", Texts(item=Text(max_len=200)), required=True),
        Param("scale", Texts(min_items=2, unique=True, item=Text(max_len=30)), default=TRAFFIC_LIGHT),
    ),
    refusals={
        "no_statements": N_("This step has no statements to rate."),
        "bad_scale": N_("This step's scale needs at least two values."),
        "unknown_statement": N_("That statement is not part of this step."),
        "unknown_value": N_("That answer is not on this step's scale."),
        "marks_full": N_("This answer has as many marks as it can hold."),
        "no_mark_here": N_("There is no mark there to take back."),
    },
    collect=collect,
    sections=sections,
    order=90,
)
