"""``actions``: the action plan, one theme at a time (the trivselsdialog's five questions).

Left: the themes carried to this step (``Wall.chosen()``; with none chosen, every
theme on the wall that is not parked), each a big tile saying how many actions it
has and whether they are complete, in words and a symbol (✓ complete / ⚠ 3 missing),
never by colour alone; the selected one has a ▶ and a frame. Actions of a theme that
is no longer chosen, or that was written in words, keep a tile of their own, so no
action drops out of sight. Below the list, "+ New action" for the selected theme;
with an empty wall it asks for the theme in words first ("+ A theme of our own" at
the end of the list does that too).

Right: the selected action's plan. A tab per action of the theme (✓ or ⚠ on each),
the trial-action toggle (☐/☑) and Delete (asks first; Undo brings it back); a line
saying what is still missing ("⚠ Missing: the measure, an owner") or "✓ Complete"; one
row per method question (tap: the Composer with the big keyboard); the owner
(Composer), the follow-up date and a trial action's review date (the ``DatePicker``
below: −/+ for day, month and year and shortcuts, no typing), and the IGLO level
when the method's step asks for it (``iglo = true``).

Every change goes to ``kiosk.core.activities.actions.ActionPlan`` through ``app.act`` with
``undo=plan``, so the kiosk's one Undo button walks plan edits back too. The view
keeps only what is selected; everything it shows is read from the store on refresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk.core.activities.actions import (ANSWER_MAX, IGLO, OWNER_MAX, REVIEW_WEEKS, ActionPlan, measure_question,
                                           review_suggestion, today)
from kiosk.core.decisions import body_name
from kiosk.core.wall import PARKING
from kiosk.i18n import N_, tr
from kiosk.ui import theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.act import FAILED
from kiosk.ui.text import fit_text
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.widgets import KButton, sym
from kiosk.ui.widgets.date_picker import DatePicker

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

TICK, WARN, SELECTED = "✓", "⚠", "▶"
LEFT_W = 470
"""Width of the theme column at 1080p."""
TILE_PAD = 18
TILE_LINES = 3
"""A theme's text on its tile: at most this many lines, then '…'."""
ROW_MIN = 84
"""A plan row is never lower than this (touch target ≥ 80 px at 1080p)."""
ROW_MAX = 120
CHOICE_HEAD = 52
"""A row with fixed answers is this much higher than a plan row: its heading sits above the buttons."""
OWN_THEME_MAX = 120
"""A theme written by hand is a post-it's worth of words."""

IGLO_NAMES = {"individual": N_("Individual"), "group": N_("Group"),
              "leadership": N_("Leadership"), "organisation": N_("Organisation")}
MISSING_NAMES = {
    "problem": N_("the problem"), "measure": N_("the measure"), "owner": N_("an owner"),
    "follow_up": N_("a follow-up date"), "iglo": N_("who must act (IGLO)"), "review": N_("a review date"),
}


# -- small helpers --------------------------------------------------------------------------

def short_day(iso: Optional[str]) -> str:
    """'22.01.2027' (the Nordic way, fits a button), or '' for no date."""
    if not iso:
        return ""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def missing_words(keys: list[str]) -> str:
    return ", ".join(tr(MISSING_NAMES.get(k, k)) for k in keys)


def text_width(markup: str, size: float) -> float:
    """How wide a bold one-line text (with the symbol font's markup) is drawn."""
    label = MarkupLabel(text=markup, font_size=size, bold=True)
    label.refresh()
    return label.content_width


def clip(text: str, width: float, size: float, lines: int, bold: bool = True) -> str:
    """The text cut after the last whole word that fits ``lines`` lines, with '…'."""
    return fit_text(text, width, _line_height(size, bold) * lines + 1, size, bold)


def _line_height(size: float, bold: bool) -> float:
    label = CoreLabel(text="Xg", font_size=size, bold=bold)
    label.refresh()
    return label.texture.height


@dataclass
class Theme:
    """A tile on the left: a wall item, or a theme only an action remembers."""

    id: str
    """The wall key ("n12", "c3"), or "t:<label>" for a theme written by hand."""
    key: Optional[str]
    label: str
    actions: list = field(default_factory=list)


# -- widgets ----------------------------------------------------------------------------------

class ThemeTile(ButtonBehavior, BoxLayout):
    """One theme: its text (up to three lines) and how far its actions are."""

    text = StringProperty("")
    status = StringProperty("")
    selected = BooleanProperty(False)
    done = BooleanProperty(False)
    pad = NumericProperty(TILE_PAD)


class PlanRow(ButtonBehavior, BoxLayout):
    """A tappable line of the plan: what is asked, and the answer (or what to do)."""

    title = StringProperty("")
    value = StringProperty("")
    needed = BooleanProperty(False)
    """Nothing there yet and the plan needs it: the value says so in words."""
    empty = BooleanProperty(True)


class Tab(KButton):
    """An action tab or a toggle: the selected one is framed and marked, not only coloured."""

    selected = BooleanProperty(False)


class ChoiceRow(BoxLayout):
    """A question with fixed answers: its heading, then one big button per answer (the
    chosen one framed and ticked); a tap picks it, a tap on the chosen one clears it."""

    title = StringProperty("")
    needed = BooleanProperty(False)


# -- the view ---------------------------------------------------------------------------------

class ActionsView(WallView):
    has_action = BooleanProperty(False)
    missing_text = StringProperty("")
    complete = BooleanProperty(False)
    hint = StringProperty("")
    """What the right side says when there is no action to show."""
    no_themes = StringProperty("")
    """The left side's message when the wall has no theme at all ('' otherwise)."""
    row_h = NumericProperty(ROW_MIN)
    left_w = NumericProperty(LEFT_W)
    trial = BooleanProperty(False)
    """The shown action is a trial action: its review date is shown beside it."""
    show_iglo = BooleanProperty(False)

    def __init__(self, **kw):
        super().__init__(**kw)
        self._plan: Optional[ActionPlan] = None
        self.selected_theme: Optional[str] = None
        self.selected_action: Optional[int] = None
        self.themes: list[Theme] = []
        self.theme_tiles: dict[str, ThemeTile] = {}
        self.tabs: list[Tab] = []
        self.composer = None
        self.picker: Optional[DatePicker] = None
        self.show_iglo = bool(self.step.params.get("iglo", False))
        self.trial_step = bool(self.step.params.get("trial", False))
        """Prøvehandlinger: every new action is a trial action, and its review date is asked at once."""
        self.review_weeks = int(self.step.params.get("review_weeks", REVIEW_WEEKS))
        self._review = self.ids.review.__self__  # kept while out of the row (ids are weak)
        self.rows: dict[str, PlanRow] = {}
        self.choice_rows: dict[str, ChoiceRow] = {}
        """The questions with fixed answers (``choices``): buttons instead of the keyboard."""
        for i, q in enumerate(self.plan.questions, start=1):
            if q.get("choices"):
                self.ids.rows.add_widget(self._choice_row(i, q))
                continue
            row = PlanRow(title=f"{i}. {q['title']}", height=self.row_h)
            row.question = q
            row.bind(on_release=lambda r: self.edit_answer(r.question))
            self.ids[f"q_{q['id']}"] = row
            self.rows[q["id"]] = row
            self.ids.rows.add_widget(row)
        self.bind(row_h=lambda *_: self._size_rows(),
                  width=lambda *_: self._draw_tabs())
        if self.show_iglo:
            for level in IGLO:
                button = Tab()
                button.level = level
                button.bind(on_release=lambda b: self.set_iglo(b.level))
                self.ids[f"iglo_{level}"] = button
                self.ids.iglo.add_widget(button)
        self.refresh()

    # -- the core ---------------------------------------------------------------------------

    @property
    def plan(self) -> ActionPlan:
        """The session's action plan, made on first use; its undo stack is the one the
        kiosk's Undo button walks back (``undo=plan``)."""
        sid = self.workshop.session.id
        if self._plan is None or self._plan.session_id != sid:
            self._plan = ActionPlan(self.app.store, sid, self.app.clock)
        return self._plan

    def _act(self, intent, *args, **kw):
        return self.app.act(intent, *args, undo=self.plan, **kw)

    def theme_list(self) -> list[Theme]:
        """The chosen themes (else every theme not parked), then the themes only actions
        remember (no longer chosen, regrouped, or written by hand), each with its actions."""
        wall = self.wall
        items = wall.chosen() or [i for i in wall.items() if i.column != PARKING]
        out = [Theme(i.key, i.key, wall.label(i.key) or tr("Unnamed group")) for i in items]
        by_id = {t.id: t for t in out}
        for a in self.plan.actions():
            tid = a.theme_key if a.theme_key is not None else f"t:{a.theme_label}"
            if tid not in by_id:
                by_id[tid] = Theme(tid, a.theme_key, a.theme_label or tr("Unnamed group"))
                out.append(by_id[tid])
            by_id[tid].actions.append(a)
        return out

    @property
    def theme(self) -> Optional[Theme]:
        return next((t for t in self.themes if t.id == self.selected_theme), None)

    @property
    def action(self):
        theme = self.theme
        if theme is None:
            return None
        return next((a for a in theme.actions if a.id == self.selected_action), None)

    # -- drawing ------------------------------------------------------------------------

    def refresh(self):
        if self.app.store is None:
            return
        plan = self.plan
        self.themes = self.theme_list()
        if self.theme is None:
            self.selected_theme = self.themes[0].id if self.themes else None
        theme = self.theme
        if theme is not None and self.action is None:
            self.selected_action = theme.actions[0].id if theme.actions else None
        self._draw_themes()
        self._draw_tabs()
        action = self.action
        self.has_action = action is not None
        self.trial = bool(action is not None and action.trial)
        review, bottom = self._review, self.ids.bottom
        if self.trial and review.parent is None:
            bottom.add_widget(review)
        elif not self.trial and review.parent is not None:
            bottom.remove_widget(review)
        if action is None:
            self.missing_text = ""
            if theme is None:
                self.hint = tr("Tap “+ New action” and write the theme in a few words; then fill in its plan.")
            else:
                self.hint = tr("No action for this theme yet. Tap “+ New action”.")
            return
        self.hint = ""
        missing = plan.missing(action)
        self.complete = not missing
        self.missing_text = (f"{sym(TICK)}  " + tr("Complete")) if not missing else \
            f"{sym(WARN)}  " + tr("Missing: {parts}").format(parts=escape_markup(missing_words(missing)))
        if action.decision is not None:  # the method proposes to a body (kiosk.core.decisions)
            self.missing_text = f"{sym('◇')} " + escape_markup(tr("Proposal to {body}").format(
                body=body_name(action.decision.body, tr))) + "   " + self.missing_text
        self._draw_plan(action, missing)

    def _draw_themes(self):
        box, s = self.ids.themes, self.app.s
        box.clear_widgets()
        for name in [n for n in self.ids if n.startswith("tile_")]:
            del self.ids[name]
        self.theme_tiles = {}
        self.no_themes = "" if self.themes else tr(
            "There are no themes on the wall. You can still write an action: tap “+ New action”.")
        width = (LEFT_W - 2 * TILE_PAD - 20) * s  # the tile's text box (the scroll bar's strip kept free)
        for i, t in enumerate(self.themes):
            selected = t.id == self.selected_theme
            mark = f"{sym(SELECTED)} " if selected else ""
            text = clip(t.label, width - (36 * s if selected else 0), theme.BODY * s, TILE_LINES)
            n = len(t.actions)
            if n == 0:
                status, done = tr("No action yet"), False
            else:
                gaps = sum(len(self.plan.missing(a)) for a in t.actions)
                done = gaps == 0
                state = f"{sym(TICK)} " + tr("complete") if done else \
                    f"{sym(WARN)} " + tr("{n} missing").format(n=gaps)
                status = tr("Actions: {n}").format(n=n) + "  ·  " + state
            tile = ThemeTile(text=mark + escape_markup(text), status=status, selected=selected, done=done)
            tile.theme_id = t.id
            tile.bind(on_release=lambda w: self.select_theme(w.theme_id))
            self.theme_tiles[t.id] = tile
            self.ids[f"tile_{i}"] = tile
            box.add_widget(tile)
        own = KButton(text=tr("+ A theme of our own"), face=theme.PANEL)
        own.bind(on_release=lambda *_: self.compose_theme())
        self.ids["tile_own"] = own
        box.add_widget(own)

    def _draw_tabs(self):
        box, s = self.ids.tabs, self.app.s
        box.clear_widgets()
        for name in [n for n in self.ids if n.startswith("action_")]:
            del self.ids[name]
        self.tabs = []
        theme_ = self.theme
        actions = theme_.actions if theme_ is not None else []
        self.ids.trial.width = max(200 * s, text_width(self._trial_text(True), theme.BODY * s) + 50 * s)
        marks = [sym(TICK) if self.plan.complete(a) else sym(WARN) for a in actions]
        full = [f"{tr('Action')} {i}  {m}" for i, m in enumerate(marks, start=1)]
        widths = [text_width(t, theme.BODY * s) + 40 * s for t in full]
        # the row's room beside the trial toggle and Delete (the form is the view less the theme column)
        room = (self.width - (self.left_w + 24) * s - self.ids.trial.width - self.ids.delete.width - 36 * s)
        fits = sum(widths) + 12 * s * len(widths) <= room
        box.size_hint_x = None if fits else 1          # too many to name: they share the row, numbers only
        self.ids.tabs_room.size_hint_x = 1 if fits else 0.001
        for i, (a, text, w) in enumerate(zip(actions, full, widths), start=1):
            tab = Tab(text=text if fits else f"{i} {marks[i - 1]}", markup=True,
                      selected=a.id == self.selected_action)
            if fits:
                tab.size_hint_x, tab.width = None, w
            tab.action_id = a.id
            tab.bind(on_release=lambda w_: self.select_action(w_.action_id))
            self.tabs.append(tab)
            self.ids[f"action_{i - 1}"] = tab
            box.add_widget(tab)

    def _draw_plan(self, action, missing: list[str]):
        first = self.plan.questions[0]["id"] if self.plan.questions else None
        measure = measure_question(self.plan.questions)
        for qid, row in self.rows.items():
            answer = action.answers.get(qid, "")
            row.empty = not answer
            row.needed = (qid == measure and "measure" in missing) or (qid == first and "problem" in missing)
            row.value = " · ".join(answer.split("\n")) if answer else (
                tr("Needed · tap to write") if row.needed else tr("Tap to write"))
        for qid, row in self.choice_rows.items():
            answer = action.answers.get(qid, "")
            row.needed = (qid == measure and "measure" in missing) or (qid == first and "problem" in missing)
            for button in row.buttons:
                button.selected = button.choice == answer
                button.text = (f"{sym(TICK)}  " if button.selected else "") + escape_markup(button.choice)
        ids = self.ids
        self._fill(ids.owner, tr("Owner"), action.owner, "owner" in missing, tr("Needed · tap to set"))
        self._fill(ids.follow_up, tr("Follow-up"), short_day(action.follow_up), "follow_up" in missing,
                   tr("Needed · tap to pick"))
        ids.trial.selected = action.trial
        ids.trial.text = self._trial_text(action.trial)
        self._fill(ids.review, tr("Review"), short_day(action.review), "review" in missing,
                   tr("Needed · tap to pick"))
        for level in IGLO if self.show_iglo else ():
            button = ids[f"iglo_{level}"]
            on = action.iglo == level
            button.selected = on  # framed and filled: the frame is the signal besides colour
            button.text = tr(IGLO_NAMES[level])
            button.font_size = theme.SMALL * self.app.s  # four in a row: the names must fit

    @staticmethod
    def _trial_text(on: bool) -> str:
        return f"{sym('☑' if on else '☐')}  " + tr("Trial action")

    @staticmethod
    def _fill(row: PlanRow, title: str, value: str, needed: bool, placeholder: str):
        row.title = title
        row.empty = not value
        row.needed = needed
        row.value = value or (placeholder if needed else tr("Tap to set"))

    def fit_rows(self, *_):
        """Question rows share the height there is (80–120 px at 1080p); more scroll."""
        choices = len(getattr(self, "choice_rows", ()))
        n = max(1, len(self.rows) + choices)
        s = self.app.s
        gap = 8 * s
        room = self.ids.rows_scroll.height - CHOICE_HEAD * s * choices
        self.row_h = min(ROW_MAX * s, max(ROW_MIN * s, (room - (n - 1) * gap) / n))

    # -- intents ---------------------------------------------------------------------------

    def select_theme(self, theme_id: str):
        if theme_id != self.selected_theme:
            self.selected_theme = theme_id
            self.selected_action = None
        self.refresh()

    def select_action(self, action_id: int):
        self.selected_action = action_id
        self.refresh()

    def new_action(self):
        theme_ = self.theme
        if theme_ is None:
            self.compose_theme()
            return
        plan = self.plan

        def add():
            made = plan.add(theme_.key, theme_.label, trial=self.trial_step)
            self.selected_action = made.id
            return made
        made = self._act(add)
        if made is not FAILED:
            self._make_trial(made)

    def compose_theme(self):
        plan = self.plan

        def add(text: str):
            made = plan.add(None, text, trial=self.trial_step)
            self.selected_theme, self.selected_action = f"t:{made.theme_label}", made.id
            return made

        def save(text: str) -> bool:
            made = self._act(add, text)
            if made is FAILED:
                return False
            self._make_trial(made)
            return True
        self.composer = Composer(on_save=save,
                                 title=tr("The theme, in a few words"), limit=OWN_THEME_MAX,
                                 colour=theme.NOTE_YELLOW)
        self.composer.ids.save.text = tr("Save")
        self.composer.open()

    def edit_answer(self, question: dict):
        action = self.action
        if action is None:
            return
        plan = self.plan
        self.composer = Composer(
            on_save=lambda text: self._act(plan.answer, action.id, question["id"], text) is not FAILED,
            text=action.answers.get(question["id"], ""), title=question["title"], limit=ANSWER_MAX,
            colour=(0.97, 0.97, 0.97, 1))
        self.composer.ids.save.text = tr("Save")
        self.composer.open()

    def _size_rows(self):
        for row in self.rows.values():
            row.height = self.row_h
        for row in self.choice_rows.values():
            row.height = self.row_h + CHOICE_HEAD * self.app.s

    def _choice_row(self, number: int, question: dict) -> ChoiceRow:
        row = ChoiceRow(title=f"{number}. {question['title']}", height=self.row_h + CHOICE_HEAD * self.app.s)
        row.buttons = []
        for j, choice in enumerate(question["choices"]):
            button = Tab(markup=True, text=escape_markup(choice), font_size=theme.SMALL * self.app.s,
                         size_hint_y=1)
            button.choice = choice
            button.bind(on_release=lambda b, q=question: self.choose(q, b.choice))
            self.ids[f"choice_{question['id']}_{j}"] = button
            row.buttons.append(button)
            row.ids.choices.add_widget(button)
        self.ids[f"q_{question['id']}"] = row
        self.choice_rows[question["id"]] = row
        return row

    def choose(self, question: dict, choice: str):
        """Pick a fixed answer; the one already picked is taken back."""
        action = self.action
        if action is None:
            return
        picked = action.answers.get(question["id"], "") == choice
        self._act(self.plan.answer, action.id, question["id"], "" if picked else choice)

    def edit_owner(self):
        action = self.action
        if action is None:
            return
        plan = self.plan
        self.composer = Composer(on_save=lambda text: self._act(plan.set_owner, action.id, text) is not FAILED,
                                 text=action.owner, title=tr("Who is responsible?"), limit=OWNER_MAX,
                                 colour=(0.97, 0.97, 0.97, 1))
        self.composer.ids.save.text = tr("Save")
        self.composer.open()

    def _pick(self, title: str, value: Optional[str], save: Callable[[Optional[str]], object],
              allow_clear: bool = True):
        self.picker = DatePicker(on_save=lambda iso: save(iso) is not FAILED, value=value,
                                 today_=today(self.app.clock), title=title, allow_clear=allow_clear)
        self.picker.open()

    def pick_follow_up(self):
        action = self.action
        if action is None:
            return
        plan = self.plan
        self._pick(tr("Follow-up date"), action.follow_up,
                   lambda iso: self._act(plan.set_follow_up, action.id, iso))

    def _make_trial(self, made):
        """In a step of trial actions a new action is one from the start (``add``), and
        its review date is asked for straight away."""
        if self.trial_step:
            self.pick_review()

    def pick_review(self):
        action = self.action
        if action is None:
            return
        plan = self.plan
        start = review_suggestion(action, self.app.clock, self.review_weeks)
        self._pick(tr("Review date of the trial action"), start,
                   lambda iso: self._act(plan.set_trial, action.id, True, iso))

    def toggle_trial(self):
        action = self.action
        if action is None:
            return
        if self._act(self.plan.set_trial, action.id, not action.trial) is not FAILED and not action.trial:
            self.pick_review()  # a trial action needs its review day: ask for it at once

    def set_iglo(self, level: str):
        action = self.action
        if action is not None:
            self._act(self.plan.set_iglo, action.id, None if action.iglo == level else level)

    def delete(self):
        action = self.action
        if action is None:
            return
        plan = self.plan
        self.app.confirm(tr("Delete this action? Undo brings it back."), tr("Delete"),
                         lambda: self._act(plan.delete, action.id))


View = ActionsView
