"""The small pieces every controller shares: one undo log, one refusal type."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import kiosk.core
from kiosk.core.refusal import Refusal
from kiosk.core.undo import DEPTH, STEP_DEPTH, Undoable, UndoLog
from kiosk.core.wall import Wall
from kiosk.store import StoreError


def core_modules():
    for info in pkgutil.walk_packages(kiosk.core.__path__, "kiosk.core."):
        yield importlib.import_module(info.name)


# -- UndoLog ---------------------------------------------------------------------------------

def test_the_log_keeps_only_the_newest_entries_up_to_its_depth():
    log = UndoLog(3)
    for i in range(10):
        log.push(i)
    assert list(log) == [7, 8, 9] and len(log) == 3 and log[-1] == 9


def test_undo_restores_the_newest_entry_and_forgets_it():
    log, back = UndoLog(), []
    log.push("a")
    log.push("b")
    assert log.undo(back.append) and back == ["b"] and list(log) == ["a"]
    assert log.undo(back.append) and back == ["b", "a"] and not log
    assert log.undo(back.append) is False and back == ["b", "a"]


def test_a_restore_that_fails_keeps_its_entry_for_the_next_tap():
    log = UndoLog()
    log.push("x")

    def fails(entry):
        raise StoreError("full", "/data", "The disk is full.")
    with pytest.raises(StoreError):
        log.undo(fails)
    assert list(log) == ["x"]


def test_entries_with_nothing_left_to_restore_are_passed_over():
    log, back = UndoLog(), []
    for e in ("keep", "gone1", "gone2"):
        log.push(e)
    assert log.undo(back.append, gone=lambda e: e.startswith("gone")) and back == ["keep"] and not log
    log.push("gone3")
    assert log.undo(back.append, gone=lambda e: e.startswith("gone")) is False and not log


def test_remap_rewrites_every_entry_and_keeps_the_order():
    log = UndoLog()
    for i in (1, 2, 3):
        log.push(i)
    log.remap(lambda e: e * 10)
    assert list(log) == [10, 20, 30]


def test_a_log_must_keep_something():
    with pytest.raises(ValueError):
        UndoLog(0)


def test_no_core_module_keeps_an_undo_history_of_its_own():
    """Every controller with an undo uses the one log (its depth, its order, its failure rule)."""
    seen = []
    for module in core_modules():
        assert not hasattr(module, "UNDO_DEPTH"), f"{module.__name__} has its own UNDO_DEPTH"
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and callable(getattr(cls, "undo", None)) \
                    and "can_undo" in dir(cls):
                assert issubclass(cls, Undoable), f"{module.__name__}.{name} keeps its own undo"
                assert "can_undo" not in vars(cls), f"{module.__name__}.{name} re-implements can_undo"
                seen.append(name)
    assert {"Wall", "Workshop", "VoteRound", "Rating", "Rounds", "Cards", "Timeline", "MapBoard",
            "ActionPlan"} <= set(seen)


def test_the_wall_keeps_the_deeper_log_and_the_workshop_the_shorter(store, clock):
    wall = Wall(store, "s1", clock)
    assert wall._undo.depth == DEPTH == 50 and STEP_DEPTH == 30


# -- Refusal ---------------------------------------------------------------------------------

def test_every_refusal_in_the_core_is_one_type_with_a_reason():
    """A ValueError in core that carries a reason key is a Refusal, so ``act`` catches them all."""
    found = {}
    for module in core_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, ValueError) and name.endswith("Error"):
                found[name] = cls
    must = {"WallError", "VoteError", "RateError", "RoundsError", "MapError", "SignupError", "ActionError",
            "SessionError", "SettingsError", "PlanError", "TokenError", "IdleError", "ExportError"}
    assert must <= set(found)
    for name in must:
        assert issubclass(found[name], Refusal), name
        e = found[name]("some_reason")
        assert e.reason == str(e) == "some_reason"


def test_a_refusal_of_a_kind_the_app_never_heard_of_is_shown_and_changes_nothing(kiosk):
    """The one ``act`` catches the base type: a new activity's own error needs no edit there."""
    class TallyError(Refusal):
        pass
    done = []

    def intent():
        raise TallyError("tally_full")

    result = kiosk.app.act(intent)
    assert result is not None and not done
    assert kiosk.app.notice_kind == "error" and kiosk.app.notice == "That cannot be done here."

    def fine():
        done.append(1)
        return "ok"
    assert kiosk.app.act(fine) == "ok" and done == [1]
