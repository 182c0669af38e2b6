"""Several writers at the wall at once: composers side by side, each with its own keyboard.

One full-window panel over the wall holds the composers (a modal panel per composer
would not do: the topmost takes every touch). Each ``Writer`` has its own kind
buttons, "who writes", text, counter, "Put on the wall" and keyboard. Touches are
Kivy's own: a key grabs the finger that pressed it (``touch.grab``), so two or three
people typing with several fingers each never press each other's keys, and a key
types into its own composer's field (``OnScreenKeyboard.target``), focused or not;
the shift of one keyboard is its own. The one thing the composers share is the
physical keyboard: it types into the composer touched last.

The desk knows no rules. Its owner (the write step's view) gives ``on_save(writer)``,
which sends the intent and says whether it was taken, and ``people()``, the list a
writer picks their number or name from. A refused note stays in its composer with
the reason beside it, so nothing typed is lost and the other writers are not
interrupted. With one composer the desk behaves as the single composer always did:
"Put on the wall" closes it; with several, the composer empties for the next note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional, Sequence

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import (BooleanProperty, ListProperty, NumericProperty, ObjectProperty,
                             StringProperty)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from kiosk.core.composers import Draft
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.later import guarded
from kiosk.ui.widgets import KButton, sym
from kiosk.ui.widgets import keyboard  # noqa: F401  (the keyboard's kv rules)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

AUTHOR_IDLE = 60.0
"""Seconds a composer keeps its writer's name with nothing typed and no touch: the next
person to step up starts anonymous, so a note is never put on someone else's name."""
SAID_FOR = 4.0
"""Seconds "On the wall" stays under a composer after a note went up."""


class Kind:
    """A kind of note a writer can choose: its id, title, mark and colour."""

    def __init__(self, id: str, title: str, mark: str, colour) -> None:
        self.id, self.title, self.mark, self.colour = id, title, mark, list(colour)


class Writer(BoxLayout):
    """One composer on the desk: one person's kind, name, text and keyboard."""

    kind = StringProperty("")
    colour = ListProperty([1, 1, 1, 1])
    counter = StringProperty("")
    limit = NumericProperty(140)
    message = StringProperty("")
    """A refusal or "On the wall", under this composer's text only."""
    warn = BooleanProperty(False)
    author = ObjectProperty(None, allownone=True)
    """The participant's id who writes here (None: anonymous)."""
    table = ObjectProperty(None, allownone=True)
    """In a table-group step, the table an anonymous writer writes for (a named writer's
    note goes to their own table)."""
    author_text = StringProperty("")
    has_people = BooleanProperty(False)
    asking = BooleanProperty(False)
    """Close was tapped with text written: throw it away, or keep writing?"""
    picking = BooleanProperty(False)
    """The list of people is showing where the keyboard was."""

    def __init__(self, desk: "WritingDesk", kind: str = "", text: str = "", author: Optional[int] = None,
                 table: Optional[int] = None, **kw):
        self.desk = desk  # before the kv rules, which read the desk's key sizes
        super().__init__(**kw)
        self.limit = desk.limit
        self.kind_buttons: dict[str, KButton] = {}
        self.person_buttons: dict[Optional[int], KButton] = {}
        self.last_touch = 0.0
        self._said_at: Optional[float] = None
        self._picker = None
        for k in desk.kinds:
            button = KButton(markup=True, halign="center")
            button.font_size = theme.SMALL * desk.s  # (after the kv rule's body size)
            button.kind = k.id
            button.bind(on_release=lambda b: self.set_kind(b.kind))
            self.kind_buttons[k.id] = button
            self.ids["kind_" + k.id] = button
            self.ids.kinds.add_widget(button)
        self.set_kind(kind or (desk.kinds[0].id if desk.kinds else ""))
        self.ids.text.text = text
        self.changed(text)
        self.set_author(author, quiet=True, table=table)

    # -- touches ---------------------------------------------------------------------

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos):
            self.last_touch = self.desk.steady()
            self.take_keys()
        return super().on_touch_down(touch)

    def take_keys(self):
        """This composer's field gets the physical keyboard (the one touched last has it)."""
        field = self.ids.text
        if not field.focus and field.get_root_window() is not None:
            field.focus = True

    # -- what the writer does -----------------------------------------------------------

    def set_kind(self, kind: str):
        k = next((k for k in self.desk.kinds if k.id == kind), None)
        if k is None:
            return
        self.kind = kind
        self.colour = k.colour
        for other in self.desk.kinds:
            button = self.kind_buttons[other.id]
            chosen = other.id == kind
            # the chosen kind: a tick and the kind's colour, so colour is never the only signal
            button.text = (sym("✓") if chosen else sym(other.mark)) + "  " + other.title
            button.face = [c * 0.55 for c in other.colour[:3]] + [1] if chosen else list(theme.PANEL_HI)

    def changed(self, text: str):
        over = len(text) - int(self.limit)
        self.counter = f"{len(text)}/{int(self.limit)}" + (" !" if over > 0 else "")
        if text and self._said_at is not None:
            self.say("")  # "On the wall" was for the note before

    def say(self, text: str, warn: bool = False):
        self.message, self.warn = text, warn
        self._said_at = self.desk.steady() if text and not warn else None

    def save(self):
        if self.asking:
            return
        if self.desk.on_save(self):
            self.ids.text.text = ""
            if len(self.desk.writers) == 1 and not self.desk.keep_open:
                self.desk.close_writer(self)
                self.desk.dismiss()
            else:
                self.say(tr("On the wall."))

    def close(self):
        """Close this composer; with text written it asks first (the text is someone's work)."""
        if self.ids.text.text.strip():
            self.asking = True
            self.say(tr("Throw away what is written here?"), warn=True)
        else:
            self.desk.close_writer(self)

    def throw_away(self):
        self.asking = False
        self.ids.text.text = ""
        self.desk.close_writer(self)

    def keep_writing(self):
        self.asking = False
        self.say("")
        self.take_keys()

    # -- who writes ----------------------------------------------------------------------

    def pick_author(self):
        """The list of people where the keyboard was: tap your number or name."""
        if self.picking:
            self.end_picking()
            return
        people = self.desk.people()
        grid = self.ids.people
        grid.clear_widgets()
        self.person_buttons = {}
        tables = self.desk.tables()
        self.table_buttons = {}
        if tables:  # a table-group step: an anonymous note still belongs to a table
            for n in range(1, tables + 1):
                button = KButton(text=tr("Table {n}").format(n=n), height=self.desk.key_height * self.desk.s,
                                 face=theme.ACCENT_DARK if self.author is None and n == self.table else theme.PANEL_HI)
                button.table = n
                button.bind(on_release=lambda b: self.set_author(None, table=b.table))
                self.table_buttons[n] = button
                grid.add_widget(button)
        else:
            anonymous = KButton(text=tr("No name"), height=self.desk.key_height * self.desk.s)
            anonymous.bind(on_release=lambda *_: self.set_author(None))
            self.person_buttons[None] = anonymous
            grid.add_widget(anonymous)
        for pid, short, _label in people:
            button = KButton(text=short, height=self.desk.key_height * self.desk.s,
                             face=theme.ACCENT_DARK if pid == self.author else theme.PANEL_HI)
            button.font_size = 44 * self.desk.s  # a number read from across the room
            button.pid = pid
            button.bind(on_release=lambda b: self.set_author(b.pid))
            self.person_buttons[pid] = button
            grid.add_widget(button)
        self.picking = True

    def end_picking(self):
        self.picking = False
        self.ids.people.clear_widgets()

    def set_author(self, pid: Optional[int], quiet: bool = False, table: Optional[int] = None):
        """Who writes here: a participant (their table follows them), or nobody named, at
        ``table`` in a table-group step."""
        labels = {p: label for p, _short, label in self.desk.people()} if pid is not None or not quiet else {}
        if pid is not None and pid not in labels:
            pid = None  # no longer on the list: anonymous
        tables = self.desk.tables()
        self.author = pid
        self.table = table if pid is None and isinstance(table, int) and 1 <= table <= tables else None
        if pid is not None:
            self.author_text = sym("✎") + "  " + tr("{who} writes").format(who=labels[pid])
        elif self.table is not None:
            self.author_text = sym("✎") + "  " + tr("Writing for table {n}").format(n=self.table)
        elif tables:
            self.author_text = tr("Which table? Tap your table or your number")
        else:
            self.author_text = tr("Who writes? Tap your number (or leave it)")
        self.has_people = self.desk.has_people or bool(tables)
        if self.picking:
            self.end_picking()
        if not quiet:
            self.take_keys()

    def tick(self, now: float):
        """Forget the writer's name once nobody has used this composer for a while."""
        if self._said_at is not None and now - self._said_at > SAID_FOR:
            self.say("")
        if ((self.author is not None or self.table is not None) and not self.ids.text.text and not self.picking
                and now - self.last_touch > AUTHOR_IDLE):
            self.set_author(None, quiet=True)

    def draft(self) -> Draft:
        return Draft(self.kind, self.ids.text.text, self.author, self.table)


class WritingDesk(ModalView):
    """The composers side by side over the wall, and what they share: the time left, the
    counts, "+ Writer" and "Show the wall"."""

    most = NumericProperty(1)
    """The most composers the screen holds (``kiosk.core.composers.writers_that_fit``)."""
    count = NumericProperty(0)
    time_text = StringProperty("")
    summary = StringProperty("")
    s = NumericProperty(1.0)
    key_height = NumericProperty(80)
    key_font = NumericProperty(36)

    def __init__(self, kinds: Sequence[Kind], limit: int, on_save: Callable[[Writer], bool],
                 people: Callable[[], list] = lambda: [], steady: Callable[[], float] = lambda: 0.0,
                 tables: Callable[[], int] = lambda: 0, **kw):
        self.kinds = list(kinds)
        self.tables = tables
        """How many tables an anonymous writer picks from: 0 outside a table-group step."""
        self.limit = limit
        self.on_save = on_save
        self._people = people
        self.steady = steady
        self.writers: list[Writer] = []
        self.keep_open = False
        """True while the group writes together (opened with several): the last composer
        left open stays after a note, as the others did."""
        super().__init__(**kw)
        self.s = App.get_running_app().s

    def people(self) -> list:
        """(id, what the button says, the full label) of everyone who can be a note's author."""
        return self._people()

    @property
    def has_people(self) -> bool:
        return bool(self._people())

    # -- composers -----------------------------------------------------------------------

    def add_writer(self, kind: str = "", text: str = "", author: Optional[int] = None,
                   table: Optional[int] = None) -> Optional[Writer]:
        """One more composer at the right, if the screen holds it."""
        if len(self.writers) >= self.most:
            return None
        writer = Writer(self, kind=kind, text=text, author=author, table=table)
        self.writers.append(writer)
        self.ids.writers.add_widget(writer)
        self.count = len(self.writers)
        return writer

    def more(self) -> Optional[Writer]:
        """"+ Writer": one more composer, which takes the physical keyboard; from now on the
        desk stays open after a note, since several are writing."""
        writer = self.add_writer(self.writers[-1].kind if self.writers else "")
        if writer is not None:
            self.keep_open = True
            self._focus_later(writer)
        return writer

    def close_writer(self, writer: Writer):
        if writer not in self.writers:
            return
        field = writer.ids.text
        field.focus = False  # a closed composer takes no keys
        self.writers.remove(writer)
        self.ids.writers.remove_widget(writer)
        self.count = len(self.writers)
        if not self.writers:
            self.dismiss()
        else:
            self.writers[-1].take_keys()

    def open_for(self, kind: str = "", together: bool = False):
        """Show the desk: for one more writer of ``kind`` (a kind button on the wall), or
        for as many writers as the screen holds (``together``)."""
        if together:
            self.keep_open = True
            while self.add_writer(kind) is not None:
                pass
        elif kind:
            empty = next((w for w in self.writers if not w.ids.text.text), None)
            if empty is not None:
                empty.set_kind(kind)
            elif self.add_writer(kind) is None and not self.writers:
                return
        elif not self.writers:
            self.add_writer()
        if self.get_parent_window() is None:
            self.open()
        self._focus_later()

    def _focus_later(self, target: Optional[Writer] = None):
        # once the panel is on the window (a field off the window cannot take the keyboard)
        target = target or (self.writers[-1] if self.writers else None)
        if target is not None:
            Clock.schedule_once(guarded(lambda dt: target.take_keys(), target), 0)

    def on_open(self):
        if self.writers:
            self.writers[-1].take_keys()

    def on_dismiss(self):
        for writer in self.writers:
            writer.ids.text.focus = False  # nothing types into a desk nobody sees

    def show_wall(self):
        """Back to the wall; what is written stays in its composer for when the desk opens again."""
        self.dismiss()

    def put_away(self) -> list[Draft]:
        """The step is left: every composer's text as a draft, and the desk closes for good."""
        drafts = [w.draft() for w in self.writers if w.ids.text.text.strip()]
        for writer in list(self.writers):
            writer.ids.text.focus = False
        self.writers = []
        self.ids.writers.clear_widgets()
        self.count = 0
        if self.get_parent_window() is not None:
            self.dismiss()
        return drafts

    def tick(self, now: float):
        for writer in self.writers:
            writer.tick(now)
