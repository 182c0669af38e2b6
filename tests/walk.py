"""What the start-to-finish method tests share: a finger that picks a method, walks the
steps by Next, writes a note on the screen keyboard and ends the workshop through the
PIN menu, and a fresh look at what the store holds."""

from __future__ import annotations

from kiosk.core.activities.rounds import TABLE as ROUNDS
from kiosk.core.wall import Wall
from kiosk.core.workshop import ACTIVE_KEY


def visible(k, widget, scroll) -> bool:
    x, y = widget.to_window(*widget.center)
    sx, sy = scroll.to_window(scroll.x, scroll.y)
    return sy + 10 < y < sy + scroll.height - 10


def pick(k, method_id: str, team: str):
    """From the idle screen to the first step: Start, the method's card, the team, Start."""
    for _ in range(3):
        if k.app.sm.current == "picker":
            break
        k.tap("start")
    assert k.app.sm.current == "picker"
    card = next(c for c in k.find("grid").children if c.method.id == method_id)
    scroll = k.find("scroll")
    for _ in range(20):                      # page down with the ▼ button until the card shows
        if visible(k, card, scroll):
            break
        k.tap("down")
    assert visible(k, card, scroll)
    k.tap(card)
    assert k.app.sm.current == "team"
    k.type(k.find("keyboard"), team)
    k.tap("start")
    assert k.app.sm.current == "workshop", k.app.notice
    k.frames(3)
    session = k.app.workshop.session
    assert session.method.id == method_id and session.team == team
    return session


def view(k):
    """The activity widget of the step on screen."""
    return k.find("activity").children[0]


def lane(v, table=None):
    """A table-group step's view of one table's lane (``kiosk.ui.activities.lanes``); a room
    never split has one lane, the room's (None). Any other step's view is itself."""
    return v.views[table] if type(v).__name__ == "LanesView" else v


def next_step(k, step_id: str):
    k.tap("next")
    assert k.app.workshop.session.step.id == step_id, k.app.notice
    k.frames(2)
    return view(k)


def write(k, v, kind: str, text: str) -> None:
    """A note of this kind, typed on the screen keyboard and saved."""
    k.tap(v.ids[f"new_{kind}"])
    k.type(v.composer.ids.keyboard, text)
    k.tap(v.composer.ids.save)


def wall_of(k, sid: str | None = None) -> Wall:
    """The wall as the store has it now (the running session's when no id is given)."""
    return Wall(k.app.store, sid or k.app.workshop.session.id, k.app.clock)


def end_workshop(k):
    """The menu behind the PIN, End workshop, Yes."""
    sid = k.app.workshop.session.id
    k.tap("menu")
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    assert k.app.sm.current == "settings"
    k.tap("end")
    k.tap(k.app.confirm_view.ids.yes)
    assert k.app.store.get_state(ACTIVE_KEY) is None
    assert k.app.store.load_session(sid)["status"] == "finished"
    return sid


def rounds_doc(k, sid, step_id):
    [doc] = [d for d in k.app.store.all(sid, ROUNDS) if d["step"] == step_id]
    return doc
