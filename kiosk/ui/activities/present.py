"""``present``: the notes are turned face up in turns, as the guide has it.

A turn shows one note of each paired kind (one that works well, one that works
less well). The notes still to come wait face down in a tray: a participant taps
their own to show it; with *Hold back* on, a tap holds a note back instead. *All
at once* turns the rest up in shuffled order, so the order tells nobody whose
note is whose.

A step with nothing to present (no post-its of its kinds on the wall: nobody wrote
any, or nothing was prepared for the trio's step) says so in big letters, and what
to do about it, instead of showing buttons that cannot be pressed.
"""

from __future__ import annotations

import random
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.activities import declared_kinds
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import CARD_H, CARD_W, note_card, note_grid
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class PresentView(WallView):
    holding = BooleanProperty(False)
    """While on, tapping a waiting note holds it back (or lets it go)."""
    status = StringProperty("")
    empty = StringProperty("")
    """Why there is nothing to present and what to do ('' when there are post-its)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        p = self.step.params
        self.kinds = p.get("kinds") or None
        self.per_turn = int(p.get("per_turn", 2))
        self.pair_by = p.get("pair_by") or None
        self.rng = random.SystemRandom()  # reveal-all order must not be guessable
        self.ids.shown.bind(size=lambda *_: self.refresh())
        self.ids.waiting.bind(on_tap=lambda _b, key: self.tap_waiting(key), size=lambda *_: self.refresh())

    def waiting_notes(self):
        kinds = set(self.kinds) if self.kinds else None
        return [n for n in self.wall.notes(kinds=kinds) if n.revealed is None]

    def shown_notes(self):
        kinds = set(self.kinds) if self.kinds else None
        return [n for n in self.wall.revealed_notes() if kinds is None or n.kind in kinds]

    def refresh(self):
        s = self.app.s
        shown, waiting = self.shown_notes(), self.waiting_notes()
        board = self.ids.shown
        board.scale = s
        rects = note_grid(len(shown), (0, 0, board.width, board.height), s)
        board.set_cards([note_card(n, self.styles, r, draggable=False) for n, r in zip(shown, rects)])
        tray = self.ids.waiting
        tray.scale = s
        # face down, a small card says enough; a face-up one (the trio's prepared notes)
        # is read before it is shown, so it gets a card of the wall's size
        w, h = (120, 90) if all(n.face_down for n in waiting) else (CARD_W, CARD_H)
        rects = note_grid(len(waiting), (0, 0, tray.width, tray.height), s, card=(w, h), gap=10)
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
        self.app.act(wall.reveal_next_turn, self.per_turn, self.pair_by, kinds=self.kinds, undo=wall)

    def reveal_all(self):
        wall = self.wall
        self.app.confirm(tr("Turn all the waiting post-its face up, in shuffled order?"), tr("All at once"),
                         lambda: self.app.act(wall.reveal_all, self.rng, kinds=self.kinds, undo=wall),
                         face=theme.GO)  # a way on (and undoable): vermillion is for ending and deleting

    def toggle_holding(self):
        self.holding = not self.holding

    def tap_waiting(self, key: str):
        wall = self.wall
        note = wall.item(key)
        if self.holding:
            self.app.act(wall.hold, note.id, not note.held, undo=wall)
        else:
            self.app.act(wall.reveal, [note.id], undo=wall)


View = PresentView
