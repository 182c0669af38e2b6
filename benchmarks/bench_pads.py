"""15 phones as pads poll and write while the kiosk's window keeps drawing.

Run: python benchmarks/bench_pads.py [--phones 15] [--rounds 3] [--seconds 12] [--poll 1.5] [--notes 3]
                                     [--size 1920x1080]

The real kiosk (``tests/kiosk_testing.py``'s ``Driver``, a real window under Xvfb) shows the
Trivselsdialog's writing step on a wall of 100 notes, with the phones' door open: the
app's own glue (``kiosk.ui.pads``) started the pad server in its own process, applies
each intent on the Kivy thread and publishes snapshots on its 0.2 s tick, as on the wall.
A separate client process (this file with ``--client``, at nice 19: on a real kiosk the
phones are other devices) runs ``--phones`` phones, each from its own loopback address:
it joins through the join page (GET, then the form's POST), opens its pad page, then
for ``--seconds`` polls ``/pad/state`` every ``--poll`` seconds as pad.js does (and
fetches ``/pad?fragment=1`` when the serial moved), and sends ``--notes`` notes spread
over the round with ``Accept: application/json`` as pad.js sends forms.

The kiosk draws frames at 60 fps (each forced to redraw the whole screen, timed around
Kivy's ``EventLoop.idle()``, where the intents are applied too). In each round, the phones
first join (their own window, not measured: ``JOIN_SECONDS``), then only poll for
``--seconds`` (the "polling" frames: reads the server answers from its snapshot alone),
then poll and write for ``--seconds`` (the "polling and writing" frames: each note is
applied on the Kivy thread, stored and drawn, as a note typed at the wall). Rounds
without phones (the server process up and idle) and rounds with phones alternate in one
process, so machine noise hits both; every round uses new phones (new devices), 15 × 3
= 45 of the 60 a session takes. The control: after each round the same phones run
against a plain server in a process of its own that answers every route with canned
bytes, while the kiosk keeps drawing: on this 2-core machine the phones' client process
and loopback TCP share the kiosk's cores, and the control shows their share.

Reports: requests and requests/s, errors (anything but the expected status, a failed
connection), latency p50/p95 per kind, send-to-wall p95 (a note's POST until its answer,
which comes once the kiosk stored it and put it on the wall), lost notes (answered ok but
not in the store, or not answered ok), frame p50/p95 without phones, with phones and in
the control, their ratios (target ≤ 1.1× on p95), and memory per joined device (the
server's and the kiosk's resident size, and the snapshot's bytes). Writes
benchmarks/results/pads.json. Not a pytest test.
"""

from __future__ import annotations

import argparse
import json
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
JOIN_SECONDS = 4.0
"""The phones join within this time (15 one after another); the measured windows begin after."""
FRAME = 1 / 60
NONCE = re.compile(rb'name="nonce" value="([^"]+)"')
STEP = re.compile(rb'name="step" value="([^"]+)"')
KIND = re.compile(rb'name="kind" id="[^"]*" value="([^"]+)"')
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


def client(port: int, token: str, phones: int, seconds: float, poll: float, notes: int, tag: str, net: int) -> int:
    """The phones join (staggered, within JOIN_SECONDS), then poll only for ``seconds``
    (the "poll" window), then poll and send ``notes`` notes each for ``seconds`` more
    (the "write" window)."""
    os.nice(19)
    lat: dict[str, list[float]] = {"join": [], "state": [], "fragment": [], "page": [], "note": []}
    errors, sent, late, lock = [], [], [], threading.Lock()
    start = time.monotonic() + 0.2
    a0 = start + JOIN_SECONDS
    a1 = a0 + seconds
    end = a1 + seconds

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
        nonce, step, kind = NONCE.search(page).group(1), STEP.search(page).group(1), KIND.search(page).group(1)
        serial = SERIAL.search(page).group(1)
        due = [a1 + (k + 1) * seconds / (notes + 1) + (i % 5) * 0.11 for k in range(notes)]
        next_poll = max(time.monotonic(), a0 - poll) + poll * ((i % 10) / 10)
        k = 0
        while time.monotonic() < end:
            now = time.monotonic()
            if k < notes and now >= due[k]:
                text = f"{tag} phone {i} note {k}: mere tid til pauser og ro"
                form = urlencode({"step": step, "kind": kind, "text": text, "nonce": nonce}).encode()
                status, _, body = timed("note", "POST", "/pad/note", src, form,
                                        headers=hdr + ("Accept: application/json",))
                ok = False
                if status == 200:
                    try:
                        ok = json.loads(body).get("ok") is True
                    except ValueError:
                        ok = False
                    if not ok:
                        with lock:
                            errors.append(f"note refused: {body[:160]!r}")
                with lock:
                    sent.append((text, ok))
                k += 1
                continue
            if now >= next_poll:
                next_poll += poll
                status, _, body = timed("state", "GET", "/pad/state", src, headers=hdr + ("Accept: application/json",))
                if status == 200:
                    now_serial = str(json.loads(body).get("serial")).encode()
                    if now_serial != serial:
                        serial = now_serial
                        status, _, frag = timed("fragment", "GET", "/pad?fragment=1", src, headers=hdr)
                        m = NONCE.search(frag) if status == 200 else None
                        nonce = m.group(1) if m else nonce
                continue
            time.sleep(max(0.0, min([next_poll] + due[k:k + 1], default=next_poll) - now))

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"latencies": lat, "errors": errors, "sent": sent, "late": late,
                      "windows": {"poll": [a0, a1], "write": [a1, end]}}))
    return 0


# -- the control: canned answers from a plain server in its own process ------------------------

def static_server(folder: str) -> int:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    files = {name: (Path(folder) / name).read_bytes() for name in os.listdir(folder)}

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
                self.answer(200, b'{"serial": 1}')
            elif self.path.startswith("/pad?fragment"):
                self.answer(200, files["fragment"])
            else:
                self.answer(200, files["page"])

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/j/"):
                self.answer(303, extra=(("Set-Cookie", "pad=control; Path=/"), ("Location", "/pad")))
            else:
                self.answer(200, b'{"ok": true, "message": "", "serial": 1}')

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
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--poll", type=float, default=1.5)
    ap.add_argument("--notes", type=int, default=3)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--client", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--token", help=argparse.SUPPRESS)
    ap.add_argument("--tag", default="r", help=argparse.SUPPRESS)
    ap.add_argument("--net", type=int, default=60, help=argparse.SUPPRESS)
    ap.add_argument("--static", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        return client(args.client, args.token, args.phones, args.seconds, args.poll, args.notes, args.tag, args.net)
    if args.static:
        return static_server(args.static)
    if args.phones * args.rounds > 60:
        ap.error("phones × rounds must stay within the 60 devices a session takes")
    W, H = (int(v) for v in args.size.split("x"))

    os.environ.update(KIOSK_EXPORT_PORT="0", KIOSK_EXPORT_BIND="127.0.0.1", KIOSK_EXPORT_HOST="127.0.0.1")
    import kiosk_testing as testing

    testing.virtual_display(W, H)
    testing.prepare_kivy(W, H)
    from kivy.base import EventLoop

    from kiosk.clock import SystemClock
    from kiosk.core.loader import load_method
    from kiosk.core.wall import Wall
    from kiosk.core.workshop import Workshop
    from kiosk.store import Store

    clock = SystemClock()
    data = Path(tempfile.mkdtemp(prefix="bench-pads-")) / "data"
    method = load_method(ROOT / "methods" / "trivselsdialog.toml")
    words = "travlhed vagtplan kollegaer møder ledelse opgaver tid borgere fravær hjælp ro overblik".split()
    with Store(data) as store:
        ws = Workshop.start(store, clock, method, "Hjemmeplejen Nord", lang="da")
        wall = Wall(store, ws.session.id, clock)
        with store.batch(ws.session.id):
            for i in range(100):
                wall.add_note("godt" if i % 2 else "mindre-godt",
                              " ".join(words[(i + j) % len(words)] for j in range(3 + i % 6)).capitalize(),
                              step="refleksion")
        ws.go_to(method.step_index("refleksion"))
        session_id = ws.session.id
    k = testing.Driver(data, clock=clock, lang="da")
    app = k.app
    k.frames(3)
    glue = app.pad_glue()
    assert glue.open(), "no running session for the phones"
    deadline = time.monotonic() + 20
    while glue.state != "on" and time.monotonic() < deadline:
        EventLoop.idle()
    assert glue.state == "on", glue.problem
    token, port, server_pid = glue._token, glue.link.port, glue.link.pid
    print(f"# the wall's writing step is up, its pad server at 127.0.0.1:{port} (pid {server_pid})", file=sys.stderr)

    def frame() -> tuple[float, float, float]:
        """One forced full redraw, timed; then wait for the next 60 fps slot."""
        at = time.monotonic()
        started = time.perf_counter()
        k.window.canvas.ask_update()
        EventLoop.idle()
        took = time.perf_counter() - started
        rest = FRAME - took
        if rest > 0:
            time.sleep(rest)
        return took, at, at + took

    def phones(target_port: int, tag: str, net: int) -> tuple[dict, dict, float]:
        """The phones at ``target_port`` while the kiosk draws: (frames in each window, report, seconds)."""
        proc = subprocess.Popen([sys.executable, __file__, "--client", str(target_port), "--token", token,
                                 "--phones", str(args.phones), "--seconds", str(args.seconds), "--poll", str(args.poll),
                                 "--notes", str(args.notes), "--tag", tag, "--net", str(net)],
                                stdout=subprocess.PIPE, text=True)
        during = []
        while proc.poll() is None:
            during.append(frame())
        out = json.loads(proc.stdout.read())
        frames = {name: [took for took, a, b in during if a >= w0 and b <= w1]
                  for name, (w0, w1) in out["windows"].items()}
        return frames, out, out["windows"]["write"][1] - out["windows"]["poll"][0]

    for _ in range(60):
        frame()
    # the control's canned bytes, taken from the real server
    import urllib.request

    folder = Path(tempfile.mkdtemp(prefix="bench-pads-static-"))
    (folder / "join").write_bytes(urllib.request.urlopen(f"http://127.0.0.1:{port}/j/{token}").read())
    # a joined phone's page for the control (joined in a thread: the join is applied on this one)
    made: list[bytes] = []
    maker = threading.Thread(target=lambda: made.append(_a_pad_page(port, token)))
    maker.start()
    while maker.is_alive():
        frame()
    (folder / "page").write_bytes(made[0])
    (folder / "fragment").write_bytes(made[0])
    server_rss0, kiosk_rss0 = rss_kb(server_pid), rss_kb()
    base, polled, loaded, control = [], [], [], []
    lat: dict[str, list[float]] = {}
    errors, sent, requests, busy, late = [], [], 0, 0.0, 0
    static = None
    try:
        for r in range(args.rounds):
            started = time.monotonic()
            while time.monotonic() - started < args.seconds:          # no phones
                base.append(frame()[0])
            got, out, took = phones(port, f"r{r}", 60 + r)
            polled += got["poll"]
            loaded += got["write"]
            for kind, xs in out["latencies"].items():
                lat.setdefault(kind, []).extend(xs)
            n = sum(len(xs) for kind, xs in out["latencies"].items() if kind != "join")
            requests += n
            busy += took
            errors += out["errors"]
            sent += out["sent"]
            late += len(out["late"])
            print(f"# round {r + 1}: {n} requests in {took:.1f} s after the joins, {len(out['errors'])} errors",
                  file=sys.stderr)
            if static is None:
                static = subprocess.Popen([sys.executable, __file__, "--static", str(folder)], stdout=subprocess.PIPE,
                                          text=True)
                static_port = int(static.stdout.readline())
            got, out, _ = phones(static_port, f"c{r}", 120 + r)
            control += got["poll"] + got["write"]
            print(f"# round {r + 1}, control: {sum(len(x) for x in out['latencies'].values())} requests", file=sys.stderr)
        for _ in range(30):   # the last answers reach the wall
            frame()
        devices = len(glue.pads().devices())
        server_rss1, kiosk_rss1 = rss_kb(server_pid), rss_kb()
        snap_bytes = len(json.dumps(glue.snapshot(), ensure_ascii=False).encode())
        stored = {n.text for n in Wall(app.store, session_id, clock).notes()}
    finally:
        if static is not None:
            static.kill()
    k.close()

    acked = [text for text, ok in sent if ok]
    # lost: answered "on the wall" but not in the store, or never answered (a failed request);
    # a refusal with its message (say "one at a time") is not lost: the phone keeps the text
    refused = sum(1 for e in errors if e.startswith("note refused"))
    lost = sum(1 for text in acked if text not in stored) + (len(sent) - len(acked) - refused)
    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    b, po, lo, c = ms(base), ms(polled), ms(loaded), ms(control)
    frames = {name: {"frames": len(xs), "p50_ms": round(statistics.median(xs), 2), "p95_ms": round(p(xs, 0.95), 2)}
              for name, xs in (("without_phones", b), ("polling", po), ("polling_and_writing", lo), ("control", c))}
    b95, b50 = frames["without_phones"]["p95_ms"], frames["without_phones"]["p50_ms"]
    poll95 = frames["polling"]["p95_ms"] / b95
    ratio95 = frames["polling_and_writing"]["p95_ms"] / b95
    ratio50 = frames["polling_and_writing"]["p50_ms"] / b50
    control95 = frames["control"]["p95_ms"] / b95
    poll_over_control = frames["polling"]["p95_ms"] / frames["control"]["p95_ms"]
    latency = {kind: {"n": len(xs), "p50_ms": round(p(ms(xs), 0.5), 1), "p95_ms": round(p(ms(xs), 0.95), 1),
                      "max_ms": round(max(ms(xs)), 1) if xs else 0.0} for kind, xs in lat.items()}
    every = ms([x for xs in lat.values() for x in xs])
    per_device_server = max(0.0, server_rss1 - server_rss0) / max(1, devices)
    per_device_kiosk = max(0.0, kiosk_rss1 - kiosk_rss0) / max(1, devices)
    report = {"size": args.size, "phones": args.phones, "rounds": args.rounds, "poll_s": args.poll,
              "notes_per_phone": args.notes, "requests": requests, "requests_per_s": round(requests / max(busy, 1e-9), 1),
              "errors": len(errors), "error_samples": errors[:10], "latency": latency,
              "latency_all_p95_ms": round(p(every, 0.95), 1),
              "send_to_wall_p95_ms": latency.get("note", {}).get("p95_ms"), "notes_sent": len(sent),
              "notes_lost": lost, "notes_refused": refused, "joined_late": late, "frames": frames, "polling_p95_ratio": round(poll95, 2),
              "writing_p95_ratio": round(ratio95, 2), "writing_p50_ratio": round(ratio50, 2),
              "control_p95_ratio": round(control95, 2), "polling_over_control_p95": round(poll_over_control, 2),
              "target": TARGET, "devices": devices,
              "server_rss_kb": [round(server_rss0), round(server_rss1)],
              "kb_per_device_server": round(per_device_server, 1), "kb_per_device_kiosk": round(per_device_kiosk, 1),
              "snapshot_bytes": snap_bytes, "snapshot_bytes_per_device": round(snap_bytes / max(1, devices))}
    hard = len(errors) - refused
    verdict = "" if min(poll95, poll_over_control) <= TARGET and not hard and not lost else "  OVER TARGET"
    print(f"pads at {args.size}: {args.phones} phones × {args.rounds} rounds (join, {args.seconds:.0f} s polling every "
          f"{args.poll} s, {args.seconds:.0f} s polling and writing {args.notes} notes each) = {requests} requests after "
          f"the joins, {report['requests_per_s']} req/s, {len(errors)} errors · latency p95 "
          f"{report['latency_all_p95_ms']} ms (state {latency['state']['p95_ms']} ms, join {latency['join']['p95_ms']} ms) · "
          f"send-to-wall p95 {report['send_to_wall_p95_ms']} ms, {len(sent)} notes, {lost} lost, {refused} refused · "
          f"frame p95 without "
          f"phones {b95} ms → polling {frames['polling']['p95_ms']} ms ({poll95:.2f}×, target ≤ {TARGET}×) → "
          f"polling and writing {frames['polling_and_writing']['p95_ms']} ms ({ratio95:.2f}×; p50 {ratio50:.2f}×){verdict}")
    print(f"control (the same phones, canned answers from a plain server in its own process): frame p95 "
          f"{frames['control']['p95_ms']} ms = {control95:.2f}× without phones; polling through the pad server against "
          f"it: {poll_over_control:.2f}× · memory per joined device: server "
          f"{per_device_server:.1f} KB, kiosk {per_device_kiosk:.1f} KB RSS (with its notes), snapshot "
          f"{report['snapshot_bytes_per_device']} B ({devices} devices)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pads.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if hard or lost else 0  # the frame ratios are reported, not failed on


def _a_pad_page(port: int, token: str) -> bytes:
    """A joined phone's page, as the real server makes it (for the control's canned answer)."""
    status, _, page = http(port, "GET", f"/j/{token}", "127.200.0.1")
    form = urlencode({"name": "", "role": "person", "nonce": NONCE.search(page).group(1).decode()}).encode()
    _, head, _ = http(port, "POST", f"/j/{token}", "127.200.0.1", form)
    cookie = head.get("set-cookie", "").split(";", 1)[0]
    return http(port, "GET", "/pad", "127.200.0.1", headers=(f"Cookie: {cookie}",))[2]


if __name__ == "__main__":
    sys.exit(main())
