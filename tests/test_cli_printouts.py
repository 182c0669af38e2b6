"""``kiosk export`` makes the print-outs: a real ``python -m kiosk`` for the poster and
the run sheet, the other cases through the same command in this process (its
parser and ``export_command``), their files read back with pypdf."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk import cli
from kiosk.clock import SystemClock
from kiosk.core.activities.actions import ActionPlan, today
from kiosk.core.export.printdata import clock_text
from kiosk.core.loader import load_method
from kiosk.core.workshop import Workshop
from kiosk.store import Store

ROOT = Path(__file__).resolve().parents[1]
METHOD = """
[method]
id = "lille-plan"
title = "Lille plan"
language = "nb"
summary = "En liten metode for kjøreplanen."
source = "Skrevet for testen."

[method.facilitator]
roles = ["Fasilitator: holder tiden"]
safety = ["Den som forteller om trakassering, får en samtale under fire øyne etterpå"]

[[steps]]
id = "start"
title = "Velkommen"
activity = "talk"
minutes = 20
rules = ["Vi lytter"]

[steps.facilitator]
purpose = "Alle kommer i gang."
tips = ["Si navnet ditt først"]
"""


def kiosk(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kiosk", "export", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, timeout=120, env=env)


def here(capsys, *args) -> tuple[int, str]:
    """The same command in this process: exit status and what it printed."""
    code = cli.export_command(cli.parser().parse_args(["export", *map(str, args)]))
    out = capsys.readouterr()
    return code, out.out + out.err


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kiosk") / "data"
    clock = SystemClock()
    with Store(folder, clock=clock) as store:
        ned = Workshop.start(store, clock, load_method(ROOT / "methods" / "ned-dialogduk.toml"), "Bord Ø")
        plan = ActionPlan(store, ned.session.id, clock)
        a = plan.add(None, "Fast fagmøte hver uke")
        plan.set_owner(a.id, "Åse")
        plan.set_follow_up(a.id, (today(clock) + timedelta(days=7)).isoformat())
        dv = Workshop.start(store, clock, load_method(ROOT / "methods" / "dialogverksted.toml"), "Kantinen")
        start = store.load_session(ned.session.id)["created_at"]
    method = tmp_path_factory.mktemp("method") / "lille.toml"
    method.write_text(METHOD, encoding="utf-8")
    return folder, ned.session.id, dv.session.id, start, method


def test_the_run_sheet_of_a_method_file_from_the_command_line(data, tmp_path):
    """Before any session, with no data folder at all."""
    *_, method = data
    r = kiosk("--method", method, "--start", "08:30", cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    (sheet,) = tmp_path.glob("lille-plan-runsheet.pdf")
    text = text_of(sheet)
    for line in ("Fasilitatorens kjøreplan", "08:30–08:50", "Fasilitator: holder tiden", "trakassering",
                 "Formål: Alle kommer i gang.", "Si navnet ditt først", "Vi lytter"):
        assert line in text, line


def test_each_print_out_or_a_clear_refusal(data, tmp_path, capsys):
    folder, ned, dv, start, _ = data
    code, said = here(capsys, "--data", folder, "--session", ned, "--format", "poster", "--out", tmp_path / "p.pdf")
    assert code == 0, said
    text = text_of(tmp_path / "p.pdf")
    assert "NED dialogduk" in text and "Bord Ø" in text and f"{clock_text(start)}–" in text
    for fmt in ("top", "pieces"):
        code, said = here(capsys, "--data", folder, "--session", ned, "--format", fmt, "--out", tmp_path / fmt)
        assert code == 0 and f"wrote {tmp_path / fmt}" in said
    assert "Våre 3 viktigste tiltak" in text_of(tmp_path / "top") and "Fast fagmøte hver uke" in text_of(
        tmp_path / "top")
    assert "Tilbakemeldingskultur" in text_of(tmp_path / "pieces")
    code, said = here(capsys, "--data", folder, "--session", dv, "--format", "poster", "--start", "9.00",
                      "--out", tmp_path / "dv.pdf")
    assert code == 0 and "09:00–09:20" in text_of(tmp_path / "dv.pdf")  # meeting 2, not begun
    code, said = here(capsys, "--data", folder, "--session", dv, "--format", "runsheet", "--out", tmp_path / "rs.pdf")
    assert code == 0 and "Kantinen" in text_of(tmp_path / "rs.pdf")

    for args, words in (
            (("--session", ned, "--format", "cards"), "Nothing to print as cards: This method has no statement"),
            (("--board", "--format", "poster"), "made for one session"),
            (("--board", "--format", "runsheet"), "not for the board"),
            (("--session", ned, "--format", "poster", "--start", "noon"), "--start: expected a time of day"),
            (("--method", "ingen-slik"), "There is no method 'ingen-slik'"),
            (("--method", "ned-dialogduk", "--format", "pdf"), "--method makes the facilitator's run sheet only")):
        code, said = here(capsys, "--data", folder, *args, "--out", tmp_path / "x.pdf")
        assert code == 1 and words in said, said
    assert not (tmp_path / "x.pdf").exists()


def test_all_writes_the_print_outs_the_session_has_and_never_the_run_sheet(data, tmp_path, capsys):
    folder, ned, _, _, _ = data
    code, said = here(capsys, "--data", folder, "--session", ned, "--format", "all", "--out", tmp_path)
    assert code == 0
    pdfs = [p.name for p in tmp_path.glob("*.pdf")]
    tails = {name.rsplit("-", 1)[-1] for name in pdfs}
    assert len(pdfs) == 4 and {"poster.pdf", "top.pdf", "pieces.pdf"} <= tails  # and the action plan
    assert not tails & {"cards.pdf", "iglo.pdf", "runsheet.pdf"}
