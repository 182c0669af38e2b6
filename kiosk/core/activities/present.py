"""Present: the notes go up on the wall a turn at a time, each read out (DESIGN.md §4).

A turn shows ``per_turn`` notes; with ``pair_by`` each turn holds one note of each of
those kinds (a "works well" beside a "works less well"). The rules are the wall's
(``Wall.reveal_next_turn``, ``reveal_all``, ``hold``), and so are its refusals.
"""

from __future__ import annotations

from typing import Optional

from kiosk.core.params import FROM_PREPARED, Int, Issue, Param, Slug, Texts, got, prepared_off
from kiosk.core.refusal import Refusal
from kiosk.core.undo import Undoable, UndoLog
from kiosk.i18n import N_

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


# -- present your own: person by person ------------------------------------------------

TURNS = "meta"
"""The session file's table of single values; a present step's turn state is one doc in it."""


class TurnError(Refusal):
    """A present-your-own intent the rules refuse."""


class PresentTurns(Undoable):
    """Present your own: when the notes have authors, the step goes person by person.

    "Participant 3: two post-its, one that works well, one that works less well": the
    person whose turn it is taps which of their face-down notes to turn up, at most a
    turn's worth (``per_turn``). Whose turn it is follows from the wall itself: someone
    halfway through a turn goes on; otherwise the one with notes left who has had the
    fewest turns, by number. So undoing a reveal (the wall's undo) also gives the turn
    back. The facilitator may skip someone (they come last), bring them back, or pick
    who is next; those are stored here, undoable. Notes without a known author (written
    anonymously, or by someone since removed) are left for the turns by kind or all at
    once, as before.
    """

    def __init__(self, store, session_id: str, wall, people, step) -> None:
        self.store = store
        self.session_id = session_id
        self.wall = wall
        self.people = people
        self.step = step
        params = step.params or {}
        self.kinds = params.get("kinds") or None
        self.per_turn = int(params.get("per_turn") or _per_turn(params))
        self._undo: UndoLog[Optional[dict]] = UndoLog()

    # -- the state: skipped people and the facilitator's pick ----------------------------

    @property
    def _key(self) -> str:
        return f"turns:{self.step.id}"

    def _state(self) -> dict:
        doc = self.store.first(self.session_id, TURNS, "key", self._key) or {}
        skipped = [p for p in doc.get("skipped") or () if isinstance(p, int)]
        pick = doc.get("pick") if isinstance(doc.get("pick"), dict) else None
        return {"skipped": skipped, "pick": pick}

    def _write(self, state: dict) -> None:
        doc = self.store.first(self.session_id, TURNS, "key", self._key)
        before = None if doc is None else {"skipped": doc.get("skipped") or [], "pick": doc.get("pick")}
        with self.store.batch(self.session_id):
            if doc is None:
                self.store.insert(self.session_id, TURNS, {"key": self._key, **state})
            else:
                self.store.update(self.session_id, TURNS, doc["doc_id"], state)
        self._undo.push(before or {"skipped": [], "pick": None})

    def undo(self) -> bool:
        return self._undo.undo(self._put_back)

    def _put_back(self, before: dict) -> None:
        doc = self.store.first(self.session_id, TURNS, "key", self._key)
        with self.store.batch(self.session_id):
            self.store.update(self.session_id, TURNS, doc["doc_id"], before)

    # -- reading -----------------------------------------------------------------------

    def _mine(self, person_id: int) -> list:
        return [n for n in self.wall.notes(kinds=self.kinds) if n.author == person_id]

    def left(self, person_id: int) -> list:
        """A person's notes still face down and not held back, oldest first."""
        return [n for n in self._mine(person_id) if n.revealed is None and not n.held]

    def shown(self, person_id: int) -> int:
        """How many of a person's notes are up already."""
        return sum(1 for n in self._mine(person_id) if n.revealed is not None)

    def by_person(self) -> bool:
        """Do the notes left to present have authors on the list (present your own)?"""
        return any(n.author is not None and self.people is not None and self.people.known(n.author)
                   for n in self.wall.to_present(self.kinds))

    def skipped(self) -> list[int]:
        """The ids of the people skipped: they come last until someone brings them back."""
        return list(self._state()["skipped"])

    def waiting(self) -> list:
        """The people with notes left, in the order their turns come (skipped ones last)."""
        if self.people is None:
            return []
        skipped = self._state()["skipped"]
        out = [p for p in self.people.everyone() if self.left(p.id)]
        return sorted(out, key=lambda p: (p.id in skipped, self.shown(p.id) // self.per_turn, p.number))

    def current(self):
        """Whose turn it is (a ``Person``), or None when nobody with an author has notes left."""
        if self.people is None:
            return None
        pick = self._state()["pick"]
        if pick and self.people.known(pick.get("person")):
            person = self.people.get(pick["person"])
            if self.left(person.id) and self.shown(person.id) - int(pick.get("shown") or 0) < self.per_turn:
                return person
        waiting = self.waiting()
        halfway = [p for p in waiting if self.shown(p.id) % self.per_turn]
        return (halfway or waiting or [None])[0]

    def turn_left(self) -> int:
        """How many more notes the current person may turn up in this turn."""
        person = self.current()
        if person is None:
            return 0
        return min(len(self.left(person.id)), self.per_turn - self.shown(person.id) % self.per_turn)

    # -- intents -----------------------------------------------------------------------

    def reveal_own(self, note_ids) -> list:
        """The current person turns up the notes they tapped (the wall's undo takes it back).
        Refuses 'no_turn', 'not_your_note', 'turn_full'."""
        person = self.current()
        if person is None:
            raise TurnError("no_turn")
        ids = list(dict.fromkeys(note_ids))
        mine = {n.id for n in self.left(person.id)}
        if not ids or any(i not in mine for i in ids):
            raise TurnError("not_your_note")
        if len(ids) > self.turn_left():
            raise TurnError("turn_full")
        return self.wall.reveal(ids)

    def skip(self) -> None:
        """The current person's turn comes later (they are not ready, or stepped out)."""
        person = self.current()
        if person is None:
            raise TurnError("no_turn")
        state = self._state()
        self._write({"skipped": [p for p in state["skipped"] if p != person.id] + [person.id], "pick": None})

    def pick(self, person_id) -> None:
        """This person is next (a skipped one comes back). Refuses 'nothing_left'."""
        person = self.people.get(person_id) if self.people is not None else None
        if person is None or not self.left(person.id):
            raise TurnError("nothing_left")
        state = self._state()
        self._write({"skipped": [p for p in state["skipped"] if p != person.id],
                     "pick": {"person": person.id, "shown": self.shown(person.id)}})


TURN_REFUSALS = {
    "no_turn": N_("Everyone has presented their post-its."),
    "not_your_note": N_("Tap your own post-its: the ones picked out for this turn."),
    "turn_full": N_("That is a whole turn. The next person goes now."),
    "nothing_left": N_("That person has no post-its left to present."),
}


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
    refusals=TURN_REFUSALS,
    order=40,
)
