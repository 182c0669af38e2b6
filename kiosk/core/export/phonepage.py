"""The phone page: what a phone shows at the export link (and ``kiosk export --format html``).

One HTML5 document in the document's language: inline CSS, no script and nothing
loaded from anywhere (its Content-Security-Policy says so too); every text people
wrote is escaped. The download buttons link to the ``FORMATS`` the caller gives
URLs for; only http(s) or relative links become buttons. The print-outs come apart,
and only those the session has something for (no cards to cut out for a method
without cards).
"""

from __future__ import annotations

import html
import re
from typing import Any, Optional

from kiosk import i18n
from kiosk.i18n import N_

from .formats import FORMATS, Format, filename, offered
from .text import decision_line, decision_log, decision_state
from .text import (IGLO_LABELS, MISSING_LABELS, QUADRANTS, VERDICT_LABELS, activity_sections, behind_notes,
                   item_facts, meetings_text, minutes_sections, quadrant_title, stage_text, title, translator,
                   wall_sections, when, worth_showing)

__all__ = ["page", "esc", "matrix_svg", "PAGE", "CSS"]


def esc(value: Any) -> str:
    """Text for HTML, in content and in quoted attributes alike."""
    return html.escape(str(value if value is not None else ""), quote=True)


_SAFE_LINK = re.compile(r"^(?:https?://|/|\./|\?)[^\s\"'<>`\\]*$", re.IGNORECASE)


def _safe_link(url: str) -> Optional[str]:
    """Only http(s) or relative links reach a button (never javascript: or data:)."""
    return url if isinstance(url, str) and _SAFE_LINK.match(url) else None


CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f1ea}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0 .4rem;line-height:1.2}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem;border-bottom:2px solid #d8d2c4;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:.2rem 0 .4rem}
.meta{margin:0 0 .8rem;padding:0;list-style:none;color:#444}
.meta li{display:inline-block;margin-right:1rem}
.downloads{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin:.8rem 0}
.downloads a{overflow-wrap:normal;hyphens:auto;display:block;padding:.8rem .6rem;min-height:3rem;background:#1f4e79;color:#fff;text-decoration:none;border-radius:.5rem;text-align:center;font-weight:600}
.card{background:#fff;border-radius:.6rem;padding:.8rem 1rem;margin:.6rem 0;box-shadow:0 1px 2px rgba(0,0,0,.12)}
.card dl{margin:.4rem 0}
.card dt{font-weight:600;color:#555;font-size:.9rem;margin-top:.45rem}
.card dd{margin:0;overflow-wrap:anywhere}
main,h1,h3,li,p{overflow-wrap:anywhere}
.stages{display:flex;flex-wrap:wrap;gap:.25rem;margin:.4rem 0;padding:0;list-style:none}
.stages li{padding:.15rem .5rem;border:1px solid #9aa5b1;border-radius:1rem;font-size:.85rem;color:#555}
.stages li.done{background:#dfe8f1;color:#1b1f24}
.stages li.now{background:#1f4e79;color:#fff;border-color:#1f4e79;font-weight:700}
.flag{display:inline-block;padding:.05rem .45rem;border-radius:.3rem;font-size:.85rem;font-weight:700;margin-left:.3rem}
.flag.overdue{background:#b3261e;color:#fff}
.flag.parked{background:#6b6b6b;color:#fff}
.flag.missing{background:#f3d36b;color:#1b1f24}
.flag.won{background:#dcefdc;color:#1b1f24;margin-left:0;white-space:nowrap}
.notes{margin:.3rem 0 0;padding-left:1.2rem}
.notes li{margin:.15rem 0;overflow-wrap:anywhere}
.theme{font-weight:700}
.kind{font-size:.8rem;color:#666}
ol.rank{padding-left:0;list-style:none}
ol.rank li{display:flex;gap:.6rem;align-items:baseline;padding:.3rem 0;border-bottom:1px solid #e4dfd3}
ol.rank .n{min-width:2.2rem;font-weight:700}
ol.rank .p{margin-left:auto;font-weight:700;white-space:nowrap}
svg{width:100%;height:auto;background:#fff;border-radius:.6rem}
.legend{padding-left:1.4rem}
footer{margin:2rem 0 1rem;color:#666;font-size:.85rem}
@media print{body{background:#fff;font-size:11pt}.noprint{display:none}
.card{box-shadow:none;border:1px solid #ccc;break-inside:avoid}h2{break-after:avoid}}
"""


def page(doc: dict, links: dict[str, str]) -> str:
    """The phone page: a complete HTML5 document in the doc's language, CSS inline, no
    script, no external resource. ``links`` maps a format to the URL of its download
    (formats without a safe link get no button)."""
    lang = doc.get("lang", i18n.DEFAULT)
    t = translator(lang)
    parts: list[str] = []
    add = parts.append
    head_title = title(doc, t)
    add("<!DOCTYPE html>")
    add(f'<html lang="{esc(lang)}"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'style-src \'unsafe-inline\'; img-src data:; form-action \'none\'; base-uri \'none\'">')
    add('<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">')
    add(f"<title>{esc(head_title)}</title><style>{CSS}</style></head><body><main>")
    add(f"<h1>{esc(head_title)}</h1>")
    if doc.get("kind") == "session":
        s = doc["session"]
        add('<ul class="meta">')
        add(f"<li>{esc(t(N_('Method')))}: <b>{esc(s['method_title'])}</b></li>")
        add(f"<li>{esc(t(N_('Team')))}: <b>{esc(s['team'])}</b></li>")
        add(f"<li>{esc(t(N_('Date')))}: <b>{esc(s['date'])}</b></li>")
        add(f"<li>{esc(t(N_('Meetings')))}: <b>{esc(meetings_text(s, t))}</b></li>")
        if s.get("next_meeting"):
            add(f"<li>{esc(t(N_('Next meeting')))}: <b>{esc(s['next_meeting'])}</b></li>")
        add("</ul>")
    else:
        add(f'<ul class="meta"><li>{esc(t(N_("Exported")))}: <b>{esc(when(doc))}</b></li></ul>')
    buttons = [(fmt, _safe_link(links.get(fmt, ""))) for fmt in offered(doc) if fmt in (links or {})]
    buttons = [(fmt, url) for fmt, url in buttons if url]
    for heading, paper in ((N_("Download"), False), (N_("Print-outs"), True)):
        mine = [(fmt, url) for fmt, url in buttons if FORMATS[fmt].paper == paper]
        if not mine:
            continue
        add(f'<h2 class="noprint">{esc(t(heading))}</h2><nav class="downloads noprint">')
        for fmt, url in mine:
            add(f'<a href="{esc(url)}" download="{esc(filename(doc, fmt))}">{esc(t(FORMATS[fmt].label))}</a>')
        add("</nav>")
    add(f"<h2>{esc(t(N_('Action plan')))}</h2>")
    if not doc["actions"]:
        add(f"<p>{esc(t(N_('No actions yet.')))}</p>")
    for n, a in enumerate(doc["actions"], 1):
        add(_action_card(doc, a, n, t))
    if doc.get("kind") == "session":
        _minutes(doc, t, add)
        _wall(doc, t, add)
    if doc.get("meetings"):
        add(f"<h2>{esc(t(N_('Next meetings')))}</h2><ul>")
        for m in doc["meetings"]:
            add(f"<li><b>{esc(m['date'])}</b>: {esc(m['team'])} ({esc(m['method_title'])})</li>")
        add("</ul>")
    add(f"<footer>{esc(t(N_('Exported from the dialog kiosk')))} {esc(when(doc))}</footer>")
    add("</main></body></html>")
    return "\n".join(parts)


def _action_card(doc: dict, a: dict, n: int, t) -> str:
    out = ['<section class="card">']
    head = a["problem"] or a["measure"] or t(N_("Action"))
    flags = ""
    if a.get("overdue"):
        flags += f'<span class="flag overdue">⚠ {esc(t(N_("Overdue")))}</span>'
    if a.get("parked"):
        flags += f'<span class="flag parked">⏸ {esc(t(N_("Parked")))}</span>'
    if a.get("dropped"):
        flags += f'<span class="flag parked">{esc(t(N_("Dropped")))}</span>'
    d = a.get("decision")
    if d and d["state"] != "approved":
        flags += f'<span class="flag parked">{esc(decision_state(d, t))}</span>'
    out.append(f"<h3>{n}. {esc(head)}{flags}</h3>")
    if doc.get("kind") == "board":
        out.append(f'<p class="kind">{esc(a["team"])} · {esc(a["method_title"])}</p>')
    if not d or d["state"] == "approved":  # a proposal has no place on the arrow yet
        out.append('<ol class="stages">')
        for i, name in enumerate(a["stages"]):
            cls = "now" if i == a["stage"] else "done" if i < a["stage"] else ""
            mark = "▶ " if i == a["stage"] else "✓ " if i < a["stage"] else ""
            out.append(f'<li class="{cls}">{mark}{esc(name)}</li>')
        out.append("</ol>")
    out.append("<dl>")

    def row(label: str, value: str) -> None:
        out.append(f"<dt>{esc(label)}</dt><dd>{esc(value) if value else '–'}</dd>")
    row(t(N_("Problem")), a["problem"])
    row(t(N_("Measure")), a["measure"])
    row(t(N_("Responsible")), a["owner"])
    row(t(N_("Follow-up")), a["follow_up"] or "")
    if d:
        row(t(N_("Decision")), decision_line(a, doc, t))
        log = decision_log(a, t)
        if len(log) > (0 if d["state"] == "proposed" else 1):
            row(t(N_("Decisions taken")), "; ".join(log))
    if a.get("iglo"):
        row("IGLO", t(IGLO_LABELS[a["iglo"]]))
    if a.get("trial"):
        verdict = f" · {t(VERDICT_LABELS[a['verdict']])}" if a.get("verdict") else ""
        row(t(N_("Trial action")), f"{t(N_('Review'))} {a.get('review') or '–'}{verdict}")
    for ans in a["answers"]:
        if ans["id"] in (a.get("measure_question"),):
            continue
        row(ans["title"], ans["text"])
    out.append("</dl>")
    if a.get("missing"):
        out.append(f'<p><span class="flag missing">{esc(t(N_("Still missing")))}</span> '
                   f'{esc(", ".join(t(MISSING_LABELS.get(m, m)) for m in a["missing"]))}</p>')
    b = a.get("behind")
    if worth_showing(b):
        votes = f" · {esc(t(N_('Votes')))}: {esc(b['points'])}" if b.get("points") else ""
        theme = f": {esc(b['label'])}" if b["label"] != a["problem"] else ""
        out.append(f'<p class="kind">{esc(t(N_("Behind this action")))}{theme}{votes}</p><ul class="notes">')
        out += [f"<li>{esc(text)}</li>" for text in behind_notes(b)]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _minutes(doc: dict, t, add) -> None:
    """Each step's minutes on a card of its own, the referent's lines kept."""
    sections = minutes_sections(doc, t)
    if not sections:
        return
    add(f"<h2>{esc(t(N_('Minutes')))}</h2>")
    for heading, lines in sections:
        add(f'<section class="card"><h3>{esc(heading)}</h3><p>{"<br>".join(esc(x) for x in lines)}</p></section>')


def _wall(doc: dict, t, add) -> None:
    for r in doc.get("votes") or []:
        add(f"<h2>{esc(t(N_('Votes')))}: {esc(r['title'])}</h2>")
        if not r["ranking"]:
            add(f"<p>{esc(t(N_('No votes were cast.')))}</p>")
            continue
        add('<ol class="rank">')
        for x in r["ranking"]:
            tie = "=" if x["tied"] else ""
            star = f' <span class="flag won">✓ {esc(t(N_("carried on")))}</span>' if x["winner"] else ""
            add(f'<li><span class="n">{tie}{x["rank"]}.</span><span>{esc(x["label"])}{star}</span>'
                f'<span class="p">{"●" * min(x["points"], 7)} {x["points"]}</span></li>')
        add("</ol>")
    m = doc.get("matrix")
    if m and m["items"]:
        add(f"<h2>{esc(t(N_('Matrix')))}</h2>")
        add(matrix_svg(doc, t))
        add('<ol class="legend">')
        for i in m["items"]:
            add(f'<li value="{int(i["number"])}">{esc(i["label"])}</li>')
        add("</ol>")
    for heading, lines in activity_sections(doc, t):
        add(f'<h2>{esc(heading)}</h2><section class="card"><ul class="notes">')
        for line, subs in lines:
            inner = "".join(f"<li>{esc(x)}</li>" for x in subs)
            add(f"<li>{esc(line)}{f'<ul>{inner}</ul>' if inner else ''}</li>")
        add("</ul></section>")
    add(f"<h2>{esc(t(N_('The wall')))}</h2>")
    for title_, items in wall_sections(doc, t):
        if not items:
            continue
        add(f'<section class="card"><h3>{esc(title_)} ({len(items)})</h3><ul class="notes">')
        for i in items:
            extra = item_facts(i, t)
            tail = f' <span class="kind">({esc(", ".join(extra))})</span>' if extra else ""
            if i["type"] == "cluster":
                add(f'<li><span class="theme">{esc(i["label"])}</span>{tail}<ul>')
                for n in i["notes"]:
                    add(f'<li>{esc(n["text"])} <span class="kind">{esc(n["kind_title"])}</span></li>')
                add("</ul></li>")
            else:
                kind = i["notes"][0]["kind_title"] if i["notes"] else ""
                add(f'<li>{esc(i["label"])} <span class="kind">{esc(kind)}</span>{tail}</li>')
        add("</ul></section>")


def matrix_svg(doc: dict, t) -> str:
    """The matrix as an inline SVG: four quadrants with their labels, the axes named,
    each placed theme a numbered dot (the list under it says which is which, so the
    picture holds no long text and nothing a note says can break out of it)."""
    m = doc["matrix"]
    W, H, L, B, T, R = 400, 400, 34, 34, 8, 8  # size and margins (left/bottom hold the axis names)
    w, h = W - L - R, H - T - B
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="{esc(t(N_("Matrix")))}">']
    fills = {"theirs_important": "#eef1f5", "ours_important": "#dcefdc",
             "theirs_minor": "#f7f7f7", "ours_minor": "#eef1f5"}
    for q, (qx, qy) in zip(QUADRANTS, [(0, 0), (1, 0), (0, 1), (1, 1)]):
        x0, y0 = L + qx * w / 2, T + qy * h / 2
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w / 2:.1f}" height="{h / 2:.1f}" '
                   f'fill="{fills[q]}" stroke="#9aa5b1"/>')
        label = quadrant_title(m, q, t)
        for k, line in enumerate(_wrap(label, 30)[:3]):
            out.append(f'<text x="{x0 + 6:.1f}" y="{y0 + 16 + 13 * k:.1f}" font-size="11" fill="#555">'
                       f'{esc(line)}</text>')
    x_name = f'{m["x_axis"] or t(N_("Our own influence"))} →'
    y_name = f'{m["y_axis"] or t(N_("Importance"))} →'
    out.append(f'<text x="{L + w / 2:.1f}" y="{H - 10}" font-size="{_axis_font(x_name, w)}" '
               f'text-anchor="middle" fill="#1b1f24">{esc(x_name)}</text>')
    out.append(f'<text transform="translate(18 {T + h / 2:.1f}) rotate(-90)" font-size="{_axis_font(y_name, h)}" '
               f'text-anchor="middle" fill="#1b1f24">{esc(y_name)}</text>')
    for i in m["items"]:
        cx, cy = L + i["x"] * w, T + (1 - i["y"]) * h
        cx, cy = min(max(cx, L + 12), L + w - 12), min(max(cy, T + 12), T + h - 12)
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="11" fill="#1f4e79" stroke="#fff" stroke-width="2"/>'
                   f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="11" font-weight="700" '
                   f'text-anchor="middle" fill="#fff">{int(i["number"])}</text>')
    out.append("</svg>")
    return "".join(out)


def _axis_font(text: str, room: float) -> int:
    """A font size at which an axis name fits its side (a glyph is about 0.6 em wide)."""
    return max(8, min(13, int(room / (0.6 * max(1, len(text))))))


def _wrap(text: str, width: int) -> list[str]:
    words, lines, cur = str(text).split(), [], ""
    for word in words:
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    if cur:
        lines.append(cur)
    return lines


def _render(doc: dict) -> bytes:
    return page(doc, {}).encode("utf-8")


PAGE = Format("text/html; charset=utf-8", ".html", N_("Phone page"), _render)
"""The page as a file of its own (``kiosk export --format html``): no download buttons."""
