"""The action plan with real touches: themes, questions on the big keyboard, owner,
the date picker, refusals, undo and a restart, checked in a fresh ActionPlan."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.core.activities.actions import ActionPlan

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "tests"
TODAY = date.fromtimestamp(1_800_000_000.0)  # the test clock's day (conftest's FakeClock)


def start(k, method=None, team="Hjemmeplejen Nord"):
    """A workshop started through the app (the picker and team screens are tested elsewhere)."""
    method = method or k.app.method_by_id("trivselsdialog")
    assert k.app.start_workshop(method, team), k.app.notice


def seed_themes(k, texts, chosen):
    """Notes on the wall through the core, the ones at ``chosen`` marked to carry on."""
    wall = k.app.wall()
    keys = [wall.add_note("mindre-godt", t, step="refleksion", face_down=False).key for t in texts]
    for i in chosen:
        wall.choose(keys[i])
    return keys


def go_to_plan(k):
    ws = k.app.workshop
    k.app.act(ws.go_to, ws.session.method.step_index("handleplan"), undo=ws)
    k.frames(3)
    view = k.find("activity").children[0]
    assert type(view).__name__ == "ActionsView"
    return view


def fresh(k) -> ActionPlan:
    """A new ActionPlan on the same store: what a restart would read."""
    return ActionPlan(k.app.store, k.app.workshop.session.id, k.app.clock)


def only_action(k):
    [a] = fresh(k).actions()
    return a


def type_and_save(k, composer, text):
    k.type(composer.ids.keyboard, text)
    k.tap(composer.ids.save)


# -- the whole way, then a restart ------------------------------------------------------------

def test_fill_a_plan_by_touch_refusals_undo_and_restart(display, data_dir, clock):
    from kiosk_testing import Driver
    from kiosk.ui import messages

    k = Driver(data_dir, clock=clock, lang="en")
    try:
        start(k)
        a, b, _c = seed_themes(k, ["For mange møder", "Svært at nå pauser", "Støj i frokoststuen"], chosen=(0, 1))
        view = go_to_plan(k)
        assert list(view.theme_tiles) == [a, b]                      # only the chosen themes
        assert "No action yet" in view.theme_tiles[b].status
        k.tap(view.theme_tiles[b])
        k.tap("new_action")
        action = only_action(k)
        assert (action.theme_key, action.theme_label) == (b, "Svært at nå pauser")
        plan = fresh(k)
        assert plan.missing(action) == ["measure", "owner", "follow_up"]
        assert "Missing: the measure, an owner, a follow-up date" in view.missing_text

        # the measure question, on the big keyboard with æ ø å (the form scrolls: eight questions)
        view.ids.rows_scroll.scroll_to(view.rows["indsatser"], animate=False)
        k.frames(3)
        k.tap(view.rows["indsatser"])
        type_and_save(k, view.composer, "Prøv fælles gåtur")
        action = only_action(k)
        assert action.answers == {"indsatser": "Prøv fælles gåtur"}
        assert fresh(k).missing(action) == ["owner", "follow_up"]
        assert view.rows["indsatser"].value == "Prøv fælles gåtur"

        # an empty owner is refused, the composer stays open; then a name
        k.tap("owner")
        k.tap(view.composer.ids.save)
        assert k.app.notice == messages.refusal("owner_empty") and k.app.notice_kind == "error"
        assert view.composer.get_parent_window() is not None and only_action(k).owner == ""
        type_and_save(k, view.composer, "Søren")
        assert view.composer.get_parent_window() is None
        assert only_action(k).owner == "Søren"
        assert fresh(k).missing(only_action(k)) == ["follow_up"]

        # the date picker: a day that has passed is refused, the picker stays open
        k.tap("follow_up")
        picker = view.picker
        assert picker.iso == TODAY.isoformat()                       # no date yet: starts at today
        k.tap(picker.ids.day.ids.minus)
        assert picker.iso == (TODAY - timedelta(days=1)).isoformat()
        k.tap(picker.ids.save)
        assert k.app.notice == messages.refusal("date_past") and k.app.notice_kind == "error"
        assert picker.ids.message.text == k.app.notice               # said inside the picker too
        assert picker.get_parent_window() is not None and only_action(k).follow_up is None
        k.tap(picker.ids.week)                                       # +1 week from today
        k.tap(picker.ids.save)
        assert picker.get_parent_window() is None
        assert only_action(k).follow_up == (TODAY + timedelta(days=7)).isoformat()
        assert fresh(k).missing(only_action(k)) == []
        assert "Complete" in view.missing_text and view.complete
        assert view.theme_tiles[b].done and "complete" in view.theme_tiles[b].status
        assert view.ids.follow_up.value == short_iso(TODAY + timedelta(days=7))

        # the kiosk's Undo walks back the last plan edit, then the one before
        k.tap("undo")
        assert only_action(k).follow_up is None
        assert fresh(k).missing(only_action(k)) == ["follow_up"]
        assert not view.theme_tiles[b].done and "1 missing" in view.theme_tiles[b].status
        k.tap("undo")
        assert only_action(k).owner == ""
        k.tap("follow_up")
        k.tap(view.picker.ids.month_ahead)
        k.tap(view.picker.ids.save)
        shown = [r.value for r in view.rows.values()]
    finally:
        k.close()
    k2 = Driver(data_dir, clock=clock, lang="en")
    try:
        assert k2.app.workshop.session.step.id == "handleplan"
        view = k2.find("activity").children[0]
        assert list(view.theme_tiles) == [a, b]
        k2.tap(view.theme_tiles[b])
        assert [r.value for r in view.rows.values()] == shown
        assert view.ids.follow_up.value == "15.02.2027" and "Missing: an owner" in view.missing_text
    finally:
        k2.close()


def short_iso(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


# -- several actions, delete, trial, a theme of our own ---------------------------------------

def test_two_actions_on_a_theme_delete_with_confirm_and_a_trial_with_review(kiosk):
    k = kiosk
    start(k)
    a, = seed_themes(k, ["Travlhed om morgenen"], chosen=(0,))
    view = go_to_plan(k)
    k.tap("new_action")
    k.tap("new_action")
    first, second = fresh(k).for_theme(a)
    assert [t.selected for t in view.tabs] == [False, True]         # the new one is shown
    assert "Actions: 2" in view.theme_tiles[a].status
    k.tap(view.tabs[0])
    assert view.selected_action == first.id
    # a trial action asks for its review day at once
    k.tap("trial")
    assert fresh(k).get(first.id).trial and view.picker.get_parent_window() is not None
    k.tap(view.picker.ids.month_ahead)
    k.tap(view.picker.ids.save)
    assert fresh(k).get(first.id).review == "2027-02-15"
    assert "review" not in fresh(k).missing(fresh(k).get(first.id))
    # delete asks first; undo brings it back
    k.tap("delete")
    k.tap(k.app.confirm_view.ids.yes)
    assert [x.id for x in fresh(k).for_theme(a)] == [second.id]
    assert len(view.tabs) == 1 and view.selected_action == second.id
    k.tap("undo")
    assert [x.id for x in fresh(k).for_theme(a)] == [first.id, second.id]


def test_an_empty_wall_still_takes_an_action_with_a_theme_in_words(kiosk):
    k = kiosk
    start(k)
    view = go_to_plan(k)
    assert view.theme_tiles == {} and view.no_themes and not view.has_action
    k.tap("new_action")
    type_and_save(k, view.composer, "Vagtplan")
    action = only_action(k)
    assert (action.theme_key, action.theme_label) == (None, "Vagtplan")
    assert list(view.theme_tiles) == ["t:Vagtplan"] and view.has_action
    assert fresh(k).missing(action) == ["measure", "owner", "follow_up"]


def test_iglo_levels_when_the_method_asks_for_them(kiosk):
    from kiosk.core.method import Method

    k = kiosk
    d = k.app.method_by_id("trivselsdialog").to_dict()
    for step in d["steps"]:
        if step["id"] == "handleplan":
            step["params"]["iglo"] = True
    start(k, Method.from_dict(d))
    seed_themes(k, ["Arbejdsmiljø"], chosen=(0,))
    view = go_to_plan(k)
    k.tap("new_action")
    assert "iglo" in fresh(k).missing(only_action(k))
    k.tap("iglo_leadership")
    assert only_action(k).iglo == "leadership"
    assert view.ids.iglo_leadership.selected and "iglo" not in fresh(k).missing(only_action(k))
    k.screenshot(SHOTS / "actions_iglo.png")
    k.tap("iglo_leadership")                                         # again: cleared
    assert only_action(k).iglo is None


# -- screenshots, to be looked at --------------------------------------------------------------

def test_screenshots_of_a_realistic_plan_and_the_date_picker(kiosk):
    k = kiosk
    start(k, team="Hjemmeplejen Nord")
    keys = seed_themes(k, [
        "Vi har for mange møder om eftermiddagen, og det går ud over borgerbesøgene",
        "Svært at nå pauser på travle dage",
        "Støj i frokoststuen",
        "Nye kolleger får ikke en ordentlig introduktion",
    ], chosen=(0, 1, 3))
    plan = ActionPlan(k.app.store, k.app.workshop.session.id, k.app.clock)
    done = plan.add(keys[0], k.app.wall().label(keys[0]))
    for qid, text in [("forandring", "Færre og kortere møder, så der er tid til borgerne"),
                      ("maal", "Mindst to mødefrie eftermiddage om ugen"),
                      ("indsatser", "Teammøde kun tirsdag kl. 13–13.45 med fast dagsorden"),
                      ("opfoelgning", "Vi følger op på personalemødet i marts; Mette sørger for det")]:
        plan.answer(done.id, qid, text)
    plan.set_owner(done.id, "Mette (teamleder)")
    plan.set_follow_up(done.id, "2027-03-04")
    other = plan.add(keys[1], k.app.wall().label(keys[1]))
    plan.answer(other.id, "forandring", "Pauserne bliver spist af telefonen")
    plan.answer(other.id, "barrierer", "Vi dækker for hinanden, når nogen er syge, og så ryger pausen først")
    trial = plan.add(keys[1], k.app.wall().label(keys[1]))
    plan.answer(trial.id, "indsatser", "Vi prøver en fast pausemakker i fire uger")
    plan.set_owner(trial.id, "Søren og Åse")
    plan.set_trial(trial.id, True, "2027-02-12")
    view = go_to_plan(k)
    k.tap(view.theme_tiles[keys[1]])
    k.tap(view.tabs[0])
    k.screenshot(SHOTS / "actions_form.png")
    k.tap(view.tabs[1])
    k.screenshot(SHOTS / "actions_trial.png")
    k.tap(view.theme_tiles[keys[0]])
    k.screenshot(SHOTS / "actions_complete.png")
    k.tap("follow_up")
    k.screenshot(SHOTS / "actions_date_picker.png")
    for _ in range(3):
        k.tap(view.picker.ids.month.ids.minus)
    k.tap(view.picker.ids.save)                                       # 4 Dec 2026: passed
    assert view.picker.ids.message.text
    k.screenshot(SHOTS / "actions_date_refused.png")
    k.tap(view.picker.ids.cancel)
