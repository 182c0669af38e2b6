"""How much does a year of history slow down one tap? Run: python benchmarks/bench_store.py

A tap that changes data is written (temporary file, fsync, rename, fsync of the
folder) before the screen shows it, so its latency is what people feel. The
store keeps one file per session precisely so that this cost does not grow with
months of history. This measures p50/p95 of typical tap-writes on

* ``empty``:     a fresh store holding one fresh session;
* ``year/new``:  the same fresh session in a store holding a year of data
                 (50 sessions x 300 notes, 200 actions x 10 status changes);
* ``year/old``:  one of that year's full sessions (a statuspil tap weeks later);
* ``no-backup``: like ``empty`` but keeping no backups at all (``backups=0``), so
                 ``empty`` against it is what the backups cost: the ``.bak0``
                 hard link of the previous version at every write, and the
                 rotation of ``.bak1`` … at most once a minute.

Scenarios run in the same process in interleaved, shuffled rounds so machine
noise hits all of them alike; the ratios against ``empty`` are what to read
(target: year/new <= 2x). Results also go to benchmarks/results/store.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # runs from a checkout, without installing

from kiosk.store import Store  # noqa: E402

SESSIONS, NOTES, ACTIONS, CHANGES = 50, 300, 200, 10
STAGES = ["aftalt", "sat i gang", "undervejs", "fulgt op", "i mål"]


def note(i: int) -> dict:
    """A post-it with every facet the steps give it (sort, cluster, votes, matrix …)."""
    return {"text": f"Vi savner tid til faglig sparring og fælles pauser ({i})", "kind": "yellow",
            "author": None, "created_at": 1_800_000_000.0 + i, "revealed": True,
            "column": "change" if i % 3 else "keep", "cluster": i % 12, "rank": i,
            "votes": i % 4, "matrix": {"x": (i % 10) / 10, "y": (i % 7) / 7}}


def session_doc(sid: str, created: float) -> dict:
    """Roughly what core.Session.to_dict() stores: the method snapshot and the timers."""
    steps = [{"id": f"step{k}", "title": f"Trin {k}", "activity": "write", "minutes": 10,
              "prompts": ["Hvad fungerer godt?", "Hvad fungerer mindre godt?"]} for k in range(6)]
    return {"id": sid, "team": "Hjemmeplejen Nord", "created_at": created,
            "method_id": "trivselsdialog", "method_title": "Trivselsdialog",
            "method": {"id": "trivselsdialog", "steps": steps}, "step_index": 1,
            "timers": {s["id"]: {"started_at": None, "pauses": [], "extra": 0} for s in steps},
            "status": "running", "lang": "da"}


def fresh_session(store: Store, sid: str) -> dict:
    """The session a workshop is running now: 20 notes written so far."""
    doc = session_doc(sid, time.time())
    with store.batch(sid):
        store.save_session(doc)
        for i in range(20):
            store.insert(sid, "notes", note(i))
    return doc


def year_of_data(store: Store) -> None:
    """50 finished sessions of 300 notes; 200 actions, each moved 10 times, spread over them."""
    per_session = ACTIONS // SESSIONS
    for s in range(SESSIONS):
        sid = f"old{s:02d}"
        with store.batch(sid):  # one write per session keeps the set-up fast
            store.save_session({**session_doc(sid, 1_770_000_000.0 + s * 86400), "status": "finished"})
            for i in range(NOTES):
                store.insert(sid, "notes", note(i))
            for a in range(per_session):
                aid = store.insert(sid, "actions", {
                    "title": f"Indfør fast sparringsmøde hver anden uge ({a})", "owner": "Trio",
                    "follow_up": "2027-03-01", "stage": STAGES[0], "history": [],
                    "iglo": {"individ": "", "gruppe": "Vi afsætter tid", "leder": "Booker lokale",
                             "organisation": ""}})
                for c in range(CHANGES):
                    stage = STAGES[(c + 1) % len(STAGES)]
                    current = store.get(sid, "actions", aid)
                    store.update(sid, "actions", aid, {
                        "stage": stage, "history": current["history"] + [{"stage": stage, "at": c}]})
                    store.insert(sid, "log", {"action": aid, "stage": stage, "at": c})


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--taps", type=int, default=20, help="taps per scenario and operation per round")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "store.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        t0 = time.perf_counter()
        empty = Store(os.path.join(tmp, "empty"))
        bare = Store(os.path.join(tmp, "no-backup"), backups=0)
        full = Store(os.path.join(tmp, "year"))
        year_of_data(full)
        setup_s = time.perf_counter() - t0
        full.close()
        t0 = time.perf_counter()
        full = Store(os.path.join(tmp, "year"))
        full.list_sessions()
        open_full_ms = (time.perf_counter() - t0) * 1000

        targets = {  # scenario -> (store, session id, its document)
            "empty": (empty, "now", fresh_session(empty, "now")),
            "year/new": (full, "now", fresh_session(full, "now")),
            "year/old": (full, "old07", full.load_session("old07")),
            "no-backup": (bare, "now", fresh_session(bare, "now")),
        }
        old_action = full.all("old07", "actions")[0]["doc_id"]
        size_kb = {name: os.path.getsize(os.path.join(store.sessions_dir, f"{sid}.json")) / 1024
                   for name, (store, sid, _) in targets.items()}

        def note_update(store, sid, doc, k):
            store.update(sid, "notes", 1 + k % 20, {"matrix": {"x": k % 100 / 100, "y": 0.5}})

        def timer_save(store, sid, doc, k):
            doc["timers"]["step1"] = {"started_at": 1_800_000_000.0, "pauses": [[k, k + 1.0]], "extra": k}
            store.save_session(doc)

        def statuspil(store, sid, doc, k):
            store.update(sid, "actions", old_action, {"stage": STAGES[k % len(STAGES)], "moved_at": k})

        ops = {"note update": note_update, "timer save": timer_save}
        samples: dict[tuple[str, str], list[float]] = {(s, o): [] for s in targets for o in ops}
        samples[("year/old", "statuspil tap")] = []
        rng = random.Random(7)
        k = 0
        for _ in range(args.rounds):
            order = list(samples)
            rng.shuffle(order)
            for scenario, op in order:
                store, sid, doc = targets[scenario]
                fn = statuspil if op == "statuspil tap" else ops[op]
                for _ in range(args.taps):
                    k += 1
                    t = time.perf_counter()
                    fn(store, sid, doc, k)
                    samples[(scenario, op)].append((time.perf_counter() - t) * 1000)
        empty.close()
        bare.close()
        full.close()

    rows = []
    for (scenario, op), values in samples.items():
        base = samples.get(("empty", op)) or samples[("empty", "note update")]
        rows.append({"scenario": scenario, "operation": op, "n": len(values),
                     "p50_ms": round(statistics.median(values), 3),
                     "p95_ms": round(percentile(values, 0.95), 3),
                     "p95_ratio_vs_empty": round(percentile(values, 0.95) / percentile(base, 0.95), 2),
                     "p50_ratio_vs_empty": round(statistics.median(values) / statistics.median(base), 2)})
    print(f"year of data: {SESSIONS} sessions x {NOTES} notes, {ACTIONS} actions x {CHANGES} changes "
          f"(set-up {setup_s:.1f} s, open + list {open_full_ms:.1f} ms)")
    print("session file sizes: " + ", ".join(f"{n} {kb:.0f} KiB" for n, kb in size_kb.items()))
    print(f"{'scenario':<10} {'operation':<14} {'p50 ms':>8} {'p95 ms':>8} {'p95 x empty':>12}")
    for r in rows:
        print(f"{r['scenario']:<10} {r['operation']:<14} {r['p50_ms']:>8.3f} {r['p95_ms']:>8.3f} "
              f"{r['p95_ratio_vs_empty']:>11.2f}x")
    worst_new = max(r["p95_ratio_vs_empty"] for r in rows if r["scenario"] == "year/new")
    backup_cost = max(round(statistics.median(samples[("empty", op)]) / statistics.median(samples[("no-backup", op)]), 2)
                      for op in ops)
    print(f"backups (.bak0 at every write, rotation once a minute), worst p50 cost: {backup_cost:.2f}x "
          "a store that keeps none")
    print(f"year/new vs empty, worst p95 ratio: {worst_new:.2f}x (target <= 2x): "
          f"{'OK' if worst_new <= 2 else 'OVER TARGET'}")

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump({"benchmark": "store tap-write latency", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "python": platform.python_version(), "machine": platform.machine(),
                   "rounds": args.rounds, "taps_per_round": args.taps,
                   "year": {"sessions": SESSIONS, "notes_per_session": NOTES, "actions": ACTIONS,
                            "changes_per_action": CHANGES, "setup_s": round(setup_s, 2),
                            "open_and_list_ms": round(open_full_ms, 1)},
                   "session_file_kib": {k: round(v, 1) for k, v in size_kb.items()},
                   "rows": rows, "year_new_worst_p95_ratio": worst_new, "target_ratio": 2.0,
                   "backup_cost_worst_p50_ratio": backup_cost},
                  fh, indent=2, ensure_ascii=False)
    print(f"written to {os.path.relpath(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
