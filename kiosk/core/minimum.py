"""Is a step's own minimum met before the group leaves it, and if not, what is missing?

Some steps say in their method file how much they need before the next step makes
sense: a matrix's ``pick_min`` themes chosen, a write step's ``min_per_kind`` or
``min_per_person`` post-its. Leaving such a step short is allowed (the facilitator
knows the room), but the screen asks first. Each activity's own core module answers
for its step (its ``Activity.shortfall``: the matrix's chosen themes, the write step's
post-its); ``shortfall`` is the one question the screens ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from kiosk.core import activities


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


def shortfall(step, wall) -> Optional[Shortfall]:
    """What the step is short of before the group leaves it, or None when its minimum is
    met (or it has none, or there is no wall to look at)."""
    try:
        rule = activities.get(step.activity).shortfall
    except KeyError:
        return None
    if rule is None or wall is None:
        return None
    return rule(step.params or {}, wall, step.id)
