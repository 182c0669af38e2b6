"""Frame time while one note is dragged across a wall of 300 notes, against 30.

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
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("travlhed vagtplan kollegaer møder ledelse opgaver tid borgere fravær hjælp "
         "information kaffestue samarbejde forandring trivsel ro overblik").split()


def cards(n: int, w: float, h: float, s: float):
    from kiosk.ui import theme
    from kiosk.ui.board import Card

    rng = random.Random(n)
    cw, ch = 230 * s, 150 * s
    out = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
        x, y = rng.uniform(0, w - cw), rng.uniform(0, h - ch)
        colour = theme.NOTE_YELLOW if i % 5 else theme.NOTE_PINK
        out.append(Card(key=f"n{i}", text=text, rect=(x, y, cw, ch), colour=colour, mark="+" if i % 2 else "−"))
    return out


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

    from kiosk import testing

    testing.virtual_display(W, H)
    testing.prepare_kivy(W, H)
    from kivy.base import EventLoop
    from kivy.tests.common import UnitTestTouch

    from kiosk.ui.board import NoteBoard
    from kiosk.ui.widgets import register_fonts

    register_fonts()
    EventLoop.ensure_window()
    win = EventLoop.window
    s = H / 1080
    board = NoteBoard(size=(W, H), pos=(0, 0), scale=s)
    win.add_widget(board)
    if EventLoop.status != "started":
        EventLoop.start()

    def frame() -> float:
        t = time.perf_counter()
        EventLoop.idle()
        return time.perf_counter() - t

    def drag_round(n: int) -> list[float]:
        board.set_cards(cards(n, W, H, s))
        for _ in range(3):
            frame()
        target = board.cards["n0"]
        x, y, w, h = target.rect
        board.order.remove("n0")          # the dragged note on top
        board.order.append("n0")
        board.redraw()
        frame()
        start = (x + w / 2, y + h / 2)
        touch = UnitTestTouch(*start)
        touch.touch_down()
        times = [frame()]
        for i in range(1, args.steps + 1):
            f = i / args.steps
            touch.touch_move(start[0] + (W * 0.8 - start[0]) * f, start[1] + (H * 0.5 - start[1]) * f)
            times.append(frame())
        touch.touch_up()
        times.append(frame())
        return times

    results = {30: [], 300: []}
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(args.rounds):
        for n in (30, 300):
            results[n] += drag_round(n)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = {}
    for n, times in results.items():
        ms = [t * 1000 for t in times]
        summary[n] = {"frames": len(ms), "p50_ms": round(statistics.median(ms), 2),
                      "p95_ms": round(p(ms, 0.95), 2), "max_ms": round(max(ms), 2)}
    ratio = summary[300]["p95_ms"] / summary[30]["p95_ms"]
    # Memory per note: peak RSS growth spread over the 270 extra notes' textures (rough).
    per_note_kb = max(0, rss1 - rss0) / 270
    report = {"size": args.size, "walls": summary, "p95_ratio_300_vs_30": round(ratio, 2),
              "target": 1.5, "peak_rss_growth_kb_per_extra_note": round(per_note_kb, 1)}
    print(f"wall drag at {args.size}: 30 notes p50 {summary[30]['p50_ms']} ms p95 {summary[30]['p95_ms']} ms · "
          f"300 notes p50 {summary[300]['p50_ms']} ms p95 {summary[300]['p95_ms']} ms · "
          f"p95 ratio {ratio:.2f}× (target ≤ 1.5×) · ~{per_note_kb:.1f} KB RSS per extra note")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"wall-{args.size}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
