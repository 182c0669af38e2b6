"""The action form's fixed answers by real taps (the drejebog's "simple / takes time /
synergy", 003 l.342–346), and the facilitator's notes kept off the group's screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "action-choices"


def labels_shown(widget) -> list[str]:
    """Every text drawn by a label or button in the widget tree (what the room can read)."""
    out = []
    for w in widget.walk():
        text = getattr(w, "text", None)
        if isinstance(text, str) and text.strip() and w.get_parent_window() is not None and w.opacity > 0:
            out.append(text)
    return out


def facilitator_lines(method) -> list[str]:
    lines = []
    for notes in [method.facilitator] + [s.facilitator for s in method.steps]:
        for value in notes.values():
            lines += [value] if isinstance(value, str) else list(value)
    return lines


def to_the_form(k):
    """A Trivselsdialog at its action step with one chosen theme and a new action on it."""
    method = k.app.method_by_id("trivselsdialog")
    assert k.app.start_workshop(method, "Hjemmeplejen Nord"), k.app.notice
    wall = k.app.wall()
    key = wall.add_note("mindre-godt", "Svært at nå pauser", step="refleksion", face_down=False).key
    wall.choose(key)
    ws = k.app.workshop
    k.app.act(ws.go_to, method.step_index("handleplan"), undo=ws)
    k.frames(3)
    view = k.find("activity").children[0]
    assert type(view).__name__ == "ActionsView"
    k.tap("new_action")
    view.ids.rows_scroll.scroll_to(view.choice_rows["karakter"], padding=0, animate=False)
    k.frames(3)
    return method, ws, view


def test_pick_a_fixed_answer_by_tap_change_it_clear_it_undo_and_no_facilitator_note_on_screen(kiosk):
    k = kiosk
    method, ws, view = to_the_form(k)

    def answers():
        [a] = ActionPlan(k.app.store, ws.session.id, k.app.clock).actions()
        return a.answers

    row = view.choice_rows["karakter"]
    assert [b.choice for b in row.buttons] == ["Enkel", "Kræver tid eller økonomi", "Skaber synergi"]
    assert "karakter" not in view.rows                     # no keyboard for it: buttons only
    for b in row.buttons:
        assert b.height >= 80 * k.app.s and b.width >= 80 * k.app.s  # finger-sized at 3 m
    k.tap("choice_karakter_1")
    assert answers() == {"karakter": "Kræver tid eller økonomi"}
    assert row.buttons[1].selected and not row.buttons[0].selected and "✓" in row.buttons[1].text
    k.screenshot(SHOTS / "actions_choice_1080p.png")
    k.tap("choice_karakter_2")                              # another answer replaces it
    assert answers() == {"karakter": "Skaber synergi"}
    k.tap("choice_karakter_2")                              # the chosen one again: cleared
    assert answers() == {} and not any(b.selected for b in row.buttons)
    k.tap("undo")                                           # the kiosk's Undo brings it back
    assert answers() == {"karakter": "Skaber synergi"} and row.buttons[2].selected

    # the facilitator's notes are the facilitator's: none is drawn on the group's screen
    # (here on the action form and on the welcome step), unless the Facilitator panel is open
    notes = facilitator_lines(method)
    assert len(notes) > 40
    shown = "\n".join(labels_shown(k.app.root))
    assert not [n for n in notes if n in shown]
    k.app.act(ws.go_to, method.step_index("velkomst"), undo=ws)
    k.frames(3)
    shown = "\n".join(labels_shown(k.app.root))
    assert "Lederen byder velkommen" in shown              # the step's own prompts are there
    assert not [n for n in notes if n in shown]


def _shoot(size: str) -> list:
    """The form with a fixed answer picked, at ``size`` (``python tests/test_ui_action_choices.py 3840x2160``)."""
    import kiosk_testing as testing

    k = testing.screenshot_driver(size, lang="da")
    try:
        _, _, _ = to_the_form(k)
        k.tap("choice_karakter_1")
        return [k.screenshot(SHOTS / f"actions_choice_{size}.png")]
    finally:
        k.close()


if __name__ == "__main__":
    from kiosk_testing import print_shots

    print_shots(_shoot)
