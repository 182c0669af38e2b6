"""Write: everyone writes post-its of the kinds the method names (DESIGN.md §4).

A kind is a colour and a heading ("Works well" on yellow); a ``prepared`` kind holds
the notes put up before the workshop, so nobody writes it here. The notes go on the
shared wall (``Wall.add_note``, whose refusals are the wall's); ``face_down`` hides
their text until a present step turns them up. Later steps may name its kinds.
"""

from __future__ import annotations

from typing import Any, Optional

from kiosk.core.minimum import Shortfall
from kiosk.core.params import COLOURS, ID_TITLE, Bool, Choice, Int, Issue, Param, Tables
from kiosk.core.people import live_people
from kiosk.core.wall import NOTE_MAX, Note, WallError, clean_text
from kiosk.i18n import N_

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


def writable(params: dict) -> list[str]:
    """The kind ids people write at this step (not the prepared ones)."""
    return [k["id"] for k in params.get("kinds", []) if not k.get("prepared")]


def add_note(wall, people, step, kind: str, text: str, *, author: Optional[int] = None,
             group: Optional[int] = None) -> Note:
    """A post-it written at a write step, by ``author`` (a participant's id, or None:
    anonymous) at table ``group``.

    The step's kinds, length and face-down rule apply; a known author may not pass the
    method's ``max_per_person`` ('too_many_for_person'). In a table-group step a note
    goes to its writer's table unless a table is given. An author who is no longer on
    the list ('unknown_person') or a table there is not ('unknown_table') is refused."""
    params = step.params or {}
    group = _checked(wall, people, step, author, group)
    return wall.add_note(kind, text, step=step.id, face_down=params.get("face_down", False),
                         max_length=params.get("max_length", NOTE_MAX), kinds=writable(params),
                         author=author, group=group if step.groups else None)


def _checked(wall, people, step, author: Optional[int], group: Optional[int], waiting: int = 0) -> Optional[int]:
    """The author and table rules of ``add_note``; the table the note goes to."""
    params = step.params or {}
    if author is not None:
        if people is None or not people.known(author):
            raise WallError("unknown_person")
        most = params.get("max_per_person")
        mine = [n for n in wall.notes() if n.step == step.id and n.author == author]
        if most is not None and len(mine) + waiting >= most:
            raise WallError("too_many_for_person")
        if group is None and step.groups:
            group = people.table_of(author)
    if group is not None and (people is None or not isinstance(group, int) or isinstance(group, bool)
                              or not 1 <= group <= people.tables):
        raise WallError("unknown_table")
    return group


def check_note(wall, people, step, kind: Any, text: Any, *, author: Optional[int] = None,
               group: Optional[int] = None, waiting: int = 0) -> tuple[str, str, Optional[int]]:
    """What ``add_note`` would write, refused as it refuses, without writing it: (kind,
    text as stored, table). For a note held back before it goes on the wall (a pad's
    inbox); ``waiting`` are the author's notes held so far, which count toward
    ``max_per_person``."""
    params = step.params or {}
    if not isinstance(kind, str) or kind not in writable(params):
        raise WallError("unknown_kind")
    text = clean_text(text, params.get("max_length", NOTE_MAX))
    group = _checked(wall, people, step, author, group, waiting)
    return kind, text, group if step.groups else None


def short_people(params: dict, wall, people: list[Any], step_id: str) -> dict[str, int]:
    """How many people still lack what the method asks of each of them: per writable kind
    (``min_per_kind``), and under "" in all (``min_per_person``). Counts only: the wall
    never shows who. Empty when the step asks nothing or nobody is on the list."""
    per_kind = int(params.get("min_per_kind") or 0)
    per_person = int(params.get("min_per_person") or 0)
    if not people or not (per_kind or per_person):
        return {}
    written = [n for n in wall.notes() if n.step == step_id and n.author is not None]
    out: dict[str, int] = {}
    if per_kind:
        for kind in writable(params):
            out[kind] = sum(1 for p in people
                            if sum(1 for n in written if n.author == p.id and n.kind == kind) < per_kind)
    if per_person:
        out[""] = sum(1 for p in people if sum(1 for n in written if n.author == p.id) < per_person)
    return out


def shortfall(params: dict, wall, step_id: str) -> Optional[Shortfall]:
    """A write step's minimum: ``min_per_kind`` post-its of each kind the participants
    write, ``min_per_person`` in all.

    With participants on the list (``kiosk.core.people``) it is per person: how many
    people still lack a note ('people_short', ``have`` of ``least`` people done). Without
    them the wall cannot tell who wrote what, so the check is on the step's own post-its
    together: fewer than one person's minimum means it is surely not met."""
    people = live_people(wall.store, wall.session_id)
    short = short_people(params, wall, people, step_id)
    for kind, lacking in short.items():
        if lacking:
            return Shortfall("people_short", have=len(people) - lacking, least=len(people), kind=kind)
    if people and short:
        return None
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
    refusals={
        "too_many_for_person": N_("That is as many post-its as the method asks of one person."),
    },  # 'unknown_person' and 'unknown_table' are the people's (kiosk.core.people.REFUSALS)
    makes_notes=lambda p: True,
    note_kinds=lambda p: [k["id"] for k in p["kinds"]],
    shortfall=shortfall,
    order=30,
)
