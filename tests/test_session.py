"""Step navigation, the agenda's planned end, and session snapshots."""

import pytest

from kiosk.clock import FakeClock
from kiosk.core.method import Method, Step
from kiosk.core.session import Session, SessionError, clean_team


def method(meetings=1):
    steps = (
        Step("a", "Velkomst", 10, "talk", phase="1"),
        Step("b", "Skriv", 5, "write", phase="2"),
        Step("c", "Læg op", 15, "present", phase="2"),
        Step("d", "Næste møde", 30, "talk", phase="3", meeting=meetings),
    )
    return Method(id="m", title="M", language="da", steps=steps, meetings=meetings)


def test_create_plans_a_timer_per_step():
    s = Session.create(method(), "  Hjemmeplejen   Nord ", 100.0)
    assert s.team == "Hjemmeplejen Nord"
    assert {k: t.planned for k, t in s.timers.items()} == {"a": 600, "b": 300, "c": 900, "d": 1800}
    assert s.step.id == "a" and s.is_first and not s.is_last


@pytest.mark.parametrize("name,reason", [("", "team_empty"), ("   ", "team_empty"), ("x" * 61, "team_long")])
def test_team_name_is_checked(name, reason):
    with pytest.raises(SessionError, match=reason):
        clean_team(name)


def test_running_timer_hands_over_on_next_and_previous():
    c = FakeClock(0)
    s = Session.create(method(), "T", c.now()).toggle(c.now())
    c.advance(60)
    s = s.next(c.now())
    assert s.step.id == "b" and s.timer.running
    assert not s.timers["a"].running and s.timers["a"].remaining(c.now()) == 540
    c.advance(30)
    s = s.previous(c.now())
    assert s.step.id == "a" and s.timer.running and not s.timers["b"].running
    assert s.timers["b"].remaining(c.now()) == 270


def test_paused_timer_does_not_start_the_next_step():
    s = Session.create(method(), "T", 0).next(10)
    assert s.step.id == "b" and not s.timer.started


def test_navigation_bounds_are_refused_with_a_reason():
    s = Session.create(method(), "T", 0)
    with pytest.raises(SessionError, match="first_step"):
        s.previous(1)
    last = s.go_to(3, 1)
    with pytest.raises(SessionError, match="last_step"):
        last.next(2)
    with pytest.raises(SessionError, match="no_such_step"):
        s.go_to(9, 1)


def test_planned_end_moves_when_time_is_added():
    c = FakeClock(1000)
    s = Session.create(method(), "T", c.now()).toggle(c.now())
    c.advance(120)
    # 8 min left of a, then b 5 + c 15 + d 30
    assert s.planned_end(c.now()) == c.now() + 480 + 300 + 900 + 1800
    s = s.add_minutes(5)
    assert s.planned_end(c.now()) == c.now() + 780 + 300 + 900 + 1800
    c.advance(2000)  # far over time: the current step counts nothing left
    assert s.planned_end(c.now()) == c.now() + 300 + 900 + 1800


def test_planned_end_counts_only_this_meeting():
    s = Session.create(method(meetings=2), "T", 0)
    assert s.planned_end(0) == 600 + 300 + 900


def test_set_minutes_before_start_recomputes_the_agenda():
    s = Session.create(method(), "T", 0).set_minutes("c", 20)
    assert s.timers["c"].length == 1200
    assert s.planned_end(0) == 600 + 300 + 1200 + 1800
    with pytest.raises(SessionError):
        s.set_minutes("c", 0)


def test_snapshot_round_trip_keeps_method_step_and_timers():
    c = FakeClock(0)
    s = Session.create(method(), "Team æøå", c.now()).toggle(c.now()).add_minutes(1)
    c.advance(30)
    s = s.next(c.now())
    again = Session.from_dict(s.to_dict())
    assert again == s
    assert again.method.steps[2].title == "Læg op"


def test_finish_pauses_and_marks_finished():
    s = Session.create(method(), "T", 0).toggle(0).finish(50)
    assert s.status == "finished" and not s.timer.running
