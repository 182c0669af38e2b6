"""Kill a writing process with SIGKILL, many times, and check every acknowledged write.

The child (crash_writer.py) prints a line only after a store call returned, so
each line is a promise that the change survives. The same folder is reused
across runs, so later runs start on files, backups and leftovers of killed ones.

SIGKILL keeps the kernel's page cache, so this proves the write protocol
(temporary file, rename, no in-place rewrite, recovery at open), not the fsync
calls against a real power cut.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict

import pytest

from kiosk.store import Store
from kiosk.store.storage import _parse

WRITER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crash_writer.py")
RUNS = int(os.environ.get("KIOSK_CRASH_RUNS", "50"))
SEED = int(os.environ.get("KIOSK_CRASH_SEED", "20240611"))


class Promises:
    """Everything the children acknowledged, merged over all runs."""

    def __init__(self) -> None:
        self.notes: dict[tuple[str, int], int] = {}            # (sid, doc_id) -> value
        self.seen: dict[tuple[str, int], int] = {}             # (sid, doc_id) -> highest 'seen'
        self.counter: dict[str, int] = defaultdict(int)        # sid -> highest counter
        self.status: dict[str, int] = defaultdict(int)         # sid -> highest step
        self.last_state = 0
        self.sessions: set[str] = set()

    def take(self, line: str) -> None:
        kind, *rest = line.split()
        if kind == "N":
            sid, doc_id, value = rest
            self.notes[(sid, int(doc_id))] = int(value)
        elif kind == "B":
            sid, ids, value = rest
            for doc_id in ids.split(","):
                self.notes[(sid, int(doc_id))] = int(value)
        elif kind == "U":
            sid, doc_id, value = rest
            key = (sid, int(doc_id))
            self.seen[key] = max(self.seen.get(key, 0), int(value))
        elif kind == "C":
            self.counter[rest[0]] = max(self.counter[rest[0]], int(rest[1]))
        elif kind == "T":
            self.status[rest[0]] = max(self.status[rest[0]], int(rest[1]))
        elif kind == "K":
            self.last_state = max(self.last_state, int(rest[0]))
        else:
            raise AssertionError(f"unexpected line from the writer: {line!r}")

    def check(self, store: Store) -> None:
        """Every promise holds; values may be newer (a write done but not yet acknowledged)."""
        listed = {e["id"]: e for e in store.list_sessions()}
        assert self.sessions <= listed.keys()
        for (sid, doc_id), value in self.notes.items():
            note = store.get(sid, "notes", doc_id)
            assert note is not None and note["n"] == value, (sid, doc_id, value, note)
        for (sid, doc_id), value in self.seen.items():
            assert store.get(sid, "notes", doc_id)["seen"] >= value
        for sid in self.sessions:
            doc = store.load_session(sid)
            assert doc["counter"] >= self.counter[sid]
            step = int(doc["status"].removeprefix("step-"))
            assert step >= self.status[sid]
            # The index may not lag behind the session file it lists.
            assert listed[sid]["status"] == doc["status"]
        assert (store.get_state("last") or 0) >= self.last_state


def run_and_kill(data_dir: str, run: int, rng: random.Random) -> list[str]:
    """Start a writer, let it acknowledge for 20-300 ms, SIGKILL it; return its complete lines."""
    proc = subprocess.Popen([sys.executable, WRITER, data_dir, str(run)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines: list[str] = []
    acking = threading.Event()

    def read() -> None:
        for raw in proc.stdout:
            if not raw.endswith(b"\n"):  # cut off by the kill: not a promise
                continue
            line = raw.decode("utf-8").strip()
            if line == "ready":
                continue
            lines.append(line)
            acking.set()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not acking.wait(timeout=20):
            proc.kill()
            proc.wait()
            raise AssertionError(f"writer never acknowledged: {proc.stderr.read().decode()}")
        time.sleep(rng.uniform(0.020, 0.300))
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
        reader.join(timeout=20)
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"writer died by itself ({proc.returncode}): {stderr}"
    return lines


@pytest.mark.slow
def test_every_acknowledged_write_survives_sigkill(tmp_path):
    rng = random.Random(SEED)
    data_dir = str(tmp_path / "data")
    promises = Promises()
    acknowledged = 0
    for run in range(1, RUNS + 1):
        lines = run_and_kill(data_dir, run, rng)
        acknowledged += len(lines)
        for line in lines:
            promises.take(line)
        promises.sessions |= {"alpha", "beta", f"run{run}"}
        store = Store(data_dir)
        try:
            # A kill never damages a file (writes are whole-file renames), so
            # nothing should ever need recovering from a backup.
            assert store.recoveries == [], (run, SEED, store.recoveries)
            promises.check(store)
            leftovers = [f for _, _, fs in os.walk(data_dir) for f in fs if f.endswith(".tmp")]
            assert leftovers == []
        finally:
            store.close()
    # Make sure the test tested something: many promises, over many runs.
    assert acknowledged > RUNS * 10
    assert len(promises.notes) > RUNS * 5
    assert any(f.endswith(".bak3") for f in os.listdir(os.path.join(data_dir, "sessions")))
    # A kill may cut a rotation short, never leave a torn or empty backup behind.
    backups = [os.path.join(d, f) for d, _, fs in os.walk(data_dir) for f in fs if ".bak" in f]
    assert any(f.endswith(".bak0") for f in backups)
    for path in backups:
        with open(path, "rb") as fh:
            assert set(_parse(fh.read())) - {"_meta"}, path
