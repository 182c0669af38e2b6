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
- **Bounds.** At most ``DEVICES_MAX`` devices per session, one note per
  ``NOTE_GAP_SECONDS`` per device and ``NOTES_PER_STEP`` per step; a note follows the
  step's length limit. An intent names the step it was made on: a form sent for a step
  the wall has left is refused ("the wall has moved on").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from kiosk.i18n import N_

from .activities import write as write_rules
from .people import People, clean_name
from .record import Record
from .refusal import Refusal

PADS = "pads"
"""The per-session store table of joined devices."""
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


class PadError(Refusal):
    """An intent from a pad that the rules refuse; ``reason`` keys the plain message."""


def digest(secret: str) -> str:
    """What is kept of a secret: its SHA-256, so the store never holds a usable key."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _secret_ok(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= KEY_MAX and value.isascii()


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
    """On the clock's monotonic time: the rate limit's memory (not stored across restarts)."""
    notes: dict = field(default_factory=dict)
    """step id → notes sent there (the per-step bound)."""


@dataclass(frozen=True)
class Door:
    """The join door of one session: open with a token's digest, or closed."""

    open: bool = False
    token: str = ""
    """The digest of the join token while open."""
    paused: bool = False
    """All pads paused by the facilitator: they read, but send nothing."""


class Pads:
    """The pads of one session: the door, the devices, and their intents.

    ``step()`` returns the wall's current step (the screen's), so an intent for another
    step is refused; ``wall`` and ``people`` are the session's controllers, whose rules
    and refusals apply unchanged.
    """

    def __init__(self, store, session_id: str, clock, *, wall, people: People, step) -> None:
        self.store = store
        self.session_id = session_id
        self.clock = clock
        self.wall = wall
        self.people = people
        self.step = step
        self._door = Door()
        self._door_doc: Optional[int] = None
        self._devices: dict[int, Device] = {}
        self.reload()

    def reload(self) -> None:
        """Read the devices again; the door is closed after a restart (joined pads go on)."""
        self._devices = {d["doc_id"]: Device.from_dict(d) for d in self.store.all(self.session_id, PADS)}
        doc = self.store.first(self.session_id, META, "key", DOOR_KEY)
        self._door_doc = None if doc is None else doc["doc_id"]
        paused = bool(doc.get("paused")) if doc else False
        self._door = Door(open=False, paused=paused)

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

    def pause(self, paused: bool = True) -> None:
        """Pause all pads (they still read the step), or let them send again; stored."""
        with self.store.batch(self.session_id):
            if self._door_doc is None:
                self._door_doc = self.store.insert(self.session_id, META, {"key": DOOR_KEY, "paused": bool(paused)})
            else:
                self.store.update(self.session_id, META, self._door_doc, {"paused": bool(paused)})
        self._door = replace(self._door, paused=bool(paused))

    def token_ok(self, token: Any) -> bool:
        """Does this token open the door now? (Compared in constant time.)"""
        return (self._door.open and _secret_ok(token)
                and hmac.compare_digest(digest(token), self._door.token))

    # -- devices ---------------------------------------------------------------------

    def devices(self) -> list[Device]:
        """The joined devices, oldest first (what the wall counts)."""
        return [d for _, d in sorted(self._devices.items()) if not d.removed]

    def device(self, key: Any) -> Device:
        """The device of a key; refuses 'unknown_device' (never joined, forged, or removed)."""
        if not _secret_ok(key):
            raise PadError("unknown_device")
        wanted = digest(key)
        for d in self._devices.values():
            if hmac.compare_digest(d.key, wanted):
                if d.removed:
                    raise PadError("unknown_device")
                return d
        raise PadError("unknown_device")

    def _write(self, device: Device) -> Device:
        with self.store.batch(self.session_id):
            if device.id == 0:
                doc = device.to_dict()
                new_id = self.store.insert(self.session_id, PADS, doc)
                device = replace(device, id=new_id)
            else:
                self.store.update(self.session_id, PADS, device.id, device.to_dict())
        self._devices[device.id] = device
        return device

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
        if table is not None and (isinstance(table, bool) or not isinstance(table, int)
                                  or not 1 <= table <= self.people.tables):
            raise PadError("unknown_table")
        if role == TABLE and table is None:
            raise PadError("unknown_table")
        key = secrets.token_urlsafe(TOKEN_BYTES)
        person_id = None
        if role == PERSON:
            person = self.people.add(clean_name(name))
            if table is not None:
                person = self.people.move(person.id, table)
            person_id = person.id
        device = self._write(Device(id=0, key=digest(key), role=role, person=person_id, table=table,
                                    joined_at=float(self.clock.now())))
        return key, device

    def remove(self, device_id: int) -> Device:
        """The facilitator takes a device off: it can send nothing more; its notes stay,
        anonymous (its participant is removed too)."""
        device = self._devices.get(device_id)
        if device is None or device.removed:
            raise PadError("unknown_device")
        if device.person is not None and self.people.known(device.person):
            self.people.remove(device.person)
        return self._write(replace(device, removed=True))

    # -- intents ---------------------------------------------------------------------

    def _ready(self, key: Any, step_id: Any) -> tuple[Device, Any]:
        device = self.device(key)
        if self._door.paused:
            raise PadError("paused")
        step = self.step()
        if step is None or step_id != step.id:
            raise PadError("moved_on")
        return device, step

    def send_note(self, key: Any, step_id: Any, kind: Any, text: Any) -> Any:
        """A note from a pad: onto the wall as the step says (face down or up), with the
        device's participant as author, at its table in a table-group step. Refuses
        'moved_on', 'not_here' (the step takes no notes), 'too_fast', 'too_many', and
        the write step's own refusals (kind, length, max per person)."""
        device, step = self._ready(key, step_id)
        if step.activity != "write":
            raise PadError("not_here")
        now = float(self.clock.monotonic())
        if device.last_note_at and now - device.last_note_at < NOTE_GAP_SECONDS:
            raise PadError("too_fast")
        sent = int(device.notes.get(step.id, 0))
        if sent >= NOTES_PER_STEP:
            raise PadError("too_many")
        if not isinstance(text, str) or not isinstance(kind, str):
            raise PadError("bad_form")
        group = device.table if device.role == TABLE else None
        note = write_rules.add_note(self.wall, self.people, step, kind, text,
                                    author=device.person, group=group)
        self._write(replace(device, last_note_at=now, notes={**device.notes, step.id: sent + 1}))
        return note

    def my_notes(self, key: Any) -> list:
        """The device's own notes on the wall (what its "My notes" lists)."""
        device = self.device(key)
        if device.person is None:
            return [n for n in self.wall.notes() if n.author is None and n.group == device.table
                    and n.step == (self.step().id if self.step() else None)]
        return [n for n in self.wall.notes() if n.author == device.person]

    def _own(self, key: Any, note_id: Any):
        device = self.device(key)
        if self._door.paused:
            raise PadError("paused")
        note = next((n for n in self.my_notes(key) if n.id == note_id), None)
        if note is None:
            raise PadError("not_yours")
        if note.revealed is not None:
            raise PadError("presented")
        return device, note

    def edit_note(self, key: Any, note_id: Any, text: Any) -> Any:
        """Change one's own note until it is presented. Refuses 'not_yours', 'presented'."""
        _, note = self._own(key, note_id)
        step = self.step()
        limit = (step.params or {}).get("max_length") if step is not None and step.id == note.step else None
        if not isinstance(text, str):
            raise PadError("bad_form")
        return self.wall.edit_text(note.id, text, **({"max_length": limit} if limit else {}))

    def delete_note(self, key: Any, note_id: Any) -> Any:
        """Take one's own note off the wall until it is presented."""
        _, note = self._own(key, note_id)
        return self.wall.delete_note(note.id)


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
}
"""Refusal reasons of the pads → the plain message the phone page shows."""
