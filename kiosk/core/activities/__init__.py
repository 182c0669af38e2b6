"""The activities a method step can run, and the one registry of them (DESIGN.md §4, §5).

Every activity lives in one module of this package: its parameter schema (which the
loader checks a method file against), its rules and controller, its refusal reasons
with their messages, what it makes and needs (notes, note kinds), and the part it
adds to an export. The module ends with ``ACTIVITY = Activity(...)``; the registry
finds it there. The loader, the plan, the export, the ``kiosk`` command and the
screens ask the registry, so nothing else lists the activities.

How to add an activity
----------------------
1. ``kiosk/core/activities/<name>.py``: the rules (pure Python, no Kivy), a
   ``kiosk.core.refusal.Refusal`` subclass for what it refuses, and at the end::

       ACTIVITY = Activity(
           "<name>",
           params=(Param("budget", Int(1), required=True), ...),  # kiosk.core.params
           refusals={"no_votes_left": N_(<message>)},          # reason -> message
           collect=..., sections=...,                            # its part of an export
           order=...,                                            # its place in lists
       )

2. ``kiosk/ui/activities/<name>.py`` (+ ``<name>.kv``): ``class View(ActivityView)``.
3. Use it in a method file (``activity = "<name>"``). Nothing else changes: the loader
   checks its params, the plan keeps its minimum length, the screens show its view and
   its refusals, and every export format carries its part.

An activity from elsewhere (a plug-in, a test) calls ``register(spec)`` with its own
``view`` module path; ``unregister(name)`` takes it away again.

The shared wall of notes the lenses (write, present, group, sort, vote, matrix) work
on is ``kiosk.core.wall``; its refusals are its own (``wall.REFUSALS``).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

from kiosk.core.params import Issue, Param, Tables, check_table, got


def _no(params: dict) -> bool:
    return False


def _no_kinds(params: dict) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Activity:
    """What one activity means to everyone who asks: the loader, the export, the screens."""

    name: str
    params: tuple[Param, ...] = ()
    """Its parameters, as a method file gives them (unknown ones are refused)."""
    extra: Optional[Callable[[dict, Optional[float]], list[Issue]]] = None
    """Checks across parameters, run only once each parameter is valid on its own."""
    needs_notes: Callable[[dict], bool] = _no
    """Works on notes already on the wall (so an earlier step must make some)."""
    makes_notes: Callable[[dict], bool] = _no
    """Puts notes on the wall that later steps can work on."""
    note_kinds: Callable[[dict], Iterable[str]] = _no_kinds
    """The note kinds its notes have, which later steps' ``kind_params`` may name. What a
    kind is called and looks like (title, colour, prepared) is its entry of that id in
    the step's ``kinds`` table, where the activity has one (write's); ``declared_kinds``
    reads both for everyone."""
    presents: Callable[[dict], Iterable[str]] = _no_kinds
    """The note kinds a step of it turns up for the room by itself (present's ``kinds``):
    the prepare screen names that step beside the kinds prepared for it."""
    kind_params: tuple[str, ...] = ()
    """Its parameters that name note kinds; each must be a kind an earlier step makes."""
    shortest: Optional[Callable[[dict], float]] = None
    """The fewest minutes a step with these params can be planned at (``kiosk.core.plan``);
    absent: the fewest with which its ``extra`` checks pass."""
    fit: Optional[Callable[[dict, float, float], dict]] = None
    """``fit(params, guide_minutes, minutes)``: its params for a step planned at ``minutes``
    instead of the guide's (timed rounds shrink with it); absent: unchanged."""
    shortfall: Optional[Callable[[dict, Any, str], Any]] = None
    """``shortfall(params, wall, step_id)``: what the step is short of before the group
    leaves it (a ``kiosk.core.minimum.Shortfall``), or None; absent: it has no minimum."""
    plan_note: Optional[Callable[[dict, Callable[[str], str]], str]] = None
    """``plan_note(params, t)``: a line the plan screen shows under a step of it, read
    from the params as planned (after ``fit``), in ``t``'s language: the rounds' times
    ('Rounds: 4½ · 5 · 5 min'); absent: none."""
    refusals: Mapping[str, str] = field(default_factory=dict)
    """Refusal reason → the message the screen shows (English, marked with ``N_``)."""
    collect: Optional[Callable[..., Mapping[str, Any]]] = None
    """``collect(ctx)``: its part of an export document, read from the store through its
    own rules: ``{field: plain JSON-able data}``, merged into the document (the JSON
    carries it). ``ctx`` is a ``kiosk.core.export.document.Context``: store,
    session_id, method, wall, t, items (the wall's items as exported), steps(name),
    label(key)."""
    sections: Optional[Callable[..., list]] = None
    """``sections(doc, t)``: that part as ``[(heading, [(line, [sub-lines])])]`` in plain
    text, which the Markdown, the phone page and the PDF each draw their own way."""
    summary: Optional[Callable[..., list]] = None
    """``summary(doc, t)``: lines it adds to the short plain-text gist (a QR code, a
    mail body); "" separates paragraphs."""
    columns: Optional[Callable[..., list]] = None
    """``columns(doc, table, t)``: ``[(header, cell(row))]`` it adds to a CSV file, where
    ``table`` is "notes" (a row is a note) or "actions" (a row is an action)."""
    events: Optional[Callable[..., list]] = None
    """``events(doc, t)``: calendar events it adds to the .ics, each
    ``{uid, date (ISO day), summary, description}``."""
    view: str = ""
    """The module of its widget (``View``); empty: ``kiosk.ui.activities.<name>``."""
    order: int = 1000
    """Its place in lists (the catalogue's order: DESIGN.md §4); one from elsewhere goes last."""

    @property
    def view_module(self) -> str:
        return self.view or f"kiosk.ui.activities.{self.name}"


_REGISTRY: dict[str, Activity] = {}
_found = False


def register(spec: Activity) -> Activity:
    """Add (or replace) an activity; an activity from outside this package calls this."""
    _REGISTRY[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    """Take an activity away (a test's, after it); a built-in one comes back on next use."""
    _REGISTRY.pop(name, None)
    global _found
    _found = False


def _find() -> None:
    """Import this package's modules once and register each one's ``ACTIVITY``."""
    global _found
    if _found:
        return
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "ACTIVITY", None)
        if isinstance(spec, Activity) and spec.name not in _REGISTRY:
            _REGISTRY[spec.name] = spec
    _found = True  # only once all are in: a module that failed to import is tried again


def get(name: str) -> Activity:
    """The activity of that name (KeyError when there is none)."""
    _find()
    return _REGISTRY[name]


def all_activities() -> tuple[Activity, ...]:
    """Every registered activity, in the catalogue's order."""
    _find()
    return tuple(sorted(_REGISTRY.values(), key=lambda a: (a.order, a.name)))


def names() -> tuple[str, ...]:
    """The activity names a method file may use, in the catalogue's order."""
    return tuple(a.name for a in all_activities())


def refusal_message(reason: str) -> Optional[str]:
    """The (untranslated) message of a refusal reason an activity declares, or None."""
    for spec in all_activities():
        if reason in spec.refusals:
            return spec.refusals[reason]
    return None


# -- what the loader and the plan ask of a step's params -------------------------------

def validate_params(activity: str, params: Any, minutes: Optional[float] = None) -> list[Issue]:
    """What is wrong with ``params`` for ``activity`` (empty list: all good).

    ``minutes`` is the step's length, for the checks that must fit in it (rounds,
    cards' flip time). An unknown activity is a KeyError: the loader checks that first.
    """
    spec = get(activity)
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
    return _fill(get(activity).params, params)


def needs_notes(activity: str, params: dict) -> bool:
    """Does this step work on notes that an earlier step must have put on the wall?"""
    return get(activity).needs_notes(params)


def makes_notes(activity: str, params: dict) -> bool:
    """Does this step put notes on the wall that later steps can work on?"""
    return get(activity).makes_notes(params)


def _step_parts(step: Any) -> tuple[Any, Any]:
    """(activity, params) of a method's step: a ``kiosk.core.method.Step``, or a stored
    method's step as a plain dict (the export reads those)."""
    if isinstance(step, Mapping):
        return step.get("activity"), step.get("params")
    return getattr(step, "activity", None), getattr(step, "params", None)


def declared_kinds(steps: Iterable[Any]) -> list[tuple[Any, Mapping]]:
    """Every note kind the steps make, as ``(step, kind table)`` in the method's order:
    the ids its activity's ``note_kinds`` names, each with its entry in the step's
    ``kinds`` table ({id, title, colour, prepared}: write's) or just ``{"id": ...}``.

    A kind that two steps make is there twice; a caller keeps the first, or the first
    prepared, as it needs. Steps of an unknown activity, and params a stored session
    holds damaged, are passed over: the export of an old session still works."""
    out: list[tuple[Any, Mapping]] = []
    for step in steps:
        activity, params = _step_parts(step)
        if not isinstance(params, Mapping):
            continue
        try:
            made = [str(k) for k in get(activity).note_kinds(params)]
        except (KeyError, TypeError, AttributeError):
            continue
        tables = {str(k["id"]): k for k in params.get("kinds") or () if isinstance(k, Mapping) and k.get("id")}
        out += [(step, tables.get(kind, {"id": kind})) for kind in made if kind]
    return out


NOTE_MARKS = ("+", "−", "●", "▲", "■")
"""A write step's kinds in order: works well '+', works less well '−', then shapes."""
PREPARED_MARK = "♦"
"""A prepared kind (the trio's notes typed before the workshop); ★ marks the matrix's corner."""


def kind_marks(steps: Iterable[Any]) -> dict[str, str]:
    """kind id → the mark it carries beside its colour, so a kind reads without colour
    (the trivselsdialog's two kinds are both yellow): on the wall's cards and buttons
    and on a phone's kind buttons alike."""
    out: dict[str, str] = {}
    plain = 0
    for _, kind in declared_kinds(steps):
        if kind["id"] in out:
            continue
        if kind.get("prepared"):
            out[kind["id"]] = PREPARED_MARK
        else:
            out[kind["id"]] = NOTE_MARKS[min(plain, len(NOTE_MARKS) - 1)]
            plain += 1
    return out
