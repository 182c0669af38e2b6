"""Facilitator notes: what the guides say to the facilitator, not to the group (issue 15).

A method file may carry them per step (``[steps.facilitator]``: why the step exists, what
to say, tips, pitfalls) and for the whole method (``[method.facilitator]``: roles, what to
prepare, materials, the room, psychological safety). The workshop screen shows them only
while the facilitator opens its Facilitator panel; they are never exported (the export's
document copies none of them, and a test holds it to that).

Here they are put in the order a facilitator reads them, each part with its heading;
the loader has already checked their shape, a stored snapshot is read defensively.
"""

from __future__ import annotations

from typing import Any

from kiosk.i18n import N_

STEP_PARTS = ("purpose", "say", "tips", "pitfalls")
METHOD_PARTS = ("roles", "prepare", "materials", "room", "safety")

HEADINGS = {
    "purpose": N_("Purpose"), "say": N_("What to say"), "tips": N_("Tips"), "pitfalls": N_("Pitfalls"),
    "roles": N_("Roles"), "prepare": N_("Prepare"), "materials": N_("Materials"), "room": N_("The room"),
    "safety": N_("Psychological safety"),
}
"""Each part's heading (English, marked for the catalogue)."""


def _lines(value: Any) -> list[str]:
    """A part as lines: a text is one line, a list its texts; anything else is none."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [x.strip() for x in value if isinstance(x, str) and x.strip()]
    return []


def _parts(notes: Any, order: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    if not isinstance(notes, dict):
        return []
    return [(key, lines) for key in order if (lines := _lines(notes.get(key)))]


def step_notes(step) -> list[tuple[str, list[str]]]:
    """The step's notes as (part, lines), in reading order; [] when it has none."""
    return _parts(getattr(step, "facilitator", None), STEP_PARTS)


def method_notes(method) -> list[tuple[str, list[str]]]:
    """The method's own notes (roles, prepare, materials, room, safety); [] when none."""
    return _parts(getattr(method, "facilitator", None), METHOD_PARTS)

