"""Reads and validates method files (``methods/*.toml``) into ``Method`` objects.

A broken method file must never stop the kiosk: every problem becomes a ``Problem``
(file, field, what was expected), the app starts with the good methods, and the admin
runs ``check_command`` (``python -m kiosk.core.loader methods/``) to see the rest.

Field paths index steps from 0 and name the step's id where it has one:
``steps[3] (id 'afstemning').params.budget``.

Method files come from a folder an admin (or anyone with a USB stick) fills, so reading
one is bounded in every way a file can be hostile (``read_method_file``, shared by the
app and ``kiosk methods check``): only a regular file is read (a FIFO would block for
ever, ``/dev/zero`` never ends), at most ``MAX_BYTES`` + 1 bytes are read whatever the
file says its size is, reading stops after ``READ_SECONDS``, ``_prescan`` refuses the
shapes on which ``tomllib`` is quadratic (long dotted keys and table names, deep
nesting) before it parses, and a large file's parse is stopped after ``PARSE_SECONDS``.

Measured (2 busy cores): the twelve shipped methods load in ~15 ms, pre-scan ~3 ms of it;
the slowest file the pre-scan lets through at the cap parses in ~0.45 s (1.2 s under the
deadline guard); the 200 KB table bomb took 40 s before. A worker process would be the
other way to stop a parse, but costs 57 ms (forkserver) to 101 ms (spawn) on every start,
4-7× the whole load, and cannot be forked from a running Kivy app: the bound is kept in
the thread instead, and the app runs the loader off its UI thread.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kiosk.core import activities
from kiosk.core.method import DECIDERS, TABLE_MAX, Method, Step
from kiosk.core.params import (SLUG, SLUG_MAX, Bool, Choice, Fields, Int, Num, Param, Range, Slug, Table, Text, Texts,
                               check_table, got, is_int, join, missing)

MAX_BYTES = 256 * 1024
"""A method file is a few pages of text (the longest shipped one is 11 KB); anything
bigger is a mistake or an attack, not a method. Enforced while reading."""
READ_SECONDS = 2.0
"""Reading one method file takes milliseconds; a file that trickles in (a stalled network
folder, a FUSE file) is given up after this long."""
MAX_KEY_PARTS = 6
"""Parts of a dotted key or table name (``[steps.params]`` has 2). tomllib's time grows
with their product over the file (a 200 KB file of them took 40 s), so this bounds it."""
MAX_NESTING = 32
"""Arrays and inline tables inside each other (a method needs about 4)."""
PARSE_SECONDS = 2.0
"""Parsing a method file takes milliseconds; a file over GUARD_BYTES is stopped after this."""
GUARD_BYTES = 16 * 1024
"""Files above this size parse under a deadline (see ``_parse``); the shipped ones are at most 11 KB."""
MAX_PROBLEMS = 50
"""Problems listed per file; a generated file can have thousands, and one screen of them says enough."""
LOAD_SECONDS = 20.0
"""All method files together: each is bounded, but a folder of many hostile ones is too.
Files still unread when this runs out are left out, by name."""
PROMPT_MAX = 200
"""Prompts and rules are read from 3 m away; longer text belongs in a guide."""
MINUTES_MAX = 600
LANGUAGES = ("da", "nb", "en")
WHEN_MAX = 160
"""A when-to-use line is one line on a picker card, read from across the room."""
NOTE_LINE_MAX = 400
"""A facilitator's note is read up close, but it is still a note, not a chapter."""

_LINES = Texts(min_items=0, item=Text(max_len=NOTE_LINE_MAX))
METHOD_FACILITATOR = (
    Param("roles", _LINES), Param("prepare", _LINES), Param("materials", _LINES),
    Param("room", _LINES), Param("safety", _LINES),
)
"""``[method.facilitator]``: what the process owner prepares (never shown to the group)."""
STEP_FACILITATOR = (
    Param("purpose", Text(max_len=NOTE_LINE_MAX)), Param("say", _LINES),
    Param("tips", _LINES), Param("pitfalls", _LINES),
)
"""``[steps.facilitator]``: why the step exists, what to say, tips and pitfalls."""


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
        line = Text(max_len=WHEN_MAX)
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


@dataclass(frozen=True)
class ActivityName:
    """A step's ``activity``: one of the registered activities, as the registry has them
    when the file is read (an activity registered later is known from then on)."""

    @property
    def what(self) -> str:
        return "one of: " + ", ".join(activities.names())

    def __call__(self, v: Any) -> list[tuple[str, str]]:
        return [] if isinstance(v, str) and v in activities.names() else [("", got(self.what, v))]


METHOD_FIELDS = (
    Param("id", Slug(), required=True),
    Param("title", Text(max_len=100), required=True),
    Param("language", Choice(LANGUAGES), required=True),
    Param("summary", Text(), required=True),
    Param("source", Text(), required=True),
    Param("group_size", Text(max_len=40)),
    Param("meetings", Int(1)),
    Param("when", When()),
    # the size of a table group, e.g. [4, 6]; the count-off splits the room by it
    Param("table_size", Range(1, TABLE_MAX)),
    # who decides the actions: the workshop itself, or a body they are proposed to
    Param("decided_by", Choice(DECIDERS)),
    Param("facilitator", Fields(METHOD_FACILITATOR, "facilitator")),
)

STEP_FIELDS = (
    Param("id", Slug(), required=True),
    Param("title", Text(max_len=100), required=True),
    Param("minutes", Num(0, MINUTES_MAX), required=True),
    Param("activity", ActivityName(), required=True),
    Param("phase", Text(max_len=100, empty_ok=True)),
    Param("meeting", Int(1)),
    Param("prompts", Texts(min_items=0, item=Text(max_len=PROMPT_MAX))),
    Param("rules", Texts(min_items=0, item=Text(max_len=PROMPT_MAX))),
    Param("params", Table("a table of the activity's parameters")),
    Param("optional", Bool()),
    # the step runs in table groups: one lane per group on the wall
    Param("groups", Bool()),
    # the step asks for minutes under this heading (the referent types the key points)
    Param("record", Text(max_len=100)),
    # earlier steps whose minutes this step shows again (the round-off returns to the expectations)
    Param("recall", Texts(unique=True, item=Slug())),
    Param("facilitator", Fields(STEP_FACILITATOR, "facilitator")),
)

_TOML_AT = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$", re.S)
_TOML_END = re.compile(r"^(.*) \(at end of document\)$", re.S)


class Unreadable(Exception):
    """A file ``read_method_file`` will not (or cannot) read; the message says what it expected."""


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_CHUNK = 64 * 1024


def _size(n: int) -> str:
    return f"{n // 1024:,} KB" if n % 1024 == 0 else f"{n:,} bytes"


def read_method_file(path: str | os.PathLike, max_bytes: int = MAX_BYTES,
                     seconds: float = READ_SECONDS) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, read within ``seconds``.

    The file is opened non-blocking (opening a FIFO that has no writer returns at once)
    and what was opened is checked with ``fstat``, so there is no window between a check
    and the open: a symlink counts as what it pointed to when it was opened. Reading
    stops at ``max_bytes`` + 1 bytes whatever size the file claims (``/proc`` files say
    0), and at the deadline. Raises ``Unreadable`` saying what was expected.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise Unreadable("an existing file") from None
    except OSError as e:
        raise Unreadable(f"a readable file ({e.strerror or e})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise Unreadable("a method file, not a folder")
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for is_kind, name in _KINDS if is_kind(st.st_mode)), "a special file")
            raise Unreadable(f"a regular file (this is not a regular file but {kind})")
        too_big = Unreadable(f"a method file of at most {_size(max_bytes)} "
                             f"(this one is larger than {_size(max_bytes)})")
        if st.st_size > max_bytes:
            raise too_big
        deadline = time.monotonic() + seconds
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if time.monotonic() > deadline:
                raise Unreadable(f"a file read within {seconds:g} s (this one took too long to read)")
        if total > max_bytes:  # it grew after fstat, or its size is not what it says
            raise too_big
        return b"".join(chunks)
    except OSError as e:
        raise Unreadable(f"a readable file ({e.strerror or e})") from None
    finally:
        os.close(fd)


# The TOML tokens that can hide brackets, dots and '#': comments and the four kinds of
# string. Each is matched from its first character, forwards only (possessive: nothing
# is tried twice), so the pre-scan is linear in the file whatever the file holds.
_OPENER = re.compile(r"""[#"']""")
_TOKENS = {
    "#": re.compile(r"#[^\n]*+"),
    '"""': re.compile(r'"""(?:[^"\\]|\\[\s\S]|"{1,2}(?!"))*+"{3,5}'),
    "'''": re.compile(r"'''(?:[^']|'{1,2}(?!'))*+'{3,5}"),
    '"': re.compile(r'"(?:[^"\\\n]|\\.)*+"'),
    "'": re.compile(r"'[^'\n]*+'"),
}
_TOO_MANY_PARTS = re.compile(
    r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]++(?:[ \t]*+\.[ \t]*+[A-Za-z0-9_-]++){%d}" % MAX_KEY_PARTS)
_BRACKETS = re.compile(r"[\[\]{}]")


def _prescan(text: str) -> tuple[str, str] | None:
    """(where, expected) when the file has a shape tomllib takes more than linear time on.

    Comments are dropped and every string stands as ``s``; in what is left, a dotted
    key or table name of more than ``MAX_KEY_PARTS`` parts, or arrays and inline tables
    nested more than ``MAX_NESTING`` deep, are refused. A string that does not end stops
    the scan: tomllib stops there too, with a syntax error.
    """
    parts: list[str] = []
    pos = 0
    while (m := _OPENER.search(text, pos)) is not None:
        start = m.start()
        opener = text[start:start + 3] if text.startswith(('"""', "'''"), start) else text[start]
        token = _TOKENS[opener].match(text, start)
        parts.append(text[pos:start])
        if token is None:
            pos = len(text)
            break
        if opener != "#":
            parts.append(" s " + "\n" * text.count("\n", start, token.end()))
        pos = token.end()
    parts.append(text[pos:])
    skeleton = "".join(parts)

    def line(i: int) -> str:
        return f"line {skeleton.count(chr(10), 0, i) + 1}"

    if (m := _TOO_MANY_PARTS.search(skeleton)) is not None:
        return line(m.start()), f"keys and table names of at most {MAX_KEY_PARTS} dotted parts"
    depth = 0
    for m in _BRACKETS.finditer(skeleton):
        if m[0] in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line(m.start()), f"arrays and tables nested at most {MAX_NESTING} deep"
        else:
            depth = max(0, depth - 1)
    return None


class _TooSlow(Exception):
    """Raised inside tomllib by ``_parse``'s guard when the parse is past its deadline."""


def _parse(text: str, seconds: float | None = None) -> dict:
    """``tomllib.loads``, stopped after ``seconds`` (``_TooSlow``) if the text is large.

    The pre-scan already keeps tomllib linear; this is the bound for whatever shape it
    does not know. A profile hook on this thread only (the UI thread is untouched) looks
    at the clock every 1024 calls and raises from inside the parse. It slows tomllib
    about 2.7×, so files of up to GUARD_BYTES (every real method) parse without it.
    """
    if len(text) <= GUARD_BYTES:
        return tomllib.loads(text)
    deadline = time.monotonic() + (PARSE_SECONDS if seconds is None else seconds)
    calls = 0

    def guard(frame, event, arg):
        nonlocal calls
        calls += 1
        if not calls & 1023 and time.monotonic() > deadline:
            raise _TooSlow

    previous = sys.getprofile()
    sys.setprofile(guard)
    try:
        return tomllib.loads(text)
    finally:
        sys.setprofile(previous)


def _read(path: Path) -> tuple[dict | None, list[Problem]]:
    """The parsed TOML, or the problems that stop us reading it."""
    p = str(path)
    try:
        data = read_method_file(path)
    except Unreadable as e:
        return None, [Problem(p, "file", str(e))]
    try:
        text = data.decode("utf-8-sig")  # tolerate the BOM some Windows editors write
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        return None, [Problem(p, f"line {line}", f"UTF-8 text (byte 0x{data[e.start]:02x} is not UTF-8)")]
    if shape := _prescan(text):
        return None, [Problem(p, *shape)]
    try:
        return _parse(text), []
    except _TooSlow:
        return None, [Problem(p, "file", f"a file parsed within {PARSE_SECONDS:g} s (this one took too long to read)")]
    except RecursionError:  # nesting the pre-scan did not see (then it is not TOML)
        return None, [Problem(p, "file", f"valid TOML, nested at most {MAX_NESTING} deep")]
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        if m := _TOML_AT.match(msg):
            return None, [Problem(p, f"line {m[2]}, column {m[3]}", f"valid TOML ({m[1]})")]
        if m := _TOML_END.match(msg):
            return None, [Problem(p, "end of file", f"valid TOML ({m[1]})")]
        return None, [Problem(p, "file", f"valid TOML ({msg})")]


def _listing(names: Iterable[str], most: int = 8) -> str:
    """Names for a message, the first few only (a message is one line)."""
    names = list(names)
    return ", ".join(names[:most]) + (f", … ({len(names) - most} more)" if len(names) > most else "")


def _step_prefix(i: int, step: Any) -> str:
    sid = step.get("id") if isinstance(step, dict) else None
    if isinstance(sid, str) and SLUG.fullmatch(sid) and len(sid) <= SLUG_MAX:
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
    meetings = meetings if is_int(meetings) and meetings >= 1 else None

    steps = doc.get("steps")
    what = "a non-empty list of [[steps]] tables"
    if steps is None:
        return out + [("steps", missing(what))]
    if not isinstance(steps, list) or not steps:
        return out + [("steps", got(what, steps))]

    ids: dict[str, int] = {}
    recorded: dict[str, bool] = {}  # earlier step ids -> does it ask for minutes (record)?
    kinds: dict[str, None] = {}    # note kinds made by earlier steps (write's kinds), in order
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

        if "recall" not in bad:
            for j, r in enumerate(step.get("recall", ())):
                if not recorded.get(r):
                    out.append((f"{pre}.recall[{j}]", got(
                        f"the id of an earlier step with a record ({_listing(k for k, v in recorded.items() if v)})", r)))
        if "id" not in bad:
            recorded.setdefault(sid, bool(step.get("record")) and "record" not in bad)

        activity = step.get("activity")
        params = step.get("params", {})
        if "activity" in bad or "params" in bad:
            continue
        minutes = step.get("minutes") if "minutes" not in bad else None
        spec = activities.get(activity)
        issues = activities.validate_params(activity, params, minutes)
        out += [(join(f"{pre}.params", f), e) for f, e in issues]
        if issues:
            continue
        full = activities.with_defaults(activity, params)
        if spec.needs_notes(full) and not notes_made:
            out.append((f"{pre}.activity", f"an earlier step that makes notes (write) for '{activity}' "
                                           f"to work on, or params.from_prepared = true"))
        if kinds:
            for name in spec.kind_params:
                for j, k in enumerate(full.get(name) or ()):
                    if k not in kinds:
                        out.append((f"{pre}.params.{name}[{j}]",
                                    got(f"a note kind of an earlier write step ({_listing(kinds)})", k)))
        kinds.update((k, None) for k in spec.note_kinds(params))
        notes_made = notes_made or spec.makes_notes(full)

    if meetings is not None and all(isinstance(s, dict) and is_int(s.get("meeting", 1)) for s in steps):
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
            params=activities.with_defaults(s["activity"], s.get("params", {})),
            optional=s.get("optional", False), groups=s.get("groups", False),
            record=s.get("record", ""), recall=tuple(s.get("recall", ())),
            facilitator=dict(s.get("facilitator", {})),
        )
        for s in doc["steps"]
    )
    return Method(
        id=head["id"], title=head["title"], language=head["language"], steps=steps,
        summary=head["summary"], source=head["source"], group_size=head.get("group_size", ""),
        meetings=head.get("meetings", 1), when=dict(head.get("when", {})), path=path,
        table_size=_size_pair(head.get("table_size")), decided_by=head.get("decided_by", DECIDERS[0]),
        facilitator=dict(head.get("facilitator", {})),
    )


def _size_pair(value: Any) -> tuple[int, ...]:
    """``table_size`` as (least, most); () when the method names none."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value, value)


def load_method(path: str | os.PathLike) -> Method:
    """The method in ``path``; raises ``MethodError`` (and nothing else) if it is unusable."""
    p = str(path)
    try:
        doc, problems = _read(Path(path))
        if doc is None:
            raise MethodError(problems)
        problems = [Problem(p, f, e) for f, e in _check(doc)]
        if len(problems) > MAX_PROBLEMS:  # a generated file: the first ones say enough
            problems[MAX_PROBLEMS:] = [Problem(p, "file", f"fewer problems ({len(problems) - MAX_PROBLEMS:,} "
                                                           f"more are not shown)")]
        if problems:
            raise MethodError(problems)
        return _build(doc, p)
    except MethodError:
        raise
    except Exception as e:  # a loader bug must still not take the kiosk down
        raise MethodError([Problem(p, "file", f"a file the loader can read (loader error: {e!r})")]) from e


def _load_all(paths: Iterable[str | os.PathLike] | str | os.PathLike, report_empty: bool,
              seconds: float = LOAD_SECONDS) -> tuple[list[Method], list[Problem], list[str]]:
    """Methods, problems and the method files seen, over files and folders.

    Files not started within ``seconds`` are left out, each named as a problem."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    deadline = time.monotonic() + seconds
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
            if time.monotonic() > deadline:
                problems.append(Problem(str(f), "file", f"all method files read within {seconds:g} s "
                                                        f"(they took too long to read; this one was left out)"))
                continue
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


def load_methods(dirs: Iterable[str | os.PathLike],
                 seconds: float = LOAD_SECONDS) -> tuple[list[Method], list[Problem]]:
    """All good methods in the folders (or files); every bad file becomes problems.

    Bounded in time and memory whatever the folders hold (see ``read_method_file``), so
    the app can run it in a thread and be sure it ends."""
    methods, problems, _ = _load_all(dirs, report_empty=False, seconds=seconds)
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
