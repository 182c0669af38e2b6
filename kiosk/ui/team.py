"""Name the team, see the plan, then start: the last screen before the workshop runs.

The plan (the step lengths, ``kiosk.core.plan.Plan``) starts as the guide's; "Adjust
the times" opens the plan screen, which hands its plan back here. Start begins the
workshop on the planned snapshot of the method; the method file is never touched.
"""

from __future__ import annotations

import logging
import time

from kivy.app import App
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.utils import escape_markup

from kiosk.core.plan import Plan, draft_for
from kiosk.core.session import TEAM_MAX
from kiosk.core.workshop import Workshop, prepared_kinds
from kiosk.i18n import tr
from kiosk.store import StoreError
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


class TeamScreen(KioskScreen):
    _quiet = False
    method = ObjectProperty(None, allownone=True)
    plan = ObjectProperty(None, allownone=True)
    """The facilitator's plan for this method (the guide's until adjusted)."""
    counter = StringProperty("")
    plan_text = StringProperty("")
    prepare_text = StringProperty("")
    """The "Prepare" button's words; '' when the method has no kind to prepare (no button)."""
    prepare_face = ListProperty([0.44, 0.26, 0.36, 1])

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
        self._quiet = False
        if draft and (self.ids.name.text or self.plan.changed):
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
        if text.strip() or self.plan.changed:
            self._store_draft({"method": self.method.id, "team": text, **self.plan.to_draft(),
                               "at": app.clock.now()})
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

    def start(self):
        app = App.get_running_app()
        if app.start_workshop(self.planned_method(), self.ids.name.text):
            self._made()

    def prepare_notes(self):
        """Make the session without starting it and open the prepare screen for its notes
        (a running workshop, an empty name: refused with a message, nothing made)."""
        app = App.get_running_app()
        from kiosk.ui.act import FAILED

        session = app.act(Workshop.prepare, app.store, app.clock, self.planned_method(), self.ids.name.text,
                          app.lang)
        if session is FAILED:
            return
        self._made()
        app.dismiss_notice()
        if app.screen("prepare").open(session.id, back="team"):
            app.show("prepare")

    def back(self):
        App.get_running_app().show("picker")
