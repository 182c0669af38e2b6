"""Hostile method files: nothing in a methods folder may hang, exhaust or freeze the kiosk.

Real files in tmp_path: a FIFO (opening it for reading blocks until a writer comes), a
symlink to /dev/zero (endless, and its size says 0), /dev/null (a device, not a file),
a folder named like a method file, a 10 MB file, the dotted-key table bomb tomllib is
quadratic on (200 KB of it took 40 s), nesting deep enough to exhaust the recursion,
and one good method beside them. The loader (shared by the app and ``kiosk methods
check``) names each bad file and keeps the good one; the CLI ends at once; the real
app, as a process under Xvfb, keeps drawing, shows the method-problems notice and
still stops on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from kiosk.core import loader
from kiosk.core.loader import (
    MAX_BYTES, MAX_KEY_PARTS, MethodError, Unreadable, load_method, load_methods, read_method_file,
)

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
[method]
id = "fine"
title = "A fine method. With [brackets], a # and \\"quotes\\"."
language = "en"
summary = "Dots in strings are not keys: a.b.c.d.e.f.g.h.i.j.k"
source = 'test [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ a.b.c.d.e.f.g.h'

[[steps]]
id = "write"  # a.b.c.d.e.f.g.h.i in a comment is no key either
title = "Write"
minutes = 5
activity = "write"
prompts = [\"\"\"Three quotes, then dots: x.y.z.w.v.u.t.s.r.q\"\"\"]
params = { kinds = [{ id = "idea", title = "Idea", colour = "yellow" }] }
"""

WHAT_IS_WRONG = {
    "fifo.toml": "not a regular file but a named pipe (FIFO)",
    "zero.toml": "not a regular file but a character device",
    "null.toml": "not a regular file but a character device",
    "folder.toml": "a method file, not a folder",
    "big.toml": "larger than 256 KB",
    "bomb.toml": f"keys and table names of at most {MAX_KEY_PARTS} dotted parts",
    "dotted.toml": f"keys and table names of at most {MAX_KEY_PARTS} dotted parts",
    "deep.toml": "arrays and tables nested at most 32 deep",
}


def table_bomb(size: int) -> str:
    """A table nested ``size // 8`` deep, then keys to fill ``size`` bytes: valid TOML
    whose parse time grows with depth × keys (about 40 s at 200 KB)."""
    depth = size // 8
    head = "[" + ".".join(["t"] * depth) + "]\n"
    keys, n, i = [], len(head), 0
    while n < size:
        line = f"k{i} = {i}\n"
        keys.append(line)
        n += len(line)
        i += 1
    return head + "".join(keys)


def hostile_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "fifo.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    (folder / "null.toml").symlink_to("/dev/null")
    (folder / "folder.toml").mkdir()
    with open(folder / "big.toml", "wb") as f:
        f.truncate(10 * 1024 * 1024)  # 10 MB of zero bytes (sparse: costs no disk)
    (folder / "bomb.toml").write_text(table_bomb(200 * 1024), encoding="utf-8")
    (folder / "dotted.toml").write_text("a." * 50_000 + "a = 1\n", encoding="utf-8")
    (folder / "deep.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    (folder / "good.toml").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.fixture
def hostile(tmp_path) -> Path:
    return hostile_folder(tmp_path / "methods")


def problems_by_file(problems) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in problems:
        out.setdefault(Path(p.path).name, str(p))
    return out


# -- the loader, as the app uses it ------------------------------------------------------------

def test_the_bomb_is_valid_toml_a_small_one_parses():
    """The bomb is refused for its shape, not its syntax: a small one is ordinary TOML."""
    doc = tomllib.loads(table_bomb(400))
    assert doc["t"]["t"]["t"]


def test_load_methods_keeps_the_good_file_and_names_each_hostile_one_quickly(hostile):
    start = time.monotonic()
    methods, problems = load_methods([hostile])
    took = time.monotonic() - start
    assert took < 5, f"reading the hostile folder took {took:.1f} s"
    assert [m.id for m in methods] == ["fine"]
    assert methods[0].title.startswith("A fine method. With [brackets]")
    found = problems_by_file(problems)
    assert set(found) == set(WHAT_IS_WRONG)
    for name, wrong in WHAT_IS_WRONG.items():
        assert wrong in found[name], found[name]
        assert found[name].startswith(str(hostile / name) + ": ")


def test_each_hostile_file_alone_is_a_method_error_naming_it(hostile):
    for name, wrong in WHAT_IS_WRONG.items():
        with pytest.raises(MethodError) as e:
            load_method(hostile / name)
        assert [p.path for p in e.value.problems] == [str(hostile / name)]
        assert wrong in str(e.value)


def test_a_fifo_with_a_writer_is_still_not_read(tmp_path):
    """A FIFO someone writes to is refused too: the reader never waits on a pipe."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"while :; do printf 'a=1\\n'; done > {fifo}"])
    try:
        with pytest.raises(Unreadable, match="named pipe"):
            read_method_file(fifo)
    finally:
        writer.kill()
        writer.wait(timeout=5)


def test_the_size_cap_holds_while_reading_whatever_the_size_says(tmp_path):
    """/proc files say they are 0 bytes: the cap is counted on what is read."""
    maps = tmp_path / "maps.toml"
    maps.symlink_to("/proc/self/maps")
    assert os.stat(maps).st_size == 0
    with pytest.raises(Unreadable, match="larger than 100 bytes"):
        read_method_file(maps, max_bytes=100)
    assert len(read_method_file(maps, max_bytes=10 * MAX_BYTES)) > 100


def test_exactly_the_cap_is_read_and_one_byte_more_is_refused(tmp_path):
    ok = tmp_path / "ok.toml"
    ok.write_bytes(b"#" * MAX_BYTES)
    assert len(read_method_file(ok)) == MAX_BYTES
    over = tmp_path / "over.toml"
    over.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(Unreadable, match="larger than 256 KB"):
        read_method_file(over)


def test_a_read_past_its_deadline_took_too_long(tmp_path):
    slow = tmp_path / "slow.toml"
    slow.write_bytes(b"# x\n" * 40_000)  # more than one read
    with pytest.raises(Unreadable, match="took too long to read"):
        read_method_file(slow, seconds=-1)


def test_files_past_the_folders_time_budget_are_left_out_by_name(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    for i in range(3):
        (folder / f"m{i}.toml").write_text(GOOD.replace('"fine"', f'"fine{i}"'), encoding="utf-8")
    methods, problems = load_methods([folder], seconds=-1)
    assert methods == []
    assert [Path(p.path).name for p in problems] == ["m0.toml", "m1.toml", "m2.toml"]
    assert all("took too long to read" in str(p) for p in problems)


def test_the_worst_file_the_prescan_lets_through_parses_in_bounded_time(tmp_path):
    """Tables and keys as deep as allowed, as many as fit under the cap: tomllib's worst
    case that remains (about 0.4 s here; linear in the size, which is capped)."""
    key = ".".join(["a"] * (MAX_KEY_PARTS - 1))
    lines, size, i = [], 0, 0
    while True:
        line = f"[{key}.t{i}]\n{key}.c = 1\n"
        if size + len(line) > MAX_BYTES:
            break
        lines.append(line)
        size += len(line)
        i += 1
    text = "".join(lines)
    assert loader._prescan(text) is None
    start = time.monotonic()
    doc = tomllib.loads(text)
    took = time.monotonic() - start
    assert len(doc["a"]["a"]) == 1
    assert took < 3, f"{took:.2f} s"
    worst = tmp_path / "worst.toml"  # through the loader: parsed, or stopped at PARSE_SECONDS
    worst.write_text(text, encoding="utf-8")
    start = time.monotonic()
    doc, problems = loader._read(worst)
    assert time.monotonic() - start < loader.PARSE_SECONDS + 2
    assert doc is not None or "took too long to read" in str(problems[0])


def test_a_runaway_parse_is_stopped_at_its_deadline():
    """Whatever shape the pre-scan does not know: the guarded parse stops on time.
    (The table bomb, which the pre-scan refuses, stands in for it here.)"""
    bomb = table_bomb(100 * 1024)
    start = time.monotonic()
    with pytest.raises(loader._TooSlow):
        loader._parse(bomb, seconds=0.3)
    assert time.monotonic() - start < 1.5
    assert sys.getprofile() is None  # the guard is gone again


def test_a_large_file_parsed_too_slowly_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "PARSE_SECONDS", 0.0)
    p = tmp_path / "slow.toml"
    p.write_text("".join(f"[t{i}]\nk = {i}\n" for i in range(5000)), encoding="utf-8")
    assert p.stat().st_size > loader.GUARD_BYTES
    with pytest.raises(MethodError) as e:
        load_method(p)
    assert str(e.value) == f"{p}: file: expected a file parsed within 0 s (this one took too long to read)"


def test_a_generated_file_lists_at_most_fifty_problems(tmp_path):
    steps = "".join(f'[[steps]]\nid = "s{i}"\ntitle = "S"\nminutes = -1\nactivity = "talk"\n' for i in range(200))
    p = tmp_path / "many.toml"
    p.write_text('[method]\nid = "m"\ntitle = "M"\nlanguage = "en"\nsummary = "s"\nsource = "t"\n' + steps,
                 encoding="utf-8")
    with pytest.raises(MethodError) as e:
        load_method(p)
    assert len(e.value.problems) == 51
    assert "150 more are not shown" in str(e.value.problems[-1])


def test_a_folder_of_thousands_of_bad_files_is_one_short_notice(tmp_path):
    """The banner names the first few bad files and counts the rest: a folder of 3,000
    FIFOs is a two-line notice, not a texture taller than the screen."""
    from kiosk.ui import messages

    folder = tmp_path / "m"
    folder.mkdir()
    for i in range(3000):
        os.mkfifo(folder / f"f{i:04}.toml")
    start = time.monotonic()
    methods, problems = load_methods([folder])
    assert time.monotonic() - start < 5
    assert methods == [] and len(problems) == 3000
    text = messages.method_problems(problems)
    assert "f0000.toml, f0001.toml" in text and "f0007.toml, … (+2992)" in text
    assert "f0008.toml" not in text and len(text) < 300


# -- kiosk methods check, as an admin runs it -------------------------------------------------

def kiosk(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, **kw)


def test_methods_check_ends_at_once_and_names_each_bad_file(hostile):
    start = time.monotonic()
    r = kiosk("methods", "check", str(hostile))
    took = time.monotonic() - start
    assert took < 5, f"kiosk methods check took {took:.1f} s"
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    for name, wrong in WHAT_IS_WRONG.items():
        lines = [x for x in r.stdout.splitlines() if x.startswith(str(hostile / name) + ": ")]
        assert len(lines) == 1 and wrong in lines[0], (name, r.stdout, r.stderr)
    assert "good.toml" not in r.stdout
    assert r.stdout.splitlines()[-1].endswith(f"1 of {len(WHAT_IS_WRONG) + 1} method files OK")


def test_methods_check_given_a_device_and_a_fifo_by_name(tmp_path):
    """Named on the command line rather than found in a folder: the same reader."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    start = time.monotonic()
    r = kiosk("methods", "check", "/dev/zero", str(fifo))
    assert time.monotonic() - start < 5
    assert r.returncode == 1
    assert "/dev/zero: file: expected a regular file (this is not a regular file but a character device)" in r.stdout
    assert f"{fifo}: file: expected a regular file (this is not a regular file but a named pipe (FIFO))" in r.stdout


def test_sigterm_stops_methods_check_promptly_while_it_works(tmp_path):
    """A FIFO first, then files that take the parser a while: SIGTERM mid-way ends it."""
    folder = tmp_path / "m"
    folder.mkdir()
    os.mkfifo(folder / "a-fifo.toml")
    key = ".".join(["a"] * (MAX_KEY_PARTS - 1))
    slow = "".join(f"[{key}.t{i}]\n{key}.c = 1\n" for i in range(MAX_BYTES // 40))
    for i in range(40):
        (folder / f"slow{i:02}.toml").write_text(slow, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "methods", "check", str(folder)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.5)  # past the FIFO, among the slow files
        assert proc.poll() is None, "it should still be working on the slow files"
        proc.send_signal(signal.SIGTERM)
        start = time.monotonic()
        proc.wait(timeout=5)
        assert time.monotonic() - start < 2
        assert proc.returncode == -signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- the app --------------------------------------------------------------------------------------

@pytest.mark.window
def test_the_app_starts_with_a_fifo_and_a_bomb_and_shows_the_method_problems(display, data_dir, clock, hostile,
                                                                            monkeypatch):
    from kiosk_testing import Driver

    monkeypatch.setenv("KIOSK_METHODS", str(hostile))
    start = time.monotonic()
    k = Driver(data_dir, clock=clock, lang="en")
    try:
        k.wait_until(lambda: "fifo.toml" in k.app.notice, 10)
        assert time.monotonic() - start < 10
        assert k.app.notice_kind == "error"
        for name in ("fifo.toml", "bomb.toml", "zero.toml", "big.toml", "folder.toml"):
            assert name in k.app.notice, k.app.notice
        assert "good.toml" not in k.app.notice
        ids = [m.id for m in k.app.methods]
        assert "fine" in ids and "trivselsdialog" in ids
        k.tap("start")
        assert k.app.sm.current == "picker"
        assert "fine" in k.app.screen("picker")._cards
        shots = ROOT / "screenshots" / "tests"
        shots.mkdir(parents=True, exist_ok=True)
        k.screenshot(shots / "hostile_methods_notice.png")
    finally:
        k.close()


@pytest.mark.window
def test_a_stalled_methods_folder_does_not_hold_the_screen(display, data_dir, clock, monkeypatch):
    """A folder that does not answer (a hung network mount): the picker opens at once,
    empty, and fills in when the files arrive. Stands in for the mount: the real loader,
    held until the test lets it go."""
    import threading

    from kiosk_testing import Driver
    from kiosk.ui import app as app_module

    gate = threading.Event()
    real = loader.load_methods

    def stalled(dirs, *a, **kw):
        gate.wait(30)
        return real(dirs, *a, **kw)

    monkeypatch.setattr(loader, "load_methods", stalled)
    monkeypatch.setattr(app_module, "METHODS_WAIT", 0.3)
    k = Driver(data_dir, clock=clock, lang="en")
    try:
        start = time.monotonic()
        k.tap("start")
        assert k.app.sm.current == "picker"
        assert time.monotonic() - start < 2
        assert k.app.screen("picker")._cards == {}
        start = time.monotonic()
        k.frames(3)
        assert time.monotonic() - start < 1, "the screen waited again"
        gate.set()
        k.wait_until(lambda: k.app.screen("picker")._cards, 10)
        assert "trivselsdialog" in k.app.screen("picker")._cards
    finally:
        gate.set()
        k.close()


def wait_for_probe(probe: Path, proc, check, timeout: float) -> dict:
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"the kiosk died: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            last = json.loads(probe.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = None
        if last and check(last):
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out; last probe: {last}")


@pytest.mark.window
@pytest.mark.slow
def test_the_kiosk_process_keeps_drawing_and_stops_on_sigterm_with_a_fifo_in_its_methods(tmp_path, hostile):
    """As systemd runs it: the screen keeps ticking (its probe file is rewritten every
    tick), says which method files are bad, and SIGTERM still ends it cleanly."""
    from kiosk_testing import start_xvfb

    xvfb, display = start_xvfb(1280, 720)
    probe = tmp_path / "probe.json"
    env = {**os.environ, "DISPLAY": display, "KIOSK_PROBE": str(probe), "SDL_AUDIODRIVER": "dummy",
           "KIOSK_METHODS": str(hostile), "KIVY_HOME": str(tmp_path / "kivy-home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--windowed", "--size", "1280x720", "--data", str(tmp_path / "data"),
         "--lang", "en", "--touch", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        state = wait_for_probe(probe, proc, lambda s: "fifo.toml" in s["notice"], timeout=60)
        assert "bomb.toml" in state["notice"] and "good.toml" not in state["notice"]
        before = probe.stat().st_mtime_ns
        time.sleep(1.0)
        assert probe.stat().st_mtime_ns != before, "the screen stopped ticking"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        xvfb.terminate()
        xvfb.wait(timeout=10)
