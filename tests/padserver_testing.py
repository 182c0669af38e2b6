"""The pad server in its own process, with this test process as the kiosk.

``Room`` is the kiosk's side: a real store, the session's real wall, people and
``kiosk.core.pads.Pads``, the real ``kiosk.core.padview`` making snapshots and applying
intents, and a ``PadLink`` that started ``python -m kiosk.web.padserver``. ``Phone`` is
a phone's browser over real HTTP (its own loopback address, its cookie, the page's
nonce). Used by tests/test_padserver*.py and benchmarks/bench_pads.py.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

from kiosk.core import padview
from kiosk.core.method import Step
from kiosk.core.pads import Pads
from kiosk.core.people import People
from kiosk.core.wall import Wall
from kiosk.web.padlink import PadLink

WRITE = Step(id="skriv", title="Skriv", minutes=8, activity="write", prompts=("Hvad virker godt?",),
             params={"kinds": [{"id": "godt", "title": "Godt", "colour": "yellow"},
                               {"id": "mindre", "title": "Mindre godt", "colour": "pink"}],
                     "max_length": 120, "face_down": False, "max_per_person": 40})
VOTE = Step(id="stem", title="Stem", minutes=5, activity="vote",
            params={"mode": "dots", "budget": 3, "max_per_note": 2})
TALK = Step(id="snak", title="Snak", minutes=5, activity="talk")
NONCE = re.compile(rb'name="nonce" value="([^"]+)"')


def serve_room(tmp_path_factory):
    """One server for a test module (a process start costs ~0.3 s), on its own store:
    tests use their own loopback addresses and phones, so they do not meet each other's
    limits. A generator for a module's ``room`` fixture."""
    from kiosk.clock import FakeClock
    from kiosk.store import Store

    clock = FakeClock(1_800_000_000.0)
    store = Store(tmp_path_factory.mktemp("pads") / "data", clock=clock)
    store.save_session({"id": "s1", "team": "Køkkenet", "status": "running", "created_at": 1.0})
    r = Room(store, clock).start()
    yield r
    r.stop()
    store.close()


class Room:
    """The kiosk: applies the phones' intents on the link's reader thread (as the app's
    ``run`` puts them on the Kivy thread), one at a time, under ``lock``."""

    def __init__(self, store, clock, *, lang: str = "da", run=None) -> None:
        self.store, self.clock, self.lang = store, clock, lang
        self.people = People(store, "s1", clock)
        self.wall = Wall(store, "s1", clock)
        self.here = {"step": WRITE}
        self.pads = Pads(store, "s1", clock, wall=self.wall, people=self.people, step=lambda: self.here["step"])
        self.session = SimpleNamespace(id="s1", team="Køkkenet <b>", method=None, timers={})
        self.lock = threading.RLock()
        self.serial = 0
        self.intents: list[str] = []
        self.hold = threading.Event()
        """Set: intents wait (a kiosk that does not answer)."""
        self.link = PadLink(self.on_intent, host="127.0.0.1", port=0, public_host="127.0.0.1",
                            **({"run": run} if run else {}))
        self.link.snapshot = self.snapshot

    def start(self) -> "Room":
        self.link.start()
        self.publish()
        return self

    @property
    def port(self) -> int:
        return self.link.port

    def on_intent(self, intent: dict) -> dict:
        while self.hold.is_set():
            time.sleep(0.05)
        with self.lock:
            self.intents.append(str(intent.get("op")))
            return padview.apply(self.pads, intent, self.lang)

    def snapshot(self) -> dict:
        with self.lock:
            self.serial += 1
            return padview.snapshot(self.pads, self.session, serial=self.serial, lang=self.lang)

    def publish(self) -> int:
        """Send a fresh snapshot; once written, the server reads it before any later request."""
        snap = self.snapshot()
        self.link.publish(snap)
        assert self.link.drain(3.0), "the snapshot did not reach the server"
        return snap["serial"]

    def open(self) -> str:
        with self.lock:
            token = self.pads.open_door()
        self.publish()
        return token

    def step(self, step: Step) -> None:
        with self.lock:
            self.here["step"] = step
        self.publish()

    def stop(self) -> None:
        self.link.stop()


def request(port: int, method: str, path: str, body: bytes | str | None = None, headers=None,
            src: str = "127.0.0.1", timeout: float = 10.0) -> tuple[int, dict, bytes]:
    """One HTTP request: (status, headers with lower-case names, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(src, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


@dataclass
class Phone:
    """One phone's browser: its own address and cookie."""

    port: int
    src: str = "127.0.0.1"
    cookie: str = ""

    def get(self, path: str, headers=None) -> tuple[int, dict, bytes]:
        h = {"Cookie": f"pad={self.cookie}"} if self.cookie else {}
        return request(self.port, "GET", path, headers={**h, **(headers or {})}, src=self.src)

    def post(self, path: str, fields, *, as_json: bool = False, headers=None) -> tuple[int, dict, bytes]:
        body = fields if isinstance(fields, (bytes, str)) else urlencode(fields)
        h = {"Content-Type": "application/x-www-form-urlencoded", "Host": f"127.0.0.1:{self.port}",
             "Origin": f"http://127.0.0.1:{self.port}", "Sec-Fetch-Site": "same-origin"}
        if self.cookie:
            h["Cookie"] = f"pad={self.cookie}"
        if as_json:
            h["Accept"] = "application/json"
        h.update(headers or {})
        return request(self.port, "POST", path, body=body, headers={k: v for k, v in h.items() if v is not None},
                       src=self.src)

    def join(self, token: str, name: str = "", table: str = "", role: str = "person") -> tuple[int, dict, bytes]:
        status, _, page = self.get(f"/j/{token}")
        assert status == 200, page[:300]
        nonce = NONCE.search(page).group(1).decode()
        status, head, body = self.post(f"/j/{token}", {"name": name, "table": table, "role": role, "nonce": nonce})
        cookie = head.get("set-cookie", "")
        if status == 303 and cookie.startswith("pad="):
            self.cookie = cookie.split(";", 1)[0][4:]
        return status, head, body

    def nonce(self) -> str:
        status, _, page = self.get("/pad")
        assert status == 200, page[:300]
        return NONCE.search(page).group(1).decode()

    def send(self, op: str, nonce: str | None = None, **fields) -> dict:
        """An intent as pad.js sends it; the JSON answer (with the HTTP status in 'status')."""
        status, _, body = self.post(f"/pad/{op}", {**fields, "nonce": nonce or self.nonce()}, as_json=True)
        out = json.loads(body)
        out["status"] = status
        return out

    def state(self) -> int | None:
        status, _, body = self.get("/pad/state")
        return json.loads(body).get("serial") if status == 200 else None
