"""The export page and its downloads in a real headless Chromium (Debian's package),
driven by Playwright over the DevTools protocol, against the real Store and the kiosk's
ExportLink with a web process of its own (``python -m kiosk.web.padserver``), as phones meet it.

Playwright never downloads a browser here: it launches /usr/bin/chromium. The tests skip,
saying why, only when that browser (or Playwright) is missing; ./dev.sh test installs both.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan, local_date
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop
from kiosk.web.exportlink import ExportLink
from kiosk.web.lan import ServerConfig

CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "export"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
XSS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} "
                       "(apt-get install chromium; ./dev.sh test does it)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (Python) is not installed")


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def session_id(store, clock, method):
    ws = Workshop.start(store, clock, method, "Køkkenet på Ærø", lang="da")
    wall = Wall(store, ws.session.id, clock)
    for text in XSS + ["Godt samarbejde på tværs af vagterne", "For få hænder om morgenen – især mandag"]:
        wall.add_note("godt", text, step="refleksion")
    wall.add_note("mindre-godt", "Vagtplanen kommer for sent ø å", step="refleksion")
    plan = ActionPlan(store, ws.session.id, clock)
    today = local_date(clock.now())
    for i, (theme, owner) in enumerate([("Travlhed om morgenen", "Mette Ærø"), (XSS[0], "=1+1"),
                                        ("Vagtplanen i god tid", "@Jonas Ødegård")]):
        a = plan.add(None, theme)
        plan.set_owner(a.id, owner)
        plan.set_follow_up(a.id, (today + timedelta(days=14 + 7 * i)).isoformat())
    return ws.session.id


@pytest.fixture
def srv(store, clock):
    s = ExportLink(store, clock, ServerConfig(bind="127.0.0.1", port=0, host="127.0.0.1"))
    yield s
    s.stop()


@pytest.fixture
def phone(browser):
    """A phone-sized page that records every dialog and console message."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                              is_mobile=True, has_touch=True, accept_downloads=True,
                              user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile")
    page = ctx.new_page()
    page.dialogs, page.console_lines = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: page.console_lines.append(m.text))
    yield page
    ctx.close()


def test_the_page_shows_the_export_and_no_script_runs(srv, session_id, phone):
    share = srv.share(session_id)
    response = phone.goto(share.url)
    assert response.status == 200
    assert phone.locator("h1").inner_text().strip()
    body = phone.locator("body")
    text = body.inner_text()
    for expected in ("Køkkenet på Ærø", "Travlhed om morgenen", "Mette Ærø", "Vagtplanen i god tid",
                     "Godt samarbejde på tværs af vagterne"):
        assert expected in text, expected
    assert phone.get_by_text("Travlhed om morgenen").first.is_visible()
    for bad in XSS:  # shown as the words people wrote …
        assert bad in text, bad
    assert phone.locator("script").count() == 0  # … not as elements
    assert phone.locator("img").count() == 0
    phone.wait_for_timeout(300)
    assert phone.dialogs == []  # no alert() fired
    assert phone.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
    downloads = phone.locator("a[download]")
    assert downloads.count() == 8  # 6 files and 2 print-outs (the poster, the top actions)
    box = downloads.first.bounding_box()
    assert box["height"] >= 44 and box["width"] <= 390  # finger-sized, fits the phone
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "phone-page-390x844.png"))
    phone.screenshot(path=str(SHOTS / "phone-page-390x844-full.png"), full_page=True)


def test_every_download_parses(srv, session_id, phone, tmp_path):
    import icalendar
    import pypdf

    share = srv.share(session_id)
    phone.goto(share.url)
    got = {}
    for link in phone.locator("a[download]").all():
        fmt = link.get_attribute("href").rsplit("/", 1)[1]
        with phone.expect_download() as info:
            link.click()
        d = info.value
        assert d.failure() is None
        path = tmp_path / d.suggested_filename
        d.save_as(path)
        got[fmt] = (d.suggested_filename, path.read_bytes())
    assert set(got) == {"md", "notes.csv", "actions.csv", "json", "ics", "pdf", "poster", "top"}
    for fmt, (name, _) in got.items():
        assert name.endswith({"md": ".md", "notes.csv": "-notes.csv", "actions.csv": "-actions.csv",
                              "json": ".json", "ics": ".ics", "pdf": ".pdf", "poster": "-poster.pdf",
                              "top": "-top.pdf"}[fmt]), name

    md = got["md"][1].decode("utf-8")
    assert "Travlhed om morgenen" in md and "Mette Ærø" in md

    for fmt in ("notes.csv", "actions.csv"):
        text = got[fmt][1].decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert len(rows) >= 2 and len({len(r) for r in rows}) == 1, fmt
        for cell in (c for r in rows for c in r):
            assert not cell.startswith(("=", "+", "-", "@")), (fmt, cell)  # no formula can run
    actions = got["actions.csv"][1].decode("utf-8-sig")
    assert "Mette Ærø" in actions and "'=1+1" in actions and "'@Jonas Ødegård" in actions
    assert XSS[0] in actions  # text stays text

    doc = json.loads(got["json"][1])
    assert XSS[0] in json.dumps(doc, ensure_ascii=False) and "Køkkenet på Ærø" in json.dumps(doc, ensure_ascii=False)

    cal = icalendar.Calendar.from_ical(got["ics"][1])
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) >= 3
    assert any("Travlhed om morgenen" in str(e.get("summary")) for e in events)

    pdf_path = tmp_path / "plan.pdf"
    pdf_path.write_bytes(got["pdf"][1])
    reader = pypdf.PdfReader(pdf_path)
    pdf_text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Travlhed om morgenen" in pdf_text and "Mette Ærø" in pdf_text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path),
                        str(SHOTS / "phone-download-pdf")], check=True, timeout=60)
        assert list(SHOTS.glob("phone-download-pdf*.png"))


def test_expired_and_unknown_links_in_the_browser(srv, session_id, phone, clock):
    short = srv.share(session_id, minutes=1)
    clock.advance(61)
    srv.share(session_id)  # another link keeps the server up (and the web process gets the kiosk's table)
    r = phone.goto(short.url)
    assert r.status == 410
    assert "udløbet" in phone.locator("h1").inner_text()  # the session is Danish
    assert phone.locator("script").count() == 0
    r = phone.goto(short.url.rsplit("/", 1)[0] + "/AAAAAAAAAAAAAAAAAAAAAA")
    assert r.status == 404
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    phone.screenshot(path=str(SHOTS / "phone-unknown-link.png"))


def test_the_board_export_in_the_browser(srv, session_id, phone):
    share = srv.share(None)
    phone.goto(share.url)
    text = phone.locator("body").inner_text()
    assert "Travlhed om morgenen" in text and "Vagtplanen i god tid" in text
    assert phone.dialogs == []
