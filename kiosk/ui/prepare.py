"""Prepare a session before the workshop: the trio types their notes onto its wall.

A method's write step may have a *prepared* kind (the trivselsdialog's pink "Trioens
post-its", the dialogverksted's themes from the survey). The team screen's "Prepare"
button makes the session without starting it (``Workshop.prepare``: it waits for its
first meeting) and opens this screen; home's "Edit notes" opens it again until the
workshop starts. The notes go on the session's own wall through ``Wall`` exactly as
the write step puts them there (step = the write step's id, face up), so the write
step shows them, the present step for their kind presents them and the export carries
them. Every change is stored before the board shows it; Undo takes the last one back.
"""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty

from kiosk.core import activities
from kiosk.core.session import Session
from kiosk.core.wall import NOTE_MAX, Wall
from kiosk.core.workshop import Workshop, not_started, prepared_kinds
from kiosk.i18n import tr
from kiosk.store import StoreError
from kiosk.ui import messages
from kiosk.ui.act import FAILED
from kiosk.ui.activities.base import kind_styles
from kiosk.ui.screen import KioskScreen
from kiosk.ui.widgets.cards import note_card, note_grid
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.widgets import KButton, sym

CARD = (300, 170)
"""A prepared note's size at 1080p: a handful of notes, so they can be larger than in write."""


def presented_in(method, kind_id: str):
    """The step that presents this kind on its own (the trio's turn: its activity's
    ``presents``), or None."""
    for step in method.steps:
        if kind_id in activities.get(step.activity).presents(step.params):
            return step
    return None


class PrepareScreen(KioskScreen):
    heading = StringProperty("")
    subtitle = StringProperty("")
    summary = StringProperty("")
    empty = BooleanProperty(True)
    can_undo = BooleanProperty(False)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.session: Session | None = None
        self.wall: Wall | None = None
        self.kinds: list = []
        """(write step, kind) pairs the method lets people prepare."""
        self.styles = {}
        self.composer = None
        self.back_to = "home"
        self.ids.board.bind(on_tap=lambda _b, key: self.edit(key), size=lambda *_: self.refresh())

    @property
    def app(self):
        return App.get_running_app()

    # -- opening ---------------------------------------------------------------------------

    def open(self, session_id: str, back: str = "home") -> bool:
        """Show a session made ahead of its workshop. False (and a message) if it cannot be
        read or has started meanwhile: then its notes are written in its own write step.
        ``back``: the screen Discard returns to (the team screen right after Prepare, so a
        typo in the name can be fixed)."""
        app = self.app
        self.back_to = back
        try:
            doc = app.store.load_session(session_id)
            session = Session.from_dict(doc) if doc is not None else None
        except StoreError as e:
            app.say(messages.store_error(e), "error")
            return False
        except (KeyError, TypeError, ValueError):
            session = None
        if session is None:
            app.say(messages.refusal("no_such_session"), "error")
            return False
        if not not_started(session):
            app.say(messages.refusal("already_started"), "error")
            return False
        try:
            self.wall = Wall(app.store, session.id, app.clock)
        except StoreError as e:
            app.say(messages.store_error(e), "error")
            return False
        self.session = session
        self.kinds = prepared_kinds(session.method)
        self.styles = kind_styles(session.method)
        self.heading = tr("Prepare before the workshop")
        self.subtitle = f"{session.team}   ·   {session.method.title}"
        self._kind_buttons()
        self.refresh()
        return True

    def _kind_buttons(self):
        bar = self.ids.kinds
        bar.clear_widgets()
        for name in [n for n in self.ids if n.startswith("new_")]:
            del self.ids[name]
        for step, kind in self.kinds:
            style = self.styles[kind["id"]]
            button = KButton(text=f"{sym(style.mark)}  " + tr("New post-it: {kind}").format(kind=kind["title"]),
                             markup=True, face=[c * 0.55 for c in style.colour[:3]] + [1],
                             font_size=36 * self.app.s)
            button.kind, button.step = kind, step
            button.bind(on_release=lambda b: self.compose(b.step, b.kind))
            self.ids[f"new_{kind['id']}"] = button
            bar.add_widget(button)

    def on_pre_enter(self, *args):
        self.refresh()

    def tick(self):
        """A note half typed keeps this screen: the idle return to the board (after two
        minutes untouched) waits while the composer is open. Left without one, the
        screen goes back to the board like any other; everything is stored already."""
        composer = self.composer
        if composer is not None and composer.get_parent_window() is not None:
            self.app.idle.touched()

    # -- what the board shows --------------------------------------------------------------

    def notes(self):
        if self.wall is None:
            return []
        return self.wall.notes(kinds={kind["id"] for _, kind in self.kinds})

    def refresh(self):
        if self.session is None:
            return
        notes = self.notes()
        board = self.ids.board
        s = self.app.s
        rects = note_grid(len(notes), (0, 0, board.width, board.height), s, card=CARD, gap=16)
        board.scale = s
        board.set_cards([note_card(n, self.styles, r, draggable=False) for n, r in zip(notes, rects)])
        self.empty = not notes
        self.can_undo = self.wall.can_undo
        parts = []
        for _, kind in self.kinds:
            n = sum(1 for note in notes if note.kind == kind["id"])
            text = f"{kind['title']}: {n}"
            where = presented_in(self.session.method, kind["id"])
            if where is not None:
                text += "  ·  " + tr("presented in the step “{step}”").format(step=where.title)
            parts.append(text)
        self.summary = "\n".join(parts)

    # -- intents ---------------------------------------------------------------------------

    def _limit(self, step) -> int:
        return int(step.params.get("max_length", NOTE_MAX))

    def _kind_ids(self, step) -> list[str]:
        return [kind["id"] for s, kind in self.kinds if s.id == step.id]

    def compose(self, step, kind):
        style = self.styles[kind["id"]]
        self.composer = Composer(on_save=lambda text: self.add(step, kind["id"], text), title=style.title,
                                 limit=self._limit(step), colour=style.colour)
        self.composer.open()

    def add(self, step, kind: str, text: str) -> bool:
        done = self.app.act(self.wall.add_note, kind, text, step=step.id, face_down=False,
                            max_length=self._limit(step), kinds=self._kind_ids(step))
        self.refresh()
        return done is not FAILED

    def edit(self, key: str):
        wall = self.wall
        note = wall.item(key)
        step = next((s for s, kind in self.kinds if kind["id"] == note.kind), None)
        limit = self._limit(step) if step is not None else NOTE_MAX
        style = self.styles.get(note.kind)

        def save(text):
            ok = self.app.act(wall.edit_text, note.id, text, max_length=limit) is not FAILED
            self.refresh()
            return ok

        def delete():
            ok = self.app.act(wall.delete_note, note.id) is not FAILED
            self.refresh()
            return ok

        self.composer = Composer(on_save=save, on_delete=delete, text=note.text,
                                 title=style.title if style else "", limit=limit,
                                 colour=style.colour if style else (1, 1, 1, 1))
        self.composer.open()

    def undo(self):
        if self.wall is not None and self.wall.can_undo:
            self.app.act(self.wall.undo)
        self.refresh()

    def discard(self):
        """Take the Prepare tap back while nothing is written on it (a typo in the team's
        name): the session goes, and the screen it came from shows again."""
        if self.session is None:
            return
        app = self.app
        if app.act(Workshop.discard_prepared, app.store, self.session.id) is FAILED:
            self.refresh()
            return
        self.session, self.wall = None, None
        app.show(self.back_to)

    def done(self):
        """Back home, where the session waits with its Start button (and Edit notes)."""
        self.app.show("home")
