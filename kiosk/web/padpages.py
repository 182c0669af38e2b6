"""The pages a phone or table tablet sees: a pad's VIEW (``kiosk.core.padview``) → HTML.

Pure rendering, so the pad server process can use it without Kivy or the store. Every
form is a plain HTML POST to the pad server's routes carrying the page's ``nonce``, so a
phone with JavaScript off can still write, vote and mark; ``static/pad.js`` only makes
it livelier (polling, sending without a reload, a live counter, the countdown). The
pages pass a strict CSP: no inline script, no ``style=`` attribute; a note's colour is
a ``data-colour`` that ``static/pad.css`` paints. Every text from people or a method
file is escaped. Words are the kiosk's own, in the session's language.
"""

from __future__ import annotations

import html
import math
import time
from pathlib import Path
from typing import Any, Iterable, Optional

from kiosk import i18n
from kiosk.i18n import N_

__all__ = ["pad_page", "join_page", "plain_page", "message_for", "colour_name", "STATIC", "PLAIN"]

STATIC = Path(__file__).resolve().parent / "static"
"""Where ``pad.js`` and ``pad.css`` live (served as ``/static/<name>``)."""

NAME_MAX = 40
"""As the people list takes a first name (``kiosk.core.people``)."""

OPS = ("note", "edit", "delete", "dot", "done", "mark", "signup", "reveal")

PALETTE = {
    "yellow": (0xF0, 0xE4, 0x42), "pink": (0xCC, 0x79, 0xA7), "blue": (0x99, 0xCC, 0xF2),
    "green": (0x8C, 0xD9, 0xB3), "orange": (0xF2, 0xB8, 0x66), "purple": (0xC7, 0xAD, 0xE6),
    "grey": (0xCC, 0xCC, 0xCC), "white": (0xF7, 0xF7, 0xF7),
}
"""The method files' note colours (``kiosk.core.params.COLOURS``), as the wall paints them."""

MARKS = (("green", "●", N_("Green")), ("yellow", "▲", N_("Yellow")), ("red", "■", N_("Red")))
"""The traffic light with a shape each, so a mark reads without its colour."""
COLOUR_WORDS = {
    "green": "green", "grønn": "green", "grøn": "green", "grønt": "green", "grønne": "green",
    "yellow": "yellow", "gul": "yellow", "gult": "yellow", "gule": "yellow",
    "red": "red", "rød": "red", "rødt": "red", "røde": "red",
}
"""A method's own words for the traffic light (as the wall's rate widget reads them)."""
SHAPES = ("●", "▲", "■", "◆", "★", "✚")

PLAIN = {
    "door_closed": (N_("The door is closed"),
                    N_("The wall is not taking new phones right now. Ask the facilitator to open it, then scan the code again.")),
    "unknown_device": (N_("Scan the code again"),
                       N_("This phone is no longer part of the workshop. Scan the code on the wall again.")),
    "not_found": (N_("Not found"), N_("There is nothing at this address.")),
    "no_answer": (N_("The wall did not answer"), N_("The wall did not answer. Try again.")),
}
"""Title and message of the plain pages the pad server answers with (``plain_page(lang, *PLAIN[k], code)``)."""

MESSAGES = {
    "ok": N_("Sent."),
    "no_answer": N_("The wall did not answer. Try again."),
}
"""Messages a page may show after ``/pad?m=<key>`` besides the pads' refusals."""


def esc(value: Any) -> str:
    """Text for HTML, in content and in quoted attributes alike."""
    return html.escape(str(value if value is not None else ""), quote=True)


def _t(lang: str):
    return i18n.translator(lang if lang in i18n.LANGUAGES else i18n.DEFAULT)


def _lang(lang: Any) -> str:
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT


def message_for(lang: str, key: Any) -> str:
    """The plain message for ``/pad?m=<key>`` (a refusal key or ``ok``) in ``lang``; an
    unknown key shows nothing (a made-up link must not put words on the page)."""
    # pure core: the server process may import these
    from kiosk.core import pads, people, wall
    from kiosk.core.activities import refusal_message
    if not isinstance(key, str) or not key or len(key) > 64:
        return ""
    text = (MESSAGES.get(key) or pads.REFUSALS.get(key) or people.REFUSALS.get(key) or wall.REFUSALS.get(key)
            or refusal_message(key))
    return _t(lang)(text) if text else ""


def colour_name(value: Any) -> str:
    """A note colour as one of the palette's names: a name stays, ``#rrggbb`` goes to the
    nearest one, anything else is yellow (the plain post-it)."""
    if isinstance(value, str):
        v = value.strip().lower()
        if v in PALETTE:
            return v
        if len(v) == 7 and v[0] == "#":
            try:
                rgb = tuple(int(v[i:i + 2], 16) for i in (1, 3, 5))
            except ValueError:
                return "yellow"
            return min(PALETTE, key=lambda n: sum((a - b) ** 2 for a, b in zip(PALETTE[n], rgb)))
    return "yellow"


def _num(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _time_left(seconds: float, t) -> str:
    if seconds <= 0:
        return t(N_("Time is up"))
    if seconds < 60:
        return t(N_("{n} s left")).format(n=int(math.ceil(seconds)))
    return t(N_("{n} min left")).format(n=int(math.ceil(seconds / 60)))


# -- the frame ------------------------------------------------------------------------------

def _document(lang: str, title: str, body: str, *, script: bool = True, body_attrs: str = "") -> bytes:
    t = _t(lang)
    js = '<script src="/static/pad.js" defer></script>' if script else ""
    return ("<!DOCTYPE html>\n"
            f'<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">'
            '<meta name="color-scheme" content="light">'
            f'<title>{esc(title)}</title><link rel="stylesheet" href="/static/pad.css">{js}</head>'
            f'<body{body_attrs} data-lost="{esc(t(N_("No contact with the wall. Trying again …")))}" '
            f'data-sending="{esc(t(N_("Sending …")))}" data-sent="{esc(t(MESSAGES["ok"]))}" '
            f'data-failed="{esc(t(MESSAGES["no_answer"]))}">'
            f"{body}</body></html>\n").encode("utf-8")


def _message(message: str, ok: bool = False) -> str:
    cls = ' class="ok"' if ok else ""
    shown = f"<p{cls}>{esc(message)}</p>" if message else ""
    return f'<div id="msg" class="msg" role="status" aria-live="polite">{shown}</div>'


def _form(op: str, nonce: str, fields: Iterable[tuple[str, Any]], inner: str, cls: str = "") -> str:
    hidden = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in fields)
    c = f' class="{esc(cls)}"' if cls else ""
    return (f'<form method="post" action="/pad/{esc(op)}"{c}>'
            f'<input type="hidden" name="nonce" value="{esc(nonce)}">{hidden}{inner}</form>')


def _button(label: str, *, name: str = "", value: str = "", cls: str = "btn", disabled: bool = False,
            extra: str = "") -> str:
    nv = f' name="{esc(name)}" value="{esc(value)}"' if name else ""
    dis = " disabled" if disabled else ""
    return f'<button type="submit" class="{esc(cls)}"{nv}{dis}{extra}>{label}</button>'


# -- the pad page ----------------------------------------------------------------------------

def pad_page(view: dict, *, nonce: str, message: str = "", fragment: bool = False,
             now: Optional[float] = None, draft: Optional[dict] = None) -> bytes:
    """One device's page for the wall's current step. ``fragment`` gives only the part
    pad.js swaps in when the serial changes (``GET /pad?fragment=1``); ``message`` is a
    plain text to show above it (a refusal, "Sent."); ``draft`` ({"kind", "text"}) is a
    refused note put back in the form, so a phone without script loses no words."""
    lang = _lang(view.get("lang"))
    t = _t(lang)
    now = time.time() if now is None else now
    step = view.get("step") or {}
    part = _view(view, step, nonce, t, now, draft)
    if fragment:
        return part.encode("utf-8")
    title = str(step.get("title") or "") or t(N_("Workshop"))
    body = f'<main id="pad">{_message(message, ok=message == t(MESSAGES["ok"]))}{part}</main>'
    return _document(lang, title, body)


def _view(view: dict, step: dict, nonce: str, t, now: float, draft: Optional[dict] = None) -> str:
    kind = step.get("pad") if step.get("pad") in ("write", "vote", "rate", "signup", "present") else "info"
    paused = bool(view.get("paused"))
    out = [f'<div id="view" data-serial="{esc(_num(view.get("serial")))}" data-step="{esc(step.get("id", ""))}" '
           f'data-pad="{kind}">']
    out.append(_head(view, step, t, now))
    if paused:
        out.append(f'<p class="banner paused">{esc(t(N_("The facilitator has paused the phones for a moment.")))}</p>')
    if kind != "info" and isinstance(view.get(kind), dict):
        render = {"write": _write, "vote": _vote, "rate": _rate, "signup": _signup, "present": _present}[kind]
        if kind == "write":
            out.append(_write(view[kind], str(step.get("id", "")), nonce, t, paused, draft))
        else:
            out.append(render(view[kind], str(step.get("id", "")), nonce, t, paused))
    out.append("</div>")
    return "".join(out)


def _head(view: dict, step: dict, t, now: float) -> str:
    me = view.get("me") or {}
    who = str(me.get("label") or "")
    if me.get("role") == "table":
        who = str(me.get("table_label") or who)
        whom = f'<span class="me table">{esc(t(N_("Table tablet")))}: <b>{esc(who)}</b></span>'
    else:
        where = f' · {esc(me.get("table_label"))}' if me.get("table_label") else ""
        whom = f'<span class="me">{esc(t(N_("You are")))} <b>{esc(who)}</b>{where}</span>'
    out = ['<header class="top">', f'<span class="team">{esc(view.get("team", ""))}</span>', whom, "</header>"]
    out.append(f'<h1>{esc(step.get("title", ""))}</h1>')
    ends = step.get("ends_at")
    if isinstance(ends, (int, float)) and not isinstance(ends, bool) and math.isfinite(ends):
        out.append(f'<p class="clock" data-ends-at="{esc(repr(float(ends)))}" data-now="{esc(repr(float(now)))}" '
                   f'data-min="{esc(t(N_("{n} min left")))}" data-sec="{esc(t(N_("{n} s left")))}" '
                   f'data-up="{esc(t(N_("Time is up")))}">{esc(_time_left(ends - now, t))}</p>')
    prompts = [p for p in step.get("prompts") or [] if str(p).strip()]
    if prompts:
        out.append('<ul class="prompts">' + "".join(f"<li>{esc(p)}</li>" for p in prompts) + "</ul>")
    return "".join(out)


def _mark(kind: dict) -> str:
    """The wall's mark of a kind ('+', '−'), when the view carries it: two kinds of one
    colour then read apart as they do on the wall."""
    mark = str(kind.get("mark") or "")[:2]
    return f'<span class="kmark" aria-hidden="true">{esc(mark)}</span> ' if mark else ""


def _write(w: dict, step_id: str, nonce: str, t, paused: bool, draft: Optional[dict] = None) -> str:
    kinds = [k for k in w.get("kinds") or [] if isinstance(k, dict)]
    draft = draft if isinstance(draft, dict) else {}
    ids = [str(k.get("id", "")) for k in kinds]
    chosen = ids.index(str(draft.get("kind"))) if str(draft.get("kind")) in ids else 0
    looks = {str(k.get("id")): k for k in kinds}
    most = max(1, _num(w.get("max_length"), 280))
    out = ['<section class="write">']
    if kinds:
        radios = []
        for i, k in enumerate(kinds):
            kid = f"kind-{i}"
            radios.append(f'<input type="radio" name="kind" id="{kid}" value="{esc(k.get("id", ""))}"'
                          f'{" checked" if i == chosen else ""}>'
                          f'<label for="{kid}" class="kind" data-colour="{colour_name(k.get("colour"))}">'
                          f'{_mark(k)}{esc(k.get("title", ""))}</label>')
        legend = esc(t(N_("Kind of post-it")))
        # two side by side only when every title fits half a phone's width
        wide = " long" if any(len(str(k.get("title", ""))) > 12 for k in kinds) else ""
        kinds_html = f'<fieldset class="kinds{wide}"><legend>{legend}</legend>{"".join(radios)}</fieldset>'
    else:
        kinds_html = ""
    face = N_("It goes on the wall face down until you present it.") if w.get("face_down") else \
        N_("It goes on the wall without your name.")
    area = (f'<label class="label" for="note-text">{esc(t(N_("Your post-it")))}</label>'
            f'<textarea id="note-text" name="text" rows="4" maxlength="{most}" required data-keep="note" '
            f'data-left="{esc(t(N_("{n} characters left")))}" aria-describedby="note-count note-face">{esc(str(draft.get("text") or ""))}</textarea>'
            f'<p class="hint"><span id="note-count" class="count">'
            f'{esc(t(N_("At most {n} characters")).format(n=most))}</span></p>'
            f'<p class="hint" id="note-face">{esc(t(face))}</p>')
    out.append(_form("note", nonce, [("step", step_id)],
                     kinds_html + area + _button(esc(t(N_("Send"))), cls="btn primary wide", disabled=paused),
                     cls="send"))
    notes = [n for n in w.get("notes") or [] if isinstance(n, dict)]
    out.append(f'<h2>{esc(t(N_("My post-its")))} <span class="n">{len(notes)}</span></h2>')
    if not notes:
        out.append(f'<p class="empty">{esc(t(N_("None yet. What you send shows here, and only here.")))}</p>')
    out.append('<ul class="mine">')
    for n in notes:
        look = looks.get(str(n.get("kind")), {})
        colour = colour_name(look.get("colour"))
        state = ""
        if n.get("held"):
            state = f'<span class="tag held">{esc(t(N_("Waiting for the facilitator")))}</span>'
        elif n.get("declined"):
            state = f'<span class="tag declined">{esc(t(N_("Not put on the wall")))}</span>'
        elif not n.get("editable"):
            state = f'<span class="tag done">{esc(t(N_("Presented")))}</span>'
        kind_title = (f'<span class="kindname">{_mark(look)}{esc(look.get("title", ""))}</span>'
                      if look.get("title") else "")
        out.append(f'<li class="note" data-colour="{colour}">{kind_title}{state}'
                   f'<p class="text">{esc(n.get("text", ""))}</p>')
        if n.get("editable"):
            nid = str(n.get("id", ""))
            edit = (f'<textarea name="text" rows="3" maxlength="{most}" required data-keep="edit-{esc(nid)}" '
                    f'aria-label="{esc(t(N_("Edit")))}">{esc(n.get("text", ""))}</textarea>'
                    + _button(esc(t(N_("Save"))), cls="btn primary", disabled=paused))
            out.append(f'<details data-keep="open-{esc(nid)}"><summary class="btn">{esc(t(N_("Edit")))}</summary>'
                       + _form("edit", nonce, [("note", nid)], edit, cls="edit") + "</details>")
            out.append(_form("delete", nonce, [("note", nid)],
                             _button(esc(t(N_("Delete"))), cls="btn danger", disabled=paused), cls="delete"))
        out.append("</li>")
    out.append("</ul></section>")
    return "".join(out)


def _vote(v: dict, step_id: str, nonce: str, t, paused: bool) -> str:
    budget, cap, left = _num(v.get("budget")), _num(v.get("cap")), _num(v.get("left"))
    done, totals = bool(v.get("done")), bool(v.get("show_totals"))
    out = ['<section class="vote">']
    out.append(f'<p class="budget"><b class="left">{esc(t(N_("{n} marks left")).format(n=left))}</b> '
               f'<span>{esc(t(N_("of {budget}, at most {cap} on one")).format(budget=budget, cap=cap))}</span></p>')
    if done:
        out.append(f'<p class="banner ok">{esc(t(N_("You have voted. Thank you.")))}</p>')
    if not [i for i in v.get("ballot") or [] if isinstance(i, dict)]:
        out.append(f'<p class="empty">{esc(t(N_("Nothing to vote on yet. It shows here when the wall has it.")))}</p>')
    out.append('<ol class="ballot">')
    for item in v.get("ballot") or []:
        if not isinstance(item, dict):
            continue
        mine = _num(item.get("mine"))
        dots = "".join('<span class="dot" aria-hidden="true"></span>' for _ in range(min(mine, 20)))
        total = ""
        if totals and item.get("total") is not None:
            total = f'<span class="total">{esc(t(N_("{n} in all")).format(n=_num(item.get("total"))))}</span>'
        fields = [("step", step_id), ("item", item.get("id", ""))]
        plus = _button("+", name="delta", value="1", cls="btn step plus",
                       disabled=paused or done or left <= 0 or (cap > 0 and mine >= cap),
                       extra=f' aria-label="{esc(t(N_("Add a mark")))}"')
        minus = _button("−", name="delta", value="-1", cls="btn step minus", disabled=paused or done or mine <= 0,
                        extra=f' aria-label="{esc(t(N_("Take a mark back")))}"')
        mine_text = esc(t(N_("{n} of mine")).format(n=mine))
        out.append(f'<li class="item{" chosen" if mine else ""}"><p class="text">{esc(item.get("text", ""))}</p>'
                   f'<div class="row"><span class="mine">{dots}<span class="n">{mine_text}</span></span>{total}</div>'
                   + _form("dot", nonce, fields, minus + plus, cls="dots") + "</li>")
    out.append("</ol>")
    if not done:
        out.append(_form("done", nonce, [("step", step_id)],
                         _button(esc(t(N_("Done"))), cls="btn primary wide", disabled=paused)))
    out.append(f'<p class="hint">{esc(t(N_("{done} of {voters} have voted")).format(done=_num(v.get("done_count")), voters=_num(v.get("voters"))))}</p>')
    if not totals:
        out.append(f'<p class="hint">{esc(t(N_("The wall shows the totals when everyone is done.")))}</p>')
    out.append("</section>")
    return "".join(out)


def _scale(r: dict, t) -> list[tuple[str, str, str, str]]:
    """The rate step's scale as (value, tone, shape, words): the traffic light in the kiosk's
    words by default; a method's own scale in its words, coloured when they name a colour."""
    scale = [x for x in r.get("scale") or [] if isinstance(x, dict) and str(x.get("id", ""))]
    if not scale:
        return [(value, value, shape, t(word)) for value, shape, word in MARKS]
    out = []
    for i, x in enumerate(scale):
        value = str(x["id"])
        tone = COLOUR_WORDS.get(value.strip().lower(), "")
        shape = next((sh for v, sh, _ in MARKS if v == tone), SHAPES[i % len(SHAPES)])
        out.append((value, tone or "plain", shape, str(x.get("text") or value)))
    return out


def _rate(r: dict, step_id: str, nonce: str, t, paused: bool) -> str:
    scale = _scale(r, t)
    tones = {value: tone for value, tone, _, _ in scale}
    out = ['<section class="rate">',
           f'<p class="hint">{esc(t(N_("Mark each statement. Only the spread shows on the wall, never who marked what.")))}</p>',
           '<ol class="statements">']
    for s in r.get("statements") or []:
        if not isinstance(s, dict):
            continue
        mine = s.get("mine")
        buttons = []
        for value, tone, shape, words in scale:
            on = mine is not None and str(mine) == value
            # a second tap on the chosen mark takes it back ("" clears)
            buttons.append(_button(f'<span class="shape" aria-hidden="true">{esc(shape)}</span> {esc(words)}',
                                   name="mark", value="" if on else value,
                                   cls=f"btn mark{' on' if on else ''}", disabled=paused,
                                   extra=f' data-mark="{tone}" aria-pressed="{"true" if on else "false"}"'))
        marked = f' data-mine="{tones[str(mine)]}"' if mine is not None and str(mine) in tones else ""
        out.append(f'<li class="statement"{marked}>'
                   f'<p class="text">{esc(s.get("text", ""))}</p>'
                   + _form("mark", nonce, [("step", step_id), ("statement", s.get("id", ""))], "".join(buttons),
                           cls=f"marks n{min(len(scale), 4)}") + "</li>")
    out.append("</ol></section>")
    return "".join(out)


def _signup(s: dict, step_id: str, nonce: str, t, paused: bool) -> str:
    themes = [x for x in s.get("themes") or [] if isinstance(x, dict)]
    out = ['<section class="signup">',
           f'<p class="hint">{esc(t(N_("Pick the theme you will work on. Your name shows with it on the wall.")))}</p>']
    if not themes:
        out.append(f'<p class="empty">{esc(t(N_("No themes yet. They show here when the wall has them.")))}</p>')
    buttons = []
    for th in themes:
        mine = bool(th.get("mine"))
        mark = f' <span class="tag">{esc(t(N_("Your choice")))}</span>' if mine else ""
        buttons.append(_button(f"{esc(th.get('text', ''))}{mark}", name="theme", value=str(th.get("id", "")),
                               cls=f"btn theme{' on' if mine else ''}", disabled=paused,
                               extra=f' aria-pressed="{"true" if mine else "false"}"'))
    if buttons:
        out.append(_form("signup", nonce, [("step", step_id)], "".join(buttons), cls="themes"))
    out.append("</section>")
    return "".join(out)


def _present(p: dict, step_id: str, nonce: str, t, paused: bool) -> str:
    out = ['<section class="present">']
    if p.get("turn"):
        out.append(f'<p class="banner turn">{esc(t(N_("Your turn")))}</p>')
        notes = [n for n in p.get("notes") or [] if isinstance(n, dict)]
        if notes:
            out.append(f'<p class="hint">{esc(t(N_("Tap a post-it to turn it up on the wall.")))}</p>')
            out.append('<ul class="cards">')
            for n in notes:
                inner = (f'<span class="text">{esc(n.get("text", ""))}</span>'
                         f'<span class="act">{esc(t(N_("Turn up")))}</span>')
                card = _button(inner, cls="card", disabled=paused,
                               extra=f' data-colour="{colour_name(n.get("colour"))}"')
                out.append(f'<li>{_form("reveal", nonce, [("step", step_id), ("note", n.get("id", ""))], card)}</li>')
            out.append("</ul>")
        else:
            out.append(f'<p class="empty">{esc(t(N_("All your post-its are up. Tell the others about them.")))}</p>')
    else:
        who = p.get("who")
        text = t(N_("{who} is presenting")).format(who=who) if who else t(N_("Waiting for the next turn"))
        out.append(f'<p class="banner">{esc(text)}</p>')
        out.append(f'<p class="hint">{esc(t(N_("When it is your turn, your post-its show here to turn up.")))}</p>')
    out.append("</section>")
    return "".join(out)


# -- the join page and plain pages ----------------------------------------------------------

def _table_label(public: dict, n: Any, t) -> str:
    labels = public.get("table_labels") or {}
    label = labels.get(str(n)) if isinstance(labels, dict) else None
    if label is None and isinstance(labels, dict):
        label = labels.get(n)
    return str(label) if label else t(N_("Table {n}")).format(n=n)


def join_page(public: dict, *, token_path: str, nonce: str, message: str = "") -> bytes:
    """The page the wall's QR code opens: a first name or none, a table when the room is
    split, "this is a table tablet", Join. A closed door shows only that it is closed."""
    lang = _lang(public.get("lang"))
    t = _t(lang)
    step = public.get("step") or {}
    team = str(public.get("team") or "")
    title = t(N_("Join the workshop"))
    out = ['<main id="pad" class="join">', _message(message),
           f'<header class="top"><span class="team">{esc(team)}</span></header>',
           f"<h1>{esc(title)}</h1>"]
    if step.get("title"):
        out.append(f'<p class="hint">{esc(t(N_("On the wall now: {title}")).format(title=step["title"]))}</p>')
    if not (public.get("door") or {}).get("open"):
        out.append(f'<p class="banner">{esc(t(PLAIN["door_closed"][1]))}</p></main>')
        return _document(lang, title, "".join(out), script=False)
    example = t(N_("Participant {n}")).format(n=7)
    fields = [f'<label class="label" for="name">{esc(t(N_("First name")))}</label>'
              f'<input id="name" name="name" type="text" maxlength="{NAME_MAX}" autocomplete="given-name" '
              f'placeholder="{esc(example)}" aria-describedby="name-hint">'
              f'<p class="hint" id="name-hint">'
              f'{esc(t(N_("Optional. Without a name you are a number, like “{example}”. The wall never shows who wrote what.")).format(example=example))}</p>']
    tables = [n for n in public.get("tables") or [] if isinstance(n, (int, str)) and not isinstance(n, bool)]
    if tables:
        radios = "".join(f'<input type="radio" name="table" id="table-{i}" value="{esc(n)}">'
                         f'<label for="table-{i}" class="choice">{esc(_table_label(public, n, t))}</label>'
                         for i, n in enumerate(tables))
        fields.append(f'<fieldset class="tables"><legend>{esc(t(N_("Your table")))}</legend>{radios}</fieldset>')
    fields.append(f'<fieldset class="roles"><legend>{esc(t(N_("This device is")))}</legend>'
                  f'<input type="radio" name="role" id="role-person" value="person" checked>'
                  f'<label for="role-person" class="choice">{esc(t(N_("My own phone")))}</label>'
                  f'<input type="radio" name="role" id="role-table" value="table">'
                  f'<label for="role-table" class="choice">{esc(t(N_("A table tablet: it writes for the whole table")))}</label>'
                  "</fieldset>")
    fields.append(_button(esc(t(N_("Join"))), cls="btn primary wide"))
    out.append(f'<form method="post" action="{esc(token_path)}" class="joinform">'
               f'<input type="hidden" name="nonce" value="{esc(nonce)}">{"".join(fields)}</form></main>')
    # no script: joining is one plain POST, and the page has no state to follow yet
    return _document(lang, title, "".join(out), script=False)


def plain_page(lang: str, title: str, message: str, code: int) -> bytes:
    """A small page in plain words (the door is closed, an unknown phone, not found)."""
    lang = _lang(lang)
    t = _t(lang)
    head, text = t(title) if title else "", t(message) if message else ""
    body = (f'<main id="pad" class="plain" data-code="{esc(_num(code))}"><h1>{esc(head)}</h1>'
            f'<p class="banner">{esc(text)}</p></main>')
    return _document(lang, head, body, script=False)
