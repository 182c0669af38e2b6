"""Dialogverksted from start to finish, in a real window, with real touches only.

Picker → team → meeting 1 step by step with "Next", doing each step's tool by hand
(the responsible group's themes and the groups' sub-themes on the keyboard, grouped
by dragging, a hand count, everyone's name on a theme) → "End meeting 1" with the
next meeting's date → weeks later "Continue … meeting 2" from the home screen → the
sign-ups confirmed (one moved), dreams written, an IGLO action plan filled → the
workshop ended through the PIN menu. The store is checked along the way and at the
end: the notes, the groups, the hand counts, the sign-ups and the action.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.core.activities.actions import ActionPlan
from kiosk.core.loader import load_method
from kiosk.core.activities.signup import SIGNUP_KIND
from kiosk.core.activities.statuspil import next_meeting
from kiosk.core.activities.vote import VOTES
from kiosk.core.wall import Cluster

from tests.conftest import ROOT
from tests.walk import next_step, view, wall_of, write

pytestmark = [pytest.mark.window, pytest.mark.walk]

TODAY = date.fromtimestamp(1_800_000_000.0)






def card_of(board, wall, text):
    """The key of the card showing a note with this text (or the group holding it)."""
    for key, card in board.cards.items():
        if card.text.startswith(text):
            return key
    raise AssertionError(f"no card says {text!r}: {[c.text for c in board.cards.values()]}")


def test_the_method_file_has_the_guides_steps_and_times():
    m = load_method(ROOT / "methods" / "dialogverksted.toml")
    assert (m.language, m.meetings) == ("nb", 2)
    one = [p for p in m.phases() if p.meeting == 1]
    two = [p for p in m.phases() if p.meeting == 2]
    assert [p.minutes for p in one] == [15, 55, 35]          # 10–15 · 45–60 · 30–40
    assert [p.minutes for p in two] == [20, 55, 30, 20]      # 15–30 · 45–60 · ~30 · 15–30
    acts = {s.id: (s.activity, s.params) for s in m.steps}
    assert acts["prioritering"][0] == "vote" and acts["prioritering"][1]["mode"] == "hands"
    assert acts["paamelding"][0] == "signup" and acts["bekreft-temaer"][0] == "signup"
    first = next(s for s in m.steps if s.meeting == 2)          # meeting 2 opens with the follow-up
    assert (first.id, first.activity, first.minutes) == ("status-tiltak", "review", 5)
    assert first.phase == two[0].title == "Oppstart og endelig beslutning om temaer"   # inside the guide's 15–30
    assert acts["losninger"][0] == "actions" and acts["losninger"][1]["iglo"] is True


def test_dialogverksted_start_to_finish_by_touch(kiosk):
    k = kiosk
    app = k.app
    k.tap("start")                                               # the board's "Start a workshop"
    assert app.sm.current == "picker"
    k.screen().card_for("dialogverksted")
    k.frames(2)                                                  # laid out: now it scrolls to it
    k.tap(k.screen().card_for("dialogverksted"))
    k.type(k.find("keyboard"), "Lageret")
    k.tap("start")
    assert app.sm.current == "workshop", app.notice
    sid = app.workshop.session.id
    screen = k.screen()
    assert app.workshop.session.step.id == "velkomst" and screen.timer_text == "15:00"
    k.tap("toggle")
    k.advance(14 * 60)

    # -- meeting 1 ------------------------------------------------------------------------
    v = next_step(k, "dialog-temaer")                           # the themes, then sub-themes
    for text in ("Arbeidsmengde", "Informasjon", "Samarbeid"):
        write(k, v, "tema", text)
    for text in ("For lite tid", "Mange avbrudd", "Sene beskjeder"):
        write(k, v, "undertema", text)
    wall = wall_of(k, sid)
    assert [(n.kind, n.text) for n in wall.notes()][:2] == [("tema", "Arbeidsmengde"), ("tema", "Informasjon")]
    assert len(wall.notes()) == 6

    v = next_step(k, "temaer")                                   # sub-themes dragged under their theme
    board = v.ids.board
    k.drag(k.card_centre(board, card_of(board, wall, "For lite tid")),
           k.card_centre(board, card_of(board, wall, "Arbeidsmengde")))
    group = wall_of(k, sid).clusters()[0]
    k.drag(k.card_centre(board, card_of(board, wall, "Mange avbrudd")), k.card_centre(board, group.key))
    k.drag(k.card_centre(board, card_of(board, wall, "Sene beskjeder")),
           k.card_centre(board, card_of(board, wall, "Informasjon")))
    k.tap_card(board, group.key)                                 # the group gets its theme's name
    k.type(v.composer.ids.keyboard, "Tid")
    k.tap(v.composer.ids.save)
    wall = wall_of(k, sid)
    a, b = wall.clusters()
    assert a.name == "Tid" and len(wall.cluster_notes(a.id)) == 3 and len(wall.cluster_notes(b.id)) == 2
    samarbeid = next(i.key for i in wall.items() if not isinstance(i, Cluster))

    v = next_step(k, "prioritering")                             # hands counted per theme
    board = v.ids.board
    for key, hands in ((a.key, 7), (b.key, 4)):
        k.tap_card(board, key)
        for _ in range(hands):
            k.tap("plus")
    k.tap("results")
    k.tap("carry")
    wall = wall_of(k, sid)
    assert [i.key for i in wall.chosen()] == [a.key, b.key]     # no hands for Samarbeid: not on
    votes = {d["item"]: d["points"] for d in app.store.all(sid, VOTES) if d["round"] == "prioritering"}
    assert votes == {a.key: 7, b.key: 4}

    v = next_step(k, "paamelding")                               # everyone signs up for one theme
    board = v.ids.board
    assert [c.key for c in v.columns] == [a.key, b.key]
    for theme_key, name in ((a.key, "Kari"), (b.key, "Ole"), (a.key, "Per")):
        k.tap_card(board, "add:" + theme_key)
        k.type(v.composer.ids.keyboard, name)
        k.tap(v.composer.ids.save)
    assert board.cards[a.key].badge == "2 signed up"

    v = next_step(k, "kort-evaluering")
    assert screen.ids.next.text == "End meeting 1"
    k.tap("next")                                                # the date of meeting 2
    picker = screen.meeting_picker
    k.tap(picker.ids.month_ahead)
    k.tap(picker.ids.save)
    assert app.store.load_session(sid)["status"] == "between" and next_meeting(app.store, sid)
    assert app.sm.current == "board" and app.workshop is None

    # -- meeting 2, weeks later ---------------------------------------------------------
    k.advance(4 * 7 * 86_400)
    k.tap("start")
    assert app.sm.current == "home"
    k.tap(k.screen().continue_buttons()[0])
    k.tap(app.confirm_view.ids.yes)
    assert app.sm.current == "workshop" and app.workshop.session.step.id == "status-tiltak"
    v = view(k)                                                  # the follow-up of open actions first:
    assert not v.has_action and "no open actions" in v.empty_text   # the team has none yet
    v = next_step(k, "bekreft-temaer")                           # the same names on the same themes
    board = v.ids.board
    per = next(n.key for n in wall_of(k, sid).signups() if n.text == "Per")
    x, y, w, h = v.columns[1].rect
    k.drag(k.card_centre(board, per), board.to_window(board.x + x + w / 2, board.y + y + h / 2))
    assert {n.text: n.signup for n in wall_of(k, sid).signups()} == {"Kari": a.key, "Ole": b.key, "Per": b.key}

    v = next_step(k, "drom")
    write(k, v, "forslag", "Fast planleggingsdag")

    v = next_step(k, "losninger")                                # an IGLO action for the first theme
    assert list(v.theme_tiles) == [a.key, b.key]
    k.tap(v.theme_tiles[a.key])
    k.tap("new_action")
    k.tap(v.rows["tiltak"])
    k.type(v.composer.ids.keyboard, "Fast planmøte hver mandag")
    k.tap(v.composer.ids.save)
    k.tap("owner")
    k.type(v.composer.ids.keyboard, "Kari")
    k.tap(v.composer.ids.save)
    k.tap("follow_up")
    k.tap(v.picker.ids.month_ahead)
    k.tap(v.picker.ids.save)
    k.tap("iglo_leadership")
    plan = ActionPlan(app.store, sid, app.clock)
    [action] = plan.actions()
    assert (action.theme_key, action.iglo, action.owner) == (a.key, "leadership", "Kari")
    assert action.answers == {"tiltak": "Fast planmøte hver mandag"} and plan.missing(action) == []

    next_step(k, "oppsummering")
    next_step(k, "evaluering")
    assert k.find("next").disabled                              # the last step

    k.tap("menu")                                                # ended through the PIN menu
    for key in k.pin:
        k.tap("k" + key)
    k.tap("kok")
    k.tap("end")
    k.tap(app.confirm_view.ids.yes)
    k.tap(app.confirm_view.ids.no)                               # the export QR is offered: not now
    assert app.store.load_session(sid)["status"] == "finished"

    wall = wall_of(k, sid)                                         # what the two meetings left on the wall
    assert sorted(n.text for n in wall.notes()) == sorted([
        "Arbeidsmengde", "Informasjon", "Samarbeid", "For lite tid", "Mange avbrudd",
        "Sene beskjeder", "Fast planleggingsdag"])
    assert all(n.kind == SIGNUP_KIND for n in wall.signups()) and len(wall.signups()) == 3
    assert samarbeid in [i.key for i in wall.items()] and not wall.item(samarbeid).chosen
    assert ActionPlan(app.store, sid, app.clock).actions()[0].follow_up > (TODAY + timedelta(weeks=4)).isoformat()

    from kiosk_testing import exported_texts                    # what the manager takes away
    texts = exported_texts(app.store, sid, app.clock)
    assert {"Samarbeid", "Fast planleggingsdag", "Dialogverksted"} <= texts
    assert {n.text for n in wall.signups()} <= texts            # the names on the themes
