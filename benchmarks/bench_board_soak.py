"""Two weeks of the statuspil board on the wall, squeezed into minutes.

Run: python benchmarks/bench_board_soak.py [--days 14] [--taps 500] [--actions 40]

The real kiosk (``tests/kiosk_testing.py``'s ``Driver``, a real window under Xvfb) shows the board
of ``--actions`` actions in four teams. A FakeClock walks through ``--days`` days in
15-minute steps, each a real tick of the app and one drawn frame. Spread over them,
a finger makes ``--taps`` status changes through the real screen: tap a row, tap
"Move to …" or "Back to …" in its panel, tap the confirm's yes, and for a quarter
of them tap the row's Undo at once (an undo counts as a change). It turns pages,
wakes the dimmed board at night, and twice a day leaves the board for another screen
and comes back (what the idle rule does). A first simulated day with every path
taken is the warm-up; then it reports:

* resident memory growth (/proc/self/statm, after ``gc.collect()``) from the end of
  the warm-up to the end, twice: raw, and after ``malloc_trim(0)``. The raw figure
  is what the kiosk really holds: it includes the C heap glibc keeps for reuse, which
  the kiosk bounds itself (``kiosk.ui.memory``: a fixed mmap threshold, and a trim
  once an hour of the idle board's clock); the trimmed one is only what is still
  allocated, so a leak shows there. Target ≤ 5 MB on both. ``--baseline`` runs with
  the kiosk's own bounding off (KIOSK_MALLOC_TUNING=0), to compare; ``--trace N``
  compares tracemalloc snapshots (Python objects only; slow, and tracemalloc's own
  bookkeeping then inflates both figures);
* the board screen's widget count (``len(list(screen.walk()))``) at start and end,
  and every value seen on the way — target: one value;
* the window's children at start and end (a panel left open would show there).

Writes benchmarks/results/board_soak.json. Not a pytest test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the real-window driver, tests/kiosk_testing.py

THEMES = ["Travlhed om morgenen", "Vagtplanen kommer for sent", "Mere ro til dokumentation",
          "Bedre overblik over ugen", "Faglig sparring hver uge", "Tunge løft uden hjælpemidler",
          "Klare aftaler om ruter", "Pauser der bliver holdt", "Nye kolleger tages godt imod",
          "Færre afbrydelser i telefonen"]
TEAMS = ["Hjemmeplejen Nord", "Køkkenet", "Rengøringen", "Aftenvagten"]
STEP = 900.0
"""Seconds of simulated time per tick of the soak (each tick draws one frame)."""
TARGET_MB = 5.0


def current_rss_kb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") / 1024)


def cache_sizes() -> dict:
    """Entries in Kivy's caches and in our own texture caches (for --trace)."""
    from kivy.cache import Cache

    sizes = {f"Cache {name}": len(objs) for name, objs in Cache._objects.items()}
    try:
        from kiosk.ui.widgets.stage_arrow import StageArrow
        sizes["StageArrow._textures"] = len(StageArrow._textures)
    except ImportError:
        pass
    from kiosk.ui.widgets import board
    sizes["board._fitted"] = len(board._fitted)
    return sizes


def report_trace(before, after, caches0: dict, caches1: dict, top: int) -> None:
    """Print what grew between two tracemalloc snapshots, by line and by traceback."""
    import tracemalloc

    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    before, after = before.filter_traces(ignore), after.filter_traces(ignore)
    stats = after.compare_to(before, "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"tracemalloc: Python allocations grew {total / 1024:+.1f} KiB in all; biggest by line:")
    for s in stats[:top]:
        print(f"  {s.size_diff / 1024:+9.1f} KiB {s.count_diff:+7d} blocks  {s.traceback[0]}")
    for s in after.compare_to(before, "traceback")[:3]:
        print(f"  {s.size_diff / 1024:+9.1f} KiB from:")
        for line in s.traceback.format()[-12:]:
            print("     " + line)
    print("caches (entries, warm-up end → end):")
    for name in sorted(set(caches0) | set(caches1)):
        print(f"  {name}: {caches0.get(name, 0)} → {caches1.get(name, 0)}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=float, default=14)
    ap.add_argument("--taps", type=int, default=500)
    ap.add_argument("--actions", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--baseline", action="store_true",
                    help="the kiosk's own memory bounding off (KIOSK_MALLOC_TUNING=0), to compare")
    ap.add_argument("--out", default="board_soak.json", help="file name under benchmarks/results/")
    ap.add_argument("--trace", type=int, default=0, metavar="N",
                    help="compare tracemalloc snapshots (warm-up end → end) and print the N "
                         "biggest growths, with Kivy's cache sizes (slower; for finding a leak)")
    args = ap.parse_args()
    if args.baseline:
        os.environ["KIOSK_MALLOC_TUNING"] = "0"

    import kiosk_testing as testing

    testing.virtual_display(1920, 1080)
    testing.prepare_kivy(1920, 1080)

    from kiosk.core.activities.actions import ActionPlan, local_date
    from kiosk.clock import FakeClock
    from kiosk.core.workshop import Workshop
    from kiosk.ui import app as app_module

    app_module.SCREENS.setdefault("board", "board_screen")
    data = Path(tempfile.mkdtemp(prefix="bench-board-")) / "data"
    clock = FakeClock(1_800_000_000.0)
    k = testing.Driver(data, clock=clock, lang="da")
    app = k.app
    method = app.method_by_id("trivselsdialog")
    per = -(-args.actions // len(TEAMS))
    today = local_date(clock.now())
    for t, team in enumerate(TEAMS):
        ws = Workshop.start(app.store, clock, method, team, lang="da")
        plan = ActionPlan(app.store, ws.session.id, clock)
        with app.store.batch(ws.session.id):
            for i in range(min(per, args.actions - t * per)):
                a = plan.add(None, f"{THEMES[i % len(THEMES)]} ({team})")
                plan.set_owner(a.id, ["Mette", "Jonas", "Aisha", "Lars"][i % 4])
                plan.set_follow_up(a.id, (today + timedelta(days=3 + i % 20)).isoformat())
    app.show("board")
    k.frames(3)
    screen = k.screen()
    rng = random.Random(args.seed)
    counts = {"forward": 0, "back": 0, "undo": 0, "refused": 0, "pages": 0, "wakes": 0,
              "idle_returns": 0, "ticks": 0}

    def tap(widget):
        k.tap(widget, frames=1)

    def tick(seconds):
        clock.advance(seconds)
        app._tick(0)
        k.frames(1)

    def refused() -> bool:
        if app.notice_kind == "error" and app.notice:
            counts["refused"] += 1
            app.dismiss_notice()
            return True
        return False

    def wake():
        if screen.dimmed:
            tap(screen.ids.dim)
            counts["wakes"] += 1

    def status_tap() -> int:
        """One status change through the screen: a row, "Move to …" or "Back to …",
        the confirm's yes; a quarter of them taken back at once with the row's Undo.
        Returns the status changes made (0, 1 or 2)."""
        wake()
        if screen.pages > 1 and rng.random() < 0.3:
            button = k.find("next" if screen.page < screen.pages - 1 and rng.random() < 0.7 else "prev")
            if not button.disabled:
                tap(button)
                counts["pages"] += 1
        rows = [r for r in screen.rows if r.arrow is not None and not r.arrow.action.parked]
        if not rows:
            screen.turn(-screen.page)
            return 0
        row = rng.choice(rows)
        key = row.arrow.action.key
        tap(row)
        panel = screen._panel
        shown = {n for n, b in panel.buttons.items() if b.parent is not None}
        choice = "forward" if "forward" in shown and ("back" not in shown or rng.random() < 0.65) else "back"
        if choice not in shown:
            tap(panel.ids.close)
            return 0
        tap(panel.buttons[choice])
        tap(app.confirm_view.ids.yes)
        if refused():
            return 0
        counts[choice] += 1
        row = screen.row_for(*key)
        if row is None or not row.ids.undo.live or rng.random() >= 0.25:
            return 1
        tap(row.ids.undo)
        if refused():
            return 1
        counts["undo"] += 1
        return 2

    def idle_return():
        """Another screen, then the board again (what the idle rule will do)."""
        app.show("picker")
        k.frames(1)
        app.show("board")
        k.frames(1)
        counts["idle_returns"] += 1

    def walk_count() -> int:
        return len(list(screen.walk()))

    def rss_now(trim: bool = True) -> tuple[float, float]:
        """(resident KB, resident KB after malloc_trim): the first counts the memory
        glibc keeps for reuse in its per-thread arenas (Mesa's llvmpipe runs many
        threads), the second only what is still held."""
        for _ in range(3):
            gc.collect()
        k.frames(2)
        raw = current_rss_kb()
        if libc is None or not trim:
            return raw, raw
        libc.malloc_trim(0)
        return raw, current_rss_kb()

    def day(taps_today: int, made: int) -> int:
        """One simulated day in STEP ticks, ``taps_today`` status changes spread over it,
        an idle return twice a day."""
        steps = int(86_400 / STEP)
        for step in range(steps):
            tick(STEP)
            counts["ticks"] += 1
            due = made + round(taps_today * (step + 1) / steps)
            while counts["changes"] < due:
                counts["changes"] += status_tap()
            if step % (steps // 2) == steps // 2 - 1:
                idle_return()
            if step % 24 == 0:
                widgets_seen.add(walk_count())
        return counts["changes"]

    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        libc = None
    counts["changes"] = 0
    widgets_seen: set[int] = set()

    # -- warm-up: one simulated day, every path taken ----------------------------------
    day(36, 0)
    tap(k.find("team"))
    screen.team_picker.dismiss()
    tap(k.find("archive"))
    tap(k.find("archive"))
    warm_changes = counts["changes"]
    if args.trace:
        import tracemalloc
        tracemalloc.start(12)
        snap0 = tracemalloc.take_snapshot()
        caches0 = cache_sizes()
    raw0, trim0 = rss_now()
    warm = {"widgets": walk_count(), "window_children": len(k.window.children)}
    widgets_seen = {warm["widgets"]}

    # -- the soak -----------------------------------------------------------------------
    started = time.perf_counter()
    rss_by_day = []
    whole = int(args.days)
    for d in range(whole):
        goal = warm_changes + round(args.taps * (d + 1) / whole)
        day(goal - counts["changes"], counts["changes"])
        raw, _ = rss_now(trim=False)  # trimming daily would hide the raw figure's swings
        rss_by_day.append(round((raw - raw0) / 1024, 2))
    while counts["changes"] - warm_changes < args.taps:  # refusals: make up the count
        counts["changes"] += status_tap()
        tick(60)
    took = time.perf_counter() - started
    raw1, trim1 = rss_now()
    if args.trace:
        report_trace(snap0, tracemalloc.take_snapshot(), caches0, cache_sizes(), args.trace)
    end = {"widgets": walk_count(), "window_children": len(k.window.children)}
    done = counts["changes"] - warm_changes
    growth_raw = (raw1 - raw0) / 1024
    growth = (trim1 - trim0) / 1024 if libc is not None else growth_raw
    flat = end["widgets"] == warm["widgets"] and widgets_seen == {warm["widgets"]}
    result = {
        "days": whole, "status_changes": done, "warmup_changes": warm_changes, "actions": args.actions,
        "counts": counts, "seconds": round(took, 1),
        "rss_warm_mb": round(raw0 / 1024, 1), "rss_end_mb": round(raw1 / 1024, 1),
        "rss_growth_mb": round(growth_raw, 2),
        "rss_trimmed_warm_mb": round(trim0 / 1024, 1), "rss_trimmed_end_mb": round(trim1 / 1024, 1),
        "rss_trimmed_growth_mb": round(growth, 2), "target_growth_mb": TARGET_MB,
        "kiosk_memory_bounding": not args.baseline,
        "raw_growth_by_day_mb": rss_by_day,
        "widgets_start": warm["widgets"], "widgets_end": end["widgets"],
        "widget_counts_seen": sorted(widgets_seen), "widgets_flat": flat,
        "window_children_start": warm["window_children"], "window_children_end": end["window_children"],
        "history_records": sum(len(a.action.history) for a in screen.board().open_actions()),
    }
    out = ROOT / "benchmarks" / "results" / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    k.close()
    verdict = "ok" if growth_raw <= TARGET_MB and growth <= TARGET_MB and flat else "OVER TARGET"
    print(f"board soak{' (baseline: no memory bounding)' if args.baseline else ''}: {whole} days, {done} status changes ({counts['forward']} forward, "
          f"{counts['back']} back, {counts['undo']} undo, {counts['refused']} refused; warm-up day "
          f"{warm_changes} more), {counts['idle_returns']} idle returns, {counts['wakes']} night wakes, "
          f"{counts['pages']} page turns, {took:.0f} s")
    print(f"resident memory after the warm-up day {result['rss_warm_mb']} MB, at the end "
          f"{result['rss_end_mb']} MB: growth {growth_raw:+.2f} MB raw; after malloc_trim "
          f"{result['rss_trimmed_warm_mb']} → {result['rss_trimmed_end_mb']} MB: "
          f"{growth:+.2f} MB (target ≤ {TARGET_MB:g} MB on both)")
    print(f"raw growth by simulated day, MB: {rss_by_day}")
    print(f"board widgets at start {warm['widgets']}, at end {end['widgets']} "
          f"(seen {sorted(widgets_seen)}); window children {warm['window_children']} → "
          f"{end['window_children']}  [{verdict}]")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
