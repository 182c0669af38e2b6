"""Voting: dots placed by one voter at a time, or a hand count per item.

Votes are records in the store's "votes" table, one per voter and item:
``{round, voter, item, points}`` (``round`` is the vote step's id, ``item`` a wall
item key such as "n12" or "c3", ``voter`` 1, 2, … in the order they stepped up,
0 for the facilitator's hand counts). Who is voting now is kept in "vote_rounds",
so a restart mid-round hands the same voter the same dots left.

The rules (budget, per-item cap, ranking, winners) are pure functions or plain
checks before a write; ``VoteRound`` only stores and reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from ..lanes import lane_key, lane_title, split_key
from ..undo import Undoable, UndoLog
from ..wall import PARKING, WallError
from kiosk.core.params import FROM_PREPARED, LENS_KINDS, Bool, Choice, Int, Issue, Param, prepared_off
from kiosk.i18n import N_

from . import Activity

VOTES = "votes"
ROUNDS = "vote_rounds"
HANDS_MAX = 999
"""A hand count is a number of people in a room; more is a typing slip."""
HANDS_VOTER = 0
PAD_VOTERS = 1_000_000
"""Voters on their own phones (``kiosk.core.pads``) are numbered from here (``pad_voter``),
apart from those who step up to the screen (1, 2, …): the wall's current voter keeps
their turn, and an Undo of "Next voter" never hands a phone's dots to someone else."""
MODES = ("dots", "hands")


class VoteError(WallError):
    """A vote the rules refuse; ``reason`` is a key for the screen's message."""


# -- ranking -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rank:
    rank: int
    """Competition ranking: two items with the most points are both 1, the next is 3."""
    key: str
    points: int
    tied: bool
    """Another item has exactly as many points (the screen shows it as a tie)."""


def ranking(totals: dict[str, int]) -> list[Rank]:
    """Every item, most points first; equal points keep the ballot's (the dict's) order."""
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])  # stable: ties keep their order
    counts: dict[int, int] = {}
    for _, p in ordered:
        counts[p] = counts.get(p, 0) + 1
    out: list[Rank] = []
    for i, (key, points) in enumerate(ordered):
        rank = out[-1].rank if out and out[-1].points == points else i + 1
        out.append(Rank(rank, key, points, counts[points] > 1))
    return out


def pad_voter(device_id: int) -> int:
    """The voter number of a phone or tablet in every round it votes in."""
    return PAD_VOTERS + int(device_id)


def totals_shown(params: dict, *, done: int, voters: int, revealed: bool = False) -> bool:
    """Do the running totals show now? Always, unless the step hides them
    (``hide_totals``, for sensitive votes): then only once every voter on a pad has said
    done (``done`` of ``voters``, at least one), or the facilitator revealed them."""
    if not params.get("hide_totals"):
        return True
    return bool(revealed) or (voters > 0 and done >= voters)


def tally(records: Iterable[dict], items: Iterable[str]) -> dict[str, int]:
    """Points per item (0 for none), in the items' order, from a round's vote records.
    A record for another key, or with unreadable points, is kept in the store but not
    counted (the round and the export count the same way)."""
    out = {key: 0 for key in items}
    for d in records:
        if d.get("item") in out:
            try:
                out[d["item"]] += int(d.get("points", 0))
            except (TypeError, ValueError):
                continue
    return out


def _split(ranks: list[Rank], n: int, n_max: Optional[int]) -> tuple[list[Rank], list[Rank]]:
    limit = max(n, n_max or n)
    scoring = [r for r in ranks if r.points > 0]
    top = [r for r in scoring if r.rank <= n]
    if len(top) <= limit:
        return top, []
    boundary = top[-1].rank
    return [r for r in top if r.rank < boundary], [r for r in top if r.rank == boundary]


def winners(ranks: list[Rank], n: int, n_max: Optional[int] = None) -> list[Rank]:
    """The top ``n`` items, taken on through a tie at the boundary up to ``n_max``.

    Ties at the boundary: every item ranked ``n`` or better wins (so a tie for the
    last place lets all of them in) as long as that makes at most ``n_max`` winners
    (default ``n``). If it would make more, the whole tied group is left out — fewer
    than ``n`` win — because cutting a tie by list order would be arbitrary; the
    group settles it (see ``undecided``). Items with no points never win.
    """
    return _split(ranks, n, n_max)[0]


def undecided(ranks: list[Rank], n: int, n_max: Optional[int] = None) -> list[Rank]:
    """The tied group ``winners`` had to leave out (empty when the result is clear)."""
    return _split(ranks, n, n_max)[1]


# -- the ballot ------------------------------------------------------------------------------

def ballot(wall, kinds: Optional[Iterable[str]] = None, voted: Iterable[str] = (),
           group: Any = ...) -> list[str]:
    """What a vote step puts to the vote, in the wall's order: the themes earlier steps
    chose, or with none chosen every theme not in the parking lot; plus ``voted`` (items
    that already have votes in this step), so the result still shows them after the
    winners were carried on. ``kinds``: the step's lens (only themes of those kinds).
    ``group``: a table's own ballot in a table-group step (its lane's items only); the
    plenary (no ``group``) sees every lane's, so each table's chosen ones meet there."""
    items = wall.items(kinds=kinds, group=group)
    chosen = [i for i in items if i.chosen]
    wanted = {i.key for i in (chosen or [i for i in items if i.column != PARKING])} | set(voted)
    return [i.key for i in items if i.key in wanted]


# -- a round -------------------------------------------------------------------------------

class VoteRound(Undoable):
    """One vote step of a session: the ballot, the voters, the dots or hand counts."""

    def __init__(self, store, session_id: str, step_id: str, budget: int,
                 max_per_item: Optional[int] = None, mode: str = "dots", *,
                 items: Iterable[str]) -> None:
        self.store = store
        self.session_id = session_id
        self.step_id = step_id
        self.budget = int(budget)
        self.max_per_item = self.budget if max_per_item is None else min(int(max_per_item), self.budget)
        if mode not in MODES:
            raise ValueError(f"vote mode {mode!r} is not one of {MODES}")
        self.mode = mode
        self.items: list[str] = list(dict.fromkeys(items))
        """The ballot: wall item keys, in the order the screen shows them."""
        if not self.items:
            raise VoteError("nothing_to_vote_on")
        self._undo: UndoLog[tuple] = UndoLog()
        """What each stored change replaced, newest last: the Undo button walks it back."""

    @classmethod
    def for_step(cls, store, session_id: str, step_id: str, params: dict,
                 items: Iterable[str]) -> VoteRound:
        """A round from a vote step's catalogue params (budget, max_per_note, mode)."""
        return cls(store, session_id, step_id, params["budget"], params.get("max_per_note"),
                   params.get("mode", "dots"), items=items)

    @classmethod
    def on_wall(cls, store, session_id: str, step_id: str, params: dict, wall,
                group: Any = ...) -> VoteRound:
        """A vote step's round with its ballot taken from the wall (``ballot``); refuses
        'nothing_to_vote_on' when there is nothing to put to the vote. ``group``: a
        table's own round in a table-group step (its own ballot, voters and dots, filed
        under ``lanes.lane_key``), so each table finds its own top N."""
        round_id = step_id if group is ... else lane_key(step_id, group)
        voted = [d.get("item") for d in store.all(session_id, VOTES) if d.get("round") == round_id]
        return cls.for_step(store, session_id, round_id, params,
                            items=ballot(wall, params.get("kinds"), voted, group))

    # -- stored state --------------------------------------------------------------------

    def _records(self) -> list[dict]:
        return [d for d in self.store.all(self.session_id, VOTES) if d.get("round") == self.step_id]

    def _record(self, voter: int, item: str) -> Optional[dict]:
        for d in self._records():
            if d.get("voter") == voter and d.get("item") == item:
                return d
        return None

    def _state(self) -> Optional[dict]:
        for d in self.store.all(self.session_id, ROUNDS):
            if d.get("round") == self.step_id:
                return d
        return None

    def _set_state(self, voters: int, current: Optional[int], *, undoable: bool = True) -> None:
        doc = {"round": self.step_id, "voters": voters, "current": current}
        state = self._state()
        before = (int(state["voters"]), state.get("current")) if state else (0, None)
        if state is None:
            self.store.insert(self.session_id, ROUNDS, doc)
        else:
            self.store.update(self.session_id, ROUNDS, state["doc_id"], doc)
        if undoable:  # remembered only once stored: a failed write leaves nothing to undo
            self._undo.push(("state",) + before)

    def _set_points(self, voter: int, item: str, points: int, *, undoable: bool = True) -> None:
        """One write: the record created, changed, or removed at zero."""
        rec = self._record(voter, item)
        before = int(rec["points"]) if rec else 0
        self._write_points(rec, voter, item, points)
        if undoable:
            self._undo.push(("points", voter, item, before))

    def _write_points(self, rec: Optional[dict], voter: int, item: str, points: int) -> None:
        if rec is None:
            if points:
                self.store.insert(self.session_id, VOTES,
                                  {"round": self.step_id, "voter": voter, "item": item, "points": points})
        elif points:
            self.store.update(self.session_id, VOTES, rec["doc_id"], {"points": points})
        else:
            self.store.remove(self.session_id, VOTES, rec["doc_id"])

    # -- dots ----------------------------------------------------------------------------

    @property
    def voters(self) -> int:
        """How many voters have stepped up so far."""
        state = self._state()
        return int(state["voters"]) if state else 0

    @property
    def current(self) -> Optional[int]:
        """The voter at the screen now (1, 2, …), or None between voters."""
        state = self._state()
        return None if state is None or state.get("current") is None else int(state["current"])

    def _need_dots(self) -> None:
        if self.mode != "dots":
            raise VoteError("wrong_mode")

    def _need_voter(self) -> int:
        self._need_dots()
        voter = self.current
        if voter is None:
            raise VoteError("no_voter")
        return voter

    def _need_item(self, item: str) -> None:
        if item not in self.items:
            raise VoteError("unknown_item")

    def next_voter(self) -> int:
        """The next person steps up and gets the full budget (the one before is done)."""
        self._need_dots()
        n = self.voters + 1
        self._set_state(n, n)
        return n

    def _pad(self, voter: Any) -> int:
        self._need_dots()
        if isinstance(voter, bool) or not isinstance(voter, int) or voter < PAD_VOTERS:
            raise VoteError("no_voter")
        return voter

    def done(self) -> None:
        """The voter steps away; a second tap changes nothing."""
        self._need_dots()
        if self.current is not None:
            self._set_state(self.voters, None)

    def points(self, item: str, voter: Optional[int] = None) -> int:
        """The dots one voter (default: the current one) has on an item."""
        voter = self.current if voter is None else voter
        rec = None if voter is None else self._record(voter, item)
        return int(rec["points"]) if rec else 0

    def remaining(self, voter: Optional[int] = None) -> int:
        """Dots the current voter (or ``voter``, one on their own pad) still has to place
        (0 between voters)."""
        voter = self.current if voter is None else voter
        if voter is None or self.mode != "dots":
            return 0
        used = sum(int(d["points"]) for d in self._records() if d.get("voter") == voter)
        return max(0, self.budget - used)

    def cast(self, item: str, voter: Optional[int] = None) -> int:
        """One dot on an item; returns the voter's dots on it now. ``voter``: one voting
        on their own phone (``pad_voter``) rather than the one at the screen."""
        voter = self._need_voter() if voter is None else self._pad(voter)
        self._need_item(item)
        if self.remaining(voter) <= 0:
            raise VoteError("no_votes_left")
        have = self.points(item, voter)
        if have >= self.max_per_item:
            raise VoteError("item_cap")
        self._set_points(voter, item, have + 1)
        return have + 1

    def take_back(self, item: str, voter: Optional[int] = None) -> int:
        """Take one of the current voter's (or ``voter``'s) dots off an item (a second
        tap; the undo of cast)."""
        voter = self._need_voter() if voter is None else self._pad(voter)
        self._need_item(item)
        have = self.points(item, voter)
        if have <= 0:
            raise VoteError("no_vote_here")
        self._set_points(voter, item, have - 1)
        return have - 1

    def tap(self, item: str) -> int:
        """The voter at the screen taps a card: one more dot on it, or — when they have no
        dots left, or the card has the most one card may get — one of theirs taken back
        (so a voter can move a dot without a second kind of button). Returns the voter's
        dots on it now; refused with the reason when neither can be."""
        voter = self.current
        if voter is not None and self.mode == "dots":
            have = self.points(item, voter)
            if have > 0 and (self.remaining() <= 0 or have >= self.max_per_item):
                return self.take_back(item)
        return self.cast(item)

    # -- hands ---------------------------------------------------------------------------

    def set_hand_count(self, item: str, count: int) -> None:
        """The facilitator counts the hands raised for an item (0–999)."""
        if self.mode != "hands":
            raise VoteError("wrong_mode")
        self._need_item(item)
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= HANDS_MAX:
            raise VoteError("bad_count")
        self._set_points(HANDS_VOTER, item, count)

    # -- undo ----------------------------------------------------------------------------

    def undo(self) -> None:
        """Take back the newest dot, hand count, or change of voter made through this round."""
        if not self._undo.undo(self._put_back):
            raise VoteError("nothing_to_undo")

    def _put_back(self, change: tuple) -> None:
        if change[0] == "shown":
            self._set_shown(change[1])
        elif change[0] == "state":
            self._set_state(change[1], change[2], undoable=False)
        else:
            self._set_points(change[1], change[2], change[3], undoable=False)

    # -- result --------------------------------------------------------------------------

    @property
    def revealed(self) -> bool:
        """The facilitator showed the totals of a vote that hides them (``hide_totals``)."""
        state = self._state()
        return bool(state and state.get("revealed"))

    def reveal_totals(self, shown: bool = True) -> None:
        """Show (or hide again) the running totals before everyone has said done; undoable."""
        before = self.revealed
        if before == bool(shown):
            return
        self._set_shown(bool(shown))
        self._undo.push(("shown", before))

    def _set_shown(self, shown: bool) -> None:
        state = self._state()
        if state is None:
            self.store.insert(self.session_id, ROUNDS,
                              {"round": self.step_id, "voters": 0, "current": None, "revealed": shown})
        else:
            self.store.update(self.session_id, ROUNDS, state["doc_id"], {"revealed": shown})

    def totals(self) -> dict[str, int]:
        """Points per ballot item, in ballot order (0 for none). Votes for a key no longer
        on the ballot stay in the store but do not count."""
        return tally(self._records(), self.items)

    def ranking(self) -> list[Rank]:
        return ranking(self.totals())



# -- its part of an export (kiosk.core.export) ----------------------------------------------

def collect(ctx) -> dict:
    """Each vote step's ranking, counted on what is on the wall now (a step nobody
    voted in yet is left out; one that started with no votes says so)."""
    docs = ctx.store.all(ctx.session_id, VOTES)
    states = {d.get("round"): d for d in ctx.store.all(ctx.session_id, ROUNDS)}
    keys = [i["key"] for i in ctx.items]
    rounds = []
    for step in ctx.steps("vote"):
        params = step.get("params") or {}
        # a table-group step has a round per table ("<step>@<table>"), each its own result
        ids = [step.get("id")] + sorted(
            {r for r in [d.get("round") for d in docs] + list(states)
             if split_key(r)[0] == step.get("id") and split_key(r)[1] is not None},
            key=lambda r: split_key(r)[1])
        for round_id in ids:
            records = [d for d in docs if d.get("round") == round_id]
            if not records and round_id not in states:
                continue
            group = split_key(round_id)[1]
            ranks = ranking({k: p for k, p in tally(records, keys).items() if p > 0})
            n = params.get("winners")
            won = {r.key for r in winners(ranks, int(n), params.get("winners_max"))} if n else set()
            state = states.get(round_id) or {}
            at_screen = state.get("voters") if isinstance(state.get("voters"), int) else None
            on_phones = len({d.get("voter") for d in records
                             if isinstance(d.get("voter"), int) and d["voter"] >= PAD_VOTERS})
            title = str(step.get("title") or "")
            if group is not None:
                title = f"{title} · {lane_title(group, ctx.t)}"
            rounds.append({
                "step": str(step.get("id")), "title": title, "group": group,
                "mode": str(params.get("mode", "dots")), "budget": params.get("budget"),
                "voters": (at_screen or 0) + on_phones if at_screen is not None or on_phones else None,
                "ranking": [{"rank": r.rank, "key": r.key, "label": ctx.label(r.key), "points": r.points,
                             "tied": r.tied, "winner": r.key in won} for r in ranks],
            })
    return {"votes": rounds}


def item_totals(rounds: list[dict]) -> tuple[dict[str, int], dict[str, int]]:
    """Each wall item's points over every exported round, and its best rank in any."""
    points: dict[str, int] = {}
    best: dict[str, int] = {}
    for r in rounds:
        for x in r["ranking"]:
            points[x["key"]] = points.get(x["key"], 0) + x["points"]
            best[x["key"]] = min(best.get(x["key"], x["rank"]), x["rank"])
    return points, best


def summary(doc: dict, t) -> list[str]:
    """The plain-text gist: each round's five most voted themes."""
    lines: list[str] = []
    for r in doc.get("votes") or []:
        if r["ranking"]:
            lines += ["", f"{t(N_('Votes'))}: " + "; ".join(f"{x['label']} ({x['points']})" for x in r["ranking"][:5])]
    return lines


def _fits_budget(p: dict, minutes: float | None) -> list[Issue]:
    """One note gets at most the whole budget, and the winners' range is a range."""
    out: list[Issue] = []
    if "max_per_note" in p and p["max_per_note"] > p["budget"]:
        out.append(("max_per_note", f"at most the budget, {p['budget']} (got {p['max_per_note']})"))
    if "winners_max" in p and p["winners_max"] < p["winners"]:
        out.append(("winners_max", f"at least winners, {p['winners']} (got {p['winners_max']})"))
    return out


ACTIVITY = Activity(
    "vote",
    params=(
        Param("budget", Int(1), required=True),
        Param("mode", Choice(MODES), default=MODES[0]),
        Param("winners", Int(1), required=True),
        Param("winners_max", Int(1)),
        Param("max_per_note", Int(1)),
        Param("rest_to_parking", Bool(), default=False),
        # a sensitive vote: the totals stay hidden until everyone has said done
        Param("hide_totals", Bool()),
        FROM_PREPARED,
        LENS_KINDS,
    ),
    extra=_fits_budget,
    # a show of hands counts whatever is on the wall then; dots are put on notes written earlier
    needs_notes=lambda p: prepared_off(p) and p.get("mode", MODES[0]) == "dots",
    kind_params=("kinds",),
    refusals={
        "no_votes_left": N_("No marks left. Tap a marked post-it to take a mark back, or tap Done."),
        "item_cap": N_("This one already has as many marks as one person may give it."),
        "no_voter": N_("Tap “Next voter” first."),
        "no_vote_here": N_("There is no mark of yours on that one."),
        "wrong_mode": N_("This vote counts something else."),
        "bad_count": N_("A count is a whole number from 0 to 999."),
        "nothing_to_vote_on": N_("There is nothing to vote on yet: the earlier steps put no post-its on the wall."),
    },
    collect=collect,
    summary=summary,
    order=70,
)
