"""The activity registry is the one list of activities (DESIGN.md §5): every module of
kiosk/core/activities registers itself, every activity has a view, every refusal a
rule can give has one message in one place, and an activity from outside comes and
goes with register / unregister."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest

from kiosk.core import activities, minutes, people, wall
from kiosk.core.activities import Activity
from kiosk.core.params import Int, Param

ROOT = Path(__file__).resolve().parents[1]

INTERNAL = {
    # values the screens never send: a wrong call in the code, not a tap, so no message
    "answer_invalid", "by_unknown", "date_invalid", "iglo_unknown", "question_unknown",
    "stages_invalid", "theme_unknown", "unknown_session",
}


def test_every_module_of_the_package_is_one_registered_activity_of_its_own_name():
    modules = {info.name for info in pkgutil.iter_modules(activities.__path__)}
    assert set(activities.names()) == modules
    for name in modules:
        assert activities.get(name).name == name


def test_every_activity_has_its_view_and_kv_beside_it():
    for spec in activities.all_activities():
        path = ROOT.joinpath(*spec.view_module.split(".")).with_suffix(".py")
        assert path.is_file(), f"{spec.name}: no view module {spec.view_module}"
        assert "class View(" in path.read_text(encoding="utf-8") or "View = " in path.read_text(encoding="utf-8")
        assert path.with_suffix(".kv").is_file(), f"{spec.name}: no kv beside {path.name}"


def _raised_reasons() -> dict[str, set[str]]:
    """Reason → files, for every ``raise SomeError("reason")`` in the rules a tap on
    the wall reaches: the activities, the wall, the session, the workshop and the plan."""
    core = ROOT / "kiosk" / "core"
    files = [*(core / "activities").glob("*.py"), core / "wall.py", core / "session.py", core / "workshop.py",
             core / "plan.py", core / "minutes.py", core / "decisions.py"]
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id.endswith("Error")
                    and node.exc.args and isinstance(node.exc.args[0], ast.Constant)
                    and isinstance(node.exc.args[0].value, str) and node.exc.args[0].value.isidentifier()):
                found.setdefault(node.exc.args[0].value, set()).add(path.name)
    return found


def _homes() -> dict[str, list[str]]:
    from kiosk.ui import messages

    homes: dict[str, list[str]] = {}
    for key in messages._REFUSALS:
        homes.setdefault(key, []).append("kiosk.ui.messages")
    for key in wall.REFUSALS:
        homes.setdefault(key, []).append("kiosk.core.wall")
    for key in people.REFUSALS:
        homes.setdefault(key, []).append("kiosk.core.people")
    for key in minutes.REFUSALS:
        homes.setdefault(key, []).append("kiosk.core.minutes")
    for spec in activities.all_activities():
        for key in spec.refusals:
            homes.setdefault(key, []).append(f"activity {spec.name}")
    return homes


def test_every_refusal_a_tap_can_meet_has_a_message():
    from kiosk.ui import messages

    raised = _raised_reasons()
    assert {"note_empty", "no_votes_left", "moved_meanwhile", "last_step"} <= set(raised)  # the walk sees them
    assert INTERNAL <= set(raised)  # the list above names only reasons still raised
    homes = _homes()
    missing = {r: sorted(f) for r, f in raised.items() if r not in homes and r not in INTERNAL}
    assert missing == {}
    fallback = messages.refusal("no-such-reason")
    assert [r for r in homes if messages.refusal(r) == fallback] == []


def test_each_refusal_message_lives_in_one_place():
    twice = {k: v for k, v in _homes().items() if len(v) > 1}
    assert twice == {}


def test_the_loader_and_the_plan_hooks_come_from_the_spec():
    rounds = activities.get("rounds")
    params = {"rounds": [{"name": "A", "minutes": 6.0, "prompts": []}, {"name": "B", "minutes": 4.0, "prompts": []}]}
    assert rounds.shortest(params) == 2.0  # a minute per round; none below half a minute
    assert rounds.fit(params, 10.0, 5.0)["rounds"] == [{"name": "A", "minutes": 3.0, "prompts": []},
                                                       {"name": "B", "minutes": 2.0, "prompts": []}]
    assert rounds.fit(params, 10.0, 20.0)["rounds"][0]["minutes"] == 12.0  # rounds that fill the step grow
    write = activities.get("write")
    assert list(write.note_kinds({"kinds": [{"id": "good"}, {"id": "bad"}]})) == ["good", "bad"]
    assert activities.get("present").kind_params == ("kinds", "pair_by")



def test_the_note_kinds_of_a_method_come_from_the_registry():
    """One function (the activity's note_kinds hook and its kinds table) answers what
    kinds of note a method's steps make, for the screens and the export alike; a
    stored step of an unknown activity or with damaged params is passed over."""
    from kiosk.core.method import Step

    good = {"id": "good", "title": "Works well", "colour": "yellow", "prepared": False}
    trio = {"id": "trio", "title": "The trio's", "colour": "pink", "prepared": True}
    steps = [Step(id="w", title="Write", activity="write", minutes=10, params={"kinds": [good, trio]}),
             Step(id="p", title="Present", activity="present", minutes=10, params={"kinds": ["good"]}),
             Step(id="w2", title="Again", activity="write", minutes=5, params={"kinds": [{**good, "title": "Again"}]})]
    assert [(s.id, k["title"]) for s, k in activities.declared_kinds(steps)] == [
        ("w", "Works well"), ("w", "The trio's"), ("w2", "Again")]
    stored = [{"activity": "write", "params": {"kinds": [good]}}, {"activity": "gone_since", "params": {}},
              {"activity": "write", "params": {"kinds": 7}}, {"activity": "write"}]
    assert activities.declared_kinds(stored) == [(stored[0], good)]


def test_the_screens_ask_the_spec_what_a_step_presents_and_how_it_is_planned():
    assert list(activities.get("present").presents({"kinds": ["trio"]})) == ["trio"]
    assert list(activities.get("group").presents({"kinds": ["trio"]})) == []
    note = activities.get("rounds").plan_note
    assert note({"rounds": [{"minutes": 4.5}, {"minutes": 5.0}, {"minutes": 0.5}]}, lambda m: m) == \
        "Rounds: 4½ · 5 · ½ min"
    assert activities.get("write").plan_note is None


@pytest.fixture
def tally():
    spec = activities.register(Activity("tally_probe", params=(Param("goal", Int(1), required=True),),
                                        refusals={"probe_full": "The probe is full."}))
    yield spec
    activities.unregister("tally_probe")


def test_an_activity_from_outside_is_registered_checked_and_taken_away(tally):
    assert activities.names()[-1] == "tally_probe"  # one from elsewhere goes after the catalogue
    assert activities.validate_params("tally_probe", {"goal": 0}) == [("goal", "an integer ≥ 1 (got 0)")]
    assert activities.with_defaults("tally_probe", {"goal": 3}) == {"goal": 3}
    assert activities.refusal_message("probe_full") == "The probe is full."
    activities.unregister("tally_probe")
    assert "tally_probe" not in activities.names()
    assert "vote" in activities.names()  # the built-in ones stay (found again)
    with pytest.raises(KeyError):
        activities.get("tally_probe")
