"""Run every benchmark in benchmarks/ and print their summaries. Run: python benchmarks/run.py

Each ``bench_*.py`` runs as its own process (``python benchmarks/bench_x.py``),
one after the other so they do not slow each other down, and prints its own
summary; each also writes its JSON to benchmarks/results/. The ratios, not the
absolute times, are what to read: they are measured within one run.

    python benchmarks/run.py                 # all of them
    python benchmarks/run.py startup         # only those whose name contains "startup"
    python benchmarks/run.py export          # 20 phones fetch the export while the UI draws
    python benchmarks/run.py pads            # 15 phones write and vote through the pad server while a finger moves on the wall
    python benchmarks/run.py writers         # 12 people write 36 notes: one composer against three
    python benchmarks/run.py -v              # also their progress lines (stderr)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def benchmarks(names: list[str]) -> list[str]:
    found = sorted(f for f in os.listdir(HERE) if f.startswith("bench_") and f.endswith(".py"))
    return [f for f in found if not names or any(n in f for n in names)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="run only benchmarks whose file name contains one of these")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each benchmark's stderr as it runs")
    args = parser.parse_args()

    files = benchmarks(args.names)
    if not files:
        print("no benchmarks matched", file=sys.stderr)
        return 2
    results = []
    for name in files:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, os.path.join(HERE, name)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=None if args.verbose else subprocess.PIPE, text=True)
        took = time.perf_counter() - started
        sys.stdout.write(proc.stdout)
        if proc.returncode != 0 and not args.verbose:
            sys.stdout.write(proc.stderr[-4000:])
        # Each benchmark states its own target; this only repeats a miss it printed.
        verdict = "OVER TARGET" if "OVER TARGET" in proc.stdout else "done"
        if proc.returncode != 0:
            verdict = f"FAILED (exit {proc.returncode})"
        results.append((name, verdict, took))
        print(flush=True)
    print("== summary")
    for name, verdict, took in results:
        print(f"{name:<24} {verdict:<20} {took:6.1f} s")
    return 1 if any(v.startswith("FAILED") for _, v, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
