"""``kiosk export`` as an admin runs it: a real ``python -m kiosk`` subprocess on a real
data folder, its files parsed back; its refusals clear, its exit status non-zero."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
from pypdf import PdfReader

from kiosk.clock import SystemClock
from export_sample import FORMULA_NOTE, XSS_NOTES, sample_session
from kiosk.store import Store

ROOT = Path(__file__).resolve().parents[1]


def kiosk(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kiosk", "export", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, timeout=120, env=env)


def out(r) -> str:
    return r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def data(tmp_path_factory, method_path=ROOT / "methods" / "trivselsdialog.toml"):
    """A data folder with one finished sample session (made with the real clock: the CLI
    runs on the real clock too) and an older one without actions."""
    from kiosk.core.loader import load_method
    from kiosk.core.workshop import Workshop

    folder = tmp_path_factory.mktemp("kiosk") / "data"
    clock = SystemClock()
    method = load_method(method_path)
    with Store(folder, clock=clock) as store:
        empty = Workshop.start(store, clock, method, "Tomt hold").session.id
        store.save_session({**store.load_session(empty), "created_at": clock.now() - 86_400})
        sid = sample_session(store, clock, method)
    return folder, sid, empty


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*") if p.is_file()}


def test_list_shows_the_sessions_newest_first(data):
    folder, sid, empty = data
    r = kiosk("--data", folder, "--list")
    assert r.returncode == 0, out(r)
    lines = r.stdout.decode().splitlines()
    assert lines[0].split()[:4] == ["SESSION", "DATE", "STATUS", "ACTIONS"]
    assert sid in lines[1] and "Trivselsdialog — Team Æblegrød" in lines[1] and " 3 " in lines[1]
    assert empty in lines[2] and "Tomt hold" in lines[2]


@pytest.mark.parametrize("fmt", ["md", "json", "ics", "pdf", "notes.csv", "actions.csv", "html"])
def test_each_format_is_written_and_parses(data, tmp_path, fmt):
    folder, sid, _ = data
    target = tmp_path / f"out.{fmt}"
    r = kiosk("--data", folder, "--session", sid, "--format", fmt, "--out", target)
    assert r.returncode == 0, out(r)
    assert f"wrote {target}" in r.stdout.decode()
    raw = target.read_bytes()
    if fmt == "md":
        assert "Mette Ørsted" in raw.decode() and "\\<script\\>" in raw.decode()
    elif fmt == "json":
        doc = json.loads(raw)
        assert doc["session"]["id"] == sid and len(doc["actions"]) == 3
    elif fmt == "ics":
        events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
        assert len(events) == 5
    elif fmt == "pdf":
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
        assert "Handleplan" in text and "Mette Ørsted" in text
    elif fmt.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        cells = [c for row in rows for c in row]
        assert XSS_NOTES[0] in cells
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        if fmt == "notes.csv":
            assert "'" + FORMULA_NOTE in cells
    else:
        assert raw.startswith(b"<!DOCTYPE html>") and b"<script" not in raw and b"&lt;script&gt;" in raw


def test_csv_writes_both_files_and_latest_picks_the_newest(data, tmp_path):
    folder, sid, _ = data
    r = kiosk("--data", folder, "--session", "latest", "--format", "csv", "--out", tmp_path / "plan.csv")
    assert r.returncode == 0, out(r)
    assert (tmp_path / "plan-notes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    actions = (tmp_path / "plan-actions.csv").read_bytes().decode("utf-8-sig")
    assert "Søren Å." in actions


def test_default_names_and_all_formats_into_a_folder(data, tmp_path):
    folder, sid, _ = data
    r = kiosk("--data", folder, "--session", sid, "--format", "pdf", cwd=tmp_path)
    assert r.returncode == 0, out(r)
    (pdf,) = tmp_path.glob("*.pdf")
    assert pdf.name.startswith("trivselsdialog-team-aeblegroed-") and pdf.stat().st_size > 10_000
    r = kiosk("--data", folder, "--session", sid, "--format", "all", "--out", tmp_path / "all")
    assert r.returncode == 0, out(r)
    suffixes = sorted(p.name.split(".", 1)[1] if "-notes" not in p.name and "-actions" not in p.name
                      else p.name.rsplit("-", 1)[1] for p in (tmp_path / "all").iterdir())
    # the print-outs the session has: the poster and the top actions (no cards, no puzzle, no IGLO)
    assert suffixes == ["actions.csv", "html", "ics", "json", "md", "notes.csv", "pdf", "pdf", "pdf"]
    assert {p.name.rsplit("-", 1)[1] for p in (tmp_path / "all").glob("*.pdf")} >= {"poster.pdf", "top.pdf"}


def test_the_board_and_a_language_of_choice(data, tmp_path):
    folder, sid, _ = data
    r = kiosk("--data", folder, "--board", "--format", "md", "--lang", "nb", "--out", "-")
    assert r.returncode == 0, out(r)
    md = r.stdout.decode("utf-8")
    assert md.startswith("# Statuspil: åpne tiltak") and "Team Æblegrød" in md and "Søren Å." in md
    r = kiosk("--data", folder, "--board", "--format", "actions.csv", "--out", tmp_path / "board.csv")
    assert r.returncode == 0, out(r)
    rows = list(csv.reader(io.StringIO((tmp_path / "board.csv").read_text("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4 and rows[1][:2] == ["Team Æblegrød", "Trivselsdialog"]


def test_it_reads_while_the_kiosk_holds_the_folder_and_changes_nothing(data, tmp_path):
    folder, sid, _ = data
    before = snapshot(folder)
    with Store(folder):  # the running kiosk's lock
        r = kiosk("--data", folder, "--session", sid, "--format", "json", "--out", tmp_path / "x.json")
    assert r.returncode == 0, out(r)
    assert json.loads((tmp_path / "x.json").read_bytes())["session"]["team"] == "Team Æblegrød"
    after = snapshot(folder)
    assert {k: v for k, v in after.items() if k != "kiosk.lock"} == \
        {k: v for k, v in before.items() if k != "kiosk.lock"}


def test_a_damaged_session_file_is_read_from_its_backup_and_said(data, tmp_path):
    folder, sid, _ = data
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(folder, copy)
    path = copy / "sessions" / f"{sid}.json"
    shutil.copy2(path, path.with_name(path.name + ".bak1"))
    path.write_text("{ broken", encoding="utf-8")
    r = kiosk("--data", copy, "--session", sid, "--format", "json", "--out", tmp_path / "x.json")
    assert r.returncode == 0, out(r)
    assert "restored from the backup" in r.stderr.decode() and str(copy) in r.stderr.decode()
    assert "/tmp/kiosk-export-" not in r.stderr.decode()
    assert path.read_text(encoding="utf-8") == "{ broken", "the real folder is left as it was"


@pytest.mark.parametrize("args, message", [
    (["--session", "no-such-session", "--format", "md"], "There is no session 'no-such-session'"),
    (["--session", "../../etc", "--format", "md"], "There is no session '../../etc'"),
])
def test_an_unknown_session_is_a_clear_refusal(data, args, message):
    folder, _, _ = data
    r = kiosk("--data", folder, *args)
    assert r.returncode == 1 and message in r.stderr.decode() and "--list" in r.stderr.decode()
    assert b"Traceback" not in r.stderr


def test_a_missing_or_empty_data_folder_is_a_clear_refusal(tmp_path):
    r = kiosk("--data", tmp_path / "nowhere", "--board")
    assert r.returncode == 1 and "does not exist" in r.stderr.decode()
    (tmp_path / "empty").mkdir()
    r = kiosk("--data", tmp_path / "empty", "--list")
    assert r.returncode == 1 and "holds no kiosk data" in r.stderr.decode()
    assert not (tmp_path / "empty" / "sessions").exists(), "nothing is created in a wrong folder"
    (tmp_path / "file").write_text("x")
    r = kiosk("--data", tmp_path / "file", "--board")
    assert r.returncode == 1 and "is not a folder" in r.stderr.decode()


def test_an_unwritable_output_is_a_clear_refusal(data, tmp_path):
    folder, sid, _ = data
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target, message in ((blocker / "x.pdf", "Cannot write"), (tmp_path / "no" / "x.pdf", "does not exist"),
                            (tmp_path, "is a folder")):
        r = kiosk("--data", folder, "--session", sid, "--format", "pdf", "--out", target)
        assert r.returncode == 1, out(r)
        assert message in r.stderr.decode() and b"Traceback" not in r.stderr
    r = kiosk("--data", folder, "--session", sid, "--format", "pdf", "--out", "-")
    assert r.returncode == 1 and "standard output" in r.stderr.decode()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_usage_errors_exit_2(data):
    folder, sid, _ = data
    r = kiosk("--data", folder, "--format", "md")
    assert r.returncode == 2 and "one of the arguments --session --board --list --method is required" in r.stderr.decode()
    r = kiosk("--data", folder, "--session", sid, "--format", "docx")
    assert r.returncode == 2 and "invalid choice" in r.stderr.decode()
    r = kiosk("--help")
    assert r.returncode == 0 and b"formats:" in r.stdout and b"safe to" in r.stdout


def test_exports_stay_whole_while_the_kiosk_keeps_writing(data, tmp_path):
    """The kiosk writes a note every few milliseconds while admins export: every export
    succeeds and holds a whole, readable session."""
    import threading

    from kiosk.core.wall import Wall

    folder, sid, _ = data
    stop = threading.Event()
    written = []

    def writer():
        with Store(folder) as store:
            wall = Wall(store, sid, SystemClock())
            while not stop.is_set():
                written.append(wall.add_note("godt", f"Skrevet under eksport {len(written)}", step="refleksion"))
    t = threading.Thread(target=writer)
    t.start()
    try:
        counts = []
        for i in range(4):
            target = tmp_path / f"x{i}.json"
            r = kiosk("--data", folder, "--session", sid, "--format", "json", "--out", target)
            assert r.returncode == 0, out(r)
            doc = json.loads(target.read_bytes())
            assert len(doc["actions"]) == 3
            counts.append(len(doc["notes"]))
    finally:
        stop.set()
        t.join(timeout=30)
    assert written and counts == sorted(counts) and counts[-1] > 11, (len(written), counts)
