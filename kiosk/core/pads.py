"""Phones and table tablets as private pads: who may join, and what a pad may do.

Writing at a shared wall is never private, and a room of twelve cannot all type at it
in the ten minutes a guide gives. The phone in each pocket can be the paper on each
lap: it joins by the QR code on the wall, and its notes land on the wall as if typed
there. This module is the rule half of that (pure Python, no server, no Kivy): the
door, the devices, and the intents a pad sends, applied through the same core calls a
tap on the wall makes, with the same refusals. The LAN server that carries them is
elsewhere and never touches the store.

- **The door.** ``open_door`` issues one join token per session (128 random bits),
  valid only while the door is open; ``close_door`` locks it: joined devices keep
  working, new ones cannot join. Only a digest of the token is kept.
- **Devices.** Each device that joins gets its own random key (128 bits) and, as a
  person, a participant of its own (``kiosk.core.people``: "Participant 7" unless a
  first name is typed); as a table tablet it writes for its table group. Devices are
  stored in the session, so after a restart the pads carry on with their keys. A
  removed device's notes stay, anonymous. The device key is never shown or exported.
- **Intents.** A note (on a write step, and on timeline and map steps that take notes);
  editing or deleting one's own until it is presented; dots within the person's budget
  and the per-item cap, and "I have voted"; a private green / yellow / red mark per
  statement; a sign-up named by the person's participant (by design); turning up one's
  own note on one's turn in present-your-own. A device votes and marks as one voter of
  its own, in its table's lane in a table-group step (``lanes.lane_key``). Each goes
  through the same core rules as a tap on the wall and is refused with the same
  reasons, plus the pads' own (``REFUSALS``).
- **The inbox.** For sensitive topics the facilitator may hold pad notes (stored in the
  session, not on the wall) and let each in (it then goes on the wall through the step's
  rules, its author kept) or decline it; the phone's "My notes" shows them as held.
- **Bounds.** At most ``DEVICES_MAX`` devices per session, one note per
  ``NOTE_GAP_SECONDS`` per device and ``NOTES_PER_STEP`` per step; a note follows the
  step's length limit. An intent names the step it was made on: a form sent for a step
  the wall has left is refused ("the wall has moved on").

What a phone reads, and the intents as forms send them, are ``kiosk.core.padview``'s.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional, Union

from kiosk.i18n import N_

from .activities import present as present_rules
from .activities import rate as rate_rules
from .activities import signup as signup_rules
from .activities import vote as vote_rules
from .activities import write as write_rules
from .lanes import lane_key, lane_title, split_key
from .people import People, clean_name, label
from .record import Record
from .refusal import Refusal
from .undo import Undoable, UndoLog
from .wall import NOTE_MAX, NOTES, Note, WallError, clean_text

PADS = "pads"
"""The per-session store table of joined devices."""
INBOX = "pad_inbox"
"""The per-session store table of notes held in the inbox (not on the wall yet)."""
META = "meta"
DOOR_KEY = "pad_door"

TOKEN_BYTES = 16
"""128 random bits for the join token and for each device key."""
DEVICES_MAX = 60
"""A room of 15 with a tablet per table is far below; 200 phones is an attack or a mistake."""
NOTE_GAP_SECONDS = 2.0
"""A person types a note in more than two seconds; faster is a script."""
NOTES_PER_STEP = 30
"""Per device and step: more than any guide asks of one person (they ask 2–8)."""
KEY_MAX = 64
"""Longer than any key we issue: refused before it is hashed."""

PERSON, TABLE = "person", "table"

EVENT = "event"
"""The kind of a note written on a timeline when the method names no kind (the wall's own)."""
POINT, POST_IT = N_("An attention point"), N_("A post-it")
"""The titles of the kinds a pad writes on a map and a timeline when the method names none
(the wall's composer's own words; a method's kinds keep theirs, untranslated)."""
PAD_ACTIVITIES = ("write", "vote", "rate", "signup", "present", "timeline", "map")
"""The activities a pad may take part in (``pad_kind`` says whether a step of one does)."""


class PadError(Refusal):
    """An intent from a pad that the rules refuse; ``reason`` keys the plain message."""


def digest(secret: str) -> str:
    """What is kept of a secret: its SHA-256, so the store never holds a usable key."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _secret_ok(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= KEY_MAX and value.isascii()


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Device(Record):
    """One joined phone or tablet. ``key`` is the digest of its device key."""

    ID_FIELD = "id"

    id: int
    key: str = ""
    role: str = PERSON
    """'person' (writes as its own participant) or 'table' (writes for a table group)."""
    person: Optional[int] = None
    """The participant it writes as (a person device)."""
    table: Optional[int] = None
    """The table group it writes for (a table device), or its person's table."""
    joined_at: float = 0.0
    removed: bool = False
    last_note_at: float = 0.0
    """On the clock's monotonic time: the rate limit's memory (forgotten on a restart,
    where the monotonic clock starts again)."""
    notes: dict = field(default_factory=dict)
    """step id → notes sent there (the per-step bound)."""
    wrote: tuple[int, ...] = ()
    """The wall notes it sent (a table's tablet writes without an author, so "My notes"
    needs this list)."""
    done: tuple[str, ...] = ()
    """The vote rounds it said "I have voted" in."""
    marks: dict = field(default_factory=dict)
    """rate round → {statement index as text: [scale value index, the mark's doc id]}."""
    signups: tuple[int, ...] = ()
    """Its sign-up notes (its participant's name on a theme)."""


@dataclass(frozen=True)
class Held(Record):
    """A note from a pad held in the inbox: stored in the session, not on the wall, until
    the facilitator lets it in or declines it."""

    ID_FIELD = "id"

    id: int
    step: str = ""
    kind: str = ""
    text: str = ""
    author: Optional[int] = None
    group: Optional[int] = None
    device: int = 0
    at: float = 0.0
    declined: bool = False
    """The facilitator declined it: it never goes on the wall, and its phone is told so."""

    @property
    def key(self) -> str:
        return f"h{self.id}"


@dataclass(frozen=True)
class Door:
    """The join door of one session: open with a token's digest, or closed."""

    open: bool = False
    token: str = ""
    """The digest of the join token while open."""
    paused: bool = False
    """All pads paused by the facilitator: they read, but send nothing."""
    inbox: bool = False
    """Notes from pads wait in the inbox until the facilitator lets each onto the wall."""


NoteRef = Union[int, str]
"""A note a pad names: a wall note's id (12, "12" or "n12") or a held one's ("h3")."""


def note_ref(value: Any) -> tuple[str, int]:
    """("n", id) for a wall note, ("h", id) for one in the inbox; 'not_yours' otherwise."""
    if _whole(value) and value > 0:
        return "n", value
    if isinstance(value, str) and value.isascii() and 0 < len(value) <= 12:
        head, rest = (value[0], value[1:]) if value[0] in "nh" else ("n", value)
        if rest.isdigit() and int(rest) > 0:
            return head, int(rest)
    raise PadError("not_yours")


def note_kinds(step, method=None) -> list[dict]:
    """The kinds of note a pad writes at a step ({id, title, colour}): a write step's
    own (not the prepared ones); on a timeline the method's first kind, as the wall's
    composer writes there; on a map its attention points, unless the method says the
    map takes none (``write = false``). Empty: the step takes no notes from pads."""
    params = (step.params or {}) if step is not None else {}
    activity = getattr(step, "activity", None)
    if activity == "write":
        return [dict(k) for k in params.get("kinds") or [] if isinstance(k, dict) and not k.get("prepared")]
    if activity not in ("timeline", "map") or (activity == "map" and params.get("write") is False):
        return []
    from .activities import declared_kinds

    made = [k for _, k in declared_kinds(getattr(method, "steps", ()) or ())]
    if activity == "map":
        kind = params.get("kind") or "map"
        look = next((k for k in made if k.get("id") == kind), {})
        return [{"id": kind, "title": look.get("title") or POINT,
                 "colour": look.get("colour") or "yellow"}]
    first = made[0] if made else {}
    return [{"id": first.get("id") or EVENT, "title": first.get("title") or POST_IT,
             "colour": first.get("colour") or "yellow"}]


def pad_kind(step, method=None) -> str:
    """Which page a pad shows at a step: "write" (also on timeline and map steps that take
    notes), "vote" (dots; a show of hands is the facilitator's), "rate", "signup",
    "present", or "info" (the title, prompts and time left). Anything but "info" is a
    step the facilitator may open for phones."""
    if step is None:
        return "info"
    activity = step.activity
    if activity in ("write", "timeline", "map"):
        return "write" if note_kinds(step, method) else "info"
    if activity == "vote":
        return "vote" if (step.params or {}).get("mode", vote_rules.MODES[0]) == "dots" else "info"
    return activity if activity in ("rate", "signup", "present") else "info"


class Pads(Undoable):
    """The pads of one session: the door, the devices, their intents, and the inbox.

    ``step()`` returns the wall's current step (the screen's), so an intent for another
    step is refused; ``wall`` and ``people`` are the session's controllers, whose rules
    and refusals apply unchanged. ``method`` (optional) finds the step a held note was
    written at, so it can be let in after the wall moved on.

    The facilitator's inbox decisions, pause and inbox switch are undoable here (the
    wall's Undo, ``kiosk.ui.act``); what a pad does is not on the wall's Undo, as a tap
    at the wall by another person would not be.
    """

    def __init__(self, store, session_id: str, clock, *, wall, people: People,
                 step: Callable[[], Any], method=None) -> None:
        self.store = store
        self.session_id = session_id
        self.clock = clock
        self.wall = wall
        self.people = people
        self.step = step
        self.method = method
        self._door = Door()
        self._door_doc: Optional[int] = None
        self._devices: dict[int, Device] = {}
        self._held: dict[int, Held] = {}
        self._declined: dict[int, Held] = {}
        self._undo: UndoLog[tuple] = UndoLog()
        self.reload()

    def reload(self) -> None:
        """Read the devices again; the door is closed after a restart (joined pads go on)."""
        self._devices = {d["doc_id"]: replace(Device.from_dict(d), last_note_at=0.0)
                         for d in self.store.all(self.session_id, PADS)}
        inbox = [Held.from_dict(d) for d in self.store.all(self.session_id, INBOX)]
        self._held = {h.id: h for h in inbox if not h.declined}
        self._declined = {h.id: h for h in inbox if h.declined}
        doc = self.store.first(self.session_id, META, "key", DOOR_KEY)
        self._door_doc = None if doc is None else doc["doc_id"]
        self._door = Door(open=False, paused=bool(doc.get("paused")) if doc else False,
                          inbox=bool(doc.get("inbox")) if doc else False)
        self._undo.clear()

    # -- the door --------------------------------------------------------------------

    @property
    def door(self) -> Door:
        return self._door

    def open_door(self) -> str:
        """Open the door with a fresh join token (the old one, if any, no longer opens it)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self._door = replace(self._door, open=True, token=digest(token))
        return token

    def close_door(self) -> None:
        """New devices can no longer join; joined ones keep working."""
        self._door = replace(self._door, open=False, token="")

    def _set_door(self, **fields: bool) -> None:
        before = {k: getattr(self._door, k) for k in fields}
        if before == fields:
            return
        with self.store.batch(self.session_id):
            if self._door_doc is None:
                self._door_doc = self.store.insert(self.session_id, META, {"key": DOOR_KEY, **fields})
            else:
                self.store.update(self.session_id, META, self._door_doc, fields)
        self._door = replace(self._door, **fields)
        self._undo.push(("door", before))

    def pause(self, paused: bool = True) -> None:
        """Pause all pads (they still read the step), or let them send again; stored."""
        self._set_door(paused=bool(paused))

    def inbox(self, on: bool = True) -> None:
        """Hold the notes pads send until the facilitator lets each in (for sensitive
        topics), or send them straight to the wall again; stored. Notes held so far
        stay held until let in or declined."""
        self._set_door(inbox=bool(on))

    def token_ok(self, token: Any) -> bool:
        """Does this token open the door now? (Compared in constant time.)"""
        return (self._door.open and _secret_ok(token)
                and hmac.compare_digest(digest(token), self._door.token))

    # -- devices ---------------------------------------------------------------------

    def _live(self, device: Device) -> bool:
        """Joined and not taken off: neither the device, nor (for a person's) its participant
        on the People panel; an undo there brings the phone back too."""
        return not device.removed and (device.person is None or self.people.known(device.person))

    def devices(self) -> list[Device]:
        """The joined devices, oldest first (what the wall counts)."""
        return [d for _, d in sorted(self._devices.items()) if self._live(d)]

    def persons(self) -> list[Device]:
        """The joined devices of one person each (not the tables' tablets)."""
        return [d for d in self.devices() if d.role == PERSON]

    def device(self, key: Any) -> Device:
        """The device of a key; refuses 'unknown_device' (never joined, forged, or removed)."""
        if not _secret_ok(key):
            raise PadError("unknown_device")
        wanted = digest(key)
        for d in self._devices.values():
            if hmac.compare_digest(d.key, wanted):
                if not self._live(d):
                    raise PadError("unknown_device")
                return d
        raise PadError("unknown_device")

    def label(self, device: Device, t: Callable[[str], str] = lambda s: s) -> str:
        """What the pad calls itself: its participant ("Kari", "Participant 7") or its table."""
        if device.person is not None and self.people.known(device.person):
            return label(self.people.get(device.person), t)
        if device.table is not None:
            return lane_title(device.table, t)
        return t(N_("Participant"))

    def table_of(self, device: Device) -> Optional[int]:
        """The table a device sits at now (a person's seat may change at the count-off)."""
        if device.role == TABLE:
            table = device.table
        else:
            table = self.people.table_of(device.person)
        return table if _whole(table) and 1 <= table <= self.people.tables else None

    def lane_of(self, device: Device, step) -> Optional[int]:
        """The table lane a device works in at a step: its table in a table-group step of
        a split room, else None (the whole room's)."""
        if not getattr(step, "groups", False) or self.people.tables < 1:
            return None
        return self.table_of(device)

    def _lane(self, device: Device, step) -> Optional[int]:
        lane = self.lane_of(device, step)
        if lane is None and getattr(step, "groups", False) and self.people.tables >= 1:
            raise PadError("no_table")
        return lane

    def _store_device(self, device: Device) -> Device:
        """Write a device (inside the caller's batch); memory follows with ``_keep``."""
        if device.id == 0:
            new_id = self.store.insert(self.session_id, PADS, device.to_dict())
            return replace(device, id=new_id)
        self.store.update(self.session_id, PADS, device.id, device.to_dict())
        return device

    def _keep(self, device: Device) -> Device:
        self._devices[device.id] = device
        return device

    def _write(self, device: Device) -> Device:
        with self.store.batch(self.session_id):
            device = self._store_device(device)
        return self._keep(device)

    def join(self, token: Any, *, name: Any = "", table: Any = None, role: str = PERSON) -> tuple[str, Device]:
        """A device joins through the open door: (its new key, the device). A person device
        becomes a participant of its own ("Participant 7", or the first name typed), at
        ``table`` when the room is split. Refuses 'door_closed', 'full', 'unknown_table',
        and the people's refusals for a bad name."""
        if not self.token_ok(token):
            raise PadError("door_closed")
        if len(self.devices()) >= DEVICES_MAX:
            raise PadError("full")
        if role not in (PERSON, TABLE):
            raise PadError("bad_form")
        if table is not None and (not _whole(table) or not 1 <= table <= self.people.tables):
            raise PadError("unknown_table")
        if role == TABLE and table is None:
            raise PadError("unknown_table")
        name = clean_name(name)
        key = secrets.token_urlsafe(TOKEN_BYTES)
        person_id = None
        with self.store.batch(self.session_id):  # one write: the participant, the seat, the device
            if role == PERSON:  # the phone's own act: never on the People panel's Undo
                person_id = self.people.add(name, table, undoable=False).id
            device = self._store_device(Device(id=0, key=digest(key), role=role, person=person_id, table=table,
                                               joined_at=float(self.clock.now())))
        return key, self._keep(device)

    def remove(self, device_id: int) -> Device:
        """The facilitator takes a device off: it can send nothing more; its notes stay,
        anonymous (its participant is removed too)."""
        device = self._devices.get(device_id)
        if device is None or device.removed:
            raise PadError("unknown_device")
        if device.person is not None and self.people.known(device.person):
            self.people.remove(device.person, undoable=False)  # goes with the device, asked first
        return self._write(replace(device, removed=True))

    # -- intents ---------------------------------------------------------------------

    def _ready(self, key: Any, step_id: Any, activity: Optional[str] = None) -> tuple[Device, Any]:
        device = self.device(key)
        if self._door.paused:
            raise PadError("paused")
        step = self.step()
        if step is None or not isinstance(step_id, str) or step_id != step.id:
            raise PadError("moved_on")
        if activity is not None and step.activity != activity:
            raise PadError("not_here")
        return device, step

    def kinds(self, step) -> list[dict]:
        """The kinds of note a pad writes at a step (``note_kinds``)."""
        return note_kinds(step, self.method)

    def _checked(self, step, device: Device, kind: Any, text: Any, group: Optional[int],
                 waiting: int = 0) -> tuple[str, str, Optional[int]]:
        """(kind, text, table) of a pad's note as the step's rules would write it, refused
        as they refuse, without writing it."""
        if step.activity == "write":
            return write_rules.check_note(self.wall, self.people, step, kind, text,
                                          author=device.person, group=group, waiting=waiting)
        if not isinstance(kind, str) or kind not in [k["id"] for k in self.kinds(step)]:
            raise WallError("unknown_kind")
        return kind, clean_text(text, self._max_length(step.id)), group if step.groups else None

    def _add(self, step, kind: str, text: str, author: Optional[int], group: Optional[int]) -> Note:
        """A pad's note onto the wall through the step's rules: a write step's, or on a
        timeline or map a note the group then puts on a year or on the map (it waits in
        the tray, as an unplaced note does)."""
        if step.activity == "write":
            return write_rules.add_note(self.wall, self.people, step, kind, text, author=author, group=group)
        kinds = [k["id"] for k in self.kinds(step)]
        if not kinds:
            raise PadError("not_here")
        return self.wall.add_note(kind, text, step=step.id, max_length=self._max_length(step.id), kinds=kinds,
                                  author=author, group=group if step.groups else None)

    def send_note(self, key: Any, step_id: Any, kind: Any, text: Any) -> Union[Note, Held]:
        """A note from a pad: onto the wall as the step says (face down or up), with the
        device's participant as author, at its table in a table-group step; with the
        inbox on, held until the facilitator lets it in (a ``Held``). Refuses 'moved_on',
        'not_here' (the step takes no notes), 'too_fast', 'too_many', and the step's own
        refusals (kind, length, max per person)."""
        device, step = self._ready(key, step_id)
        if not self.kinds(step):
            raise PadError("not_here")
        now = float(self.clock.monotonic())
        if device.last_note_at and 0 <= now - device.last_note_at < NOTE_GAP_SECONDS:
            raise PadError("too_fast")
        sent = int(device.notes.get(step.id, 0))
        if sent >= NOTES_PER_STEP:
            raise PadError("too_many")
        if not isinstance(text, str) or not isinstance(kind, str):
            raise PadError("bad_form")
        group = self._lane(device, step) if device.role == TABLE else None
        if device.role == PERSON:
            self._lane(device, step)  # a split room's table-group step needs a seat
        counted = replace(device, last_note_at=now, notes={**device.notes, step.id: sent + 1})
        if self._door.inbox:
            waiting = sum(1 for h in self._held.values() if h.step == step.id and h.author is not None
                          and h.author == device.person)
            kind, text, group = self._checked(step, device, kind, text, group, waiting)
            with self.store.batch(self.session_id):
                doc = Held(id=0, step=step.id, kind=kind, text=text, author=device.person, group=group,
                           device=device.id, at=float(self.clock.now())).to_dict()
                held = Held.from_dict({**doc, "doc_id": self.store.insert(self.session_id, INBOX, doc)})
                self._store_device(counted)
            self._held[held.id] = held
            self._keep(counted)
            return held
        with self.store.batch(self.session_id):
            note = self._add(step, kind, text, device.person, group)
            counted = self._store_device(replace(counted, wrote=device.wrote + (note.id,)))
        self._keep(counted)
        return note

    def _notes_of(self, device: Device) -> list[Note]:
        wrote = set(device.wrote)
        return [n for n in self.wall.notes()
                if n.id in wrote or (device.person is not None and n.author == device.person)]

    def my_notes(self, key: Any) -> list[Note]:
        """The device's own notes on the wall (what its "My notes" lists)."""
        return self._notes_of(self.device(key))

    def my_held(self, key: Any) -> list[Held]:
        """The device's notes waiting in the inbox, oldest first."""
        return self._held_of(self.device(key))

    def _held_of(self, device: Device) -> list[Held]:
        return [h for _, h in sorted(self._held.items()) if h.device == device.id]

    def declined_of(self, device_id: int) -> list[Held]:
        """The device's notes the facilitator declined, oldest first (its phone lists them)."""
        return [h for _, h in sorted(self._declined.items()) if h.device == device_id]

    def _own(self, key: Any, ref: NoteRef) -> tuple[Device, Union[Note, Held]]:
        device = self.device(key)
        if self._door.paused:
            raise PadError("paused")
        kind, number = note_ref(ref)
        if kind == "h":
            held = self._held.get(number)
            if held is None or held.device != device.id:
                raise PadError("not_yours")
            return device, held
        note = next((n for n in self._notes_of(device) if n.id == number), None)
        if note is None:
            raise PadError("not_yours")
        if note.revealed is not None:
            raise PadError("presented")
        return device, note

    def _max_length(self, step_id: str) -> int:
        step = self._step_of(step_id, strict=False)
        return int(((step.params or {}) if step is not None else {}).get("max_length") or NOTE_MAX)

    def edit_note(self, key: Any, ref: NoteRef, text: Any) -> Union[Note, Held]:
        """Change one's own note until it is presented (or while it waits in the inbox).
        Refuses 'not_yours', 'presented', and the wall's length refusals."""
        _, note = self._own(key, ref)
        if not isinstance(text, str):
            raise PadError("bad_form")
        limit = self._max_length(note.step)
        if isinstance(note, Held):
            changed = replace(note, text=clean_text(text, limit))
            with self.store.batch(self.session_id):
                self.store.update(self.session_id, INBOX, note.id, changed.to_dict())
            self._held[note.id] = changed
            return changed
        return self.wall.edit_text(note.id, text, max_length=limit)

    def delete_note(self, key: Any, ref: NoteRef) -> Union[Note, Held]:
        """Take one's own note off the wall (or out of the inbox) until it is presented."""
        _, note = self._own(key, ref)
        if isinstance(note, Held):
            with self.store.batch(self.session_id):
                self.store.remove(self.session_id, INBOX, note.id)
            self._held.pop(note.id, None)
            return note
        return self.wall.delete_note(note.id)

    # -- vote ------------------------------------------------------------------------

    def vote_round(self, step, lane: Optional[int] = None) -> vote_rules.VoteRound:
        """The vote round a pad at ``lane`` votes in (a table's own in a table-group step).
        Refuses 'not_here' for a show of hands, 'nothing_to_vote_on' for an empty ballot."""
        params = step.params or {}
        if params.get("mode", vote_rules.MODES[0]) != "dots":
            raise PadError("not_here")
        kw = {"group": lane} if getattr(step, "groups", False) else {}
        return vote_rules.VoteRound.on_wall(self.store, self.session_id, step.id, params, self.wall, **kw)

    def dot(self, key: Any, step_id: Any, item: Any, delta: int) -> int:
        """Place one dot on a ballot item (``delta`` 1) or take one back (-1), within the
        person's budget and the per-item cap; returns their dots on it now. A device is a
        voter of its own (``vote.pad_voter``) in the round (its table's, at a table). Refuses 'voted' after
        "I have voted", and the vote's refusals ('no_votes_left', 'item_cap',
        'unknown_item', 'no_vote_here')."""
        device, step = self._ready(key, step_id, "vote")
        if delta not in (1, -1) or not isinstance(item, str):
            raise PadError("bad_form")
        rnd = self.vote_round(step, self._lane(device, step))
        if rnd.step_id in device.done:
            raise PadError("voted")
        voter = vote_rules.pad_voter(device.id)
        return rnd.cast(item, voter) if delta > 0 else rnd.take_back(item, voter)

    def done(self, key: Any, step_id: Any) -> Device:
        """"I have voted": the device's dots stand and count as done (a second time
        changes nothing)."""
        device, step = self._ready(key, step_id, "vote")
        rnd = self.vote_round(step, self._lane(device, step))
        if rnd.step_id in device.done:
            return device
        return self._write(replace(device, done=device.done + (rnd.step_id,)))

    def my_dots(self, device: Device, rnd: vote_rules.VoteRound) -> dict[str, int]:
        """A device's dots per ballot item in a round (none: it has not voted there)."""
        voter = vote_rules.pad_voter(device.id)
        out: dict[str, int] = {}
        for d in self.store.all(self.session_id, vote_rules.VOTES):
            if d.get("round") == rnd.step_id and d.get("voter") == voter and _whole(d.get("points")):
                out[d.get("item")] = out.get(d.get("item"), 0) + d["points"]
        return out

    def voted_count(self, step_id: Optional[str] = None) -> tuple[int, int]:
        """"Everyone has voted", as numbers for the wall: (person devices that said done
        at the vote step, person devices joined). Tables' tablets are not persons."""
        if step_id is None:
            step = self.step()
            step_id = step.id if step is not None else ""
        persons = self.persons()
        done = sum(1 for d in persons if any(split_key(r)[0] == step_id for r in d.done))
        return done, len(persons)

    def totals_shown(self, step=None, lane: Any = ...) -> bool:
        """Do the running totals of a vote step show now (``vote.totals_shown``): always,
        unless it hides them; then once every person's pad has said done, or once the
        facilitator revealed them (in ``lane``'s round, or any of the step's)."""
        step = self.step() if step is None else step
        if step is None:
            return True
        done, voters = self.voted_count(step.id)
        revealed = any(d.get("revealed") for d in self.store.all(self.session_id, vote_rules.ROUNDS)
                       if split_key(d.get("round"))[0] == step.id
                       and (lane is ... or d.get("round") == lane_key(step.id, lane)))
        return vote_rules.totals_shown(step.params or {}, done=done, voters=voters, revealed=revealed)

    # -- rate ------------------------------------------------------------------------

    def rating(self, step, lane: Optional[int] = None) -> rate_rules.Rating:
        return rate_rules.Rating.for_step(self.store, self.session_id, step, self.clock,
                                          group=lane if getattr(step, "groups", False) else None)

    def mark(self, key: Any, step_id: Any, statement: Any, value: Any) -> Optional[str]:
        """Mark a statement with a value of the step's scale ("green", "yellow", "red"),
        privately: the device's own mark replaces its earlier one; "" or None takes it
        away. The wall shows only the spread. Refuses 'unknown_statement', 'unknown_value'."""
        device, step = self._ready(key, step_id, "rate")
        rating = self.rating(step, self._lane(device, step))
        if value in ("", None):
            index = None
        elif isinstance(value, str) and value in rating.scale:
            index = rating.scale.index(value)
        else:
            raise rate_rules.RateError("unknown_value")
        if not _whole(statement) or not 0 <= statement < len(rating.statements):
            raise rate_rules.RateError("unknown_statement")
        mine = dict(device.marks.get(rating.step_id) or {})
        before = mine.get(str(statement))
        before_id = before[1] if isinstance(before, list) and len(before) == 2 else None
        with self.store.batch(self.session_id):
            doc_id = rating.own(statement, index, before_id)
            if doc_id is None:
                mine.pop(str(statement), None)
            else:
                mine[str(statement)] = [index, doc_id]
            device = self._store_device(replace(device, marks={**device.marks, rating.step_id: mine}))
        self._keep(device)
        return value or None

    def my_marks(self, device: Device, rating: rate_rules.Rating,
                 live: Optional[set[int]] = None) -> dict[int, str]:
        """A device's marks in a rating: statement index → the scale's value. A mark the
        wall took back meanwhile (its Undo, or take-back) is no longer the device's;
        ``live``: the rating's mark doc ids, when the caller read them already."""
        live = {d["doc_id"] for d in rating.marks()} if live is None else live
        out: dict[int, str] = {}
        for s, pair in (device.marks.get(rating.step_id) or {}).items():
            if isinstance(pair, list) and len(pair) == 2 and str(s).isdigit() and _whole(pair[0]) \
                    and 0 <= pair[0] < len(rating.scale) and pair[1] in live:
                out[int(s)] = rating.scale[pair[0]]
        return out

    # -- sign-up ---------------------------------------------------------------------

    def themes(self, step) -> list:
        """The themes a sign-up step offers (``signup.theme_items``)."""
        return signup_rules.theme_items(self.wall, (step.params or {}).get("themes", signup_rules.THEMES[0]))

    def my_signups(self, device: Device) -> list[Note]:
        mine = set(device.signups)
        return [n for n in self.wall.signups() if n.id in mine]

    def sign_up(self, key: Any, step_id: Any, theme: Any, t: Callable[[str], str] = lambda s: s) -> Optional[Note]:
        """Sign up for a theme, named by design: the device's participant's name (or
        "Participant 7" in ``t``'s language) goes on it as a sign-up note. With one theme
        per person a second pick moves the name; "" takes it off. Refuses 'person_only'
        for a table's tablet, 'unknown_item' for a theme not offered, and the sign-up's
        own refusals."""
        device, step = self._ready(key, step_id, "signup")
        if device.person is None or not self.people.known(device.person):
            raise PadError("person_only")
        if not isinstance(theme, str):
            raise PadError("bad_form")
        params = step.params or {}
        board = signup_rules.Signup(self.wall, step=step.id, one_per_person=params.get("one_per_person", True))
        live = self.my_signups(device)
        if theme == "":
            with self.store.batch(self.session_id):
                for n in live:
                    board.withdraw(n.id)
                device = self._store_device(replace(device, signups=()))
            self._keep(device)
            return None
        if theme not in {i.key for i in self.themes(step)}:
            raise WallError("unknown_item")
        there = next((n for n in live if n.signup == theme), None)
        if there is not None:
            return there
        name = label(self.people.get(device.person), t)
        with self.store.batch(self.session_id):
            if board.one_per_person and live:
                note = board.move(live[0].id, theme)
            else:
                note = board.add(theme, name)
            keep = tuple(dict.fromkeys([n.id for n in live] + [note.id]))
            device = self._store_device(replace(device, signups=keep))
        self._keep(device)
        return note

    # -- present your own --------------------------------------------------------------

    def turns(self, step) -> present_rules.PresentTurns:
        return present_rules.PresentTurns(self.store, self.session_id, self.wall, self.people, step)

    def reveal(self, key: Any, step_id: Any, ref: Any) -> list[Note]:
        """Present your own: the person whose turn it is turns up one of their face-down
        notes from their pad. Refuses 'not_your_turn', and the turn's own refusals
        ('not_your_note', 'turn_full')."""
        device, step = self._ready(key, step_id, "present")
        kind, number = note_ref(ref)
        turns = self.turns(step)
        person = turns.current()
        if device.person is None or person is None or person.id != device.person:
            raise PadError("not_your_turn")
        if kind != "n":
            raise present_rules.TurnError("not_your_note")
        return turns.reveal_own([number])

    # -- the inbox (the facilitator's) --------------------------------------------------

    def held(self) -> list[Held]:
        """The notes waiting in the inbox, oldest first (their authors are never shown)."""
        return [h for _, h in sorted(self._held.items())]

    def _held_one(self, held_id: Any) -> Held:
        held = self._held.get(held_id) if _whole(held_id) else None
        if held is None:
            raise PadError("inbox_gone")
        return held

    def _step_of(self, step_id: str, *, strict: bool = True):
        here = self.step()
        if here is not None and here.id == step_id:
            return here
        for s in getattr(self.method, "steps", ()) or ():
            if s.id == step_id:
                return s
        if strict:
            raise PadError("moved_on")
        return None

    def let_in(self, held_id: Any) -> Note:
        """Let a held note onto the wall, through the write step's rules, its author kept
        (never shown). Refuses 'inbox_gone', and the write rules' refusals."""
        held = self._held_one(held_id)
        step = self._step_of(held.step)
        author = held.author if held.author is not None and self.people.known(held.author) else None
        device = self._devices.get(held.device)
        with self.store.batch(self.session_id):
            note = self._add(step, held.kind, held.text, author, held.group)
            self.store.remove(self.session_id, INBOX, held.id)
            if device is not None:
                device = self._store_device(replace(device, wrote=device.wrote + (note.id,)))
        if device is not None:
            self._keep(device)
        self._held.pop(held.id, None)
        self._undo.push(("let_in", held, note.id))
        return note

    def decline(self, held_id: Any) -> Held:
        """Decline a held note: it never goes on the wall, and its phone shows it as not
        put up, so nobody waits for it (Undo puts it back in the inbox)."""
        held = self._held_one(held_id)
        declined = replace(held, declined=True)
        with self.store.batch(self.session_id):
            self.store.update(self.session_id, INBOX, held.id, {"declined": True})
        self._held.pop(held.id, None)
        self._declined[held.id] = declined
        self._undo.push(("declined", held))
        return declined

    def _off_the_wall(self, note_id: int) -> None:
        """A note let in goes off the wall again. Letting it in put its insert on the wall's
        own undo as well; the one Undo button has taken back every later change by now,
        so that insert is the wall's newest, and the wall's undo takes it (nothing is left
        behind for a later Undo to trip over)."""
        log = self.wall._undo
        if log and log[-1] == [(NOTES, note_id, None)]:
            self.wall.undo()
            return
        try:
            self.wall.delete_note(note_id)
        except WallError:
            pass  # gone from the wall another way: only the inbox gets it back

    def undo(self) -> bool:
        """Take back the newest inbox decision, pause or inbox switch."""
        return self._undo.undo(self._put_back)

    def _put_back(self, entry: tuple) -> None:
        if entry[0] == "door":
            fields = entry[1]
            with self.store.batch(self.session_id):
                self.store.update(self.session_id, META, self._door_doc, fields)
            self._door = replace(self._door, **fields)
            return
        held = entry[1]
        if entry[0] == "declined":
            with self.store.batch(self.session_id):
                self.store.update(self.session_id, INBOX, held.id, {"declined": False})
            self._declined.pop(held.id, None)
            self._held[held.id] = held
            return
        with self.store.batch(self.session_id):
            if entry[0] == "let_in":
                self._off_the_wall(entry[2])
            doc = {k: v for k, v in held.to_dict().items() if k != "doc_id"}
            back = replace(held, id=self.store.insert(self.session_id, INBOX, doc))
        self._held[back.id] = back


REFUSALS = {
    "door_closed": N_("The wall is not taking new phones right now. Ask the facilitator to open it."),
    "full": N_("As many phones as the wall takes have joined."),
    "unknown_device": N_("This phone is no longer part of the workshop. Scan the code on the wall again."),
    "paused": N_("The facilitator has paused the phones for a moment."),
    "moved_on": N_("The wall has moved on to another step. Here is the new one."),
    "not_here": N_("This step takes no post-its."),
    "too_fast": N_("One post-it at a time: wait a moment, then send."),
    "too_many": N_("That is as many post-its as one phone can send in this step."),
    "bad_form": N_("That could not be read. Try again."),
    "not_yours": N_("That is not one of your post-its."),
    "presented": N_("That post-it has been presented; it stays as it is."),
    "no_table": N_("Your table is not known yet. Ask the facilitator to seat you at a table."),
    "voted": N_("You have said you are done voting. Your marks are counted."),
    "person_only": N_("Each person signs up on their own phone, not on the table's tablet."),
    "not_your_turn": N_("It is not your turn yet. The wall shows whose turn it is."),
    "inbox_gone": N_("That post-it is no longer waiting in the inbox."),
    "not_saved": N_("The wall could not save that. Try again in a moment."),
    "failed": N_("Something went wrong on the wall. Try again."),
}
"""Refusal reasons of the pads → the plain message the phone page shows. The rules a pad
shares with the wall (the people's, the wall's, each activity's) keep their own messages
(``kiosk.core.padview.message`` looks in each)."""
