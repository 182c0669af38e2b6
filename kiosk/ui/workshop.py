"""The running workshop: the step, a big countdown, the controls and the agenda.

Every button sends one intent to ``kiosk.core.workshop.Workshop`` through
``app.act``; the screen then redraws from the stored session. The countdown is
recomputed from the timer's facts on each tick, never counted down here.

A method of several meetings: the agenda shows the current meeting's points only,
Previous stops at the meeting's first step, and at its last step Next becomes
"End meeting 1", which asks for the next meeting's day (the action plan's date
picker) and then leaves the session waiting; the kiosk shows the board.

Beside Undo and Menu: Minutes opens the referent's panel for the current step (in colour
where the method asks for minutes, ticked once there are some), and a quiet Facilitator
button opens the facilitator's notes, there only while the panel is open.
"""

from __future__ import annotations

import time

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.core.activities import declared_kinds
from kiosk.core.activities.actions import next_meeting_suggestion, today
from kiosk.core.minimum import shortfall
from kiosk.core.minutes import Minutes
from kiosk.core.timer import format_big, format_clock
from kiosk.i18n import N_, tr
from kiosk.ui import sound, theme
from kiosk.ui.act import FAILED
from kiosk.ui.activities import view_for
from kiosk.ui.screen import KioskScreen
from kiosk.ui.later import guarded, let_go
from kiosk.ui.widgets import RenderAfterLayout, layout_pending, sym


TIMER_INK = 0.8
"""The timer's font size is at most its box's height over this: drawn bold, the digits'
ink is 0.73 em high and sits 0.013 em above the line's middle, so at 0.8 em a box
holds the digits with a margin. The rest of the label's texture (room for accents
and descenders digits do not have) may spill over its neighbours; it is empty."""
TIMER_ADVANCE = 0.56
"""...and at most its width over this per character: a bold digit's ink is at most
0.55 em wide ('+' included), so '+12' or '120' stays inside the narrow column."""
TITLE_LEAST = 36
"""px at 1080p: the smallest the step's title gets beside the top row's buttons before it is cut."""


def _cut_by_letters(text: str, width: float, height: float, size: float, bold: bool) -> str:
    """The longest start of ``text`` that, with '…', fits the box without a word broken
    across lines ('7. Oppsumm…' where the word 'Oppsummering' is wider than the box)."""
    from kiosk.ui.text import _height

    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _height(text[:mid].rstrip() + "…", width, size, bold) <= height + 0.5:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


_CLOCK_DOUBTS = {
    "clock_back": N_("The clock changed while the kiosk was off. The timer may be off: check it, and add or take away minutes."),
    "off_long": N_("The kiosk was off for a long time, or its clock changed. The timer may be off: check it, and add or take away minutes."),
}


def say_clock_doubt(app, doubt: str) -> None:
    """After a restart whose time off could not be measured (kiosk.core.workshop.resume):
    say so until someone taps OK, beside a notice already showing (a recovered file)."""
    text = tr(_CLOCK_DOUBTS.get(doubt, _CLOCK_DOUBTS["clock_back"]))
    if app.notice and app.notice_kind == "error" and text not in app.notice:
        text = app.notice + "\n" + text
    app.say(text, "error")


def shortfall_text(short, method) -> str:
    """The question before leaving a step short of its own minimum (kiosk.core.minimum)."""
    if short.code == "too_few_chosen":
        if short.most is not None and short.most != short.least:
            need = f"{short.least}–{short.most}"
        else:
            need = str(short.least)
        return tr("Only {n} of {need} chosen. Go on anyway?").format(n=short.have, need=need)
    if short.code == "people_short":
        lacking = short.least - short.have
        if short.kind:
            title = next((k.get("title") or k["id"] for _, k in declared_kinds(method.steps)
                          if k["id"] == short.kind), short.kind)
            return tr("{n} people still lack a “{kind}” post-it. Go on anyway?").format(n=lacking, kind=title)
        return tr("{n} people still lack post-its. Go on anyway?").format(n=lacking)
    if short.code == "too_few_of_kind":
        title = next((k.get("title") or k["id"] for _, k in declared_kinds(method.steps)
                      if k["id"] == short.kind), short.kind)
        return tr("“{kind}”: {n} post-its written, at least {least} asked for. Go on anyway?").format(
            kind=title, n=short.have, least=short.least)
    return tr("{n} post-its written, at least {least} asked for. Go on anyway?").format(
        n=short.have, least=short.least)


class AgendaItem(RenderAfterLayout, Label):
    state = StringProperty("todo")
    """'done', 'now' or 'todo': shown by a mark and a frame, not by colour alone."""
    title = StringProperty("")
    """'3. Vores hverdag': cut after a whole word with '…' when the point is narrow."""
    minutes = StringProperty("")

    def on_size(self, *_):
        self._refit()

    def on_title(self, *_):
        self._refit()

    def _refit(self):
        # once, when the strip's layout is done (in the same frame): measuring text at
        # every intermediate size cost the first frame tens of milliseconds
        if not hasattr(self, "_fit_trigger"):
            self._fit_trigger = Clock.create_trigger(guarded(self._fit_when_laid_out), -1)
            self._fit_waits = 0
        self._fit_trigger()

    def _fit_when_laid_out(self, *_):
        if self._fit_waits < 5 and layout_pending(self):  # a fresh point is 100 px wide
            self._fit_waits += 1
            self._fit_trigger()
            return
        self._fit_waits = 0
        self.fit()

    def fit(self):
        from kiosk.ui.text import fit_text

        if self.width <= 1 or not self.title:
            return
        s = App.get_running_app().s
        mark = {"done": "✓ ", "now": "▶ "}.get(self.state, "")
        line = self.font_size * 1.15
        room = max(line, self.height - line - 8 * s)  # the minutes keep their own line
        args = (self.width - 16 * s, room, self.font_size, self.state == "now")
        fitted = fit_text(mark + self.title, *args)
        if len(fitted.rstrip("…").split()) <= len((mark + self.title.split()[0]).split()):
            fitted = _cut_by_letters(mark + self.title, *args)  # not just "7.…"
        body = escape_markup(fitted[len(mark):] if fitted.startswith(mark) else fitted)
        self.text = (sym(mark.strip()) + " " if mark else "") + f"{body}\n{self.minutes}"


class WorkshopScreen(KioskScreen):
    timer_text = StringProperty("00:00")
    big_text = StringProperty("0")
    """On wall steps: whole minutes (seconds in the last one), big enough in the narrow column."""
    caption_text = StringProperty("")
    """On wall steps, under the big count: its unit, the exact clock and the timer's state."""
    state_text = StringProperty("")
    """A word for the timer's state, so colour is never the only signal."""
    over = BooleanProperty(False)
    running = BooleanProperty(False)
    wide = BooleanProperty(False)
    """The step's tool needs the room (the wall): the timer column narrows."""
    end_text = StringProperty("")
    step_title = StringProperty("")
    phase_title = StringProperty("")
    team = StringProperty("")
    next_text = StringProperty("")
    """The Next button's words when they are not "Next step" ("End meeting 1")."""
    minutes_asked = BooleanProperty(False)
    """The step asks for minutes (its ``record``): the Minutes button stands out."""
    minutes_written = BooleanProperty(False)
    """The step has minutes: the button says so with a tick."""
    phones_offered = BooleanProperty(False)
    """The top row offers the phones' panel: the step takes input, or phones are in."""
    phones_on = BooleanProperty(False)
    """The pad server runs for this session (the button then names the count)."""
    phones_text = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        self._shown = None  # (session id, step index) the activity view was built for
        self._last_remaining = None
        self._book = None  # the running session's minutes (kiosk.core.minutes.Minutes)
        self.minutes_panel = None
        self.facilitator_panel = None
        self.phones_panel = None
        app = App.get_running_app()
        app.bind(revision=lambda *_: self.refresh(), lang=lambda *_: self.refresh(force=True),
                 workshop=self._workshop_changed)

    def _workshop_changed(self, app, workshop):
        """The workshop ended (or another began): its step's view goes at once, so no
        layout pass, resize or clock redraws a step whose workshop is gone."""
        if self._shown is not None and (workshop is None or workshop.session.id != self._shown[0]):
            for view in list(self.ids.activity.children):
                self.ids.activity.remove_widget(view)
                let_go(view)
            self._shown = None
            self.hide_phones()

    @property
    def workshop(self):
        return App.get_running_app().workshop

    def on_pre_enter(self, *args):
        self.refresh(force=True)

    # -- drawing from the core ---------------------------------------------------

    def refresh(self, force: bool = False):
        ws = self.workshop
        if ws is None:
            return
        s = ws.session
        phases = s.method.phases()
        phase_no = next(i for i, p in enumerate(phases) if s.step in p.steps) + 1
        phase = phases[phase_no - 1]
        first = next(i for i, p in enumerate(phases, start=1) if p.meeting == s.meeting)
        self.team = s.team
        if s.meetings > 1:  # the meeting's own points, numbered from 1
            self.team = tr("Meeting {n} of {total}").format(n=s.meeting, total=s.meetings) + "   ·   " + s.team
        self.phase_title = f"{phase_no - first + 1}. {phase.title}"
        self.step_title = s.step.title if len(phase.steps) > 1 else ""
        key = (s.id, s.step_index)
        if force or key != self._shown:
            self._shown = key
            self._last_remaining = None
            area = self.ids.activity
            for old in list(area.children):
                area.remove_widget(old)
                let_go(old)  # it draws no more: its step is gone
            view = view_for(s.step, ws)
            self.wide = view.wide
            area.add_widget(view)
            self.build_agenda(phases, phase_no)
        elif self.view is not None:
            self.view.refresh()  # the same step after a change (a wall action, an undo): it redraws from the core
        self.ids.prev.disabled = s.is_first or s.meeting_starts_here
        self.ids.next.disabled = s.is_last
        self.next_text = tr("End meeting {n}").format(n=s.meeting) if s.meeting_ends_here else ""
        self.ids.undo.disabled = not App.get_running_app().can_undo
        self.minutes_asked = bool(s.step.record)
        self.minutes_written = bool(self.minutes_book().text(s.step.id))
        self.show_phones_button()
        self.draw_timer()

    def build_agenda(self, phases, current: int):
        strip = self.ids.agenda
        strip.clear_widgets()
        s = self.workshop.session
        first = next(i for i, p in enumerate(phases, start=1) if p.meeting == s.meeting)
        for i, p in enumerate(phases, start=1):
            if p.meeting != s.meeting:
                continue  # only this meeting's points: the others are weeks away
            if i < current:
                state = "done"
            elif i == current:
                state = "now"
            else:
                state = "todo"
            strip.add_widget(AgendaItem(state=state, minutes=f"{int(round(p.minutes))} min",
                                        title=f"{i - first + 1}. {p.title}"))

    @property
    def view(self):
        """The step's ``ActivityView`` on screen (None before the first step is drawn)."""
        children = self.ids.activity.children
        return children[0] if children else None

    def tick(self):
        """The app's clock tick (five times a second): the timer, then the step's view."""
        now = self.draw_timer()
        view = self.view
        if now is not None and view is not None:
            view.tick(now)

    def draw_timer(self):
        """The countdown, its words and the planned end, from the timer's facts; returns
        the steady clock's now (None with no workshop)."""
        ws = self.workshop
        if ws is None:
            return None
        app = App.get_running_app()
        ws.keep_time()  # a jump of the wall clock: noticed, logged, ignored by the timers
        doubt = ws.take_clock_doubt()
        if doubt is not None:
            say_clock_doubt(app, doubt)
        now = ws.clock.steady()
        timer = ws.session.timer
        remaining = timer.remaining(now)
        self.running = timer.running
        self.over = remaining < 0
        self.timer_text = format_clock(abs(remaining)) if self.over else format_clock(remaining)
        if self.over:
            self.state_text = tr("Over time")
        elif self.running:
            self.state_text = tr("Running")
        elif timer.started:
            self.state_text = tr("Paused")
        else:
            self.state_text = tr("Ready: tap Start")
        self.big_text, unit = format_big(remaining)
        if unit == "min":
            unit_text = tr("min over time") if self.over else tr("min left")
        else:
            unit_text = tr("sec over time") if self.over else tr("sec left")
        state = "" if self.over else f"  ·  {self.state_text}"  # the unit already says "over time"
        self.caption_text = f"[b]{unit_text}[/b]\n{self.timer_text}{state}"
        end = time.strftime("%H:%M", time.localtime(ws.planned_end()))
        self.end_text = f"{tr('Ends about')}\n[size={int(48 * app.s)}]{end}[/size]"
        # The chime sounds once, when this screen sees the count pass zero while running.
        if timer.running and self._last_remaining is not None and self._last_remaining >= 0 > remaining:
            if app.settings.chime:
                sound.chime()
        self._last_remaining = remaining
        return now

    # -- intents -----------------------------------------------------------------

    def _do(self, name, *args):
        app = App.get_running_app()
        if app.workshop is not None:
            app.act(getattr(app.workshop, name), *args, undo=app.workshop)

    def toggle(self):
        self._do("toggle")

    def add(self, minutes: float):
        self._do("add_minutes", minutes)

    def next(self):
        """On to the next step; a step whose own minimum is not met (kiosk.core.minimum)
        asks first, and the facilitator may still go on."""
        ws = self.workshop
        if ws is None:
            return
        short = shortfall(ws.session.step, App.get_running_app().wall())
        if short is not None:
            self.ask_before_leaving(short)
        else:
            self.go_on()

    def go_on(self):
        ws = self.workshop
        if ws is not None and ws.session.meeting_ends_here:
            self.ask_next_meeting()
        else:
            self._do("next")

    def ask_before_leaving(self, short):
        """'Only 2 of 3–5 chosen. Go on anyway?' with Stay and Go on (green: a step forward)."""
        from kiosk.ui import theme

        app = App.get_running_app()
        app.confirm(shortfall_text(short, app.workshop.session.method), tr("Go on"), self.go_on, face=theme.GO)
        app.confirm_view.ids.no.text = tr("Stay")

    def ask_next_meeting(self):
        """End of a meeting: the day of the next one, picked with the fingers; Save ends
        the meeting (a day that has passed is refused in the picker, which stays open)."""
        from kiosk.ui.widgets.date_picker import DatePicker  # its kv comes with it

        app = App.get_running_app()
        s = self.workshop.session
        self.meeting_picker = picker = DatePicker(
            on_save=app.end_meeting, value=next_meeting_suggestion(app.clock), today_=today(app.clock),
            title=tr("End of meeting {n} · the date of meeting {m}").format(n=s.meeting, m=s.meeting + 1))
        picker.ids.save.text = tr("End meeting {n}").format(n=s.meeting)
        picker.ids["clear"].text = tr("Not known yet")  # ids.clear is the dict method
        picker.open()

    def previous(self):
        self._do("previous")

    # -- the minutes and the facilitator's notes -----------------------------------------

    def minutes_book(self) -> Minutes:
        """The running session's minutes: one controller per session, so the Undo button
        walks back its saves."""
        app = App.get_running_app()
        s = self.workshop.session
        if self._book is None or self._book.session_id != s.id:
            self._book = Minutes(app.store, s.id, s.method, app.clock)
        return self._book

    def open_minutes(self):
        """The referent's panel for this step's minutes. The step is fixed now: a Save
        goes to it even if the group has moved on while the panel was open."""
        from kiosk.ui.widgets.minutes import MinutesPanel  # its kv comes with it

        ws = self.workshop
        if ws is None:
            return
        book, step = self.minutes_book(), ws.session.step
        phase = self.phase_title if not self.step_title else f"{self.phase_title} · {step.title}"

        def save(text):
            return App.get_running_app().act(book.save, step.id, text, undo=book) is not FAILED

        self.minutes_panel = MinutesPanel(on_save=save, text=book.text(step.id),
                                          heading=step.record or tr("Minutes"), step_title=phase)
        self.minutes_panel.open()

    def open_facilitator(self):
        """The facilitator's notes for this step, and the method's (the first tab on the
        method's first step); shown only while the panel is open."""
        from kiosk.ui.widgets.facilitator import FacilitatorPanel  # its kv comes with it

        ws = self.workshop
        if ws is None:
            return
        s = ws.session
        self.facilitator_panel = FacilitatorPanel(s.step, s.method, first=s.step_index == 0)
        self.facilitator_panel.open()

    @staticmethod
    def title_font(text: str, width: float, scale: float) -> float:
        """The step's title at full size, or smaller down to ``TITLE_LEAST`` where the
        top row's buttons leave it too little room (then it is cut with '…')."""
        from kiosk.ui.text import fit_size

        return fit_size(text, width, theme.TITLE * scale, TITLE_LEAST * scale, bold=True)

    def open_people(self):
        """Who is here: a column per table, names, moves, a late comer (the People panel)."""
        from kiosk.ui.widgets.people import PeoplePanel  # its kv comes with it

        if self.workshop is not None:
            self.people_panel = PeoplePanel()
            self.people_panel.open()

    # -- phones and table tablets (kiosk.ui.pads) ------------------------------------------

    def show_phones_button(self, *_):
        """"Open for phones" on a step that takes input; "Phones · 3" while they are in."""
        from kiosk.ui.pads import takes_input

        app = App.get_running_app()
        glue = app.pad_glue(made=False)
        if glue is not None:  # (bound once: bind keeps one of each)
            glue.bind(state=self.show_phones_button, joined=self.show_phones_button)
        self.phones_on = on = glue is not None and glue.state in ("starting", "on")
        ws = self.workshop
        self.phones_offered = on or (ws is not None and takes_input(ws.session.step, ws.session.method))
        if on:
            self.phones_text = tr("Phones") + f" · {glue.joined}"
        else:
            self.phones_text = tr("Open for phones")

    def open_phones(self):
        """Open the door for phones (the server starts) and show the join panel beside the
        step's work area; a second tap, with the panel open, folds it away."""
        from kiosk.ui.widgets.padpanel import WIDTH, PadPanel  # its kv comes with it

        app = App.get_running_app()
        glue = app.pad_glue()
        if self.phones_panel is not None:
            self.hide_phones()
            return
        if glue.state not in ("starting", "on") or not glue.door_open:
            if not glue.open():
                return
        self.phones_panel = panel = PadPanel(size_hint_x=None, width=WIDTH * app.s)
        app.bind(s=self._phones_width)
        self.ids.work.add_widget(panel, index=0)
        self.show_phones_button()

    def _phones_width(self, app, s):
        from kiosk.ui.widgets.padpanel import WIDTH

        if self.phones_panel is not None:
            self.phones_panel.width = WIDTH * s

    def hide_phones(self):
        """Fold the panel away; the door and the joined phones stay as they are."""
        panel, self.phones_panel = self.phones_panel, None
        if panel is None:
            return
        app = App.get_running_app()
        app.unbind(s=self._phones_width)
        panel.release()
        if panel.parent is not None:
            panel.parent.remove_widget(panel)
        self.show_phones_button()

    def undo(self):
        App.get_running_app().undo()

    def menu(self):
        App.get_running_app().screen("pin").ask(then="settings")

    def home(self):
        app = App.get_running_app()
        app.show(app.idle_screen())
