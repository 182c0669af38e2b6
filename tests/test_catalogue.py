"""The activity catalogue (the registry's activities): every parameter rule reports the field
and what was expected."""

import pytest

from kiosk.core.activities import (
    all_activities, makes_notes, names, needs_notes, validate_params, with_defaults,
)

ACTIVITIES = names()
CATALOGUE = {a.name: a for a in all_activities()}

KINDS = [{"id": "good", "title": "Works well", "colour": "yellow"},
         {"id": "bad", "title": "Works less well", "colour": "yellow"}]


def test_the_catalogue_has_the_activities_of_the_design_plus_signup_and_map():
    assert ACTIVITIES == ("talk", "rounds", "write", "present", "group", "sort", "vote",
                          "matrix", "rate", "cards", "timeline", "actions", "signup", "map", "statuspil",
                          "review")
    assert set(CATALOGUE) == set(ACTIVITIES)


GOOD = {
    "talk": {},
    "rounds": {"rounds": [{"name": "A → B", "minutes": 10}, {"name": "B → A", "minutes": 10}]},
    "write": {"kinds": KINDS + [{"id": "trio", "title": "Trio", "colour": "pink", "prepared": True}],
              "max_length": 120, "min_per_person": 1, "max_per_person": 6, "min_per_kind": 1},
    "present": {"per_turn": 2, "pair_by": ["good", "bad"], "kinds": ["good", "bad"]},
    "group": {},
    "sort": {"columns": [{"id": "keep", "title": "Keep"}, {"id": "change", "title": "Change"}],
             "parking_lot": "Parking"},
    "vote": {"budget": 2, "mode": "dots", "winners": 3, "winners_max": 5, "max_per_note": 1,
             "rest_to_parking": True},
    "matrix": {"x_axis": "Our influence", "y_axis": "Importance",
               "quadrants": ["a", "b", "c", "d"], "pick_min": 3, "pick_max": 5},
    "rate": {"statements": ["We help each other"], "scale": ["green", "yellow", "red"]},
    "cards": {"decks": [{"id": "work", "title": "Work", "cards": ["A card"]}], "jokers": 2,
              "flip_at_minutes": 20},
    "timeline": {"span_years": 15},
    "actions": {"questions": [{"id": "what", "title": "What?"}], "iglo": True, "follow_up": True,
                "trial": True, "review_weeks": 6},
    "signup": {"themes": "clusters", "one_per_person": False},
    "map": {"centre": "Hård tone", "write": True, "kind": "point", "max_length": 100},
    "statuspil": {"stages": ["agreed", "started", "done"]},
    "review": {"next_weeks": 6},
}


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_good_params_pass(activity):
    assert validate_params(activity, GOOD[activity], minutes=30) == []


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_an_unknown_parameter_is_reported_for_every_activity(activity):
    issues = validate_params(activity, dict(GOOD[activity], colour="red"), minutes=30)
    assert [f for f, _ in issues] == ["colour"]
    assert issues[0][1].startswith(f"a known parameter of {activity} (")


@pytest.mark.parametrize("activity, params, expected", [
    ("vote", {"budget": 0, "winners": 3}, [("budget", "an integer ≥ 1 (got 0)")]),
    ("vote", {"budget": True, "winners": 3}, [("budget", "an integer ≥ 1 (got true)")]),
    ("vote", {"budget": 2, "winners": 0}, [("winners", "an integer ≥ 1 (got 0)")]),
    ("vote", {"budget": 2, "winners": 3, "mode": "raise"},
     [("mode", 'one of: dots, hands (got "raise")')]),
    ("vote", {"winners": 3}, [("budget", "an integer ≥ 1 (missing)")]),
    ("vote", {"budget": 2, "winners": 3, "max_per_note": 3},
     [("max_per_note", "at most the budget, 2 (got 3)")]),
    ("vote", {"budget": 2, "winners": 3, "winners_max": 2},
     [("winners_max", "at least winners, 3 (got 2)")]),
    ("matrix", {}, [("x_axis", "a non-empty string of at most 80 characters (missing)"),
                    ("y_axis", "a non-empty string of at most 80 characters (missing)")]),
    ("matrix", {"x_axis": " ", "y_axis": "y", "quadrants": ["a", "b", "c", 4]},
     [("x_axis", 'a non-empty string of at most 80 characters (got " ")'),
      ("quadrants[3]", "a non-empty string of at most 80 characters (got 4)")]),
    ("matrix", {"x_axis": "x", "y_axis": "y", "quadrants": ["a"]},
     [("quadrants", "a list of 4 strings (got 1)")]),
    ("matrix", {"x_axis": "x", "y_axis": "y", "pick_min": 5, "pick_max": 3},
     [("pick_max", "at least pick_min, 5 (got 3)")]),
    ("sort", {"columns": []}, [("columns", "a non-empty list of column tables (id, title) (got 0)")]),
    ("sort", {"columns": [{"id": "keep", "title": "Keep"}, {"id": "keep", "title": "Again"}]},
     [("columns[1].id", 'a unique id, not the same as [0] (got "keep")')]),
    ("sort", {"columns": [{"id": "Keep it", "title": "Keep", "colour": "red"}]},
     [("columns[0].colour", "a known column field (id, title)"),
      ("columns[0].id", "an id of a–z, 0–9, '-' or '_', starting with a letter, at most 40 long"
                        ' (got "Keep it")')]),
    ("sort", {"columns": [{"id": "keep", "title": "Keep"}], "parking_lot": ""},
     [("parking_lot", 'a non-empty string of at most 40 characters (got "")')]),
    ("write", {"kinds": KINDS, "max_length": 5}, [("max_length", "an integer from 10 to 500 (got 5)")]),
    ("write", {"kinds": KINDS, "max_length": 501}, [("max_length", "an integer from 10 to 500 (got 501)")]),
    ("write", {"kinds": [{"id": "x", "title": "X", "colour": "red"}]},
     [("kinds[0].colour",
       'one of: yellow, pink, blue, green, orange, purple, grey, white (got "red")')]),
    ("write", {"kinds": [{"id": "x", "title": "X", "colour": "pink", "prepared": True}]},
     [("kinds", "at least one kind that participants write (prepared = false)")]),
    ("write", {"kinds": KINDS, "min_per_person": 4, "max_per_person": 3},
     [("min_per_person", "at most max_per_person, 3 (got 4)")]),
    ("write", {"kinds": KINDS, "min_per_kind": 2, "max_per_person": 3},
     [("min_per_kind", "min_per_kind × 2 kinds ≤ max_per_person, 3 (got 4)")]),
    ("present", {"per_turn": 0}, [("per_turn", "an integer ≥ 1 (got 0)")]),
    ("present", {"per_turn": 1, "pair_by": ["good", "bad"]},
     [("per_turn", "the number of pair_by kinds, 2 (got 1)")]),
    ("present", {"pair_by": ["good", "bad"], "kinds": ["good"]},
     [("pair_by[1]", 'one of this step\'s kinds (got "bad")')]),
    ("present", {"pair_by": ["good", "good"]},
     [("pair_by[1]", 'a string not already in the list (got "good")')]),
    ("rounds", {"rounds": [{"name": "A", "minutes": 0}]},
     [("rounds[0].minutes", "a number > 0 (got 0)")]),
    ("rounds", {"rounds": [{"name": "A", "minutes": 20}, {"name": "B", "minutes": 15}]},
     [("rounds", "rounds that fit in the step's 30 minutes (got 35)")]),
    ("rate", {"statements": []}, [("statements", "a non-empty list of strings (got 0)")]),
    ("rate", {"statements": ["a"], "scale": ["only"]},
     [("scale", "a list of at least 2 strings, all different (got 1)")]),
    ("cards", {"decks": [{"id": "d", "title": "D", "cards": []}], "jokers": -1},
     [("decks[0].cards", "a non-empty list of strings (got 0)"),
      ("jokers", "an integer ≥ 0 (got -1)")]),
    ("cards", {"decks": [{"id": "d", "title": "D", "cards": ["c"]}], "flip_at_minutes": 30},
     [("flip_at_minutes", "fewer minutes than the step's 30 (got 30)")]),
    ("timeline", {"span_years": 0}, [("span_years", "an integer from 1 to 50 (got 0)")]),
    ("timeline", {"span_years": 51}, [("span_years", "an integer from 1 to 50 (got 51)")]),
    ("timeline", {}, [("span_years", "an integer from 1 to 50 (missing)")]),
    ("actions", {"questions": [{"id": "q"}], "iglo": "yes"},
     [("questions[0].title", "a non-empty string of at most 80 characters (missing)"),
      ("iglo", 'true or false (got "yes")')]),
    ("statuspil", {"stages": ["agreed", "agreed"]},
     [("stages[1]", 'a string not already in the list (got "agreed")')]),
    ("statuspil", {"stages": ["agreed", ""]},
     [("stages[1]", 'a non-empty string of at most 30 characters (got "")')]),
    ("review", {"next_weeks": 0}, [("next_weeks", "an integer from 1 to 52 (got 0)")]),
    ("group", [], [("", "a table of parameters (got an empty list)")]),
])
def test_each_rule_reports_the_field_and_what_was_expected(activity, params, expected):
    assert validate_params(activity, params, minutes=30) == expected


def test_an_unknown_activity_is_a_programming_error():
    with pytest.raises(KeyError):
        validate_params("brainstorm", {})


def test_cross_parameter_rules_wait_until_each_parameter_is_valid():
    # budget is broken, so "max_per_note ≤ budget" is not checked on top of it
    assert validate_params("vote", {"budget": "2", "winners": 1, "max_per_note": 3}) == [
        ("budget", 'an integer ≥ 1 (got "2")')]


def test_rounds_fit_is_only_checked_when_the_step_length_is_known():
    params = {"rounds": [{"name": "A", "minutes": 50}]}
    assert validate_params("rounds", params) == []
    assert validate_params("rounds", params, minutes=40) != []


def test_defaults_are_filled_in_as_plain_lists():
    assert with_defaults("vote", {"budget": 2, "winners": 3}) == {
        "budget": 2, "winners": 3, "mode": "dots", "rest_to_parking": False, "from_prepared": False}
    assert with_defaults("rate", {"statements": ["s"]})["scale"] == ["green", "yellow", "red"]
    assert with_defaults("present", {"pair_by": ["a", "b"]})["per_turn"] == 2
    assert with_defaults("present", {})["per_turn"] == 1
    assert "stages" not in with_defaults("statuspil", {})  # the UI language's default applies
    kinds = [{"id": "a", "title": "A", "colour": "pink"}]
    filled = with_defaults("write", {"kinds": kinds})
    assert filled["kinds"] == [{"id": "a", "title": "A", "colour": "pink", "prepared": False}]
    assert kinds == [{"id": "a", "title": "A", "colour": "pink"}]  # the input is left alone


def test_which_steps_need_notes_and_which_make_them():
    assert needs_notes("group", {}) and needs_notes("matrix", {}) and needs_notes("actions", {})
    assert needs_notes("present", {}) and needs_notes("sort", {"columns": []})
    assert needs_notes("vote", {"mode": "dots"}) and needs_notes("vote", {})
    assert not needs_notes("vote", {"mode": "hands"})
    assert not needs_notes("group", {"from_prepared": True})
    assert not needs_notes("talk", {}) and not needs_notes("rate", {"statements": ["s"]})
    assert makes_notes("write", {}) and not makes_notes("talk", {})
    # a sort with seed items (e.g. NED's factors) brings its own notes
    assert makes_notes("sort", {"items": ["Workload"]}) and not needs_notes("sort", {"items": ["Workload"]})
