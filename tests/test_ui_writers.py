"""Several writers at the wall at once, with real touches from several fingers.

Two and three composers typed at the same moment: each person's fingers are touches
with their own ids, down and up interleaved with the others' within a frame, as a
multitouch panel reports them (``kiosk_testing.Panel``); then the store is checked.
Also: the screen-size setting decides how many composers open; authors picked by
number are stored but never shown; a composer left open when the step changes keeps
its text as a draft; a physical keyboard types into the composer touched last.

Screenshots: ``PYTHONPATH=.:tests python tests/test_ui_writers.py 1920x1080`` (or
3840x2160) writes three composers in Danish under screenshots/writers/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core import composers
from tests.test_ui_wall import fresh_wall, go_to  # the same moves as the one-writer wall

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]


def keys_for(keyboard, text: str) -> list[str]:
    """The keys a person taps for ``text``: shift before a capital, as on a phone."""
    out = []
    for ch in text:
        key = {" ": "space"}.get(ch, ch)
        if key not in keyboard.keys:
            if key.lower() not in keyboard.keys:
                raise AssertionError(f"no key for {ch!r}")
            out.append("shift")
            key = key.lower()
        out.append(key)
    return out


def key_widget(keyboard, name: str):
    """The key's widget whether the keyboard shows small letters or capitals (shift
    changes the letters in place, on the same keys)."""
    return keyboard.keys.get(name) or keyboard.keys[name.upper()]


def type_together(k, writers, texts, steps_per_frame: int = 3) -> None:
    """Each writer types their own text at the same time, finger after finger. At each
    step every writer's finger lifts from the key it pressed (the key types) and the
    next finger comes down on the next key: the downs and ups of all writers interleave,
    each contact with its own touch id, and a frame delivers a few steps' events in the
    order they happened, as a panel's events queue between two frames."""
    panel = k.panel()
    plans = [keys_for(w.ids.keyboard, t) for w, t in zip(writers, texts)]
    down: dict[int, int] = {}   # writer → the touch id down now
    ids = iter(range(1000, 100000))
    step = 0
    while any(step < len(p) for p in plans) or down:
        for i, (writer, plan) in enumerate(zip(writers, plans)):
            if i in down:
                panel.up(down.pop(i))
            if step < len(plan):
                touch = next(ids)
                panel.down(touch, key_widget(writer.ids.keyboard, plan[step]))
                down[i] = touch
        step += 1
        if step % steps_per_frame == 0 or not down:
            k.frames(1)
    k.frames(1)


def begin(k, step_id: str = "refleksion"):
    """A Trivselsdialog running at ``step_id`` (started as the team screen starts it)."""
    app = k.app
    assert app.start_workshop(app.method_by_id("trivselsdialog"), "Hjemmeplejen Nord")
    k.frames(2)
    return go_to(k, step_id)


def test_three_writers_type_at_once_and_every_note_lands_whole(kiosk):
    k = kiosk
    view = begin(k)
    assert view.most == 3                                  # a 65" screen at 1080p holds three
    k.tap(view.ids.together)
    desk = view.desk
    writers = desk.writers
    assert len(writers) == 3 and desk.get_parent_window() is not None
    xs = [k.center_of(w)[0] for w in writers]
    assert xs == sorted(xs)                                # side by side, left to right
    key = writers[0].ids.keyboard.keys["q"]
    assert key.width * composers.mm_per_px(1920, 1080, 65) >= composers.KEY_MM   # a fingertip wide
    assert key.height >= 80 * k.app.s
    k.tap(writers[1].kind_buttons["mindre-godt"])
    texts = ["Travlt på Ærø", "For mange møder", "God stemning"]
    type_together(k, writers, texts)
    assert [w.ids.text.text for w in writers] == texts     # nobody typed into anyone else's
    assert [w.counter for w in writers] == [f"{len(t)}/120" for t in texts]

    # two save in the same frame (two fingers up together), the third a frame later
    panel = k.panel()
    panel.down(1, writers[0].ids.save)
    panel.down(2, writers[2].ids.save)
    panel.up(2)
    panel.up(1)
    k.frames(1)
    k.tap(writers[1].ids.save)
    notes = fresh_wall(k).notes()
    assert sorted((n.kind, n.text, n.face_down, n.author) for n in notes) == sorted([
        ("godt", texts[0], True, None), ("mindre-godt", texts[1], True, None), ("godt", texts[2], True, None)])
    assert desk.get_parent_window() is not None            # the desk stays: the next notes
    assert all(w.ids.text.text == "" and w.message == "On the wall." for w in writers)
    assert len(view.ids.board.cards) == 3

    # a refusal is said in its own composer only; the others go on
    k.tap(writers[0].ids.save)                             # empty
    assert "Write something" in writers[0].message and writers[1].message == "On the wall."
    assert not k.app.notice                                # no banner over everyone's work

    # one closes; with text it asks first, and "Keep writing" keeps every letter
    k.type(writers[2].ids.keyboard, "Halv")
    k.tap(writers[2].ids.cancel)
    assert writers[2].asking
    k.tap(writers[2].ids.keep)
    assert writers[2].ids.text.text == "Halv" and len(desk.writers) == 3
    k.tap(writers[2].ids.cancel)
    k.tap(writers[2].ids.throw)
    assert len(desk.writers) == 2
    assert desk.ids.add_writer.opacity == 1               # room for one more
    k.tap(desk.ids.add_writer)
    assert len(desk.writers) == 3 and desk.ids.add_writer.disabled
    k.tap(desk.ids.show_wall)
    assert desk.get_parent_window() is None
    assert len(fresh_wall(k).notes()) == 3


def test_authors_picked_by_number_and_drafts_kept_when_the_step_changes(kiosk):
    k = kiosk
    view = begin(k)
    people = k.app.people()
    people.set_count(4)
    three = people.everyone()[2]
    k.tap(view.ids["new_godt"])                             # one writer …
    desk = view.desk
    assert len(desk.writers) == 1
    k.tap(desk.ids.add_writer)                              # … and a second steps up
    a, b = desk.writers
    k.tap(a.ids.who)
    assert a.picking and len(a.person_buttons) == 5         # "No name" and four numbers
    k.tap(a.person_buttons[three.id])
    assert k.wait_until(lambda: a.author == three.id, 2)   # (a list lets go of a tap a moment later)
    assert "Participant 3" in a.author_text and not a.picking
    k.tap(b.kind_buttons["mindre-godt"])
    type_together(k, [a, b], ["Kaffen er god", "Vagtplanen"])
    k.tap(a.ids.save)
    note = fresh_wall(k).notes()[0]
    assert (note.text, note.author) == ("Kaffen er god", three.id)
    shown = " ".join(c.text for c in view.ids.board.cards.values())
    assert "Participant" not in shown and "3" not in shown  # face down, and no author on the wall

    # the step changes under the writers: what is unsent is kept, not put up
    k.type(a.ids.keyboard, "Halvt")
    go_to(k, "praesentation")
    assert desk.get_parent_window() is None
    assert "Unfinished post-its kept: 2" in k.app.notice
    assert len(fresh_wall(k).notes()) == 1
    view = go_to(k, "refleksion")
    assert view.drafts_waiting == 2 and view.ids.drafts.opacity == 1
    k.tap(view.ids.drafts)
    back = view.desk.writers
    assert [(w.kind, w.ids.text.text, w.author) for w in back] == [
        ("godt", "Halvt", three.id), ("mindre-godt", "Vagtplanen", None)]
    assert view.drafts_waiting == 0
    assert composers.drafts(k.app.store, k.app.workshop.session.id, "refleksion") == []
    k.tap(back[1].ids.save)
    assert sorted(n.text for n in fresh_wall(k).notes()) == ["Kaffen er god", "Vagtplanen"]


def test_the_screen_size_setting_decides_how_many_write_at_once(kiosk):
    from dataclasses import replace

    from test_ui_delete_session import to_settings

    k = kiosk
    app = k.app
    size = to_settings(k).ids.screen_inches                 # the admin says: a 55" screen
    assert size.value == "65 inches"
    k.tap(size.ids.down)
    assert size.value == "55 inches" and app.store.get_state("settings")["screen_inches"] == 55
    k.tap("back")
    view = begin(k)
    k.tap(view.ids.together)
    assert len(view.desk.writers) == 2 and view.desk.ids.add_writer.disabled
    k.tap(view.desk.ids.show_wall)
    assert app.save_settings(replace(app.settings, screen_inches=32))
    go_to(k, "praesentation")
    view = go_to(k, "refleksion")
    assert view.most == 1 and view.ids.together.disabled   # one writer at a time on a small screen
    k.tap(view.ids["new_godt"])
    assert len(view.desk.writers) == 1
    k.type(view.composer.ids.keyboard, "Alene")
    k.tap(view.composer.ids.save)                           # one composer closes after its note
    assert view.desk.get_parent_window() is None
    assert [n.text for n in fresh_wall(k).notes()] == ["Alene"]



def test_in_a_table_group_step_an_anonymous_writer_picks_a_table(kiosk):
    """Dialogverksted's dialogue runs at the tables: a note written without a name still
    belongs to one table's lane; a named writer's goes to their own table."""
    k = kiosk
    app = k.app
    assert app.start_workshop(app.method_by_id("dialogverksted"), "Kjøkkenet")
    k.frames(2)
    people = app.people()
    people.set_count(8)
    people.split(tables=2)
    view = go_to(k, "dialog-temaer")
    k.tap(view.ids.together)
    a, b = view.desk.writers[:2]
    assert a.has_people and "table" in a.author_text.lower()
    k.tap(a.ids.who)
    assert a.picking and sorted(a.table_buttons) == [1, 2] and None not in a.person_buttons
    k.tap(a.table_buttons[2])
    assert k.wait_until(lambda: a.table == 2 and not a.picking, 2)
    assert a.author is None and "2" in a.author_text
    someone = people.members(1)[0]
    k.tap(b.ids.who)
    k.tap(b.person_buttons[someone.id])
    assert k.wait_until(lambda: b.author == someone.id, 2) and b.table is None
    type_together(k, [a, b], ["Mer ro i lunsjen", "Faste team"])
    k.tap(a.ids.save)
    k.tap(b.ids.save)
    notes = {n.text: n for n in fresh_wall(k).notes()}
    assert (notes["Mer ro i lunsjen"].group, notes["Mer ro i lunsjen"].author) == (2, None)
    assert (notes["Faste team"].group, notes["Faste team"].author) == (1, someone.id)
    assert a.table == 2                                    # the next note of that writer: the same table

    # a writer walks away: the table is forgotten with the name
    a.tick(app.clock.steady() + 1000)
    assert a.table is None and a.author is None

    # a step left with a table's text unsent: the draft comes back at that table
    k.tap(a.ids.who)
    k.tap(a.table_buttons[1])
    assert k.wait_until(lambda: a.table == 1, 2)
    k.type(a.ids.keyboard, "H")
    method = app.workshop.session.method
    go_to(k, method.steps[method.step_index("dialog-temaer") + 1].id)
    view = go_to(k, "dialog-temaer")
    k.tap(view.ids.drafts)
    back = view.desk.writers[0]
    assert (back.ids.text.text, back.table, back.author) == ("H", 1, None)

# -- screenshots ----------------------------------------------------------------------------

def _shoot(size: str) -> list:
    import sys

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="da")
    out = ROOT / "screenshots" / "writers"
    try:
        view = begin(k)
        k.app.people().set_count(9)
        k.tap("toggle")
        k.advance(150)
        shots = [k.screenshot(out / f"writers-wall-da-{size}.png")]
        k.tap(view.ids.together)
        a, b, c = view.desk.writers
        k.tap(b.kind_buttons["mindre-godt"])
        k.tap(a.ids.who)
        shots.append(k.screenshot(out / f"writers-picking-da-{size}.png"))
        k.tap(a.person_buttons[k.app.people().everyone()[4].id])
        k.wait_until(lambda: not a.picking, 2)
        type_together(k, [a, b, c], ["Vi hjælper hinanden", "Vagtplanen kommer for sent", "Godt"])
        k.tap(c.ids.save)
        k.type(c.ids.keyboard, "x" * 121)
        shots.append(k.screenshot(out / f"writers-three-da-{size}.png"))
        k.tap(view.desk.ids.show_wall)
        app = k.app                                     # a table-group step: the table picker
        assert app.start_workshop(app.method_by_id("dialogverksted"), "Kjøkkenet")
        app.people().set_count(12)
        app.people().split(tables=3)
        view = go_to(k, "dialog-temaer")
        k.tap(view.ids.together)
        a = view.desk.writers[0]
        k.tap(a.ids.who)
        shots.append(k.screenshot(out / f"writers-tables-{size}.png"))
    finally:
        k.close()
    return shots


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
