"""The words a method file's values are checked in: what each field must be, and how
a problem is told to the method's author (DESIGN.md §4).

Every activity's parameter schema (``kiosk.core.activities``) and the loader's own
fields are written with these checks, so one wrong value reads the same wherever it
is: the field, what was expected, what was found.

Issues are ``(field, expected)`` pairs; ``field`` is relative to the table checked
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
    """A list of non-empty strings: at least ``min_items`` (at most ``max_items`` if set),
    exactly ``exact`` if set."""

    min_items: int = 1
    exact: int | None = None
    unique: bool = False
    item: Any = Text()
    max_items: int | None = None

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
        if self.max_items is not None and self.exact is None:
            n = (f"a list of {self.min_items} to {self.max_items}" if self.min_items
                 else f"a list of at most {self.max_items}")
        return f"{n} strings" + (", all different" if self.unique else "")

    def __call__(self, v: Any) -> list[Issue]:
        if not isinstance(v, list):
            return [("", got(self.what, v))]
        if (len(v) < self.min_items or (self.exact is not None and len(v) != self.exact)
                or (self.max_items is not None and len(v) > self.max_items)):
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


@dataclass(frozen=True)
class Fields:
    """One table with known ``fields`` (a step's ``[steps.facilitator]``)."""

    fields: tuple
    label: str

    @property
    def what(self) -> str:
        return f"a {self.label} table ({', '.join(p.name for p in self.fields)})"

    def __call__(self, v: Any) -> list[Issue]:
        if not isinstance(v, dict):
            return [("", got(self.what, v))]
        return check_table(self.fields, v, f"{self.label} field")


@dataclass(frozen=True)
class Range:
    """A size as ``n`` or ``[least, most]``, each from ``lo`` to ``hi`` (a table group's size)."""

    lo: int
    hi: int

    @property
    def what(self) -> str:
        return f"an integer from {self.lo} to {self.hi}, or a list [least, most] of such"

    def __call__(self, v: Any) -> list[Issue]:
        pair = v if isinstance(v, list) else [v, v]
        if not (len(pair) == 2 and all(is_int(x) and self.lo <= x <= self.hi for x in pair)):
            return [("", got(self.what, v))]
        if pair[0] > pair[1]:
            return [("", f"{self.what} (got [{pair[0]}, {pair[1]}]: the least first)")]
        return []


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


# -- parameters several activities share ------------------------------------------------

FROM_PREPARED = Param("from_prepared", Bool(), default=False)
"""The notes were put on the wall before the workshop (e.g. the trio's), not by a write step."""
PARKING_LOT = Param("parking_lot", Text(max_len=40))
"""Title of the parking lot (P-plads) for topics that matter but not now; absent = none."""
LENS_KINDS = Param("kinds", Texts(unique=True, item=Slug()))
"""Only notes of these kinds (of earlier write steps), and groups holding one; absent: all."""
ID_TITLE = (Param("id", Slug(), required=True), Param("title", Text(max_len=80), required=True))
"""The id and heading of a column, kind, question or deck."""


def prepared_off(params: dict) -> bool:
    """The step works on notes an earlier step wrote (not on notes prepared beforehand)."""
    return params.get("from_prepared") is not True
