"""Name the team, see the plan, then start: the last screen before the workshop runs.

The plan (the step lengths, ``kiosk.core.plan.Plan``) starts as the guide's; "Adjust
the times" opens the plan screen, which hands its plan back here. Start begins the
workshop on the planned snapshot of the method; the method file is never touched.

Who is here: the facilitator may say how many people came (0: nobody counted, the
workshop runs as one pair of hands, as before) and, for a method that works in table
groups, how many tables and whether the count-off is at random or in order. Start
makes the session's participants, anonymous ("Participant 1…N"), and seats them.
"""

from __future__ import annotations

import logging
import random
import time

from kivy.app import App
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.utils import escape_markup

from kiosk.core.people import PEOPLE_MAX, TABLES_MAX, check_count, count_tables
from kiosk.core.plan import Plan, draft_for
from kiosk.core.session import TEAM_MAX
from kiosk.core.workshop import Workshop, prepared_kinds
from kiosk.i18n import tr
from kiosk.store import StoreError
from kiosk.ui.act import FAILED
from kiosk.ui.screen import KioskScreen
from kiosk.ui.text import duration
from kiosk.ui.widgets import keyboard  # noqa: F401  (registers the keyboard's kv rules)
from kiosk.ui.widgets import sym

log = logging.getLogger("kiosk")


def plan_summary(plan: Plan, now: float) -> str:
    """'2 h 20 min · ends about 11:20' (meeting 1 of several: 'Meeting 1: …')."""
    total = duration(plan.total(1))
    end = time.strftime("%H:%M", time.localtime(plan.ends_at(now, 1)))
    head = tr("Meeting {n}").format(n=1) + ": " if len(plan.meetings()) > 1 else ""
    return f"{head}{total} · " + tr("ends about {time}").format(time=end)


def has_tables(method) -> bool:
    """Does the method work in table groups (a table size, or a step run in groups)?"""
    return bool(method.table_size) or any(s.groups for s in method.steps)


def seat_room(count: int, tables: int, at_random: bool):
    """The intent that makes a new session's participants (``app.start_workshop``'s
    ``room``): ``count`` of them, anonymous, split over ``tables`` (0: not split), at
    random or in order of number."""

    def seat(people):
        people.set_count(count)
        if count and tables:
            people.split(tables=tables, rng=random.SystemRandom() if at_random else None)
        return people

    return seat


def _digits(text: str, _undo: bool) -> str:
    """The count field takes digits only (a typed '-' or '.' never reaches the rules)."""
    return "".join(c for c in text if c.isdigit())


class TeamScreen(KioskScreen):
    _quiet = False
    banner_edge = "top"
    """A message lies over the head, never over the keyboard and the count of people below
    it, which the group needs next (the head's buttons wait for OK)."""
    method = ObjectProperty(None, allownone=True)
    plan = ObjectProperty(None, allownone=True)
    """The facilitator's plan for this method (the guide's until adjusted)."""
    counter = StringProperty("")
    plan_text = StringProperty("")
    prepare_text = StringProperty("")
    """The "Prepare" button's words; '' when the method has no kind to prepare (no button)."""
    prepare_face = ListProperty([0.44, 0.26, 0.36, 1])
    people = NumericProperty(0)
    """How many are here (0: nobody counted; the workshop runs without participants)."""
    tables = NumericProperty(0)
    """How many table groups (suggested from the method's table size as the count changes)."""
    at_random = BooleanProperty(True)
    """The count-off: at random, or in order of number."""
    grouped = BooleanProperty(False)
    """The method works in table groups: the tables and the count-off are shown."""
    tables_label = StringProperty("")
    room_hint = StringProperty("")
    typing = StringProperty("name")
    """Which field the on-screen keyboard types into: 'name' or 'count'."""
    digits = ObjectProperty(_digits)

    def prepare(self, method):
        app = App.get_running_app()
        self._quiet = True  # nothing to save while the screen is being set up
        draft = None
        if app.store is not None:
            try:
                draft = draft_for(app.store.get_state("draft"), method.id, app.clock.now())
            except StoreError:
                draft = None
        self.method = method
        plan = Plan.of(method)
        self.plan = plan.with_draft(draft) if draft else plan
        self.ids.name.text = (draft or {}).get("team", "")[:TEAM_MAX]
        self.grouped = has_tables(method)
        self._room_from(draft or {})
        self.typing = "name"
        self._quiet = False
        if draft and (self.ids.name.text or self.plan.changed or self.people):
            app.say(tr("The team's name and the times from before are back."))
        kinds = prepared_kinds(method)
        if kinds:
            from kiosk.ui.widgets.cards import COLOURS

            kind = kinds[0][1]
            self.prepare_text = sym("♦") + "  " + escape_markup(
                tr("Prepare “{kind}” first").format(kind=" / ".join(k["title"] for _, k in kinds)))
            self.prepare_face = [c * 0.55 for c in COLOURS.get(kind.get("colour"), COLOURS["pink"])[:3]] + [1]
        else:
            self.prepare_text = ""

    def on_pre_enter(self, *args):
        self.tick()

    def on_enter(self, *args):
        self.ids.name.focus = True

    def on_plan(self, *args):
        self.tick()
        self.save_draft()

    def on_leave(self, *args):
        self.save_draft()

    def save_draft(self):
        """Keep the typed name and the adjusted times in kiosk.json, so walking away
        (the board comes back) or a power cut before Start loses nothing; gone once the
        session exists. A failed write costs only the draft, so it is logged, not shown."""
        app = App.get_running_app()
        if self._quiet or self.method is None or self.plan is None or app.store is None:
            return
        text = self.ids.name.text
        if text.strip() or self.plan.changed or self.people:
            self._store_draft({"method": self.method.id, "team": text, **self.plan.to_draft(),
                               **self._room_draft(), "at": app.clock.now()})
            return
        try:
            stored = app.store.get_state("draft")
        except StoreError:
            return
        if isinstance(stored, dict) and stored.get("method") == self.method.id:
            self._store_draft(None)  # emptied here; another method's draft stays

    def _store_draft(self, value):
        app = App.get_running_app()
        try:
            app.store.set_state("draft", value)
        except StoreError as e:
            log.warning("the team screen's draft was not stored: %s", e)

    def _made(self):
        """The session exists: the draft has done its job."""
        self._quiet = True
        self._store_draft(None)

    def tick(self):
        """The planned end moves with the clock while the team is named."""
        plan = self.plan
        if plan is None:
            self.plan_text = ""
            return
        app = App.get_running_app()
        s = app.s
        first = escape_markup(plan_summary(plan, app.clock.now()))
        if plan.changed:
            n = len(plan.changed_steps())
            second = sym("✎") + " " + (tr("1 step adjusted") if n == 1 else tr("{n} steps adjusted").format(n=n))
        else:
            second = tr("The guide's times")
        text = f"[b]{first}[/b]\n[size={int(28 * s)}]{second}[/size]"
        if text != self.plan_text:
            self.plan_text = text

    def name_changed(self, text: str):
        if len(text) > TEAM_MAX:  # keep the field honest: the counter never lies
            self.ids.name.text = text[:TEAM_MAX]
            return
        self.counter = f"{len(text)}/{TEAM_MAX}"

    def adjust(self):
        app = App.get_running_app()
        app.screen("plan").prepare(self.plan)
        app.show("plan")

    def planned_method(self):
        """What the session starts with: the method itself, or its adjusted snapshot."""
        if self.plan is None or not self.plan.changed:
            return self.method
        return self.plan.method()

    # -- who is here ---------------------------------------------------------------

    def _room_from(self, draft: dict):
        """The count, tables and count-off of a fresh draft; anything malformed is 0."""
        people, tables = draft.get("people"), draft.get("tables")
        ok = lambda v, most: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= most  # noqa: E731
        self.people = people if ok(people, PEOPLE_MAX) else 0
        self.at_random = draft.get("count_off") != "order"
        if self.people and self.grouped:
            self.tables = tables if ok(tables, min(self.people, TABLES_MAX)) and tables else self.suggested()
        else:
            self.tables = 0
        self.ids.count.text = str(self.people)
        self._room_words()

    def _room_draft(self) -> dict:
        return {"people": int(self.people), "tables": int(self.tables),
                "count_off": "random" if self.at_random else "order"} if self.people else {}

    def suggested(self) -> int:
        """The tables the method's table size asks for with this many people."""
        if not self.people or not self.grouped:
            return 0
        return count_tables(int(self.people), self.method.table_size)

    def _room_words(self):
        method = self.method
        size = method.table_size if method is not None else ()
        if size:
            most = f"{size[0]}–{size[-1]}" if size[0] != size[-1] else str(size[0])
            self.tables_label = tr("Tables of {n}").format(n=most)
        else:
            self.tables_label = tr("Tables")
        self.room_hint = tr("Optional. Everyone stays anonymous: “Participant 1, 2, 3 …”; a name can be given later.")

    def set_people(self, n: int) -> bool:
        """A new count (typed, or − / +): refused beyond 0–200 with the rules' message;
        the tables follow the method's suggestion."""
        app = App.get_running_app()
        if app.act(check_count, n) is FAILED:
            self.ids.count.text = str(self.people) if self.people else ""
            return False
        changed = n != self.people
        self.people = n
        self.tables = self.suggested()
        if changed:
            self.save_draft()
        return True

    def step_people(self, delta: int):
        self.set_people(max(0, int(self.people) + delta))
        self.ids.count.text = str(self.people)

    def count_typed(self, text: str):
        if self._quiet or self.method is None:
            return
        value = int(text) if text else 0
        if value != self.people:
            self.set_people(value)

    def step_tables(self, delta: int):
        """One table more or fewer: more tables than people is refused with its message."""
        app = App.get_running_app()
        want = int(self.tables) + delta
        if want < 1:
            return
        got = app.act(count_tables, int(self.people), self.method.table_size, want)
        if got is not FAILED:
            self.tables = got
            self.save_draft()

    def toggle_count_off(self):
        self.at_random = not self.at_random
        self.save_draft()

    def typing_in(self, field: str, focused: bool):
        """The on-screen keyboard types where the finger last put the cursor; the count
        field's 0 goes as it is entered, so the digits typed are the count."""
        count = self.ids.count
        if focused:
            self.typing = field
            if field == "count" and count.text == "0":
                count.text = ""
        elif field == "count" and not count.text:
            count.text = str(self.people)

    def room(self):
        """What Start makes of who is here: None when nobody was counted (no participants,
        the workshop as it always was), else the intent that seats them."""
        if not self.people:
            return None
        return seat_room(int(self.people), int(self.tables) if self.grouped else 0, self.at_random)

    def start(self):
        app = App.get_running_app()
        if self.people and self.grouped and \
                app.act(count_tables, int(self.people), self.method.table_size, int(self.tables)) is FAILED:
            return
        if app.start_workshop(self.planned_method(), self.ids.name.text, room=self.room()):
            self._made()

    def prepare_notes(self):
        """Make the session without starting it and open the prepare screen for its notes
        (a running workshop, an empty name: refused with a message, nothing made)."""
        app = App.get_running_app()
        session = app.act(Workshop.prepare, app.store, app.clock, self.planned_method(), self.ids.name.text,
                          app.lang)
        if session is FAILED:
            return
        room = self.room()
        if room is not None:
            from kiosk.core.people import People

            app.act(room, People(app.store, session.id, app.clock))
        self._made()
        app.dismiss_notice()
        if app.screen("prepare").open(session.id, back="team"):
            app.show("prepare")

    def back(self):
        App.get_running_app().show("picker")
