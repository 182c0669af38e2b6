"""Is a step's own minimum met before the group leaves it, and if not, what is missing?

Some steps say in their method file how much they need before the next step makes
sense: a matrix's ``pick_min`` themes chosen, a write step's ``min_per_kind`` or
``min_per_person`` post-its. Leaving such a step short is allowed (the facilitator
knows the room), but the screen asks first. Each activity's own core module answers
for its step (``kiosk.core.activities.matrix.shortfall``, ``write_shortfall`` here for the notes
the wall holds); ``shortfall`` is the one question the screens ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Shortfall:
    """What a step is short of: ``code`` names the rule, ``have`` what there is,
    ``least`` (and ``most``, when the method gives a range) what the step asks for;
    ``kind`` the post-it kind a per-kind minimum is about."""

    code: str
    have: int
    least: int
    most: Optional[int] = None
    kind: str = ""


def write_shortfall(params: dict, wall, step_id: str) -> Optional[Shortfall]:
    """A write step's minimum: ``min_per_kind`` post-its of each kind the participants
    write, ``min_per_person`` in all. The wall cannot tell who wrote what, so the
    check is on the step's own post-its together: fewer than one person's minimum
    means it is surely not met."""
    written = [n for n in wall.notes() if n.step == step_id]
    per_kind = int(params.get("min_per_kind") or 0)
    if per_kind:
        for kind in params.get("kinds", []):
            if kind.get("prepared"):
                continue
            n = sum(1 for note in written if note.kind == kind["id"])
            if n < per_kind:
                return Shortfall("too_few_of_kind", have=n, least=per_kind, kind=kind["id"])
    per_person = int(params.get("min_per_person") or 0)
    if per_person and len(written) < per_person:
        return Shortfall("too_few_notes", have=len(written), least=per_person)
    return None


def _matrix(params: dict, wall, step_id: str) -> Optional[Shortfall]:
    from .activities.matrix import shortfall

    return shortfall(params, wall)


RULES: dict[str, Callable[[dict, object, str], Optional[Shortfall]]] = {
    "matrix": _matrix,
    "write": write_shortfall,
}
"""activity name → its rule; an activity without an explicit minimum in its params has none."""


def shortfall(step, wall) -> Optional[Shortfall]:
    """What the step is short of before the group leaves it, or None when its minimum is
    met (or it has none, or there is no wall to look at)."""
    rule = RULES.get(step.activity)
    if rule is None or wall is None:
        return None
    return rule(step.params or {}, wall, step.id)
