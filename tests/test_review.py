"""The follow-up meeting's rules against the real store (kiosk.core.activities.review):
one record per follow-up, written in one write of the action's own session file; the
verdicts for every action; "not followed up since its day" on the board; a stale
follow-up refused; a gone action, another team's, an empty line; undo; the export;
the method files that run it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core import export
from kiosk.core.activities.actions import ActionError, ActionPlan, today
from kiosk.core.activities.review import LINE_MAX, Review, ReviewError, seen_of, suggest_next, team_key
from kiosk.core.activities.statuspil import Board
from kiosk.core.loader import load_method, load_methods
from kiosk.core.session import Session

ROOT = Path(__file__).resolve().parents[1]
DAY = 86_400


def day(clock, n: int) -> str:
    return (today(clock) + timedelta(days=n)).isoformat()


def session(store, clock, method, team: str) -> str:
    s = Session.create(method, team, clock.now())
    store.save_session(s.to_dict())
    return s.id


def action(store, clock, sid: str, label: str, *, follow_up: int | None = 7, trial: bool = False):
    plan = ActionPlan(store, sid, clock)
    a = plan.add(None, label, trial=trial)
    plan.set_owner(a.id, "Mette")
    if follow_up is not None:
        plan.set_follow_up(a.id, day(clock, follow_up))
    if trial:
        plan.set_trial(a.id, True, day(clock, follow_up or 7))
    return plan.get(a.id)


def writes(store, sid: str) -> int:
    return store._session_db(sid, False).storage.write_count


@pytest.fixture
def follow(store, clock, method):
    """A workshop of 'Hjemmeplejen Nord' with two actions, another team's with one, and a
    follow-up meeting of ' hjemmeplejen  nord' (spelt a little differently) a week later."""
    sid = session(store, clock, method, "Hjemmeplejen Nord")
    made = [action(store, clock, sid, "Travle morgener"), action(store, clock, sid, "Vagtplanen", follow_up=3)]
    other = session(store, clock, method, "Køkkenet")
    theirs = action(store, clock, other, "Opvasken")
    clock.advance(7 * DAY)
    meeting = session(store, clock, load_method(ROOT / "methods" / "opfolgningsmode.toml"), " hjemmeplejen  nord")
    return Review(store, clock, meeting, "gennemgang"), sid, made, theirs


def test_a_follow_up_is_one_record_in_one_write_of_the_actions_session(store, clock, follow):
    review, sid, (a, b), theirs = follow
    walk = review.actions()
    assert [x.key for x in walk] == [b.key, a.key]        # the team's: not followed up since its day first
    assert team_key(review.team) == team_key("Hjemmeplejen Nord") and theirs.key not in [x.key for x in walk]
    before_meeting, before = writes(store, review.session_id), writes(store, sid)
    done = review.follow_up(sid, b.id, line="  Ny plan\nhænger  i gangen ", stage=2, verdict="continue",
                            next_day=day(clock, 28), seen=seen_of(b))
    assert writes(store, sid) == before + 1 and writes(store, review.session_id) == before_meeting
    stored = review.action(sid, b.id)
    assert stored == done and (stored.stage, stored.verdict, stored.follow_up) == (2, "continue", day(clock, 28))
    [record] = stored.follow_ups
    assert record == {"at": clock.now(), "date": day(clock, 0), "line": "Ny plan hænger i gangen", "from": 0,
                      "stage": 2, "verdict": "continue", "next": day(clock, 28),
                      "session": review.session_id, "step": "gennemgang"}
    last = stored.history[-1]
    assert (last["event"], last["from"], last["to"], last["by"]) == ("follow_up", 0, 2, "workshop")
    assert stored.followed_up == day(clock, 0) and review.here(stored) == record
    assert [x.key for x in review.actions([b.key, a.key])] == [b.key, a.key]   # the walk keeps its order
    assert suggest_next(stored, clock) == day(clock, 28) and suggest_next(a, clock) == day(clock, 28)


def test_the_verdicts_hold_for_every_action(store, clock, follow, refused):
    review, sid, (a, b), _ = follow
    refused("adjust_needs_line", review.follow_up, sid, a.id, line=" ", stage=0, verdict="adjust",
            next_day=None, seen=seen_of(a))
    refused("drop_needs_line", review.follow_up, sid, a.id, line="", stage=0, verdict="drop",
            next_day=None, seen=seen_of(a))
    refused("verdict_unknown", review.follow_up, sid, a.id, line="x", stage=0, verdict=None,
            next_day=None, seen=seen_of(a))
    refused("line_long", review.follow_up, sid, a.id, line="x" * (LINE_MAX + 1), stage=0, verdict="continue",
            next_day=None, seen=seen_of(a))
    refused("date_past", review.follow_up, sid, a.id, line="", stage=0, verdict="continue",
            next_day=day(clock, -1), seen=seen_of(a))
    refused("no_such_stage", review.follow_up, sid, a.id, line="", stage=5, verdict="continue",
            next_day=None, seen=seen_of(a))
    assert review.action(sid, a.id).follow_ups == ()                       # nothing written by a refusal

    dropped = review.follow_up(sid, a.id, line="Ingen vil have det", stage=1, verdict="drop",
                               next_day=day(clock, 9), seen=seen_of(a))
    board = Board(store, clock)
    assert dropped.dropped and dropped.finished and dropped.follow_up is None       # no next day when dropped
    assert board.archived(dropped) and a.key not in [r.action.key for r in board.open_actions()]
    assert a.key in [x.key for x in review.actions()]                      # still in the walk: undo is near

    board.park(sid, b.id, seen_stage=0)
    parked = review.action(sid, b.id)
    done = review.follow_up(sid, b.id, line="Færre møder", stage=4, verdict="adjust", next_day=None,
                            seen=seen_of(parked))
    assert not done.parked and done.finished and not done.dropped           # taken up again, and at the goal

    trial = action(store, clock, sid, "Prøv tavlemøder", trial=True)
    clock.advance(8 * DAY)
    assert board.review_due(review.action(sid, trial.id))
    t = review.action(sid, trial.id)
    adjusted = review.follow_up(sid, trial.id, line="Kortere", stage=1, verdict="adjust", next_day=None,
                                seen=seen_of(t))
    assert adjusted.review == day(clock, 14) and not board.review_due(adjusted)
    clock.advance(15 * DAY)
    t = review.action(sid, trial.id)
    kept = review.follow_up(sid, trial.id, line="", stage=2, verdict="continue", next_day=day(clock, 30),
                            seen=seen_of(t))
    assert kept.verdict == "continue" and not board.review_due(kept) and not kept.finished


def test_not_followed_up_since_its_day(store, clock, follow):
    review, sid, (a, b), _ = follow
    board = Board(store, clock)
    assert board.overdue(b) and not board.overdue(a)          # b's day (3) has passed, a's (7) is today
    review.follow_up(sid, b.id, line="", stage=1, verdict="continue", next_day=None, seen=seen_of(b))
    assert not board.overdue(review.action(sid, b.id))        # followed up, no next day
    plan = ActionPlan(store, sid, clock)
    plan.set_follow_up(a.id, day(clock, 0))                   # we follow up at today's meeting …
    a = review.action(sid, a.id)
    review.follow_up(sid, a.id, line="", stage=0, verdict="continue", next_day=day(clock, 0), seen=seen_of(a))
    clock.advance(DAY)
    a = review.action(sid, a.id)
    assert a.follow_up == day(clock, -1) and a.followed_up == a.follow_up
    assert not board.overdue(a)                               # … and did: not overdue the day after
    clock.advance(DAY)
    plan.set_follow_up(a.id, day(clock, 1))
    clock.advance(3 * DAY)
    a = review.action(sid, a.id)
    assert board.overdue(a) and not a.followed_up_since(today(clock) - timedelta(days=2))
    assert [r.action.key for r in board.open_actions() if r.action.session_id == sid][0] == a.key  # attention first


def test_a_stale_follow_up_is_refused_and_writes_nothing(store, clock, follow, refused):
    review, sid, (a, b), _ = follow
    seen = seen_of(a)
    Board(store, clock).forward(sid, a.id, seen_stage=0)       # someone at the board, a moment ago
    count = writes(store, sid)
    refused("changed_meanwhile", review.follow_up, sid, a.id, line="Sat i gang", stage=1,
            verdict="continue", next_day=None, seen=seen)
    assert writes(store, sid) == count and review.action(sid, a.id).follow_ups == ()
    fresh = review.action(sid, a.id)                           # the screen shows it again, as it is now
    assert review.follow_up(sid, a.id, line="Sat i gang", stage=2, verdict="continue", next_day=None,
                            seen=seen_of(fresh)).stage == 2


def test_a_gone_action_and_another_teams(store, clock, follow, refused):
    review, sid, (a, b), theirs = follow
    ActionPlan(store, sid, clock).delete(a.id)
    refused("action_gone", review.follow_up, sid, a.id, line="", stage=0, verdict="continue",
            next_day=None, seen=seen_of(a))
    assert a.key not in [x.key for x in review.actions()]
    refused("not_this_team", review.follow_up, theirs.session_id, theirs.id, line="", stage=0,
            verdict="continue", next_day=None, seen=seen_of(theirs))
    assert review.teams() == ["Hjemmeplejen Nord", "Køkkenet"]
    refused("team_unknown", review.choose_team, "Lageret")
    assert review.choose_team("køkkenet ") == "køkkenet"
    assert [x.key for x in review.actions()] == [theirs.key]
    assert review.follow_up(theirs.session_id, theirs.id, line="", stage=1, verdict="continue",
                            next_day=None, seen=seen_of(theirs)).stage == 1
    assert review.undo() and review.undo()                     # the follow-up, then the choice
    assert team_key(review.team) == team_key("Hjemmeplejen Nord")
    assert review.action(theirs.session_id, theirs.id).follow_ups == ()


def test_undo_puts_back_exactly_what_the_follow_up_replaced(store, clock, follow, refused):
    review, sid, (a, b), _ = follow
    board = Board(store, clock)
    before = review.action(sid, b.id).to_dict()
    review.follow_up(sid, b.id, line="Droppet: ingen tid", stage=3, verdict="drop", next_day=None, seen=seen_of(b))
    assert board.undo_left(review.action(sid, b.id)) == 0      # the board's Undo does not take a follow-up
    pytest.raises(ActionError, board.undo, sid, b.id)
    assert review.can_undo and review.undo()
    assert review.action(sid, b.id).to_dict() == before and not review.can_undo

    review.follow_up(sid, a.id, line="", stage=1, verdict="continue", next_day=None, seen=seen_of(a))
    board.forward(sid, a.id, seen_stage=1)                     # moved on the board since
    refused("follow_up_changed", review.undo)
    assert review.action(sid, a.id).stage == 2 and len(review.action(sid, a.id).follow_ups) == 1
    ActionPlan(store, sid, clock).delete(a.id)                 # gone: nothing left to undo
    assert not review.undo()


def test_the_export_shows_each_follow_up_under_its_action(store, clock, follow):
    review, sid, (a, b), _ = follow
    review.follow_up(sid, b.id, line="Planen hænger nu i gangen", stage=2, verdict="adjust",
                     next_day=day(clock, 21), seen=seen_of(b))
    own = export.document(store, sid, clock=clock)             # the workshop that made the action
    [entry] = own["follow_ups"]
    assert entry["action"]["theme_label"] == "Vagtplanen" and entry["action"]["own"]
    assert entry["records"][0]["line"] == "Planen hænger nu i gangen" and entry["records"][0]["stage"] == "undervejs"
    md = export.render(own, "md").decode()
    head = md.index("## Opfølgninger")
    assert md.index("- Vagtplanen", head) < md.index("Planen hænger nu i gangen", head)
    assert "Justér" in md[head:] and day(clock, 21) in md[head:]
    csv = export.render(own, "actions.csv").decode()
    assert "Seneste opfølgning" in csv and "Planen hænger nu i gangen" in csv
    assert export.render(own, "pdf").startswith(b"%PDF")
    from kiosk.core.export import phonepage                     # the phone page draws the section too
    assert "Planen hænger nu i gangen" in phonepage.page(own, {})
    held = export.document(store, review.session_id, clock=clock)   # the follow-up meeting's own export
    assert [e["action"]["theme_label"] for e in held["follow_ups"]] == ["Vagtplanen"]
    assert not held["follow_ups"][0]["action"]["own"]
    assert "Hjemmeplejen Nord" in export.render(held, "md").decode()
    assert export.document(store, theirs_sid(store, "Køkkenet"), clock=clock)["follow_ups"] is None


def theirs_sid(store, team):
    return next(e["id"] for e in store.list_sessions() if e.get("team") == team)


def test_the_follow_up_methods_and_the_second_meetings_that_open_with_it():
    methods, problems = load_methods([ROOT / "methods"])
    assert problems == []
    by_id = {m.id: m for m in methods}
    for mid, lang in (("opfolgningsmode", "da"), ("oppfolgingsmote", "nb")):
        m = by_id[mid]
        assert m.language == lang and 10 <= m.minutes <= 15 and m.meetings == 1
        assert [s.activity for s in m.steps] == ["talk", "review", "talk"]
    for mid in ("dialogverksted", "apu"):
        first = next(s for s in by_id[mid].steps if s.meeting == 2)
        assert (first.id, first.activity) == ("status-tiltak", "review")
    source = (ROOT / "methods" / "opfolgningsmode.toml").read_text(encoding="utf-8")
    for seed in ("003", "000", "001", "002", "004"):
        assert f"#   {seed} " in source                      # each guide's follow-up lines named
