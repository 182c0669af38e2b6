"""What the pads may read, and the one door their intents come in by (issue 14).

The pad server runs in a process of its own and never touches the store: the kiosk
process publishes a SNAPSHOT (``snapshot``), plain JSON, and the server answers every
phone's page from it (``for_device``, ``public``). A phone's form becomes an INTENT,
which the kiosk applies on its own thread (``apply``) through ``kiosk.core.pads``, the
same rules a tap on the wall goes through, and answers with an OUTCOME. The shapes are
the contract between the parts (``/tmp/pads_design.md`` when it was built; the
docstrings below say each one).

Privacy is built into the snapshot, not left to the pages:

- no device key is in it, only the SHA-256 digest of each (the server finds a phone's
  part by the digest of its cookie), and the join token only as its digest;
- a device's part holds its own notes only, and the parts every phone sees (the step,
  each lane's ballot and themes) never hold the text of a note still face down;
- authors are not in it: a phone learns whose turn it is to present, as the wall says.

``for_device`` and ``public`` are pure and import nothing but the standard library, so
the server process may import this module without the rules, the store or Kivy;
``snapshot`` and ``apply`` import the rules when they are called (in the kiosk process).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

log = logging.getLogger("kiosk.pads")

VERSION = 1
FIELD_MAX = 4096
"""The longest value an intent's field may have (a note is at most 500 characters; the
server's body limit is 8 KiB): longer is a malformed form, refused before any rule."""
TRAFFIC_HEX = {
    "yellow": "#f0e442", "pink": "#cc79a7", "blue": "#99ccf2", "green": "#8cd9b3",
    "orange": "#f2b866", "purple": "#c7ade6", "grey": "#cccccc", "white": "#f7f7f7",
}
"""A note kind's colour (``params.COLOURS``) as the phone page draws it: the wall's own
post-it colours (``kiosk.ui.widgets.cards.COLOURS``) in hex."""
NO_COLOUR = "#f7f7f7"

# The INTENT ops and their fields (every value a string, as typed into a form).
OPS: dict[str, tuple[str, ...]] = {
    "join": ("token", "name", "table", "role"),
    "note": ("key", "step", "kind", "text"),
    "edit": ("key", "note", "text"),
    "delete": ("key", "note"),
    "dot": ("key", "step", "item", "delta"),
    "done": ("key", "step"),
    "mark": ("key", "step", "statement", "mark"),
    "signup": ("key", "step", "theme"),
    "reveal": ("key", "step", "note"),
}
OPTIONAL = {"join": {"name": "", "table": "", "role": "person"}}
"""Fields a form may leave out (a join page without the table question)."""


# -- reading the snapshot (pure: the server process calls these) ---------------------------

def for_device(snap: dict, key_digest: Any) -> Optional[dict]:
    """The VIEW of one phone: what its page shows, or None for a device the snapshot does
    not know (never joined, removed, forged). ``key_digest`` is the SHA-256 hex of the
    cookie's device key.

    ``{"lang", "team", "serial", "paused", "me": {label, role, table, table_label},
    "step": {id, title, pad, prompts, ends_at, groups}}`` and, for the step's ``pad``, one
    of ``write`` / ``vote`` / ``rate`` / ``signup`` / ``present`` (none for "info")."""
    devices = snap.get("devices") if isinstance(snap, dict) else None
    if not isinstance(key_digest, str) or not isinstance(devices, dict):
        return None
    dev = devices.get(key_digest)
    if not isinstance(dev, dict):
        return None
    step = snap.get("step") or {}
    pad = step.get("pad", "info")
    lane = (snap.get("lanes") or {}).get(dev.get("lane", ""), {})
    view: dict[str, Any] = {
        "lang": snap.get("lang", "en"), "team": snap.get("team", ""), "serial": snap.get("serial", 0),
        "paused": bool((snap.get("door") or {}).get("paused")),
        "me": {k: dev.get(k) for k in ("label", "role", "table", "table_label")},
        "step": {k: step.get(k) for k in ("id", "title", "pad", "prompts", "ends_at", "groups")},
    }
    if pad == "write":
        view["write"] = {**step.get("write", {}), "notes": list(dev.get("notes") or [])}
    elif pad == "vote":
        common = step.get("vote", {})
        mine = (dev.get("vote") or {}).get("mine") or {}
        shown = bool(common.get("show_totals"))
        ballot = [{"id": b["id"], "text": b["text"], "mine": int(mine.get(b["id"], 0)),
                   "total": b.get("total") if shown else None} for b in lane.get("ballot") or []]
        budget = int(common.get("budget", 0))
        view["vote"] = {"ballot": ballot, "budget": budget, "cap": int(common.get("cap", budget)),
                        "left": max(0, budget - sum(int(v) for v in mine.values())),
                        "done": bool((dev.get("vote") or {}).get("done")), "show_totals": shown,
                        "done_count": int(common.get("done_count", 0)), "voters": int(common.get("voters", 0))}
    elif pad == "rate":
        rate = step.get("rate", {})
        mine = dev.get("rate") or {}
        view["rate"] = {"statements": [{**s, "mine": mine.get(s["id"])} for s in rate.get("statements") or []],
                        "scale": list(rate.get("scale") or [])}
    elif pad == "signup":
        mine = set(dev.get("signup") or ())
        view["signup"] = {"themes": [{**th, "mine": th["id"] in mine} for th in lane.get("themes") or []]}
    elif pad == "present":
        own = dev.get("present") or {}
        view["present"] = {"turn": bool(own.get("turn")), "who": (step.get("present") or {}).get("who"),
                           "notes": list(own.get("notes") or [])}
    return view


def public(snap: dict) -> dict:
    """What the join page may show before a device exists: the session's language and
    team, whether the door is open, the tables to pick from, and the step's title."""
    step = snap.get("step") or {}
    return {"lang": snap.get("lang", "en"), "team": snap.get("team", ""),
            "door": {"open": bool((snap.get("door") or {}).get("open"))},
            "tables": list(snap.get("tables") or []),
            "table_labels": dict(snap.get("table_labels") or {}),
            "step": {"title": step.get("title", ""), "pad": step.get("pad", "info")}}


# -- making the snapshot (the kiosk process) ---------------------------------------------

def _lane_id(lane: Optional[int]) -> str:
    return "" if lane is None else str(lane)


def _colours(method) -> dict[str, str]:
    """Note kind → its colour in hex, from every step that makes notes (first one wins)."""
    from kiosk.core.activities import declared_kinds

    out: dict[str, str] = {}
    for _, kind in declared_kinds(getattr(method, "steps", ()) or ()):
        out.setdefault(str(kind.get("id")), TRAFFIC_HEX.get(str(kind.get("colour")), NO_COLOUR))
    return out


def _ends_at(pads, session, step, now: float) -> Optional[float]:
    """Wall-clock seconds when the step's timer ends, if it runs (the phone counts down)."""
    timers = getattr(session, "timers", None) or {}
    timer = timers.get(getattr(step, "id", None))
    if timer is None or not timer.running:
        return None
    steady = pads.clock.steady() if hasattr(pads.clock, "steady") else now
    return round(float(now) + timer.remaining(steady), 3)


def _item_text(pads, item, t) -> str:
    """What a ballot or theme says; a note still face down says only that (its text is
    its writer's until it is presented)."""
    from kiosk.core.wall import Note

    if isinstance(item, Note) and item.face_down and item.revealed is None:
        return t("A post-it still face down")
    return pads.wall.label(item.key)


def snapshot(pads, session, *, serial: int, lang: str, now: Optional[float] = None) -> dict:
    """The SNAPSHOT the kiosk publishes to the pad server: JSON-able, without device keys.

    ``{"v", "serial", "lang", "session", "team", "door": {open, token (digest), paused},
    "tables", "table_labels", "step": {...}, "lanes": {"" | "<table>": {...}},
    "devices": {"<sha256 of key>": {...}}}``: ``step`` holds what every phone shows
    (title, prompts, ``ends_at``, the kinds, budget, statements, whose turn), ``lanes``
    each lane's ballot and themes ("" the room's, "2" table 2's), ``devices`` each
    device's own part (its label, lane, own notes, dots, marks, sign-ups). ``now`` is
    the wall clock (epoch seconds; default the pads' clock)."""
    from kiosk.core.lanes import lane_title
    from kiosk.core.pads import pad_kind
    from kiosk.i18n import translator

    t = translator(lang)
    now = float(pads.clock.now()) if now is None else float(now)
    step = pads.step()
    pad = pad_kind(step, pads.method)
    people = pads.people
    tables = list(range(1, people.tables + 1))
    door = pads.door
    devices = pads.devices()
    snap: dict[str, Any] = {
        "v": VERSION, "serial": int(serial), "lang": lang,
        "session": str(getattr(session, "id", pads.session_id)), "team": str(getattr(session, "team", "")),
        "door": {"open": door.open, "token": door.token if door.open else "", "paused": door.paused},
        "tables": tables, "table_labels": {str(n): lane_title(n, t) for n in tables},
        "step": {"id": getattr(step, "id", ""), "title": getattr(step, "title", ""), "pad": pad,
                 "prompts": [str(p) for p in getattr(step, "prompts", ())],
                 "ends_at": _ends_at(pads, session, step, now) if step is not None else None,
                 "groups": bool(getattr(step, "groups", False))},
        "lanes": {}, "devices": {},
    }
    method = getattr(session, "method", None) or pads.method
    colours = _colours(method)
    lanes = {_lane_id(pads.lane_of(d, step)): pads.lane_of(d, step) for d in devices} if step is not None else {}
    parts: dict[str, dict] = {}
    for d in devices:
        table = pads.table_of(d)
        parts[d.key] = {"label": pads.label(d, t), "role": d.role, "table": table,
                        "table_label": lane_title(table, t) if table is not None else "",
                        "lane": _lane_id(pads.lane_of(d, step)) if step is not None else ""}
    builder = _PARTS.get(pad)
    if builder is not None:
        builder(pads, step, snap, parts, lanes, devices, t, colours)
    snap["devices"] = parts
    return snap


def _write_part(pads, step, snap, parts, lanes, devices, t, colours) -> None:
    from kiosk.core.wall import NOTE_MAX

    from kiosk.core.pads import POINT, POST_IT

    params = step.params or {}
    ours = (POINT, POST_IT)  # our words are translated; a method's kind titles stay as written
    from kiosk.core.activities import kind_marks

    marks = kind_marks(getattr(pads.method, "steps", None) or [step])  # as the wall marks them
    snap["step"]["write"] = {
        "kinds": [{"id": str(k["id"]),
                   "title": t(k["title"]) if k.get("title") in ours else str(k.get("title") or k["id"]),
                   "colour": TRAFFIC_HEX.get(str(k.get("colour")), NO_COLOUR),
                   "mark": marks.get(str(k["id"]), "")} for k in pads.kinds(step)],
        "max_length": int(params.get("max_length") or NOTE_MAX),
        "face_down": bool(params.get("face_down")) and step.activity == "write",
    }
    by_author: dict[int, list] = {}
    by_id: dict[int, Any] = {}
    for n in pads.wall.notes():
        by_id[n.id] = n
        if n.author is not None:
            by_author.setdefault(n.author, []).append(n)
    held_by: dict[int, list] = {}
    for h in pads.held():
        held_by.setdefault(h.device, []).append(h)
    for d in devices:
        ids = {i for i in d.wrote if i in by_id} | {n.id for n in by_author.get(d.person, [])}
        mine = [by_id[i] for i in sorted(ids)]
        notes = [{"id": n.key, "kind": n.kind, "text": n.text, "editable": n.revealed is None, "held": False}
                 for n in mine]
        notes += [{"id": h.key, "kind": h.kind, "text": h.text, "editable": True, "held": True}
                  for h in held_by.get(d.id, [])]
        notes += [{"id": h.key, "kind": h.kind, "text": h.text, "editable": False, "held": False, "declined": True}
                  for h in pads.declined_of(d.id)]
        parts[d.key]["notes"] = notes


def _vote_part(pads, step, snap, parts, lanes, devices, t, colours) -> None:
    from kiosk.core.activities.vote import VOTES, pad_voter
    from kiosk.core.refusal import Refusal

    params = step.params or {}
    budget = int(params.get("budget") or 0)
    cap = min(int(params.get("max_per_note") or budget), budget)
    done, voters = pads.voted_count(step.id)
    shown = pads.totals_shown(step)
    snap["step"]["vote"] = {"budget": budget, "cap": cap, "show_totals": shown,
                            "done_count": done, "voters": voters}
    rounds = {}
    for lane_id, lane in lanes.items():
        if lane is None and step.groups and pads.people.tables:
            continue  # a phone at no table of a split room votes nowhere yet ('no_table')
        try:
            rnd = pads.vote_round(step, lane)
        except Refusal:  # nothing to vote on yet: the lane's ballot is empty
            continue
        rounds[lane_id] = rnd
        totals = rnd.totals()
        ballot = []
        for key in rnd.items:
            try:
                item = pads.wall.item(key)
            except Refusal:
                continue  # an undo took it off the wall
            ballot.append({"id": key, "text": _item_text(pads, item, t),
                           "total": totals.get(key, 0) if shown else None})
        snap["lanes"].setdefault(lane_id, {})["ballot"] = ballot
    points: dict[tuple, dict[str, int]] = {}  # (round, voter) → item → points: one pass over the votes
    for rec in pads.store.all(pads.session_id, VOTES):
        if isinstance(rec.get("points"), int):
            mine = points.setdefault((rec.get("round"), rec.get("voter")), {})
            mine[rec.get("item")] = mine.get(rec.get("item"), 0) + rec["points"]
    on_ballot = {lane_id: set(rnd.items) for lane_id, rnd in rounds.items()}
    for d in devices:
        rnd = rounds.get(parts[d.key]["lane"])
        if rnd is None:
            parts[d.key]["vote"] = {"mine": {}, "done": False}
            continue
        items = on_ballot[parts[d.key]["lane"]]
        mine = points.get((rnd.step_id, pad_voter(d.id)), {})
        parts[d.key]["vote"] = {"mine": {k: v for k, v in mine.items() if v and k in items},
                                "done": rnd.step_id in d.done}


def _rate_part(pads, step, snap, parts, lanes, devices, t, colours) -> None:
    from kiosk.core.activities.rate import TABLE as RATES
    from kiosk.core.activities.rate import TRAFFIC_WORDS, Rating
    from kiosk.core.refusal import Refusal

    params = step.params or {}
    scale = [str(v) for v in params.get("scale") or ("green", "yellow", "red")]
    snap["step"]["rate"] = {
        "statements": [{"id": str(i), "text": str(s)} for i, s in enumerate(params.get("statements") or [])],
        "scale": [{"id": v, "text": t(TRAFFIC_WORDS[v]) if v in TRAFFIC_WORDS else v} for v in scale],
    }
    live = {d["doc_id"] for d in pads.store.all(pads.session_id, RATES)}
    for d in devices:
        lane = pads.lane_of(d, step)
        try:
            rating: Rating = pads.rating(step, lane)
        except Refusal:  # a step without statements: nothing to mark
            parts[d.key]["rate"] = {}
            continue
        parts[d.key]["rate"] = {str(i): v for i, v in pads.my_marks(d, rating, live).items()}


def _signup_part(pads, step, snap, parts, lanes, devices, t, colours) -> None:
    themes = [{"id": i.key, "text": _item_text(pads, i, t)} for i in pads.themes(step)]
    for lane_id in set(lanes) | {""}:
        snap["lanes"].setdefault(lane_id, {})["themes"] = themes
    for d in devices:
        parts[d.key]["signup"] = [n.signup for n in pads.my_signups(d)]


def _present_part(pads, step, snap, parts, lanes, devices, t, colours) -> None:
    from kiosk.core.people import label

    turns = pads.turns(step)
    current = turns.current()
    snap["step"]["present"] = {"who": label(current, t) if current is not None else None}
    for d in devices:
        left = turns.left(d.person) if d.person is not None else []
        parts[d.key]["present"] = {
            "turn": current is not None and d.person == current.id,
            "notes": [{"id": n.key, "kind": n.kind, "text": n.text, "colour": colours.get(n.kind, NO_COLOUR)}
                      for n in left]}


_PARTS: dict[str, Callable] = {"write": _write_part, "vote": _vote_part, "rate": _rate_part,
                               "signup": _signup_part, "present": _present_part}


# -- the intents (the kiosk process) ---------------------------------------------------------

def message(reason: str, lang: str) -> str:
    """A refusal's plain message in ``lang``: the pads' own first, then the people's, the
    wall's and each activity's (the rules a pad shares with the wall keep their words)."""
    from kiosk.core import pads as pads_rules
    from kiosk.core import people, wall
    from kiosk.core.activities import refusal_message
    from kiosk.i18n import translator

    text = (pads_rules.REFUSALS.get(reason) or people.REFUSALS.get(reason) or wall.REFUSALS.get(reason)
            or refusal_message(reason) or pads_rules.REFUSALS["failed"])
    return translator(lang)(text)


def refused(reason: str, lang: str) -> dict:
    """The OUTCOME of a refused intent."""
    return {"ok": False, "reason": reason, "message": message(reason, lang)}


def _fields(intent: Any) -> tuple[str, dict[str, str]]:
    """The op and its fields, each a string of bounded length; 'bad_form' otherwise."""
    from kiosk.core.pads import PadError

    if not isinstance(intent, dict):
        raise PadError("bad_form")
    op = intent.get("op")
    if not isinstance(op, str) or op not in OPS:
        raise PadError("bad_form")
    out: dict[str, str] = {}
    for name in OPS[op]:
        value = intent.get(name, OPTIONAL.get(op, {}).get(name))
        if not isinstance(value, str) or len(value) > FIELD_MAX:
            raise PadError("bad_form")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no text a keyboard types
            raise PadError("bad_form") from None
        out[name] = value
    return op, out


def _number(value: str, *, empty: Any = ...) -> Any:
    """A form's whole number ("2"); "" is ``empty`` when allowed; else 'bad_form'."""
    from kiosk.core.pads import PadError

    if value == "" and empty is not ...:
        return empty
    if not (value.isascii() and value.isdigit() and len(value) <= 6):
        raise PadError("bad_form")
    return int(value)


def _join(pads, f, t) -> dict:
    from kiosk.core.pads import PERSON, TABLE, PadError

    if f["role"] not in (PERSON, TABLE):
        raise PadError("bad_form")
    key, _ = pads.join(f["token"], name=f["name"], table=_number(f["table"], empty=None), role=f["role"])
    return {"ok": True, "key": key}


def _note(pads, f, t) -> dict:
    from kiosk.core.pads import Held

    sent = pads.send_note(f["key"], f["step"], f["kind"], f["text"])
    if isinstance(sent, Held):
        return {"ok": True, "held": True,
                "message": t("Sent. It waits for the facilitator before it goes on the wall.")}
    return {"ok": True}


def _edit(pads, f, t) -> dict:
    pads.edit_note(f["key"], f["note"], f["text"])
    return {"ok": True}


def _delete(pads, f, t) -> dict:
    pads.delete_note(f["key"], f["note"])
    return {"ok": True}


def _dot(pads, f, t) -> dict:
    from kiosk.core.pads import PadError

    if f["delta"] not in ("1", "-1", "+1"):
        raise PadError("bad_form")
    pads.dot(f["key"], f["step"], f["item"], -1 if f["delta"] == "-1" else 1)
    return {"ok": True}


def _done(pads, f, t) -> dict:
    pads.done(f["key"], f["step"])
    return {"ok": True}


def _mark(pads, f, t) -> dict:
    pads.mark(f["key"], f["step"], _number(f["statement"]), f["mark"])
    return {"ok": True}


def _signup(pads, f, t) -> dict:
    pads.sign_up(f["key"], f["step"], f["theme"], t)
    return {"ok": True}


def _reveal(pads, f, t) -> dict:
    pads.reveal(f["key"], f["step"], f["note"])
    return {"ok": True}


_APPLY: dict[str, Callable] = {"join": _join, "note": _note, "edit": _edit, "delete": _delete, "dot": _dot,
                               "done": _done, "mark": _mark, "signup": _signup, "reveal": _reveal}


def apply(pads, intent: Any, lang: str) -> dict:
    """Apply one INTENT from a pad through the pads' rules; the OUTCOME, never an exception.

    ``{"ok": True}`` (a join adds ``"key"``: the only time a device key crosses; a note
    held in the inbox adds ``"held": True`` and a ``"message"``), or ``{"ok": False,
    "reason", "message"}`` in ``lang``: a malformed intent is 'bad_form', a refusal of
    the rules its own reason, a failed write 'not_saved'."""
    from kiosk.core.refusal import Refusal
    from kiosk.i18n import translator

    try:
        op, f = _fields(intent)
        return _APPLY[op](pads, f, translator(lang))
    except Refusal as e:
        return refused(e.reason, lang)
    except Exception as e:  # a failed write (full disk) or a bug: the phone hears, the wall goes on
        from kiosk.store import StoreError

        if isinstance(e, StoreError):
            log.warning("pad intent not saved: %s", e)
            return refused("not_saved", lang)
        log.exception("pad intent failed")
        return refused("failed", lang)
