"""Who is in the room: a session's participants and table groups (DESIGN.md §4).

The guides have people work in parallel: each writes their own post-its and presents
their own, and several methods split the room into table groups of 2–6. The kiosk
needs to know no more than that, so a participant is a number ("Participant 3") and,
only if the group wants, a first name; the table they sit at is a number too.

A participant's id is the store's document id and is never handed out again, so a
note's ``author`` always means the same person. Their ``number`` is what the room
sees; a removed participant's number is free for the next one. Removing someone never
touches their notes: a note whose author is removed counts as anonymous everywhere
(``present`` no longer gives them a turn, ``write`` no longer counts them short).

``People`` is a controller in the style of ``kiosk.core.wall.Wall``: an intent is
checked first (a refusal is a ``PeopleError`` and changes nothing), written in one
``store.batch``, and only then does memory change; ``undo`` puts back what the last
change replaced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

from kiosk.i18n import N_

from .record import Record, reader
from .refusal import Refusal
from .undo import Undoable, UndoLog

PEOPLE = "people"
"""The per-session store table of participants."""
META = "meta"
"""The session file's table of single values (shared with the statuspil's next meeting)."""
TABLES_KEY = "tables"

PEOPLE_MAX = 200
"""A whole workplace in a hall is the most a wall can serve; more is a typo."""
TABLES_MAX = 40
"""Table groups: 200 people in fives."""
NAME_MAX = 40
"""A first name, or what a person wants to be called; not a sentence."""


class PeopleError(Refusal):
    """An intent about the participants that the rules refuse; ``reason`` keys the message."""


def _name(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _table(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


@dataclass(frozen=True)
class Person(Record):
    """One participant; ``id`` is the store's document id (a note's ``author``)."""

    ID_FIELD = "id"

    id: int
    number: int = 0
    """What the room calls them when they have no name: "Participant <number>"."""
    name: str = field(default="", metadata=reader(_name))
    """A first name, only if the person gives one; "" keeps them anonymous."""
    table: Optional[int] = field(default=None, metadata=reader(_table))
    """The table group they sit at (1, 2, …); None before the count-off."""
    removed: bool = False


def label(person: Person, t: Callable[[str], str] = lambda s: s) -> str:
    """What the screen calls a participant: their name, or "Participant 3" in ``t``'s language."""
    return person.name or t(N_("Participant {n}")).format(n=person.number)


def clean_name(value: Any) -> str:
    """A participant's name as stored: single-spaced, at most ``NAME_MAX``; "" is anonymous."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PeopleError("name_bad")
    text = _name(value)
    if len(text) > NAME_MAX:
        raise PeopleError("person_name_long")
    return text


def check_count(count: Any) -> int:
    """How many are here, as the team screen asks before the session exists (``set_count``
    checks the same); refuses 'count_range' (0–``PEOPLE_MAX``)."""
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= PEOPLE_MAX:
        raise PeopleError("count_range")
    return count


def count_tables(people: int, size: tuple[int, ...] = (), tables: Optional[int] = None) -> int:
    """How many table groups a count-off makes: ``tables`` as asked, else from the method's
    ``size`` (least, most): as few tables as keep every table at most ``most``.

    A room smaller than the method's group is one table (the screen says so); more tables
    than people is refused, since a table nobody sits at is not a group."""
    if people < 1:
        raise PeopleError("no_people")
    if tables is not None:
        if isinstance(tables, bool) or not isinstance(tables, int) or tables < 1 or tables > TABLES_MAX:
            raise PeopleError("tables_range")
        if tables > people:
            raise PeopleError("more_tables_than_people")
        return tables
    if not size:
        return 1
    most = max(1, size[-1])
    return max(1, min(TABLES_MAX, math.ceil(people / most)))


def seat(ids: list[int], tables: int, *, in_order: bool) -> dict[int, int]:
    """person id → table: sizes differ by at most one. ``in_order``: the first people at
    table 1, the next at table 2 (as a row counts off by walking); otherwise round the
    tables (1, 2, 3, 1, 2, 3), which with shuffled ids is a random split."""
    out: dict[int, int] = {}
    if in_order:
        base, extra = divmod(len(ids), tables)
        i = 0
        for t in range(1, tables + 1):
            size = base + (1 if t <= extra else 0)
            for pid in ids[i:i + size]:
                out[pid] = t
            i += size
    else:
        for i, pid in enumerate(ids):
            out[pid] = i % tables + 1
    return out


def live_people(store, session_id: str) -> list[Person]:
    """The session's participants as stored, without a controller (for rules that only read:
    a write step's shortfall, the export's counts)."""
    people = [Person.from_dict(d) for d in store.all(session_id, PEOPLE)]
    return sorted((p for p in people if not p.removed), key=lambda p: p.number)


class People(Undoable):
    """The participants and table groups of one session, over the store's "people" table."""

    def __init__(self, store, session_id: str, clock=None) -> None:
        self.store = store
        self.session_id = session_id
        self.clock = clock
        self._people: dict[int, Person] = {}
        self._tables = 0
        self._tables_doc: Optional[int] = None
        self._undo: UndoLog[tuple[list[tuple[int, Optional[Person]]], Optional[int]]] = UndoLog()
        self.reload()

    def reload(self) -> None:
        """Read them again from the store (the undo history describes what was before)."""
        self._people = {d["doc_id"]: Person.from_dict(d) for d in self.store.all(self.session_id, PEOPLE)}
        doc = self.store.first(self.session_id, META, "key", TABLES_KEY)
        self._tables_doc = None if doc is None else doc["doc_id"]
        value = None if doc is None else doc.get("value")
        self._tables = value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
        self._undo.clear()

    # -- reading -----------------------------------------------------------------------

    def everyone(self) -> list[Person]:
        """The participants in the room, by number."""
        return sorted((p for p in self._people.values() if not p.removed), key=lambda p: p.number)

    def __len__(self) -> int:
        return len(self.everyone())

    def get(self, person_id: Any) -> Person:
        """A participant in the room; refuses 'unknown_person' (never one, or removed)."""
        person = self._people.get(person_id) if _table(person_id) else None
        if person is None or person.removed:
            raise PeopleError("unknown_person")
        return person

    def known(self, person_id: Any) -> bool:
        """Is this a participant in the room (a removed one's notes are anonymous)?"""
        person = self._people.get(person_id) if _table(person_id) else None
        return person is not None and not person.removed

    @property
    def tables(self) -> int:
        """How many table groups the room is split into (0: not split)."""
        return self._tables

    def members(self, table: int) -> list[Person]:
        """Who sits at a table, by number (an empty table is an empty list)."""
        return [p for p in self.everyone() if p.table == table]

    def table_of(self, person_id: Any) -> Optional[int]:
        return self.get(person_id).table if self.known(person_id) else None

    def unseated(self) -> list[Person]:
        """Participants at no table (added after the count-off)."""
        return [p for p in self.everyone() if p.table is None or p.table > self._tables]

    # -- the one way to change them ------------------------------------------------------

    def _change(self, people: list[Person], tables: Optional[int] = None, undoable: bool = True) -> None:
        """Write the changed participants (new ones have id 0) and the table count in one
        batch; memory and the undo log change only after it is stored. Not ``undoable``:
        a change that is not the facilitator's (a phone joined), which the People panel's
        Undo must never take back in place of the facilitator's own last change."""
        before: list[tuple[int, Optional[Person]]] = []
        after: dict[int, Person] = {}
        old_tables = self._tables
        with self.store.batch(self.session_id):
            for person in people:
                if person.id == 0:
                    doc = person.to_dict()
                    new_id = self.store.insert(self.session_id, PEOPLE, doc)
                    after[new_id] = replace(person, id=new_id)
                    before.append((new_id, None))
                elif self._people.get(person.id) != person:
                    self.store.update(self.session_id, PEOPLE, person.id, person.to_dict())
                    after[person.id] = person
                    before.append((person.id, self._people.get(person.id)))
            if tables is not None and tables != old_tables:
                self._write_tables(tables)
        if not before and (tables is None or tables == old_tables):
            return
        self._people.update(after)
        if tables is not None:
            self._tables = tables
        if undoable:
            self._undo.push((before, old_tables if tables is not None and tables != old_tables else None))

    def _write_tables(self, tables: int) -> None:
        if self._tables_doc is None:
            self._tables_doc = self.store.insert(self.session_id, META, {"key": TABLES_KEY, "value": tables})
        else:
            self.store.update(self.session_id, META, self._tables_doc, {"value": tables})

    def undo(self) -> bool:
        return self._undo.undo(self._put_back)

    def _put_back(self, entry: tuple[list[tuple[int, Optional[Person]]], Optional[int]]) -> None:
        before, tables = entry
        back = {pid: old if old is not None else replace(self._people[pid], removed=True)
                for pid, old in before}
        with self.store.batch(self.session_id):
            for pid, old in back.items():
                self.store.update(self.session_id, PEOPLE, pid, old.to_dict())
            if tables is not None:
                self._write_tables(tables)
        self._people.update(back)
        if tables is not None:
            self._tables = tables

    # -- intents -----------------------------------------------------------------------

    def set_count(self, count: Any) -> list[Person]:
        """How many are here: new participants get the lowest free numbers; fewer removes
        the highest-numbered ones without a name (their notes stay, anonymous). Refuses
        'count_range' (0–``PEOPLE_MAX``) and 'named_left' when only named people could go."""
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= PEOPLE_MAX:
            raise PeopleError("count_range")
        here = self.everyone()
        if count > len(here):
            taken = {p.number for p in here}
            numbers = [n for n in range(1, PEOPLE_MAX + 1) if n not in taken][:count - len(here)]
            self._change([Person(id=0, number=n) for n in numbers])
        elif count < len(here):
            leaving = [p for p in reversed(here) if not p.name][:len(here) - count]
            if len(leaving) < len(here) - count:
                raise PeopleError("named_left")
            tables = min(self._tables, count) if self._tables else None
            self._change([replace(p, removed=True) for p in leaving], tables=tables)
        return self.everyone()

    def split(self, *, tables: Optional[int] = None, size: tuple[int, ...] = (), rng=None) -> int:
        """Today's count-off: everyone in the room to a table, ``tables`` of them or as many
        as the method's ``size`` asks, else as many as now. With ``rng`` (random.Random) at
        random, else in order of number. Returns the number of tables."""
        here = self.everyone()
        if tables is None and not size and 0 < self._tables <= len(here):
            tables = self._tables  # counting off again keeps the tables
        count = count_tables(len(here), size, tables)
        ids = [p.id for p in here]
        if rng is not None:
            rng.shuffle(ids)
        seats = seat(ids, count, in_order=rng is None)
        self._change([replace(p, table=seats[p.id]) for p in here], tables=count)
        return count

    def unsplit(self) -> None:
        """Back to one room (no tables)."""
        self._change([replace(p, table=None) for p in self.everyone()], tables=0)

    def move(self, person_id: Any, table: Any) -> Person:
        """Seat someone at another table (mid-step too: the notes they wrote stay with the
        table they wrote them at). Refuses 'unknown_person', 'unknown_table'."""
        person = self.get(person_id)
        if _table(table) is None or table > self._tables:
            raise PeopleError("unknown_table")
        moved = replace(person, table=table)
        self._change([moved])
        return moved

    def add_table(self) -> int:
        """One more, empty table (someone starts a new group); refuses 'tables_range'."""
        if self._tables >= TABLES_MAX or self._tables >= len(self.everyone()):
            raise PeopleError("more_tables_than_people" if self._tables else "tables_range")
        self._change([], tables=self._tables + 1)
        return self._tables

    def add(self, name: Any = "", table: Any = None, *, undoable: bool = True) -> Person:
        """One more participant (someone came late), at ``table`` or none until seated.
        Refuses 'count_range', 'unknown_table'."""
        here = self.everyone()
        if len(here) >= PEOPLE_MAX:
            raise PeopleError("count_range")
        if table is not None and (_table(table) is None or table > self._tables):
            raise PeopleError("unknown_table")
        name = clean_name(name)
        taken = {p.number for p in here}
        number = next(n for n in range(1, PEOPLE_MAX + 2) if n not in taken)
        self._change([Person(id=0, number=number, name=name, table=table)], undoable=undoable)
        return max((p for p in self.everyone() if p.number == number), key=lambda p: p.id)

    def rename(self, person_id: Any, name: Any) -> Person:
        """Give a participant a first name, or take it away ("")."""
        person = self.get(person_id)
        renamed = replace(person, name=clean_name(name))
        self._change([renamed])
        return renamed

    def remove(self, person_id: Any, *, undoable: bool = True) -> Person:
        """Take someone off the list: their notes stay on the wall, anonymous."""
        person = self.get(person_id)
        gone = replace(person, removed=True)
        self._change([gone], undoable=undoable)
        return gone


REFUSALS = {
    "count_range": N_("Between 0 and 200 people can take part."),
    "named_left": N_("Take the named people off one by one: tap a name, then Remove."),
    "name_bad": N_("That is not a name."),
    "person_name_long": N_("A name is at most 40 characters. A first name is enough."),
    "no_people": N_("Say how many people are here first."),
    "tables_range": N_("That many tables do not fit on the wall."),
    "more_tables_than_people": N_("There are more tables than people. Choose fewer tables."),
    "unknown_person": N_("That participant is no longer on the list."),
    "unknown_table": N_("There is no such table."),
}
"""The participants' refusal reasons → the message the screen shows."""
