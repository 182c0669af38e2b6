"""The activities a method step can run, and the one registry of them (DESIGN.md §4, §5).

Every activity lives in one module of this package: its parameter schema (which the
loader checks a method file against), its rules and controller, its refusal reasons
with their messages, what it makes and needs (notes, chosen items), and the part it
adds to an export. The module ends with ``ACTIVITY = Activity(...)``; the registry
finds it there. The loader, the export, the ``kiosk`` command and the screens ask
the registry, so nothing else lists the activities.

How to add an activity
----------------------
1. ``kiosk/core/activities/<name>.py``: the rules (pure Python, no Kivy), a
   ``Refusal`` subclass for what it refuses, and at the end
   ``ACTIVITY = Activity("<name>", params=..., refusals=..., collect=..., sections=...)``.
2. ``kiosk/ui/activities/<name>.py`` (+ ``<name>.kv``): ``class View(ActivityView)``.
3. Use it in a method file (``activity = "<name>"``). Nothing else changes.

An activity from elsewhere (a plug-in, a test) calls ``register(spec)`` with its own
``view`` module path.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional


def _no(params: dict) -> bool:
    return False


@dataclass(frozen=True)
class Activity:
    """What one activity means to everyone who asks: the loader, the export, the screens."""

    name: str
    params: tuple = ()
    """Its parameters (``kiosk.core.params.Param``), as a method file gives them."""
    extra: Optional[Callable[[dict, Optional[float]], list]] = None
    """Checks across parameters, run only once each parameter is valid on its own."""
    needs_notes: Callable[[dict], bool] = _no
    """Works on notes already on the wall (so an earlier step must make some)."""
    makes_notes: Callable[[dict], bool] = _no
    refusals: Mapping[str, str] = field(default_factory=dict)
    """Refusal reason → the message the screen shows (English, marked with ``N_``)."""
    collect: Optional[Callable[..., Any]] = None
    """Its part of an export document, read from the store (plain, JSON-able data)."""
    sections: Optional[Callable[..., list]] = None
    """The headings and lines of that part, for the Markdown, the page, the PDF and the summary."""
    view: str = ""
    """The module of its widget (``View``); empty: ``kiosk.ui.activities.<name>``."""
    order: int = 100
    """Its place in lists (the catalogue's order: DESIGN.md §4)."""

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
    _REGISTRY.pop(name, None)


def _find() -> None:
    """Import this package's modules once and register each one's ``ACTIVITY``."""
    global _found
    if _found:
        return
    _found = True
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "ACTIVITY", None)
        if isinstance(spec, Activity) and spec.name not in _REGISTRY:
            _REGISTRY[spec.name] = spec


def get(name: str) -> Activity:
    """The activity of that name (KeyError when there is none)."""
    _find()
    return _REGISTRY[name]


def all_activities() -> tuple[Activity, ...]:
    _find()
    return tuple(sorted(_REGISTRY.values(), key=lambda a: (a.order, a.name)))


def names() -> tuple[str, ...]:
    return tuple(a.name for a in all_activities())
