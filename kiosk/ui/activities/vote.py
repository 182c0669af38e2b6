"""``vote``: dots placed by one voter at a time, or the hands counted per theme.

The ballot is what earlier steps chose (or, with nothing chosen, every theme not in
the parking lot). Each card's badge shows its marks so far as dots and a number,
like dots on paper. Dots: a voter taps "Next voter", taps cards to give marks,
and — out of marks, or at the most one card may get — taps a marked card to take
one back; "Done" hands over. Hands: tap a card, then "−" / "+" set its count.
"Results" shows the ranking (ties as "=2") and carries the winners forward.

The rules are the core's (``kiosk.core.activities.vote``): this view only asks and shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from kivy.lang import Builder
from kivy.properties import BooleanProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.core.activities import vote as rules
from kiosk.core.activities.vote import VoteError, VoteRound
from kiosk.core.lanes import lane_title
from kiosk.core.wall import Note, WallError
from kiosk.i18n import tr
from kiosk.ui import messages
from kiosk.ui.activities.base import WallView
from kiosk.ui.widgets.cards import grid_cards
from kiosk.ui.widgets.board import NoteBoard  # noqa: F401  (kv)
from kiosk.ui.widgets import sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

DOT = "●"
MINE = "✓"
"""On the badge of a card the voter at the screen has marked (with a frame round the card)."""


DOTS_MAX = 7
MODES = ("empty", "dots", "hands", "results")
"""Dots that fit on the narrowest card's badge line beside a two-digit number."""


def dots(points: int) -> str:
    """A badge: one dot per point (up to DOTS_MAX), then the number."""
    if points <= 0:
        return ""
    return DOT * min(points, DOTS_MAX) + f"  {points}"


class VoteView(WallView):
    LANES = True
    LANE_MIN = 900
    """A lane keeps its status line, Next voter and Results side by side (else tabs)."""
    mode = OptionProperty("dots", options=MODES)
    """What the view shows, and so which controls are there (vote.kv asks only this):
    'empty' (nothing to vote on: why), 'dots' (voters step up one at a time), 'hands'
    (the facilitator counts per theme), 'results' (the ranking and carry forward)."""
    empty = StringProperty("")
    """Why there is nothing to vote on ('' when there is a ballot)."""
    voting = BooleanProperty(False)
    """A voter is at the screen now (dots): the voter button says Done."""
    hands = False
    """A hand count (the facilitator enters numbers) rather than dots: the step's choice."""
    results = False
    """The ranking is shown instead of the cards (the facilitator's toggle)."""
    status = StringProperty("")
    """The big line: who votes and how many marks are left, or what to do."""
    hint = StringProperty("")
    picked = StringProperty("")
    """Hands: the theme being counted."""
    count = StringProperty("")
    carry_text = StringProperty("")
    can_carry = BooleanProperty(False)
    hidden = BooleanProperty(False)
    """The step hides the running totals (``hide_totals``, a sensitive vote) and not everyone
    on a phone has said done: the cards show no totals, Results waits, Show reveals them."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.params = self.step.params
        self.hands = self.params.get("mode", "dots") == "hands"
        self._set_mode()
        self._round: Optional[VoteRound] = None
        self.selected: Optional[str] = None  # hands: the card being counted
        board = self.ids.board
        board.bind(on_tap=lambda _b, key: self.tap(key), size=lambda *_: self.refresh())

    # -- the round -------------------------------------------------------------------

    @property
    def round(self) -> Optional[VoteRound]:
        """The step's round, its ballot from the wall, made the first time it is needed
        (None: nothing to vote on)."""
        if self._round is None:
            try:
                self._round = VoteRound.on_wall(self.app.store, self.workshop.session.id, self.step.id,
                                                self.params, self.wall, **self.in_lane)
            except VoteError as e:
                self.empty = messages.refusal(e.reason)
                self._set_mode()
                return None
        self.empty = ""
        self._set_mode()
        return self._round

    def _set_mode(self) -> None:
        self.mode = ("empty" if self.empty else "results" if self.results
                     else "hands" if self.hands else "dots")

    def live(self, keys) -> list:
        """The ballot's items still on the wall (an undo may have taken one away)."""
        out = []
        for key in keys:
            try:
                item = self.wall.item(key)
            except WallError:
                continue
            if not (isinstance(item, Note) and item.cluster is not None):
                out.append(item)
        return out

    # -- drawing ---------------------------------------------------------------------

    def refresh(self):
        if self.get_root_window() is None:  # not on screen (another screen shows, or the app stopped)
            return
        board, s = self.ids.board, self.app.s
        board.scale = s
        r = self.round
        if r is None:
            board.set_cards([])
            self.status = self.hint = ""
            return
        items = self.live(r.items)
        totals = r.totals()
        self.hidden = self.totals_hidden(r)
        if self.hidden:
            self.results = False
            self._set_mode()
        voter = r.current if not self.hands else None
        self.voting = voter is not None
        mine = {k for k in r.items if voter is not None and r.points(k, voter) > 0}
        if self.selected not in {i.key for i in items}:
            self.selected = None

        inset = 8 * s  # room for the frame of a card at the edge
        box = (inset, inset, board.width - 2 * inset, board.height - 2 * inset)
        cards = grid_cards(self.wall, items, self.styles, box, s,
                           badge=lambda i: self.table_of(i) + ("" if self.hidden else dots(totals.get(i.key, 0)))
                           + (f"   {MINE}" if i.key in mine else ""),
                           draggable=False, selected=lambda i: i.key in mine or i.key == self.selected)
        board.set_cards(cards)
        self._status(r, voter, items, totals)
        if self.results:
            self._show_results(r, items)

    def pads(self):
        """The session's phones (``kiosk.core.pads.Pads``) once any have been let in, else None."""
        glue = self.app.pad_glue(made=False)
        return glue.pads() if glue is not None else None

    def totals_hidden(self, r: VoteRound) -> bool:
        """A vote that hides its totals (``hide_totals``) hides them until every person on a
        phone has said done, or the facilitator shows them (``kiosk.core.activities.vote``)."""
        if self.hands or not self.params.get("hide_totals"):
            return False
        pads = self.pads()
        if pads is not None:
            return not pads.totals_shown(self.step, self.lane)
        return not rules.totals_shown(self.params, done=0, voters=0, revealed=r.revealed)

    def voted_line(self) -> str:
        """'7 of 9 have voted': the persons on phones who said done ('' with none joined)."""
        pads = self.pads()
        if pads is None:
            return ""
        done, of = pads.voted_count(self.step.id)
        return tr("{n} of {total} have voted").format(n=done, total=of) if of else ""

    def table_of(self, item) -> str:
        """The plenary's ballot holds every table's chosen ones: the badge names the table
        ('Table 2', a number that tells nothing about who wrote it); a lane's own do not."""
        if self.lane is not ... or item.group is None:
            return ""
        return lane_title(item.group, tr) + "   "

    def _status(self, r: VoteRound, voter, items, totals):
        if self.hands:
            if self.selected:
                self.picked = self.wall.label(self.selected)
                self.count = str(totals.get(self.selected, 0))
                self.status = ""
                self.hint = tr("Count the hands, then set the number with − and +")
            else:
                self.picked, self.count = "", ""
                self.status = tr("Tap a theme to count")
                self.hint = tr("Tap a theme, count the hands, then set the number with − and +")
        elif voter is None:
            done = r.voters
            on_phones = self.voted_line()
            self.status = on_phones or (tr("Voted so far: {n}").format(n=done) if done
                                        else tr("Ready for the first voter"))
            self.hint = (tr("The totals stay hidden until everyone has voted, or until you tap “Show totals”")
                         if self.hidden else tr("Tap “Next voter” when someone steps up to the screen"))
        else:
            left = r.remaining()
            if left == 0:
                self.status = tr("Voter {n} · all marks placed").format(n=voter)
                self.hint = tr("Tap “Done”, or tap one of your marked themes to take a mark back")
            elif left == 1:
                self.status = tr("Voter {n} · 1 mark left").format(n=voter)
                self.hint = tr("Tap a theme to give it a mark; yours get a frame and a {tick}").format(tick=sym(MINE))
            else:
                self.status = tr("Voter {n} · {left} marks left").format(n=voter, left=left)
                self.hint = tr("Tap a theme to give it a mark; yours get a frame and a {tick}").format(tick=sym(MINE))

    # -- results ---------------------------------------------------------------------

    def outcome(self, r: VoteRound):
        ranks = r.ranking()
        n, n_max = int(self.params["winners"]), self.params.get("winners_max")
        return ranks, rules.winners(ranks, n, n_max), rules.undecided(ranks, n, n_max)

    def _show_results(self, r: VoteRound, items):
        s = self.app.s
        table = self.ids.table
        table.clear_widgets()
        ranks, won, tied = self.outcome(r)
        won_keys, tied_keys = {w.key for w in won}, {t.key for t in tied}
        labels = {i.key: self.wall.label(i.key) for i in items}
        row_h = 58 * s
        room = max(1, int(table.height // row_h) - (1 if tied else 0))
        shown = [x for x in ranks if x.key in labels and x.points > 0]
        rest = len(shown) - room
        if rest > 0:
            shown = shown[:room - 1]
        for x in shown:
            rank = f"={x.rank}" if x.tied else str(x.rank)
            if x.key in won_keys:
                state = f"{sym('★')} " + tr("goes on")
            elif x.key in tied_keys:
                state = "? " + tr("tie")
            else:
                state = ""
            table.add_widget(ResultRow(rank=rank, text=escape_markup(labels[x.key]),
                                       points=f"{sym(DOT)} {x.points}", state=state,
                                       strong=x.key in won_keys, height=row_h))
        if rest > 0:
            table.add_widget(ResultRow(rank="", text=tr("… and {n} more with fewer marks").format(n=rest + 1),
                                       points="", state="", height=row_h))
        if not shown:
            table.add_widget(ResultRow(rank="", text=tr("No marks yet."), points="", state="", height=row_h))
        if tied:
            names = ", ".join(labels[t.key] for t in tied if t.key in labels)
            table.add_widget(ResultRow(
                rank="", points="", state="", height=row_h * 1.4,
                text=tr("Tied at place {rank}, so it is not decided: {names}. Talk it over, or vote again between them.")
                .format(rank=tied[0].rank, names=escape_markup(names))))
        table.add_widget(Widget())  # the rows sit at the top
        self.can_carry = bool(won)
        self.carry_text = tr("Carry forward top {n}").format(n=len(won)) if won else tr("No winners yet")

    # -- intents ---------------------------------------------------------------------

    def tap(self, key: str):
        r = self.round
        if r is None or self.results:
            return
        if self.hands:
            self.selected = key
            self.refresh()
            return
        self.app.act(r.tap, key, undo=r)  # a dot, or one taken back; refused with the reason

    def next_or_done(self):
        r = self.round
        if r is None:
            return
        if r.current is None:
            self.app.act(r.next_voter, undo=r)
        else:
            self.app.act(r.done, undo=r)

    def change_count(self, delta: int):
        r = self.round
        if r is None or self.selected is None:
            return
        new = r.totals().get(self.selected, 0) + delta
        if new < 0:
            return
        self.app.act(r.set_hand_count, self.selected, new, undo=r)

    def show_totals(self):
        """The facilitator shows the hidden totals before everyone is done (Undo hides them again)."""
        r = self.round
        if r is not None:
            self.app.act(r.reveal_totals, True, undo=r)

    def toggle_results(self):
        if self.hidden:
            return
        self.results = not self.results
        self._set_mode()
        self.refresh()

    def carry_forward(self):
        r = self.round
        if r is None:
            return
        _, won, _ = self.outcome(r)
        if not won:
            return
        wall = self.wall
        ballot = [i.key for i in self.live(r.items)]
        parked = bool(self.params.get("rest_to_parking", False))
        done = self.app.act(wall.carry_forward, [w.key for w in won], ballot=ballot,
                            rest_to_parking=parked, undo=wall)
        if isinstance(done, list):
            text = (tr("{n} themes go on. The rest are in the parking lot.") if parked
                    else tr("{n} themes go on.")).format(n=len(won))
            self.app.say(text)


class ResultRow(BoxLayout):
    rank = StringProperty("")
    text = StringProperty("")
    points = StringProperty("")
    state = StringProperty("")
    strong = BooleanProperty(False)


View = VoteView
