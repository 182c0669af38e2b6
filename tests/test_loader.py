"""The method loader: a bad file is reported by path, field and what was expected, never a crash."""

import io
from pathlib import Path

import pytest

from kiosk.core.loader import (
    MethodError, Problem, check_command, check_paths, load_method, load_methods,
)
from kiosk.core.method import Method

BAD = Path(__file__).parent / "bad_methods"

GOOD_TOML = """\
[method]
id = "{id}"
title = "A small method"
language = "en"
summary = "Write, group, vote."
source = "test"

[[steps]]
id = "write"
title = "Write"
minutes = 5
activity = "write"
params = {{ kinds = [{{ id = "idea", title = "Idea", colour = "yellow" }}] }}

[[steps]]
id = "vote"
title = "Vote"
minutes = 5
activity = "vote"
params = {{ budget = 3, winners = 2 }}
"""

HEAD = """\
[method]
id = "m"
title = "M"
language = "en"
summary = "s"
source = "t"
{extra}
"""


def good(tmp_path: Path, name: str = "good.toml", method_id: str = "small") -> Path:
    p = tmp_path / name
    p.write_text(GOOD_TOML.format(id=method_id), encoding="utf-8")
    return p


def problems_of(path) -> list[tuple[str, str]]:
    """(field, expected) of every problem in one file, checking they all name the file."""
    with pytest.raises(MethodError) as e:
        load_method(path)
    assert e.value.problems, "MethodError without problems"
    assert {p.path for p in e.value.problems} == {str(path)}
    return [(p.field, p.expected) for p in e.value.problems]


def write(tmp_path: Path, text: str, name: str = "m.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def step(sid: str, activity: str, minutes: float = 5, extra: str = "") -> str:
    return (f'\n[[steps]]\nid = "{sid}"\ntitle = "{sid.title()}"\nminutes = {minutes}\n'
            f'activity = "{activity}"\n{extra}\n')


WRITE = step("write", "write", extra='params = { kinds = [{ id = "idea", title = "Idea", colour = "yellow" }] }')

# -- the fixture files, one broken thing each ------------------------------------------

EXPECTED = {
    "syntax_error.toml": [("line 4, column 16", "valid TOML (Illegal character '\\n')")],
    "unknown_activity.toml": [
        ("steps[0] (id 'brainstorm').activity",
         "one of: talk, rounds, write, present, group, sort, vote, matrix, rate, cards, timeline, "
         'actions, signup, map, statuspil, review (got "brainstorm")')],
    "negative_minutes.toml": [
        ("steps[1] (id 'talk-back').minutes", "a number > 0 and ≤ 600 (got -5)")],
    "missing_title.toml": [
        ("method.title", "a non-empty string of at most 100 characters (missing)"),
        ("steps[0] (id 'welcome').title", "a non-empty string of at most 100 characters (missing)")],
    "duplicate_step_ids.toml": [
        ("steps[2] (id 'talk').id", 'a unique step id, not the same as steps[0] (got "talk")')],
    "vote_budget_zero.toml": [
        ("steps[1] (id 'vote').params.budget", "an integer ≥ 1 (got 0)")],
    "matrix_without_axes.toml": [
        ("steps[1] (id 'matrix').params.x_axis", "a non-empty string of at most 80 characters (missing)"),
        ("steps[1] (id 'matrix').params.y_axis", 'a non-empty string of at most 80 characters (got "")'),
        ("steps[1] (id 'matrix').params.quadrants", "a list of 4 strings (got 3)")],
    "unknown_param.toml": [
        ("steps[0] (id 'write').params.kinds[0].color", "a known kind field (id, title, colour, prepared)"),
        ("steps[0] (id 'write').params.kinds[0].colour",
         "one of: yellow, pink, blue, green, orange, purple, grey, white (missing)"),
        ("steps[1] (id 'vote').params.budgett",
         "a known parameter of vote (budget, mode, winners, winners_max, max_per_note, "
         "rest_to_parking, hide_totals, from_prepared, kinds)")],
    "steps_empty.toml": [("steps", "a non-empty list of [[steps]] tables (got an empty list)")],
    "wrong_types.toml": [
        ("method.id", "an id of a–z, 0–9, '-' or '_', starting with a letter, at most 40 long "
                      '(got "Wrong Types")'),
        ("method.language", 'one of: da, nb, en (got "dk")'),
        ("method.meetings", 'an integer ≥ 1 (got "2")'),
        ("steps[0] (id 'welcome').minutes", 'a number > 0 and ≤ 600 (got "10")'),
        ("steps[0] (id 'welcome').prompts", 'a list of strings (got "Say hello")'),
        ("steps[0] (id 'welcome').optional", 'true or false (got "yes")'),
        ("steps[1] (id 'sort').params.columns",
         'a non-empty list of column tables (id, title) (got "keep, change")'),
        ("steps[1] (id 'sort').params.from_prepared", "true or false (got 1)")],
    "notes_without_write.toml": [
        ("steps[1] (id 'group').activity",
         "an earlier step that makes notes (write) for 'group' to work on, or params.from_prepared = true")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_fixture_reports_exactly_its_problems(name):
    assert problems_of(BAD / name) == EXPECTED[name]


def test_every_fixture_file_is_covered():
    assert {p.name for p in BAD.glob("*.toml")} == set(EXPECTED) | {"same_id_1.toml", "same_id_2.toml"}


def test_load_methods_keeps_the_good_and_reports_the_bad():
    methods, problems = load_methods([BAD])
    assert [m.id for m in methods] == ["same-id"]
    assert methods[0].title == "Same id, first"
    by_file = {}
    for p in problems:
        by_file.setdefault(Path(p.path).name, []).append((p.field, p.expected))
    assert by_file == dict(EXPECTED, **{"same_id_2.toml": [
        ("method.id", f'an id not already used by {BAD / "same_id_1.toml"} (got "same-id")')]})


def test_load_methods_over_several_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    good(a, "one.toml", "one")
    good(b, "two.toml", "two")
    good(b, "again.toml", "one")
    methods, problems = load_methods([a, b])
    assert [m.id for m in methods] == ["one", "two"]
    assert problems == [Problem(str(b / "again.toml"), "method.id",
                                f'an id not already used by {a / "one.toml"} (got "one")')]


def test_load_methods_reports_a_missing_folder_and_accepts_an_empty_one(tmp_path):
    (tmp_path / "empty").mkdir()
    methods, problems = load_methods([tmp_path / "empty", tmp_path / "nowhere"])
    assert methods == []
    assert problems == [Problem(str(tmp_path / "nowhere"), "path", "an existing folder or method file")]


def test_load_methods_takes_a_single_folder_too(tmp_path):
    good(tmp_path)
    assert [m.id for m in load_methods(tmp_path)[0]] == ["small"]


# -- load_method -----------------------------------------------------------------------

def test_a_good_file_loads_with_defaults_filled(tmp_path):
    m = load_method(good(tmp_path))
    assert isinstance(m, Method)
    assert m.id == "small" and m.language == "en" and m.meetings == 1 and m.group_size == ""
    assert m.path == str(tmp_path / "good.toml")
    assert [(s.id, s.activity, s.minutes) for s in m.steps] == [("write", "write", 5.0), ("vote", "vote", 5.0)]
    assert m.steps[1].params == {"budget": 3, "winners": 2, "mode": "dots", "rest_to_parking": False,
                                 "from_prepared": False}
    assert m.steps[0].params["kinds"][0]["id"] == "idea"
    assert m.steps[0].params["max_length"] == 140


def test_the_file_problems_never_raise_anything_but_method_error(tmp_path):
    assert problems_of(tmp_path) == [("file", "a method file, not a folder")]
    assert problems_of(tmp_path / "nothing.toml") == [("file", "an existing file")]
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[method]\nid = "x"\ntitle = "Tr\u00e6f"\n'.encode("latin-1"))
    assert problems_of(latin1) == [("line 3", "UTF-8 text (byte 0xe6 is not UTF-8)")]
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 256 * 1024)
    assert problems_of(big) == [("file", "a method file of at most 256 KB (this one is larger than 256 KB)")]
    assert problems_of(write(tmp_path, "")) == [
        ("method", "a [method] table (missing)"),
        ("steps", "a non-empty list of [[steps]] tables (missing)")]


def test_an_unreadable_file_is_a_problem(tmp_path):
    """A regular file whose read fails (the kernel refuses /proc/self/mem at offset 0)."""
    p = tmp_path / "mem.toml"
    p.symlink_to("/proc/self/mem")
    assert problems_of(p) == [("file", "a readable file (Input/output error)")]


def test_a_loader_bug_still_comes_out_as_method_error(tmp_path, monkeypatch):
    import kiosk.core.loader as loader

    def boom(doc):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(loader, "_check", boom)
    assert problems_of(good(tmp_path)) == [
        ("file", "a file the loader can read (loader error: ZeroDivisionError('oops'))")]


def test_a_utf8_bom_is_tolerated(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + GOOD_TOML.format(id="bom").encode())
    assert load_method(p).id == "bom"


def test_syntax_error_at_the_end_of_the_file(tmp_path):
    assert problems_of(write(tmp_path, "[method]\nid =")) == [("end of file", "valid TOML (Invalid value)")]


def test_unknown_names_are_reported_at_every_level(tmp_path):
    text = HEAD.format(extra='titel = "typo"') + step("talk", "talk", extra='promts = ["hi"]') + "[extra]\n"
    assert problems_of(write(tmp_path, text)) == [
        ("extra", "a known top-level table (method, steps)"),
        ("method.titel", "a known method field (id, title, language, summary, source, group_size, meetings, when, table_size, decided_by, facilitator)"),
        ("steps[0] (id 'talk').promts",
         "a known step field (id, title, minutes, activity, phase, meeting, prompts, rules, params, optional, groups, record, recall, facilitator)"),
    ]


def test_a_step_without_a_usable_id_is_named_by_index_only(tmp_path):
    text = HEAD.format(extra="") + '\n[[steps]]\nid = "Not A Slug"\ntitle = "T"\nminutes = 5\nactivity = "talk"\n'
    assert [f for f, _ in problems_of(write(tmp_path, text))] == ["steps[0].id"]
    text = 'steps = [1]\n' + HEAD.format(extra="")
    assert problems_of(write(tmp_path, text)) == [("steps[0]", "a [[steps]] table (got 1)")]


def test_minutes_limits(tmp_path):
    for minutes, ok in [(0, False), (0.5, True), (600, True), (601, False), ("nan", False)]:
        value = "nan" if minutes == "nan" else minutes
        text = HEAD.format(extra="") + step("talk", "talk", minutes=value)
        if ok:
            assert load_method(write(tmp_path, text)).steps[0].minutes == minutes
        else:
            assert [f for f, _ in problems_of(write(tmp_path, text))] == ["steps[0] (id 'talk').minutes"]


def test_prompts_must_be_short_non_empty_strings(tmp_path):
    text = HEAD.format(extra="") + step("talk", "talk", extra=f'prompts = ["ok", "", "{"x" * 201}"]\nrules = [1]')
    assert problems_of(write(tmp_path, text)) == [
        ("steps[0] (id 'talk').prompts[1]", 'a non-empty string of at most 200 characters (got "")'),
        ("steps[0] (id 'talk').prompts[2]",
         'a non-empty string of at most 200 characters (got "' + "x" * 37 + '…")'),
        ("steps[0] (id 'talk').rules[0]", "a non-empty string of at most 200 characters (got 1)"),
    ]


def test_meetings_and_steps_agree(tmp_path):
    text = (HEAD.format(extra="meetings = 2") + step("a", "talk") + step("b", "talk", extra="meeting = 3"))
    assert problems_of(write(tmp_path, text)) == [
        ("steps[1] (id 'b').meeting", "an integer from 1 to 2 (method.meetings) (got 3)"),
        ("method.meetings", "a step in every meeting (none in meeting 2)"),
    ]
    text = (HEAD.format(extra="meetings = 2") + step("a", "talk", extra="meeting = 2")
            + step("b", "talk", extra="meeting = 1"))
    assert problems_of(write(tmp_path, text)) == [
        ("steps[1] (id 'b').meeting", "a meeting ≥ 2, as steps run in order (got 1)"),
    ]
    text = (HEAD.format(extra="meetings = 2") + step("a", "talk") + step("b", "talk", extra="meeting = 2"))
    m = load_method(write(tmp_path, text))
    assert [s.meeting for s in m.steps] == [1, 2] and m.meetings == 2


def test_the_steps_of_a_phase_stay_together(tmp_path):
    text = (HEAD.format(extra="") + step("a", "talk", extra='phase = "One"') + step("b", "talk", extra='phase = "Two"')
            + step("c", "talk", extra='phase = "One"'))
    assert problems_of(write(tmp_path, text)) == [
        ("steps[2] (id 'c').phase",
         'the steps of one phase next to each other (it was left after steps[0]) (got "One")')]


def test_note_steps_need_notes_made_earlier_or_prepared(tmp_path):
    uses = [("present", ""), ("group", ""), ("matrix", 'params = { x_axis = "x", y_axis = "y" }'),
            ("sort", 'params = { columns = [{ id = "k", title = "K" }] }'),
            ("vote", "params = { budget = 2, winners = 1 }"),
            ("actions", 'params = { questions = [{ id = "q", title = "Q?" }] }')]
    for activity, params in uses:
        text = HEAD.format(extra="") + step("s", activity, extra=params)
        assert problems_of(write(tmp_path, text)) == [(
            "steps[0] (id 's').activity",
            f"an earlier step that makes notes (write) for '{activity}' to work on, "
            "or params.from_prepared = true")], activity
        assert load_method(write(tmp_path, HEAD.format(extra="") + WRITE + step("s", activity, extra=params)))
    # a hand-count vote, a prepared wall or a sort with its own items need no write step
    for activity, params in [("vote", 'params = { budget = 1, winners = 1, mode = "hands" }'),
                             ("group", "params = { from_prepared = true }"),
                             ("sort", 'params = { columns = [{ id = "k", title = "K" }], items = ["Pay"] }')]:
        assert load_method(write(tmp_path, HEAD.format(extra="") + step("s", activity, extra=params)))
    text = HEAD.format(extra="") + step("s", "sort", extra='params = { columns = [{ id = "k", title = "K" }], '
                                                          'items = ["Pay"] }') + step("g", "group")
    assert load_method(write(tmp_path, text))


def test_present_names_kinds_an_earlier_write_step_made(tmp_path):
    text = HEAD.format(extra="") + WRITE + step("p", "present", extra='params = { kinds = ["idea", "ideas"] }')
    assert problems_of(write(tmp_path, text)) == [
        ("steps[1] (id 'p').params.kinds[1]", 'a note kind of an earlier write step (idea) (got "ideas")')]


def test_rounds_must_fit_in_their_step(tmp_path):
    text = HEAD.format(extra="") + step(
        "r", "rounds", minutes=15,
        extra='params = { rounds = [{ name = "A", minutes = 10 }, { name = "B", minutes = 10 }] }')
    assert problems_of(write(tmp_path, text)) == [
        ("steps[0] (id 'r').params.rounds", "rounds that fit in the step's 15 minutes (got 20)")]


def test_problem_prints_on_one_line_and_error_carries_them_all():
    p = Problem("methods/x.toml", "steps[3] (id 'afstemning').params.budget", "an integer ≥ 1 (got 0)")
    assert str(p) == "methods/x.toml: steps[3] (id 'afstemning').params.budget: expected an integer ≥ 1 (got 0)"
    e = MethodError([p, p])
    assert e.problems == [p, p] and str(e) == f"{p}\n{p}"


# -- check_paths / check_command --------------------------------------------------------

def test_check_paths_takes_files_and_folders(tmp_path):
    g = good(tmp_path)
    (tmp_path / "empty").mkdir()
    assert check_paths([g]) == []
    assert check_paths([BAD / "vote_budget_zero.toml", tmp_path / "empty", tmp_path / "gone"]) == [
        Problem(str(BAD / "vote_budget_zero.toml"), "steps[1] (id 'vote').params.budget", "an integer ≥ 1 (got 0)"),
        Problem(str(tmp_path / "empty"), "folder", "at least one method file (*.toml)"),
        Problem(str(tmp_path / "gone"), "path", "an existing folder or method file"),
    ]


def test_check_command_ok(tmp_path):
    good(tmp_path, "a.toml", "a")
    good(tmp_path, "b.toml", "b")
    out = io.StringIO()
    assert check_command([tmp_path], out=out) == 0
    assert out.getvalue() == "2 method files OK\n"
    out = io.StringIO()
    assert check_command([tmp_path / "a.toml"], out=out) == 0
    assert out.getvalue() == "1 method file OK\n"


def test_check_command_prints_each_problem_and_a_summary(tmp_path):
    good(tmp_path)
    (tmp_path / "bad.toml").write_text((BAD / "missing_title.toml").read_text(encoding="utf-8"), encoding="utf-8")
    out = io.StringIO()
    assert check_command([tmp_path], out=out) == 1
    assert out.getvalue().splitlines() == [
        f"{tmp_path / 'bad.toml'}: method.title: expected a non-empty string of at most 100 characters (missing)",
        f"{tmp_path / 'bad.toml'}: steps[0] (id 'welcome').title: expected a non-empty string "
        "of at most 100 characters (missing)",
        "2 problems: 1 of 2 method files OK",
    ]


def test_check_command_over_the_fixtures():
    out = io.StringIO()
    assert check_command([BAD], out=out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == sum(map(len, EXPECTED.values())) + 1 + 1  # + same_id_2 + summary
    assert lines[-1] == f"{len(lines) - 1} problems: 1 of 13 method files OK"
    assert all(line.startswith(str(BAD)) for line in lines[:-1])


def test_check_command_writes_to_stdout_by_default(tmp_path, capsys):
    good(tmp_path)
    assert check_command([tmp_path]) == 0
    assert capsys.readouterr().out == "1 method file OK\n"


# -- [method.when]: one line per UI language on when to use the method -----------------

WHEN = """
[method.when]
da = "Når hele enheden skal vælge få indsatser."
nb = "Når hele enheten skal velge noen få tiltak."
en = "When the whole unit picks a few actions."
"""


def test_when_lines_are_read_and_kept_in_the_snapshot(tmp_path):
    m = load_method(write(tmp_path, HEAD.format(extra="") + WHEN + step("talk", "talk")))
    assert m.when == {"da": "Når hele enheden skal vælge få indsatser.",
                      "nb": "Når hele enheten skal velge noen få tiltak.",
                      "en": "When the whole unit picks a few actions."}
    assert m.when_for("nb") == "Når hele enheten skal velge noen få tiltak."
    again = Method.from_dict(m.to_dict())
    assert again.when == m.when and again == m


def test_when_falls_back_to_the_methods_language_then_the_summary(tmp_path):
    head = HEAD.replace('language = "en"', 'language = "da"')
    only_da = '\n[method.when]\nda = "Når I vil tale om trivsel."\n'
    m = load_method(write(tmp_path, head.format(extra="") + only_da + step("talk", "talk")))
    assert m.when == {"da": "Når I vil tale om trivsel."}
    assert [m.when_for(x) for x in ("da", "nb", "en")] == ["Når I vil tale om trivsel."] * 3
    m = load_method(write(tmp_path, HEAD.format(extra="") + step("talk", "talk")))  # optional
    assert m.when == {} and m.when_for("da") == "s"
    # an old snapshot (stored before `when` existed) still loads
    d = m.to_dict()
    del d["when"]
    assert Method.from_dict(d).when == {}
    for junk in (["da", "x"], "always", None, {"da": 3, "nb": ""}):  # a damaged snapshot
        assert Method.from_dict(dict(d, when=junk)).when == {}


def test_bad_when_tables_name_the_language_and_what_was_expected(tmp_path):
    bad = ('\n[method.when]\nda = ""\nsv = "Svenska"\nnb = 3\nen = "' + "x" * 161 + '"\n')
    assert problems_of(write(tmp_path, HEAD.format(extra="") + bad + step("talk", "talk"))) == [
        ("method.when.sv", "a language key (da, nb, en)"),
        ("method.when.da", 'a non-empty string of at most 160 characters (got "")'),
        ("method.when.nb", "a non-empty string of at most 160 characters (got 3)"),
        ("method.when.en", 'a non-empty string of at most 160 characters (got "' + "x" * 37 + '…")'),
    ]
    two_lines = '\n[method.when]\nen = """one\ntwo"""\n'
    assert problems_of(write(tmp_path, HEAD.format(extra="") + two_lines + step("talk", "talk"))) == [
        ("method.when.en", 'one line, without line breaks (got "one\\ntwo")')]
    not_a_table = HEAD.format(extra='when = "always"') + step("talk", "talk")
    assert problems_of(write(tmp_path, not_a_table)) == [
        ("method.when", 'a table of one-line texts keyed by language (da, nb, en) (got "always")')]
    # exactly 160 characters is fine
    ok = '\n[method.when]\nen = "' + "x" * 160 + '"\n'
    assert load_method(write(tmp_path, HEAD.format(extra="") + ok + step("talk", "talk"))).when["en"] == "x" * 160


def test_the_trivselsdialog_file_says_when_in_every_language():
    m = load_method(Path(__file__).resolve().parents[1] / "methods" / "trivselsdialog.toml")
    assert set(m.when) == {"da", "nb", "en"} and all(0 < len(v) <= 160 for v in m.when.values())


@pytest.mark.parametrize("activity, extra", [
    ("group", 'params = { kinds = ["ideas"] }'),
    ("vote", 'params = { budget = 3, winners = 3, kinds = ["ideas"] }'),
    ("matrix", 'params = { x_axis = "X", y_axis = "Y", kinds = ["ideas"] }'),
])
def test_a_lens_names_kinds_an_earlier_write_step_made(tmp_path, activity, extra):
    text = HEAD.format(extra="") + WRITE + step("s", activity, extra=extra)
    assert problems_of(write(tmp_path, text)) == [
        ("steps[1] (id 's').params.kinds[0]", 'a note kind of an earlier write step (idea) (got "ideas")')]


def test_table_groups_minutes_decisions_and_facilitator_notes_load_and_survive_a_snapshot(tmp_path):
    text = (HEAD.format(extra='table_size = [4, 6]\ndecided_by = "ansvarsgruppe"\n'
                              '[method.facilitator]\nprepare = ["Book the room"]\n')
            + step("welcome", "talk", extra='record = "What do we expect?"\n'
                                            '[steps.facilitator]\npurpose = "Set the tone"\ntips = ["Smile"]')
            + step("write", "write", extra='groups = true\nparams = { kinds = [{ id = "idea", title = "Idea", colour = "yellow" }] }')
            + step("end", "talk", extra='recall = ["welcome"]'))
    m = load_method(write(tmp_path, text))
    assert (m.table_size, m.decided_by, m.facilitator) == ((4, 6), "ansvarsgruppe", {"prepare": ["Book the room"]})
    welcome, written, end = m.steps
    assert (welcome.record, welcome.facilitator["purpose"], written.groups, end.recall) == (
        "What do we expect?", "Set the tone", True, ("welcome",))
    again = type(m).from_dict(m.to_dict())
    assert again == m and again.steps[1].groups and again.table_size == (4, 6)


def test_a_group_size_of_0_an_unknown_body_and_a_recall_of_nothing_are_refused(tmp_path):
    text = (HEAD.format(extra='table_size = 0\ndecided_by = "board"\n[method.facilitator]\nplan = ["x"]\n')
            + step("welcome", "talk") + step("end", "talk", extra='recall = ["welcome", "later"]'))
    problems = dict(problems_of(write(tmp_path, text)))
    assert problems["method.table_size"].startswith("an integer from 1 to 12, or a list [least, most]")
    assert problems["method.decided_by"].startswith("one of: workshop, ansvarsgruppe, trio, med, amo, leader")
    assert "a known facilitator field (roles, prepare" in problems["method.facilitator.plan"]
    assert "the id of an earlier step with a record" in problems["steps[1] (id 'end').recall[0]"]
    assert "the id of an earlier step with a record" in problems["steps[1] (id 'end').recall[1]"]
    assert problems_of(write(tmp_path, HEAD.format(extra="table_size = [6, 4]") + step("a", "talk"))) == [
        ("method.table_size", "an integer from 1 to 12, or a list [least, most] of such (got [6, 4]: the least first)")]
