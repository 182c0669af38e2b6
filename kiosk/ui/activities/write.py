"""``write``: everyone puts post-its on the wall, one topic each, on the big keyboard.

Several people write at once: "Write together" opens as many composers side by side
as the screen holds with keys of a fingertip (``kiosk.core.composers``, from the
screen size in Settings), each with its own kinds, keyboard and "Put on the wall"
(``kiosk.ui.widgets.desk``); a kind's button opens one composer, for a single
writer, and "+ Writer" adds more. A writer may tap their number or name first, so
the note gets an author the wall never shows. The trio's prepared kind is typed in
the single composer, as before the workshop. With ``face_down`` the notes show only
their colour and kind until they are presented. Tap a note to change or delete it.

Composers still open when the step is left (or the kiosk is stopped) keep their
text as drafts of the step: nothing goes on the wall that its writer did not send,
and "Go on writing" brings the drafts back when the step is shown again.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from kiosk.core import composers
from kiosk.core.activities import write as rules
from kiosk.core.people import label
from kiosk.core.refusal import Refusal
from kiosk.core.timer import format_big
from kiosk.core.wall import NOTE_MAX
from kiosk.i18n import tr
from kiosk.store import StoreError
from kiosk.ui import messages
from kiosk.ui.act import FAILED
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import more_card, note_card, note_grid, overflow
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.widgets.desk import Kind, WritingDesk
from kiosk.ui.widgets.keyboard import load_layout, rows
from kiosk.ui.widgets import KButton, sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def writers_here(app) -> int:
    """How many composers this window holds side by side, for the screen size in Settings."""
    from kivy.core.window import Window

    return composers.writers_that_fit(Window.width, Window.height, app.settings.screen_inches,
                                      [composers.Row(k, u) for k, u in rows(load_layout())], app.s)


class WriteView(WallView):
    summary = StringProperty("")
    drafts_waiting = NumericProperty(0)
    """Drafts kept when the step was left with composers open: "Go on writing" brings them back."""
    most = NumericProperty(1)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.kinds = self.step.params.get("kinds", [])
        self.limit = int(self.step.params.get("max_length", NOTE_MAX))
        self.most = writers_here(self.app)
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
        """The composer the last kind button opened (a writer on the desk, or the single
        composer of a prepared kind or of an edit)."""
        self.desk: WritingDesk | None = None
        self.drafts_waiting = self._count_drafts()
        self.app.fbind("on_stop", self._app_stops)

    def notes(self):
        ids = {k["id"] for k in self.kinds}
        return [n for n in self.wall.notes(kinds=ids) if n.step == self.step.id or n.revealed is None]

    def refresh(self):
        notes = self.notes()
        board = self.ids.board
        s = self.app.s
        rects = note_grid(len(notes), (0, 0, board.width, board.height), s)
        board.scale = s
        # a grid too full for every note ends in "+N more" (the newest wait there): without
        # it, notes past the grid's places (190 at 1080p) were stored but nowhere on the wall
        shown, more = overflow(notes, rects)
        cards = [note_card(n, self.styles, r, draggable=False) for n, r in zip(shown, rects)]
        if more:
            cards.append(more_card(rects[-1], more))
        board.set_cards(cards)
        counts = {}
        for n in notes:
            counts[n.kind] = counts.get(n.kind, 0) + 1
        parts = [f"{self.styles[k['id']].title}: {counts.get(k['id'], 0)}" for k in self.kinds]
        hidden = tr("written face down until presented") if self.step.params.get("face_down") else ""
        self.summary = "   ·   ".join(parts + ([hidden] if hidden else []))
        if self.desk is not None:  # the writers' counts: the kinds they write
            self.desk.summary = "   ·   ".join(f"{k.title}: {counts.get(k.id, 0)}" for k in self.desk.kinds)

    def tick(self, now: float):
        desk = self.desk
        if desk is None or desk.get_parent_window() is None:
            return
        remaining = self.workshop.session.timer.remaining(now)
        number, unit = format_big(remaining)
        over = remaining < 0
        words = {("min", False): "min left", ("sec", False): "sec left",
                 ("min", True): "min over time", ("sec", True): "sec over time"}[(unit, over)]
        desk.time_text = f"{number} {tr(words)}"
        desk.tick(now)

    # -- the desk of composers ---------------------------------------------------------

    def _prepared(self, kind: str) -> bool:
        return any(k["id"] == kind and k.get("prepared") for k in self.kinds)

    def _desk(self) -> WritingDesk:
        if self.desk is None:
            kinds = [Kind(k["id"], self.styles[k["id"]].title, self.styles[k["id"]].mark,
                          self.styles[k["id"]].colour) for k in self.kinds if not k.get("prepared")]
            self.desk = WritingDesk(kinds, self.limit, on_save=self.save_from, people=self.people,
                                    steady=self.workshop.clock.steady, tables=self.tables)
        self.desk.most = self.most = writers_here(self.app)  # the setting may have changed
        self.refresh()
        return self.desk

    def compose(self, kind: str):
        """A kind's button: the single composer for a prepared kind, else one more composer
        of that kind on the desk (the desk as it was, if it holds writers already)."""
        if self._prepared(kind):
            style = self.styles[kind]
            self.composer = Composer(on_save=lambda text: self.add(kind, text), title=style.title,
                                     limit=self.limit, colour=style.colour)
            self.composer.open()
            return
        desk = self._desk()
        desk.open_for(kind)
        self.composer = next((w for w in desk.writers if w.kind == kind and not w.ids.text.text),
                             desk.writers[-1] if desk.writers else None)

    def write_together(self):
        """As many composers as the screen holds, for the group to write at once."""
        desk = self._desk()
        desk.open_for(together=True)
        self.composer = desk.writers[0] if desk.writers else None

    def go_on_writing(self):
        """The drafts kept when the step was left, each back in a composer."""
        desk = self._desk()
        try:
            back = composers.take_drafts(self.app.store, self.workshop.session.id, self.step.id)
        except StoreError as e:
            self.app.say(messages.store_error(e), "error")
            return
        rest = []
        for d in back:
            if desk.add_writer(d.kind, d.text, d.author, d.table) is None:
                rest.append(d)
        if rest:  # more drafts than this screen holds composers: the rest wait
            self._keep(rest)
        self.drafts_waiting = len(rest)
        if len(desk.writers) > 1:
            desk.keep_open = True
        desk.open_for()
        self.composer = desk.writers[0] if desk.writers else None

    def people(self) -> list:
        """(id, the button's word, the full label) of everyone on the list, by number."""
        people = self.app.people()
        everyone = people.everyone() if people is not None else []
        return [(p.id, p.name or str(p.number), label(p, tr)) for p in everyone]

    def tables(self) -> int:
        """The tables a writer picks from: in a table-group step of a split room, else none."""
        people = self.app.people()
        return people.tables if people is not None and getattr(self.step, "groups", False) else 0

    def save_from(self, writer) -> bool:
        """A writer's "Put on the wall": the step's rules decide (its kinds, its length, one
        person's most). A refusal is said in that composer only, not over everyone's."""
        wall, step, people = self.wall, self.step, self.app.people()
        refused: list[Refusal] = []

        def put_up():
            try:
                return rules.add_note(wall, people, step, writer.kind, writer.ids.text.text,
                                      author=writer.author, group=writer.table)
            except Refusal as e:
                refused.append(e)
                raise

        done = self.app.act(put_up, undo=wall)
        if done is FAILED:
            writer.say(self.app.notice, warn=True)
            if refused:
                self.app.dismiss_notice()
            return False
        return True

    # -- a step left with composers open -----------------------------------------------

    def on_parent(self, _view, parent):
        if parent is None:
            self._put_away()
            self.app.funbind("on_stop", self._app_stops)

    def _app_stops(self, *_):
        self._put_away()

    def _put_away(self):
        desk, self.desk = self.desk, None
        if desk is None:
            return
        drafts = desk.put_away()
        if drafts and self._keep(drafts):
            self.app.say(tr("Unfinished post-its kept: {n}. They come back when “{step}” is shown again.")
                         .format(n=len(drafts), step=self.step.title))

    def _keep(self, drafts) -> bool:
        try:
            composers.keep_drafts(self.app.store, self.workshop.session.id, self.step.id, drafts)
        except StoreError as e:
            self.app.say(messages.store_error(e), "error")
            return False
        return True

    def _count_drafts(self) -> int:
        try:
            return composers.count_drafts(self.app.store, self.workshop.session.id, self.step.id)
        except StoreError:
            return 0

    # -- one note, in the single composer ----------------------------------------------

    def add(self, kind: str, text: str) -> bool:
        """A prepared kind's note (the trio's, typed at the step as before the workshop)."""
        wall = self.wall
        done = self.app.act(wall.add_note, kind, text, step=self.step.id, face_down=False,
                            max_length=self.limit, kinds=[k["id"] for k in self.kinds], undo=wall)
        return done is not FAILED

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
