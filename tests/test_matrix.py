"""The matrix: quadrants and their boundaries, labels, placed items per quadrant, picks."""

from __future__ import annotations

import pytest

from kiosk.clock import FakeClock
from kiosk.core.activities.matrix import (ACT_HERE, QUADRANTS, by_quadrant, clamp, pick_problem, quadrant,
                               quadrant_label, require_themes)
from kiosk.core.wall import Wall, WallError
from kiosk.store import Store

LABELS = ["TL", "TR", "BL", "BR"]  # as a method file reads: top-left, top-right, …


def test_quadrants_and_the_half_way_line_counts_as_high():
    assert quadrant(0.9, 0.9) == "ours_important" == ACT_HERE
    assert quadrant(0.1, 0.9) == "theirs_important"
    assert quadrant(0.9, 0.1) == "ours_minor"
    assert quadrant(0.1, 0.1) == "theirs_minor"
    assert quadrant(0.5, 0.5) == "ours_important"
    assert quadrant(0.4999, 0.5) == "theirs_important"
    assert quadrant(0.5, 0.4999) == "ours_minor"
    assert quadrant(0.0, 0.0) == "theirs_minor" and quadrant(1.0, 1.0) == "ours_important"


def test_labels_follow_the_method_files_reading_order():
    # the trivselsdialog: top-right is "important, and we can do something ourselves"
    assert [quadrant_label(q, LABELS) for q in QUADRANTS] == LABELS
    assert quadrant_label(quadrant(0.8, 0.8), LABELS) == "TR"
    assert quadrant_label(quadrant(0.2, 0.2), LABELS) == "BL"
    assert quadrant_label("ours_minor", None) == ""


def test_clamp():
    assert clamp(-0.2) == 0.0 and clamp(1.7) == 1.0 and clamp(0.3) == 0.3
    assert isinstance(clamp(1), float)


def test_placed_items_by_quadrant_from_the_wall(tmp_path):
    with Store(tmp_path / "data") as store:
        store.save_session({"id": "s1", "team": "T", "created_at": 1.0})
        wall = Wall(store, "s1", FakeClock())
        a, b, c, d = (wall.add_note("godt", t, step="s") for t in "abcd")
        wall.place(a.key, 0.9, 0.6)
        wall.place(b.key, 0.6, 0.95)
        wall.place(c.key, 0.1, 0.2)
        groups = by_quadrant(wall.items())
        assert [i.key for i in groups["ours_important"]] == [b.key, a.key]  # most important first
        assert [i.key for i in groups["theirs_minor"]] == [c.key]
        assert groups["theirs_important"] == groups["ours_minor"] == []
        assert d.key not in {i.key for q in groups.values() for i in q}


def test_no_themes_and_pick_bounds():
    with pytest.raises(WallError) as err:
        require_themes([])
    assert err.value.reason == "no_themes"
    require_themes(["c1"])
    assert pick_problem(2, 3, 5) == "too_few_chosen"
    assert pick_problem(6, 3, 5) == "too_many_chosen"
    assert pick_problem(3, 3, 5) is None and pick_problem(5, 3, 5) is None
    assert pick_problem(0) is None
