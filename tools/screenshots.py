"""Screenshots of every screen of the kiosk, at 1920×1080 and 3840×2160.

    python tools/screenshots.py [--out screenshots] [--sizes 1920x1080,3840x2160]

Each size runs in its own process (a Kivy window's size is fixed per process):
the parent starts ``tools/screenshots.py --child --size WxH --out DIR`` once per
size; the child boots the real KioskApp under its own Xvfb through
``tests/kiosk_testing.py``'s ``Driver``, walks the screens with real taps (the team name is
typed on the on-screen keyboard), and writes ``DIR/WxH/NN-name.png``. Time comes
from a FakeClock and the time zone is fixed, so every run draws the same thing.

``--quick`` shoots only a few screens (home, team with a typed name, a running
workshop): that is what tests/test_tools.py runs. ``--board`` shoots the statuspil
tour instead: the board with 5, 40 and 120 actions, an action's panel, the action
form, a two-meeting session's boundary (end picker, waiting board, home's Continue,
meeting 2) and the in-workshop statuspil step. The files written are printed,
one a line.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # runs from a checkout, without installing
sys.path.insert(0, str(ROOT / "tests"))  # the real-window driver, tests/kiosk_testing.py

SIZES = ["1920x1080", "3840x2160"]
START = 1_800_000_000.0  # 2027-01-15 09:00 in Copenhagen
TEAM = "Hjemmeplejen Ærø, Sø & Å"  # typed on the on-screen keyboard: capitals, æøå, punctuation
TZ = "Europe/Copenhagen"


WALL_NOTES = [
    "Vi hjælper hinanden på tværs af vagter", "Travlt om morgenen før turene", "God stemning i teamet",
    "For mange møder midt på dagen", "Nye kolleger bliver taget godt imod", "Svært at nå pauser",
    "Vi griner meget sammen", "Vagtplanen kommer for sent", "Lederen er let at få fat i",
    "Uklare beskeder om ændringer", "Faglig sparring i frokosten", "For lidt tid til dokumentation",
    "Fleksibilitet med fridage", "Mange afbrydelser i telefonen", "Borgerne er glade for os",
    "Bilerne er ofte i stykker", "Gode kurser i år", "Støj i fælleskontoret",
    "Vi deler viden på tavlemødet", "Sygefravær giver ekstra vagter", "Ros fra pårørende",
    "Usikkerhed om nye opgaver", "Kaffestuen er hyggelig", "Svært at sige fra",
    "Klare aftaler om ruter", "IT-systemet er langsomt", "Vi bakker hinanden op",
    "For lidt tid til nye borgere", "Sjove personalearrangementer", "Uenighed om prioriteringer",
    "Tryghed i at spørge om hjælp", "Mangler overblik over ugen", "Godt samarbejde med sygeplejen",
    "Ingen tid til refleksion", "Fri til at tilrettelægge dagen", "Tunge løft uden hjælpemidler",
]
TRIO_NOTES = ["Sygefraværet er steget siden sidste år", "Mange oplever travlhed", "Høj trivsel i samarbejdet"]


def parse_size(text: str) -> tuple[int, int]:
    w, h = (int(x) for x in text.lower().split("x"))
    return w, h


# -- the child: one window size, every screen --------------------------------------------------


class Shooter:
    """Walks the screens in one process and names the files."""

    def __init__(self, out: Path, size: str, lang: str, scratch: Path):
        self.out = out / size
        self.lang = lang
        self.scratch = scratch
        self.n = 0
        self.written: list[Path] = []
        self.problems: list[str] = []
        self.driver = None
        self.clock = None

    # -- plumbing ----------------------------------------------------------------

    def open(self, data_dir: Path, lang: str | None = None):
        from kiosk.clock import FakeClock
        from kiosk_testing import Driver

        self.close()
        self.clock = FakeClock(START)
        self.driver = Driver(data_dir, clock=self.clock, lang=lang or self.lang)
        return self.driver

    def close(self):
        if self.driver is not None:
            self.driver.close()
            self.driver = None

    def data(self, name: str) -> Path:
        return self.scratch / name

    def shot(self, name: str, expect_screen: str | None = None) -> Path:
        d = self.driver
        if expect_screen and d.app.sm.current != expect_screen:
            self.problems.append(f"{name}: expected screen {expect_screen!r}, the app shows {d.app.sm.current!r}")
        self.n += 1
        path = d.screenshot(self.out / f"{self.n:02d}-{name}.png")
        self.written.append(path)
        return path

    def tap(self, target):
        self.driver.tap(target)

    # -- the way through the app, as a facilitator goes ----------------------------

    def pick_method(self, method_id: str = "trivselsdialog"):
        self.driver.pick_method(method_id)

    def type_team(self, text: str):
        d = self.driver
        d.type(d.find("keyboard"), text)

    def start_workshop(self, team: str = TEAM):
        self.tap("start")           # home: Start a workshop
        self.pick_method()          # picker
        self.type_team(team)        # team, on the on-screen keyboard
        self.tap("start")           # team: Start

    def steps_until(self, step_id: str, limit: int = 20):
        """Tap Next until the step shows, letting each step's planned time pass first."""
        d = self.driver
        for _ in range(limit):
            if d.app.workshop.session.step.id == step_id:
                return
            d.advance(max(0.0, d.app.workshop.remaining()))
            before = d.app.workshop.session.step_index
            self.tap("next")
            confirm = getattr(d.app, "confirm_view", None)
            if d.app.workshop.session.step_index == before and confirm is not None \
                    and confirm.get_parent_window() is not None:
                self.tap(confirm.ids.yes)  # a step short of its own minimum asks first: go on
        self.problems.append(f"did not reach step {step_id!r}")

    def running(self, want: bool = True):
        """Start or pause the timer with the Start/Pause button, unless it already is."""
        if self.driver.app.workshop.session.timer.running != want:
            self.tap("toggle")

    # -- the tours ---------------------------------------------------------------

    def quick(self):
        d = self.open(self.data("quick"))
        self.shot("board-empty", "board")
        self.tap("start")
        self.pick_method()
        self.type_team(TEAM)
        self.shot("team-typed", "team")
        self.tap("start")
        self.running()
        d.advance(125)
        self.shot("workshop-running", "workshop")
        self.close()

    def full(self):
        # Home, picker, team (the name typed on the on-screen keyboard).
        d = self.open(self.data("main"))
        self.shot("board-empty", "board")
        self.tap("start")
        self.shot("picker", "picker")
        self.pick_method()
        self.shot("team-empty", "team")
        self.type_team(TEAM)
        typed = d.find("name").text
        if typed != TEAM:
            self.problems.append(f"team: typed {TEAM!r} on the on-screen keyboard, the field holds {typed!r}")
        self.shot("team-typed", "team")
        self.tap("start")

        # The workshop: step 1 ready, running, paused, over time.
        self.shot("workshop-step1-ready", "workshop")
        self.running(True)
        d.advance(125)
        self.shot("workshop-step1-running", "workshop")
        self.running(False)
        d.advance(30)
        self.shot("workshop-step1-paused", "workshop")
        self.running(True)
        d.advance(d.app.workshop.remaining() + 95)
        self.shot("workshop-step1-overtime", "workshop")
        # Later steps; a running timer hands over to the next step. matrix, vote
        # and actions run as talk until their tools are built.
        self.tap("next")
        d.advance(60)
        self.shot("workshop-step2-running", "workshop")
        for step_id in ("mulighedsrum", "afstemning", "handleplan"):
            self.steps_until(step_id)
            d.advance(200)
            self.shot(f"workshop-{step_id}-running", "workshop")
        self.steps_until("afrunding")
        self.running(False)
        self.shot("workshop-last-step-paused", "workshop")

        # Home with the workshop running: "Continue" shows. (No button on the
        # workshop screen leads home, so this goes there the way the code can.)
        d.app.show("home")
        d.frames(3)
        self.shot("home-continue", "home")
        self.tap("resume")

        # The admin side: PIN pad, settings, the confirm dialog.
        self.tap("menu")
        for key in d.pin[:2]:
            self.tap("k" + key)
        self.shot("pin-two-digits", "pin")
        for key in d.pin[2:]:
            self.tap("k" + key)
        self.tap("kok")
        self.shot("settings", "settings")
        self.tap("end")
        self.shot("confirm-end-workshop", "settings")
        d.tap(d.app.confirm_view.ids.no)
        self.tap("pin")
        self.shot("pin-new", "pin")
        self.tap("cancel")
        self.tap("back")
        self.tap("menu")
        for k in ("k9", "k9", "k9", "k9", "kok"):
            self.tap(k)
        self.shot("pin-wrong", "pin")
        self.tap("cancel")
        self.close()

        # The workshop in Norwegian and English, chosen in settings as an admin would.
        for lang in ("nb", "en"):
            d = self.open(self.data(f"lang-{lang}"), lang="da")
            self.start_workshop("Team Nord")
            self.tap("menu")
            for k in [f"k{key}" for key in d.pin] + ["kok"]:
                self.tap(k)
            self.tap(f"lang_{lang}")
            self.shot(f"settings-{lang}", "settings")
            self.tap("back")
            self.running(True)
            d.advance(125)
            self.shot(f"workshop-step1-running-{lang}", "workshop")
            self.steps_until("handleplan")
            d.advance(d.app.workshop.remaining() + 250)
            self.shot(f"workshop-handleplan-overtime-{lang}", "workshop")
            self.close()

        # A banner: kiosk.json was damaged (power cut) and a backup was used.
        self.banner_recovery()
        # The fatal screen: another kiosk holds the data folder.
        self.fatal_locked()
        self.wall_tour()

    def wall_tour(self):
        """Every wall step with a realistic wall: 36 Danish post-its, some grouped, sorted, placed."""
        from kiosk.core.wall import Wall

        d = self.open(self.data("wall"))
        self.tap("start")
        self.pick_method()
        self.type_team("Hjemmeplejen Nord")
        self.tap("start")
        app = d.app
        ws = app.workshop
        wall = Wall(app.store, ws.session.id, app.clock)

        def go(step_id):
            app.act(ws.go_to, ws.session.method.step_index(step_id))
            d.frames(3)

        go("refleksion")
        with app.store.batch(ws.session.id):
            for i, text in enumerate(WALL_NOTES):
                wall.add_note("godt" if i % 2 == 0 else "mindre-godt", text, step="refleksion", face_down=True)
            for text in TRIO_NOTES:
                wall.add_note("trio", text, step="refleksion")
        app._wall = None
        app.revision += 1
        d.advance(240)
        self.shot("wall-write", "workshop")
        go("praesentation")
        view = d.find("activity").children[0]
        for _ in range(4):
            self.tap(view.ids.turn)
        self.shot("wall-present", "workshop")
        app.wall().reveal_all(__import__("random").Random(7))
        go("gruppering")
        w = app.wall()
        keys = [n.key for n in w.notes()]
        c1 = w.group(keys[1], keys[3])
        w.group(keys[5], c1.key)
        w.name_cluster(c1.id, "Travlhed og pauser")
        c2 = w.group(keys[0], keys[2])
        w.name_cluster(c2.id, "Godt samarbejde")
        app.revision += 1
        d.frames(3)
        self.shot("wall-group", "workshop")
        go("bevare-forandre")
        w = app.wall()
        columns = ["bevare", "forandre", "parking"]
        for i, item in enumerate(w.items()[:14]):
            w.sort(item.key, columns[i % 3], columns=columns)
        app.revision += 1
        d.frames(3)
        self.shot("wall-sort", "workshop")
        go("mulighedsrum")
        w = app.wall()
        spots = [(0.8, 0.85), (0.3, 0.8), (0.7, 0.3), (0.2, 0.25), (0.62, 0.7)]
        for item, (x, y) in zip([i for i in w.items() if i.column != "parking"], spots):
            w.place(item.key, x, y)
        for item in w.placed()[:3]:
            w.choose(item.key, True, pick_max=5)
        app.revision += 1
        d.frames(3)
        self.shot("wall-matrix", "workshop")
        go("afstemning")
        d.frames(3)
        self.shot("wall-vote", "workshop")

    # -- the statuspil tour (--board) ---------------------------------------------

    def seed_actions(self, n: int, teams=("Hjemmeplejen Nord", "Køkkenet", "Rengøringen", "Aftenvagten")):
        """n actions over the teams, through the core as the action step makes them, then
        ten days pass: some are overdue, some moved on, one parked, one trial to review."""
        from datetime import timedelta

        from kiosk.core.activities.actions import ActionPlan, local_date
        from kiosk.core.activities.statuspil import Board
        from kiosk.core.workshop import Workshop

        app = self.driver.app
        method = app.method_by_id("trivselsdialog")
        owners = ["Mette", "Jonas", "Aisha", "Lars P.", "Birgitte", "Tove og Ali"]
        teams = teams[:max(1, min(len(teams), n // 3 or 1))]
        made, today = [], local_date(app.clock.now())
        for t, team in enumerate(teams):
            ws = Workshop.start(app.store, app.clock, method, team, lang="da")
            ws.finish()
            plan = ActionPlan(app.store, ws.session.id, app.clock)
            with app.store.batch(ws.session.id):
                for i in range(t, n, len(teams)):
                    a = plan.add(None, WALL_NOTES[i % len(WALL_NOTES)])
                    plan.set_owner(a.id, owners[i % len(owners)])
                    plan.set_follow_up(a.id, (today + timedelta(days=4 + (i * 7) % 40)).isoformat())
                    if i % 11 == 5:
                        plan.set_trial(a.id, True, (today + timedelta(days=7)).isoformat())
                    made.append((ws.session.id, a.id, i))
        board = Board(app.store, app.clock)
        for sid, aid, i in made:
            for _ in range(i % 5 if i % 7 else 0):
                board.forward(sid, aid, seen_stage=board.action(sid, aid).stage, by="workshop")
            if i % 13 == 8 and not board.action(sid, aid).finished:
                board.park(sid, aid, seen_stage=board.action(sid, aid).place, by="workshop")
        app.clock.advance(10 * 86_400)
        return made

    def board_tour(self):
        from kiosk.core.activities.actions import ActionPlan
        from kiosk.core.activities.statuspil import set_next_meeting

        for n in (5, 40, 120):
            d = self.open(self.data(f"board-{n}"))
            made = self.seed_actions(n)
            if n == 40:
                set_next_meeting(d.app.store, made[0][0], "2027-02-09")
            d.app.show("board")
            board = d.screen()
            board.refresh()
            d.frames(3)
            self.shot(f"board-{n}-actions", "board")
            if n == 40:
                row = next(r for r in board.rows if r.arrow is not None and not r.arrow.action.parked
                           and r.arrow.action.next_stage is not None)
                self.tap(row)
                self.shot("board-action-panel", "board")
                self.tap(board._panel.buttons["forward"])
                self.shot("board-confirm-move", "board")
                self.tap(d.app.confirm_view.ids.yes)
                self.shot("board-undo-offered", "board")
            self.close()

        # The action form with a realistic plan (the trivselsdialog's five questions).
        d = self.open(self.data("form"))
        app = d.app
        app.start_workshop(app.method_by_id("trivselsdialog"), "Hjemmeplejen Nord")
        wall = app.wall()
        keys = [wall.add_note("mindre-godt", t, step="refleksion", face_down=False).key
                for t in ("Svært at nå pauser", "Vagtplanen kommer for sent", "Mange afbrydelser i telefonen")]
        for key in keys[:2]:
            wall.choose(key)
        plan = ActionPlan(app.store, app.workshop.session.id, app.clock)
        a = plan.add(keys[0], "Svært at nå pauser")
        answers = ["Vi vil holde pauserne, også på travle dage",
                   "Alle får mindst 20 minutters pause; vi ser det i pausebogen",
                   "Travle morgener og akutte opgaver", "Faste pausehold og en afløser på vagtplanen"]
        for q, text in zip(plan.questions, answers):
            plan.answer(a.id, q["id"], text)
        plan.set_owner(a.id, "Mette (teamleder)")
        ws = app.workshop
        app.act(ws.go_to, ws.session.method.step_index("handleplan"), undo=ws)
        d.frames(3)
        self.shot("action-form", "workshop")
        # … and the trivselsdialog's statuspil step with those actions.
        b = plan.add(keys[1], "Vagtplanen kommer for sent")
        plan.set_owner(b.id, "Jonas")
        app.act(ws.go_to, ws.session.method.step_index("statuspil"), undo=ws)
        d.frames(3)
        self.shot("statuspil-step", "workshop")
        self.close()

        # Two meetings: the end of meeting 1, the board meanwhile, home's Continue, meeting 2.
        d = self.open(self.data("meetings"))
        app = d.app
        method = app.method_by_id("dialogverksted")
        if method is None or method.meetings < 2:
            self.problems.append("meetings: no two-meeting method (dialogverksted) to shoot")
            self.close()
            return
        app.start_workshop(method, "Kjøkkenet")
        ws = app.workshop
        last = max(i for i, s in enumerate(method.steps) if s.meeting == 1)
        app.act(ws.go_to, last, undo=ws)
        d.frames(3)
        self.shot("meeting-1-last-step", "workshop")
        self.tap("next")
        picker = d.screen().meeting_picker
        self.tap(picker.ids.month_ahead)
        self.shot("meeting-end-picker", "workshop")
        self.tap(picker.ids.save)
        self.shot("meeting-waiting-board", "board")
        d.advance(20 * 86_400)
        self.tap("start")
        self.shot("meeting-home-continue", "home")
        self.tap(d.screen().continue_buttons()[0])
        self.shot("meeting-confirm-continue", "home")
        self.tap(app.confirm_view.ids.yes)
        self.shot("meeting-2-open", "workshop")
        self.close()

    def banner_recovery(self):
        from kiosk.clock import FakeClock
        from kiosk.store import Store

        data = self.data("damaged")
        clock = FakeClock(START - 3600)
        with Store(data, clock=clock) as store:  # a kiosk that ran earlier: several writes, backups
            for i in range(3):
                store.set_state("settings", {"lang": self.lang, "chime": True, "n": i})
                clock.advance(120)
        kiosk_json = data / "kiosk.json"
        for bak in data.glob("kiosk.json.bak*"):
            os.utime(bak, (START - 1800, START - 1800))
        kiosk_json.write_bytes(kiosk_json.read_bytes()[: kiosk_json.stat().st_size // 2])  # torn write
        d = self.open(data)
        if not d.app.notice:
            self.problems.append("banner: the damaged kiosk.json gave no message")
        self.shot("banner-recovered-from-backup", "board")
        self.close()

    def fatal_locked(self):
        from kiosk.store import Store

        data = self.data("locked")
        holder = Store(data)  # another kiosk has the folder
        try:
            d = self.open(data)
            if not d.screen().fatal:
                self.problems.append("fatal: a locked data folder did not give the fatal home screen")
            self.shot("home-fatal-locked", "home")
            self.close()
        finally:
            holder.close()


def child(args) -> int:
    w, h = parse_size(args.size)
    os.environ["TZ"] = TZ
    time.tzset()
    import kiosk_testing as testing

    # The kiosk's own warnings (e.g. the damaged file the banner is about) go to
    # stderr; Kivy's start-up chatter and its clipboard probing do not.
    logging.basicConfig(level=logging.WARNING, format=f"  {args.size} [%(name)s] %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda r: not r.name.startswith("kivy")
                          or (r.levelno >= logging.CRITICAL and "Cutbuffer" not in str(r.msg)))
    scratch = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    xvfb = testing.virtual_display(w, h)
    try:
        testing.prepare_kivy(w, h, home=scratch / "kivy-home")
        shooter = Shooter(Path(args.out), args.size, args.lang, scratch)
        try:
            shooter.quick() if args.quick else shooter.board_tour() if args.board else shooter.full()
        except Exception:  # a screen changed under the tour: keep what was shot, say where it stopped
            shooter.problems.append(f"the tour stopped after {shooter.n} screenshots:\n{traceback.format_exc()}")
        finally:
            shooter.close()
        for p in shooter.written:
            print(p)
        for problem in shooter.problems:
            print(f"PROBLEM {args.size}: {problem}", file=sys.stderr)
        return 1 if shooter.problems else 0
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


# -- the parent: one child per size ------------------------------------------------------------


def parent(args) -> int:
    sizes = [args.size] if args.size else args.sizes.split(",")
    status = 0
    for size in sizes:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--size", size,
               "--out", str(args.out), "--lang", args.lang] + (["--quick"] if args.quick else []) + (
                   ["--board"] if args.board else [])
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        n = len(proc.stdout.split())
        print(f"# {size}: {n} screenshots in {time.perf_counter() - started:.1f} s"
              + ("" if proc.returncode == 0 else f" (exit {proc.returncode})"), file=sys.stderr)
        status = status or proc.returncode
    return status


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Screenshots of every kiosk screen.")
    p.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder for the PNGs (default screenshots/)")
    p.add_argument("--sizes", default=",".join(SIZES), help="window sizes, comma-separated")
    p.add_argument("--size", default=None, help="one window size (with --child: this process's window)")
    p.add_argument("--lang", default="da", choices=["da", "nb", "en"], help="language of the main tour")
    p.add_argument("--quick", action="store_true", help="only a few screens (for the test)")
    p.add_argument("--board", action="store_true", help="the statuspil tour: board, action form, meetings")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.out = args.out.resolve()
    if args.child:
        if not args.size:
            p.error("--child needs --size")
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
