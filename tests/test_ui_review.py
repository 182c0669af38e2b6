"""The follow-up meeting in a real window, with real taps: the Danish »Opfølgningsmøde ved
tavlen« picked and started by touch for a team whose trivselsdialog left three actions on
the board; each action followed up in turn (a line on the keyboard, a stage on its arrow,
Continue / Drop / Adjust, the next day on the picker); an empty line where one is needed
and a follow-up on an action someone just moved on the board are refused with a message;
the kiosk's Undo takes a follow-up back; another team's actions are chosen by name; and
the board afterwards shows "Followed up <day>" and marks the action nobody followed up.

The screenshots (1080p, 4K) come from running it as a script:
``python tests/test_ui_review.py 3840x2160 [da|nb|en]``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan, today
from kiosk.core.activities.review import seen_of
from kiosk.core.activities.statuspil import Board
from kiosk.core.session import Session

pytestmark = [pytest.mark.window, pytest.mark.walk]  # the small window: the frames cost a quarter

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "h15c"
DAY = 86_400
ACTIONS = (("Travle morgener ved vagtskiftet", "Mette", 5), ("Vagtplanen kommer for sent", "Jonas", 10),
           ("Pauser der bliver holdt", "Aisha", 30))


def day(clock, n: int) -> str:
    return (today(clock) + timedelta(days=n)).isoformat()


def seed(app):
    """Two finished workshops: the team's three actions, another team's one; two weeks on."""
    store, clock = app.store, app.clock
    made = []
    for team, actions in (("Hjemmeplejen Nord", ACTIONS), ("Køkkenet", (("Opvasken efter frokost", "Bo", 3),))):
        s = Session.create(app.method_by_id("trivselsdialog"), team, clock.now())
        store.save_session({**s.to_dict(), "status": "finished"})
        plan = ActionPlan(store, s.id, clock)
        for label, owner, days in actions:
            a = plan.add(None, label)
            plan.set_owner(a.id, owner)
            plan.set_follow_up(a.id, day(clock, days))
            plan.answer(a.id, "indsatser", "Fast tavlemøde hver mandag kl. 9")  # the measure
            made.append(plan.get(a.id))
    clock.advance(14 * DAY)
    return made


def start_review(k, team="Hjemmeplejen Nord"):
    from tests.walk import next_step, pick

    pick(k, "opfolgningsmode", team)
    v = next_step(k, "gennemgang")
    assert type(v).__name__ == "ReviewView"
    return v


def stage_centre(arrow, stage: int):
    """The window point of a stage's chevron body, found by the arrow's own hit test."""
    for i in range(1, 400):
        x = arrow.width * i / 400
        if arrow.stage_at(x) == stage and arrow.stage_at(x + arrow.width / 40) == stage:
            return arrow.to_window(arrow.x + x + arrow.width / 80, arrow.center_y)
    raise AssertionError(f"no stage {stage} on the arrow")


def tap_at(k, pos):
    t = k.touch(*pos)
    t.touch_down()
    k.frames(1)
    t.touch_up()
    k.frames(2)


def write_line(k, v, text: str):
    k.tap(v.ids.line)
    k.type(v.composer.ids.keyboard, text)
    k.tap(v.composer.ids.save)


def stored(k, a):
    return Board(k.app.store, k.app.clock).action(a.session_id, a.id)


def test_the_follow_up_meeting_over_three_actions_by_touch(kiosk):
    k = kiosk
    app = k.app
    travle, vagtplan, pauser, opvask = seed(app)
    v = start_review(k)
    assert [key for key in v.keys] == [travle.key, vagtplan.key, pauser.key]  # not followed up since: first
    assert v.theme_text == ACTIONS[0][0] and "Not followed up since" in v.status_text and v.attention
    assert "Fast tavlemøde" in v.agreed_text and "Mette" in v.facts_text

    # 1: what happened, the stage now, Continue, the next day a month on — then Save
    write_line(k, v, "Tavlemøde hver mandag")
    tap_at(k, stage_centre(v.ids.arrow, 2))
    k.tap(v.ids.verdict_continue)
    k.tap(v.ids.next_day)
    k.tap(v.picker.ids.month_ahead)
    k.tap(v.picker.ids.save)
    assert v.ids.verdict_continue.selected and "(was aftalt)" in v.stage_text
    assert app.store.all(travle.session_id, "actions")[0].get("follow_ups", []) == []   # nothing stored yet
    k.tap(v.ids.save)
    a = stored(k, travle)
    [f] = a.follow_ups
    assert (f["line"], f["stage"], f["verdict"], a.stage, a.follow_up) == (
        "Tavlemøde hver mandag", 2, "continue", 2, f["next"]) and f["next"] > day(app.clock, 27)
    assert v.current.key == vagtplan.key and "1 followed up" in v.position_text    # on to the next

    # 2: Drop needs a line: refused with a message, nothing stored; with one, dropped
    k.tap(v.ids.verdict_drop)
    assert v.line_needed and not v.next_enabled
    k.tap(v.ids.save)
    assert "why you drop it" in app.notice and stored(k, vagtplan).follow_ups == ()
    write_line(k, v, "Ingen har tid til det")
    k.tap(v.ids.save)
    assert stored(k, vagtplan).dropped and v.current.key == pauser.key

    # 3: Adjust, but someone moves it on the board meanwhile: refused, shown as it is now
    k.tap(v.ids.verdict_adjust)
    write_line(k, v, "Kortere pauser, to gange")
    Board(app.store, app.clock).forward(pauser.session_id, pauser.id, seen_stage=0)
    k.tap(v.ids.save)
    assert "changed this action on the board" in app.notice and stored(k, pauser).follow_ups == ()
    assert v.ids.arrow.stage == 1 and v.stage == 1                     # the stage it has now
    k.tap(v.ids.save)                                                   # the line and verdict were kept
    a = stored(k, pauser)
    assert [(f["verdict"], f["line"], f["stage"]) for f in a.follow_ups] == [("adjust", "Kortere pauser, to gange", 1)]
    assert "all followed up" in v.position_text and v.done

    # the kiosk's Undo takes the last follow-up back; the board's move stays
    k.tap("undo")
    a = stored(k, pauser)
    assert a.follow_ups == () and a.stage == 1 and not v.done

    # another team's actions, chosen by name
    k.tap(v.ids.team)
    assert set(v.team_buttons) == {"Hjemmeplejen Nord", "Køkkenet"}
    k.tap(v.team_buttons["Køkkenet"])
    assert v.keys == [opvask.key] and v.theme_text == "Opvasken efter frokost"
    k.tap(v.ids.team)
    k.tap(v.team_buttons["Hjemmeplejen Nord"])
    assert set(v.keys) == {travle.key, vagtplan.key, pauser.key}   # the dropped one too: it was followed up here

    # the board afterwards: followed up, dropped gone, nobody followed up Køkkenet's
    from tests.walk import end_workshop
    end_workshop(k)
    if getattr(app, "confirm_view", None) is not None and app.confirm_view.parent is not None:
        k.tap(app.confirm_view.ids.no)                                 # the export QR: not now
    if app.sm.current != "board":
        app.show("board")
    k.frames(3)
    board = k.screen()
    board.refresh()
    k.frames(2)
    row = board.row_for(travle.session_id, travle.id)
    assert "Followed up" in row.when_text and "Next" in row.when_text and not row.attention
    assert board.row_for(vagtplan.session_id, vagtplan.id) is None      # dropped: in the archive
    other = board.row_for(opvask.session_id, opvask.id)
    assert "Not followed up" in other.when_text and other.attention


def shoot(size: str = "1920x1080", lang: str = "da"):
    """The review step with a draft, and the board after a follow-up, at ``size``."""
    from kiosk_testing import screenshot_driver

    k = screenshot_driver(size, lang=lang)
    try:
        app = k.app
        travle, vagtplan, pauser, _ = seed(app)
        app.start_workshop(app.method_by_id("opfolgningsmode"), "Hjemmeplejen Nord")
        k.frames(3)
        k.tap("next")
        v = k.find("activity").children[0]
        v.review.follow_up(pauser.session_id, pauser.id, line="Pauserne holdes nu", stage=1, verdict="continue",
                           next_day=None, seen=seen_of(v.review.action(pauser.session_id, pauser.id)))
        v.refresh()
        d = v.draft(v.current)
        d.line, d.stage, d.verdict, d.dirty = "Tavlemøde hver mandag kl. 9", 2, "adjust", True
        v._draw()
        out = [k.screenshot(SHOTS / f"review-{size}-{lang}.png")]
        v.toggle_teams()                                        # whose actions: the teams by name
        out.append(k.screenshot(SHOTS / f"review-teams-{size}-{lang}.png"))
        v.toggle_teams()
        k.tap(v.ids.save)
        app.end_workshop()
        app.show("board")
        k.frames(3)
        k.screen().refresh()
        out.append(k.screenshot(SHOTS / f"board-{size}-{lang}.png"))
        return out
    finally:
        k.close()


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from kiosk_testing import print_shots

    print_shots(lambda size: shoot(size, sys.argv[2] if len(sys.argv) > 2 else "da"))
