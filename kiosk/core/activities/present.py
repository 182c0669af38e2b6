"""Present: the notes go up on the wall a turn at a time, each read out (DESIGN.md §4).

A turn shows ``per_turn`` notes; with ``pair_by`` each turn holds one note of each of
those kinds (a "works well" beside a "works less well"). The rules are the wall's
(``Wall.reveal_next_turn``, ``reveal_all``, ``hold``), and so are its refusals.
"""

from __future__ import annotations

from kiosk.core.params import FROM_PREPARED, Int, Issue, Param, Slug, Texts, got, prepared_off

from . import Activity


def _per_turn(p: dict) -> int:
    """One note a turn, or one of each ``pair_by`` kind."""
    pair = p.get("pair_by")
    return len(pair) if isinstance(pair, list) and pair else 1


def _extra(p: dict, minutes: float | None) -> list[Issue]:
    """A pair is one note of each ``pair_by`` kind, and those kinds are shown here."""
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


ACTIVITY = Activity(
    "present",
    params=(
        Param("per_turn", Int(1), default=_per_turn),
        Param("pair_by", Texts(unique=True, item=Slug())),
        Param("kinds", Texts(unique=True, item=Slug())),
        FROM_PREPARED,
    ),
    extra=_extra,
    needs_notes=prepared_off,
    kind_params=("kinds", "pair_by"),
    presents=lambda p: p.get("kinds") or (),
    order=40,
)
