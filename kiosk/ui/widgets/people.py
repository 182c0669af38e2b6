"""Who is here, during the workshop: the People panel over the workshop screen.

A column per table with a big chip for each person ("Participant 3", or the first name
they gave), an empty table shown as empty (a group that is still to form), and the
people added after the count-off under "No table yet". One tap counts the room off
again (at random or in order), adds a late comer or a table. A tap on a person opens
their sheet: a first name on the on-screen keyboard, another table, or off the list
(asked first; their notes stay on the wall, anonymous).

The rules are ``kiosk.core.people``'s: every change is ``app.act(..., undo=people)``,
so the app's one Undo (also in the panel) takes it back and a refusal is said on screen.
"""

from __future__ import annotations

import random
from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.core.people import label
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.act import FAILED
from kiosk.ui.widgets import KButton, keyboard, sym  # noqa: F401  (the keyboard's kv rules)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

COLUMN_W = (320, 560)
"""px at 1080p: a table's column at least (more tables scroll sideways) and at most."""
CHIP_H = 90
"""px at 1080p: a person's chip, a finger's target with a name read from 3 m."""


def _room(app):
    """The running session's participants and its method (None without a workshop)."""
    people = app.people()
    ws = app.workshop
    return (people, ws.session.method) if people is not None and ws is not None else (None, None)


class PeoplePanel(ModalView):
    """The room's tables and people; stays open while the facilitator works in it."""

    heading = StringProperty("")
    col_w = NumericProperty(COLUMN_W[0])

    def __init__(self, **kw):
        super().__init__(**kw)
        self.app = App.get_running_app()
        self.sheet = None
        self.app.bind(revision=self._changed)
        self.bind(on_dismiss=lambda *_: self.app.unbind(revision=self._changed))
        self.chip_h = CHIP_H
        self.ids.scroll.bind(size=self._changed)  # the columns share the panel's width and height
        self.refresh()

    def _changed(self, *_):
        self.refresh()

    # -- drawing --------------------------------------------------------------------

    def refresh(self):
        people, _ = _room(self.app)
        if people is None:
            self.dismiss()
            return
        s = self.app.s
        here = people.everyone()
        tables = people.tables
        n = len(here)
        words = [tr("1 person") if n == 1 else tr("{n} people").format(n=n)]
        if tables:
            words.append(tr("1 table") if tables == 1 else tr("{n} tables").format(n=tables))
        self.heading = tr("Who is here") + "  ·  " + "  ·  ".join(words)
        self.ids.undo.disabled = not self.app.can_undo
        box = self.ids.columns
        box.clear_widgets()
        columns: list[tuple[str, list, int]] = []
        if tables:
            for t in range(1, tables + 1):
                members = people.members(t)
                columns.append((tr("Table {n}").format(n=t) + f"  ·  {len(members)}", members, t))
            if people.unseated():
                columns.append((tr("No table yet"), people.unseated(), 0))
        else:
            columns.append((tr("Everyone") if here else tr("Nobody counted yet"), here, 0))
        room = max(1.0, self.ids.scroll.width)
        gap = 20 * s
        fit = (room - gap * (len(columns) - 1)) / len(columns)
        self.col_w = max(COLUMN_W[0] * s, min(COLUMN_W[1] * s, fit)) if tables else room
        per_row = 1 if tables else max(1, int((room + gap) // (COLUMN_W[0] * s + gap)))
        rows = max((-(-len(m) // per_row) for _, m, _ in columns), default=1) or 1
        # chips as big as fit the panel's height (a table of six without scrolling), never
        # below a finger's target; beyond that the panel scrolls
        free = self.ids.scroll.height - (12 * 2 + 56 + 14) * s - (rows - 1) * 14 * s
        self.chip_h = max(80 * s, min(CHIP_H * s, free / rows))
        for title, members, table in columns:
            col = self._column(title, members, table, per_row)
            col.bind(minimum_height=self._even)
            box.add_widget(col)
        self._even()

    def _even(self, *_):
        """The tables side by side are as tall as the fullest, their names in one line at the top."""
        columns = self.ids.columns.children
        tallest = max((c.minimum_height for c in columns), default=0)
        for c in columns:
            c.height = tallest

    def _column(self, title, members, table, per_row):
        s = self.app.s
        col = Factory.TableColumn(width=self.col_w)
        col.ids.title.text = escape_markup(title)
        grid = col.ids.chips
        grid.cols = per_row
        for person in members:
            chip = KButton(text=escape_markup(label(person, tr)), height=self.chip_h, font_size=36 * s,
                           face=theme.ACCENT_DARK if person.name else theme.PANEL_HI)
            chip.height = self.chip_h  # after the kv rule, which sets a button's height
            chip.person_id = person.id
            chip.bind(on_release=lambda b: self.open_person(b.person_id))
            grid.add_widget(chip)
        if not members:
            empty = Factory.EmptyTable()
            empty.text = tr("Empty: tap a person, then “Table {n}”.").format(n=table) if table \
                else tr("Say how many are here: + Person.")
            grid.add_widget(empty)
        return col

    # -- intents --------------------------------------------------------------------

    def count_off(self, at_random: bool):
        """Today's count-off again, over the tables there are (none yet: the method's size)."""
        people, method = _room(self.app)
        size = method.table_size if not people.tables else ()
        rng = random.SystemRandom() if at_random else None
        self.app.act(people.split, size=size, rng=rng, undo=people)

    def add_person(self):
        people, _ = _room(self.app)
        self.app.act(people.add, undo=people)

    def add_table(self):
        people, _ = _room(self.app)
        self.app.act(people.add_table, undo=people)

    def undo(self):
        self.app.undo()

    def open_person(self, person_id: int):
        people, _ = _room(self.app)
        if not people.known(person_id):
            return
        self.sheet = PersonSheet(person_id)
        self.sheet.open()


class PersonSheet(ModalView):
    """One participant: a first name, another table, or off the list."""

    heading = StringProperty("")

    def __init__(self, person_id: int, **kw):
        super().__init__(**kw)
        self.app = App.get_running_app()
        self.person_id = person_id
        people, _ = _room(self.app)
        person = people.get(person_id)
        s = self.app.s
        where = tr("Table {n}").format(n=person.table) if person.table and person.table <= people.tables \
            else (tr("No table yet") if people.tables else "")
        self.heading = escape_markup(label(person, tr)) + (f"  ·  {where}" if where else "")
        self.ids.name.text = person.name
        self.ids.keyboard.bind(on_enter=lambda *_: self.save_name())
        moves = self.ids.moves
        for t in range(1, people.tables + 1):
            here = t == person.table
            b = KButton(text=(sym("✓") + " " if here else "") + str(t), markup=True, size_hint_x=None,
                        width=(150 if here else 120) * s, height=110 * s, font_size=48 * s,
                        face=theme.ACCENT_DARK if here else theme.PANEL_HI)
            b.bind(on_release=lambda _b, t=t, here=here: self.dismiss() if here else self.move(t))
            moves.add_widget(b)
        self.ids.move_row.opacity = 1 if people.tables else 0
        self.ids.move_row.disabled = not people.tables

    def on_open(self):
        self.ids.name.focus = True

    def save_name(self):
        people, _ = _room(self.app)
        if self.app.act(people.rename, self.person_id, self.ids.name.text, undo=people) is not FAILED:
            self.dismiss()

    def move(self, table: int):
        """Another table; mid-step in table groups the post-its already written stay with
        the table they were written at, and the screen says so."""
        people, _ = _room(self.app)
        before = people.table_of(self.person_id)
        moved = self.app.act(people.move, self.person_id, table, undo=people)
        if moved is FAILED:
            return
        self.dismiss()
        ws, wall = self.app.workshop, self.app.wall()
        step = ws.session.step if ws is not None else None
        if step is not None and step.groups and before and before != table and wall is not None and any(
                n.author == self.person_id and n.step == step.id for n in wall.notes()):
            self.app.say(tr("{who} now sits at table {new}. The post-its written at table {old} stay there.")
                         .format(who=label(moved, tr), new=table, old=before))

    def ask_remove(self):
        people, _ = _room(self.app)
        who = label(people.get(self.person_id), tr)
        self.app.confirm(tr("Take {who} off the list? Their post-its stay on the wall, anonymous.").format(who=who),
                         tr("Take off the list"), self.remove)

    def remove(self):
        people, _ = _room(self.app)
        if self.app.act(people.remove, self.person_id, undo=people) is not FAILED:
            self.dismiss()
