"""Reads and validates method files (``methods/*.toml``) into ``Method`` objects.

A broken method file must never stop the kiosk: every problem becomes a ``Problem``
(file, field, what was expected), the app starts with the good methods, and the admin
runs ``check_command`` (``python -m kiosk.core.loader methods/``) to see the rest.

Field paths index steps from 0 and name the step's id where it has one:
``steps[3] (id 'afstemning').params.budget``.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kiosk.core import catalogue as cat
from kiosk.core.catalogue import Param, check_table, got, join, missing
from kiosk.core.method import Method, Step

MAX_BYTES = 1_000_000
"""A method file is a page of text; anything bigger is a mistake, not a method."""
PROMPT_MAX = 200
"""Prompts and rules are read from 3 m away; longer text belongs in a guide."""
MINUTES_MAX = 600
LANGUAGES = ("da", "nb", "en")
WHEN_MAX = 160
"""A when-to-use line is one line on a picker card, read from across the room."""


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    expected: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: expected {self.expected}"


class MethodError(Exception):
    """A method file that cannot be used; ``problems`` says everything found wrong."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class When:
    """``[method.when]``: one line per UI language on when to use the method."""

    what: str = f"a table of one-line texts keyed by language ({', '.join(LANGUAGES)})"

    def __call__(self, v: Any) -> list[tuple[str, str]]:
        if not isinstance(v, dict):
            return [("", got(self.what, v))]
        line = cat.Text(max_len=WHEN_MAX)
        out: list[tuple[str, str]] = [
            (str(k), f"a language key ({', '.join(LANGUAGES)})") for k in v if k not in LANGUAGES
        ]
        for k in LANGUAGES:
            if k not in v:
                continue
            issues = line(v[k])
            if not issues and ("\n" in v[k] or "\r" in v[k]):
                issues = [("", got("one line, without line breaks", v[k]))]
            out += [(k, e) for _, e in issues]
        return out


METHOD_FIELDS = (
    Param("id", cat.Slug(), required=True),
    Param("title", cat.Text(max_len=100), required=True),
    Param("language", cat.Choice(LANGUAGES), required=True),
    Param("summary", cat.Text(), required=True),
    Param("source", cat.Text(), required=True),
    Param("group_size", cat.Text(max_len=40)),
    Param("meetings", cat.Int(1)),
    Param("when", When()),
)

STEP_FIELDS = (
    Param("id", cat.Slug(), required=True),
    Param("title", cat.Text(max_len=100), required=True),
    Param("minutes", cat.Num(0, MINUTES_MAX), required=True),
    Param("activity", cat.Choice(cat.ACTIVITIES), required=True),
    Param("phase", cat.Text(max_len=100, empty_ok=True)),
    Param("meeting", cat.Int(1)),
    Param("prompts", cat.Texts(min_items=0, item=cat.Text(max_len=PROMPT_MAX))),
    Param("rules", cat.Texts(min_items=0, item=cat.Text(max_len=PROMPT_MAX))),
    Param("params", cat.Table("a table of the activity's parameters")),
    Param("optional", cat.Bool()),
)

_TOML_AT = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$", re.S)
_TOML_END = re.compile(r"^(.*) \(at end of document\)$", re.S)


def _read(path: Path) -> tuple[dict | None, list[Problem]]:
    """The parsed TOML, or the problems that stop us reading it."""
    p = str(path)
    try:
        if path.is_dir():
            return None, [Problem(p, "file", "a method file, not a folder")]
        if not path.exists():
            return None, [Problem(p, "file", "an existing file")]
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(p, "file", f"a method file under {MAX_BYTES:,} bytes (got {size:,})")]
        data = path.read_bytes()
    except OSError as e:
        return None, [Problem(p, "file", f"a readable file ({e.strerror or e})")]
    try:
        text = data.decode("utf-8-sig")  # tolerate the BOM some Windows editors write
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        return None, [Problem(p, f"line {line}", f"UTF-8 text (byte 0x{data[e.start]:02x} is not UTF-8)")]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        if m := _TOML_AT.match(msg):
            return None, [Problem(p, f"line {m[2]}, column {m[3]}", f"valid TOML ({m[1]})")]
        if m := _TOML_END.match(msg):
            return None, [Problem(p, "end of file", f"valid TOML ({m[1]})")]
        return None, [Problem(p, "file", f"valid TOML ({msg})")]


def _step_prefix(i: int, step: Any) -> str:
    sid = step.get("id") if isinstance(step, dict) else None
    if isinstance(sid, str) and cat.SLUG.fullmatch(sid) and len(sid) <= cat.SLUG_MAX:
        return f"steps[{i}] (id '{sid}')"
    return f"steps[{i}]"


def _check(doc: dict) -> list[tuple[str, str]]:
    """Every (field, expected) wrong with a parsed method file, in file order."""
    out: list[tuple[str, str]] = [
        (str(k), "a known top-level table (method, steps)") for k in doc if k not in ("method", "steps")
    ]
    head = doc.get("method")
    if head is None:
        out.append(("method", missing("a [method] table")))
        head = {}
    elif not isinstance(head, dict):
        out.append(("method", got("a [method] table", head)))
        head = {}
    else:
        out += [(join("method", f), e) for f, e in check_table(METHOD_FIELDS, head, "method field")]
    meetings = head.get("meetings", 1)
    meetings = meetings if cat.is_int(meetings) and meetings >= 1 else None

    steps = doc.get("steps")
    what = "a non-empty list of [[steps]] tables"
    if steps is None:
        return out + [("steps", missing(what))]
    if not isinstance(steps, list) or not steps:
        return out + [("steps", got(what, steps))]

    ids: dict[str, int] = {}
    kinds: list[str] = []          # note kinds made by earlier write steps
    notes_made = False             # has an earlier step put notes on the wall?
    last_meeting = 1
    phase_ends: dict[tuple[int, str], int] = {}  # (meeting, phase) -> index of its last step
    prev_phase: tuple[int, str] | None = None
    for i, step in enumerate(steps):
        pre = _step_prefix(i, step)
        if not isinstance(step, dict):
            out.append((pre, got("a [[steps]] table", step)))
            continue
        field_issues = check_table(STEP_FIELDS, step, "step field")
        out += [(join(pre, f), e) for f, e in field_issues]
        bad = {f.split(".")[0].split("[")[0] for f, _ in field_issues}

        sid = step.get("id")
        if "id" not in bad:
            if sid in ids:
                out.append((f"{pre}.id", got(f"a unique step id, not the same as steps[{ids[sid]}]", sid)))
            else:
                ids[sid] = i

        meeting = step.get("meeting", 1)
        if "meeting" not in bad:
            if meetings is not None and meeting > meetings:
                out.append((f"{pre}.meeting", got(f"an integer from 1 to {meetings} (method.meetings)", meeting)))
            elif meeting < last_meeting:
                out.append((f"{pre}.meeting", got(f"a meeting ≥ {last_meeting}, as steps run in order", meeting)))
            else:
                last_meeting = meeting

        phase = step.get("phase", "")
        if "phase" not in bad and "meeting" not in bad and phase:
            key = (meeting, phase)
            if key in phase_ends and prev_phase != key:
                out.append((f"{pre}.phase", got(
                    f"the steps of one phase next to each other (it was left after steps[{phase_ends[key]}])", phase)))
            phase_ends[key] = i
            prev_phase = key
        else:
            prev_phase = None

        activity = step.get("activity")
        params = step.get("params", {})
        if "activity" in bad or "params" in bad:
            continue
        minutes = step.get("minutes") if "minutes" not in bad else None
        issues = cat.validate_params(activity, params, minutes)
        out += [(join(f"{pre}.params", f), e) for f, e in issues]
        if issues:
            continue
        full = cat.with_defaults(activity, params)
        if cat.needs_notes(activity, full) and not notes_made:
            out.append((f"{pre}.activity", f"an earlier step that makes notes (write) for '{activity}' "
                                           f"to work on, or params.from_prepared = true"))
        if activity in ("present", "group", "vote", "matrix") and kinds:
            for name in ("kinds", "pair_by"):
                for j, k in enumerate(full.get(name) or ()):
                    if k not in kinds:
                        out.append((f"{pre}.params.{name}[{j}]",
                                    got(f"a note kind of an earlier write step ({', '.join(kinds)})", k)))
        if activity == "write":
            kinds += [k["id"] for k in params["kinds"] if k["id"] not in kinds]
        notes_made = notes_made or cat.makes_notes(activity, full)

    if meetings is not None and all(isinstance(s, dict) and cat.is_int(s.get("meeting", 1)) for s in steps):
        used = {s.get("meeting", 1) for s in steps}
        empty = [m for m in range(1, meetings + 1) if m not in used]
        if empty:
            out.append(("method.meetings", f"a step in every meeting (none in meeting {empty[0]})"))
    return out


def _build(doc: dict, path: str) -> Method:
    """The Method of a file that passed ``_check``."""
    head = doc["method"]
    steps = tuple(
        Step(
            id=s["id"], title=s["title"], minutes=float(s["minutes"]), activity=s["activity"],
            phase=s.get("phase", ""), meeting=s.get("meeting", 1),
            prompts=tuple(s.get("prompts", ())), rules=tuple(s.get("rules", ())),
            params=cat.with_defaults(s["activity"], s.get("params", {})),
            optional=s.get("optional", False),
        )
        for s in doc["steps"]
    )
    return Method(
        id=head["id"], title=head["title"], language=head["language"], steps=steps,
        summary=head["summary"], source=head["source"], group_size=head.get("group_size", ""),
        meetings=head.get("meetings", 1), when=dict(head.get("when", {})), path=path,
    )


def load_method(path: str | os.PathLike) -> Method:
    """The method in ``path``; raises ``MethodError`` (and nothing else) if it is unusable."""
    p = str(path)
    try:
        doc, problems = _read(Path(path))
        if doc is None:
            raise MethodError(problems)
        problems = [Problem(p, f, e) for f, e in _check(doc)]
        if problems:
            raise MethodError(problems)
        return _build(doc, p)
    except MethodError:
        raise
    except Exception as e:  # a loader bug must still not take the kiosk down
        raise MethodError([Problem(p, "file", f"a file the loader can read (loader error: {e!r})")]) from e


def _load_all(paths: Iterable[str | os.PathLike] | str | os.PathLike,
              report_empty: bool) -> tuple[list[Method], list[Problem], list[str]]:
    """Methods, problems and the method files seen, over files and folders."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    methods: list[Method] = []
    problems: list[Problem] = []
    files: list[str] = []
    by_id: dict[str, str] = {}
    for given in paths:
        root = Path(given)
        if root.is_dir():
            found = sorted(root.glob("*.toml"))
            if not found and report_empty:
                problems.append(Problem(str(root), "folder", "at least one method file (*.toml)"))
        elif root.exists():
            found = [root]
        else:
            problems.append(Problem(str(root), "path", "an existing folder or method file"))
            continue
        for f in found:
            files.append(str(f))
            try:
                m = load_method(f)
            except MethodError as e:
                problems += e.problems
                continue
            if m.id in by_id:
                problems.append(Problem(str(f), "method.id",
                                        got(f"an id not already used by {by_id[m.id]}", m.id)))
                continue
            by_id[m.id] = str(f)
            methods.append(m)
    return methods, problems, files


def load_methods(dirs: Iterable[str | os.PathLike]) -> tuple[list[Method], list[Problem]]:
    """All good methods in the folders (or files); every bad file becomes problems."""
    methods, problems, _ = _load_all(dirs, report_empty=False)
    return methods, problems


def check_paths(paths: Iterable[str | os.PathLike]) -> list[Problem]:
    """Everything wrong with the method files in these files or folders."""
    return _load_all(paths, report_empty=True)[1]


def check_command(paths: Iterable[str | os.PathLike], out: TextIO | None = None) -> int:
    """Print each problem on one line plus a summary; exit code 1 if any, else 0."""
    out = out if out is not None else sys.stdout
    _, problems, files = _load_all(paths, report_empty=True)
    noun = "method file" if len(files) == 1 else "method files"
    if not problems:
        print(f"{len(files)} {noun} OK", file=out)
        return 0
    for p in problems:
        print(p, file=out)
    bad = len({p.path for p in problems} & set(files))
    print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}: "
          f"{len(files) - bad} of {len(files)} {noun} OK", file=out)
    return 1


if __name__ == "__main__":
    sys.exit(check_command(sys.argv[1:] or ["methods"]))
