"""``rounds``: timed sub-rounds inside a step (IGP, interview A→B then B→A, check-in).

The current round's name is the biggest text on the screen, its own countdown
beside it, and the list of rounds marks each one done (✓), now (▶) or next (its
number) — by a mark and a frame, not by colour alone. Under them: the current
round's prompts, or the step's (APU's interview guide), big enough for 3 m; beside them
the minutes of earlier steps the step recalls.

Which round runs and its time come from ``kiosk.core.activities.rounds`` (stored facts and
the clock); a round that reaches zero hands over by itself, and the screen chimes.
Leaving the step pauses its rounds (``Workshop`` does it in the step change's write);
coming back builds this view again from the store: the same round, paused.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.core.activities.rounds import Rounds
from kiosk.core.timer import format_clock
from kiosk.i18n import tr
from kiosk.store import StoreError
from kiosk.ui import messages, sound, theme
from kiosk.ui.activities.base import ActivityView
from kiosk.ui.widgets import sym
from kiosk.ui.widgets.minutes import Recall  # noqa: F401  (rounds.kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class RoundRow(Label):
    state = StringProperty("next")
    """'done', 'now' or 'next': a mark and a frame, not colour alone."""


def _minutes(m: float) -> str:
    return f"{m:g} min"


class RoundsView(ActivityView):
    wide = True

    counter = StringProperty("")
    """'Round 2 of 3'."""
    name = StringProperty("")
    clock_text = StringProperty("00:00")
    state_text = StringProperty("")
    over = BooleanProperty(False)
    running = BooleanProperty(False)
    first = BooleanProperty(True)
    last = BooleanProperty(False)
    prompts_text = StringProperty("")
    prompts_title = StringProperty("")
    recalling = BooleanProperty(False)
    """The step shows earlier steps' minutes again (its ``recall``), beside the prompts."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.rounds = Rounds.for_step(self.app.store, self.workshop.session.id, self.step, self.app.clock)
        self._rows: list[RoundRow] = []
        self._shown_round = None
        self._store_failed = False
        self.recalling = bool(self.step.recall)
        self._build_rows()
        self.refresh()

    # -- the clock ---------------------------------------------------------------------

    def tick(self, now: float):
        """The app's tick: store a round that ran out, chime when one ends, redraw the time."""
        ws = self.app.workshop
        if self.app.store is None or ws is None or ws.session.step.id != self.step.id:
            return  # the group left this step: its rounds are paused, nothing to hand over
        try:
            ended = self.rounds.tick()
        except StoreError as e:  # said once on screen; the time shown is still right
            if not self._store_failed:
                self._store_failed = True
                self.app.say(messages.store_error(e), "error")
            ended = 0
        if ended > 0 and self.app.settings.chime:
            sound.chime()
        self._draw_time()
        if self.rounds.current != self._shown_round:
            self.refresh()

    def _draw_time(self):
        r = self.rounds
        remaining = r.remaining()
        self.running = r.running
        self.over = remaining < 0
        self.clock_text = format_clock(abs(remaining)) if self.over else format_clock(remaining)
        if self.over:
            self.state_text = tr("Over time")
        elif self.running:
            self.state_text = tr("Running")
        elif r.state().timer.started:
            self.state_text = tr("Paused")
        else:
            self.state_text = tr("Ready: tap Start round")
        # The last round chimes nothing of its own: it ends with the step, whose timer chimes.

    # -- drawing -----------------------------------------------------------------------

    def _build_rows(self):
        box = self.ids.list
        box.clear_widgets()
        self._rows = []
        many = len(self.rounds.rounds) > 4  # more than fit at full size: share the column
        for _ in self.rounds.rounds:
            row = RoundRow()
            if many:
                row.size_hint_y = 1
                row.font_size = theme.SMALL * self.app.s
            self._rows.append(row)
            box.add_widget(row)

    def refresh(self):
        r = self.rounds
        try:
            r.reload()  # after any change the facts may have been written by someone else
        except StoreError as e:
            self.app.say(messages.store_error(e), "error")
        cur = r.current
        self._shown_round = cur
        rnd = r.round
        n = len(r.rounds)
        self.counter = tr("Round {i} of {n}").format(i=cur + 1, n=n)
        self.name = rnd.name
        self.first = cur == 0
        self.last = cur == n - 1
        for i, (row, state) in enumerate(zip(self._rows, r.marks())):
            mark = {"done": sym("✓"), "now": sym("▶"), "next": f"{i + 1}."}[state]
            word = {"done": tr("done"), "now": tr("now"), "next": ""}[state]
            each = r.rounds[i]
            tail = f"  ·  {word}" if word else ""
            row.text = f"{mark}  {escape_markup(each.name)}\n[size={int(26 * self.app.s)}]{_minutes(each.minutes)}{tail}[/size]"
            row.state = state
        prompts = rnd.prompts or tuple(self.step.prompts)
        self.prompts_title = rnd.name if rnd.prompts else ""
        # a numbered list (the interview guide) keeps its numbers instead of bullets
        lines = [escape_markup(p) if p[:1].isdigit() else f"•  {escape_markup(p)}" for p in prompts]
        lines += [f"{sym('✓')}  {escape_markup(rule)}" for rule in self.step.rules]
        self.prompts_text = "\n".join(lines)
        if self.recalling:
            self.ids.recall.load(self.app.store, self.workshop.session, self.step)
        self._draw_time()

    # -- intents -----------------------------------------------------------------------

    def _do(self, intent, *args):
        self.app.act(intent, *args, undo=self.rounds)
        self.refresh()

    def toggle(self):
        """Start or pause the round; starting the first round also starts the step's timer
        when it is not running yet (the step's time is what the rounds use up)."""
        starting = not self.rounds.running
        self._do(self.rounds.toggle)
        ws = self.app.workshop
        if starting and self.rounds.running and ws is not None and not ws.session.timer.running:
            self.app.act(ws.toggle, undo=ws)

    def next_round(self):
        self._do(self.rounds.next)

    def previous_round(self):
        self._do(self.rounds.previous)

    def add(self, minutes: float):
        self._do(self.rounds.add_minutes, minutes)


View = RoundsView
