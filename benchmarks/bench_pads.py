"""15 phones join, write and vote through the pad server while a finger moves a note over the wall.

Run: python benchmarks/bench_pads.py [--phones 15] [--rounds 3] [--window 60] [--poll 2.0] [--notes 3]
                                     [--votes 3] [--size 1920x1080]
     (or: python benchmarks/run.py pads)

The setup of issue 14. The real kiosk (``tests/kiosk_testing.py``'s ``Driver``, a real
window under Xvfb) runs the APU method's ``onsker`` write step, on a wall of 100 notes,
with the phones' door open: the app's own glue (``kiosk.ui.pads``) started the pad
server in its own process, applies each intent on the Kivy thread and publishes
snapshots on its 0.2 s tick. APU is the method whose dot vote (``topp3``: 3 marks, at
most 1 on a note) follows its write step directly, so the notes are the ballot.

A round is one ``--window`` (60 s): the first half on the write step, then the kiosk
goes to the vote step through the workshop screen's own Next button (tapped), and the
second half on the vote step; then Previous, back for the next round. All the while a
finger (``Panel``: real touch down, a move every frame, up, through the window's input
queue, delivered inside the measured frame) holds a note of the wall and circles over
the 100 notes. The write and vote boards do not lift a card (a tap there edits or
marks a note; nothing is dragged on those steps), so the finger costs the touch
dispatch; its up at each half's end is a tap, which the bench answers as a person would
(Cancel on the note's editor; the vote's "Next voter first" banner). The frames
measured are those of the two halves, less ``GUARD`` seconds after the finger went
down; the step change between them is not measured.

A separate client process (this file with ``--client``, at nice 19: on a real kiosk
the phones are other devices) runs ``--phones`` phones, each from its own loopback
address. They join through the join page (GET, then the form's POST; ``JOIN_SECONDS``,
not measured), open their pad page, and for the window poll ``/pad/state`` every
``--poll`` seconds as pad.js does (``/pad?fragment=1`` when the serial moved, and after
each answer to a POST, as pad.js's ``refresh(true)``). In the first half each sends
``--notes`` notes (``POST /pad/note``), in the second half ``--votes`` marks on
different notes of its ballot (``POST /pad/dot`` with ``step``, ``item``, ``delta=1``,
the form's fields and the submit button's), both with ``Accept: application/json`` as
pad.js sends forms. The phones do not send in step: each has its own place in the
half, so the room's 45 notes (and its 45 marks) come one by one, evenly apart. Every
round brings new phones: 15 × 3 = 45 of the 60 devices a session takes.

Rounds without phones (the server up and idle), with phones, and the control
alternate in one process, so machine noise hits them alike; each does the same finger
and the same step changes. The control: the same phones against a plain server in a
process of its own that answers every route with canned bytes (the real server's
pages: the write page, then after the step change the vote page); on this 2-core
machine the phones' client, loopback TCP and any server share the kiosk's cores, and
the control shows that share.

Reports: frame p50/p95 without phones, with phones and in the control, on each step
and over both, their ratios (target ≤ 1.1× on p95); send-to-wall p95 for notes (the
POST sent until the note's card is on the write board, seen after a drawn frame, or
once the grid is full (from about 190 notes at 1920×1080) until its "+N more" card
counts one more; and until the POST's answer, which comes once stored) and for votes (until the answer, once
stored); lost notes and votes (answered ok but not in the store, or not answered ok; a
refusal with its message is counted apart); requests and requests/s after the joins;
memory per joined device (the server's resident size; the kiosk's growth in the rounds
with phones less its growth in those without; the snapshot's bytes); the load average
at start and end. ``--profile FOLDER`` also writes a cProfile of the frames of the
rounds with phones, one file per step. Writes benchmarks/results/pads.json. Not a
pytest test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the real-window driver, tests/kiosk_testing.py

TARGET = 1.1
LATENCY_TARGET_MS = 1000.0
JOIN_SECONDS = 4.0
"""The phones join within this time (15 one after another); the window begins after."""
GUARD = 0.5
"""Seconds after the finger went down on a step that are not measured (the step just drew)."""
VOTE_AFTER = 2.0
"""A phone's first mark comes this long after the step changed (its poll finds the ballot)."""
FRAME = 1 / 60
METHOD, WRITE, VOTE = "apu", "onsker", "topp3"
NONCE = re.compile(rb'name="nonce" value="([^"]+)"')
STEP = re.compile(rb'name="step" value="([^"]+)"')
KIND = re.compile(rb'name="kind" id="[^"]*" value="([^"]+)"')
ITEM = re.compile(rb'name="item" value="([^"]+)"')
SERIAL = re.compile(rb'data-serial="(\d+)"')


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


def rss_kb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") / 1024)


# -- the phones (a separate process) ------------------------------------------------------------

def http(port: int, method: str, path: str, src: str, body: bytes = b"", headers=()) -> tuple[int, dict, bytes]:
    """One request over a raw socket (cheap: the phones' work is not the kiosk's)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", *headers]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}",
                  f"Origin: http://127.0.0.1:{port}", "Sec-Fetch-Site: same-origin"]
    with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(src, 0)) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        chunks = []
        while chunk := s.recv(1 << 16):
            chunks.append(chunk)
    head, _, data = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.decode("latin-1").partition(":")
        fields[k.strip().lower()] = v.strip()
    if "content-length" in fields and int(fields["content-length"]) != len(data):
        raise ConnectionError(f"short body: {len(data)} of {fields['content-length']}")
    return status, fields, data


def client(port: int, token: str, phones: int, start: float, window: float, poll: float, notes: int, votes: int,
           tag: str, net: int) -> int:
    """The phones join (staggered, from ``start`` within JOIN_SECONDS); then for ``window``
    seconds they poll, send ``notes`` notes each in the first half (the write step) and
    ``votes`` marks each in the second (the vote step the kiosk goes to at the half)."""
    os.nice(19)
    kinds = ("join", "page", "state", "fragment", "note", "dot")
    lat: dict[str, list[float]] = {k: [] for k in kinds}
    errors, sent, marks, late, lock = [], [], [], [], threading.Lock()
    a0 = start + JOIN_SECONDS
    half = a0 + window / 2
    end = a0 + window

    def timed(kind, *a, expect=(200,), **kw):
        t0 = time.perf_counter()
        try:
            status, head, data = http(port, *a, **kw)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            with lock:
                errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            return None, {}, b""
        took = time.perf_counter() - t0
        with lock:
            lat[kind].append(took)
            if status not in expect:
                errors.append(f"{kind}: HTTP {status} {data[:120]!r}")
        return status, head, data

    def answered_ok(status, body) -> tuple[bool, str]:
        if status != 200:
            return False, ""
        try:
            out = json.loads(body)
        except ValueError:
            return False, ""
        return out.get("ok") is True, str(out.get("message") or "")

    def phone(i: int) -> None:
        src = f"127.{net}.{i // 200 + 1}.{i % 200 + 1}"
        time.sleep(max(0.0, start - time.monotonic()) + i * 0.07)   # people scan the code one after another
        status, _, page = timed("join", "GET", f"/j/{token}", src)
        if status != 200:
            return
        form = urlencode({"name": "", "role": "person", "nonce": NONCE.search(page).group(1).decode()}).encode()
        status, head, _ = timed("join", "POST", f"/j/{token}", src, form, expect=(303,))
        cookie = head.get("set-cookie", "").split(";", 1)[0]
        if status != 303 or not cookie:
            return
        hdr = (f"Cookie: {cookie}",)
        status, _, page = timed("page", "GET", "/pad", src, headers=hdr)
        if status != 200:
            return
        if time.monotonic() > a0:
            late.append(i)
        view = {"page": page, "serial": SERIAL.search(page).group(1)}

        def refresh() -> None:
            status, _, frag = timed("fragment", "GET", "/pad?fragment=1", src, headers=hdr)
            if status == 200 and NONCE.search(frag):
                view["page"] = frag
                m = SERIAL.search(frag)
                view["serial"] = m.group(1) if m else view["serial"]

        def post(kind: str, path: str, fields: dict) -> tuple[bool, str, float]:
            at = time.monotonic()
            status, _, body = timed(kind, "POST", path, src, urlencode(fields).encode(),
                                    headers=hdr + ("Accept: application/json",))
            ok, message = answered_ok(status, body)
            if status == 200 and not ok:
                with lock:
                    errors.append(f"{kind} refused: {body[:160]!r}")
            refresh()  # pad.js: refresh(true) after every answer
            return ok, message, at

        # people in a room do not send in step: phone i's k-th sends at its own place in the
        # half, so the room's notes (and then its marks) come one by one, evenly apart
        span_n, span_v = window / 2 - 1.0, window / 2 - VOTE_AFTER - 1.0
        note_due = [a0 + span_n * (k + (i + 0.5) / phones) / notes for k in range(notes)]
        vote_due = [half + VOTE_AFTER + span_v * (k + (i + 0.5) / phones) / votes for k in range(votes)]
        next_poll = max(time.monotonic(), a0 - poll) + poll * ((i % 10) / 10)
        n = v = 0
        while time.monotonic() < end:
            now = time.monotonic()
            page = view["page"]
            if n < notes and now >= note_due[n] and now < half - 0.5:
                step, kind = STEP.search(page), KIND.search(page)
                if step and kind and step.group(1).decode() == WRITE:
                    text = f"{tag} telefon {i} ønske {n}: mer tid til pauser og ro"
                    ok, _, at = post("note", "/pad/note", {"nonce": NONCE.search(page).group(1).decode(),
                                                           "step": WRITE, "kind": kind.group(1).decode(),
                                                           "text": text})
                    with lock:
                        sent.append((text, ok, at))
                    n += 1
                    continue
            if v < votes and now >= vote_due[v]:
                items = [m.decode() for m in ITEM.findall(page)]
                step = STEP.search(page)
                if items and step and step.group(1).decode() == VOTE:
                    item = items[(i * 7 + v * 31) % len(items)]   # different notes: at most 1 mark on one
                    ok, _, at = post("dot", "/pad/dot", {"nonce": NONCE.search(page).group(1).decode(),
                                                         "step": VOTE, "item": item, "delta": "1"})
                    with lock:
                        marks.append((item, ok, at))
                    v += 1
                    continue
            if now >= next_poll:
                next_poll += poll
                status, _, body = timed("state", "GET", "/pad/state", src, headers=hdr + ("Accept: application/json",))
                if status == 200:
                    serial = str(json.loads(body).get("serial")).encode()
                    if serial != view["serial"]:
                        view["serial"] = serial
                        refresh()
                continue
            wake = [next_poll] + note_due[n:n + 1] + vote_due[v:v + 1]
            time.sleep(max(0.0, min(min(wake), end) - now))
        with lock:
            if n < notes:
                errors.append(f"phone {i}: sent {n} of {notes} notes (no write form in time)")
            if v < votes:
                errors.append(f"phone {i}: cast {v} of {votes} marks (no ballot in time)")

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"latencies": lat, "errors": errors, "sent": sent, "marks": marks, "late": late}))
    return 0


# -- the control: canned answers from a plain server in its own process ------------------------

def static_server(folder: str) -> int:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    files = {name: (Path(folder) / name).read_bytes() for name in os.listdir(folder)}
    now = {"page": "write"}
    serial = {name: int(m.group(1)) for name, body in files.items() if (m := SERIAL.search(body))}
    """The serial /pad/state says is the one in the page served now, as the real server's."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, code, body=b"", extra=()):
            self.send_response(code)
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.startswith("/j/"):
                self.answer(200, files["join"])
            elif self.path == "/pad/state":
                self.answer(200, json.dumps({"serial": serial[now["page"]]}).encode())
            else:
                self.answer(200, files[now["page"]])

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/j/"):
                self.answer(303, extra=(("Set-Cookie", "pad=control; Path=/"), ("Location", "/pad")))
            elif self.path == "/control/step":   # the kiosk changed its step
                now["page"] = body.decode()
                self.answer(200)
            else:
                self.answer(200, json.dumps({"ok": True, "message": "", "serial": serial[now["page"]]}).encode())

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.request_queue_size = 64
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    return 0


# -- the kiosk ------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phones", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--window", type=float, default=60.0,
                    help="seconds of a round after the joins: half on the write step, half on the vote step")
    ap.add_argument("--poll", type=float, default=2.0)
    ap.add_argument("--notes", type=int, default=3)
    ap.add_argument("--votes", type=int, default=3)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--profile", metavar="FOLDER",
                    help="also profile the frames of the rounds with phones (cProfile, one file per step)")
    ap.add_argument("--client", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--token", help=argparse.SUPPRESS)
    ap.add_argument("--start", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--tag", default="r", help=argparse.SUPPRESS)
    ap.add_argument("--net", type=int, default=60, help=argparse.SUPPRESS)
    ap.add_argument("--static", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        return client(args.client, args.token, args.phones, args.start, args.window, args.poll, args.notes,
                      args.votes, args.tag, args.net)
    if args.static:
        return static_server(args.static)
    if args.phones * args.rounds > 60:
        ap.error("phones × rounds must stay within the 60 devices a session takes")
    W, H = (int(v) for v in args.size.split("x"))
    load_start = os.getloadavg()

    os.environ.update(KIOSK_EXPORT_PORT="0", KIOSK_EXPORT_BIND="127.0.0.1", KIOSK_EXPORT_HOST="127.0.0.1")
    import kiosk_testing as testing

    testing.virtual_display(W, H)
    testing.prepare_kivy(W, H)
    from kivy.base import EventLoop

    from kiosk.clock import SystemClock
    from kiosk.core.activities.vote import PAD_VOTERS, VOTES
    from kiosk.core.loader import load_method
    from kiosk.core.wall import Wall
    from kiosk.core.workshop import Workshop
    from kiosk.store import Store
    from kiosk.ui.widgets.board import MORE

    clock = SystemClock()
    data = Path(tempfile.mkdtemp(prefix="bench-pads-")) / "data"
    method = load_method(ROOT / "methods" / f"{METHOD}.toml")
    words = "travelhet vaktplan kolleger møter ledelse oppgaver tid brukere fravær hjelp ro oversikt".split()
    with Store(data) as store:
        ws = Workshop.start(store, clock, method, "Hjemmetjenesten Nord", lang="nb")
        wall = Wall(store, ws.session.id, clock)
        with store.batch(ws.session.id):
            for i in range(100):
                wall.add_note("onske", " ".join(words[(i + j) % len(words)] for j in range(3 + i % 6)).capitalize(),
                              step=WRITE)
        ws.go_to(method.step_index(WRITE))
        session_id = ws.session.id
    k = testing.Driver(data, clock=clock, lang="nb")
    app = k.app
    k.frames(3)
    glue = app.pad_glue()
    assert glue.open(), "no running session for the phones"
    deadline = time.monotonic() + 20
    while glue.state != "on" and time.monotonic() < deadline:
        EventLoop.idle()
    assert glue.state == "on", glue.problem
    token, port, server_pid = glue._token, glue.link.port, glue.link.pid
    print(f"# the wall's write step is up, its pad server at 127.0.0.1:{port} (pid {server_pid})", file=sys.stderr)
    panel = k.panel()

    def step_id() -> str:
        return app.workshop.session.step.id

    def view():
        """The step's activity widget (the one whose kv gave it a board)."""
        return next(w for w in k.find("activity").walk(restrict=True) if "board" in getattr(w, "ids", {}))

    def board():
        return view().ids.board

    import cProfile

    profiles = {"write": cProfile.Profile(), "vote": cProfile.Profile()}
    changed: list[float] = []   # the measured frames with phones that committed a change
    counting = [False]
    profiling: list = [None]   # the profile of the half being drawn, with --profile in a round with phones

    def frame(moving=None) -> tuple[float, float, float]:
        """One forced full redraw, timed (with the finger's move queued before it, so its
        dispatch is inside); then wait for the next 60 fps slot."""
        at = time.monotonic()
        if moving is not None:
            moving(at)
        prof = profiling[0]
        revision = app.revision
        started = time.perf_counter()
        k.window.canvas.ask_update()
        if prof is not None:
            prof.enable()
        EventLoop.idle()
        if prof is not None:
            prof.disable()
        took = time.perf_counter() - started
        if app.revision != revision and counting[0]:
            changed.append(took)   # a measured frame with phones that committed a change (a note, a mark)
        rest = FRAME - took
        if rest > 0:
            time.sleep(rest)
        return took, at, at + took

    def idle_until(t: float) -> None:
        while time.monotonic() < t:
            frame()

    def go(button: str, want: str) -> None:
        """The facilitator taps Next or Previous on the workshop screen."""
        k.tap(button, frames=1)
        deadline = time.monotonic() + 10
        while step_id() != want and time.monotonic() < deadline:
            frame()
        assert step_id() == want, (step_id(), want)
        for _ in range(3):
            frame()

    class Finger:
        """One finger on a note of the wall, circling over the notes until ``up``."""

        def __init__(self) -> None:
            b = board()
            self.key = b.card_at(b.width / 2, b.height / 2) or b.order[len(b.order) // 2]
            self.cx, self.cy = k.card_centre(b, self.key)
            self.r = min(b.width, b.height) * 0.3
            self.t0 = time.monotonic()
            self.xy = (self.cx, self.cy)
            panel.down(1, self.xy)

        def move(self, now: float) -> None:
            a = (now - self.t0) * 2 * math.pi / 4.0   # once round in 4 s
            # from the note's centre out to the circle over the first second, then round it
            r = self.r * min(1.0, now - self.t0)
            self.xy = (self.cx + r * math.sin(a), self.cy + r * (1 - math.cos(a)) * 0.5)
            panel.move(1, self.xy)

        def up(self) -> None:
            panel.up(1)
            frame()

    seen: dict[str, float] = {}   # a write board's card key → when it was first drawn
    more = {"n": 0, "grew": []}
    """A full grid counts the notes it has no place for on its "+N more" card: when N went up."""

    def more_on(b) -> int:
        card = next((c for key, c in b.cards.items() if key.startswith(MORE)), None)
        m = re.search(r"\d+", card.text) if card is not None else None
        return int(m.group()) if m else 0

    def watch(b) -> None:
        now = time.monotonic()
        if len(b.cards) != len(seen):
            for key in b.cards:
                seen.setdefault(key, now)
        n = more_on(b)
        more["grew"] += [now] * max(0, n - more["n"])
        more["n"] = n

    def sequence(a0: float, window: float, switch=None, profile: bool = False, count: bool = False) -> dict:
        """One round's kiosk side, from ``a0``: the finger on the write step for half the
        window, Next, the finger on the vote step for the rest, Previous. The frames of
        each half (``GUARD`` after the finger went down)."""
        out = {"write": [], "vote": []}
        half, end = a0 + window / 2, a0 + window
        idle_until(a0)
        b = board()
        for key in b.cards:
            seen.setdefault(key, 0.0)
        more["n"] = more_on(b)
        finger = Finger()
        profiling[0] = profiles["write"] if profile else None
        while time.monotonic() < half:
            counting[0] = count and time.monotonic() >= finger.t0 + GUARD
            took, at, _ = frame(finger.move)
            watch(b)
            if at >= finger.t0 + GUARD:
                out["write"].append(took)
        profiling[0], counting[0] = None, False
        finger.up()   # a tap: the note's editor opens, as for a person; Cancel
        composer = getattr(view(), "composer", None)
        if composer is not None and composer.get_parent_window() is not None:
            k.tap(composer.ids.cancel, frames=1)
        go("next", VOTE)
        if switch:
            switch("vote")
        finger = Finger()
        profiling[0] = profiles["vote"] if profile else None
        while time.monotonic() < end:
            counting[0] = count and time.monotonic() >= finger.t0 + GUARD
            took, at, _ = frame(finger.move)
            if at >= finger.t0 + GUARD:
                out["vote"].append(took)
        profiling[0], counting[0] = None, False
        finger.up()   # a tap on the vote's board: "Next voter first", as for a person
        go("prev", WRITE)
        if switch:
            switch("write")
        return out

    def phones(target_port: int, tag: str, net: int, switch=None) -> tuple[dict, dict, float]:
        """The phones at ``target_port`` through one round: (frames of each half, report, seconds)."""
        start = time.monotonic() + 0.5
        proc = subprocess.Popen([sys.executable, __file__, "--client", str(target_port), "--token", token,
                                 "--phones", str(args.phones), "--start", repr(start), "--window", str(args.window),
                                 "--poll", str(args.poll), "--notes", str(args.notes), "--votes", str(args.votes),
                                 "--tag", tag, "--net", str(net)],
                                stdout=subprocess.PIPE, text=True)
        frames = sequence(start + JOIN_SECONDS, args.window, switch, profile=bool(args.profile) and switch is None,
                          count=switch is None)
        while proc.poll() is None:
            frame()
        return frames, json.loads(proc.stdout.read()), args.window

    for _ in range(60):
        frame()
    # the control's canned bytes, taken from the real server: a joined phone's pages on both steps
    import urllib.request

    folder = Path(tempfile.mkdtemp(prefix="bench-pads-static-"))
    (folder / "join").write_bytes(urllib.request.urlopen(f"http://127.0.0.1:{port}/j/{token}").read())
    made: list[tuple] = []
    maker = threading.Thread(target=lambda: made.append(_a_pad_page(port, token)))
    maker.start()
    while maker.is_alive():
        frame()
    cookie, page = made[0]
    (folder / "write").write_bytes(page)
    go("next", VOTE)
    for _ in range(30):   # the next tick publishes the vote step
        frame()
    got: list[bytes] = []
    fetcher = threading.Thread(target=lambda: got.append(
        http(port, "GET", "/pad?fragment=1", "127.200.0.1", headers=(f"Cookie: {cookie}",))[2]))
    fetcher.start()
    while fetcher.is_alive():
        frame()
    assert ITEM.search(got[0]), "the vote page has no ballot"
    (folder / "vote").write_bytes(got[0])
    go("prev", WRITE)

    static = subprocess.Popen([sys.executable, __file__, "--static", str(folder)], stdout=subprocess.PIPE, text=True)
    static_port = int(static.stdout.readline())

    def control_switch(page: str) -> None:
        http(static_port, "POST", "/control/step", "127.0.0.1", page.encode())

    server_rss0, kiosk_rss0 = rss_kb(server_pid), rss_kb()
    devices0 = len(glue.pads().devices())
    base = {"write": [], "vote": []}
    loaded = {"write": [], "vote": []}
    control = {"write": [], "vote": []}
    lat: dict[str, list[float]] = {}
    errors, sent, marks, requests, busy, late = [], [], [], 0, 0.0, 0
    grew = {"without_phones": 0.0, "with_phones": 0.0, "control": 0.0}
    """How much the kiosk's resident size grew in each kind of round (KB)."""
    try:
        for r in range(args.rounds):
            rss = rss_kb()
            got_frames = sequence(time.monotonic() + 0.2, args.window)                   # no phones
            grew["without_phones"] += rss_kb() - rss
            for half in base:
                base[half] += got_frames[half]
            rss = rss_kb()
            got_frames, out, took = phones(port, f"r{r}", 60 + r)                       # phones
            grew["with_phones"] += rss_kb() - rss
            for half in loaded:
                loaded[half] += got_frames[half]
            for kind, xs in out["latencies"].items():
                lat.setdefault(kind, []).extend(xs)
            n = sum(len(xs) for kind, xs in out["latencies"].items() if kind != "join")
            requests += n
            busy += took
            errors += out["errors"]
            sent += out["sent"]
            marks += out["marks"]
            late += len(out["late"])
            print(f"# round {r + 1}: {n} requests in {took:.0f} s after the joins, {len(out['sent'])} notes, "
                  f"{len(out['marks'])} marks, {len(out['errors'])} errors {out['errors'][:3]}", file=sys.stderr)
            rss = rss_kb()
            got_frames, out, _ = phones(static_port, f"c{r}", 120 + r, switch=control_switch)  # control
            grew["control"] += rss_kb() - rss
            for half in control:
                control[half] += got_frames[half]
            print(f"# round {r + 1}, control: {sum(len(x) for x in out['latencies'].values())} requests, "
                  f"{len(out['errors'])} errors {out['errors'][:3]}", file=sys.stderr)
        for _ in range(30):   # the last answers reach the wall
            frame()
        devices = len(glue.pads().devices()) - devices0
        server_rss1, kiosk_rss1 = rss_kb(server_pid), rss_kb()
        snap_bytes = len(json.dumps(glue.snapshot(), ensure_ascii=False).encode())
        notes_now = {n.text: n for n in Wall(app.store, session_id, clock).notes()}
        stored_marks: dict[str, int] = {}
        for d in app.store.all(session_id, VOTES):
            if d.get("round") == VOTE and isinstance(d.get("voter"), int) and d["voter"] >= PAD_VOTERS:
                stored_marks[d["item"]] = stored_marks.get(d["item"], 0) + int(d.get("points", 0))
    finally:
        static.kill()
    k.close()
    load_end = os.getloadavg()

    # lost: answered ok but not in the store, or never answered ok; a refusal with its message is not lost
    refused_notes = sum(1 for e in errors if e.startswith("note refused"))
    refused_marks = sum(1 for e in errors if e.startswith("dot refused"))
    acked = [(text, at) for text, ok, at in sent if ok]
    lost_notes = sum(1 for text, _ in acked if text not in notes_now) + (len(sent) - len(acked) - refused_notes)
    acked_marks: dict[str, int] = {}
    for item, ok, _ in marks:
        if ok:
            acked_marks[item] = acked_marks.get(item, 0) + 1
    lost_marks = (sum(max(0, n - stored_marks.get(item, 0)) for item, n in acked_marks.items())
                  + sum(1 for _, ok, _ in marks if not ok) - refused_marks)
    # on the wall: the POST sent until the note's card was first drawn on the write board
    on_wall = [seen[n.key] - at for text, at in acked if (n := notes_now.get(text)) is not None and n.key in seen]
    # a note the full grid has no place for is on the wall as one more on its "+N more" card:
    # those notes, in the order sent, against the times N went up
    counted = sorted(at for text, at in acked if (n := notes_now.get(text)) is not None and n.key not in seen)
    in_more = []
    rises = iter(sorted(more["grew"]))
    for at in counted:
        for when in rises:
            if when >= at:
                in_more.append(when - at)
                break

    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731

    def stats(xs):
        xs = ms(xs)
        return {"frames": len(xs), "p50_ms": round(statistics.median(xs), 2) if xs else 0.0,
                "p95_ms": round(p(xs, 0.95), 2)}

    frames = {}
    for name, d in (("without_phones", base), ("with_phones", loaded), ("control", control)):
        frames[name] = {"both": stats(d["write"] + d["vote"]), "write": stats(d["write"]), "vote": stats(d["vote"])}

    def ratio(a, b, part="both", q="p95_ms"):
        return round(frames[a][part][q] / max(1e-9, frames[b][part][q]), 2)

    every = ms(loaded["write"] + loaded["vote"])
    applied = ms(changed)
    frames["with_phones"]["applying"] = {"frames": len(applied), "p50_ms": round(p(applied, 0.5), 2),
                                         "p95_ms": round(p(applied, 0.95), 2)}
    """The frames with phones that applied a note or mark (committed a change), by themselves."""
    frames["with_phones"]["share_applying"] = round(len(applied) / max(1, len(every)), 3)
    ratios = {part: {"phones_p95": ratio("with_phones", "without_phones", part),
                     "phones_p50": ratio("with_phones", "without_phones", part, "p50_ms"),
                     "control_p95": ratio("control", "without_phones", part),
                     "phones_over_control_p95": ratio("with_phones", "control", part)}
              for part in ("both", "write", "vote")}
    latency = {kind: {"n": len(xs), "p50_ms": round(p(ms(xs), 0.5), 1), "p95_ms": round(p(ms(xs), 0.95), 1),
                      "max_ms": round(max(ms(xs)), 1) if xs else 0.0} for kind, xs in lat.items()}
    wall_ms = ms(on_wall + in_more)
    per_device_server = max(0.0, server_rss1 - server_rss0) / max(1, devices)
    # the kiosk's growth in the rounds with phones, less what the same rounds without them grew
    # (the step changes' caches, the allocator): what the joined devices, their notes and marks cost
    per_device_kiosk = max(0.0, grew["with_phones"] - grew["without_phones"]) / max(1, devices)
    report = {
        "command": " ".join(["python", "benchmarks/bench_pads.py"] + sys.argv[1:]),
        "method": f"{METHOD}: {WRITE} (write) then {VOTE} (dots, 3 marks, at most 1 on a note)",
        "size": args.size, "phones": args.phones, "rounds": args.rounds, "window_s": args.window,
        "poll_s": args.poll, "notes_per_phone": args.notes, "marks_per_phone": args.votes,
        "wall_notes_at_start": 100,
        "load_average": {"start": [round(x, 2) for x in load_start], "end": [round(x, 2) for x in load_end]},
        "requests": requests, "requests_per_s": round(requests / max(busy, 1e-9), 1),
        "errors": len(errors), "error_samples": errors[:10], "latency": latency,
        "send_to_wall": {"note_on_wall_p95_ms": round(p(wall_ms, 0.95), 1),
                         "note_on_wall_p50_ms": round(p(wall_ms, 0.5), 1),
                         "note_on_wall_max_ms": round(max(wall_ms), 1) if wall_ms else None,
                         "note_on_wall_n": len(wall_ms), "note_own_card_n": len(on_wall),
                         "note_in_more_card_n": len(in_more),
                         "note_answer_p95_ms": latency.get("note", {}).get("p95_ms"),
                         "vote_stored_p95_ms": latency.get("dot", {}).get("p95_ms"),
                         "target_ms": LATENCY_TARGET_MS},
        "notes_sent": len(sent), "notes_lost": lost_notes, "notes_refused": refused_notes,
        "marks_sent": len(marks), "marks_lost": lost_marks, "marks_refused": refused_marks,
        "joined_late": late, "frames": frames, "ratios": ratios, "target": TARGET, "devices": devices,
        "server_rss_kb": [round(server_rss0), round(server_rss1)], "kiosk_rss_kb": [round(kiosk_rss0), round(kiosk_rss1)],
        "kiosk_rss_growth_kb": {k: round(v) for k, v in grew.items()},
        "kb_per_device_server": round(per_device_server, 1), "kb_per_device_kiosk": round(per_device_kiosk, 1),
        "snapshot_bytes": snap_bytes, "snapshot_bytes_per_device": round(snap_bytes / max(1, devices)),
    }
    hard = len(errors) - refused_notes - refused_marks
    lost = lost_notes + lost_marks
    s2w = report["send_to_wall"]
    slow = max(s2w["note_on_wall_p95_ms"], s2w["vote_stored_p95_ms"] or 0.0) > LATENCY_TARGET_MS
    over = ratios["both"]["phones_p95"] > TARGET
    verdict = "  OVER TARGET" if over or slow or hard or lost else ""
    f = frames
    print(f"pads at {args.size}: {args.phones} phones × {args.rounds} rounds, each {args.window:.0f} s "
          f"({args.notes} notes on {WRITE}, then {args.votes} marks on {VOTE}, polling every {args.poll} s) while a "
          f"finger circles over the 100-note wall · {requests} requests after the joins, {report['requests_per_s']} "
          f"req/s, {len(errors)} errors · send-to-wall p95: note on the wall {s2w['note_on_wall_p95_ms']} ms "
          f"({len(on_wall)} as their own card, {len(in_more)} on the full grid's \"+N more\") "
          f"(answer {s2w['note_answer_p95_ms']} ms), vote stored {s2w['vote_stored_p95_ms']} ms (target ≤ "
          f"{LATENCY_TARGET_MS:.0f} ms) · {len(sent)} notes, {lost_notes} lost, {refused_notes} refused · "
          f"{len(marks)} marks, {lost_marks} lost, {refused_marks} refused")
    for part in ("both", "write", "vote"):
        print(f"frame p50/p95 {part:>5}: without phones {f['without_phones'][part]['p50_ms']}/"
              f"{f['without_phones'][part]['p95_ms']} ms · with phones {f['with_phones'][part]['p50_ms']}/"
              f"{f['with_phones'][part]['p95_ms']} ms ({ratios[part]['phones_p95']}× p95, target ≤ {TARGET}×) · "
              f"control {f['control'][part]['p50_ms']}/{f['control'][part]['p95_ms']} ms "
              f"({ratios[part]['control_p95']}×; phones over control {ratios[part]['phones_over_control_p95']}×)")
    print(f"frames with phones that applied a note or mark: {len(applied)} of {len(every)}, p50/p95 "
          f"{frames['with_phones']['applying']['p50_ms']}/{frames['with_phones']['applying']['p95_ms']} ms")
    print(f"memory per joined device: server {per_device_server:.1f} KB, kiosk {per_device_kiosk:.1f} KB RSS "
          f"(with its notes and marks; the kiosk grew {grew['with_phones']:.0f} KB in the rounds with phones, "
          f"{grew['without_phones']:.0f} KB in those without), snapshot {report['snapshot_bytes_per_device']} B ({devices} devices) · "
          f"load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end{verdict}")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        for half, prof in profiles.items():
            prof.dump_stats(str(Path(args.profile) / f"pads-{half}.prof"))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pads.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if hard or lost else 0  # the frame ratios and latencies are reported, not failed on


def _a_pad_page(port: int, token: str) -> tuple[str, bytes]:
    """A joined phone's cookie and page, as the real server makes them (for the control's canned answers)."""
    status, _, page = http(port, "GET", f"/j/{token}", "127.200.0.1")
    form = urlencode({"name": "", "role": "person", "nonce": NONCE.search(page).group(1).decode()}).encode()
    _, head, _ = http(port, "POST", f"/j/{token}", "127.200.0.1", form)
    cookie = head.get("set-cookie", "").split(";", 1)[0]
    return cookie, http(port, "GET", "/pad", "127.200.0.1", headers=(f"Cookie: {cookie}",))[2]


if __name__ == "__main__":
    sys.exit(main())
