"""Post-it text on the wall: DESIGN.md's 28 px, long Danish words hyphenated where the
line ends (never broken at random), and a grid too full for a first line each ending
in a "more" card instead of spilling over what lies below it."""

from __future__ import annotations

import pytest

from tests.test_ui_sort_vote_matrix import add_notes, go_to, start_workshop, window_xy

pytestmark = pytest.mark.window


def _lines(text: str, width: float, size: float) -> list[str]:
    """The lines Kivy actually lays the text out in at this width."""
    from kivy.core.text import Label as CoreLabel

    label = CoreLabel(text=text, font_size=size, text_size=(width, None), halign="left", valign="top")
    label.refresh()
    return ["".join(w.text for w in line.words).strip() for line in label._cached_lines]


def test_note_text_is_28px_at_1080p_and_a_line_is_what_the_layouts_reserve(kiosk):
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui import theme
    from kiosk.ui.widgets.cards import LINE_H

    assert theme.NOTE >= 28 and theme.BODY >= 28
    three = CoreLabel(text="Åg\nÅg\nÅg", font_size=theme.NOTE)
    three.refresh()
    assert LINE_H - 2 <= three.texture.height / 3 <= LINE_H


@pytest.mark.parametrize("text,width", [
    ("Kaffemaskinen på arbejdsmiljørepræsentantens kontor", 150),
    ("Sygefraværet er steget siden sidste måling", 140),
    ("Medarbejderudviklingssamtaler", 120),
])
def test_a_word_wider_than_the_card_is_hyphenated_where_the_line_ends(kiosk, text, width):
    from kiosk.ui import theme
    from kiosk.ui.text import _width, fit_text, hyphenate

    size = theme.NOTE
    split = hyphenate(text, width, size)
    chunks = split.split(" ")
    assert all(_width(c, size) <= width for c in chunks), chunks
    assert split.replace("- ", "") == text                       # nothing lost, nothing added
    tails = [c for c in chunks if not c.endswith("-") and c not in text.split(" ")]
    assert tails and all(len(c) >= 3 for c in tails), chunks      # no 'sammenhol- d'
    lines = _lines(split, width + 1, size)
    assert " ".join(lines) == split                               # Kivy breaks only at our spaces
    assert all(line.split(" ")[0] in chunks for line in lines)

    fitted = fit_text(text, width + 1, 2 * 35, size)               # two lines' room
    assert fitted.endswith("…") and len(_lines(fitted, width + 1, size)) <= 2
    assert not fitted.endswith("-…")                               # 'Kaffemaski…', not 'Kaffemaski-…'


def test_a_card_too_small_for_a_word_shows_its_first_letters_on_one_line(kiosk):
    from kiosk.ui import theme
    from kiosk.ui.text import fit_text

    fitted = fit_text("Sygefraværet er steget", 110, 40, theme.NOTE)   # one line's room
    assert fitted.endswith("…") and fitted.startswith("Syge")
    assert _lines(fitted, 110, theme.NOTE) == [fitted]              # '…' on the same line


def test_short_text_is_left_as_written(kiosk):
    from kiosk.ui import theme
    from kiosk.ui.text import fit_text

    assert fit_text("Godt sammenhold", 300, 100, theme.NOTE) == "Godt sammenhold"
    assert fit_text("Linje et\nLinje to", 300, 100, theme.NOTE) == "Linje et\nLinje to"


def test_a_full_matrix_tray_ends_in_a_more_card_and_stays_inside_its_box(kiosk):
    k = kiosk
    start_workshop(k)
    wall = k.app.wall()
    keys = add_notes(wall, [f"Tema nummer {i} fra refleksionen" for i in range(40)], "mindre-godt")
    view = go_to(k, "mulighedsrum")
    board = view.ids.board
    more = [c for key, c in board.cards.items() if key.startswith("more:")]
    assert len(more) == 1
    shown = [key for key in keys if key in board.cards]
    assert len(shown) + int(more[0].text.split("+")[1].split()[0]) == 40
    assert shown == keys[:len(shown)]                                # the first ones, in order
    tx, ty, tw, th = view.tray
    for card in [board.cards[key] for key in shown] + more:        # nothing spills out of the tray
        x, y, w, h = card.rect
        assert ty - 1 <= y and y + h <= ty + th + 1 and tx - 1 <= x and x + w <= tx + tw + 1
    px, py, pw, ph = view.park
    assert not any(card.rect[1] < py + ph and card.rect[1] + card.rect[3] > py and card.rect[0] < px + pw
                   for card in board.cards.values()), "a card covers the P-plads"

    x, y, w, h = more[0].rect                                       # a tap on it: nothing happens
    t = k.touch(*window_xy(board, x + w / 2, y + h / 2))
    t.touch_down()
    t.touch_up()
    k.frames(2)
    assert k.app.notice == ""
    k.drag(window_xy(board, x + w / 2, y + h / 2), window_xy(board, *view.plane[:2]), steps=4)
    assert all(wall.item(key).matrix is None for key in keys)      # nor a drag

    first = shown[0]                                                # placing one brings up the next
    fx, fy, fw, fh = board.cards[first].rect
    px, py, pw, ph = view.plane
    k.drag(window_xy(board, fx + fw / 2, fy + fh / 2), window_xy(board, px + pw * 0.7, py + ph * 0.7), steps=4)
    assert wall.item(first).matrix is not None
    assert keys[len(shown)] in board.cards


def test_face_up_notes_waiting_to_be_presented_get_cards_big_enough_to_read(kiosk):
    from kiosk.ui import theme
    from kiosk.ui.widgets.board import MARK_W, PAD
    from kiosk.ui.text import fit_text

    k = kiosk
    start_workshop(k)
    wall = k.app.wall()
    trio = [wall.add_note("trio", t, step="refleksion").key
            for t in ("Mange oplever travlhed", "Godt kollegialt sammenhold", "Støj og afbrydelser")]
    hidden = wall.add_note("godt", "Vi griner meget", step="refleksion", face_down=True).key
    view = go_to(k, "trioens-post-its")
    tray = view.ids.waiting
    assert set(tray.cards) == set(trio)                       # the step presents the trio's kind only
    s = k.app.s
    for key in trio:
        x, y, w, h = tray.cards[key].rect
        assert w >= 200 * s and h >= 110 * s, (key, w, h)     # a wall-sized card, text readable
        shown = fit_text(tray.cards[key].text, w - (2 * PAD + MARK_W) * s, h - 2 * PAD * s, theme.NOTE * s)
        assert "…" not in shown, shown                          # the whole note shows
    view = go_to(k, "praesentation")
    tray = view.ids.waiting
    assert hidden in tray.cards and tray.cards[hidden].face_down
    assert tray.cards[hidden].rect[2] < 200 * s                # face down: the small card says enough


def test_the_measured_height_is_the_rendered_one(kiosk):
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui import theme
    from kiosk.ui.text import _height

    for text, width in [("Godt sammenhold i teamet", 150), ("Å\nÆ\nØ", 300), ("Kort", 400)]:
        label = CoreLabel(text=text, font_size=theme.NOTE, text_size=(width, None), halign="left", valign="top")
        label.refresh()
        assert _height(text, width, theme.NOTE) == label.texture.height, text


def test_a_hyphen_goes_where_a_syllable_starts_when_one_is_near(kiosk):
    from kiosk.ui.text import _syllable_break

    def split(word, at):
        p = _syllable_break(word, at)
        return word[:p] + "-", word[p:]

    assert split("Sommerfest", 4) == ("Som-", "merfest")           # not 'Somm- erfest'
    assert split("Ombygning", 5) == ("Ombyg-", "ning")
    assert split("Sygefraværsopfølgning", 8) == ("Sygefra-", "værsopfølgning")
    assert split("Vikarstop", 5) == ("Vikar-", "stop")              # none near: where the line ends
    assert split("Strøm", 2) == ("St-", "røm")                      # no vowel before: as it was
    assert split("Sygefravær", 8)[1] == "vær"                       # three letters still go on


def test_a_line_that_must_stay_one_line_gets_smaller_before_it_is_cut(kiosk):
    """The vote's hint beside the phones' column: full size when it fits, smaller down
    to a floor when not (one line: the ballot under it never moves), markup not measured."""
    from kiosk.ui.text import _width, fit_size
    from kiosk.ui.widgets import sym

    hint = "The totals stay hidden until everyone has voted, or until you tap “Show totals”"
    wide = _width(hint, 30)
    assert fit_size(hint, wide + 1, 30, 24) == 30
    smaller = fit_size(hint, wide * 0.9, 30, 24)
    assert 24 < smaller < 30 and _width(hint, smaller) <= wide * 0.9 + 2
    assert fit_size(hint, wide * 0.5, 30, 24) == 24              # the floor: then Kivy's '…'
    marked = "Tap a theme to give it a mark; yours get a frame and a " + sym("✓")
    assert fit_size(marked, _width(marked.replace(sym("✓"), "✓"), 30) + 1, 30, 24) == 30
    assert fit_size("", 0, 30, 24) == 30
