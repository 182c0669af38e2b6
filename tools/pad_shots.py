"""Screenshots of the pad pages as a phone shows them (390×844), one per step kind.

    .venv/bin/python tools/pad_shots.py [--out screenshots/pads] [--lang da]

Renders sample VIEWs with ``kiosk.web.padpages`` and opens them in headless Chromium
(/usr/bin/chromium through Playwright), the page, pad.css and pad.js answered from
Python under the pad server's Content-Security-Policy, so a style or script the CSP
would block shows up here as a console error (printed) rather than on a phone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.web import padpages  # noqa: E402

CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
ORIGIN = "http://pad.test"


def _me(lang: str) -> dict:
    label = {"da": "Deltager 7", "nb": "Deltaker 7"}.get(lang, "Participant 7")
    table = {"da": "Bord 2", "nb": "Bord 2"}.get(lang, "Table 2")
    return {"label": label, "role": "person", "table": 2, "table_label": table}


def samples(lang: str = "da") -> dict[str, dict]:
    """A VIEW per step kind, as ``kiosk.core.padview.for_device`` gives them, with Danish text."""
    now = time.time()
    base = {"lang": lang, "team": "Køkkenet på Ærø", "serial": 12, "paused": False, "me": _me(lang)}

    def step(sid, title, pad, prompts=(), minutes=None, groups=False):
        return {"id": sid, "title": title, "pad": pad, "prompts": list(prompts),
                "ends_at": now + minutes * 60 if minutes else None, "groups": groups}
    kinds = [{"id": "godt", "title": "Det der virker godt", "colour": "#f0e442"},
             {"id": "mindre", "title": "Det der virker mindre godt", "colour": "#cc79a7"}]
    return {
        "write": dict(base, step=step("refleksion", "Individuel refleksion", "write",
                                      ["Hvad virker godt i vores hverdag?", "Hvad virker mindre godt?"], 7),
                      write={"kinds": kinds, "max_length": 140, "face_down": True, "notes": [
                          {"id": "n1", "kind": "godt", "text": "Godt samarbejde på tværs af vagterne", "editable": True,
                           "held": False},
                          {"id": "n2", "kind": "mindre", "text": "Vagtplanen kommer for sent", "editable": True,
                           "held": True},
                          {"id": "n3", "kind": "godt", "text": "Morgenmødet er kort og klart", "editable": False,
                           "held": False},
                          {"id": "h4", "kind": "mindre", "text": "Min kollega Bo kommer altid for sent",
                           "editable": False, "held": False, "declined": True}]}),
        "vote": dict(base, step=step("prioriter", "Prioritér temaerne", "vote",
                                     ["Sæt jeres prikker på det, der betyder mest."], 4),
                     vote={"ballot": [
                         {"id": "a", "text": "For få hænder om morgenen – især mandag", "mine": 2, "total": 6},
                         {"id": "b", "text": "Vagtplanen kommer for sent", "mine": 1, "total": 4},
                         {"id": "c", "text": "Ingen tid til faglig sparring", "mine": 0, "total": 3},
                         {"id": "d", "text": "Larm i frokoststuen", "mine": 0, "total": 0}],
                         "budget": 5, "cap": 2, "left": 2, "done": False, "show_totals": True,
                         "done_count": 4, "voters": 11}),
        "vote-hidden": dict(base, step=step("prioriter", "Prioritér temaerne", "vote", [], None),
                            vote={"ballot": [
                                {"id": "a", "text": "For få hænder om morgenen – især mandag", "mine": 2, "total": None},
                                {"id": "b", "text": "Vagtplanen kommer for sent", "mine": 1, "total": None}],
                                "budget": 3, "cap": 2, "left": 0, "done": True, "show_totals": False,
                                "done_count": 9, "voters": 11}),
        "rate": dict(base, step=step("udsagn", "Hvordan har vi det på jobbet?", "rate",
                                     ["Marker hvert udsagn grønt, gult eller rødt."], 25, groups=True),
                     rate={"statements": [
                         {"id": "s1", "text": "Vi sier ifra når noe er galt", "mine": "green"},
                         {"id": "s2", "text": "Vi hjelper hverandre når det er travelt", "mine": "yellow"},
                         {"id": "s3", "text": "Vi snakker med hverandre, ikke om hverandre", "mine": "red"},
                         {"id": "s4", "text": "Lederen er tilgjengelig når vi trenger det", "mine": None},
                         {"id": "s5", "text": "Vi vet hva som forventes av oss", "mine": None}]}),
        "rate-own-scale": dict(base, step=step("terskel", "Terskel for sykefravær", "rate", [], 10),
                               rate={"statements": [
                                   {"id": "0", "text": "Terskelen for å melde seg syk hos oss er …", "mine": "passe"}],
                                   "scale": [{"id": "for lav", "text": "for lav"}, {"id": "passe", "text": "passe"},
                                             {"id": "for høy", "text": "for høy"}]}),
        "table-tablet": dict(base, me={"label": "Bord 3", "role": "table", "table": 3, "table_label": "Bord 3"},
                             step=step("refleksion", "Individuel refleksion", "write", [], 7),
                             write={"kinds": kinds, "max_length": 140, "face_down": False, "notes": []}),
        "signup": dict(base, step=step("tilmelding", "Meld dig på et tema", "signup", [], None),
                       signup={"themes": [{"id": "t1", "text": "Travlhed om morgenen", "mine": False},
                                          {"id": "t2", "text": "Vagtplanen i god tid", "mine": True},
                                          {"id": "t3", "text": "Faglig sparring", "mine": False}]}),
        "present": dict(base, step=step("fremlaeg", "Fremlæg jeres post-its", "present",
                                        ["To ad gangen: en der virker godt, en der virker mindre godt."], 30),
                        present={"turn": True, "who": None, "notes": [
                            {"id": "n1", "kind": "godt", "text": "Godt samarbejde på tværs af vagterne",
                             "colour": "#f0e442"},
                            {"id": "n2", "kind": "mindre", "text": "Vagtplanen kommer for sent", "colour": "#cc79a7"}]}),
        "present-wait": dict(base, step=step("fremlaeg", "Fremlæg jeres post-its", "present", [], 30),
                             present={"turn": False, "who": "Mette", "notes": []}),
        "info": dict(base, step=step("velkomst", "Velkomst og introduktion", "info",
                                     ["Hvorfor er vi her i dag?", "Sådan arbejder vi: alle stemmer tæller, "
                                      "vi taler om sagen, ikke om personer."], 10)),
        "paused": dict(base, paused=True, step=step("refleksion", "Individuel refleksion", "write", [], 3),
                       write={"kinds": kinds[:1], "max_length": 140, "face_down": False, "notes": []}),
    }


def public(lang: str = "da", open_: bool = True) -> dict:
    return {"lang": lang, "team": "Køkkenet på Ærø", "door": {"open": open_}, "tables": [1, 2, 3],
            "table_labels": {}, "step": {"title": "Individuel refleksion", "pad": "write"}}


def pages(lang: str = "da") -> dict[str, bytes]:
    out = {name: padpages.pad_page(v, nonce="n0nce", message="") for name, v in samples(lang).items()}
    out["write-message"] = padpages.pad_page(samples(lang)["write"], nonce="n0nce",
                                             message=padpages.message_for(lang, "too_fast"))
    out["write-refused-nojs"] = padpages.pad_page(  # a refused note comes back in its form, words kept
        samples(lang)["write"], nonce="n0nce", message=padpages.message_for(lang, "too_fast"),
        draft={"kind": "mindre", "text": "Vi når aldrig at tale om det faglige på personalemøderne"})
    out["join"] = padpages.join_page(public(lang), token_path="/j/abc", nonce="n0nce")
    out["join-closed"] = padpages.join_page(public(lang, False), token_path="/j/abc", nonce="n0nce")
    out["plain-unknown"] = padpages.plain_page(lang, *padpages.PLAIN["unknown_device"], 403)
    return out


def shoot(out_dir: Path, lang: str, full: bool = False) -> list[str]:
    from playwright.sync_api import sync_playwright
    out_dir.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    rendered = pages(lang)
    current = {"html": b""}

    def handle(route):
        url = route.request.url
        path = url[len(ORIGIN):]
        if path.startswith("/static/"):
            f = padpages.STATIC / path[len("/static/"):].split("?")[0]
            ctype = "text/css" if f.suffix == ".css" else "text/javascript"
            route.fulfill(status=200, body=f.read_bytes(), headers={"Content-Type": ctype + "; charset=utf-8"})
        elif path.startswith("/pad/state"):
            route.fulfill(status=200, body=json.dumps({"serial": 12}), headers={"Content-Type": "application/json"})
        else:
            route.fulfill(status=200, body=current["html"],
                          headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP})
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale=lang)
        page = ctx.new_page()
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.route("**/*", handle)
        for name, html in rendered.items():
            current["html"] = html
            page.goto(f"{ORIGIN}/pad")
            page.wait_for_load_state("networkidle")
            path = out_dir / f"{lang}-{name}.png"
            page.screenshot(path=str(path), full_page=full)
            print(path)
        browser.close()
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "screenshots" / "pads"))
    ap.add_argument("--lang", default="da", choices=["da", "nb", "en"])
    ap.add_argument("--full", action="store_true", help="the whole page, not only the first screen")
    a = ap.parse_args()
    problems = shoot(Path(a.out), a.lang, a.full)
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
