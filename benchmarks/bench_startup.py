"""How long until the kiosk shows its first frame, against a bare Kivy window? Run: python benchmarks/bench_startup.py

Start-up is what people wait through after a power cut. This spawns fresh
processes, alternately (bare, kiosk, bare, kiosk, …), on one Xvfb screen, so
machine noise hits both alike:

* ``bare``:  an App whose root is an empty Widget, in a 1920×1080 window;
* ``kiosk``: the real command path, ``kiosk.cli.main(["--windowed", "--size",
  "1920x1080", "--data", DIR, "--demo"])``, as ``./dev.sh run`` starts it. The
  first (warm-up) round creates the demo Trivselsdialog; every measured round
  then reopens it, as a restart in the middle of a workshop does, and draws the
  workshop screen.

Each child gets the same small wrapper (this file with ``--child``): once the
event loop has started (the app is built and its ``on_start`` has run), it waits
for the window's first ``on_flip`` and then for the next clock tick (the frame
is on screen), prints the time and stops the app. Start-up = that time minus
the moment just before the parent spawned the process (CLOCK_MONOTONIC, which
all processes share). Both kinds keep their Kivy home between rounds, so
Kivy's first-run set-up is in neither; one warm-up round of each is dropped.

Both kinds run as installed code does: from bytecode. pip compiles an installed
package's modules (Kivy's, the kiosk's in deploy/), and a checkout's are cached on
the first run, so PYTHONDONTWRITEBYTECODE (set in some shells and CI images) is
removed from the children's environment: the warm-up round then writes the
kiosk's ``__pycache__`` (git-ignored), and no measured round compiles the kiosk's
~30 modules from source, which Kivy's, already compiled, never were.

Target: kiosk median <= 1.3x the bare window's median. Results also go to
benchmarks/results/startup.json. ``--fresh`` gives the kiosk a new data folder
every round (it then creates the demo session each time).
"""

import time

_T_MAIN = time.monotonic()  # before anything else: the child's interpreter is up

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZE = "1920x1080"
TARGET = 1.3


# -- the children ---------------------------------------------------------------------------------


def _say(tag: str, t: float) -> None:
    sys.stdout.write(f"BENCH {tag} {t:.6f}\n")
    sys.stdout.flush()


def _hook_first_frame() -> None:
    """After the event loop starts, report the first frame that reaches the screen, then stop."""
    from kivy.app import App
    from kivy.base import EventLoop
    from kivy.clock import Clock

    def reported(_dt):
        _say("frame", time.monotonic())
        shot = os.environ.get("BENCH_SHOT")
        if shot:
            EventLoop.window.screenshot(name=shot)
        app = App.get_running_app()
        if app is not None:
            app.stop()
        else:
            EventLoop.close()

    def first_flip(window, *_):
        window.unbind(on_flip=first_flip)
        Clock.schedule_once(reported, 0)  # runs in the next tick, after this flip's buffer swap

    def loop_started(*_):
        _say("loop", time.monotonic())
        EventLoop.window.bind(on_flip=first_flip)

    EventLoop.bind(on_start=loop_started)


def child_bare(home: str) -> int:
    os.environ["KIVY_HOME"] = home
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_NO_CONSOLELOG"] = "1"
    from kivy.config import Config

    w, h = SIZE.split("x")
    Config.set("graphics", "fullscreen", "0")
    Config.set("graphics", "width", w)
    Config.set("graphics", "height", h)
    Config.set("graphics", "position", "custom")
    Config.set("graphics", "left", "0")
    Config.set("graphics", "top", "0")
    _hook_first_frame()
    from kivy.app import App
    from kivy.uix.widget import Widget

    class Bare(App):
        def build(self):
            return Widget()

    Bare().run()
    return 0


def child_kiosk(argv: list[str]) -> int:
    sys.path.insert(0, ROOT)  # runs from a checkout, without installing
    from kiosk import cli

    configure = cli.configure_kivy

    def configure_then_hook(args, data_dir):
        configure(args, data_dir)  # Kivy's config is set: importing kivy.base is now safe
        _hook_first_frame()

    cli.configure_kivy = configure_then_hook
    return cli.main(argv)


# -- the parent -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def spawn(kind: str, work: str, env: dict, fresh: bool, n: int, shot: str | None = None) -> dict:
    me = os.path.abspath(__file__)
    if kind == "bare":
        cmd = [sys.executable, me, "--child", "bare", "--home", os.path.join(work, "bare-kivy")]
    else:
        data = os.path.join(work, "kiosk-data")
        if fresh and n > 0:
            data = os.path.join(work, f"kiosk-data-{n}")
            # Kivy's own first-run set-up (config.ini, icons) is not the kiosk's start-up.
            shutil.copytree(os.path.join(work, "kiosk-data", "kivy"), os.path.join(data, "kivy"),
                            ignore=shutil.ignore_patterns("logs"))
        cmd = [sys.executable, me, "--child", "kiosk", "--",
               "--windowed", "--size", SIZE, "--data", data, "--demo"]
    child_env = dict(env)
    if shot:
        child_env["BENCH_SHOT"] = shot
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=work, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    marks = {}
    for line in proc.stdout:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "BENCH":
            marks[parts[1]] = float(parts[2])
            if parts[1] == "frame":
                break
    wall = time.monotonic() - t0
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    if "frame" not in marks:
        raise RuntimeError(f"{kind} child showed no frame (exit {proc.returncode}):\n{err[-3000:]}")
    return {"startup_ms": (marks["frame"] - t0) * 1000, "wall_ms": wall * 1000,
            "interpreter_ms": (marks["main"] - t0) * 1000, "to_loop_ms": (marks["loop"] - t0) * 1000}


def summary(samples: list[dict]) -> dict:
    out = {}
    for key in ("startup_ms", "interpreter_ms", "to_loop_ms", "wall_ms"):
        values = [s[key] for s in samples]
        out[key] = {"median": round(statistics.median(values), 1), "p95": round(percentile(values, 0.95), 1),
                    "min": round(min(values), 1), "max": round(max(values), 1)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="measured rounds (each: one bare, one kiosk)")
    parser.add_argument("--fresh", action="store_true", help="a new kiosk data folder every round")
    parser.add_argument("--shots", default=None, help="save each kind's first frame (warm-up round) here")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "startup.json"))
    parser.add_argument("--child", choices=["bare", "kiosk"], help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        _say("main", _T_MAIN)
        return child_bare(args.home) if args.child == "bare" else child_kiosk(args.rest)

    sys.path.insert(0, ROOT)
    sys.path.insert(0, os.path.join(ROOT, "tests"))  # the real-window driver, tests/kiosk_testing.py
    import kiosk_testing as testing

    xvfb = testing.virtual_display(1920, 1080)
    env = dict(os.environ, SDL_AUDIODRIVER=os.environ.get("SDL_AUDIODRIVER", "dummy"))
    env.pop("KIVY_HOME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: from bytecode (see the docstring)
    work = tempfile.mkdtemp(prefix="bench-startup-")
    samples: dict[str, list[dict]] = {"bare": [], "kiosk": []}
    try:
        for n in range(args.rounds + 1):  # round 0 warms up (Kivy home, demo session, disk cache)
            for kind in ("bare", "kiosk"):
                shot = os.path.join(os.path.abspath(args.shots), f"first-frame-{kind}.png") \
                    if args.shots and n == 0 else None
                if shot:
                    os.makedirs(os.path.dirname(shot), exist_ok=True)
                result = spawn(kind, work, env, args.fresh, n, shot)
                if n > 0:
                    samples[kind].append(result)
                    print(f"  round {n}: {kind:<5} {result['startup_ms']:7.1f} ms", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)

    stats = {kind: summary(s) for kind, s in samples.items()}
    bare, kiosk = stats["bare"]["startup_ms"], stats["kiosk"]["startup_ms"]
    ratio = kiosk["median"] / bare["median"]
    p95_ratio = kiosk["p95"] / bare["p95"]
    print(f"start-up to first frame, {args.rounds} interleaved rounds, {SIZE} window under Xvfb"
          + (" (fresh kiosk data each round)" if args.fresh else ""))
    print(f"{'':<7} {'median ms':>10} {'p95 ms':>9} {'min':>8} {'max':>8}   (interpreter up / event loop started, median ms)")
    for kind in ("bare", "kiosk"):
        s = stats[kind]
        print(f"{kind:<7} {s['startup_ms']['median']:>10.1f} {s['startup_ms']['p95']:>9.1f} "
              f"{s['startup_ms']['min']:>8.1f} {s['startup_ms']['max']:>8.1f}   "
              f"({s['interpreter_ms']['median']:.0f} / {s['to_loop_ms']['median']:.0f})")
    verdict = "OK" if ratio <= TARGET else "OVER TARGET"
    print(f"kiosk / bare: median {ratio:.2f}x, p95 {p95_ratio:.2f}x (target <= {TARGET}x): {verdict}")

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump({"benchmark": "start-up to first frame", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
                   "window": SIZE, "display": "Xvfb", "rounds": args.rounds, "fresh_kiosk_data": args.fresh,
                   "from_bytecode": True,
                   "kiosk_command": ["kiosk", "--windowed", "--size", SIZE, "--data", "<tmp>", "--demo"],
                   "stats": stats, "samples_ms": {k: [round(s["startup_ms"], 1) for s in v] for k, v in samples.items()},
                   "median_ratio": round(ratio, 3), "p95_ratio": round(p95_ratio, 3), "target_ratio": TARGET,
                   "ok": ratio <= TARGET}, fh, indent=2)
    print(f"written to {os.path.relpath(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
