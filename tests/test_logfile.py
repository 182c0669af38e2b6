"""The kiosk's log file can never stop the kiosk, and never grows without bound.

Real files: a folder in tmp_path for the size cap, a real 1 MB tmpfs filled to its last
byte for a full disk, a read-only bind mount for a read-only one (root only: skipped
otherwise, saying why). Nothing may reach stderr (under Kivy's own log mode stderr was
the log itself: the loop that ended the process).
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.logfile import SafeFileHandler

ROOT = Path(__file__).resolve().parents[1]


class Ticks:
    """A monotonic clock the test moves (the handler's pause after a failed write)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def record(msg: str, level=logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("kiosk", level, __file__, 1, msg, None, None)


def mounted(tmp_path: Path, *args: str) -> Path:
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    where = tmp_path / "mnt"
    where.mkdir()
    r = subprocess.run(["mount", *args, str(where)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount here: {r.stderr.strip()}")
    return where


def umount(where: Path) -> None:
    subprocess.run(["umount", str(where)], capture_output=True)


def fill(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_the_log_is_capped_and_rotated(tmp_path):
    h = SafeFileHandler(tmp_path / "logs", max_bytes=4096, backups=2)
    for i in range(2000):
        h.handle(record(f"line {i:05d} " + "x" * 60))
    h.close()
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    sizes = [(tmp_path / "logs" / n).stat().st_size for n in files]
    assert all(s <= 4096 for s in sizes) and sum(sizes) <= 3 * 4096
    assert "line 01999" in (tmp_path / "logs" / "kiosk.log").read_text()
    assert h.dropped == 0


def test_one_huge_record_is_cut_not_written_whole(tmp_path):
    h = SafeFileHandler(tmp_path, max_bytes=10**6)
    h.handle(record("y" * 10**6))
    h.close()
    text = (tmp_path / "kiosk.log").read_text()
    assert len(text) < 20_000 and text.rstrip().endswith("... (cut)")


def test_a_full_disk_drops_and_counts_lines_and_says_so_when_space_returns(tmp_path, capfd):
    disk = mounted(tmp_path, "-t", "tmpfs", "-o", "size=1m", "tmpfs")
    try:
        ticks = Ticks()
        h = SafeFileHandler(disk / "logs", retry_seconds=5, monotonic=ticks)
        h.handle(record("before the disk filled"))
        fill(disk / "blocker")
        fill(disk / "logs" / "kiosk.log")  # its last page too: the next line needs a block
        for i in range(50):
            h.handle(record(f"while full {i}"))    # never raises
        assert h.dropped == 50
        (disk / "blocker").unlink()
        ticks.now += 2
        h.handle(record("too soon: still paused"))  # the pause: no disk access, one more dropped
        assert h.dropped == 51
        ticks.now += 5
        h.handle(record("space again"))
        h.close()
        text = (disk / "logs" / "kiosk.log").read_text(errors="replace")
        assert "51 log line(s) were dropped (No space left on device)" in text
        assert text.index("were dropped") < text.index("space again")
        out, err = capfd.readouterr()
        assert out == "" and err == ""              # nothing printed: no loop through stderr
    finally:
        umount(disk)


def test_a_read_only_log_folder_is_counted_not_fatal(tmp_path, capfd):
    source = tmp_path / "src"
    (source / "logs").mkdir(parents=True)
    ro = mounted(tmp_path, "--bind", str(source))
    try:
        r = subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-only: {r.stderr.strip()}")
        h = SafeFileHandler(ro / "logs" / "new")  # not even the folder can be made
        for i in range(10):
            h.handle(record(f"line {i}"))
        assert h.dropped == 10
        h.close()
        assert capfd.readouterr().err == ""
    finally:
        umount(ro)


def test_in_the_kiosk_process_kivy_and_uncaught_errors_reach_the_file_not_a_loop(tmp_path):
    """configure_kivy as ``kiosk`` runs it: Kivy's records and an uncaught exception land in
    kiosk.log, and a failing write inside logging cannot recurse through stderr."""
    code = (
        "import sys, argparse\n"
        "from pathlib import Path\n"
        "from kiosk import cli\n"
        "args = cli.parser().parse_args(['--windowed', '--touch', 'none'])\n"
        f"cli.configure_kivy(args, Path({str(tmp_path / 'data')!r}))\n"
        "import kivy\n"
        "import logging\n"
        "logging.getLogger('kivy').warning('Probe: from kivy')\n"
        "print('to stderr', file=sys.stderr)\n"
        "raise RuntimeError('boom at the top')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    log = (tmp_path / "data" / "kivy" / "logs" / "kiosk.log").read_text()
    assert "kivy: Probe: from kivy" in log and "Kivy: v" in log
    assert "CRITICAL kiosk: uncaught exception" in log and "RuntimeError: boom at the top" in log
    assert "to stderr" in r.stderr and "stderr:" not in log  # stderr is stderr again, not a log channel
    assert not list((tmp_path / "data" / "kivy" / "logs").glob("kivy_*.txt"))  # Kivy's unbounded file: off
