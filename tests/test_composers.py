"""How many composers fit side by side (keys a fingertip wide, a writer's room at the
wall), the screen-size setting, and the drafts a step keeps when it is left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.core import composers
from kiosk.core.composers import Draft, Row, writers_that_fit
from kiosk.core.settings import Settings

pytestmark = pytest.mark.running_session

ROOT = Path(__file__).resolve().parents[1]


def nordic() -> list[Row]:
    """The wall keyboard's rows as the screen lays them out (kiosk/ui/widgets/keyboard.py:
    space is six keys wide, shift, backspace and enter 1.6)."""
    wide = {"space": 6, "shift": 1.6, "backspace": 1.6, "enter": 1.6}
    layout = json.loads((ROOT / "assets" / "keyboards" / "nordic.json").read_text(encoding="utf-8"))
    return [Row(len(r), sum(wide.get(k, 1) for k in r)) for mode in ("lower", "upper") for r in layout[mode]]


@pytest.mark.parametrize("inches, expected", [(24, 1), (32, 1), (43, 2), (55, 2), (65, 3), (75, 3), (86, 4), (98, 4)])
def test_two_on_55_three_on_65_and_75_inch_screens_at_1080p_and_4k(inches, expected):
    for w, h in ((1920, 1080), (3840, 2160)):
        n = writers_that_fit(w, h, inches, nordic())
        assert n == expected, (inches, w, n)
        scale = min(w / 1920, h / 1080)
        assert composers.key_mm(n, w, h, inches, nordic(), scale) >= composers.KEY_MM or n == 1
        # each writer has room to stand: the screen's width over the writers
        assert w * composers.mm_per_px(w, h, inches) / n >= composers.ELBOW_MM or n == 1


def test_the_key_width_decides_on_a_narrow_screen_or_a_wide_keyboard():
    # a 65" screen turned to portrait: a writer's room allows two (810 mm), keys too
    assert writers_that_fit(1080, 1920, 65, nordic()) == 1           # 810 mm / 450 → 1
    assert writers_that_fit(1080, 1920, 98, nordic()) == 2           # 1220 mm: two stand, keys 17 mm
    # a keyboard with 30 keys in a row: keys of a 65" 1080p screen are too narrow for three
    wide = [Row(30, 30)]
    assert composers.key_mm(3, 1920, 1080, 65, wide, 1.0) < composers.KEY_MM
    assert composers.key_mm(2, 1920, 1080, 65, wide, 1.0) >= composers.KEY_MM
    assert writers_that_fit(1920, 1080, 65, wide) == 2
    # a keyboard no composer can show a key of 15 mm: still one, for a single writer
    assert writers_that_fit(1920, 1080, 24, [Row(80, 80)]) == 1


def test_the_layout_scale_and_window_pixels_do_not_change_millimetres():
    # the same screen in a 1280×720 mode: everything scales, the answer stays
    assert writers_that_fit(1280, 720, 65, nordic()) == writers_that_fit(1920, 1080, 65, nordic()) == 3
    assert composers.mm_per_px(1920, 1080, 65) == pytest.approx(0.7503, abs=1e-3)


def test_a_screen_without_size_or_a_keyboard_without_keys_is_refused():
    with pytest.raises(ValueError):
        writers_that_fit(0, 1080, 65, nordic())
    with pytest.raises(ValueError):
        writers_that_fit(1920, 1080, 0, nordic())
    with pytest.raises(ValueError):
        writers_that_fit(1920, 1080, 65, [Row(0, 0)])


def test_screen_inches_is_stepped_through_sold_sizes_and_read_with_care():
    s = Settings()
    assert s.screen_inches == 65
    assert s.stepped("screen_inches", 1).screen_inches == 75
    assert s.stepped("screen_inches", -1).screen_inches == 55
    assert Settings(screen_inches=98).at_end("screen_inches", 1)
    assert Settings(screen_inches=24).at_end("screen_inches", -1)
    assert Settings(screen_inches=60).stepped("screen_inches", 1).screen_inches == 65   # typed by hand
    assert Settings.from_dict(Settings(screen_inches=43).to_dict()).screen_inches == 43
    for bad in (0, 5, 500, "65", 65.5, True, None):
        assert Settings.from_dict({"screen_inches": bad}).screen_inches == 65, bad


def test_drafts_are_kept_per_step_and_taken_back_once(store):
    kept = composers.keep_drafts(store, "s1", "refleksion", [
        Draft("godt", "Halvt skrevet", 3), Draft("mindre-godt", "   "), Draft("mindre-godt", "Også denne")])
    assert kept == 2                                      # a blank composer keeps nothing
    composers.keep_drafts(store, "s1", "andet", [Draft("x", "Et andet trin")])
    assert composers.count_drafts(store, "s1", "refleksion") == 2
    assert composers.take_drafts(store, "s1", "refleksion") == [
        Draft("godt", "Halvt skrevet", 3), Draft("mindre-godt", "Også denne", None)]
    assert composers.take_drafts(store, "s1", "refleksion") == []      # taken once
    assert composers.drafts(store, "s1", "andet") == [Draft("x", "Et andet trin")]


def test_a_draft_keeps_the_table_it_was_written_for(store):
    composers.keep_drafts(store, "s1", "dialog", [Draft("tema", "Ved bord to", None, 2)])
    store.insert("s1", composers.DRAFTS, {"step": "dialog", "kind": "tema", "text": "t", "table": 0})
    assert composers.take_drafts(store, "s1", "dialog") == [Draft("tema", "Ved bord to", None, 2),
                                                            Draft("tema", "t", None, None)]


def test_a_damaged_draft_is_passed_over_and_a_bad_author_is_anonymous(store):
    store.insert("s1", composers.DRAFTS, {"step": "refleksion", "kind": 7, "text": "no kind"})
    store.insert("s1", composers.DRAFTS, {"step": "refleksion", "kind": "godt", "text": "ok", "author": "3"})
    store.insert("s1", composers.DRAFTS, {"step": "refleksion", "kind": "godt", "text": "x" * 5000, "author": True})
    got = composers.take_drafts(store, "s1", "refleksion")
    assert [(d.text[:2], d.author, len(d.text)) for d in got] == [("ok", None, 2), ("xx", None, composers.DRAFT_MAX)]
    assert store.all("s1", composers.DRAFTS) == []       # the damaged one goes too
