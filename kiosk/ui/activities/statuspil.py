"""``statuspil``: the group sees its actions as the board will show them, and sets
each action's starting stage (one tap on a stage of its arrow + confirm).

This is the trivselsdialog's step "present the statuspil": before the group leaves
the wall, every action the action step made appears as an arrow of stages — drawn
by the board's own ``StageArrow`` (the shared widget ``kiosk.ui.widgets.stage_arrow``, so the
step and the idle board look the same) — with its theme and owner. A finger on a
stage of an arrow asks "Start “…” at “sat i gang”?"; yes moves the action there
through the board's core (``Board.move(..., by="workshop")``, logged in its history
like any move), and the kiosk's Undo takes it back while the board's undo window
lasts. The stage list above the arrows is the step's (``params.stages``, else the
default); every arrow shows the stages its action carries (copied from that same
list when the action was made).

Pages, not a scroll list, as on the board: as many rows as fit, ◀ ▶ when there are more.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk.core.activities.actions import Action, ActionError, ActionPlan, stages_from
from kiosk.core.activities.statuspil import Board
from kiosk.core.decisions import body_name
from kiosk.i18n import tr
from kiosk.ui import messages, theme
from kiosk.ui.activities.base import ActivityView
from kiosk.ui.text import short
from kiosk.ui.widgets import sym
from kiosk.ui.widgets.stage_arrow import StageArrow

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

ROW_HEIGHT = 112
"""A row at 1080p: the arrow's chevrons are finger targets (≥ 80 px high)."""
ROW_GAP = 12


class TapArrow(StageArrow):
    """A StageArrow that reports a finger lifted on the stage it went down on."""

    row = ObjectProperty(None, allownone=True)

    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        touch.ud[self] = self.stage_at(touch.x - self.x)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        if self.collide_point(*touch.pos):
            down, up = touch.ud.get(self), self.stage_at(touch.x - self.x)
            if down is not None and down == up and self.row is not None:
                self.row.tapped(up)
        return True


class StageRow(BoxLayout):
    """One action: its theme and owner, and its arrow to tap a stage on."""

    view = ObjectProperty(None, allownone=True)
    action = ObjectProperty(None, allownone=True)
    theme_text = StringProperty("")
    meta_text = StringProperty("")
    proposal_text = StringProperty("")
    """Markup in the arrow's place for a proposal awaiting its body's decision; '' else."""

    def show(self, action: Optional[Action]) -> None:
        self.action = action
        self.opacity = 0 if action is None else 1
        self.disabled = action is None
        if action is None:
            return
        self.theme_text = action.theme_label or "—"
        owner = action.owner or tr("no owner yet")
        state = f"  ·  {tr('Parked')}" if action.parked else ""
        self.meta_text = f"{owner}  ·  {tr('now')}: {action.stage_name}{state}" if action.agreed else owner
        self.proposal_text = "" if action.agreed else (
            f"{sym('◇')} [b]{escape_markup(tr('Proposal · awaiting decision'))}[/b]  "
            + escape_markup(tr("For {body} to decide").format(body=body_name(action.decision.body, tr))))
        arrow = self.ids.arrow
        arrow.stages = list(action.stages)
        arrow.stage = action.stage
        arrow.finished = action.finished and not action.dropped
        arrow.faint = action.parked or action.dropped

    def tapped(self, stage: int) -> None:
        if self.view is not None and self.action is not None:
            self.view.ask(self.action, stage)


class StageUndo:
    """The kiosk's Undo for stages set in this step: the board's own undo (its window,
    its history), newest first; a stage changed since (or too long ago) is skipped."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self._done: list[tuple[str, int, object]] = []

    def push(self, action: Action) -> None:
        self._done.append((action.session_id, action.id, action.place))
        del self._done[:-50]

    @property
    def can_undo(self) -> bool:
        while self._done:
            sid, aid, place = self._done[-1]
            try:
                a = self.board.action(sid, aid)
            except ActionError:
                a = None
            if a is not None and a.place == place and self.board.undo_left(a) > 0:
                return True
            self._done.pop()
        return False

    def undo(self):
        sid, aid, place = self._done.pop()
        return self.board.undo(sid, aid, seen_stage=place)


class StatuspilView(ActivityView):
    wide = True
    """The arrows need the width: the timer column narrows."""
    prompts_text = StringProperty("")
    stages_text = StringProperty("")
    """The step's stage list in words: 'aftalt → sat i gang → …'."""
    empty_text = StringProperty("")
    page = NumericProperty(0)
    pages = NumericProperty(1)
    page_text = StringProperty("")
    has_actions = BooleanProperty(False)

    def __init__(self, **kw):
        super().__init__(**kw)
        app = self.app
        self.board = Board(app.store, app.clock)
        self.undoer = StageUndo(self.board)
        self.rows: list[StageRow] = []
        self.actions: list[Action] = []
        try:
            self.stages = list(stages_from(self.step.params))
        except ActionError:  # a bad list is the method file's fault; the catalogue reports it
            self.stages = list(stages_from(None))
        self.prompts_text = "\n".join(f"•  {escape_markup(p)}" for p in self.step.prompts)
        self.stages_text = f"  {sym('▶')}  ".join(escape_markup(s) for s in self.stages)
        self.ids.example.stages = self.stages
        self.ids.body.bind(size=self._layout)
        self.refresh()

    # -- reading ------------------------------------------------------------------------

    def _layout(self, *_):
        s = self.app.s
        n = max(1, int((self.ids.body.height + ROW_GAP * s) // ((ROW_HEIGHT + ROW_GAP) * s)))
        if n == len(self.rows):
            return
        box = self.ids.rows
        while len(self.rows) > n:
            box.remove_widget(self.rows.pop())
        while len(self.rows) < n:
            row = StageRow(view=self)
            row.ids.arrow.row = row
            self.rows.append(row)
            box.add_widget(row)
        self._fill()

    def refresh(self):
        """Read this session's actions from the store (the action step may have added some)."""
        try:
            plan = ActionPlan(self.app.store, self.workshop.session.id, self.app.clock)
            self.actions = plan.actions()
        except ActionError:
            self.actions = []
        self.has_actions = bool(self.actions)
        self.empty_text = "" if self.actions else tr(
            "No actions yet. The action plan step makes them; each one gets an arrow like this.")
        self._fill()

    def _fill(self):
        n = max(1, len(self.rows))
        self.pages = max(1, math.ceil(len(self.actions) / n))
        self.page = min(int(self.page), self.pages - 1)
        start = int(self.page) * n
        for i, row in enumerate(self.rows):
            j = start + i
            row.show(self.actions[j] if j < len(self.actions) else None)
        total = len(self.actions)
        if total and self.pages > 1:
            self.page_text = tr("Page {page} of {pages}  ·  {n} actions").format(
                page=int(self.page) + 1, pages=self.pages, n=total)
        else:
            self.page_text = (tr("{n} actions").format(n=total) if total != 1 else tr("1 action")) if total else ""

    def turn(self, delta: int):
        self.page = max(0, min(self.pages - 1, int(self.page) + delta))
        self._fill()

    def row_for(self, action_id: int) -> Optional[StageRow]:
        """The row showing an action on this page (for tests)."""
        return next((r for r in self.rows if r.action is not None and r.action.id == action_id), None)

    # -- setting a stage -------------------------------------------------------------------

    def ask(self, action: Action, stage: int) -> None:
        app = self.app
        if action.parked:
            app.say(messages.refusal("parked"), "error")
            return
        if stage == action.stage:
            app.say(messages.refusal("no_move"), "error")
            return
        name = action.stages[stage]
        app.confirm(tr("Start “{theme}” at “{stage}”?").format(theme=short(action.theme_label or "—"), stage=name),
                    tr("Set “{stage}”").format(stage=name), lambda: self.set_stage(action, stage),
                    face=theme.GO)  # a move forward, as the board's: vermillion is for ending and deleting

    def set_stage(self, action: Action, stage: int):
        """Move the action to ``stage`` (what was seen: its place when the row was drawn)."""
        moved = self.app.act(self.board.move, action.session_id, action.id, stage,
                             seen_stage=action.place, by="workshop", undo=self.undoer)
        if hasattr(moved, "place"):
            self.undoer.push(moved)
        self.refresh()
        return moved


View = StatuspilView
