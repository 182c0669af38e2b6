"""The shipped method files: all valid, and the trivselsdialog true to Albertslund's drejebog."""

import json
from pathlib import Path

import pytest

from kiosk.core.loader import check_paths, load_method, load_methods
from kiosk.core.method import Method

METHODS = Path(__file__).resolve().parent.parent / "methods"
FILES = sorted(METHODS.glob("*.toml"))


def test_every_method_file_validates():
    assert FILES, "no method files in methods/"
    problems = check_paths([METHODS])
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_round_trip_through_a_session_snapshot_is_lossless(path):
    m = load_method(path)
    assert Method.from_dict(m.to_dict(), path=m.path) == m
    # the snapshot is stored as JSON
    assert Method.from_dict(json.loads(json.dumps(m.to_dict())), path=m.path) == m


def test_method_ids_are_unique_across_files():
    methods, problems = load_methods([METHODS])
    assert problems == [] and len(methods) == len(FILES)


# -- trivselsdialog ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def trivsel() -> Method:
    return load_method(METHODS / "trivselsdialog.toml")


def test_trivselsdialog_is_danish_with_its_source_named(trivsel):
    assert trivsel.language == "da" and trivsel.meetings == 1
    assert "Albertslund" in trivsel.source and "Drejebog" in trivsel.source
    head = (METHODS / "trivselsdialog.toml").read_text(encoding="utf-8").splitlines()[:8]
    assert any("Albertslund" in line for line in head) and any("omskrevet" in line for line in head)


def test_trivselsdialog_runs_the_six_agenda_points_with_the_guides_times(trivsel):
    phases = trivsel.phases()
    assert [(p.title, p.minutes) for p in phases] == [
        ("Velkomst og introduktion", 10),
        ("Individuel refleksion", 10),
        ("Vores hverdag", 40),
        ("Find mulighedsrummet", 20),
        ("Hvad skal vi gøre?", 60),
        ("Afrunding", 10),
    ]
    assert trivsel.minutes == 150


def test_trivselsdialog_steps(trivsel):
    assert [(s.id, s.activity, s.minutes) for s in trivsel.steps] == [
        ("velkomst", "talk", 10),
        ("refleksion", "write", 10),
        ("praesentation", "present", 15),
        ("trioens-post-its", "present", 5),
        ("gruppering", "group", 10),
        ("bevare-forandre", "sort", 10),
        ("mulighedsrum", "matrix", 20),
        ("afstemning", "vote", 10),
        ("handleplan", "actions", 45),
        ("statuspil", "statuspil", 5),
        ("afrunding", "talk", 10),
    ]
    assert [s.id for s in trivsel.steps if s.optional] == ["afstemning"]


def test_trivselsdialog_prompts_are_few_and_short_enough_for_3_metres(trivsel):
    for s in trivsel.steps:
        assert 2 <= len(s.prompts) <= 4, s.id
        for text in s.prompts + s.rules:
            assert len(text) <= 110, (s.id, text)


def test_trivselsdialog_tools_carry_the_guides_defining_lists(trivsel):
    step = {s.id: s for s in trivsel.steps}
    assert len(step["velkomst"].rules) == 5
    assert any(p.startswith("Hvad fungerer godt?") for p in step["refleksion"].prompts)
    assert any(p.startswith("Hvad fungerer mindre godt?") for p in step["refleksion"].prompts)
    kinds = {k["id"]: k for k in step["refleksion"].params["kinds"]}
    assert {k: (v["colour"], v["prepared"]) for k, v in kinds.items()} == {
        "godt": ("yellow", False), "mindre-godt": ("yellow", False), "trio": ("pink", True)}
    present = step["praesentation"].params
    assert present["per_turn"] == 2 and present["pair_by"] == ["godt", "mindre-godt"]
    assert step["trioens-post-its"].params["kinds"] == ["trio"]
    sort = step["bevare-forandre"].params
    assert [c["title"] for c in sort["columns"]] == ["Bevare", "Forandre"]
    assert sort["parking_lot"] == "P-plads"
    matrix = step["mulighedsrum"].params
    assert matrix["y_axis"] == "Betydning for trivsel og arbejdsmiljø"
    assert matrix["x_axis"] == "Vores egen indflydelse"
    assert (matrix["pick_min"], matrix["pick_max"]) == (3, 5) and len(matrix["quadrants"]) == 4
    vote = step["afstemning"].params
    assert (vote["mode"], vote["budget"], vote["winners"], vote["winners_max"]) == ("dots", 2, 3, 5)
    actions = step["handleplan"].params
    # the five questions, each sub-question right after its own (003 l.334–346, 361)
    assert [q["id"] for q in actions["questions"]] == [
        "forandring", "maal", "se-maalet", "barrierer", "karakter", "indsatser", "hvem-med", "opfoelgning"]
    assert actions["questions"][4]["choices"] == ["Enkel", "Kræver tid eller økonomi", "Skaber synergi"]
    assert actions["follow_up"] and not actions["iglo"]
    assert step["statuspil"].params["stages"] == ["aftalt", "sat i gang", "undervejs", "fulgt op", "i mål"]
