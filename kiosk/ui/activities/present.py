"""``present``: the notes are turned face up in turns, as the guide has it.

A turn shows one note of each paired kind (one that works well, one that works
less well). The notes still to come wait face down in a tray: a participant taps
their own to show it; with *Hold back* on, a tap holds a note back instead. *All
at once* turns the rest up in shuffled order, so the order tells nobody whose
note is whose.

Present your own: when the notes have authors (written by a participant on the list),
the step goes person by person (``kiosk.core.activities.present.PresentTurns``). A big
heading says whose turn it is and what the turn holds ("Participant 3: 2 post-its, one
“Works well”, one “Works less well”"); that person's face-down notes are picked out in
the tray (the others dimmed), and the person taps the ones to turn up. The facilitator
may skip them (they come last), choose who is next (a skipped one comes back), or hold a
note back. Undo takes a reveal back and the turn with it. Once nobody with an author
has notes left, the rest goes by kind or all at once, as before.

A step with nothing to present (no post-its of its kinds on the wall: nobody wrote
any, or nothing was prepared for the trio's step) says so in big letters, and what
to do about it, instead of showing buttons that cannot be pressed.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.utils import escape_markup, get_hex_from_color

from kiosk.core.activities import declared_kinds
from kiosk.core.activities.present import PresentTurns
from kiosk.core.people import label
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import CARD_H, CARD_W, note_card, note_grid
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class PresentView(WallView):
    LANES = True
    LANE_MIN = 560
    """A lane keeps its turn, all-at-once and hold buttons in one row."""
    holding = BooleanProperty(False)
    """While on, tapping a waiting note holds it back (or lets it go)."""
    status = StringProperty("")
    empty = StringProperty("")
    """Why there is nothing to present and what to do ('' when there are post-its)."""
    own = BooleanProperty(False)
    """Present your own: the turns go person by person (notes with authors are left)."""
    heading = StringProperty("")
    """Whose turn it is and what it holds (present your own), else ''."""
    turn_hint = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        p = self.step.params
        self.kinds = p.get("kinds") or None
        self.per_turn = int(p.get("per_turn", 2))
        self.pair_by = p.get("pair_by") or None
        self.rng = random.SystemRandom()  # reveal-all order must not be guessable
        self.turns = None
        """Present your own (the room's step; a table's lane presents by turns of its own)."""
        people = self.app.people()
        if getattr(self, "lane", ...) is ... and people is not None:
            self.turns = PresentTurns(self.app.store, self.workshop.session.id, self.wall, people, self.step)
        self.chooser = None
        self.ids.shown.bind(size=lambda *_: self.refresh())
        self.ids.waiting.bind(on_tap=lambda _b, key: self.tap_waiting(key), size=lambda *_: self.refresh())

    def waiting_notes(self):
        kinds = set(self.kinds) if self.kinds else None
        return [n for n in self.wall.notes(kinds=kinds, **self.in_lane) if n.revealed is None]

    def shown_notes(self):
        kinds = set(self.kinds) if self.kinds else None
        return [n for n in self.wall.revealed_notes() if (kinds is None or n.kind in kinds)
                and (self.lane is ... or n.group == self.lane)]

    def lane_turn(self, every: bool = False) -> list[int]:
        """A table's next turn in its own lane (APU's exhibition: each group shows its own
        wishes): its waiting notes not held back, a turn's worth, or all of them shuffled."""
        left = [n.id for n in self.waiting_notes() if not n.held]
        if every:
            self.rng.shuffle(left)
            return left
        return left[:self.per_turn]

    def refresh(self):
        s = self.app.s
        shown, waiting = self.shown_notes(), self.waiting_notes()
        board = self.ids.shown
        board.scale = s
        rects = note_grid(len(shown), (0, 0, board.width, board.height), s)
        board.set_cards([note_card(n, self.styles, r, draggable=False) for n, r in zip(shown, rects)])
        tray = self.ids.waiting
        tray.scale = s
        person = self.turns.current() if self.turns is not None and self.turns.by_person() else None
        self.own = person is not None
        self.heading = self.turn_heading(person) if person is not None else ""
        if person is not None:
            self.own_tray(tray, waiting, person)
        # face down, a small card says enough; a face-up one (the trio's prepared notes)
        # is read before it is shown, so it gets a card of the wall's size
        w, h = (120, 90) if all(n.face_down for n in waiting) else (CARD_W, CARD_H)
        rects = note_grid(len(waiting), (0, 0, tray.width, tray.height), s, card=(w, h), gap=10)
        if person is None:
            tray.set_cards([note_card(n, self.styles, r, draggable=False,
                                      badge=tr("held") if n.held else "", selected=n.held)
                            for n, r in zip(waiting, rects)])
        self.empty = "" if shown or waiting else self.empty_text()
        held = sum(1 for n in waiting if n.held)
        self.status = tr("{shown} shown · {left} waiting · {held} held back").format(
            shown=len(shown), left=len(waiting) - held, held=held)
        self.ids.turn.disabled = self.ids.all.disabled = len(waiting) == held

    def empty_text(self) -> str:
        """Why the step is empty, and the way on: back to write them, or on to the next step
        (prepared post-its are put up before the workshop, so going back does not help)."""
        method = self.workshop.session.method
        kinds = list(self.kinds or [])
        prepared = {k["id"] for _, k in declared_kinds(method.steps) if k.get("prepared")}
        names = " / ".join(f"“{self.styles[k].title}”" if k in self.styles else f"“{k}”" for k in kinds)
        if self.step.params.get("from_prepared") or (kinds and set(kinds) <= prepared):
            why = tr("No post-its of the kind {kinds} were prepared for this workshop.").format(kinds=names) if names \
                else tr("No post-its were prepared for this workshop.")
            return why + "\n" + tr("They are put on the wall before the start. Go on to the next step.")
        why = tr("No post-its of the kind {kinds} yet.").format(kinds=names) if names else tr("No post-its yet.")
        return why + "\n" + tr("Go back to write them, or go on to the next step.")

    # -- intents -----------------------------------------------------------------------

    def next_turn(self):
        wall = self.wall
        if self.lane is not ...:
            self.app.act(wall.reveal, self.lane_turn(), undo=wall)
            return
        self.app.act(wall.reveal_next_turn, self.per_turn, self.pair_by, kinds=self.kinds, undo=wall)

    def reveal_all(self):
        wall = self.wall
        self.app.confirm(tr("Turn all the waiting post-its face up, in shuffled order?"), tr("All at once"),
                         lambda: (self.app.act(wall.reveal, self.lane_turn(every=True), undo=wall)
                                  if self.lane is not ... else
                                  self.app.act(wall.reveal_all, self.rng, kinds=self.kinds, undo=wall)),
                         face=theme.GO)  # a way on (and undoable): vermillion is for ending and deleting

    def toggle_holding(self):
        self.holding = not self.holding

    def tap_waiting(self, key: str):
        wall = self.wall
        note = wall.item(key)
        if self.holding:
            self.app.act(wall.hold, note.id, not note.held, undo=wall)
        elif self.own:
            self.app.act(self.turns.reveal_own, [note.id], undo=wall)  # not theirs: refused, said
        else:
            self.app.act(wall.reveal, [note.id], undo=wall)

    # -- present your own ----------------------------------------------------------------

    def turn_heading(self, person) -> str:
        """'Participant 3: 2 post-its, one “Works well”, one “Works less well”' (markup:
        the person in the accent colour, the first thing read from across the room)."""
        who = "[color={}]{}[/color]".format(get_hex_from_color(theme.ACCENT), escape_markup(label(person, tr)))
        n = self.turns.per_turn
        pair = [self.styles[k].title if k in self.styles else k for k in (self.pair_by or ())]
        if pair and len(pair) == n:
            what = ", ".join(tr("one “{kind}”").format(kind=escape_markup(k)) for k in pair)
            return tr("{who}: {n} post-its, {what}").format(who=who, n=n, what=what)
        if n == 1:
            return tr("{who}: 1 post-it").format(who=who)
        return tr("{who}: {n} post-its").format(who=who, n=n)

    def own_tray(self, tray, waiting, person):
        """The person's face-down notes picked out (big, framed, first); the others' dimmed
        and small, so a finger finds its own and the room sees whose turn it is."""
        s = self.app.s
        mine = [n for n in waiting if n.author == person.id]
        others = [n for n in waiting if n.author != person.id]
        self.turn_hint = tr("Tap your own, the framed ones: {n} more this turn.").format(
            n=self.turns.turn_left())
        big = (CARD_W, CARD_H)
        room = (len(mine) * (big[0] + 16) + 16) * s
        edge = 8 * s  # the frame is drawn just outside a card: keep it inside the tray
        rects = note_grid(len(mine), (edge, edge, min(room, tray.width * 0.6) - edge, tray.height - 2 * edge), s,
                          card=big, gap=16)
        cards = [note_card(n, self.styles, r, draggable=False, selected=not n.held,
                           badge=tr("held") if n.held else "") for n, r in zip(mine, rects)]
        left = min(room, tray.width * 0.6) + 24 * s
        rects = note_grid(len(others), (left, 0, max(1.0, tray.width - left), tray.height), s, card=(120, 90),
                          gap=10)
        for n, r in zip(others, rects):
            card = note_card(n, self.styles, r, draggable=False, badge=tr("held") if n.held else "", selected=n.held)
            cards.append(replace(card, colour=dim(card.colour)))
        tray.set_cards(cards)

    def skip(self):
        """This person's turn comes later (not ready, stepped out); Undo takes it back."""
        if self.turns is not None:
            self.app.act(self.turns.skip, undo=self.turns)

    def choose(self):
        """Who is next: everyone with post-its left, the skipped ones first (they come back)."""
        from kivy.factory import Factory
        from kiosk.ui.widgets import KButton

        if self.turns is None:
            return
        skipped = set(self.turns.skipped())
        waiting = sorted(self.turns.waiting(), key=lambda p: (p.id not in skipped, p.number))
        self.chooser = chooser = Factory.TurnChooser()
        s = self.app.s
        for p in waiting:
            text = label(p, tr) + ("  ·  " + tr("skipped") if p.id in skipped else "")
            b = KButton(text=text, height=theme.TARGET * s,
                        face=theme.ACCENT_DARK if p.id in skipped else theme.PANEL_HI)
            b.bind(on_release=lambda _b, pid=p.id: self.pick(pid))
            chooser.ids.grid.add_widget(b)
        chooser.open()

    def pick(self, person_id: int):
        if self.chooser is not None:
            self.chooser.dismiss()
        self.app.act(self.turns.pick, person_id, undo=self.turns)


def dim(colour) -> tuple:
    """A note's colour faded toward the wall's background: not this person's turn."""
    return tuple(c * 0.35 + b * 0.65 for c, b in zip(colour[:3], theme.BG[:3])) + (1,)


View = PresentView
