"""The core rules behind issue 11's first-time-group fixes, without a window:
the picker's order (kiosk.core.method_order) and "is this step's own minimum met"
(kiosk.core.minimum, kiosk.core.activities.matrix.shortfall), on a real store."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.loader import load_methods
from kiosk.core.method import Method, Step
from kiosk.core.method_order import COMMON, ordered, uses
from kiosk.core.minimum import Shortfall, shortfall
from kiosk.core.wall import Wall

ROOT = Path(__file__).resolve().parents[1]


def real_methods():
    methods, problems = load_methods([ROOT / "methods"])
    assert not problems
    return methods


def test_the_common_method_comes_first_in_every_language():
    methods = real_methods()
    for lang, first in (("da", "trivselsdialog"), ("nb", "dialogverksted"), ("en", "trivselsdialog")):
        order = ordered(methods, lang)
        assert order[0].id == COMMON[lang][0] == first
        assert sorted(m.id for m in order) == sorted(m.id for m in methods)
    assert [m.id for m in ordered(methods, "nb")][:2] == ["dialogverksted", "trivselsdialog"]


def test_then_what_this_kiosk_ran_then_its_language_then_the_title():
    methods = real_methods()
    used = uses([{"method_id": "ned-dialogduk"}, {"method_id": "apu"}, {"method_id": "ned-dialogduk"},
                 {"method_id": None}, {}, "garbage"])
    assert used == {"ned-dialogduk": 2, "apu": 1}
    order = [m.id for m in ordered(methods, "da", used)]
    assert order[:3] == ["trivselsdialog", "ned-dialogduk", "apu"]
    rest = [m for m in ordered(methods, "da", used)][3:]
    langs = [m.language for m in rest]
    assert langs == sorted(langs, key=lambda lang: lang != "da")           # Danish ones first
    danish = [m.title.casefold() for m in rest if m.language == "da"]
    assert danish == sorted(danish)
    nb = [m.id for m in ordered(methods, "nb")]
    assert nb[:2] == ["dialogverksted", "trivselsdialog"] and {m.language for m in ordered(methods, "nb")[2:4]} == {"nb"}
    assert ordered(methods, "da", used) == ordered(list(reversed(methods)), "da", used)  # deterministic


def _method(**matrix_params) -> Method:
    return Method(id="m", title="M", language="da", steps=(
        Step(id="skriv", title="Skriv", minutes=5, activity="write",
             params={"kinds": [{"id": "godt", "title": "Godt", "colour": "yellow"},
                               {"id": "mindre", "title": "Mindre godt", "colour": "pink"},
                               {"id": "trio", "title": "Trio", "colour": "pink", "prepared": True}],
                     "min_per_kind": 1}),
        Step(id="matrix", title="Matrix", minutes=5, activity="matrix",
             params={"x_axis": "x", "y_axis": "y", **matrix_params}),
        Step(id="snak", title="Snak", minutes=5, activity="talk"),
    ))


def test_a_matrix_short_of_its_pick_min_says_how_short(store, clock, save_session):
    method = _method(pick_min=3, pick_max=5)
    wall = Wall(store, save_session(), clock)
    keys = [wall.add_note("godt", f"Tema {i}", step="skriv").key for i in range(4)]
    step = method.steps[1]
    assert shortfall(step, wall) == Shortfall("too_few_chosen", have=0, least=3, most=5)
    for key in keys[:2]:
        wall.place(key, 0.7, 0.7)
        wall.choose(key, True, pick_max=5)
    assert shortfall(step, Wall(store, "s1", clock)) == Shortfall("too_few_chosen", have=2, least=3, most=5)
    wall.place(keys[2], 0.2, 0.2)
    wall.choose(keys[2], True, pick_max=5)
    assert shortfall(step, wall) is None
    assert shortfall(_method(pick_max=5).steps[1], wall) is None             # no minimum: nothing to ask
    assert shortfall(method.steps[2], wall) is None                        # talk: none


def test_a_write_step_short_of_a_kind_names_the_kind(store, clock, save_session):
    method = _method()
    step = method.steps[0]
    wall = Wall(store, save_session(), clock)
    assert shortfall(step, wall) == Shortfall("too_few_of_kind", have=0, least=1, kind="godt")
    wall.add_note("godt", "Sammenhold", step="skriv")
    wall.add_note("mindre", "Skrevet i et andet trin", step="andet")       # not this step's
    assert shortfall(step, wall) == Shortfall("too_few_of_kind", have=0, least=1, kind="mindre")
    wall.add_note("mindre", "Travlhed", step="skriv")
    assert shortfall(step, wall) is None                                   # the prepared trio kind is not asked for
    per_person = Step(id="skriv", title="Skriv", minutes=5, activity="write",
                      params={"kinds": [{"id": "godt", "title": "Godt", "colour": "yellow"}], "min_per_person": 3})
    assert shortfall(per_person, wall) == Shortfall("too_few_notes", have=2, least=3)
    assert shortfall(step, None) is None                                   # no wall: nothing to ask
