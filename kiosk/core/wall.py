"""The wall: the one set of notes a session owns (DESIGN.md §4).

Every step is a lens on the same notes: writing makes them, presenting turns them
face up, grouping stacks them into clusters, sorting gives them a column, the
matrix a spot, choosing carries them on to the actions. A note is never copied; a
step only sets its own facet.

What sort, vote and matrix act on are *items*: the clusters, plus the notes that
sit in no cluster. A cluster carries the facets of its notes (column, matrix spot,
chosen); a note inside a cluster keeps none of its own, so there is one truth.

``Wall`` is the controller, in the style of ``Workshop``: an intent is checked
first (a refusal is a ``WallError`` and changes nothing), written in one
``store.batch`` (all or nothing, one file write), and only then does memory — what
the screen shows — change. Each change remembers the documents as they were
before it, so ``undo`` can put exactly those back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Optional, Union

from kiosk.i18n import N_

from .record import Record, as_is, once, reader, text_or_none
from .refusal import Refusal
from .undo import Undoable, UndoLog

NOTES = "notes"
CLUSTERS = "clusters"

PARKING = "parking"
"""The column id of the parking lot (P-plads): matters, but not now."""

NOTE_MAX = 140
SEEDED = "item"
"""The kind of the notes a method puts on the wall itself (``Wall.seed``)."""
"""The catalogue's default for write.max_length; a method may set 10–500."""
NAME_MAX = 60
"""A cluster name is a heading on a post-it, not a sentence."""

Point = tuple[float, float]


class WallError(Refusal):
    """An intent the wall refuses; ``reason`` (also str(e)) is a key for the screen's message."""


# -- values --------------------------------------------------------------------------------

def whole_or_none(value: Any) -> Optional[int]:
    """A stored participant or group number; anything else reads as unknown (None)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _keys(value: Any) -> tuple[str, ...]:
    """Stored item keys (map links); anything unreadable is left out, never a crash."""
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(k for k in value if isinstance(k, str)))


@dataclass(frozen=True)
class Note(Record):
    """One post-it. ``id`` is its document id in the store's "notes" table."""

    ID_FIELD = "id"

    id: int
    kind: str = ""
    text: str = ""
    step: str = ""
    """The id of the step it was written in (or prepared for)."""
    created_at: float = 0.0
    face_down: bool = False
    held: bool = False
    """The facilitator holds it back: turns and reveal-all pass it by."""
    revealed: Optional[int] = None
    """Its place in the order the notes were presented (1, 2, …); None: not yet presented."""
    cluster: Optional[int] = None
    column: Optional[str] = field(default=None, metadata=reader(as_is))
    """A sort column id, PARKING, or None (unsorted); only for notes in no cluster."""
    pos: Optional[Point] = None
    """Where it sits on the group board, (x, y) in 0..1; None: wherever the board lays it out."""
    matrix: Optional[Point] = None
    """Its spot on the matrix, (influence, importance) in 0..1; None: not placed."""
    chosen: bool = False
    """Carried on to the next step (matrix, actions)."""
    deleted: bool = False
    """Soft delete, so undo can bring it back."""
    card: Optional[str] = None
    """A statement card it was drawn from ("deck:index", or "joker"), see cards.py."""
    year: Optional[int] = None
    """The year it sits on in a timeline step; None: not placed (see timeline.py)."""
    map_at: Optional[Point] = None
    """Its spot on the map around a central theme (kiosk.core.activities.map), (x, y) in 0..1; None: not placed."""
    links: tuple[str, ...] = field(default=(), metadata=reader(_keys))
    """Map links from this item to others (item keys); a link to an item gone from the wall is not shown."""
    signup: Optional[str] = field(default=None, metadata=reader(text_or_none))
    """A sign-up (kiosk.core.activities.signup): this note is a person's name on the theme with this item key.
    Such notes are names, not topics: ``notes()`` and ``items()`` leave them out (see ``signups``)."""
    author: Optional[int] = field(default=None, metadata=once(whole_or_none))
    """The participant who wrote it (``kiosk.core.people``), when known. Never shown on the wall
    or in an export: it only lets that person present their own notes."""
    group: Optional[int] = field(default=None, metadata=once(whole_or_none))
    """The table group it belongs to (1, 2, …), when it was made in a table-group step:
    that group's lane. None: the whole room's."""

    @property
    def key(self) -> str:
        return note_key(self.id)



@dataclass(frozen=True)
class Cluster(Record):
    """Notes stacked onto each other as one theme; its notes point at it (``Note.cluster``)."""

    ID_FIELD = "id"

    id: int
    name: str = ""
    column: Optional[str] = field(default=None, metadata=reader(as_is))
    pos: Optional[Point] = None
    matrix: Optional[Point] = None
    chosen: bool = False
    deleted: bool = False
    map_at: Optional[Point] = None
    links: tuple[str, ...] = field(default=(), metadata=reader(_keys))
    group: Optional[int] = field(default=None, metadata=once(whole_or_none))
    """The table group whose lane it is in (its notes' group)."""

    @property
    def key(self) -> str:
        return cluster_key(self.id)



Item = Union[Note, Cluster]


def note_key(note_id: int) -> str:
    return f"n{note_id}"


def cluster_key(cluster_id: int) -> str:
    return f"c{cluster_id}"


def parse_key(key: Any) -> tuple[str, int]:
    """``"n12"`` → ``("n", 12)``; anything else is 'unknown_item'."""
    if isinstance(key, str) and len(key) > 1 and key[0] in "nc" and key[1:].isdigit() and key[1:].isascii():
        return key[0], int(key[1:])
    raise WallError("unknown_item")


# -- small pure rules ----------------------------------------------------------------------

def clean_text(text: Any, max_length: int = NOTE_MAX) -> str:
    """A note's text as stored: trimmed at both ends (inner line breaks are the writer's)."""
    if not isinstance(text, str):
        raise WallError("note_empty")
    text = text.strip()
    if not text:
        raise WallError("note_empty")
    if len(text) > max_length:
        raise WallError("note_long")
    return text


def chars_left(text: str, max_length: int = NOTE_MAX) -> int:
    """The counter under the keyboard: negative once over (the save then refuses)."""
    return max_length - len((text or "").strip())


def clean_name(name: Any) -> str:
    """A cluster name: trimmed, single-spaced; empty means unnamed."""
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if len(text) > NAME_MAX:
        raise WallError("name_long")
    return text


def clamp(value: float, lo: float = 0.0, hi: float = 1.0) -> float:
    """A finger dragged past the edge still lands on the edge."""
    return float(min(hi, max(lo, value)))


def clean_point(x: Any, y: Any) -> Point:
    """(x, y) clamped to 0..1; not a number at all (NaN, text) is 'bad_position'."""
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v):
            raise WallError("bad_position")
    return (clamp(x), clamp(y))


def sort_columns(params: dict) -> list[str]:
    """The column ids a sort step accepts: its columns, plus PARKING if it has a parking lot."""
    ids = [c["id"] for c in params.get("columns", [])]
    return ids + [PARKING] if params.get("parking_lot") and PARKING not in ids else ids


# -- the controller ------------------------------------------------------------------------

class _Change:
    """The documents one intent touches, written inside one batch as it goes.

    ``before`` keeps each touched document as it was (None: it is new), in the order
    first touched, which is all undo needs.
    """

    def __init__(self, wall: Wall) -> None:
        self.wall = wall
        self.notes: dict[int, Note] = {}
        self.clusters: dict[int, Cluster] = {}
        self.before: list[tuple[str, int, Optional[Item]]] = []

    def note(self, note_id: int) -> Note:
        return self.notes.get(note_id) or self.wall._notes[note_id]

    def cluster(self, cluster_id: int) -> Cluster:
        return self.clusters.get(cluster_id) or self.wall._clusters[cluster_id]

    def members(self, cluster_id: int) -> list[Note]:
        """The live notes of a cluster as this change has them so far."""
        ids = set(self.wall._notes) | set(self.notes)
        return [n for n in (self.note(i) for i in sorted(ids))
                if n.cluster == cluster_id and not n.deleted]

    def put(self, item: Item) -> Item:
        table, mine, known = ((NOTES, self.notes, self.wall._notes) if isinstance(item, Note)
                              else (CLUSTERS, self.clusters, self.wall._clusters))
        current = mine.get(item.id) or known.get(item.id)
        if current == item:
            return item
        if item.id not in mine:
            self.before.append((table, item.id, known.get(item.id)))
        self.wall.store.update(self.wall.session_id, table, item.id, item.to_dict())
        mine[item.id] = item
        return item

    def insert_note(self, **facets: Any) -> Note:
        doc = Note(id=0, **facets).to_dict()
        new_id = self.wall.store.insert(self.wall.session_id, NOTES, doc)
        note = Note.from_dict({**doc, "doc_id": new_id})
        self.before.append((NOTES, new_id, None))
        self.notes[new_id] = note
        return note

    def insert_cluster(self, **facets: Any) -> Cluster:
        doc = Cluster(id=0, **facets).to_dict()
        new_id = self.wall.store.insert(self.wall.session_id, CLUSTERS, doc)
        cluster = Cluster.from_dict({**doc, "doc_id": new_id})
        self.before.append((CLUSTERS, new_id, None))
        self.clusters[new_id] = cluster
        return cluster

    # -- moves that keep the "a cluster has two or more notes" rule ----------------------

    def join(self, note: Note, cluster_id: int, *, dissolve: bool = True) -> None:
        """The note goes into the cluster; its own item facets go (the cluster carries them)."""
        old = note.cluster
        self.put(replace(note, cluster=cluster_id, column=None, matrix=None, chosen=False))
        if dissolve and old is not None and old != cluster_id:
            self.dissolve_if_small(old)

    def dissolve_if_small(self, cluster_id: int) -> None:
        """A cluster of fewer than two notes is no theme: its last note takes its place."""
        left = self.members(cluster_id)
        if len(left) >= 2:
            return
        cluster = self.cluster(cluster_id)
        for n in left:
            self.put(replace(n, cluster=None, column=cluster.column, matrix=cluster.matrix,
                             chosen=cluster.chosen, pos=cluster.pos or n.pos))
        self.put(replace(cluster, deleted=True))


class Wall(Undoable):
    """The notes and clusters of one session, over the store's "notes" and "clusters" tables."""

    def __init__(self, store, session_id: str, clock) -> None:
        self.store = store
        self.session_id = session_id
        self.clock = clock
        self._notes: dict[int, Note] = {}
        self._clusters: dict[int, Cluster] = {}
        self._undo: UndoLog[list[tuple[str, int, Optional[Item]]]] = UndoLog()
        self.reload()

    def reload(self) -> None:
        """Read the wall from the store again (after something else wrote to it).

        The undo history is dropped: it describes a wall that may no longer be there.
        """
        self._notes = {d["doc_id"]: Note.from_dict(d) for d in self.store.all(self.session_id, NOTES)}
        self._clusters = {d["doc_id"]: Cluster.from_dict(d)
                          for d in self.store.all(self.session_id, CLUSTERS)}
        self._undo.clear()

    # -- the one way to change the wall ----------------------------------------------------

    def _commit(self, change: _Change) -> None:
        """After the batch is on disk: show it, and remember how to take it back."""
        self._notes.update(change.notes)
        self._clusters.update(change.clusters)
        if change.before:
            self._undo.push(change.before)

    def _change(self, build) -> Any:
        """Run ``build(change)`` in one batch; memory changes only if the write succeeded."""
        change = _Change(self)
        with self.store.batch(self.session_id):  # a refusal or StoreError inside rolls back
            result = build(change)
        self._commit(change)
        return result

    def undo(self) -> bool:
        """Put back the documents the last change touched; False if there is nothing to undo.

        Written in one batch like any change; a failed write keeps it on the stack.
        """
        return self._undo.undo(self._put_back)

    def _put_back(self, before: list[tuple[str, int, Optional[Item]]]) -> None:
        back: dict[tuple[str, int], Item] = {}
        for table, doc_id, old in before:
            if old is None:  # it was new: soft-deleted, so its id is never handed out again
                old = replace((self._notes if table == NOTES else self._clusters)[doc_id], deleted=True)
            back[(table, doc_id)] = old
        with self.store.batch(self.session_id):
            for (table, doc_id), old in back.items():
                self.store.update(self.session_id, table, doc_id, old.to_dict())
        for (table, doc_id), old in back.items():
            (self._notes if table == NOTES else self._clusters)[doc_id] = old

    # -- lookups that refuse ---------------------------------------------------------------

    def _note(self, note_id: Any) -> Note:
        ok = isinstance(note_id, int) and not isinstance(note_id, bool)
        note = self._notes.get(note_id) if ok else None
        if note is None or note.deleted:
            raise WallError("unknown_note")
        return note

    def _cluster(self, cluster_id: int) -> Cluster:
        cluster = self._clusters.get(cluster_id)
        if cluster is None or cluster.deleted:
            raise WallError("unknown_item")
        return cluster

    def item(self, key: str) -> Item:
        """A note or cluster by key ("n12", "c3"), live ones only."""
        kind, number = parse_key(key)
        if kind == "c":
            return self._cluster(number)
        note = self._notes.get(number)
        if note is None or note.deleted:
            raise WallError("unknown_item")
        return note

    def _item_of_wall(self, key: str) -> Item:
        """An item that sort, vote and matrix may act on: not a note inside a cluster."""
        item = self.item(key)
        if isinstance(item, Note) and item.cluster is not None:
            raise WallError("in_cluster")
        return item

    # -- write -----------------------------------------------------------------------------

    def add_note(self, kind: str, text: str, *, step: str, face_down: bool = False,
                 max_length: int = NOTE_MAX, kinds: Optional[Iterable[str]] = None,
                 card: Optional[str] = None, year: Optional[int] = None,
                 author: Optional[int] = None, group: Optional[int] = None) -> Note:
        """A new post-it; ``kinds`` (the step's kind ids), if given, must hold ``kind``.
        ``card`` and ``year`` are the cards and timeline steps' facets (checked there);
        ``author`` and ``group`` who wrote it and in which table group (checked by
        ``kiosk.core.activities.write.add_note`` against the session's people)."""
        if not isinstance(kind, str) or not kind or (kinds is not None and kind not in list(kinds)):
            raise WallError("unknown_kind")
        for number in (author, group):
            if number is not None and whole_or_none(number) is None:
                raise WallError("bad_number")
        text = clean_text(text, max_length)
        now = float(self.clock.now())
        return self._change(lambda c: c.insert_note(
            kind=kind, text=text, step=step, created_at=now, face_down=bool(face_down),
            card=card, year=year, author=author, group=group))

    def seed(self, step: str, texts: Iterable[str], *, kind: str = SEEDED,
             group: Optional[int] = None) -> list[Note]:
        """A step's own items on the wall (a sort step's puzzle pieces, e.g. NED's 16
        factors), put there the first time the step opens and never again: a piece the
        group deleted stays deleted. Part of the method, not of what the group did, so
        there is nothing to undo. In a table-group step each ``group`` gets its own set
        (each NED table sorts its own puzzle)."""
        have = [n for _, n in sorted(self._notes.items())
                if n.step == step and n.kind == kind and n.group == group]
        if have:
            return [n for n in have if not n.deleted]
        texts = [clean_text(t) for t in texts]
        now = float(self.clock.now())

        def build(c: _Change) -> list[Note]:
            out = [c.insert_note(kind=kind, text=t, step=step, created_at=now, group=group) for t in texts]
            c.before = []
            return out

        return self._change(build)

    def seeded(self, step: str, *, kind: str = SEEDED, group: Any = ...) -> list[Note]:
        """The live items a step seeded, in the method's order (``group=``: one lane's)."""
        return [n for n in self.notes(kinds=[kind], group=group) if n.step == step]

    def set_year(self, note_id: int, year: Optional[int]) -> Note:
        """Put a note on a year of the timeline (None takes it off); the timeline step
        checks the year is in its span (``kiosk.core.activities.timeline``)."""
        note = self._note(note_id)
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise WallError("bad_year")
        return self._change(lambda c: c.put(replace(note, year=year)))

    def edit_text(self, note_id: int, text: str, *, max_length: int = NOTE_MAX) -> Note:
        note = self._note(note_id)
        text = clean_text(text, max_length)
        return self._change(lambda c: c.put(replace(note, text=text)))

    def delete_note(self, note_id: int) -> Note:
        """Take a note off the wall (undo brings it back); a cluster left with one note dissolves."""
        note = self._note(note_id)

        def build(c: _Change) -> Note:
            gone = c.put(replace(note, deleted=True, cluster=None))
            if note.cluster is not None:
                c.dissolve_if_small(note.cluster)
            return gone
        return self._change(build)

    # -- present ---------------------------------------------------------------------------

    def _next_order(self) -> int:
        return 1 + max((n.revealed or 0 for n in self._notes.values()), default=0)

    def _turn_face_up(self, c: _Change, notes: list[Note]) -> list[Note]:
        order = self._next_order()
        out = []
        for i, n in enumerate(notes):
            out.append(c.put(replace(n, face_down=False, held=False, revealed=order + i)))
        return out

    def to_present(self, kinds: Optional[Iterable[str]] = None) -> list[Note]:
        """Notes not yet presented and not held back, oldest first."""
        wanted = None if kinds is None else set(kinds)
        return [n for n in self.notes() if n.revealed is None and not n.held
                and (wanted is None or n.kind in wanted)]

    def reveal(self, note_ids: Iterable[int]) -> list[Note]:
        """Present these notes now (the facilitator's pick; a held one is let go). Already
        presented ones are skipped; returns the notes turned."""
        notes = [self._note(i) for i in note_ids]
        fresh: dict[int, Note] = {n.id: n for n in notes if n.revealed is None}
        if not fresh:
            return []
        return self._change(lambda c: self._turn_face_up(c, list(fresh.values())))

    def reveal_next_turn(self, per_turn: int = 2, pair_by: Optional[Iterable[str]] = None, *,
                         kinds: Optional[Iterable[str]] = None, rng=None) -> list[Note]:
        """One turn of presenting: one note of each ``pair_by`` kind while there are any
        (one good, one less good), the rest of the turn filled from what is left.

        Oldest first, or picked by ``rng`` (random.Random) so the order tells nothing.
        Refuses 'nothing_to_reveal' when every note is up or held back.
        """
        if not isinstance(per_turn, int) or per_turn < 1:
            raise WallError("bad_turn")
        left = self.to_present(kinds)
        if not left:
            raise WallError("nothing_to_reveal")

        def take(pool: list[Note]) -> Note:
            note = pool[rng.randrange(len(pool))] if rng is not None else pool[0]
            left.remove(note)
            return note
        turn: list[Note] = []
        for kind in pair_by or ():
            of_kind = [n for n in left if n.kind == kind]
            if of_kind and len(turn) < per_turn:
                turn.append(take(of_kind))
        while left and len(turn) < per_turn:
            turn.append(take(left))
        return self._change(lambda c: self._turn_face_up(c, turn))

    def reveal_all(self, rng, *, kinds: Optional[Iterable[str]] = None) -> list[Note]:
        """Turn every note not held back face up, in shuffled order, so neither the order
        on the wall nor the reveal numbers tell whose note is whose."""
        left = self.to_present(kinds)
        if not left:
            raise WallError("nothing_to_reveal")
        rng.shuffle(left)
        return self._change(lambda c: self._turn_face_up(c, left))

    def hold(self, note_id: int, held: bool = True) -> Note:
        """Hold a note back from presenting (or let it go again); only before it is shown."""
        note = self._note(note_id)
        if note.revealed is not None:
            raise WallError("already_revealed")
        return self._change(lambda c: c.put(replace(note, held=bool(held))))

    # -- group -----------------------------------------------------------------------------

    def move(self, key: str, x: float, y: float) -> Item:
        """Where a note or cluster sits on the group board (clamped to the wall)."""
        item = self.item(key)
        pos = clean_point(x, y)
        return self._change(lambda c: c.put(replace(item, pos=pos)))

    def group(self, key: str, onto_key: str, *, across: bool = False) -> Cluster:
        """Drop one item onto another; returns the cluster they now share.

        Note onto note: a new cluster of both. Onto a cluster (or onto a note in one):
        the note joins it. Cluster onto cluster: the dropped cluster's notes join the
        target and the emptied cluster goes. The item dropped onto stays where it was
        with its column, matrix spot and chosen mark; the dropped one's are given up.
        """
        if key == onto_key:
            raise WallError("same_item")
        dragged = self.item(key)
        target = self.item(onto_key)
        if isinstance(target, Note) and target.cluster is not None:
            target = self._cluster(target.cluster)  # a note in a stack stands for its stack
        if isinstance(dragged, Cluster) and isinstance(target, Cluster) and dragged.id == target.id:
            raise WallError("same_item")  # a stack dropped onto one of its own notes
        if isinstance(dragged, Note) and isinstance(target, Cluster) and dragged.cluster == target.id:
            return target  # already there: a drop back onto its own stack changes nothing
        if dragged.group != target.group and not across:
            raise WallError("other_group")  # each table group stacks its own notes
        # ``across``: the plenary brings the tables together (NED's like actions from every
        # table in one stack); a stack of several tables' notes is the room's (group None)
        lane = target.group if dragged.group == target.group else None

        def build(c: _Change) -> Cluster:
            if isinstance(target, Cluster):
                cluster = target
                movers = [dragged] if isinstance(dragged, Note) else c.members(dragged.id)
            elif isinstance(dragged, Cluster):  # a stack dropped onto a plain note takes its place
                cluster = c.put(replace(dragged, pos=target.pos, column=target.column,
                                        matrix=target.matrix, chosen=target.chosen))
                movers = [target]
            else:
                cluster = c.insert_cluster(pos=target.pos, column=target.column,
                                           matrix=target.matrix, chosen=target.chosen, group=lane)
                movers = [target, dragged]
            merging = isinstance(dragged, Cluster) and dragged.id != cluster.id
            for n in movers:  # a merge empties the dropped stack on purpose: no dissolving
                c.join(c.note(n.id), cluster.id, dissolve=not merging)
            if merging:
                c.put(replace(c.cluster(dragged.id), deleted=True))
            return c.cluster(cluster.id)
        return self._change(build)

    def ungroup(self, note_id: int, *, at: Optional[Point] = None) -> Note:
        """Drag a note out of its cluster (to ``at``, else where the cluster is).

        It stays in the cluster's sort column but is neither placed on the matrix nor
        chosen: it is a theme of its own now. A cluster left with one note dissolves,
        and that note takes over the cluster's column, matrix spot and chosen mark.
        """
        note = self._note(note_id)
        if note.cluster is None:
            raise WallError("not_in_cluster")
        cluster = self._cluster(note.cluster)
        pos = clean_point(*at) if at is not None else (cluster.pos or note.pos)

        def build(c: _Change) -> Note:
            c.put(replace(note, cluster=None, column=cluster.column, matrix=None, chosen=False, pos=pos))
            c.dissolve_if_small(cluster.id)
            return c.note(note.id)
        return self._change(build)

    def name_cluster(self, cluster_id: int, name: str) -> Cluster:
        cluster = self._cluster(cluster_id)
        name = clean_name(name)
        return self._change(lambda c: c.put(replace(cluster, name=name)))

    # -- sort, matrix, choose --------------------------------------------------------------

    def sort(self, key: str, column: Optional[str], *, columns: Iterable[str]) -> Item:
        """Put an item in one of the step's columns (``sort_columns``); None takes it out."""
        item = self._item_of_wall(key)
        if column is not None and column not in list(columns):
            raise WallError("unknown_column")
        return self._change(lambda c: c.put(replace(item, column=column)))

    def place(self, key: str, x: float, y: float) -> Item:
        """Put an item on the matrix: x = our own influence, y = importance (see matrix.py)."""
        item = self._item_of_wall(key)
        spot = clean_point(x, y)
        return self._change(lambda c: c.put(replace(item, matrix=spot)))

    def unplace(self, key: str) -> Item:
        item = self._item_of_wall(key)
        return self._change(lambda c: c.put(replace(item, matrix=None)))

    def choose(self, key: str, chosen: bool = True, *, pick_max: Optional[int] = None) -> Item:
        """Mark an item to carry on (or not); more than ``pick_max`` is 'too_many_chosen'."""
        item = self._item_of_wall(key)
        if chosen and not item.chosen and pick_max is not None and len(self.chosen()) >= pick_max:
            raise WallError("too_many_chosen")
        return self._change(lambda c: c.put(replace(item, chosen=bool(chosen))))

    def carry_forward(self, keys: Iterable[str], *, ballot: Optional[Iterable[str]] = None,
                      rest_to_parking: bool = False) -> list[Item]:
        """A vote's result in one undoable change: the winners chosen, the rest of the
        ballot (default: every item) not, and with ``rest_to_parking`` parked."""
        winners = [self._item_of_wall(k) for k in keys]
        won = {w.key for w in winners}
        on_ballot = self.items() if ballot is None else [self._item_of_wall(k) for k in ballot]
        others = [i for i in on_ballot if i.key not in won]

        def build(c: _Change) -> list[Item]:
            out = [c.put(replace(w, chosen=True)) for w in winners]
            for i in others:
                c.put(replace(i, chosen=False, column=PARKING if rest_to_parking else i.column))
            return out
        return self._change(build)

    # -- reading ---------------------------------------------------------------------------

    def notes(self, *, kinds: Optional[Iterable[str]] = None, group: Any = ...) -> list[Note]:
        """Live notes, oldest first (sign-ups, which are names and not topics, are left out:
        see ``signups``); ``group=`` only one table group's lane (None: the room's own)."""
        wanted = None if kinds is None else set(kinds)
        return [n for _, n in sorted(self._notes.items())
                if not n.deleted and n.signup is None and (wanted is None or n.kind in wanted)
                and (group is ... or n.group == group)]

    def signups(self) -> list[Note]:
        """Live sign-up notes (a person's name on a theme), oldest first."""
        return [n for _, n in sorted(self._notes.items()) if not n.deleted and n.signup is not None]

    def clusters(self) -> list[Cluster]:
        return [c for _, c in sorted(self._clusters.items()) if not c.deleted]

    def cluster_notes(self, cluster_id: int) -> list[Note]:
        return [n for n in self.notes() if n.cluster == cluster_id]

    def items(self, *, column: Any = ..., kinds: Optional[Iterable[str]] = None,
              group: Any = ...) -> list[Item]:
        """Clusters and the notes in no cluster, in writing order (a cluster where its
        oldest note was); ``column=`` keeps only those in that column (None: unsorted);
        ``kinds=`` only notes of those kinds and the clusters that hold one (a step's lens,
        e.g. NED's vote on the actions, not on the puzzle pieces); ``group=`` only one table
        group's lane (None: the room's own)."""
        wanted = None if kinds is None else set(kinds)
        first: dict[int, int] = {}
        hit: set[int] = set()
        out: list[tuple[int, Item]] = []
        for n in self.notes():
            if n.cluster is None:
                if wanted is None or n.kind in wanted:
                    out.append((n.id, n))
            else:
                first.setdefault(n.cluster, n.id)
                if wanted is None or n.kind in wanted:
                    hit.add(n.cluster)
        out += [(first.get(c.id, 0), c) for c in self.clusters() if wanted is None or c.id in hit]
        out.sort(key=lambda pair: (pair[0], isinstance(pair[1], Note)))
        return [i for _, i in out if (column is ... or i.column == column)
                and (group is ... or i.group == group)]

    def chosen(self) -> list[Item]:
        return [i for i in self.items() if i.chosen]

    def placed(self) -> list[Item]:
        return [i for i in self.items() if i.matrix is not None]

    def label(self, key: str) -> str:
        """What an item says: a note's text, a cluster's name or else its first note's text."""
        item = self.item(key)
        if isinstance(item, Note):
            return item.text
        notes = self.cluster_notes(item.id)
        return item.name or (notes[0].text if notes else "")

    def revealed_notes(self) -> list[Note]:
        """The presented notes in the order they were turned face up."""
        return sorted((n for n in self.notes() if n.revealed is not None), key=lambda n: n.revealed)

    def hidden_count(self) -> int:
        """How many notes still show their back."""
        return sum(1 for n in self.notes() if n.face_down)

    def counts(self) -> dict[str, int]:
        """Live notes per kind."""
        out: dict[str, int] = {}
        for n in self.notes():
            out[n.kind] = out.get(n.kind, 0) + 1
        return out


REFUSALS = {
    "note_empty": N_("Write something on the post-it first."),
    "note_long": N_("That is too long for one post-it. One topic per note."),
    "unknown_kind": N_("Choose what kind of post-it it is first."),
    "same_item": N_("A post-it cannot be grouped with itself."),
    "unknown_item": N_("That post-it is no longer on the wall."),
    "unknown_note": N_("That post-it is no longer on the wall."),
    "name_long": N_("A group name is at most 60 characters."),
    "unknown_column": N_("That column is not part of this step."),
    "in_cluster": N_("Move the whole group, not one post-it inside it."),
    "bad_position": N_("Drop it inside the matrix."),
    "too_many_chosen": N_("Enough themes are chosen already. Unchoose one first."),
    "nothing_to_reveal": N_("All post-its are on the wall."),
    "already_revealed": N_("That post-it is already on the wall."),
    "not_in_cluster": N_("That post-it is not in a group."),
    "bad_turn": N_("A turn shows at least one post-it."),
    "bad_year": N_("Put it on one of the years of the timeline."),
    "bad_number": N_("That participant or table is not part of this workshop."),
    "other_group": N_("Each table group stacks its own post-its. Drop it on one from the same table."),
}
"""The wall's refusal reasons → the message the screen shows; every lens on the wall
(write, present, group, sort, vote, matrix …) shares them, so they live here and not
in one activity's ``refusals``."""
