"""The activity catalogue (DESIGN.md §4) as data: the parameters each activity takes.

A method file names one activity per step and gives its parameters. This module says
what each activity accepts, so the loader can tell a method author which field is
wrong and what was expected, and an activity module can trust its params (validated,
defaults filled in). It holds no activity logic.

Issues are ``(field, expected)`` pairs; ``field`` is relative to the params table
(``"budget"``, ``"columns[1].id"``, ``""`` for the table itself) and ``expected``
ends with what was found, e.g. ``"an integer ≥ 1 (got 0)"``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

Issue = tuple[str, str]

SLUG = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
SLUG_MAX = 40

COLOURS = ("yellow", "pink", "blue", "green", "orange", "purple", "grey", "white")
"""Note colours a method may name; the UI maps each to a colour-blind-safe shade plus a shape."""


def shown(value: Any) -> str:
    """A short TOML-like rendering of what the file held, for 'got …'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        s = json.dumps(value, ensure_ascii=False)
        return s if len(s) <= 40 else s[:38] + "…\""
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def got(what: str, value: Any) -> str:
    return f"{what} (got {shown(value)})"


def missing(what: str) -> str:
    return f"{what} (missing)"


def join(prefix: str, sub: str) -> str:
    """``join("steps[2].params", "columns[0].id")`` — field paths as the loader prints them."""
    if not sub:
        return prefix
    if not prefix:
        return sub
    return prefix + sub if sub.startswith("[") else f"{prefix}.{sub}"


# -- value checks: each is a callable value -> list[Issue] with a `what` text ----------

def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v  # no nan


@dataclass(frozen=True)
class Int:
    lo: int | None = None
    hi: int | None = None

    @property
    def what(self) -> str:
        if self.lo is not None and self.hi is not None:
            return f"an integer from {self.lo} to {self.hi}"
        return f"an integer ≥ {self.lo}" if self.lo is not None else "an integer"

    def __call__(self, v: Any) -> list[Issue]:
        ok = is_int(v) and (self.lo is None or v >= self.lo) and (self.hi is None or v <= self.hi)
        return [] if ok else [("", got(self.what, v))]


@dataclass(frozen=True)
class Num:
    """A number strictly above ``gt`` and at most ``le``."""

    gt: float = 0
    le: float | None = None

    @property
    def what(self) -> str:
        return f"a number > {self.gt:g}" + (f" and ≤ {self.le:g}" if self.le is not None else "")

    def __call__(self, v: Any) -> list[Issue]:
        ok = _is_num(v) and v > self.gt and (self.le is None or v <= self.le)
        return [] if ok else [("", got(self.what, v))]


@dataclass(frozen=True)
class Bool:
    what: str = "true or false"

    def __call__(self, v: Any) -> list[Issue]:
        return [] if isinstance(v, bool) else [("", got(self.what, v))]


@dataclass(frozen=True)
class Text:
    """A string; non-empty unless ``empty_ok``; at most ``max_len`` characters."""

    max_len: int | None = None
    empty_ok: bool = False

    @property
    def what(self) -> str:
        base = "a string" if self.empty_ok else "a non-empty string"
        return base + (f" of at most {self.max_len} characters" if self.max_len else "")

    def __call__(self, v: Any) -> list[Issue]:
        ok = (isinstance(v, str) and (self.empty_ok or v.strip() != "")
              and (self.max_len is None or len(v) <= self.max_len))
        return [] if ok else [("", got(self.what, v))]


@dataclass(frozen=True)
class Slug:
    what: str = f"an id of a–z, 0–9, '-' or '_', starting with a letter, at most {SLUG_MAX} long"

    def __call__(self, v: Any) -> list[Issue]:
        ok = isinstance(v, str) and len(v) <= SLUG_MAX and SLUG.fullmatch(v) is not None
        return [] if ok else [("", got(self.what, v))]


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    @property
    def what(self) -> str:
        return "one of: " + ", ".join(self.values)

    def __call__(self, v: Any) -> list[Issue]:
        return [] if isinstance(v, str) and v in self.values else [("", got(self.what, v))]


@dataclass(frozen=True)
class Texts:
    """A list of non-empty strings: at least ``min_items``, exactly ``exact`` if set."""

    min_items: int = 1
    exact: int | None = None
    unique: bool = False
    item: Any = Text()

    @property
    def what(self) -> str:
        if self.exact is not None:
            n = f"a list of {self.exact}"
        elif self.min_items == 0:
            n = "a list of"
        elif self.min_items == 1:
            n = "a non-empty list of"
        else:
            n = f"a list of at least {self.min_items}"
        return f"{n} strings" + (", all different" if self.unique else "")

    def __call__(self, v: Any) -> list[Issue]:
        if not isinstance(v, list):
            return [("", got(self.what, v))]
        if len(v) < self.min_items or (self.exact is not None and len(v) != self.exact):
            return [("", f"{self.what} (got {len(v)})")]
        out: list[Issue] = []
        seen: set[str] = set()
        for i, x in enumerate(v):
            out += [(f"[{i}]", e) for _, e in self.item(x)]
            if self.unique and isinstance(x, str):
                if x in seen:
                    out.append((f"[{i}]", got("a string not already in the list", x)))
                seen.add(x)
        return out


@dataclass(frozen=True)
class Tables:
    """A list of tables, each with ``fields``; ``unique`` names a field that must differ."""

    fields: tuple[Param, ...]
    label: str
    min_items: int = 1
    unique: str | None = "id"

    @property
    def what(self) -> str:
        n = "a non-empty list" if self.min_items == 1 else f"a list of at least {self.min_items}"
        return f"{n} of {self.label} tables ({', '.join(p.name for p in self.fields)})"

    def __call__(self, v: Any) -> list[Issue]:
        if not isinstance(v, list):
            return [("", got(self.what, v))]
        if len(v) < self.min_items:
            return [("", f"{self.what} (got {len(v)})")]
        out: list[Issue] = []
        seen: dict[Any, int] = {}
        for i, item in enumerate(v):
            if not isinstance(item, dict):
                out.append((f"[{i}]", got(f"a {self.label} table", item)))
                continue
            out += [(join(f"[{i}]", f), e) for f, e in check_table(self.fields, item, f"{self.label} field")]
            key = item.get(self.unique) if self.unique else None
            if isinstance(key, str):
                if key in seen:
                    out.append((f"[{i}].{self.unique}",
                                got(f"a unique {self.unique}, not the same as [{seen[key]}]", key)))
                else:
                    seen[key] = i
        return out


@dataclass(frozen=True)
class Table:
    what: str = "a table"

    def __call__(self, v: Any) -> list[Issue]:
        return [] if isinstance(v, dict) else [("", got(self.what, v))]


# -- the spec types ---------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    name: str
    check: Callable[[Any], list[Issue]]
    required: bool = False
    default: Any = None
    """Filled in when absent; a callable gets the params (``None`` leaves it absent)."""


def check_table(fields: tuple[Param, ...], table: dict, label: str) -> list[Issue]:
    """Unknown keys first (a typo must not pass silently), then each field in spec order."""
    names = [p.name for p in fields]
    out: list[Issue] = [
        (str(k), f"a known {label} ({', '.join(names)})") for k in table if k not in names
    ]
    for p in fields:
        if p.name not in table:
            if p.required:
                out.append((p.name, missing(p.check.what)))
            continue
        out += [(join(p.name, f), e) for f, e in p.check(table[p.name])]
    return out


def _no(params: dict) -> bool:
    return False


@dataclass(frozen=True)
class Activity:
    name: str
    params: tuple[Param, ...] = ()
    extra: Callable[[dict, float | None], list[Issue]] | None = None
    """Checks across parameters, run only once each parameter is valid on its own."""
    needs_notes: Callable[[dict], bool] = _no
    """Works on notes already on the wall (so an earlier step must make some)."""
    makes_notes: Callable[[dict], bool] = _no


# -- the catalogue ----------------------------------------------------------------------

FROM_PREPARED = Param("from_prepared", Bool(), default=False)
"""The notes were put on the wall before the workshop (e.g. the trio's), not by a write step."""
PARKING_LOT = Param("parking_lot", Text(max_len=40))
LENS_KINDS = Param("kinds", Texts(unique=True, item=Slug()))
"""Only notes of these kinds (of earlier write steps), and groups holding one; absent: all."""
"""Title of the parking lot (P-plads) for topics that matter but not now; absent = none."""


def _prepared_off(params: dict) -> bool:
    return params.get("from_prepared") is not True


def _rounds_extra(p: dict, minutes: float | None) -> list[Issue]:
    total = sum(r["minutes"] for r in p["rounds"])
    if minutes is not None and total > minutes + 1e-9:
        return [("rounds", f"rounds that fit in the step's {minutes:g} minutes (got {total:g})")]
    return []


def _write_extra(p: dict, minutes: float | None) -> list[Issue]:
    out: list[Issue] = []
    writable = [k for k in p["kinds"] if not k.get("prepared", False)]
    if not writable:
        out.append(("kinds", "at least one kind that participants write (prepared = false)"))
    mx = p.get("max_per_person")
    if mx is not None:
        if p.get("min_per_person", 0) > mx:
            out.append(("min_per_person", f"at most max_per_person, {mx} (got {p['min_per_person']})"))
        need = p.get("min_per_kind", 0) * len(writable)
        if need > mx:
            out.append(("min_per_kind", f"min_per_kind × {len(writable)} kinds ≤ max_per_person, {mx} (got {need})"))
    return out


def _present_extra(p: dict, minutes: float | None) -> list[Issue]:
    out: list[Issue] = []
    pair = p.get("pair_by")
    if pair is not None:
        if "per_turn" in p and p["per_turn"] != len(pair):
            out.append(("per_turn", f"the number of pair_by kinds, {len(pair)} (got {p['per_turn']})"))
        kinds = p.get("kinds")
        for i, k in enumerate(pair):
            if kinds is not None and k not in kinds:
                out.append((f"pair_by[{i}]", got("one of this step's kinds", k)))
    return out


def _present_per_turn(p: dict) -> int:
    pair = p.get("pair_by")
    return len(pair) if isinstance(pair, list) and pair else 1


def _vote_extra(p: dict, minutes: float | None) -> list[Issue]:
    out: list[Issue] = []
    if "max_per_note" in p and p["max_per_note"] > p["budget"]:
        out.append(("max_per_note", f"at most the budget, {p['budget']} (got {p['max_per_note']})"))
    if "winners_max" in p and p["winners_max"] < p["winners"]:
        out.append(("winners_max", f"at least winners, {p['winners']} (got {p['winners_max']})"))
    return out


def _matrix_extra(p: dict, minutes: float | None) -> list[Issue]:
    if "pick_min" in p and "pick_max" in p and p["pick_min"] > p["pick_max"]:
        return [("pick_max", f"at least pick_min, {p['pick_min']} (got {p['pick_max']})")]
    return []


def _cards_extra(p: dict, minutes: float | None) -> list[Issue]:
    flip = p.get("flip_at_minutes")
    if flip is not None and minutes is not None and flip >= minutes:
        return [("flip_at_minutes", f"fewer minutes than the step's {minutes:g} (got {flip:g})")]
    return []


_ID_TITLE = (Param("id", Slug(), required=True), Param("title", Text(max_len=80), required=True))

CATALOGUE: dict[str, Activity] = {a.name: a for a in (
    Activity("talk"),
    Activity("rounds", (
        Param("rounds", Tables((Param("name", Text(max_len=60), required=True),
                                Param("minutes", Num(0), required=True),
                                # what the group does in this round, shown under its name
                                Param("prompts", Texts(min_items=0, item=Text(max_len=200)), default=())),
                               "round", unique="name"),
              required=True),
    ), extra=_rounds_extra),
    Activity("write", (
        Param("kinds", Tables(_ID_TITLE + (Param("colour", Choice(COLOURS), required=True),
                                          Param("prepared", Bool(), default=False)), "kind"),
              required=True),
        Param("max_length", Int(10, 500), default=140),
        Param("min_per_person", Int(0), default=0),
        Param("max_per_person", Int(1)),
        Param("min_per_kind", Int(0), default=0),
        # written face down (text hidden) until the present step turns them up
        Param("face_down", Bool(), default=False),
    ), extra=_write_extra, makes_notes=lambda p: True),
    Activity("present", (
        Param("per_turn", Int(1), default=_present_per_turn),
        Param("pair_by", Texts(unique=True, item=Slug())),
        Param("kinds", Texts(unique=True, item=Slug())),
        FROM_PREPARED,
    ), extra=_present_extra, needs_notes=_prepared_off),
    Activity("group", (FROM_PREPARED, LENS_KINDS), needs_notes=_prepared_off),
    Activity("sort", (
        Param("columns", Tables(_ID_TITLE, "column"), required=True),
        PARKING_LOT,
        Param("items", Texts(unique=True, item=Text(max_len=140))),
        FROM_PREPARED,
    ), needs_notes=lambda p: _prepared_off(p) and not p.get("items"),
        makes_notes=lambda p: bool(p.get("items"))),
    Activity("vote", (
        Param("budget", Int(1), required=True),
        Param("mode", Choice(("dots", "hands")), default="dots"),
        Param("winners", Int(1), required=True),
        Param("winners_max", Int(1)),
        Param("max_per_note", Int(1)),
        Param("rest_to_parking", Bool(), default=False),
        FROM_PREPARED,
        LENS_KINDS,
    ), extra=_vote_extra, needs_notes=lambda p: _prepared_off(p) and p.get("mode", "dots") == "dots"),
    Activity("matrix", (
        Param("x_axis", Text(max_len=80), required=True),
        Param("y_axis", Text(max_len=80), required=True),
        # quadrant labels in reading order: top-left, top-right, bottom-left, bottom-right
        Param("quadrants", Texts(exact=4, item=Text(max_len=80))),
        Param("pick_min", Int(1)),
        Param("pick_max", Int(1)),
        Param("continuous", Bool(), default=False),
        PARKING_LOT,
        FROM_PREPARED,
        LENS_KINDS,
    ), extra=_matrix_extra, needs_notes=_prepared_off),
    Activity("rate", (
        Param("statements", Texts(item=Text(max_len=200)), required=True),
        Param("scale", Texts(min_items=2, unique=True, item=Text(max_len=30)),
              default=("green", "yellow", "red")),
    )),
    Activity("cards", (
        Param("decks", Tables(_ID_TITLE + (Param("cards", Texts(item=Text(max_len=200)), required=True),),
                              "deck"), required=True),
        Param("jokers", Int(0), default=0),
        Param("flip_at_minutes", Num(0)),
    ), extra=_cards_extra, makes_notes=lambda p: True),  # drawn cards, jokers, attention points
    Activity("timeline", (
        Param("span_years", Int(1, 50), required=True),
        Param("future_years", Int(0, 50), default=0),
    ), makes_notes=lambda p: True),  # post-its can be written straight onto a year
    Activity("actions", (
        Param("questions", Tables(_ID_TITLE, "question"), required=True),
        Param("iglo", Bool(), default=False),
        Param("follow_up", Bool(), default=True),
        # prøvehandlinger: each new action is a trial action with a review date (the form
        # suggests one review_weeks ahead); the statuspil board asks for the verdict then
        Param("trial", Bool(), default=False),
        Param("review_weeks", Int(1, 52), default=4),
        FROM_PREPARED,
    ), needs_notes=_prepared_off),
    # everyone puts a note with their name on one theme (dialogverksted): which items are
    # the themes — a vote's winners ("chosen"), the groups, or all — and one theme per person
    Activity("signup", (
        Param("themes", Choice(("chosen", "clusters", "all")), default="chosen"),
        Param("one_per_person", Bool(), default=True),
        FROM_PREPARED,
    ), needs_notes=_prepared_off),
    # attention points around a central theme, linked to each other (arbejdsmiljøfortælling);
    # centre absent: the group types it; write: new points can be written on the map
    Activity("map", (
        Param("centre", Text(max_len=120)),
        Param("write", Bool(), default=True),
        Param("kind", Slug()),
        Param("max_length", Int(10, 500), default=140),
    ), makes_notes=lambda p: p.get("write", True) is not False),
    Activity("statuspil", (
        # absent: the board's default stages in the UI language (aftalt → … → i mål)
        Param("stages", Texts(min_items=2, unique=True, item=Text(max_len=30))),
    )),
)}

ACTIVITIES: tuple[str, ...] = tuple(CATALOGUE)


def validate_params(activity: str, params: Any, minutes: float | None = None) -> list[Issue]:
    """What is wrong with ``params`` for ``activity`` (empty list: all good).

    ``minutes`` is the step's length, for the checks that must fit in it (rounds,
    cards' flip time). An unknown activity is a KeyError: the loader checks that first.
    """
    spec = CATALOGUE[activity]
    if not isinstance(params, dict):
        return [("", got("a table of parameters", params))]
    out = check_table(spec.params, params, f"parameter of {activity}")
    if not out and spec.extra:
        out = spec.extra(params, minutes)
    return out


def _plain(v: Any) -> Any:
    return [_plain(x) for x in v] if isinstance(v, (tuple, list)) else v


def _fill(fields: tuple[Param, ...], table: dict) -> dict:
    out = dict(table)
    for p in fields:
        if p.name not in out:
            if p.default is not None:
                out[p.name] = _plain(p.default(table) if callable(p.default) else p.default)
        elif isinstance(p.check, Tables) and isinstance(out[p.name], list):
            out[p.name] = [_fill(p.check.fields, t) if isinstance(t, dict) else t for t in out[p.name]]
    return out


def with_defaults(activity: str, params: dict) -> dict:
    """The params with every absent defaulted parameter filled in, also inside tables
    such as write's kinds (meant for valid params; the input is not changed)."""
    return _fill(CATALOGUE[activity].params, params)


def needs_notes(activity: str, params: dict) -> bool:
    """Does this step work on notes that an earlier step must have put on the wall?"""
    return CATALOGUE[activity].needs_notes(params)


def makes_notes(activity: str, params: dict) -> bool:
    return CATALOGUE[activity].makes_notes(params)
