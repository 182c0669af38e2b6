"""Every method file's times against the guides' own numbers (DESIGN.md §3).

A number is what the guide says; a pair is the guide's range (a file picks a time
inside it); "ca." times are taken as given. Phases are the method's agenda points,
per meeting, in order. Where a guide gives no time for a part (NED's welcome and
summary, the Fremtidsværksted case), only what it does give is checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.loader import load_method

METHODS = Path(__file__).resolve().parents[1] / "methods"

GUIDE: dict[str, dict] = {
    # Albertslund's drejebog: 10 · 10 · 40 · 20 · 60 · 10, "2–3 hours"
    "trivselsdialog": {"phases": {1: [10, 10, 40, 20, 60, 10]}, "total": (120, 180)},
    # Dialogverksted: 10–15 · 45–60 · 30–40; meeting 2: 15–30 · 45–60 · ca. 30 · 15–30
    "dialogverksted": {"phases": {1: [(10, 15), (45, 60), (30, 40)], 2: [(15, 30), (45, 60), 30, (15, 30)]}},
    # APU: ca. 15 · 45–60 · 20–30; meeting 2: ca. 20 · ca. 50 · ca. 15 · 5–10; interviews 10 each way
    # meeting 2 opens with a 5-minute review of meeting 1's actions (the follow-up the guide asks for)
    "apu": {"phases": {1: [15, (45, 60), (20, 30)], 2: [5, 20, 50, 15, (5, 10)]},
            "round_minutes": {"A": 10, "B": 10}},
    # NED dialogduk: 2.5–3 hours; tasks 10 · 10 · 30 · 30; 3 points each in the summary
    "ned-dialogduk": {"total": (150, 180),
                      "phase_titles": {"Oppgave 1": 10, "Oppgave 2": 10, "Oppgave 3": 30, "Oppgave 4": 30},
                      "vote_budget": 3},
    # TRIO catalogue
    "perspektivsamtale": {"total": (90, 120), "flip": 20},
    "dilemmavaerksted": {"total": (90, 120), "activity": {"rounds": (15, 20)}},
    "historievaerksted": {"total": (100, 130), "first_write": 5},
    "historievaerksted-fremtid": {"total": (100, 130), "first_write": 5},
    "arbejdsmiljo-checkin": {"total": 20, "rounds": 3},
    "trio-forandringsdialog": {"phases": {1: [15, 30]}, "rounds_exact": [5, 20, 5]},
    "fremtidsvaerksted": {},
    # the follow-up meeting at the board: 10–15 minutes, standing
    "opfolgningsmode": {"total": (10, 15)},
    "oppfolgingsmote": {"total": (10, 15)},
    "arbejdsmiljofortaelling": {},
}


def _ok(value: float, want) -> bool:
    lo, hi = want if isinstance(want, tuple) else (want, want)
    return lo - 1e-9 <= value <= hi + 1e-9


def _method(method_id: str):
    path = METHODS / f"{method_id}.toml"
    assert path.exists(), f"no method file {path.name}"
    return load_method(path)


def test_every_method_file_is_in_the_table():
    assert sorted(p.stem for p in METHODS.glob("*.toml")) == sorted(GUIDE)


@pytest.mark.parametrize("method_id", sorted(GUIDE))
def test_times_follow_the_guide(method_id):
    m = _method(method_id)
    want = GUIDE[method_id]
    assert m.id == method_id
    for meeting, ranges in want.get("phases", {}).items():
        got = [p.minutes for p in m.phases() if p.meeting == meeting]
        assert len(got) == len(ranges), f"meeting {meeting}: phases {got}, guide {ranges}"
        for i, (g, r) in enumerate(zip(got, ranges)):
            assert _ok(g, r), f"meeting {meeting}, point {i + 1}: {g:g} min, guide {r}"
    if "total" in want:
        assert _ok(m.minutes, want["total"]), f"{m.minutes:g} min in all, guide {want['total']}"
    for prefix, r in want.get("phase_titles", {}).items():
        phases = [p for p in m.phases() if p.title.startswith(prefix)]
        assert len(phases) == 1, f"one point titled {prefix}…"
        assert _ok(phases[0].minutes, r), f"{prefix}: {phases[0].minutes:g}, guide {r}"
    for activity, r in want.get("activity", {}).items():
        steps = [s for s in m.steps if s.activity == activity]
        assert steps and all(_ok(s.minutes, r) for s in steps), f"{activity}: {[s.minutes for s in steps]}, guide {r}"
    if "flip" in want:
        cards = [s for s in m.steps if s.activity == "cards"]
        assert cards and all(s.params.get("flip_at_minutes") == want["flip"] for s in cards)
    if "first_write" in want:
        first = next(s for s in m.steps if s.activity == "write")
        assert first.minutes == want["first_write"]
    if "rounds" in want:
        rounds = [r for s in m.steps if s.activity == "rounds" for r in s.params["rounds"]]
        assert len(rounds) == want["rounds"]
    if "rounds_exact" in want:
        step = next(s for s in m.steps if s.activity == "rounds")
        assert [r["minutes"] for r in step.params["rounds"]] == want["rounds_exact"]
    for name, minutes in want.get("round_minutes", {}).items():
        rounds = [r for s in m.steps if s.activity == "rounds" for r in s.params["rounds"]]
        hits = [r for r in rounds if name in r["name"]]
        assert hits and all(r["minutes"] == minutes for r in hits), f"round {name}: {hits}"
    if "vote_budget" in want:
        votes = [s for s in m.steps if s.activity == "vote"]
        assert votes and all(s.params["budget"] == want["vote_budget"] for s in votes)
