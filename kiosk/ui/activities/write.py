"""``write``: everyone puts post-its on the wall, one topic each, on the big keyboard.

Each kind of note has its own button (works well / works less well; the trio's
prepared kind too, so their pink notes can be typed in before the workshop). With
``face_down`` the notes show only their colour and kind until they are presented.
Tap a note to change or delete it.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.core.wall import NOTE_MAX
from kiosk.i18n import tr
from kiosk.ui.act import FAILED
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import note_card, note_grid
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.widgets import KButton, sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class WriteView(WallView):
    summary = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        self.kinds = self.step.params.get("kinds", [])
        self.limit = int(self.step.params.get("max_length", NOTE_MAX))
        bar = self.ids.kinds
        for kind in self.kinds:
            style = self.styles[kind["id"]]
            button = KButton(text=f"{sym(style.mark)}  {kind['title']}", markup=True,
                             face=[c * 0.55 for c in style.colour[:3]] + [1])
            button.kind = kind["id"]
            button.bind(on_release=lambda b: self.compose(b.kind))
            self.ids[f"new_{kind['id']}"] = button
            bar.add_widget(button)
        self.ids.board.bind(on_tap=lambda _b, key: self.edit(key), size=lambda *_: self.refresh())
        self.composer = None

    def notes(self):
        ids = {k["id"] for k in self.kinds}
        return [n for n in self.wall.notes(kinds=ids) if n.step == self.step.id or n.revealed is None]

    def refresh(self):
        notes = self.notes()
        board = self.ids.board
        s = self.app.s
        rects = note_grid(len(notes), (0, 0, board.width, board.height), s)
        board.scale = s
        board.set_cards([note_card(n, self.styles, r, draggable=False) for n, r in zip(notes, rects)])
        counts = {}
        for n in notes:
            counts[n.kind] = counts.get(n.kind, 0) + 1
        parts = [f"{self.styles[k['id']].title}: {counts.get(k['id'], 0)}" for k in self.kinds]
        hidden = tr("written face down until presented") if self.step.params.get("face_down") else ""
        self.summary = "   ·   ".join(parts + ([hidden] if hidden else []))

    # -- intents -----------------------------------------------------------------------

    def compose(self, kind: str):
        style = self.styles[kind]
        self.composer = Composer(on_save=lambda text: self.add(kind, text), title=style.title,
                                 limit=self.limit, colour=style.colour)
        self.composer.open()

    def add(self, kind: str, text: str) -> bool:
        wall = self.wall
        done = self.app.act(wall.add_note, kind, text, step=self.step.id,
                            face_down=bool(self.step.params.get("face_down")) and not self._prepared(kind),
                            max_length=self.limit, kinds=[k["id"] for k in self.kinds], undo=wall)
        return done is not FAILED

    def _prepared(self, kind: str) -> bool:
        return any(k["id"] == kind and k.get("prepared") for k in self.kinds)

    def edit(self, key: str):
        note = self.wall.item(key)
        style = self.styles.get(note.kind)
        wall = self.wall
        self.composer = Composer(
            on_save=lambda text: self.app.act(wall.edit_text, note.id, text, max_length=self.limit,
                                              undo=wall) is not FAILED,
            on_delete=lambda: self.app.act(wall.delete_note, note.id, undo=wall) is not FAILED,
            text=note.text, title=style.title if style else "", limit=self.limit,
            colour=style.colour if style else (1, 1, 1, 1))
        self.composer.open()


View = WriteView
