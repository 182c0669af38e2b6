"""Frame time while one note is dragged across the kiosk's group step: 300 notes against 30.

Run: python benchmarks/bench_wall.py [--size 1920x1080]
Each frame is timed around Kivy's EventLoop.idle(), which draws and swaps the
buffer (Mesa llvmpipe under Xvfb here). The 30- and 300-note rounds alternate in
one process, so machine noise hits both alike. Prints p50/p95/max per wall and
the ratio of p95s (target ≤ 1.5×), and memory per note; writes
benchmarks/results/wall.json.
"""

from __future__ import annotations

import argparse
import json
import random
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the real-window driver, tests/kiosk_testing.py

WORDS = ("travlhed vagtplan kollegaer møder ledelse opgaver tid borgere fravær hjælp "
         "information kaffestue samarbejde forandring trivsel ro overblik").split()


def current_rss_kb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") / 1024)


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--steps", type=int, default=60)
    args = ap.parse_args()
    W, H = (int(v) for v in args.size.split("x"))

    import kiosk_testing as testing

    testing.virtual_display(W, H)
    testing.prepare_kivy(W, H)
    import tempfile

    from kivy.base import EventLoop

    from kiosk.clock import FakeClock
    from kiosk.core.loader import load_method
    from kiosk.core.wall import Wall
    from kiosk.core.workshop import Workshop
    from kiosk.store import Store

    method = load_method(ROOT / "methods" / "trivselsdialog.toml")
    group_step = method.step_index("gruppering")

    def boot(n: int):
        """The real kiosk on the group step of a session whose wall holds n notes."""
        data = Path(tempfile.mkdtemp(prefix=f"bench-wall-{n}-"))
        clock = FakeClock(1_800_000_000)
        with Store(data) as store:
            ws = Workshop.start(store, clock, method, "Benchmark")
            wall = Wall(store, ws.session.id, clock)
            rng = random.Random(n)
            with store.batch(ws.session.id):
                for i in range(n):
                    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
                    wall.add_note("godt" if i % 2 else "mindre-godt", text, step="refleksion")
            ws.go_to(group_step)
        return testing.Driver(data, clock=clock, lang="da")

    def frame() -> float:
        t = time.perf_counter()
        EventLoop.idle()
        return time.perf_counter() - t

    def drag_round(n: int) -> list[float]:
        k = boot(n)
        try:
            board = k.find("activity").children[0].ids.board
            assert len(board.cards) == n, (len(board.cards), n)
            for _ in range(3):
                frame()
            rss[n].append(current_rss_kb())
            key = board.order[0]
            start = k.card_centre(board, key)
            end = (board.x + board.width * 0.9, board.y + board.height * 0.2)
            touch = k.touch(*start)
            touch.touch_down()
            times = [frame()]
            for i in range(1, args.steps + 1):
                f = i / args.steps
                touch.touch_move(start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f)
                times.append(frame())
            touch.touch_up()
            times.append(frame())
            return times
        finally:
            k.close()

    results = {30: [], 300: []}
    rss = {30: [], 300: []}
    for _ in range(args.rounds):
        for n in (30, 300):
            results[n] += drag_round(n)
    summary = {}
    for n, times in results.items():
        ms = [t * 1000 for t in times]
        summary[n] = {"frames": len(ms), "p50_ms": round(statistics.median(ms), 2),
                      "p95_ms": round(p(ms, 0.95), 2), "max_ms": round(max(ms), 2)}
    ratio = summary[300]["p95_ms"] / summary[30]["p95_ms"]
    # Memory per note: resident size with the 300-note wall on screen minus the 30-note
    # wall's, over the 270 extra notes (medians over the rounds; text textures included).
    per_note_kb = max(0.0, statistics.median(rss[300]) - statistics.median(rss[30])) / 270
    report = {"size": args.size, "walls": summary, "p95_ratio_300_vs_30": round(ratio, 2),
              "target": 1.5, "rss_kb_per_extra_note": round(per_note_kb, 1)}
    print(f"wall drag at {args.size}: 30 notes p50 {summary[30]['p50_ms']} ms p95 {summary[30]['p95_ms']} ms · "
          f"300 notes p50 {summary[300]['p50_ms']} ms p95 {summary[300]['p95_ms']} ms · "
          f"p95 ratio {ratio:.2f}× (target ≤ 1.5×) · ~{per_note_kb:.1f} KB RSS per extra note")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"wall-{args.size}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
