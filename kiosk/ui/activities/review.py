"""``review``: the follow-up meeting at the board — the team's open actions, one at a time.

The group stands at the wall and goes through its actions: ◀ ▶ walk them (the order is
kept while the step is on screen, attention first), and for the one shown it writes
its follow-up:

* **what happened** — one line on the big keyboard (the ``Composer``);
* **the stage now** — a tap on a stage of its arrow (the board's own ``StageArrow``);
* **Continue / Adjust / Drop** — framed and marked when chosen, never by colour alone;
* **the next follow-up** — the ``DatePicker`` (its "No date" saves none); a dropped
  action has none.

Nothing is stored until **Save follow-up**: then the whole follow-up goes to the core
(``kiosk.core.activities.review.Review.follow_up``) through ``app.act`` with
``undo=review``, as one write, and the walk moves on to the next action not yet
followed up. What was typed but not saved stays with its action while the group walks
back and forth. A follow-up refused because someone changed the action meanwhile
shows the action as it is now (its stage), keeping the line, verdict and day typed.

With no open actions for the session's team, the view says so and, when other teams
have some, offers them by name (a team typed differently at the start).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk.core.activities.actions import Action, ActionError, parse_date, today
from kiosk.core.activities.review import (LINE_MAX, NEXT_WEEKS, Review, clean_line, clean_next, seen_of,
                                          suggest_next, team_key)
from kiosk.core.activities.statuspil import Board
from kiosk.core.refusal import Refusal
from kiosk.store import StoreError
from kiosk.i18n import N_, tr
from kiosk.ui import theme
from kiosk.ui.act import FAILED
from kiosk.ui.activities.base import ActivityView
from kiosk.ui.text import meeting_day
from kiosk.ui.widgets import KButton, sym
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.widgets.date_picker import DatePicker
from kiosk.ui.widgets.stage_arrow import StageArrow

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

VERDICT_NAMES = {"continue": N_("Continue"), "adjust": N_("Adjust"), "drop": N_("Drop")}
VERDICT_MARKS = {"continue": "▶", "adjust": "↻", "drop": "✕"}
LINE_TITLES = {
    "": N_("What has happened since last time? (one line)"),
    "continue": N_("What has happened since last time? (one line)"),
    "adjust": N_("What has happened, and what do you change? (one line)"),
    "drop": N_("Why do you drop it? (one line)"),
}


def day_text(iso: Optional[str], today_) -> str:
    """'12.01.' this year, '12.01.2028' another year; '' for none."""
    if not iso:
        return ""
    try:
        d = parse_date(iso)
    except ActionError:
        return ""
    return f"{d.day:02d}.{d.month:02d}." + ("" if d.year == today_.year else str(d.year))


@dataclass
class Draft:
    """A follow-up being written, not stored yet."""

    seen: str
    """What was shown of the action (``seen_of``) when the group started on it."""
    stage: int
    line: str = ""
    verdict: str = ""
    next_day: Optional[str] = None
    dirty: bool = False


class ReviewArrow(StageArrow):
    """The action's arrow; a finger lifted on the stage it went down on sets the stage now."""

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
            view = self.parent
            while view is not None and not isinstance(view, ReviewView):
                view = view.parent
            if down is not None and down == up and view is not None:
                view.set_stage(up)
        return True


class ReviewRow(ButtonBehavior, BoxLayout):
    """A tappable line of the follow-up: what is asked, and what is there (or what to do)."""

    title = StringProperty("")
    value = StringProperty("")
    needed = BooleanProperty(False)
    """Nothing there yet and the verdict needs it: the value says so in words."""
    empty = BooleanProperty(True)


class VerdictButton(KButton):
    """Continue, Adjust or Drop: the chosen one is framed, filled and ticked."""

    selected = BooleanProperty(False)


class ReviewView(ActivityView):
    wide = True
    """The arrow needs the width: the timer column narrows."""
    has_action = BooleanProperty(False)
    choosing = BooleanProperty(False)
    """The team list is shown (no actions for the team, or the group asked for it)."""
    empty_text = StringProperty("")
    count = NumericProperty(0)
    position_text = StringProperty("")
    team_text = StringProperty("")
    theme_text = StringProperty("")
    facts_text = StringProperty("")
    agreed_text = StringProperty("")
    """What the group agreed (the measure), when it was written."""
    line_title = StringProperty("")
    status_text = StringProperty("")
    attention = BooleanProperty(False)
    stage_text = StringProperty("")
    line_value = StringProperty("")
    line_empty = BooleanProperty(True)
    line_needed = BooleanProperty(False)
    verdict = StringProperty("")
    next_value = StringProperty("")
    next_enabled = BooleanProperty(True)
    done = BooleanProperty(False)
    """The action shown has a follow-up from this step."""
    stages = ListProperty([])
    stage = NumericProperty(0)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.review = Review(self.app.store, self.app.clock, self.workshop.session.id, self.step.id)
        self.board = Board(self.app.store, self.app.clock)
        self.next_weeks = int(self.step.params.get("next_weeks", NEXT_WEEKS))
        self.keys: list[tuple[str, int]] = []
        """The walk's order: the actions' keys as first read (new ones join at the end)."""
        self.actions: dict[tuple[str, int], Action] = {}
        self.index = 0
        self.drafts: dict[tuple[str, int], Draft] = {}
        self.composer: Optional[Composer] = None
        self.picker: Optional[DatePicker] = None
        self.team_buttons: dict[str, KButton] = {}
        for verdict in VERDICT_NAMES:
            b = VerdictButton(markup=True)
            b.verdict = verdict
            b.bind(on_release=lambda w: self.set_verdict(w.verdict))
            self.ids[f"verdict_{verdict}"] = b
            self.ids.verdicts.add_widget(b)
        self.refresh()

    # -- reading --------------------------------------------------------------------------

    @property
    def current(self) -> Optional[Action]:
        if not self.keys:
            return None
        return self.actions.get(self.keys[min(self.index, len(self.keys) - 1)])

    def draft(self, action: Action) -> Draft:
        d = self.drafts.get(action.key)
        if d is None:
            d = self.drafts[action.key] = Draft(seen=seen_of(action), stage=action.stage,
                                                next_day=suggest_next(action, self.app.clock, self.next_weeks))
        return d

    def refresh(self):
        if self.app.store is None:
            return
        found = self.review.actions(self.keys)
        self.keys = [a.key for a in found]
        self.actions = {a.key: a for a in found}
        self.index = max(0, min(self.index, len(self.keys) - 1))
        for key, d in list(self.drafts.items()):
            a = self.actions.get(key)
            if a is None:
                del self.drafts[key]
            elif not d.dirty:  # nothing chosen yet: start from what is there now
                d.seen, d.stage = seen_of(a), a.stage
                d.next_day = suggest_next(a, self.app.clock, self.next_weeks)
        team = self.review.team
        self.team_text = tr("Team: {team}").format(team=team) if team else tr("Choose the team")
        if self.keys and not self.has_action:
            self.choosing = False  # actions again (a team chosen, an undo): the walk, not the list
        self.has_action = bool(self.keys)
        self.count = len(self.keys)
        if self.keys:
            self.empty_text = tr("Whose actions do you follow up?")
        else:
            others = [t for t in self.review.teams() if team_key(t) != team_key(team)]
            self.empty_text = (tr("“{team}” has no open actions on the board.").format(team=team) if team
                               else tr("No open actions on the board.")) + (
                "\n" + tr("Whose actions do you follow up?") if others else
                "\n" + tr("Nothing to follow up today: go on to the next step."))
            self.choosing = bool(others)
        self._draw_teams()
        self._draw()

    def _draw_teams(self):
        box = self.ids.teams
        box.clear_widgets()
        self.team_buttons = {}
        if not self.choosing:
            return
        current = team_key(self.review.team)
        s = self.app.s
        width = max(300 * s, (self.width - 2 * box.spacing[0]) / box.cols)  # sized here: the grid only places them
        for name in self.review.teams():
            b = KButton(text=escape_markup(name), markup=True, size_hint=(None, None), size=(width, theme.TARGET * s),
                        face=theme.ACCENT_DARK if team_key(name) == current else theme.PANEL_HI)
            b.bind(on_release=lambda w, n=name: self.choose_team(n))
            self.team_buttons[name] = b
            box.add_widget(b)

    def _draw(self):
        a = self.current
        if a is None:
            self.position_text = ""
            return
        day0 = today(self.app.clock)
        d = self.draft(a)
        here = self.review.here(a)
        n = len(self.keys)
        done_n = sum(1 for k in self.keys if self.review.here(self.actions[k]) is not None)
        self.position_text = tr("Action {i} of {n}").format(i=self.index + 1, n=n) + "  ·  " + (
            tr("all followed up") if done_n == n else tr("{k} followed up").format(k=done_n))
        self.theme_text = escape_markup(a.theme_label or "—")
        team, method = self.review.origin(a)
        facts = [x for x in (a.owner and tr("Responsible: {owner}").format(owner=a.owner),
                             a.follow_up and tr("Follow-up {date}").format(date=day_text(a.follow_up, day0)),
                             team, method) if x]
        self.facts_text = "  ·  ".join(escape_markup(x) for x in facts)
        agreed = self.review.agreed_lines(a)[:1]
        self.agreed_text = "".join(f"[b]{escape_markup(title)}[/b]  {escape_markup(' '.join(text.split()))}"
                                   for title, text in agreed)
        self.done = here is not None
        self.attention = False
        if here is not None:
            verdict = tr(VERDICT_NAMES.get(here.get("verdict"), "")) if here.get("verdict") else ""
            said = tr("Followed up today") + (f": {verdict}" if verdict else "")
            self.status_text = f"{sym('✓')} " + escape_markup(said)
        elif self.board.overdue(a, today=day0):
            self.attention = True
            self.status_text = f"[b]{sym('⚠')} " + escape_markup(tr("Not followed up since {date}").format(
                date=day_text(a.follow_up, day0))) + "[/b]"
        elif a.parked:
            self.status_text = f"{sym('▮▮')} " + escape_markup(tr("Parked: Continue or Adjust takes it up again"))
        elif a.followed_up:
            self.status_text = escape_markup(tr("Last followed up {date}").format(date=day_text(a.followed_up, day0)))
        else:
            self.status_text = escape_markup(tr("Not followed up yet"))
        self.stages = list(a.stages)
        self.stage = d.stage
        arrow = self.ids.arrow
        arrow.stages, arrow.stage = list(a.stages), d.stage
        arrow.finished = d.stage == a.last_stage and d.verdict != "drop"
        arrow.faint = d.verdict == "drop"
        was = a.stages[a.stage]
        now = a.stages[d.stage]
        self.stage_text = escape_markup(tr("Stage now: {stage}").format(stage=now) if d.stage == a.stage
                                        else tr("Stage now: {stage} (was {was})").format(stage=now, was=was))
        self.verdict = d.verdict
        for verdict, name in VERDICT_NAMES.items():
            b = self.ids[f"verdict_{verdict}"]
            on = d.verdict == verdict
            b.selected = on
            b.face = (theme.WARN if verdict == "drop" else theme.ACCENT_DARK) if on else theme.PANEL_HI
            b.text = f"{sym('✓' if on else VERDICT_MARKS[verdict])}  " + escape_markup(tr(name))
        self.line_needed = d.verdict in ("adjust", "drop") and not d.line
        self.line_empty = not d.line
        self.line_value = escape_markup(d.line) if d.line else (
            tr("Needed · tap to write") if self.line_needed else tr("Tap to write"))
        self.line_title = tr(LINE_TITLES[d.verdict])
        self.next_enabled = d.verdict != "drop"
        if d.verdict == "drop":
            self.next_value = tr("None: it is dropped")
        elif d.next_day:
            self.next_value = escape_markup(meeting_day(d.next_day, day0))
        else:
            self.next_value = tr("No date · tap to pick")

    # -- walking --------------------------------------------------------------------------

    def turn(self, delta: int):
        if self.keys:
            self.index = (self.index + delta) % len(self.keys)
            self._draw()

    def toggle_teams(self):
        self.choosing = not self.choosing
        self._draw_teams()

    def choose_team(self, name: str):
        if self.app.act(self.review.choose_team, name, undo=self.review) is not FAILED:
            self.choosing = False
            self.index = 0
            self.keys = []
        self.refresh()

    # -- the draft ------------------------------------------------------------------------

    def set_stage(self, stage: int):
        a = self.current
        if a is None or stage is None:
            return
        d = self.draft(a)
        d.stage, d.dirty = stage, True
        self._draw()

    def set_verdict(self, verdict: str):
        a = self.current
        if a is None:
            return
        d = self.draft(a)
        d.verdict, d.dirty = ("" if d.verdict == verdict else verdict), True
        self._draw()

    def edit_line(self):
        a = self.current
        if a is None:
            return
        d = self.draft(a)

        def save(text: str) -> bool:
            line = self.app.act(clean_line, text)
            if line is FAILED:
                return False
            d.line, d.dirty = line, True
            self._draw()
            return True
        self.composer = Composer(on_save=save, text=d.line, title=tr(LINE_TITLES[d.verdict]),
                                 limit=LINE_MAX, colour=(0.97, 0.97, 0.97, 1))
        self.composer.ids.save.text = tr("Save")
        self.composer.open()

    def pick_next(self):
        a = self.current
        if a is None:
            return
        d = self.draft(a)
        clock = self.app.clock

        def save(iso: Optional[str]) -> bool:
            day = self.app.act(clean_next, iso, clock)
            if day is FAILED:
                return False
            d.next_day, d.dirty = day, True
            self._draw()
            return True
        self.picker = DatePicker(on_save=save, value=d.next_day or suggest_next(a, clock, self.next_weeks),
                                 today_=today(clock), title=tr("Next follow-up"), allow_clear=True)
        self.picker.open()

    # -- saving ---------------------------------------------------------------------------

    def save(self):
        """The follow-up, as drafted, to the store; then on to the next action not yet
        followed up here. Refused: the store's action is shown as it is now."""
        a = self.current
        if a is None:
            return None
        d = self.draft(a)
        done = self.app.act(self.review.follow_up, a.session_id, a.id, line=d.line, stage=d.stage,
                            verdict=d.verdict or None, next_day=d.next_day, seen=d.seen, undo=self.review)
        if done is FAILED:
            try:
                fresh = self.review.action(a.session_id, a.id)
            except Refusal:
                fresh = None
            except StoreError:  # the banner said it; keep the draft as it is
                fresh = a
            if fresh is not None and seen_of(fresh) != d.seen:  # changed meanwhile: look again
                d.seen, d.stage = seen_of(fresh), fresh.stage
            self.refresh()
            return done
        self.drafts.pop(a.key, None)
        self.refresh()
        for step in range(1, len(self.keys) + 1):  # the next one still to follow up
            j = (self.index + step) % len(self.keys)
            if self.review.here(self.actions[self.keys[j]]) is None:
                self.index = j
                break
        self._draw()
        return done


View = ReviewView
