"""Write: everyone writes post-its of the kinds the method names (DESIGN.md §4).

A kind is a colour and a heading ("Works well" on yellow); a ``prepared`` kind holds
the notes put up before the workshop, so nobody writes it here. The notes go on the
shared wall (``Wall.add_note``, whose refusals are the wall's); ``face_down`` hides
their text until a present step turns them up. Later steps may name its kinds.
"""

from __future__ import annotations

from typing import Optional

from kiosk.core.minimum import Shortfall
from kiosk.core.params import COLOURS, ID_TITLE, Bool, Choice, Int, Issue, Param, Tables
from kiosk.core.wall import NOTE_MAX

from . import Activity


def _extra(p: dict, minutes: float | None) -> list[Issue]:
    """Someone must be able to write, and the minimums must fit under the maximum."""
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


def shortfall(params: dict, wall, step_id: str) -> Optional[Shortfall]:
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


ACTIVITY = Activity(
    "write",
    params=(
        Param("kinds", Tables(ID_TITLE + (Param("colour", Choice(COLOURS), required=True),
                                          Param("prepared", Bool(), default=False)), "kind"),
              required=True),
        Param("max_length", Int(10, 500), default=NOTE_MAX),
        Param("min_per_person", Int(0), default=0),
        Param("max_per_person", Int(1)),
        Param("min_per_kind", Int(0), default=0),
        # written face down (text hidden) until the present step turns them up
        Param("face_down", Bool(), default=False),
    ),
    extra=_extra,
    makes_notes=lambda p: True,
    note_kinds=lambda p: [k["id"] for k in p["kinds"]],
    shortfall=shortfall,
    order=30,
)
