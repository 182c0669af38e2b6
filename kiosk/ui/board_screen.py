"""The statuspil board: every open action as an arrow, moved on with one tap + confirm.

This is the kiosk's idle screen (DESIGN.md §2, §4). A member of staff walking past
finds their action, taps its row, taps "Move to <next stage>", confirms, and sees an
UNDO on that row for as long as the core's undo window lasts. The rules (stale taps,
the undo window, what is overdue, the order) are the core's
(``kiosk.core.activities.statuspil.Board``); this screen only shows what the board returns and
sends the passer-by's intents back through ``app.act``.

Pages, not a scroll list. A passer-by is not at a desk: a flick overshoots, a
finger that lands to stop a scroll opens an action, and a scroll bar thick enough to
hit eats room. So the board shows as many rows as fit (each ≥ 100 px at 1080p), big
◀ ▶ buttons turn the page, "Page 2 of 5" says how much there is, and a team button
narrows the board to one team's actions. After two minutes without a touch the board
goes back to page 1 of all teams, so the next person sees the attention-first order.

Flat widgets. The screen builds one row widget per row that fits (a fixed pool, rebuilt
only when the window's size changes) and fills them with data on refresh; the stage
arrow is drawn on one widget's canvas from cached text textures. Nothing is created
per tick: the tick updates the clock, the undo countdowns, the burn-in drift and the
night dimming, and re-reads the store every few seconds (another board, the phone
export or a workshop may have changed it).

A proposal (a method that proposes its actions to a body, ``kiosk.core.decisions``)
shows apart: in the arrow's place, "Proposal · awaiting decision" and the body; it
does not move. Its panel offers **Decide…**, which asks for the PIN and opens the
Decide screen (``kiosk/ui/decide.py``) on it.

A changed row stays where it was while its undo is offered (parking or finishing an
action would otherwise send it to another group of the order, taking the undo button
with it); it takes its sorted place when the window closes.
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Callable, Optional

from kivy.app import App
from kivy.core.text import Label as CoreLabel
from kivy.properties import (BooleanProperty, ListProperty, NumericProperty, ObjectProperty,
                             StringProperty)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.core.activities.actions import Action, ActionError, ActionPlan, agreed_questions, parse_date
from kiosk.core.decisions import body_name
from kiosk.core.idle import IdleError, burn_in_offset, night_dim
from kiosk.core.activities.statuspil import Arrow, Board
from kiosk.core.workshop import waiting_sessions
from kiosk.store import StoreError
from kiosk.i18n import tr
from kiosk.ui import memory, theme
from kiosk.ui.act import FAILED
from kiosk.ui.screen import KioskScreen
from kiosk.ui.text import short
from kiosk.ui.later import running_app
from kiosk.ui.widgets import KButton, sym
from kiosk.ui.widgets.stage_arrow import StageArrow  # noqa: F401  (kv)

RESCAN_SECONDS = 5.0
"""How often the board re-reads the store while nothing happens on it."""
PAGE_IDLE_SECONDS = 120.0
"""Without a touch for this long the board goes back to page 1 of all teams."""
WAKE_SECONDS = 60.0
"""A tap on the dimmed board wakes it for this long (each touch extends it)."""
ROW_HEIGHT = 104
"""A row's height at 1080p: a finger target and two lines readable from 3 m."""
ROW_GAP = 12
NIGHT_DEFAULT = ("22:00", "06:00")
def day_text(iso: Optional[str], today) -> str:
    """A day as the wall shows it: '12.01.' this year, '12.01.2028' another year."""
    if not iso:
        return ""
    try:
        d = parse_date(iso)
    except ActionError:
        return ""
    return f"{d.day:02d}.{d.month:02d}." + ("" if d.year == today.year else str(d.year))


# -- one row -------------------------------------------------------------------------------

class UndoButton(KButton):
    """The row's UNDO; while not ``live`` it is invisible and lets touches through
    (a disabled widget would swallow a tap meant for the row)."""

    live = BooleanProperty(False)

    def on_touch_down(self, touch):
        return super().on_touch_down(touch) if self.live else False

    def on_touch_up(self, touch):
        return super().on_touch_up(touch) if self.live or touch.grab_current is self else False


class BoardRow(ButtonBehavior, BoxLayout):
    """One action on the board; a tap opens its panel. Filled by ``show``."""

    arrow = ObjectProperty(None, allownone=True)
    """The ``Arrow`` shown (None: an unused row of the pool, hidden)."""
    theme_text = StringProperty("")
    meta_text = StringProperty("")
    when_text = StringProperty("")
    """Markup: the follow-up day, or the state that needs attention, with its mark."""
    overdue = BooleanProperty(False)
    """Drawn with a thick outline and ⚠ + the word, never by colour alone."""
    attention = BooleanProperty(False)
    """Overdue or a review due: the row is outlined."""
    undo_text = StringProperty("")
    theme_font = NumericProperty(40)
    """The theme's text size at 1080p: 40, or 34 when a long theme would be cut."""
    proposal = BooleanProperty(False)
    """A proposal awaiting its decision: shown apart, in the arrow's place."""
    proposal_text = StringProperty("")

    def on_kv_post(self, base_widget):
        self.ids.theme_label.bind(width=self._fit_theme)
        self.bind(theme_text=self._fit_theme)

    def _fit_theme(self, *_):
        app = App.get_running_app()
        s = app.s if app is not None else 1.0
        width = self.ids.theme_label.width
        big = CoreLabel(font_size=40 * s, bold=True).get_extents(self.theme_text)[0]
        font = 40 if big <= width else 34
        if font != self.theme_font:
            self.theme_font = font

    def show(self, arrow: Optional[Arrow], today) -> None:
        self.arrow = arrow
        self.opacity = 0 if arrow is None else 1
        self.disabled = arrow is None
        if arrow is None:
            self.ids.undo.live = False
            return
        a = arrow.action
        self.theme_text = a.theme_label or "—"
        self.meta_text = "  ·  ".join(x for x in (a.owner, arrow.team) if x)
        self.overdue = arrow.overdue
        self.attention = arrow.overdue or arrow.review_due
        self.when_text = when_markup(arrow, today)
        self.proposal = a.proposal
        self.proposal_text = proposal_markup(a) if a.proposal else ""
        st = self.ids.stages
        st.stages = list(a.stages)
        st.stage = a.stage
        st.finished = a.finished and not a.dropped
        st.faint = a.parked or a.dropped or a.declined

    def set_undo(self, left: float) -> None:
        """Show the UNDO with its seconds left (0 hides it)."""
        live = left > 0 and self.arrow is not None
        if live:
            text = f"{sym('↶')} {tr('Undo')} {math.ceil(left)} s"
            if text != self.undo_text:
                self.undo_text = text
        if self.ids.undo.live != live:
            self.ids.undo.live = live


def proposal_markup(a: Action) -> str:
    """In a proposal's arrow place: what it is, and who decides it."""
    body = body_name(a.decision.body, tr)
    return (f"{sym('◇')} [b]{escape_markup(tr('Proposal · awaiting decision'))}[/b]\n"
            + escape_markup(tr("For {body} to decide").format(body=body)))


def when_markup(arrow: Arrow, today) -> str:
    """The row's state column: what needs attention first (with a mark), then the day."""
    a = arrow.action
    follow = day_text(a.follow_up, today)
    ended = day_text(datetime.fromtimestamp(a.finished_at).date().isoformat(), today) if a.finished_at else ""
    if a.declined:
        at = a.decision.at
        return f"{sym('✕')} {escape_markup(tr('Declined'))}\n" + (
            day_text(datetime.fromtimestamp(at).date().isoformat(), today) if at else "")
    if a.dropped:
        return f"{sym('✕')} {escape_markup(tr('Dropped'))}\n{ended}"
    if a.finished:
        return f"{sym('★')} {escape_markup(tr('Done'))}\n{ended}"
    if a.parked:
        return f"{sym('▮▮')} {escape_markup(tr('Parked'))}"
    if arrow.overdue:  # its day has passed and nobody has followed it up since
        return (f"[b]{sym('⚠')} {escape_markup(tr('Not followed up'))}[/b]\n"
                + escape_markup(tr("since {date}").format(date=follow)))
    if arrow.review_due:
        return f"[b]{sym('⚑')} {escape_markup(tr('Review due'))}[/b]\n{day_text(a.review, today)}"
    if a.followed_up:  # a follow-up meeting looked at it (kiosk.core.activities.review)
        done = f"{sym('✓')} " + escape_markup(tr("Followed up {date}").format(date=day_text(a.followed_up, today)))
        return done + ("\n" + escape_markup(tr("Next {date}").format(date=follow)) if follow else "")
    if follow:
        return f"{escape_markup(tr('Follow-up'))}\n{follow}"
    return ""


# -- the panel for one action ------------------------------------------------------------

class ActionPanel(ModalView):
    """One action, big: its details and the buttons that move it. Static while open:
    what it shows is what the passer-by's tap refers to (``seen``)."""

    title = StringProperty("")
    facts = StringProperty("")
    """Markup: team, method, owner, follow-up, trial/review."""
    answers = StringProperty("")
    """What the group agreed (the measure and the goal), when they wrote it."""
    review_due = BooleanProperty(False)

    def __init__(self, screen: "BoardScreen", **kw):
        super().__init__(**kw)
        self.screen = screen
        self.arrow: Optional[Arrow] = None
        self.seen = None
        """The place (stage index or 'parkeret') shown when the panel opened."""
        self.buttons: dict[str, KButton] = {}
        spec = [("back", theme.PANEL_HI), ("park", theme.PANEL_HI), ("forward", theme.GO),
                ("continue", theme.ACCENT_DARK), ("adjust", theme.ACCENT_DARK), ("drop", theme.WARN),
                ("decide", theme.ACCENT_DARK)]
        for name, face in spec:
            b = KButton(face=face, markup=True)
            b.size_hint_y = 1  # as tall as its row of the panel (the kv rule fixes a height)
            b.bind(on_release=lambda _b, n=name: self.screen.ask(n))
            self.buttons[name] = b

    def fill(self, arrow: Arrow, today, details: str) -> None:
        self.arrow = arrow
        a = arrow.action
        self.seen = a.place
        self.title = a.theme_label or "—"
        self.review_due = arrow.review_due
        self.facts = facts_markup(arrow, today)
        self.answers = details
        st = self.ids.stages
        st.stages = list(a.stages)
        st.stage = a.stage
        st.finished = a.finished and not a.dropped
        st.faint = a.parked or a.dropped or a.declined
        st.opacity = 1 if a.agreed else 0  # a proposal has no place on the arrow yet
        b = self.buttons
        moves = not a.parked and not a.dropped and a.agreed
        show = []
        if moves and a.previous_stage is not None:
            b["back"].text = f"{sym('◀')} " + escape_markup(
                tr("Back to “{stage}”").format(stage=a.stages[a.previous_stage]))
            show.append("back")
        if a.proposal:
            b["decide"].text = f"{sym('⚖')} " + escape_markup(tr("Decide…"))
            show.append("decide")
        elif not a.agreed:
            pass
        elif a.parked:
            b["park"].text = escape_markup(tr("Unpark"))
            show.append("park")
        elif not a.finished:
            b["park"].text = f"{sym('▮▮')} " + escape_markup(tr("Park"))
            show.append("park")
        if moves and a.next_stage is not None:
            b["forward"].text = escape_markup(
                tr("Move to “{stage}”").format(stage=a.stages[a.next_stage])) + f" {sym('▶')}"
            show.append("forward")
        self._place(self.ids.moves, [b[n] for n in show])
        b["continue"].text = escape_markup(tr("Continue"))
        b["adjust"].text = escape_markup(tr("Adjust"))
        b["drop"].text = escape_markup(tr("Drop"))
        self._place(self.ids.verdicts, [b[n] for n in ("continue", "adjust", "drop")] if arrow.review_due else [])

    @staticmethod
    def _place(box, buttons) -> None:
        if list(reversed(box.children)) == buttons:
            return
        box.clear_widgets()
        for w in buttons:
            if w.parent is not None:
                w.parent.remove_widget(w)
            box.add_widget(w)


def facts_markup(arrow: Arrow, today) -> str:
    a = arrow.action
    e = escape_markup
    lines = [" · ".join(e(x) for x in (arrow.team, arrow.method_title) if x)]
    who = [tr("Responsible: {owner}").format(owner=a.owner)] if a.owner else []
    if a.follow_up:
        who.append(tr("Follow-up {date}").format(date=day_text(a.follow_up, today)))
    if who:
        lines.append(" · ".join(e(x) for x in who)
                     + (f"   [b]{sym('⚠')} {e(tr('Overdue'))}[/b]" if arrow.overdue else ""))
    if a.follow_ups:  # the latest follow-up at a follow-up meeting, in its own words
        f = a.follow_ups[-1]
        said = " ".join(str(f.get("line") or "").split())
        lines.append(f"{sym('✓')} " + e(tr("Followed up {date}").format(date=day_text(f.get("date"), today))
                                        + (f": {short(said, 90)}" if said else "")))
    if a.trial:
        trial = tr("Trial action, review {date}").format(date=day_text(a.review, today) or "—")
        lines.append(e(trial) + (f"   [b]{sym('⚑')} {e(tr('Review due'))}[/b]" if arrow.review_due else ""))
    if a.decision is not None:
        lines.append(e(decision_words(a, today)))
    if a.parked:
        lines.append(f"{sym('▮▮')} " + e(tr("Parked: unpark it to move it again.")))
    if a.dropped:
        lines.append(f"{sym('✕')} " + e(tr("Dropped at its review.")))
    last = a.last_move
    if last and isinstance(last.get("at"), (int, float)):
        when = datetime.fromtimestamp(float(last["at"]))
        lines.append(e(tr("Last changed {date} at {time}").format(
            date=day_text(when.date().isoformat(), today), time=when.strftime("%H:%M"))))
    return "\n".join(lines)


def decision_words(a: Action, today) -> str:
    """What the body decided, or that it has still to: one line of the action's panel."""
    d = a.decision
    body = body_name(d.body, tr)
    day = day_text(datetime.fromtimestamp(d.at).date().isoformat(), today) if d.at else ""
    if a.proposal:
        return tr("Proposal · awaiting decision") + " · " + tr("For {body} to decide").format(body=body)
    if a.declined:
        return tr("Declined by {names} ({body}), {when}: {reason}").format(
            names=d.by, body=body, when=day, reason=short(d.reason, 120))
    return tr("Approved by {names} ({body}), {when}").format(names=d.by, body=body, when=day)


class TeamPicker(ModalView):
    """Narrow the board to one team: big buttons, one a team."""

    def __init__(self, screen: "BoardScreen", teams: list[str], **kw):
        super().__init__(**kw)
        grid = self.ids.grid
        s = App.get_running_app().s
        for team in [""] + teams:
            b = KButton(text=escape_markup(team) if team else escape_markup(tr("All teams")),
                        face=theme.ACCENT_DARK if team == screen.team else theme.PANEL_HI,
                        height=theme.TARGET * s)
            b.bind(on_release=lambda _b, t=team: (self.dismiss(), screen.set_team(t)))
            grid.add_widget(b)


class DimOverlay(Label):
    """The night's dark veil over the board, with one dim line; a tap on it wakes the board."""

    active = BooleanProperty(False)

    def on_touch_down(self, touch):
        if not self.active:
            return False
        self.parent.wake()  # the BoardScreen it lies over
        return True

    def on_touch_move(self, touch):
        return self.active

    def on_touch_up(self, touch):
        return self.active


# -- the screen --------------------------------------------------------------------------

class BoardScreen(KioskScreen):
    clock_text = StringProperty("")
    date_text = StringProperty("")
    meetings_text = StringProperty("")
    waiting = BooleanProperty(False)
    """A session waits for a meeting (or was prepared): the start button says it also continues."""
    """The next meeting(s), or ''."""
    archive_mode = BooleanProperty(False)
    """Showing the archive (finished long enough, or dropped) instead of the board."""
    empty_text = StringProperty("")
    """Shown instead of rows when there is nothing to show."""
    page = NumericProperty(0)
    pages = NumericProperty(1)
    page_text = StringProperty("")
    team = StringProperty("")
    """'' shows all teams."""
    team_text = StringProperty("")
    many_teams = BooleanProperty(False)
    shift = ListProperty([0, 0])
    """The burn-in drift of the whole board (px)."""
    dimmed = BooleanProperty(False)
    row_height = NumericProperty(ROW_HEIGHT)

    def __init__(self, **kw):
        super().__init__(**kw)
        app = App.get_running_app()
        self._board: Optional[Board] = None
        self._rows: list[BoardRow] = []
        self._arrows: list[Arrow] = []
        """The board's arrows in shown order (filtered by team)."""
        self._pins: dict[tuple, int] = {}
        """Actions changed here whose undo is still offered → the index they keep."""
        self._scanned_at: Optional[float] = None
        self._dirty = True
        self._last_touch = float(app.clock.monotonic())  # waits on the monotonic clock:
        self._awake_until = float("-inf")                 # a wall clock jump cannot stretch them
        self._panel: Optional[ActionPanel] = None
        app.bind(revision=self._changed, lang=self._changed, s=self._layout_rows)
        self.ids.body.bind(size=self._layout_rows)

    # -- the core -------------------------------------------------------------------

    def board(self) -> Optional[Board]:
        app = App.get_running_app()
        if app.store is None:
            return None
        if self._board is None or self._board.store is not app.store:
            st = app.settings
            kw = {}
            for name, attr in (("archive_days", "board_archive_days"), ("undo_seconds", "board_undo_seconds")):
                value = getattr(st, attr, None)
                if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                    kw[name] = value
            self._board = Board(app.store, app.clock, **kw)
        return self._board

    def _now(self) -> float:
        return float(App.get_running_app().clock.now())

    def _mono(self) -> float:
        return float(App.get_running_app().clock.monotonic())

    def _today(self):
        return datetime.fromtimestamp(self._now()).date()

    # -- entering, refreshing ---------------------------------------------------------

    def on_pre_enter(self, *args):
        self.page = 0
        self.team = ""
        self.archive_mode = False
        self._last_touch = self._mono()
        self._dirty = True
        self.tick()

    def _changed(self, *_):
        self._dirty = True
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def _layout_rows(self, *_):
        """Make the pool as many rows as fit the body (only on a size change)."""
        if running_app() is None:  # the window's last layout pass, after the app stopped
            return
        s = App.get_running_app().s
        body = self.ids.rows
        avail = self.ids.body.height
        self.row_height = ROW_HEIGHT * s
        n = max(1, int((avail + ROW_GAP * s) // (self.row_height + ROW_GAP * s)))
        if n == len(self._rows):
            return
        while len(self._rows) > n:
            body.remove_widget(self._rows.pop())
        while len(self._rows) < n:
            row = BoardRow()
            row.bind(on_release=self._row_tapped)
            row.ids.undo.bind(on_release=lambda b, r=row: self.undo_row(r))
            self._rows.append(row)
            body.add_widget(row)
        self._fill()

    def refresh(self, *_):
        """Read the board from the store and fill the rows of the current page."""
        board = self.board()
        now = self._now()
        self._scanned_at = now
        self._dirty = False
        app = App.get_running_app()
        if board is None:
            self._arrows = []
            self.empty_text = app.screen("home").fatal if "home" in app.sm.screen_names else ""
            self.meetings_text = ""
            self._fill()
            return
        arrows = board.archive(limit=500) if self.archive_mode else board.open_actions()
        teams = sorted({a.team for a in arrows if a.team}, key=str.casefold)
        self.many_teams = len(teams) > 1 or bool(self.team)
        if self.team and self.team not in teams:
            self.team = ""
        if self.team:
            arrows = [a for a in arrows if a.team == self.team]
        if not self.archive_mode:
            arrows = self._keep_pinned(board, arrows, now)
        self._arrows = arrows
        self.team_text = (tr("Team: {team}").format(team=self.team) if self.team else tr("Find your team"))
        self.meetings_text = self._meetings(board)
        try:
            self.waiting = bool(waiting_sessions(app.store))
        except StoreError:
            self.waiting = False
        if self.archive_mode:
            self.empty_text = tr("Nothing in the archive yet. Actions move here some days after they reach the goal.")
        elif self.team:
            self.empty_text = tr("No open actions for this team.")
        else:
            self.empty_text = tr("No actions yet. When a workshop agrees on actions, each one appears here as an arrow that anyone can move on with a tap.")
        if board.skipped:
            self.empty_text += "\n" + tr("Some sessions could not be read; the admin can check the data folder.")
        self._fill()

    def _keep_pinned(self, board: Board, arrows: list[Arrow], now: float) -> list[Arrow]:
        if not self._pins:
            return arrows
        by_key = {a.action.key: a for a in arrows}
        missing = [k for k in self._pins if k not in by_key]
        if missing:  # dropped (archived at once) while its undo is offered
            for a in board.archive(limit=50):
                if a.action.key in missing and (not self.team or a.team == self.team):
                    by_key[a.action.key] = a
        keep = {}
        for key, index in self._pins.items():
            a = by_key.get(key)
            if a is not None and a.undo_left > 0:
                keep[key] = index
        self._pins = keep
        if not keep:
            return arrows
        rest = [a for a in arrows if a.action.key not in keep]
        for key, index in sorted(keep.items(), key=lambda kv: kv[1]):
            rest.insert(min(index, len(rest)), by_key[key])
        return rest

    def _meetings(self, board: Board) -> str:
        """Markup: a small heading and the next two meetings, one a line."""
        try:
            meetings = board.next_meetings()
        except Exception:  # a damaged index must not blank the board's header
            return ""
        today = self._today()
        shown = [escape_markup(f"{short(m.team, 26)}, {day_text(m.date, today)}" if m.team
                               else day_text(m.date, today)) for m in meetings[:2]]
        if not shown:
            return ""
        head = tr("Next meeting") if len(meetings) == 1 else tr("Next meetings")
        size = int(theme.SMALL * App.get_running_app().s)
        return f"[size={size}][color=#bdc9d4]{escape_markup(head)}[/color][/size]\n" + "\n".join(shown)

    def _fill(self):
        n = max(1, len(self._rows))
        self.pages = max(1, math.ceil(len(self._arrows) / n))
        if self.page >= self.pages:
            self.page = self.pages - 1
        start = int(self.page) * n
        today = self._today()
        for i, row in enumerate(self._rows):
            j = start + i
            row.show(self._arrows[j] if j < len(self._arrows) else None, today)
        total = len(self._arrows)
        if total == 0:
            self.page_text = ""
        elif self.pages > 1:
            self.page_text = tr("Page {page} of {pages}  ·  {n} actions").format(
                page=int(self.page) + 1, pages=self.pages, n=total)
        else:
            self.page_text = tr("{n} actions").format(n=total) if total != 1 else tr("1 action")
        self._update_undo(self._now())

    def _update_undo(self, now: float) -> None:
        board = self.board()
        expired = False
        for row in self._rows:
            left = 0.0 if (board is None or row.arrow is None) else board.undo_left(row.arrow.action, now=now)
            if left <= 0 and row.ids.undo.live and row.arrow.action.key in self._pins:
                expired = True
            row.set_undo(left)
        if expired:
            self._dirty = True  # its sorted place now; refreshed on the next tick

    # -- the tick ---------------------------------------------------------------------

    def tick(self):
        app = App.get_running_app()
        now = self._now()
        local = time.localtime(now)
        self.clock_text = time.strftime("%H:%M", local)  # a property set to its value: no event
        self.date_text = time.strftime("%d.%m.%Y", local)
        dx, dy = burn_in_offset(now)
        shift = [dx * app.s, dy * app.s]
        if shift != list(self.shift):
            self.shift = shift
        mono = self._mono()
        dim = self._night(now) and mono >= self._awake_until and self._panel_closed()
        if dim != self.dimmed:
            self.dimmed = dim
        if ((self.archive_mode or self.team or self.page) and mono - self._last_touch >= PAGE_IDLE_SECONDS
                and self._panel_closed()):
            self.archive_mode, self.team, self.page = False, "", 0
            self._dirty = True
        if self._panel_closed():
            memory.maybe_trim(now)  # weeks on the wall: freed text textures back to the system
        scanned = self._scanned_at
        if (self._dirty or scanned is None or now - scanned >= RESCAN_SECONDS or now < scanned):
            self.refresh()
        else:
            self._update_undo(now)

    def _night(self, now: float) -> bool:
        st = App.get_running_app().settings
        if not st.night_dim:
            return False
        start, end = st.night_start, st.night_end
        t = datetime.fromtimestamp(now).time()
        try:
            return night_dim(t, start, end)
        except IdleError:
            return night_dim(t, *NIGHT_DEFAULT)

    def _panel_closed(self) -> bool:
        return self._panel is None or self._panel.parent is None

    def on_touch_down(self, touch):
        now = self._mono()
        self._last_touch = now
        if not self.dimmed:
            self._awake_until = now + WAKE_SECONDS
        return super().on_touch_down(touch)

    def wake(self):
        """A tap on the dimmed board: show it for a minute."""
        now = self._mono()
        self._awake_until = now + WAKE_SECONDS
        self._last_touch = now
        self.dimmed = False

    # -- the top bar and paging --------------------------------------------------------

    def start(self):
        App.get_running_app().begin()  # home first when a session waits for its next meeting

    def menu(self):
        App.get_running_app().screen("pin").ask(then="settings")

    def export(self):
        """Every open action to a phone: the export screen's QR code (kiosk/ui/export.py)."""
        App.get_running_app().screen("export").open_for(None, back="board")

    def toggle_archive(self):
        self.archive_mode = not self.archive_mode
        self.page = 0
        self.refresh()

    def turn(self, delta: int):
        self.page = max(0, min(self.pages - 1, int(self.page) + delta))
        self._fill()

    def pick_team(self):
        teams = sorted({a.team for a in (self.board().archive(limit=500) if self.archive_mode
                                         else self.board().open_actions()) if a.team}, key=str.casefold)
        self.team_picker = TeamPicker(self, teams)
        self.team_picker.open()

    def set_team(self, team: str):
        self.team = team
        self.page = 0
        self.refresh()

    # -- one action -------------------------------------------------------------------

    def _row_tapped(self, row: BoardRow):
        if row.arrow is not None:
            self.open_panel(row.arrow)

    def open_panel(self, arrow: Arrow):
        if self._panel is None:
            self._panel = ActionPanel(self)
        self._panel.fill(arrow, self._today(), self._details(arrow))
        if self._panel.parent is None:
            self._panel.open()

    def _details(self, arrow: Arrow) -> str:
        """What the group agreed to do and to achieve, from the method's questions."""
        a = arrow.action
        app = App.get_running_app()
        try:
            questions = ActionPlan(app.store, a.session_id, app.clock).questions
        except Exception:  # an old or damaged session: the board still opens the action
            return ""
        picked = agreed_questions(questions)
        lines = []
        for q in questions:
            if q["id"] in picked and a.answers.get(q["id"], "").strip():
                lines.append(f"[b]{escape_markup(q['title'])}[/b]\n{escape_markup(short(a.answers[q['id']], 220))}")
        return "\n".join(lines)

    def close_panel(self):
        if self._panel is not None and self._panel.parent is not None:
            self._panel.dismiss()

    def ask(self, what: str):
        """A button of the panel: confirm first, then send the intent with what was seen."""
        panel = self._panel
        if panel is None or panel.arrow is None:
            return
        a, seen = panel.arrow.action, panel.seen
        board = self.board()
        theme_label = short(a.theme_label or "—")
        sid, aid = a.session_id, a.id
        face = theme.WARN
        if what == "forward":
            q = tr("Move “{theme}” to “{stage}”?").format(theme=theme_label, stage=a.stages[a.next_stage])
            yes, run = tr("Move"), lambda: board.forward(sid, aid, seen_stage=seen)
            face = theme.GO
        elif what == "back":
            q = tr("Move “{theme}” back to “{stage}”?").format(theme=theme_label, stage=a.stages[a.previous_stage])
            yes, run = tr("Move back"), lambda: board.back(sid, aid, seen_stage=seen)
        elif what == "park" and a.parked:
            q = tr("Take “{theme}” off hold, back to “{stage}”?").format(theme=theme_label, stage=a.stage_name)
            yes, run = tr("Unpark"), lambda: board.unpark(sid, aid, seen_stage=seen)
        elif what == "park":
            q = tr("Park “{theme}”? It keeps its stage and can be taken up again.").format(theme=theme_label)
            yes, run = tr("Park"), lambda: board.park(sid, aid, seen_stage=seen)
        elif what == "decide":
            self.decide(a.key)
            return
        elif what in ("continue", "adjust", "drop"):
            q = {"continue": tr("Keep “{theme}” going as it is? No more reviews."),
                 "adjust": tr("Adjust “{theme}”? Its next review is in {days} days."),
                 "drop": tr("Drop “{theme}”? It leaves the board for the archive.")}[what].format(
                theme=theme_label, days=board.adjust_days)
            yes = {"continue": tr("Continue"), "adjust": tr("Adjust"), "drop": tr("Drop")}[what]
            run = lambda: board.set_verdict(sid, aid, what, seen_stage=seen)  # noqa: E731
        else:
            return
        App.get_running_app().confirm(q, yes, lambda: self._do(run, a.key), face)

    def decide(self, key: Optional[tuple] = None):
        """The Decide screen, behind the PIN, on this proposal (``key``) or the first."""
        app = App.get_running_app()
        self.close_panel()
        app.screen("decide").prepare(select=key, back="board")
        app.screen("pin").ask(then="decide")

    def _do(self, run: Callable, key: tuple) -> None:
        """After the confirm: the intent through ``app.act``; the panel closes either way
        and the board shows what the store now holds (a refused tap moves nothing)."""
        index = next((i for i, a in enumerate(self._arrows) if a.action.key == key), None)
        self.close_panel()
        if self._act(run) is not FAILED:
            if index is not None:
                self._pins[key] = index
        self.refresh()

    def undo_row(self, row: BoardRow):
        """The row's UNDO: no confirm (it is the way back), refused if the action has
        changed since the button was offered."""
        if row.arrow is None:
            return
        a = row.arrow.action
        board = self.board()
        self._act(board.undo, a.session_id, a.id, seen_stage=a.place)
        self.refresh()

    def _act(self, intent, *args, **kw):
        """``app.act``: a refusal (ActionError) or a failed write goes to the banner."""
        return App.get_running_app().act(intent, *args, **kw)

    @property
    def rows(self) -> list[BoardRow]:
        """The row widgets (for tests): the pool, in screen order."""
        return list(self._rows)

    def row_for(self, session_id: str, action_id: int) -> Optional[BoardRow]:
        """The row showing an action on the current page, if it is there."""
        for row in self._rows:
            if row.arrow is not None and row.arrow.action.key == (session_id, action_id):
                return row
        return None

