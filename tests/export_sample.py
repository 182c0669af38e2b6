"""A realistic finished Trivselsdialog, made through the real core, for the export
tests (``sample_session``). Test-only: it does not ship in the wheel.

Everything goes through the rules the wall screen uses (Workshop, Wall, VoteRound,
ActionPlan, Board), so the export sees exactly what a real workshop leaves behind:
notes of three kinds, two named clusters, keep / change / parking lot, a dot vote
with a tie, the matrix, three actions (one a trial action, one moved along the
statuspil, one overdue-to-be), a next meeting. Two notes are hostile on purpose
(``XSS_NOTES``) and several carry æ ø å, dashes and quotes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

from kiosk.core.activities.actions import ActionPlan, today
from kiosk.core.activities.statuspil import Board, set_next_meeting
from kiosk.core.activities.vote import VoteRound
from kiosk.core.wall import Wall
from kiosk.core.workshop import Workshop

XSS_NOTES = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
FORMULA_NOTE = "=HYPERLINK(\"http://evil.example\",\"klik\")"
NORDIC_NOTE = "Kaffe på 1. sal – æøå ÆØÅ «god» stemning"


def sample_session(store, clock, method, *, team: str = "Team Æblegrød", lang: str = "da") -> str:
    """Make the session (through the real rules, stored) and return its id."""
    ws = Workshop.start(store, clock, method, team, lang=lang)
    sid = ws.session.id
    wall = Wall(store, sid, clock)
    step = "refleksion"
    good = [wall.add_note("godt", text, step=step) for text in (
        "Vi hjælper hinanden, når det brænner på",
        "Godt samarbejde med ledelsen",
        NORDIC_NOTE,
    )]
    less = [wall.add_note("mindre-godt", text, step=step) for text in (
        "For mange afbrydelser – vi når ikke vores kerneopgaver",
        "Møderne trækker ud og starter for sent",
        "Uklart hvem der har ansvaret for vagtplanen",
        XSS_NOTES[0],
        XSS_NOTES[1],
        FORMULA_NOTE,
        "-2 medarbejdere siden sommer; +travlhed @alle",
    )]
    trio = wall.add_note("trio", "Trivselsmålingen: 38 % oplever stress", step="prep")
    wall.reveal([n.id for n in good + less + [trio]])

    # group: interruptions + stress; meetings + rota
    c1 = wall.group(less[0].key, trio.key)
    wall.name_cluster(c1.id, "Travlhed og afbrydelser")
    c2 = wall.group(less[2].key, less[1].key)
    wall.name_cluster(c2.id, "Møder & ansvar")

    # sort: keep / change / parking lot
    cols = ["bevare", "forandre", "parking"]
    for n in good:
        wall.sort(n.key, "bevare", columns=cols)
    wall.sort(c1.key, "forandre", columns=cols)
    wall.sort(c2.key, "forandre", columns=cols)
    wall.sort(less[3].key, "forandre", columns=cols)
    wall.sort(less[4].key, "parking", columns=cols)
    wall.sort(less[5].key, "parking", columns=cols)

    # matrix
    wall.place(c1.key, 0.8, 0.9)
    wall.place(c2.key, 0.7, 0.6)
    wall.place(less[3].key, 0.2, 0.75)
    wall.place(good[2].key, 0.9, 0.2)

    # vote: 4 voters, 2 dots each, max 1 per theme
    vote_step = next(s for s in method.steps if s.activity == "vote")
    ballot = [c1.key, c2.key, less[3].key, less[6].key, good[1].key]
    r = VoteRound.for_step(store, sid, vote_step.id, vote_step.params, items=ballot)
    for picks in ([c1.key, c2.key], [c1.key, less[3].key], [c1.key, c2.key], [less[3].key, good[1].key]):
        r.next_voter()
        for key in picks:
            r.cast(key)
        r.done()
    wall.carry_forward([c1.key, c2.key, less[3].key], ballot=ballot)

    # actions
    plan = ActionPlan(store, sid, clock)
    day = lambda n: (today(clock) + timedelta(days=n)).isoformat()  # noqa: E731
    a1 = plan.add(c1.key, wall.label(c1.key))
    plan.answer(a1.id, "forandring", "Færre afbrydelser i kerneopgaven")
    plan.answer(a1.id, "maal", "Ro til fordybelse om formiddagen")
    plan.answer(a1.id, "barrierer", "Telefonen ringer hele tiden")
    plan.answer(a1.id, "indsatser", "Telefonfri formiddag kl. 9–11; én tager telefonen på skift")
    plan.answer(a1.id, "opfoelgning", "Mette følger op på personalemødet")
    plan.set_owner(a1.id, "Mette Ørsted")
    plan.set_follow_up(a1.id, day(3))
    plan.set_trial(a1.id, True, day(21))

    a2 = plan.add(c2.key, wall.label(c2.key))
    plan.answer(a2.id, "indsatser", "Fast dagsorden og slut til tiden; ansvar for vagtplan på tavlen")
    plan.set_owner(a2.id, "Søren Å.")
    plan.set_follow_up(a2.id, day(14))

    a3 = plan.add(less[3].key, wall.label(less[3].key))
    plan.answer(a3.id, "indsatser", XSS_NOTES[1])
    plan.set_owner(a3.id, "=cmd|' /C calc'!A0")
    plan.set_follow_up(a3.id, day(30))

    board = Board(store, clock)
    board.forward(sid, a2.id, seen_stage=0, by="workshop")
    board.forward(sid, a2.id, seen_stage=1, by="workshop")
    set_next_meeting(store, sid, day(42), clock=clock)
    return sid


def sample_method(path: Optional[str] = None):
    """The shipped Trivselsdialog (the method the sample is written for)."""
    from pathlib import Path

    from kiosk.core.loader import load_method
    from kiosk.paths import methods_dirs

    return load_method(Path(path) if path else methods_dirs()[0] / "trivselsdialog.toml")
