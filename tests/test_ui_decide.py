"""Proposals on the board and the Decide screen behind the PIN, in a real window with real taps.

Three proposals to the ansvarsgruppe and one action the workshop agreed are made
through the core; the board shows the proposals apart. A finger opens a proposal,
taps Decide…, types the PIN, approves it with names typed on the on-screen keyboard
(a first try without a name is refused), declines another with the body's name and a
reason, and leaves; then a fresh read of the store and the export say what the screen
said.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core import export
from kiosk.core.activities.actions import ACTIONS, Action, ActionPlan, local_date
from kiosk.core.activities.statuspil import Board
from kiosk.core.workshop import ACTIVE_KEY, Workshop
from kiosk.ui import messages

pytestmark = pytest.mark.window

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots" / "decisions"
PROPOSALS = [("Ro om morgenen før turene", "Mette", "Ingen møder før kl. 9"),
             ("Færre afbrydelser i telefonen", "Jonas", "Telefonen går på skift"),
             ("Nye kolleger tages godt imod", "Aisha", "En fast makker den første måned")]


def seed(k) -> tuple[str, list[int], tuple[str, int]]:
    """A dialogue whose actions go to the ansvarsgruppe (three proposals) and a
    trivselsdialog that agreed one action itself; the proposals' session id and ids."""
    app = k.app
    method = app.method_by_id("trivselsdialog")
    today = local_date(app.clock.now())
    ws = Workshop.start(app.store, app.clock, replace(method, decided_by="ansvarsgruppe"), "Hjemmeplejen Nord",
                        lang="da")
    plan = ActionPlan(app.store, ws.session.id, app.clock)
    ids = []
    for i, (label, owner, measure) in enumerate(PROPOSALS):
        a = plan.add(None, label)
        plan.set_owner(a.id, owner)
        plan.answer(a.id, "indsatser", measure)
        plan.set_follow_up(a.id, (today + timedelta(days=14 + i)).isoformat())
        ids.append(a.id)
    other = Workshop.start(app.store, app.clock, method, "Køkkenet", lang="da")
    agreed = ActionPlan(app.store, other.session.id, app.clock).add(None, "Pauser der bliver holdt")
    app.store.set_state(ACTIVE_KEY, None)
    return ws.session.id, ids, agreed.key


def stored(k, sid, aid) -> Action:
    return Action.from_dict(k.app.store.get(sid, ACTIONS, aid), sid)


def banner(k) -> str:
    bar = k.app.root.ids.banner
    return bar.ids.msg.text if bar.height > 0 and bar.opacity > 0 else ""


def test_approve_and_decline_proposals_through_the_pin(kiosk):
    k = kiosk
    sid, ids, agreed = seed(k)
    k.app.show("board")
    board = k.screen()
    board.refresh()
    k.frames(3)

    # the board: the agreed action as an arrow, the proposals apart, in words, no arrow
    rows = {r.arrow.action.key: r for r in board.rows if r.arrow is not None}
    assert set(rows) == {agreed, *((sid, i) for i in ids)}
    assert not rows[agreed].proposal and rows[agreed].ids.stages.opacity == 1
    first = rows[(sid, ids[0])]
    assert first.proposal and first.ids.stages.opacity == 0 and first.ids.proposal.opacity == 1
    assert "Proposal · awaiting decision" in first.proposal_text and "responsible group" in first.proposal_text
    SHOTS.mkdir(parents=True, exist_ok=True)
    k.screenshot(SHOTS / "board-with-proposals-1920x1080.png")

    # a proposal's panel: no moves, only Decide…, which asks for the PIN
    k.tap(first)
    panel = board._panel
    assert panel.parent is not None
    assert [w.text for w in panel.ids.moves.children] == [panel.buttons["decide"].text]
    k.tap(panel.buttons["decide"])
    assert k.app.sm.current == "pin"
    k.enter_pin()
    assert k.app.sm.current == "decide" and k.app.admin
    decide = k.screen()
    assert decide.selected == (sid, ids[0]) and decide.title_text == PROPOSALS[0][0]
    assert "Ingen møder før kl. 9" in decide.answers_text
    k.screenshot(SHOTS / "decide-panel-1920x1080.png")

    # approve: without a name it is refused and the form stays; with names it is done
    k.tap("approve")
    form = decide.form
    assert form.parent is not None
    k.tap(form.ids.yes)
    assert banner(k) == messages.refusal("decider_empty") and form.parent is not None
    assert stored(k, sid, ids[0]).proposal
    k.type(form.ids.keyboard, "Mette og Ali")
    k.screenshot(SHOTS / "decide-approve-form-1920x1080.png")
    k.tap(form.ids.yes)
    assert form.parent is None, (banner(k), form.values(), stored(k, sid, ids[0]))
    a = stored(k, sid, ids[0])
    assert a.agreed and a.decision.by == "Mette og Ali" and a.decision.body == "ansvarsgruppe"
    assert a.decision.at == k.app.clock.now() and a.stage == 0

    # decline the next one: the body's name with one tap, then the reason in its field
    decide.select((sid, ids[1]))
    k.frames(2)
    k.tap(decide.row_for(sid, ids[1]))
    k.tap("decline")
    form = decide.form
    k.tap(form.ids.quick_by)
    assert form.inputs["by"].text == "The responsible group"
    k.tap(form.ids.yes)  # no reason yet
    assert banner(k) == messages.refusal("reason_empty") and form.parent is not None
    k.tap(form.ids.field_reason)
    k.type(form.ids.keyboard, "Det tager vi op i MED")
    k.screenshot(SHOTS / "decide-decline-form-1920x1080.png")
    k.tap(form.ids.yes)
    assert form.parent is None, (banner(k), form.values(), stored(k, sid, ids[1]))
    b = stored(k, sid, ids[1])
    assert b.declined and b.decision.by == "The responsible group" and b.decision.reason == "Det tager vi op i MED"
    assert [p.key for p in decide._proposals] == [(sid, ids[2])]
    assert decide.count_text == "1 proposal awaits a decision."

    # Undo takes back the decline, and it is declined again by a second form
    k.tap("undo")
    assert stored(k, sid, ids[1]).proposal
    decide.select((sid, ids[1]))
    decide.decline()
    form = decide.form
    k.tap(form.ids.quick_by)
    k.tap(form.ids.field_reason)
    k.type(form.ids.keyboard, "Det tager vi op i MED")
    k.tap(form.ids.yes)
    assert stored(k, sid, ids[1]).declined

    # Done: the admin mode ends, the board shows the approved one as an arrow
    k.tap("done")
    assert k.app.sm.current == "board" and not k.app.admin
    board.refresh()
    k.frames(2)
    keys = [r.action.key for r in Board(k.app.store, k.app.clock).open_actions()]
    assert (sid, ids[0]) in keys and (sid, ids[1]) not in keys and (sid, ids[2]) in keys
    row = board.row_for(sid, ids[0])
    assert row is not None and not row.proposal and row.ids.stages.opacity == 1

    # the export says it as the screen did (the session's language: Danish)
    doc = export.document(k.app.store, sid, clock=k.app.clock)
    md = export.render(doc, "md").decode("utf-8")
    assert "Godkendt af Mette og Ali (ansvarsgruppen)" in md
    assert "Afvist af The responsible group (ansvarsgruppen)" in md and "Det tager vi op i MED" in md
    assert "Forslag til ansvarsgruppen · afventer beslutning" in md


if __name__ == "__main__":
    import sys

    import kiosk_testing as testing

    size = sys.argv[1] if len(sys.argv) > 1 else "1920x1080"
    os.environ["TZ"] = "Europe/Copenhagen"
    k = testing.screenshot_driver(size, lang=sys.argv[2] if len(sys.argv) > 2 else "da")
    try:
        sid, ids, _ = seed(k)
        k.app.show("board")
        k.screen().refresh()
        out = SHOTS / size
        print(k.screenshot(out / "board-with-proposals.png"))
        k.tap(k.screen().row_for(sid, ids[0]))
        print(k.screenshot(out / "board-proposal-panel.png"))
        k.screen().close_panel()
        k.frames(2)
        k.screen().decide((sid, ids[0]))
        k.frames(3)
        k.enter_pin()
        print(k.screenshot(out / "decide-panel.png"))
        k.screen().approve()
        k.frames(3)
        k.type(k.screen().form.ids.keyboard, "Mette og Ali")
        print(k.screenshot(out / "decide-approve-form.png"))
        k.tap(k.screen().form.ids.yes)
        k.screen().adjust()
        k.frames(3)
        print(k.screenshot(out / "decide-adjust-form.png"))
        k.screen().form.dismiss()
        k.screen().merge()
        k.frames(3)
        print(k.screenshot(out / "decide-merge-picker.png"))
        k.screen().picker.dismiss()
        k.frames(2)
        k.tap("done")
        k.screen().refresh()
        print(k.screenshot(out / "board-after-approval.png"))
        k.tap(k.screen().row_for(sid, ids[0]))
        print(k.screenshot(out / "board-approved-panel.png"))
    finally:
        k.close()
