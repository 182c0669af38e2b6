"""What the guides write down and say to the facilitator, in the twelve guide methods:
facilitator notes on every step and for the preparation, minutes where a guide asks for
them, and the body a workshop only proposes its actions to (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.core.loader import load_method

METHODS = Path(__file__).resolve().parent.parent / "methods"
DECIDED_BY = {
    # the guide hands the plan to a body (the lines are named in each file's comment)
    "dialogverksted": "ansvarsgruppe", "apu": "ansvarsgruppe",
    "perspektivsamtale": "trio", "dilemmavaerksted": "trio", "historievaerksted": "trio",
    # the workshop agrees them itself
    "trivselsdialog": "workshop", "ned-dialogduk": "workshop", "historievaerksted-fremtid": "workshop",
    "fremtidsvaerksted": "workshop", "arbejdsmiljofortaelling": "workshop",
    "arbejdsmiljo-checkin": "workshop", "trio-forandringsdialog": "workshop",
}


@pytest.mark.parametrize("mid", sorted(DECIDED_BY))
def test_every_step_and_the_preparation_carry_facilitator_notes_with_their_source_lines(mid):
    path = METHODS / f"{mid}.toml"
    m = load_method(path)
    assert m.decided_by == DECIDED_BY[mid]
    for part in ("roles", "prepare", "materials", "room", "safety"):
        assert m.facilitator.get(part), (mid, part)
    for step in m.steps:
        notes = step.facilitator
        assert notes.get("purpose"), (mid, step.id)
        assert notes.get("say") or notes.get("tips") or notes.get("pitfalls"), (mid, step.id)
    # each block of notes says which lines of the guide it was written from
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"((?:^#.*\n)+)\[(?:steps|method)\.facilitator\]", text, re.M)
    assert len(blocks) == len(m.steps) + 1
    assert all(re.search(r"l\.\d+", b) for b in blocks), mid


def test_minutes_where_the_guides_write_things_down():
    def steps(mid):
        return {s.id: s for s in load_method(METHODS / f"{mid}.toml").steps}

    trivsel = steps("trivselsdialog")
    assert trivsel["velkomst"].record and trivsel["afrunding"].recall == ("velkomst",)  # 003 l.157–159
    assert steps("dilemmavaerksted")["fordybelse"].record                              # 004 l.2137–2155
    assert steps("trio-forandringsdialog")["dialog"].record                            # the summing-up
    dialog = steps("dialogverksted")
    assert dialog["dialog-temaer"].record and dialog["evaluering"].record              # the referent
    assert dialog["bekreft-temaer"].recall == ("prioritering",)
    apu = steps("apu")
    assert apu["evaluering"].record and apu["muligheter"].recall == ("utstilling",)
    assert steps("perspektivsamtale")["samtale"].record
