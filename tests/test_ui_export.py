"""The Export screen in the real window: the QR code read back from a screenshot by a real
decoder (zxing-cpp), and the address it holds fetched from the kiosk's own server.

The server listens as on a real kiosk (all interfaces, the detected LAN address in the
code); only the port is any free one (KIOSK_EXPORT_PORT=0), so parallel runs do not
collide.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk.core.activities.actions import ActionPlan, local_date
from kiosk.core.tokens import REVOKED
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop

pytestmark = pytest.mark.window

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (the QR decoder) is not installed")
Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "tests"
THEMES = ["Travlhed om morgenen", "Færre afbrydelser på kontoret", "Bedre overlap mellem vagter"]


@pytest.fixture(autouse=True)
def free_port(monkeypatch):
    monkeypatch.setenv("KIOSK_EXPORT_PORT", "0")
    for name in ("KIOSK_EXPORT_HOST", "KIOSK_EXPORT_BIND", "KIOSK_EXPORT_MINUTES"):
        monkeypatch.delenv(name, raising=False)


def seed(k, team="Hjemmeplejen Nord", themes=THEMES, notes=()):
    app = k.app
    method = app.method_by_id("trivselsdialog")
    ws = Workshop.start(app.store, app.clock, method, team, lang="da")
    wall = Wall(app.store, ws.session.id, app.clock)
    for text in notes:
        wall.add_note("godt", text, step="refleksion")
    plan = ActionPlan(app.store, ws.session.id, app.clock)
    for i, theme in enumerate(themes):
        a = plan.add(None, theme)
        plan.set_owner(a.id, ["Mette", "Jonas", "Åse"][i % 3])
        plan.set_follow_up(a.id, (local_date(app.clock.now()) + timedelta(days=10 + i)).isoformat())
    return ws


def decode(k, name: str) -> list[str]:
    """Every QR code zxing-cpp finds in a screenshot of the window."""
    path = k.screenshot(SHOTS / name)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path)) if r.format == zxingcpp.BarcodeFormat.QRCode]


def decode_far(path: Path, shrink: int) -> list[str]:
    """The screenshot as a phone 1–2 m away might see it: shrunk, slightly blurred, grey."""
    from PIL import ImageFilter

    im = Image.open(path).convert("L")
    im = im.resize((im.width // shrink, im.height // shrink), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.6))
    return [r.text for r in zxingcpp.read_barcodes(im)]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def wait_mode(k, screen, mode, seconds=20):
    k.wait_until(lambda: screen.mode == mode, seconds)
    assert screen.mode == mode


def test_board_export_qr_decodes_from_a_screenshot_and_opens_the_page(kiosk):
    k = kiosk
    seed(k, notes=["<script>alert(1)</script>"])
    k.app.show("board")
    k.screen().refresh()
    k.frames(2)
    k.tap("export")
    assert k.app.sm.current == "export"
    screen = k.screen()
    qr = screen.ids.qr
    w, h = k.window.size
    assert qr.modules > 0 and qr.module_px * qr.modules >= 0.4 * h  # big enough for 1–2 m
    assert qr.module_px >= 6
    assert screen.address.startswith("http://") and "/e/" in screen.address
    assert k.find("address").text == screen.address  # the same address in text, under the code

    found = decode(k, "export-board-1920x1080.png")
    assert found == [screen.share.url]
    assert decode_far(SHOTS / "export-board-1920x1080.png", 5) == found  # ~5 px a module
    status, page = fetch(found[0])
    assert status == 200
    for theme in THEMES:
        assert theme in page
    assert "<script>alert" not in page
    status, ics = fetch(found[0] + "/ics")
    assert status == 200 and "BEGIN:VCALENDAR" in ics
    k.tap("done")                     # Done leaves the link open for the rest of its time
    assert k.app.sm.current == "board"
    assert k.app.export_server.seconds_left(screen.share.token.value) == 15 * 60
    assert fetch(found[0])[0] == 200


def admin_export(k, ws):
    """The running workshop's export, through the menu and the PIN."""
    app = k.app
    app.workshop = ws
    app.show("workshop")
    k.frames(2)
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    assert app.sm.current == "settings"
    k.tap("export")
    assert app.sm.current == "export"
    return k.screen()


def test_time_left_counts_down_and_expiry_closes_the_link(kiosk):
    k = kiosk
    screen = admin_export(k, seed(k))  # a workshop runs: the idle rule keeps away
    assert "15:00" in screen.left_text and screen.link_live
    k.advance(90)
    assert "13:30" in screen.left_text
    url = screen.share.url
    k.advance(14 * 60)
    assert screen.mode == "closed" and not screen.link_live
    assert "expired" in screen.message
    assert decode(k, "export-expired-1920x1080.png") == []  # no code left on the screen
    server = k.app.export_server
    k.wait_until(lambda: not server.running, 3)
    assert not server.running  # no live link: the server stopped
    k.tap("revoke")  # now "New link"
    assert screen.mode == "link" and screen.share.url != url
    assert decode(k, "export-new-link-1920x1080.png") == [screen.share.url]
    assert fetch(screen.share.url)[0] == 200


def test_revoke_closes_the_link_at_once(kiosk):
    k = kiosk
    seed(k)
    k.app.show("board")
    k.tap("export")
    screen = k.screen()
    url = screen.share.url
    assert fetch(url)[0] == 200
    k.tap("revoke")
    assert not screen.link_live and screen.mode == "closed"
    assert k.app.export_server.tokens.lookup(screen.share.token.value)[0] == REVOKED
    try:
        status = fetch(url)[0]
    except (urllib.error.URLError, ConnectionError):
        status = None  # the server already stopped: nothing answers
    assert status in (410, None)
    k.tap("done")
    assert k.app.sm.current == "board"


def test_offline_fallback_mail_and_text_codes_decode_from_the_screen(kiosk):
    k = kiosk
    themes = [f"{t} ({i})" for i in range(6) for t in THEMES]  # long enough for several text codes
    seed(k, themes=themes)
    k.app.show("board")
    k.tap("export")
    screen = k.screen()
    k.tap("offline")
    wait_mode(k, screen, "offline")
    assert screen.offline_total >= 3
    assert screen.ids.qr.module_px >= 5

    found = decode(k, "export-offline-mail-1920x1080.png")
    assert len(found) == 1 and found[0].startswith("mailto:?subject=")
    assert decode_far(SHOTS / "export-offline-mail-1920x1080.png", 3) == found  # ~3 px a module
    query = parse_qs(urlsplit(found[0]).query)
    assert "åbne" in query["subject"][0] or "Statuspil" in query["subject"][0]
    body = query["body"][0]
    assert themes[0] in body and "Åse" in body or "Jonas" in body

    texts = []
    for i in range(1, screen.offline_total):
        k.tap("next")
        got = decode(k, f"export-offline-text{i}-1920x1080.png")
        assert len(got) == 1, i
        texts.append(got[0])
    assert k.find("next").disabled
    total = screen.offline_total - 1
    assert [t.split("\n", 1)[0] for t in texts] == [f"{n}/{total}" for n in range(1, total + 1)]
    whole = "\n".join(t.split("\n", 1)[1] for t in texts)
    for theme in themes:
        assert theme in whole
    k.tap("prev")
    assert screen.offline_index == total - 1
    k.tap("offline")  # back to the link
    assert screen.mode == "link"
    assert decode(k, "export-back-to-link-1920x1080.png") == [screen.share.url]


def test_admin_menu_exports_the_running_workshop_and_offers_it_at_the_end(kiosk):
    k = kiosk
    app = k.app
    ws = seed(k, team="Køkkenet æøå")
    screen = admin_export(k, ws)
    assert "Køkkenet æøå" in screen.what_text
    found = decode(k, "export-session-1920x1080.png")
    assert found == [screen.share.url]
    status, page = fetch(found[0])
    assert status == 200 and "Køkkenet æøå" in page
    k.tap("done")
    assert app.sm.current == "settings"

    k.tap("end")
    k.tap(app.confirm_view.ids.yes)          # end the workshop …
    assert app.workshop is None
    assert "QR" in app.confirm_view.question  # … and the export is offered
    k.tap(app.confirm_view.ids.yes)
    assert app.sm.current == "export"
    assert screen.scope == ws.session.id
    assert decode(k, "export-after-end-1920x1080.png") == [screen.share.url]
    k.tap("done")
    assert app.sm.current == app.idle_screen()


def test_touch_targets_and_text_sizes(kiosk):
    k = kiosk
    seed(k)
    k.app.show("board")
    k.tap("export")
    for name in ("offline", "revoke", "done"):
        assert k.find(name).height >= 80
    assert k.find("instructions").font_size >= 28 and k.find("address").font_size >= 28
