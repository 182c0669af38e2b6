"""An action question with fixed answers (the drejebog's "simple / takes time / synergy",
003 l.342–346): the loader checks the choices, the plan keeps them and takes only one of
them as the answer, and every export shows the answer chosen under its question."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.activities.actions import ACTIONS, ActionError, ActionPlan
from kiosk.core.export import document, render
from kiosk.core.loader import MethodError, load_method
from kiosk.core.session import Session

pytestmark = pytest.mark.refusal(error=ActionError)

HEAD = """
[method]
id = "m"
title = "M"
language = "da"
summary = "s"
source = "t"

[[steps]]
id = "skriv"
title = "Skriv"
activity = "write"
minutes = 5
params = { kinds = [{ id = "idea", title = "Idé", colour = "yellow" }] }

[[steps]]
id = "plan"
title = "Plan"
activity = "actions"
minutes = 5
[steps.params]
questions = [
  { id = "hvad", title = "Hvad?" },
  { id = "karakter", title = "Hvordan?", choices = CHOICES },
]
"""


def problems(tmp_path: Path, choices: str) -> list[tuple[str, str]]:
    p = tmp_path / "m.toml"
    p.write_text(HEAD.replace("CHOICES", choices), encoding="utf-8")
    try:
        load_method(p)
    except MethodError as e:
        return [(x.field, x.expected) for x in e.problems]
    return []


def test_the_loader_takes_two_to_four_short_different_choices_and_says_what_is_wrong(tmp_path):
    assert problems(tmp_path, '["Enkel", "Kræver tid eller økonomi", "Skaber synergi"]') == []
    field = "steps[1] (id 'plan').params.questions[1].choices"
    assert problems(tmp_path, '["Enkel"]') == [
        (field, "a list of 2 to 4 strings, all different (got 1)")]
    assert problems(tmp_path, '["a", "b", "c", "d", "e"]') == [
        (field, "a list of 2 to 4 strings, all different (got 5)")]
    assert problems(tmp_path, '["Enkel", "Enkel"]') == [
        (field + "[1]", 'a string not already in the list (got "Enkel")')]
    (where, what), = problems(tmp_path, '["Enkel", "' + "x" * 31 + '"]')
    assert where == field + "[1]" and what.startswith("a non-empty string of at most 30 characters")
    assert problems(tmp_path, '"Enkel"')[0][0] == field


@pytest.fixture
def plan(store, clock, method):
    session = Session.create(method, "Team A", clock.now())
    store.save_session(session.to_dict())
    return ActionPlan(store, session.id, clock)


def test_the_trivselsdialog_asks_the_sub_questions_and_offers_three_fixed_answers(plan):
    ids = [q["id"] for q in plan.questions]
    assert ids == ["forandring", "maal", "se-maalet", "barrierer", "karakter", "indsatser", "hvem-med",
                   "opfoelgning"]
    by_id = {q["id"]: q for q in plan.questions}
    assert by_id["karakter"]["choices"] == ["Enkel", "Kræver tid eller økonomi", "Skaber synergi"]
    assert "choices" not in by_id["maal"]  # a free-text question stays one


def test_a_choice_is_stored_as_the_answer_another_text_is_refused_and_undo_takes_it_back(plan, store, refused):
    a = plan.add(None, "Arbejdsro")
    a = plan.answer(a.id, "karakter", "Skaber synergi")
    assert store.get(plan.session_id, ACTIONS, a.id)["answers"] == {"karakter": "Skaber synergi"}
    refused("choice_unknown", plan.answer, a.id, "karakter", "Svær")
    assert plan.get(a.id).answers == {"karakter": "Skaber synergi"}  # nothing changed
    a = plan.answer(a.id, "karakter", "Enkel")
    assert plan.undo() and plan.get(a.id).answers == {"karakter": "Skaber synergi"}
    a = plan.answer(a.id, "karakter", "")  # the same button again clears it
    assert a.answers == {} and store.get(plan.session_id, ACTIONS, a.id)["answers"] == {}
    a = plan.answer(a.id, "hvem-med", "Mette og Ali")  # the free-text questions take any text
    assert a.answers == {"hvem-med": "Mette og Ali"}


def test_every_export_shows_the_choice_under_its_question(plan, store, clock):
    a = plan.add(None, "Arbejdsro")
    plan.answer(a.id, "karakter", "Kræver tid eller økonomi")
    plan.answer(a.id, "se-maalet", "Færre afbrydelser om formiddagen")
    doc = document(store, plan.session_id, clock=clock)
    action, = doc["actions"]
    assert {"id": "karakter", "title": "Hvordan er indsatsen at gennemføre?",
            "text": "Kræver tid eller økonomi"} in [
        {k: x.get(k) for k in ("id", "title", "text")} for x in action["answers"]]
    md = render(doc, "md").decode()
    assert "Hvordan er indsatsen at gennemføre?" in md and "Kræver tid eller økonomi" in md
    assert "Kræver tid eller økonomi" in render(doc, "actions.csv").decode("utf-8-sig")
    assert '"text": "Kræver tid eller økonomi"' in render(doc, "json").decode()
