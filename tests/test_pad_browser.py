"""Phones as pads in a real headless Chromium (Debian's package, driven by Playwright)
against the REAL kiosk window: the app's glue starts the pad server in its own process,
and the phones' notes and votes land on the wall and in the store.

Six phones, each a browser context of its own (a phone of 390×844): three with
JavaScript (pad.js sends forms with fetch and follows the wall by polling) and three
with JavaScript off (plain form posts and redirects). Playwright's sync API lives in one
worker thread of its own; the test's thread is the kiosk's (Kivy's) and keeps drawing
frames while the phones wait for the wall, as the wall does in a room.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from pathlib import Path

import pytest

from kiosk.core.wall import Wall

CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "pads"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.window,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} "
                       "(apt-get install chromium; ./dev.sh test does it)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (Python) is not installed")


class Phones:
    """Playwright in a thread of its own; ``do(f)`` runs ``f(browser)`` there while the
    kiosk's thread keeps drawing frames until it is done."""

    def __init__(self, k) -> None:
        self.k = k
        self.jobs: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="playwright", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                while True:
                    job = self.jobs.get()
                    if job is None:
                        return
                    f, box = job
                    try:
                        box["value"] = f(browser)
                    except BaseException as e:  # noqa: BLE001 - handed to the test's thread
                        box["error"] = e
                    box["done"] = True
            finally:
                browser.close()

    def do(self, f, seconds: float = 60.0):
        box: dict = {}
        self.jobs.put((f, box))
        deadline = time.monotonic() + seconds
        while not box.get("done") and time.monotonic() < deadline:
            self.k.frames(1)
        if "error" in box:
            raise box["error"]
        assert box.get("done"), "the phones did not finish in time"
        return box.get("value")

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join(10)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"live-{name}.png"), full_page=False)


def go_to(k, step_id: str) -> None:
    from kiosk.ui.act import FAILED

    ws = k.app.workshop
    assert k.app.act(ws.go_to, ws.session.method.step_index(step_id), undo=ws) is not FAILED
    k.frames(3)


def test_six_phones_join_write_and_vote_on_the_real_wall_with_and_without_javascript(kiosk, monkeypatch):
    k = kiosk
    monkeypatch.setenv("KIOSK_EXPORT_BIND", "127.0.0.1")
    monkeypatch.setenv("KIOSK_EXPORT_HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_EXPORT_PORT", "0")
    app = k.app
    assert app.start_workshop(app.method_by_id("trivselsdialog"), "Køkkenet")
    go_to(k, "refleksion")
    glue = app.pad_glue()
    assert glue.open()
    assert k.wait_until(lambda: glue.state == "on", 20), glue.problem
    k.frames(3)
    url = glue.join_url
    assert url.startswith("http://127.0.0.1:") and "/j/" in url
    sid = app.workshop.session.id
    names = ["Ane", "Bo", "<b>Cy</b>", "Dan", "Eva", ""]
    phones = Phones(k)
    pages: list = []
    errors: list[str] = []
    try:
        def join(browser):
            for i, name in enumerate(names):
                ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                          is_mobile=True, has_touch=True, java_script_enabled=i < 3,
                                          user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile")
                page = ctx.new_page()
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(url)
                if i == 0:
                    shot(page, "join")
                if name:
                    page.fill("#name", name)
                page.click("form.joinform button[type=submit]")
                page.wait_for_url("**/pad", timeout=10000)
                pages.append(page)
            shot(pages[0], "write")
            return [p.url for p in pages]

        urls = phones.do(join)
        assert all(u.endswith("/pad") for u in urls)
        assert len(glue.pads().devices()) == 6 and glue.joined == 6

        texts = [f"Phone {i} writes: more quiet time ø" for i in range(6)]

        def write(browser):
            for i, page in enumerate(pages):
                page.fill("#note-text", texts[i])
                page.click("form.send button[type=submit]")
            for i, page in enumerate(pages):   # with or without script, the note is on the phone
                page.wait_for_selector(f"ul.mine li.note >> text={texts[i]}", timeout=10000)
            shot(pages[0], "write-sent")
            shot(pages[3], "write-sent-nojs")
            return pages[2].content()

        content = phones.do(write)
        assert "<b>Cy</b>" not in content
        stored = {n.text: n for n in Wall(app.store, sid, app.clock).notes()}
        assert set(texts) <= set(stored)
        assert len({stored[t].author for t in texts}) == 6           # each phone its own participant
        board = k.find("activity").children[0].ids.board
        assert {stored[t].key for t in texts} <= set(board.cards)      # on the wall (face down)

        # the notes are turned up and the wall moves on to the vote
        from kiosk.ui.act import FAILED

        wall = app.wall()
        assert app.act(wall.reveal, [stored[t].id for t in texts], undo=wall) is not FAILED
        go_to(k, "afstemning")

        def vote(browser):
            for i, page in enumerate(pages):
                if i < 3:   # pad.js follows the wall by itself
                    page.wait_for_selector("section.vote", timeout=10000)
                else:
                    page.goto(page.url.split("/pad")[0] + "/pad")
                    page.wait_for_selector("section.vote", timeout=5000)
            shot(pages[0], "vote")
            for i, page in enumerate(pages):   # everyone marks the first item; the script phones the second too
                for n in ((0, 1) if i < 3 else (0,)):
                    page.locator("ol.ballot li.item").nth(n).locator("button.plus").click()
                    page.wait_for_selector(f"ol.ballot li.item:nth-child({n + 1}) .dot", timeout=10000)
                page.click("section.vote form[action='/pad/done'] button")
                page.wait_for_selector("p.banner.ok", timeout=10000)
            shot(pages[0], "vote-done")
            shot(pages[4], "vote-done-nojs")
            return [page.locator("ol.ballot li.item").first.inner_text() for page in pages]

        phones.do(vote)
        k.frames(5)
        pads = glue.pads()
        step = app.workshop.session.step
        rnd = pads.vote_round(step)
        totals = rnd.totals()
        first, second = rnd.items[0], rnd.items[1]
        assert (totals.get(first), totals.get(second)) == (6, 3)
        assert pads.voted_count(step.id) == (6, 6)
        view = k.find("activity").children[0]
        badges = {key: card.badge for key, card in view.ids.board.cards.items()}
        assert badges[first].endswith("6") and badges[second].endswith("3")  # the wall shows the totals

        # the other kinds of page: presenting one's own, and a step with no pad (info)
        go_to(k, "praesentation")

        def present(browser):
            pages[0].wait_for_selector("section.present", timeout=10000)
            shot(pages[0], "present")
            return True

        phones.do(present)
        go_to(k, "gruppering")

        def info(browser):
            pages[0].wait_for_selector("#view[data-pad=info]", timeout=10000)
            shot(pages[0], "info")
            return True

        glue.close_door()
        k.frames(3)
        phones.do(info)

        def closed(browser):
            pages[5].goto(url)
            shot(pages[5], "door-closed")
            return pages[5].content()

        assert "closed" in phones.do(closed).lower()
    finally:
        phones.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
