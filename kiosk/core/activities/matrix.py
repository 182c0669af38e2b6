"""The 2×2 matrix: where a theme sits between "ours to change" and "matters most".

Coordinates are normalised: x from 0 (out of our hands) to 1 (fully our own
influence), y from 0 (minor) to 1 (matters most for well-being), y growing
upwards as on paper (and in Kivy). The axes' names and the quadrant labels come
from the method file; the catalogue validates them, so nothing is checked here.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from ..minimum import Shortfall
from ..wall import WallError, clamp
from kiosk.core.params import FROM_PREPARED, LENS_KINDS, PARKING_LOT, Bool, Int, Issue, Param, Text, Texts, prepared_off
from kiosk.i18n import N_

from . import Activity

__all__ = ["QUADRANTS", "QUADRANT_NAMES", "ACT_HERE", "quadrant", "clamp", "quadrant_label", "spot", "by_quadrant",
           "require_themes", "pick_problem", "shortfall"]

QUADRANTS = ("theirs_important", "ours_important", "theirs_minor", "ours_minor")
"""In the reading order of the method file's ``quadrants`` labels: top-left, top-right,
bottom-left, bottom-right."""

ACT_HERE = "ours_important"
"""The corner the screen highlights: important, and ours to change."""

HIGH = 0.5


def quadrant(x: float, y: float) -> str:
    """The quadrant of a spot. Exactly 0.5 counts as high on either axis, so a theme
    dropped on the middle line lands on the side where the group can act."""
    ours = "ours" if x >= HIGH else "theirs"
    return f"{ours}_important" if y >= HIGH else f"{ours}_minor"


def quadrant_label(name: str, labels: Optional[Sequence[str]]) -> str:
    """The method's label for a quadrant ('' when the method names none)."""
    return labels[QUADRANTS.index(name)] if labels else ""


QUADRANT_NAMES = {"theirs_important": N_("Important, out of our hands"),
                  "ours_important": N_("Important, and ours to change"),
                  "theirs_minor": N_("Minor, out of our hands"),
                  "ours_minor": N_("Minor, ours to change")}
"""The quadrants in the kiosk's words, where the method names none."""


def spot(point: Optional[Sequence[float]], labels: Optional[Sequence[str]]) -> Optional[dict]:
    """Where an item sits on the matrix, as an export tells it (None: not placed)."""
    if point is None:
        return None
    q = quadrant(*point)
    return {"x": round(point[0], 4), "y": round(point[1], 4), "quadrant": q,
            "quadrant_label": quadrant_label(q, labels)}


def by_quadrant(items: Iterable) -> dict[str, list]:
    """Placed items (anything with a ``matrix`` (x, y) or None) per quadrant, the most
    important first within each; unplaced ones are left out."""
    out: dict[str, list] = {q: [] for q in QUADRANTS}
    for item in items:
        if item.matrix is not None:
            out[quadrant(*item.matrix)].append(item)
    for placed in out.values():
        placed.sort(key=lambda i: (-i.matrix[1], -i.matrix[0]))
    return out


def require_themes(items: Sequence) -> None:
    """A matrix step needs themes to place: none is 'no_themes', not an empty board."""
    if not items:
        raise WallError("no_themes")


def pick_problem(count: int, pick_min: Optional[int] = None, pick_max: Optional[int] = None) -> Optional[str]:
    """Why the chosen themes cannot go on to the action step yet: 'too_few_chosen',
    'too_many_chosen', or None when the count is within the method's 3–5 (or whatever)."""
    if pick_min is not None and count < pick_min:
        return "too_few_chosen"
    if pick_max is not None and count > pick_max:
        return "too_many_chosen"
    return None


def shortfall(params: dict, wall) -> Optional[Shortfall]:
    """Is the step's own minimum met before leaving it? Fewer themes chosen than its
    ``pick_min`` is a shortfall (too many is refused at the tap already)."""
    lo = params.get("pick_min")
    if lo is None:
        return None
    n = len(wall.chosen())
    if pick_problem(n, lo) != "too_few_chosen":
        return None
    return Shortfall("too_few_chosen", have=n, least=int(lo), most=params.get("pick_max"))



# -- its part of an export (kiosk.core.export) ----------------------------------------------

def collect(ctx) -> dict:
    """The axes, the quadrants' labels and the placed themes, numbered in the legend's
    order: by quadrant in reading order, the most important first within each."""
    params = ctx.first_params("matrix")
    placed = sorted((i for i in ctx.items if i["matrix"]),
                    key=lambda i: (QUADRANTS.index(i["matrix"]["quadrant"]), -i["matrix"]["y"], -i["matrix"]["x"]))
    if not params and not placed:
        return {"matrix": None}
    labels = params.get("quadrants") or None
    return {"matrix": {
        "x_axis": str(params.get("x_axis") or ""),
        "y_axis": str(params.get("y_axis") or ""),
        "quadrants": [str(q) for q in labels] if labels else [],
        "items": [{"number": n, "key": i["key"], "label": i["label"], **i["matrix"]}
                  for n, i in enumerate(placed, 1)],
    }}

def _pick_range(p: dict, minutes: float | None) -> list[Issue]:
    if "pick_min" in p and "pick_max" in p and p["pick_min"] > p["pick_max"]:
        return [("pick_max", f"at least pick_min, {p['pick_min']} (got {p['pick_max']})")]
    return []


ACTIVITY = Activity(
    "matrix",
    params=(
        Param("x_axis", Text(max_len=80), required=True),
        Param("y_axis", Text(max_len=80), required=True),
        # quadrant labels in reading order: top-left, top-right, bottom-left, bottom-right
        Param("quadrants", Texts(exact=len(QUADRANTS), item=Text(max_len=80))),
        Param("pick_min", Int(1)),
        Param("pick_max", Int(1)),
        Param("continuous", Bool(), default=False),
        PARKING_LOT,
        FROM_PREPARED,
        LENS_KINDS,
    ),
    extra=_pick_range,
    needs_notes=prepared_off,
    kind_params=("kinds",),
    shortfall=lambda params, wall, step_id: shortfall(params, wall),
    refusals={
        "too_few_chosen": N_("Choose a few more themes to take on."),
        "no_themes": N_("No themes are chosen yet: choose some in the earlier steps, or add a post-it."),
    },
    collect=collect,
    order=80,
)
