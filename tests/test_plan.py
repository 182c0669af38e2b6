"""The plan before the start: step lengths within bounds, optional steps off, totals,
the planned end, and the method snapshot the session starts with (the file untouched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.loader import load_method
from kiosk.core.plan import MAX_MINUTES, Plan, PlanError
from kiosk.core.session import Session
from kiosk.core.workshop import Workshop

ROOT = Path(__file__).resolve().parents[1]
TRIVSEL = ROOT / "methods" / "trivselsdialog.toml"

HEAD = """\
[method]
id = "m"
title = "M"
language = "nb"
summary = "s"
source = "t"
meetings = {meetings}
"""


def step(sid: str, activity: str, minutes: float, extra: str = "") -> str:
    return (f'\n[[steps]]\nid = "{sid}"\ntitle = "{sid.title()}"\nminutes = {minutes}\n'
            f'activity = "{activity}"\n{extra}\n')


def method_of(tmp_path: Path, text: str, meetings: int = 1):
    p = tmp_path / "m.toml"
    p.write_text(HEAD.format(meetings=meetings) + text, encoding="utf-8")
    return load_method(p)


WRITE = 'params = { kinds = [{ id = "idea", title = "Idea", colour = "yellow" }] }'


def test_the_guides_own_plan(method):
    plan = Plan.of(method)
    assert plan.total() == plan.guide_total() == 150
    assert not plan.changed and plan.changed_steps() == []
    assert [plan.phase_total(p) for p in plan.phases()] == [10, 10, 40, 20, 60, 10]
    snap = plan.method()
    assert [s.minutes for s in snap.steps] == [s.minutes for s in method.steps]
    assert snap.path == "" and snap.when == method.when and snap.id == method.id


def test_minus_and_plus_stop_at_the_bounds(method):
    plan = Plan.of(method)
    assert plan.bounds("velkomst") == (1, 30)          # ≥ 1 minute, ≤ 3 × the guide's 10
    assert plan.bounds("handleplan") == (1, 135)
    p = plan.change("velkomst", -5).change("velkomst", -1)
    assert p.minutes_of("velkomst") == 4
    p = p.change("velkomst", -5)                        # 4 − 5 stops at 1, not refused
    assert p.minutes_of("velkomst") == 1
    assert p.change("velkomst", -1) is p and not p.can_change("velkomst", -1)
    assert p.can_change("velkomst", +1)
    for _ in range(10):
        p = p.change("velkomst", +5)
    assert p.minutes_of("velkomst") == 30 and not p.can_change("velkomst", +1)
    assert plan.minutes_of("velkomst") == 10          # the plan is a value: the old one is unchanged


def test_set_minutes_refuses_what_is_out_of_bounds(method):
    plan = Plan.of(method)
    for bad in (0, 0.5, 31, -3, True, "10", float("nan")):
        with pytest.raises(PlanError, match="minutes_range"):
            plan.set_minutes("velkomst", bad)
    assert plan.set_minutes("velkomst", 30).minutes_of("velkomst") == 30
    with pytest.raises(PlanError, match="no_such_step"):
        plan.change("nope", 1)


def test_long_steps_are_capped_at_240_and_the_guides_own_time_is_always_allowed(tmp_path):
    m = method_of(tmp_path, step("long", "talk", 100) + step("huge", "talk", 300) + step("tiny", "talk", 0.5))
    plan = Plan.of(m)
    assert plan.bounds("long") == (1, MAX_MINUTES)
    assert plan.bounds("huge") == (1, 300)
    assert plan.bounds("tiny") == (0.5, 1.5)
    assert plan.change("tiny", +1).minutes_of("tiny") == 1.5


def test_an_activity_sets_its_own_floor(tmp_path):
    cards = 'params = { flip_at_minutes = 20, decks = [{ id = "d", title = "D", cards = ["x"] }] }'
    m = method_of(tmp_path, step("kort", "cards", 30, cards) + step("prat", "talk", 30))
    plan = Plan.of(m)
    assert plan.bounds("kort") == (21, 90)              # the cards turn 20 minutes before the end
    assert plan.change("kort", -5).change("kort", -5).minutes_of("kort") == 21
    with pytest.raises(PlanError, match="minutes_range"):
        plan.set_minutes("kort", 20)
    assert plan.bounds("prat") == (1, 90)


ROUNDS = ('params = {{ rounds = [{{ name = "A intervjuer B", minutes = {a} }}, '
          '{{ name = "B intervjuer A", minutes = {b} }}, {{ name = "Plenum", minutes = {c} }}] }}')


def test_timed_rounds_are_fitted_to_the_planned_step(tmp_path):
    fills = ROUNDS.format(a=6, b=7, c=7)                 # the check-in: rounds fill the 20 minutes
    room = ROUNDS.format(a=10, b=10, c=5)                # 25 of 30 minutes: room for the wish list
    m = method_of(tmp_path, step("innsjekk", "rounds", 20, fills) + step("intervju", "rounds", 30, room))
    plan = Plan.of(m)
    assert plan.bounds("innsjekk") == (3, 60)             # about a minute per round at the least
    assert plan.bounds("intervju") == (3, 90)

    def rounds(p, sid):
        return [r["minutes"] for r in p.method().steps[p.guide.step_index(sid)].params["rounds"]]

    assert rounds(plan, "innsjekk") == [6, 7, 7] and plan.method() == m   # the guide's: untouched
    short = plan.set_minutes("innsjekk", 10)
    assert rounds(short, "innsjekk") == [3, 3.5, 3.5]
    long = plan.set_minutes("innsjekk", 30)
    assert rounds(long, "innsjekk") == [9, 10.5, 10.5]
    odd = plan.set_minutes("innsjekk", 7)                 # to the half minute, rounded down
    assert rounds(odd, "innsjekk") == [2, 2, 2]
    assert rounds(plan.set_minutes("innsjekk", 3), "innsjekk") == [0.5, 1, 1]
    # rounds that leave room keep their times until the step gets shorter than they are
    assert rounds(plan.set_minutes("intervju", 40), "intervju") == [10, 10, 5]
    assert rounds(plan.set_minutes("intervju", 26), "intervju") == [10, 10, 5]
    assert rounds(plan.set_minutes("intervju", 20), "intervju") == [8, 8, 4]
    assert plan.set_minutes("intervju", 20).planned_step("intervju").params["rounds"][0]["name"] == "A intervjuer B"
    # a short round in a long step: the floor keeps it at half a minute at least
    lopsided = method_of(tmp_path, step("r", "rounds", 30, ROUNDS.format(a=1, b=28, c=1)))
    lp = Plan.of(lopsided)
    assert lp.bounds("r") == (15, 90)
    assert rounds(lp.set_minutes("r", 15), "r") == [0.5, 14, 0.5]
    # every planned snapshot passes the loader's own checks
    from kiosk.core.plan import _problems
    for p in (short, long, odd, plan.set_minutes("intervju", 3), plan.set_minutes("innsjekk", 3)):
        assert _problems(p.method()) == []


def test_totals_and_planned_end_recompute(method):
    start = 1_800_000_000.0
    plan = Plan.of(method).change("praesentation", +5).change("handleplan", -5).change("handleplan", -1)
    assert plan.total() == 150 + 5 - 6
    assert plan.ends_at(start) == start + 149 * 60
    assert [plan.phase_total(p) for p in plan.phases()] == [10, 10, 45, 20, 54, 10]
    assert plan.changed_steps() == ["praesentation", "handleplan"]
    off = plan.switch("afstemning", False)
    assert off.total() == 139 and off.phase_total(off.phases()[4]) == 44
    assert off.changed_steps() == ["praesentation", "afstemning", "handleplan"]
    with pytest.raises(PlanError, match="step_off"):
        off.change("afstemning", 1)                       # a step switched off has no length to change
    assert not off.can_change("afstemning", 1)
    back = off.reset()
    assert back == Plan.of(method) and not back.changed and back.total() == 150


def test_only_optional_steps_switch_off_and_back_on(method):
    plan = Plan.of(method)
    with pytest.raises(PlanError, match="not_optional"):
        plan.switch("handleplan", False)
    off = plan.switch("afstemning", False)
    assert not off.is_on("afstemning") and off.switch("afstemning", False) is off
    assert [s.id for s in off.method().steps] == [s.id for s in method.steps if s.id != "afstemning"]
    on = off.switch("afstemning", True)
    assert on.is_on("afstemning") and on == plan


def test_a_step_a_later_step_needs_cannot_be_switched_off(tmp_path):
    m = method_of(tmp_path, step("skriv", "write", 10, WRITE + "\noptional = true") + step("grupper", "group", 10)
                  + step("prat", "talk", 5, "optional = true\nmeeting = 2")
                  + step("slutt", "talk", 5, "optional = true\nmeeting = 2"), meetings=2)
    plan = Plan.of(m)
    with pytest.raises(PlanError, match="step_needed"):
        plan.switch("skriv", False)                       # the grouping step would have no notes
    one = plan.switch("prat", False)
    with pytest.raises(PlanError, match="step_needed"):
        one.switch("slutt", False)                        # meeting 2 would have no step left
    assert one.total(1) == 20 and one.total(2) == 5 and one.meetings() == [1, 2]
    assert one.ends_at(0, meeting=2) == 5 * 60


def test_the_session_starts_with_the_planned_snapshot_and_the_file_is_untouched(method, store, clock):
    before = TRIVSEL.read_bytes()
    plan = (Plan.of(method).change("refleksion", +5).change("mulighedsrum", -5).change("mulighedsrum", -1)
            .switch("afstemning", False))
    ws = Workshop.start(store, clock, plan.method(), "Team A", "da")
    doc = store.load_session(ws.session.id)
    steps = {s["id"]: s["minutes"] for s in doc["method"]["steps"]}
    assert steps["refleksion"] == 15 and steps["mulighedsrum"] == 14 and "afstemning" not in steps
    assert doc["timers"]["refleksion"]["planned"] == 15 * 60
    assert "afstemning" not in doc["timers"]
    again = Session.from_dict(doc)
    assert [p.minutes for p in again.method.phases()] == [10, 15, 40, 14, 50, 10]
    assert ws.planned_end() == plan.ends_at(clock.now()) == clock.now() + 139 * 60
    assert TRIVSEL.read_bytes() == before and load_method(TRIVSEL) == method


# -- the draft kept before Start ----------------------------------------------------------

def test_a_draft_keeps_only_the_changes_and_comes_back_whole(method):
    from kiosk.core.plan import draft_for

    plan = Plan.of(method).change("refleksion", 5).change("mulighedsrum", -5).switch("afstemning", False)
    draft = plan.to_draft()
    assert draft == {"minutes": {"refleksion": 15.0, "mulighedsrum": 15.0}, "off": ["afstemning"]}
    back = Plan.of(method).with_draft(draft)
    assert back == plan and back.changed_steps() == plan.changed_steps()
    stored = {"method": method.id, "team": "Køkkenet", "at": 1000.0, **draft}
    assert draft_for(stored, method.id, 1000.0 + 3600) == stored
    assert draft_for(stored, "apu", 1000.0 + 3600) is None                 # another method
    assert draft_for(stored, method.id, 1000.0 + 13 * 3600) is None        # another day
    assert draft_for(stored, method.id, 500.0) is None                     # a clock set back
    for bad in (None, [], {"method": method.id}, {**stored, "at": True}, {**stored, "team": 5}):
        assert draft_for(bad, method.id, 1000.0) is None


def test_a_draft_the_method_no_longer_allows_is_applied_where_it_still_fits(method):
    draft = {"minutes": {"refleksion": 15, "gone": 5, "mulighedsrum": 9999, "velkomst": "x"},
             "off": ["velkomst", "afstemning", "nope"]}
    plan = Plan.of(method).with_draft(draft)
    assert plan.minutes_of("refleksion") == 15 and plan.minutes_of("mulighedsrum") == 20
    assert plan.off == frozenset({"afstemning"})        # velkomst is not optional
    assert Plan.of(method).with_draft({"minutes": [1, 2], "off": None}) == Plan.of(method)
