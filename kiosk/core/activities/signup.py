"""Sign-up: everyone puts a note with their name on the one theme they will work on.

The dialogverksted ends its first meeting this way: the prioritised themes hang on
the wall, and each participant walks up and sticks a note with their name on the
theme they want to take on in meeting 2 (in meeting 2 someone may move their note
to another theme). On the kiosk a sign-up is exactly that, a **named note on the
wall**: a ``Note`` of kind ``SIGNUP_KIND`` whose text is the person's name and whose
``signup`` facet is the key of the theme (a wall item, "n12" or "c3"). So sign-ups
live in the session's wall like every other note, are written and undone by the
wall's one mechanism, and are not tied to a step: a later sign-up step (meeting 2's
"confirm the themes") shows the same names and lets people move them.

Names are not topics: ``Wall.notes()`` and ``Wall.items()`` leave sign-up notes out,
so they never turn up as themes in a vote, a matrix or the action plan.

The rules (a name is 1–40 characters; with ``one_per_person`` a name is on one theme
only; a theme must be on the wall) are checked before anything is written; a
refusal is a ``SignupError`` (a ``WallError``) with a reason key for the screen.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Optional

from ..wall import PARKING, Cluster, Item, Note, Wall, WallError
from kiosk.core.params import FROM_PREPARED, Bool, Choice, Param, prepared_off
from kiosk.i18n import N_

from . import Activity

SIGNUP_KIND = "signup"
"""The kind of a sign-up note (reserved: a method's write kinds use other ids)."""
PERSON_MAX = 40
"""A name on a note: a first name and a surname's first letters, not a sentence."""
THEMES = ("chosen", "clusters", "all")
"""Which wall items a sign-up step offers: what the vote carried forward, the groups
(themes with sub-themes), or every item not parked."""


class SignupError(WallError):
    """A sign-up the rules refuse; ``reason`` is a key for the screen's message."""


def clean_person(name: Any) -> str:
    """A name as stored: trimmed and single-spaced; empty is 'person_empty', too long 'person_long'."""
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise SignupError("person_empty")
    if len(text) > PERSON_MAX:
        raise SignupError("person_long")
    return text


def same_person(a: str, b: str) -> bool:
    """Two notes name the same person when the names match ignoring case and spacing
    ("anne b" and "Anne  B" are one person; two Annes write a letter of the surname)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def theme_items(wall: Wall, which: str = "chosen") -> list[Item]:
    """The themes people sign up for, in wall order.

    "chosen": the items an earlier step carried forward (a vote's winners); "clusters":
    the groups; "all": every item. Parked items are never offered; when "chosen" or
    "clusters" finds none, every item not parked is offered, so a group that skipped
    the vote can still sign up.
    """
    if which not in THEMES:
        raise ValueError(f"themes {which!r} is not one of {THEMES}")
    live = [i for i in wall.items() if i.column != PARKING]
    if which == "chosen":
        picked = [i for i in live if i.chosen]
    elif which == "clusters":
        picked = [i for i in live if isinstance(i, Cluster)]
    else:
        picked = live
    return picked or live


class Signup:
    """The sign-ups on one session's wall, as one step of a method sees them.

    Intents go through the wall's own change mechanism (one batch, then memory, and
    the wall's undo takes them back), so the kiosk's one Undo button covers them.
    """

    def __init__(self, wall: Wall, *, step: str, one_per_person: bool = True) -> None:
        self.wall = wall
        self.step = step
        self.one_per_person = bool(one_per_person)

    # -- reading ---------------------------------------------------------------------

    def notes(self) -> list[Note]:
        """Every sign-up on the wall, oldest first."""
        return self.wall.signups()

    def by_theme(self, themes: Iterable[str]) -> tuple[dict[str, list[Note]], list[Note]]:
        """({theme key: its names, oldest first} for each of ``themes``, the sign-ups on
        anything else): a theme that left the list keeps its names in sight, so nobody's
        sign-up silently disappears; they can be moved to a theme on the list."""
        keys = list(themes)
        out: dict[str, list[Note]] = {k: [] for k in keys}
        elsewhere: list[Note] = []
        for n in self.notes():
            (out[n.signup] if n.signup in out else elsewhere).append(n)
        return out, elsewhere

    def counts(self, themes: Iterable[str]) -> dict[str, int]:
        """How many people signed up per theme."""
        grouped, _ = self.by_theme(themes)
        return {k: len(v) for k, v in grouped.items()}

    def find(self, name: str) -> Optional[Note]:
        """The sign-up of this person, if any (the first, when names may repeat)."""
        return next((n for n in self.notes() if same_person(n.text, name)), None)

    # -- checks ----------------------------------------------------------------------

    def _theme(self, theme_key: Any) -> Item:
        """A theme must be an item on the wall (a note in no group, or a group)."""
        item = self.wall._item_of_wall(theme_key)
        if isinstance(item, Note) and item.signup is not None:
            raise SignupError("unknown_item")  # a name is not a theme
        return item

    def _signup(self, note_id: Any) -> Note:
        note = self.wall._note(note_id)
        if note.signup is None:
            raise SignupError("not_a_signup")
        return note

    def _name_free(self, name: str, theme_key: str, *, moving: Optional[int] = None) -> None:
        """With one sign-up per person the name may be on no other theme; a name twice
        on the same theme is refused either way."""
        for n in self.notes():
            if n.id == moving or not same_person(n.text, name):
                continue
            if self.one_per_person or n.signup == theme_key:
                raise SignupError("already_signed_up")

    # -- intents ---------------------------------------------------------------------

    def add(self, theme_key: str, name: str) -> Note:
        """Put a note with this name on the theme."""
        theme = self._theme(theme_key)
        name = clean_person(name)
        self._name_free(name, theme.key)
        now = float(self.wall.clock.now())
        return self.wall._change(lambda c: c.insert_note(
            kind=SIGNUP_KIND, text=name, step=self.step, created_at=now, signup=theme.key))

    def move(self, note_id: int, theme_key: str) -> Note:
        """Move a person's note to another theme (the same theme: nothing changes)."""
        note = self._signup(note_id)
        theme = self._theme(theme_key)
        if note.signup == theme.key:
            return note
        self._name_free(note.text, theme.key, moving=note.id)
        return self.wall._change(lambda c: c.put(replace(note, signup=theme.key)))

    def withdraw(self, note_id: int) -> Note:
        """Take a person's note off (undo puts it back)."""
        note = self._signup(note_id)
        return self.wall._change(lambda c: c.put(replace(note, deleted=True)))



# -- its part of an export (kiosk.core.export) ----------------------------------------------

def collect(ctx) -> dict:
    """The names signed up on each theme (a theme gone from the wall keeps its names)."""
    names: dict[str, list[str]] = {}
    for n in ctx.wall.signups():
        names.setdefault(n.signup, []).append(n.text)
    if not names:
        return {"signups": None}
    steps = ctx.steps("signup")
    return {"signups": {
        "title": str(steps[0].get("title") or "") if steps else "",
        "themes": [{"key": k, "label": ctx.label(k), "names": people} for k, people in names.items()],
    }}


def sections(doc: dict, t) -> list:
    """Each theme with how many signed up, their names under it."""
    su = doc.get("signups")
    if not su:
        return []
    return [(su["title"] or t(N_("Sign-ups")),
             [(f"{x['label']} ({len(x['names'])})", x["names"]) for x in su["themes"]])]


def summary(doc: dict, t) -> list[str]:
    """Who takes which theme: "Arbeidsmengde: Kari, Ola"."""
    su = doc.get("signups")
    if not su:
        return []
    return [""] + [f"{x['label']}: " + ", ".join(x["names"]) for x in su["themes"]]

# everyone puts a note with their name on one theme (dialogverksted): which items are
# the themes — a vote's winners ("chosen"), the groups, or all — and one theme per person
ACTIVITY = Activity(
    "signup",
    params=(
        Param("themes", Choice(THEMES), default=THEMES[0]),
        Param("one_per_person", Bool(), default=True),
        FROM_PREPARED,
    ),
    needs_notes=prepared_off,
    refusals={
        "person_empty": N_("Type your name first."),
        "person_long": N_("A name is at most 40 characters."),
        "already_signed_up": N_("That name is already signed up. Drag the name to move it; if it is someone else, add a letter of the surname."),  # noqa: E501
        "not_a_signup": N_("That is not a name note."),
    },
    collect=collect,
    sections=sections,
    summary=summary,
    order=130,
)
