"""``cards``: the perspective talk's deck of statement cards (DESIGN.md §3, §4).

A step of this activity has one or more decks (one per theme, from the method
file), blank jokers and a time to turn the rest face up. The group chooses a
deck; the cards lie face down in an order shuffled **once**, from a seed stored
with the step, so a restart shows the very same deck. The participants draw in
turn, clockwise: the screen says whose turn it is by number (turn = cards drawn so
far, modulo the people around the table). About ``flip_at_minutes`` before the
step's end, read from the step's timer, the remaining cards are turned face up
and each person picks the one they find most relevant.

A drawn card, a joker's own statement and the referent's attention points are
**notes on the session's wall** (``Note.card`` says which card it was), so later
steps (sort, actions) work on them like on any post-it. Drawing is a wall change
(one write, undone by the wall's undo); putting a card back takes its note off the
wall, and the card is back in the deck where it was.

The step's own settings (chosen deck, seed, how many people, turned early by
hand) are one document in the session's "decks" table, with their own undo.
Refusals are ``WallError`` with a reason key, like the wall's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any, Optional

from kiosk.store import StoreError

from ..record import Record
from ..undo import STEP_DEPTH, Undoable, UndoLog
from ..wall import NOTE_MAX, Note, Wall, WallError
from kiosk.core.params import ID_TITLE, Int, Issue, Num, Param, Tables, Text, Texts
from kiosk.i18n import N_

from . import Activity

DECKS = "decks"
"""The per-session store table: one document per cards step."""

CARD_KIND = "card"
"""A statement drawn from the deck (the card's own text)."""
JOKER_KIND = "joker"
"""A blank card on which the drawer wrote their own statement."""
POINT_KIND = "point"
"""An attention point the referent writes down during the talk."""
KINDS = (CARD_KIND, JOKER_KIND, POINT_KIND)
KIND_LABELS = {CARD_KIND: N_("Statement card"), JOKER_KIND: N_("Joker card"), POINT_KIND: N_("Attention point")}
"""What its kinds of note are called where they are listed (the export)."""

JOKER = "joker"
"""``Note.card`` of a joker."""
CARD_MAX = 200
"""A statement card's text, as the catalogue allows."""
PEOPLE_DEFAULT = 7
"""The guide's 5–9 participants: the middle."""
PEOPLE_MIN, PEOPLE_MAX = 1, 30


def card_id(deck: str, index: int) -> str:
    return f"{deck}:{index}"


def parse_card(card: Optional[str]) -> Optional[tuple[str, int]]:
    """``"hard-tone:3"`` → ``("hard-tone", 3)``; a joker or no card → None."""
    if not card or ":" not in card:
        return None
    deck, _, index = card.rpartition(":")
    return (deck, int(index)) if index.isdigit() else None


def shuffled(n: int, seed: int) -> list[int]:
    """The deck's order, the same for the same seed on every machine and restart."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def is_flipped(remaining_seconds: float, flip_at_minutes: Optional[float], by_hand: bool = False) -> bool:
    """Turned face up: by hand, or once no more than ``flip_at_minutes`` are left."""
    if by_hand:
        return True
    if flip_at_minutes is None:
        return False
    return remaining_seconds <= flip_at_minutes * 60.0


@dataclass(frozen=True)
class DeckState(Record):
    """Which deck a cards step draws from, and how (a document in the "decks" table)."""

    ID_FIELD = "doc_id"
    KEEP_ID = False

    doc_id: int
    step: str
    deck: str
    seed: int
    people: int = PEOPLE_DEFAULT
    flipped: bool = False
    """Turned face up by hand, before the clock would."""


class Cards(Undoable):
    """The deck of one cards step; draws and notes go through the session's ``Wall``."""

    def __init__(self, store, session_id: str, clock, wall: Wall, step_id: str, params: dict,
                 seed: Optional[int] = None) -> None:
        self.store = store
        self.session_id = session_id
        self.clock = clock
        self.wall = wall
        self.step_id = step_id
        self.decks: list[dict] = list(params.get("decks") or [])
        self.jokers = int(params.get("jokers", 0) or 0)
        self.flip_at: Optional[float] = params.get("flip_at_minutes")
        self._undo: UndoLog[DeckState] = UndoLog(STEP_DEPTH)
        self.state = self._load_or_create(seed)

    def _load_or_create(self, seed: Optional[int]) -> DeckState:
        for d in self.store.all(self.session_id, DECKS):
            if d.get("step") == self.step_id:
                return DeckState.from_dict(d)
        if seed is None:
            seed = random.SystemRandom().randrange(1, 2 ** 31)
        first = self.decks[0]["id"] if self.decks else ""
        state = DeckState(0, self.step_id, first, int(seed))
        try:
            doc_id = self.store.insert(self.session_id, DECKS, state.to_dict())
        except StoreError:  # a full disk: the deck still shows; its first stored change saves it
            return state
        return replace(state, doc_id=doc_id)

    # -- reading ---------------------------------------------------------------------

    @property
    def deck(self) -> dict:
        """The chosen deck (id, title, cards); an empty one if the step has none."""
        return next((d for d in self.decks if d["id"] == self.state.deck),
                    {"id": self.state.deck, "title": "", "cards": []})

    @property
    def people(self) -> int:
        return self.state.people

    def order(self) -> list[int]:
        """The chosen deck's card indexes, top first, as shuffled once for this step.

        Each deck has its own order from the one seed (seed + its position), so
        switching decks and back shows the same order again."""
        pos = next((i for i, d in enumerate(self.decks) if d["id"] == self.state.deck), 0)
        return shuffled(len(self.deck.get("cards", [])), self.state.seed + pos)

    def notes(self) -> list[Note]:
        """This step's notes on the wall: cards, jokers and attention points, oldest first."""
        return [n for n in self.wall.notes(kinds=KINDS) if n.step == self.step_id]

    def drawn(self) -> list[Note]:
        """The cards and jokers drawn in this step, in the order they were drawn."""
        return [n for n in self.notes() if n.kind in (CARD_KIND, JOKER_KIND)]

    def points(self) -> list[Note]:
        return [n for n in self.notes() if n.kind == POINT_KIND]

    def drawn_indexes(self) -> set[int]:
        out = set()
        for n in self.drawn():
            parsed = parse_card(n.card)
            if parsed and parsed[0] == self.state.deck:
                out.add(parsed[1])
        return out

    def remaining(self) -> list[int]:
        """The chosen deck's cards still on the table, top first."""
        gone = self.drawn_indexes()
        return [i for i in self.order() if i not in gone]

    def text(self, index: int) -> str:
        return self.deck["cards"][index]

    def jokers_left(self) -> int:
        return max(0, self.jokers - sum(1 for n in self.drawn() if n.kind == JOKER_KIND))

    def turn(self) -> int:
        """Whose turn it is, 1..people, clockwise from the first drawer."""
        return len(self.drawn()) % self.state.people + 1

    def last(self) -> Optional[Note]:
        drawn = self.drawn()
        return drawn[-1] if drawn else None

    def remaining_seconds(self, session) -> float:
        """What the step's timer has left (the flip rule's clock)."""
        return session.timers[self.step_id].remaining(self.clock.steady())

    def flipped(self, remaining_seconds: float) -> bool:
        return is_flipped(remaining_seconds, self.flip_at, self.state.flipped)

    # -- drawing (wall changes: undone by the wall) -------------------------------------

    def draw(self, remaining_seconds: float, index: Optional[int] = None) -> Note:
        """The top card (face down: the next in turn) or, once turned face up, the card
        the person picks (``index``). The card becomes a note on the wall."""
        left = self.remaining()
        if not left:
            raise WallError("deck_empty")
        if index is None:
            index = left[0]
        else:
            if isinstance(index, bool) or not isinstance(index, int) or index not in left:
                raise WallError("card_gone")
            if index != left[0] and not self.flipped(remaining_seconds):
                raise WallError("cards_face_down")
        return self.wall.add_note(CARD_KIND, self.text(index), step=self.step_id,
                                  max_length=CARD_MAX, card=card_id(self.state.deck, index))

    def joker(self, text: Any) -> Note:
        """A blank card: the drawer writes the statement they miss in the deck."""
        if self.jokers_left() <= 0:
            raise WallError("no_jokers")
        return self.wall.add_note(JOKER_KIND, text, step=self.step_id, max_length=NOTE_MAX, card=JOKER)

    def point(self, text: Any) -> Note:
        """The referent's attention point, a post-it for the later steps."""
        return self.wall.add_note(POINT_KIND, text, step=self.step_id, max_length=NOTE_MAX)

    def put_back(self, note_id: Any) -> Note:
        """A card drawn by mistake goes back where it was in the deck (a joker is blank again)."""
        note = next((n for n in self.drawn() if n.id == note_id), None)
        if note is None:
            raise WallError("not_drawn")
        return self.wall.delete_note(note.id)

    # -- the step's settings (own undo) ------------------------------------------------------

    def _write(self, state: DeckState) -> DeckState:
        if state == self.state:
            return state
        with self.store.batch(self.session_id):
            if state.doc_id == 0:   # never stored (see _load_or_create): store it now
                state = replace(state, doc_id=self.store.insert(self.session_id, DECKS, state.to_dict()))
            else:
                self.store.update(self.session_id, DECKS, state.doc_id, state.to_dict())
        self._undo.push(replace(self.state, doc_id=state.doc_id))
        self.state = state
        return state

    def choose_deck(self, deck_id: Any) -> DeckState:
        if not any(d["id"] == deck_id for d in self.decks):
            raise WallError("unknown_deck")
        return self._write(replace(self.state, deck=deck_id))

    def set_people(self, people: Any) -> DeckState:
        if isinstance(people, bool) or not isinstance(people, int) or not PEOPLE_MIN <= people <= PEOPLE_MAX:
            raise WallError("people_range")
        return self._write(replace(self.state, people=people))

    def flip_now(self) -> DeckState:
        """Turn the rest face up now (the facilitator's call, before the clock does)."""
        return self._write(replace(self.state, flipped=True))

    def undo(self) -> bool:
        return self._undo.undo(self._put_back)

    def _put_back(self, before: DeckState) -> None:
        with self.store.batch(self.session_id):
            self.store.update(self.session_id, DECKS, before.doc_id, before.to_dict())
        self.state = before


def _flips_in_time(p: dict, minutes: float | None) -> list[Issue]:
    flip = p.get("flip_at_minutes")
    if flip is not None and minutes is not None and flip >= minutes:
        return [("flip_at_minutes", f"fewer minutes than the step's {minutes:g} (got {flip:g})")]
    return []


ACTIVITY = Activity(
    "cards",
    params=(
        Param("decks", Tables(ID_TITLE + (Param("cards", Texts(item=Text(max_len=CARD_MAX)), required=True),),
                              "deck"), required=True),
        Param("jokers", Int(0), default=0),
        Param("flip_at_minutes", Num(0)),
    ),
    extra=_flips_in_time,
    makes_notes=lambda p: True,  # drawn cards, jokers, attention points
    refusals={
        "deck_empty": N_("There are no cards left in this deck. Choose another theme, or write a joker."),
        "card_gone": N_("That card has been taken already."),
        "cards_face_down": N_("The cards are still face down: tap the deck to draw the top one."),
        "no_jokers": N_("All the jokers are used."),
        "not_drawn": N_("That card is not drawn, so it cannot be put back."),
        "unknown_deck": N_("That theme has no deck in this step."),
        "people_range": N_("Between 1 and 30 people can sit round the table."),
    },
    order=100,
)
