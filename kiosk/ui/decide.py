"""The Decide screen: behind the PIN, the responsible body decides the workshop's proposals.

A method that proposes its actions to a body (``decided_by``: the ansvarsgruppe, the
TRIO, the MED committee, the work environment organisation, the leader) puts them on
the board as proposals. Here, after the PIN, the body sees every open proposal on the
left (pages of big rows, ◀ ▶), the chosen one in full on the right, and four big
buttons: **Approve**, **Adjust**, **Merge with another**, **Decline**. Each asks for
who decides (names typed on the on-screen keyboard, or the body's name with one tap);
Decline also asks why, Adjust shows the text, owner and follow-up day to change, Merge
first asks which proposal to take in.

The rules are the core's (``kiosk.core.decisions.Decisions``): the screen sends the
revision of the proposal it showed, so a proposal decided elsewhere meanwhile is
refused with a message and the list is read again. **Undo** on this screen takes back
the last decision taken here (only here: the workshop's Undo button never reaches a
decision taken behind the PIN). Leaving the screen leaves the admin mode.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Callable, Optional

from kivy.app import App
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.core.activities.actions import ActionError, measure_question, today
from kiosk.core.decisions import KEEP, Decisions, Proposal, body_name, capital
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.act import FAILED
from kiosk.ui.later import running_app
from kiosk.ui.screen import KioskScreen
from kiosk.ui.text import short
from kiosk.ui.widgets import KButton, sym
from kiosk.ui.widgets.keyboard import OnScreenKeyboard  # noqa: F401  (kv)

ROW_HEIGHT = 124
"""A proposal's row at 1080p: a finger target with two lines readable from 3 m."""
ROW_GAP = 14


def day_words(iso: Optional[str], year: bool = True) -> str:
    """'12.05.2027' (a follow-up day on this screen; '12.05.' in the list), or '–' ('' in the list)."""
    try:
        d = datetime.fromisoformat(iso).date() if iso else None
    except ValueError:
        d = None
    if d is None:
        return "–" if year else ""
    return f"{d.day:02d}.{d.month:02d}." + (str(d.year) if year else "")


class ProposalRow(ButtonBehavior, BoxLayout):
    """One open proposal in the list; a tap shows it on the right."""

    proposal = ObjectProperty(None, allownone=True)
    theme_text = StringProperty("")
    meta_text = StringProperty("")
    selected = BooleanProperty(False)

    def show(self, p: Optional[Proposal], selected: bool) -> None:
        self.proposal = p
        self.opacity = 0 if p is None else 1
        self.disabled = p is None
        self.selected = selected and p is not None
        if p is None:
            return
        a = p.action
        self.theme_text = a.theme_label or "—"
        self.meta_text = "  ·  ".join(x for x in (p.team, a.owner, day_words(a.follow_up, year=False)) if x)


class FormField(BoxLayout):
    """A labelled text field of a decision form; ``quick`` fills it with one tap."""

    label = StringProperty("")
    quick = StringProperty("")
    """A button's text that fills the field (the body's name); '' for none."""


class DecisionForm(ModalView):
    """Who decides (and why, or what changes): text fields typed on the big keyboard.

    ``fields``: (key, label, text, quick) each; ``on_done(values)`` runs the decision
    and returns False when it was refused while still worth correcting (the form stays
    open with what was typed)."""

    question = StringProperty("")
    yes_text = StringProperty("")
    yes_face = ListProperty(list(theme.GO))
    extra_text = StringProperty("")
    """A third button's text (Adjust: the follow-up day); '' hides it."""

    def __init__(self, fields, on_done: Callable[[dict], bool], *, extra: Optional[Callable] = None, **kw):
        super().__init__(**kw)
        self._on_done = on_done
        self._extra = extra
        self.inputs: dict[str, object] = {}
        grid = self.ids.fields
        grid.cols = 2 if len(fields) > 2 else 1
        for key, label, text, quick in fields:
            f = FormField(label=label, quick=quick)
            field = f.ids.input
            field.text = text
            field.bind(focus=self._focused)
            f.ids.quick.bind(on_release=lambda _b, fi=field, q=quick: self._fill(fi, q))
            self.inputs[key] = field
            self.ids[f"field_{key}"] = field
            self.ids[f"quick_{key}"] = f.ids.quick
            grid.add_widget(f)
        first = next((w for w in self.inputs.values() if not w.text), None) or next(iter(self.inputs.values()))
        self.ids.keyboard.target = first

    def _focused(self, field, focus):
        if focus:
            self.ids.keyboard.target = field

    def _fill(self, field, text: str):
        """The quick button: the text in, and that field the keyboard's (focus and target
        move together, so a tap on the other field always takes the keys there)."""
        field.text = text
        self.ids.keyboard.target = field
        field.focus = True
        field.cursor = (len(text), 0)

    def on_open(self):
        self.ids.keyboard.give_focus()

    def values(self) -> dict:
        return {k: w.text for k, w in self.inputs.items()}

    def extra(self):
        if self._extra is not None:
            self._extra(self)

    def enter(self):
        """The keyboard's OK: on to the next empty field, or decide when none is left."""
        fields = list(self.inputs.values())
        target = self.ids.keyboard.target
        at = next((i for i, w in enumerate(fields) if w == target), -1)
        empty = [w for w in fields[at + 1:] + fields[:at + 1] if not w.text.strip()]
        if empty:
            self._fill(empty[0], empty[0].text)
        else:
            self.done()

    def done(self):
        if self._on_done(self.values()) is not False:
            self.dismiss()


class MergePicker(ModalView):
    """Which proposal of the same workshop to take in: one big button each."""

    question = StringProperty("")

    def __init__(self, candidates: list[Proposal], on_pick: Callable[[Proposal], None], **kw):
        super().__init__(**kw)
        s = App.get_running_app().s
        for i, p in enumerate(candidates):
            b = KButton(text=escape_markup(short(p.action.theme_label or "—", 60)), height=theme.TARGET * s,
                        markup=True)
            b.bind(on_release=lambda _b, c=p: (self.dismiss(), on_pick(c)))
            self.ids[f"pick_{i}"] = b
            self.ids.grid.add_widget(b)


class DecideScreen(KioskScreen):
    count_text = StringProperty("")
    empty_text = StringProperty("")
    page = NumericProperty(0)
    pages = NumericProperty(1)
    page_text = StringProperty("")
    title_text = StringProperty("")
    facts_text = StringProperty("")
    """Markup: team, method, body, owner, follow-up."""
    answers_text = StringProperty("")
    has_selection = BooleanProperty(False)
    can_undo = BooleanProperty(False)
    row_height = NumericProperty(ROW_HEIGHT)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.decisions: Optional[Decisions] = None
        self.back = "board"
        self.selected: Optional[tuple] = None
        self._select_first: Optional[tuple] = None
        self._proposals: list[Proposal] = []
        self._rows: list[ProposalRow] = []
        self.last_name = ""
        """The names typed for the last decision of this visit: offered again for the next."""
        self.form: Optional[DecisionForm] = None
        self.picker = None
        app = App.get_running_app()
        app.bind(revision=self._changed, lang=self._changed, s=self._layout_rows)
        self.ids.list_area.bind(size=self._layout_rows)

    # -- coming and going ---------------------------------------------------------------

    def prepare(self, select: Optional[tuple] = None, back: str = "board") -> None:
        """Before the PIN: which proposal to show first, and where Done goes back to."""
        self._select_first = select
        self.back = back

    def on_pre_enter(self, *args):
        app = App.get_running_app()
        self.decisions = Decisions(app.store, app.clock)  # a visit's own undo log
        self.selected, self._select_first = self._select_first, None
        self.page = 0
        self.last_name = ""
        self.refresh()
        self._show_selected_page()

    def on_enter(self, *args):
        app = App.get_running_app()
        if not app.admin:  # only ever reached through the PIN
            app.screen("pin").ask(then="decide")

    def on_leave(self, *args):
        app = running_app()
        if app is not None:
            app.admin = False
        for view in (self.form, self.picker):
            if view is not None and view.parent is not None:
                view.dismiss()
        self.last_name = ""

    def done(self):
        App.get_running_app().show(self.back)

    def _changed(self, *_):
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()

    # -- the list ---------------------------------------------------------------------------

    def _layout_rows(self, *_):
        if running_app() is None:
            return
        s = App.get_running_app().s
        self.row_height = ROW_HEIGHT * s
        avail = self.ids.list_area.height
        n = max(1, int((avail + ROW_GAP * s) // (self.row_height + ROW_GAP * s)))
        if n == len(self._rows):
            return
        box = self.ids.rows
        while len(self._rows) > n:
            box.remove_widget(self._rows.pop())
        while len(self._rows) < n:
            row = ProposalRow()
            row.bind(on_release=lambda r: self.select(r.proposal.key) if r.proposal else None)
            self._rows.append(row)
            box.add_widget(row)
        self._fill()

    def refresh(self, *_):
        """Read the open proposals from the store; keep the one shown if it is still open."""
        if self.decisions is None:
            return
        self._proposals = self.decisions.proposals()
        keys = [p.key for p in self._proposals]
        if self.selected not in keys:
            self.selected = keys[0] if keys else None
        n = len(self._proposals)
        self.count_text = (tr("No proposal awaits a decision.") if n == 0 else
                           tr("1 proposal awaits a decision.") if n == 1 else
                           tr("{n} proposals await a decision.").format(n=n))
        self.empty_text = tr("Nothing to decide now. When a workshop makes proposals, they appear here.")
        self.can_undo = self.decisions.can_undo
        self._fill()

    def _show_selected_page(self):
        per = max(1, len(self._rows))
        keys = [p.key for p in self._proposals]
        if self.selected in keys:
            self.page = keys.index(self.selected) // per
            self._fill()

    def _fill(self):
        per = max(1, len(self._rows))
        self.pages = max(1, math.ceil(len(self._proposals) / per))
        if self.page >= self.pages:
            self.page = self.pages - 1
        start = int(self.page) * per
        for i, row in enumerate(self._rows):
            j = start + i
            p = self._proposals[j] if j < len(self._proposals) else None
            row.show(p, p is not None and p.key == self.selected)
        self.page_text = (tr("Page {page} of {pages}").format(page=int(self.page) + 1, pages=self.pages)
                          if self.pages > 1 else "")
        self._detail()

    def turn(self, delta: int):
        self.page = max(0, min(self.pages - 1, int(self.page) + delta))
        self._fill()

    def select(self, key: tuple):
        self.selected = key
        self._fill()

    def current(self) -> Optional[Proposal]:
        return next((p for p in self._proposals if p.key == self.selected), None)

    def row_for(self, session_id: str, action_id: int) -> Optional[ProposalRow]:
        """The row showing a proposal on the current page (for tests)."""
        return next((r for r in self._rows if r.proposal is not None and r.proposal.key == (session_id, action_id)),
                    None)

    # -- the chosen proposal ---------------------------------------------------------------

    def _detail(self):
        p = self.current()
        self.has_selection = p is not None
        if p is None:
            self.title_text = self.facts_text = self.answers_text = ""
            return
        a = p.action
        e = escape_markup
        self.title_text = a.theme_label or "—"
        body = body_name(a.decision.body, tr)
        lines = [" · ".join(e(x) for x in (p.team, p.method_title) if x),
                 f"{sym('◇')} " + e(tr("Proposal · awaiting decision") + " · "
                                   + tr("For {body} to decide").format(body=body)),
                 e(tr("Responsible: {owner}").format(owner=a.owner or "–") + "  ·  "
                   + tr("Follow-up {date}").format(date=day_words(a.follow_up)))]
        if a.decision.merged_from:
            lines.append(e(tr("{n} other proposals merged into it").format(n=len(a.decision.merged_from))
                           if len(a.decision.merged_from) > 1 else tr("1 other proposal merged into it")))
        self.facts_text = "\n".join(lines)
        try:
            questions = self.decisions.questions(a.session_id)
        except (ActionError, Exception):  # an old or damaged session: the proposal still shows
            questions = []
        out = []
        for q in questions:
            text = a.answers.get(q["id"], "").strip()
            if text:
                out.append(f"[b]{e(short(q['title'], 90))}[/b]  {e(short(text, 200))}")
        self.answers_text = "\n".join(out)

    # -- the four decisions -----------------------------------------------------------------

    def _name_field(self, p: Proposal):
        body = capital(body_name(p.action.decision.body, tr))
        return ("by", tr("Who decides (names, or the body)"), self.last_name, body)

    def _run(self, p: Proposal, intent, *args, **kw) -> bool:
        """A decision through ``app.act``; False keeps the form open (refused, but the
        proposal is still open: a name to type, a reason to give)."""
        app = App.get_running_app()
        result = app.act(intent, *args, **kw)
        self.refresh()
        if result is not FAILED:
            return True
        fresh = next((x for x in self._proposals if x.key == p.key), None)
        # decided or changed elsewhere meanwhile: the form is behind, it closes and the
        # list shows what the store holds now; else the input was refused: correct it
        return fresh is None or fresh.action.decision.revision != p.action.decision.revision

    def _open(self, form: DecisionForm):
        self.form = form
        form.open()

    def approve(self):
        p = self.current()
        if p is None:
            return
        stage = p.action.stages[0]
        q = tr("Approve “{theme}”? It becomes an agreed action on the board, at “{stage}”.").format(
            theme=short(p.action.theme_label or "—"), stage=stage)

        def done(v: dict) -> bool:
            self.last_name = v["by"]
            return self._run(p, self.decisions.approve, *p.key, v["by"], seen=p.action.decision.revision)
        self._open(DecisionForm([self._name_field(p)], done, question=q, yes_text=tr("Approve"),
                                yes_face=list(theme.GO)))

    def decline(self):
        p = self.current()
        if p is None:
            return
        q = tr("Decline “{theme}”? It leaves the board; the export keeps it with your reason.").format(
            theme=short(p.action.theme_label or "—"))

        def done(v: dict) -> bool:
            self.last_name = v["by"]
            return self._run(p, self.decisions.decline, *p.key, v["by"], v["reason"],
                             seen=p.action.decision.revision)
        fields = [self._name_field(p), ("reason", tr("Why is it declined?"), "", "")]
        self._open(DecisionForm(fields, done, question=q, yes_text=tr("Decline"), yes_face=list(theme.WARN)))

    def adjust(self):
        p = self.current()
        if p is None:
            return
        a = p.action
        try:
            questions = self.decisions.questions(a.session_id)
        except ActionError:
            questions = []
        mid = measure_question(questions)
        fields = [("theme", tr("Theme"), a.theme_label, "")]
        if mid is not None:
            fields.append(("measure", tr("What we do"), a.answers.get(mid, ""), ""))
        fields += [("owner", tr("Responsible"), a.owner, ""), self._name_field(p)]
        state = {"follow_up": a.follow_up}

        def pick_day(form: DecisionForm):
            from kiosk.ui.widgets.date_picker import DatePicker  # its kv comes with it

            app = App.get_running_app()

            def save(iso):
                state["follow_up"] = iso
                form.extra_text = f"{sym('▦')} " + escape_markup(tr("Follow-up {date}").format(date=day_words(iso)))
                return True
            self.day_picker = DatePicker(on_save=save, value=state["follow_up"], today_=today(app.clock),
                                         title=tr("Follow-up"))
            self.day_picker.open()

        def done(v: dict) -> bool:
            self.last_name = v["by"]
            changes = {"theme_label": v["theme"] if v["theme"] != a.theme_label else KEEP,
                       "owner": v["owner"] if v["owner"] != a.owner else KEEP,
                       "follow_up": state["follow_up"] if state["follow_up"] != a.follow_up else KEEP}
            if mid is not None:
                changes["measure"] = v["measure"] if v["measure"] != a.answers.get(mid, "") else KEEP
            return self._run(p, self.decisions.adjust, *p.key, v["by"], seen=a.decision.revision, **changes)
        q = tr("Adjust “{theme}”: change what it says, then say who decides.").format(
            theme=short(a.theme_label or "—"))
        form = DecisionForm(fields, done, extra=pick_day, question=q, yes_text=tr("Save"), yes_face=list(theme.GO),
                            extra_text=f"{sym('▦')} " + escape_markup(
                                tr("Follow-up {date}").format(date=day_words(a.follow_up))))
        self._open(form)

    def merge(self):
        p = self.current()
        if p is None:
            return
        app = App.get_running_app()
        others = self.decisions.merge_candidates(*p.key)
        if not others:
            app.say(tr("No other proposal of this workshop awaits a decision, so there is nothing to merge with."),
                    "error")
            return

        def picked(other: Proposal):
            q = tr("Merge “{other}” into “{theme}”? “{theme}” keeps its text and takes in what the other adds; the other is kept in the history as merged.").format(  # noqa: E501
                other=short(other.action.theme_label or "—", 50), theme=short(p.action.theme_label or "—", 50))

            def done(v: dict) -> bool:
                self.last_name = v["by"]
                return self._run(p, self.decisions.merge, p.action.session_id, other.action.id, p.action.id,
                                 v["by"], seen=other.action.decision.revision, seen_into=p.action.decision.revision)
            self._open(DecisionForm([self._name_field(p)], done, question=q, yes_text=tr("Merge"),
                                    yes_face=list(theme.ACCENT_DARK)))
        self.picker = MergePicker(others, picked, question=tr("Merge which proposal into “{theme}”?").format(
            theme=short(p.action.theme_label or "—", 50)))
        self.picker.open()

    def undo(self):
        """Take back the last decision taken on this screen (refused once it changed since)."""
        app = App.get_running_app()
        if self.decisions is not None and self.decisions.can_undo:
            if app.act(self.decisions.undo) is not FAILED:
                app.say(tr("The last decision was undone."))
        self.refresh()

    @property
    def rows(self) -> list[ProposalRow]:
        return list(self._rows)
