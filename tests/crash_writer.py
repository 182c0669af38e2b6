"""Child process for test_crash.py: writes through a Store as fast as it can.

After each store call *returns*, it prints one acknowledgement line (flushed).
A line on stdout is therefore a promise that the change is on disk; the parent
kills this process with SIGKILL at a random moment and checks every promise.

Usage: crash_writer.py DATA_DIR RUN   (RUN makes every value unique across runs)

Lines (space separated):
    N sid doc_id value     inserted note {'n': value}
    B sid id,id,id value   a batch of three notes {'n': value}
    U sid doc_id value     note doc_id got {'seen': value}
    C sid value            session doc 'counter' = value (no index change)
    T sid value            session 'status' = 'step-<value>' (an index change)
    K value                kiosk state 'last' = value
"""

from __future__ import annotations

import os
import sys

# Only the store: no Kivy, and no pytest, so the child starts in ~0.1 s.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kiosk.store import Store  # noqa: E402


def main() -> None:
    data_dir, run = sys.argv[1], int(sys.argv[2])
    out = sys.stdout
    # backup_interval=0 rotates on every write, so kills land inside rotations too.
    store = Store(data_dir, backup_interval=0)
    sids = ["alpha", "beta", f"run{run}"]
    docs = {}
    for sid in sids:
        docs[sid] = store.load_session(sid) or {
            "id": sid, "team": f"team {sid}", "method_id": "trivselsdialog",
            "method_title": "Trivselsdialog", "status": "step-0", "counter": 0}
        store.save_session(docs[sid])
    notes = {sid: [n["doc_id"] for n in store.all(sid, "notes")] for sid in sids}
    print("ready", file=out, flush=True)
    value = run * 1_000_000
    while True:
        value += 1
        sid = sids[value % 3]
        op = value % 7
        if op in (0, 1):
            doc_id = store.insert(sid, "notes", {"n": value, "text": f"note {value} æøå"})
            notes[sid].append(doc_id)
            print(f"N {sid} {doc_id} {value}", file=out, flush=True)
        elif op == 2:
            with store.batch(sid):
                ids = [store.insert(sid, "notes", {"n": value}) for _ in range(3)]
            notes[sid].extend(ids)
            print(f"B {sid} {','.join(map(str, ids))} {value}", file=out, flush=True)
        elif op == 3 and notes[sid]:
            doc_id = notes[sid][value % len(notes[sid])]
            store.update(sid, "notes", doc_id, {"seen": value})
            print(f"U {sid} {doc_id} {value}", file=out, flush=True)
        elif op == 4:
            docs[sid] = {**docs[sid], "counter": value}
            store.save_session(docs[sid])
            print(f"C {sid} {value}", file=out, flush=True)
        elif op == 5:
            docs[sid] = {**docs[sid], "status": f"step-{value}"}
            store.save_session(docs[sid])
            print(f"T {sid} {value}", file=out, flush=True)
        else:
            store.set_state("last", value)
            print(f"K {value}", file=out, flush=True)


if __name__ == "__main__":
    main()
