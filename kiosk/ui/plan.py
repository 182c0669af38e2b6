"""Plan the times before the start: every step with its minutes and big − / + buttons.

The rules (bounds, totals, which steps may be left out) are ``kiosk.core.plan.Plan``;
this screen shows a plan and sends each tap to it. The plan is a draft until Start on
the team screen (like the team's name, nothing is stored before that); each change is
handed straight back to the team screen, so Back and Done both keep it. Reset asks
first, as it throws away every adjustment at once.
"""

from __future__ import annotations

import time

from kivy.app import App
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.core import activities
from kiosk.core.plan import Plan, PlanError
from kiosk.i18n import tr
from kiosk.ui import messages
from kiosk.ui.screen import KioskScreen
from kiosk.ui.text import duration
from kiosk.ui.widgets.scroll import FingerScroll, page, paging  # noqa: F401  (FingerScroll: plan.kv)
from kiosk.ui.widgets import sym

def minutes_text(m: float) -> str:
    return tr("{m} min").format(m=f"{m:g}")


class PhaseHeader(Label):
    """An agenda point with several steps: its number, title and planned minutes."""


class MeetingHeader(Label):
    pass


class StepRow(BoxLayout):
    step_id = StringProperty("")
    title = StringProperty("")
    minutes_text = StringProperty("")
    note = StringProperty("")
    optional = BooleanProperty(False)
    on = BooleanProperty(True)
    can_minus5 = BooleanProperty(True)
    can_minus1 = BooleanProperty(True)
    can_plus1 = BooleanProperty(True)
    can_plus5 = BooleanProperty(True)
    changed = BooleanProperty(False)
    indent = BooleanProperty(False)


class PlanScreen(KioskScreen):
    plan = ObjectProperty(None, allownone=True)
    title_text = StringProperty("")
    total_label = StringProperty("")
    total_text = StringProperty("")
    guide_text = StringProperty("")
    end_text = StringProperty("")
    meetings_text = StringProperty("")
    can_up = BooleanProperty(False)
    can_down = BooleanProperty(False)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.rows: dict[str, StepRow] = {}
        self.headers: list[tuple[PhaseHeader, object]] = []
        self._built_for = None
        App.get_running_app().bind(lang=lambda *_: self.build())

    # -- drawing from the plan ------------------------------------------------------

    def prepare(self, plan: Plan):
        self.plan = plan
        self.build()
        self.ids.scroll.scroll_y = 1

    def build(self):
        """One row per step, grouped by agenda point and meeting (built once per method)."""
        plan = self.plan
        box = self.ids.rows
        box.clear_widgets()
        self.rows, self.headers = {}, []
        if plan is None:
            return
        self.title_text = tr("Plan the times: {method}").format(method=plan.guide.title)
        several = len(plan.meetings()) > 1
        meeting = None
        for no, phase in enumerate(plan.phases(), start=1):
            if several and phase.meeting != meeting:
                meeting = phase.meeting
                box.add_widget(MeetingHeader(text=tr("Meeting {n}").format(n=meeting)))
            single = len(phase.steps) == 1 and phase.steps[0].title == phase.title
            if not single:
                header = PhaseHeader()
                self.headers.append((header, (no, phase)))
                box.add_widget(header)
            for s in phase.steps:
                title = escape_markup(f"{no}. {s.title}" if single else s.title)
                row = StepRow(step_id=s.id, title=title, optional=s.optional, indent=not single)
                self.rows[s.id] = row
                box.add_widget(row)
        self._built_for = plan.guide
        self.refresh()

    def on_plan(self, *args):
        if self.plan is not None and self._built_for is not None and self.plan.guide is self._built_for:
            self.refresh()
        team = App.get_running_app().screen("team")
        if self.plan is not None and team.method is self.plan.guide:
            team.plan = self.plan  # Back and Done both keep the adjustments

    def refresh(self):
        plan = self.plan
        if plan is None:
            return
        for sid, row in self.rows.items():
            step = plan.step(sid)
            m = plan.minutes_of(sid)
            on = plan.is_on(sid)
            row.on = on
            row.minutes_text = minutes_text(m) if on else "–"
            row.changed = on and m != step.minutes
            row.can_minus5 = plan.can_change(sid, -5)
            row.can_minus1 = plan.can_change(sid, -1)
            row.can_plus1 = plan.can_change(sid, +1)
            row.can_plus5 = plan.can_change(sid, +5)
            notes = []
            if on and row.changed:
                notes.append(sym("✎") + " " + escape_markup(tr("The guide: {time}").format(time=minutes_text(step.minutes))))
            elif on and step.optional:
                notes.append(tr("Optional"))
            plan_note = activities.get(step.activity).plan_note
            if on and plan_note is not None:  # e.g. the rounds, which shrink and grow with the step
                notes.append(escape_markup(plan_note(plan.planned_step(sid).params, tr)))
            row.note = "  ·  ".join(notes)  # a step left out: struck through, its switch says so
        for header, (no, phase) in self.headers:
            header.text = (f"[b]{no}. {escape_markup(phase.title)}[/b]   "
                           f"{escape_markup(duration(plan.phase_total(phase)))}")
        meetings = plan.meetings()
        # the first meeting is the one that starts now; the others are weeks away
        self.total_label = tr("Meeting {n}").format(n=meetings[0]) if len(meetings) > 1 else tr("Total")
        self.total_text = duration(plan.total(meetings[0]))
        self.guide_text = tr("The guide: {time}").format(time=duration(plan.guide_total(meetings[0])))
        self.meetings_text = "\n".join(
            tr("Meeting {n}").format(n=n) + ": " + duration(plan.total(n)) for n in meetings[1:])
        self.tick()
        self.ids.reset.disabled = not plan.changed
        self.update_paging()

    def tick(self):
        """The planned end follows the clock (the app ticks the current screen)."""
        if self.plan is None:
            return
        now = App.get_running_app().clock.now()
        end = time.strftime("%H:%M", time.localtime(self.plan.ends_at(now, self.plan.meetings()[0])))
        if end != self.end_text:
            self.end_text = end

    # -- paging for those who do not swipe -------------------------------------------

    def update_paging(self, *args):
        self.can_up, self.can_down = paging(self.ids.scroll, self.ids.rows)

    def page(self, direction: int):
        page(self.ids.scroll, self.ids.rows, direction)
        self.update_paging()

    # -- intents ------------------------------------------------------------------------

    def _try(self, change):
        try:
            self.plan = change(self.plan)
        except PlanError as e:
            App.get_running_app().say(messages.refusal(e.reason), "error")

    def change(self, step_id: str, delta: float):
        self._try(lambda p: p.change(step_id, delta))

    def switch(self, step_id: str):
        self._try(lambda p: p.switch(step_id, not p.is_on(step_id)))

    def reset(self):
        if self.plan is None or not self.plan.changed:
            return
        app = App.get_running_app()
        app.confirm(tr("Set every step back to the guide's times?"), tr("Reset"),
                    lambda: self._try(lambda p: p.reset()))

    def done(self):
        App.get_running_app().show("team")
