"""Minutes: what the referent writes down on a step, kept per step (issue 15).

The guides write things down around the steps the kiosk runs: the expectations said at
welcome, which the round-off returns to (003 l.157–159), the deep dive's points, the
summing-up, the evaluation. Any step can have minutes; a method asks for them where the
guide does (``Step.record``: the heading they go under) and shows them again on a later
step (``Step.recall``: the earlier steps whose minutes it shows).

Each step's minutes are one record in the session's "minutes" table ``{step, text, at}``:
one text per step, replaced as a whole when the referent saves again, removed when saved
empty. ``Minutes`` is the controller in the style of the others: a save is checked (a
refusal is a ``MinutesError`` and changes nothing), written in one ``store.batch``, and
remembered for the one Undo button. The step is named by the caller, so a panel opened on
one step saves there even if the group has moved on meanwhile.

Every export carries the minutes under their step (``collect``), in the method's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from kiosk.i18n import N_

from .refusal import Refusal
from .undo import Undoable, UndoLog

TABLE = "minutes"
MAX_CHARS = 2000
"""A step's key points, not a transcript: about a page of A4. The panel counts against it."""


class MinutesError(Refusal):
    """Minutes the rules refuse; ``reason`` is a key for the screen's message."""


REFUSALS = {
    "minutes_long": N_("Minutes can be at most 2000 characters. Shorten them, then save again: what you typed is still in the panel."),  # noqa: E501
    "minutes_not_text": N_("Minutes are text: that could not be saved."),
}
"""Messages of the refusals only the minutes have ('no_such_step' is the workshop's)."""


def clean(text: str) -> str:
    """The text as kept: line ends made one kind, the spaces at the end of each line and
    the white space around the whole taken away (what a person typed stays)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


@dataclass(frozen=True)
class Recalled:
    """An earlier step's minutes, as a later step shows them again."""

    step_id: str
    title: str
    """The earlier step's title ('Velkomst og introduktion')."""
    heading: str
    """What its minutes are called there (its ``record``, e.g. 'Forventninger')."""
    text: str
    """'' when nothing was written down there."""


def _steps(method) -> list:
    return list(getattr(method, "steps", None) or ())


def _text(doc: Optional[dict]) -> str:
    value = doc.get("text") if doc else None
    return value if isinstance(value, str) else ""


class Minutes(Undoable):
    """The minutes of one session, per step of its method."""

    def __init__(self, store, session_id: str, method, clock=None) -> None:
        self.store = store
        self.session_id = session_id
        self.steps = {s.id: s for s in _steps(method)}
        self.clock = clock
        self._undo: UndoLog[tuple[str, Optional[dict]]] = UndoLog()
        """(step id, its record before the save, without doc_id; None: it had none)."""

    # -- reading -----------------------------------------------------------------------

    def _doc(self, step_id: str) -> Optional[dict]:
        return self.store.first(self.session_id, TABLE, "step", step_id)

    def text(self, step_id: str) -> str:
        """The step's minutes ('' when none were written)."""
        return _text(self._doc(step_id))

    def heading(self, step_id: str) -> str:
        """What the method calls the step's minutes ('' where it does not ask for any)."""
        step = self.steps.get(step_id)
        return step.record if step is not None else ""

    def recalled(self, step) -> list[Recalled]:
        """The earlier steps' minutes that ``step`` shows again, in its ``recall`` order."""
        out = []
        for sid in getattr(step, "recall", ()) or ():
            earlier = self.steps.get(sid)
            if earlier is not None:
                out.append(Recalled(sid, earlier.title, earlier.record, self.text(sid)))
        return out

    # -- intents -----------------------------------------------------------------------

    def save(self, step_id: str, text: Any) -> str:
        """The step's minutes become ``text`` (empty: they are taken away); returns the
        text as kept. Refuses 'no_such_step', 'minutes_not_text', 'minutes_long'; a text
        the same as the stored one writes nothing and leaves nothing to undo."""
        if step_id not in self.steps:
            raise MinutesError("no_such_step")
        if not isinstance(text, str):
            raise MinutesError("minutes_not_text")
        text = clean(text)
        if len(text) > MAX_CHARS:
            raise MinutesError("minutes_long")
        at = float(self.clock.now()) if self.clock is not None else 0.0
        with self.store.batch(self.session_id):  # the read and the write under one lock
            old = self._doc(step_id)
            if _text(old) == text:
                return text
            if old is None:
                self.store.insert(self.session_id, TABLE, {"step": step_id, "text": text, "at": at})
            elif not text:
                self.store.remove(self.session_id, TABLE, old["doc_id"])
            else:
                self.store.update(self.session_id, TABLE, old["doc_id"], {"text": text, "at": at})
        self._undo.push((step_id, None if old is None else {k: v for k, v in old.items() if k != "doc_id"}))
        return text

    def undo(self) -> bool:
        """Put the newest save made here back as it was; False when there is none."""
        return self._undo.undo(self._put_back)

    def _put_back(self, entry: tuple[str, Optional[dict]]) -> None:
        step_id, before = entry
        with self.store.batch(self.session_id):
            now = self._doc(step_id)
            if before is None:
                if now is not None:
                    self.store.remove(self.session_id, TABLE, now["doc_id"])
            elif now is None:
                self.store.insert(self.session_id, TABLE, before)
            else:
                self.store.update(self.session_id, TABLE, now["doc_id"], before)


# -- its part of an export (kiosk.core.export.document) -------------------------------------

def collect(store, session_id: str, method: dict) -> list[dict]:
    """Every step's minutes, in the method's order (the stored method: plain dicts), each
    with its step's title, meeting and the heading it asked for; minutes of a step the
    method no longer has come last under their step id, so nothing written is dropped."""
    by_step: dict[str, dict] = {}
    for d in store.all(session_id, TABLE):
        if isinstance(d.get("step"), str) and _text(d).strip():
            by_step.setdefault(d["step"], d)
    steps = [s for s in method.get("steps", []) or [] if isinstance(s, dict)]
    out = []

    def entry(step_id: str, step: dict, doc: dict) -> dict:
        at = doc.get("at")
        return {"step": step_id, "title": str(step.get("title") or step_id),
                "phase": str(step.get("phase") or ""), "meeting": int(step.get("meeting", 1) or 1),
                "heading": str(step.get("record") or ""), "text": _text(doc),
                "at": float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else None}

    for s in steps:
        sid = str(s.get("id"))
        if sid in by_step:
            out.append(entry(sid, s, by_step.pop(sid)))
    out += [entry(sid, {}, doc) for sid, doc in by_step.items()]
    return out

