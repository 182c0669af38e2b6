"""Text fitted to a box (whole lines, long words hyphenated, '…' where it is cut), and
the app's words for a length of time and a meeting's day, which several screens show.

Apart from the board (no Fbo, no graphics) so that a screen that only fits a title,
the workshop's agenda, does not pay for the wall's imports in the first frame.
"""

from __future__ import annotations

import re
from datetime import date

from kivy.core.text import Label as CoreLabel

from kiosk.i18n import tr

_fitted: dict[tuple, str] = {}

THEME_SHORT = 70
"""Characters of a theme label quoted in a question before it is cut with '…'."""


def duration(minutes: float) -> str:
    """'2 h 30 min', '2 h' or '45 min' (a method's length, a plan's total)."""
    h, m = divmod(int(round(minutes)), 60)
    if h and m:
        return tr("{h} h {m} min").format(h=h, m=m)
    return tr("{h} h").format(h=h) if h else tr("{m} min").format(m=m)


def meeting_day(iso: str | None, today_: date) -> str:
    """'Tuesday 12 January 2027 (today)' for a button, or the words for no date."""
    if not iso:
        return tr("date not set")
    from kiosk.ui.widgets.date_picker import long_day  # the date picker's words for a day

    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return tr("date not set")
    text = long_day(day)
    n = (day - today_).days
    if n == 0:
        return f"{text} ({tr('today')})"
    if n < 0:
        return f"{text} ({tr('passed')})"
    return text


def short(text: str, limit: int = THEME_SHORT) -> str:
    """One line of at most ``limit`` characters, cut with '…' (a theme quoted in a question)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _height(text: str, width: float, size: float, bold: bool = False) -> float:
    """The height Kivy lays the text out in at this width (measured, nothing rendered)."""
    label = CoreLabel(text=text, font_size=size, bold=bold, text_size=(width, None), halign="left", valign="top")
    label.resolve_font_name()  # as refresh() does, then its first pass only
    return label.render()[1]


def _width(text: str, size: float, bold: bool = False) -> float:
    label = _measures.get((int(size), bold))
    if label is None:
        label = _measures[(int(size), bold)] = CoreLabel(font_size=size, bold=bold)
    return label.get_extents(text)[0]


_measures: dict[tuple, CoreLabel] = {}

MARKUP = re.compile(r"\[/?(?:font|b|i|u|s|color|size|sub|sup|ref|anchor)(?:=[^\]]*)?\]")
"""Kivy's markup tags: not measured (``sym`` wraps a symbol in one)."""


def fit_size(text: str, width: float, full: float, least: float, bold: bool = False) -> float:
    """``full``, or smaller down to ``least``, so that one line of ``text`` fits ``width``:
    for a line that must neither grow a second line (moving what is below it) nor be cut
    while a smaller size still reads from across the room (then it is cut with '…')."""
    plain = MARKUP.sub("", text or "")
    if not plain or width <= 1:
        return full
    wide = _width(plain, full, bold)
    if wide <= width:
        return full
    size = int(full * width / wide)  # glyphs do not scale exactly: whole sizes, measured
    while size > least and _width(plain, size, bold) > width:
        size -= 1
    return max(least, size)


VOWELS = set("aeiouyæøåäöüéAEIOUYÆØÅÄÖÜÉ")


def _syllable_break(word: str, at: int, back: int = 2) -> int:
    """A break at most ``back`` letters before ``at`` where a syllable starts, as Danish
    and Norwegian hyphenate: before a consonant that a vowel follows ('Som-mer-fest',
    'Flyt-ning'), the part before keeping a vowel; ``at`` itself when none is near."""
    for p in range(at, max(2, at - back) - 1, -1):
        if (p + 1 < len(word) and word[p].isalpha() and word[p] not in VOWELS and word[p + 1] in VOWELS
                and any(c in VOWELS for c in word[:p]) and len(word) - p >= 3):
            return p
    return at


def hyphenate(text: str, width: float, size: float, bold: bool = False) -> str:
    """The text with every word wider than the line split where the line ends, with a
    hyphen, as a hand writes on a post-it ('Kaffemaski- ne'): Kivy's wrapping would
    break such a word anywhere and without a mark."""
    if width <= 0:
        return text
    lines = []
    for line in text.split("\n"):
        words = []
        for word in line.split(" "):
            while len(word) > 1 and _width(word, size, bold) > width:
                lo, hi = 1, len(word) - 1  # the longest start that fits with its hyphen
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if _width(word[:mid] + "-", size, bold) <= width:
                        lo = mid
                    else:
                        hi = mid - 1
                if len(word) >= 6:
                    lo = max(2, min(lo, len(word) - 3))  # no 'sammenhol- d': three letters go on
                lo = _syllable_break(word, lo)
                words.append(word[:lo] + "-")
                word = word[lo:]
            words.append(word)
        lines.append(" ".join(words))
    return "\n".join(lines)


def fit_text(text: str, width: float, height: float, size: float, bold: bool = False) -> str:
    """The text, hyphenated where a word is wider than the card, cut after the last whole
    word that fits the box with an ellipsis.

    The board clips a long text at the card's edge, which can leave half a line;
    this keeps whole lines and says with '…' that there is more.
    """
    key = (text, int(width), int(height), int(size), bold)
    if key in _fitted:
        return _fitted[key]
    out = hyphenate(text, width - 1, size, bold)  # a pixel to spare: the wrap must agree
    if width > 0 and _height(out, width, size, bold) > height + 0.5:
        words = out.split(" ")
        lo, hi = 0, len(words) - 1  # the most words that fit with '…'
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _height(_ellipsis(words[:mid], width - 1, size, bold), width, size, bold) <= height + 0.5:
                lo = mid
            else:
                hi = mid - 1
        if lo:
            out = _ellipsis(words[:lo], width - 1, size, bold)
        else:  # not even the first word with '…': as many of its letters as fit
            word, lo, hi = words[0].rstrip("-"), 1, len(words[0].rstrip("-"))
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if _height(word[:mid] + "…", width, size, bold) <= height + 0.5:
                    lo = mid
                else:
                    hi = mid - 1
            out = word[:lo] + "…"
    if len(_fitted) > 4000:
        _fitted.clear()
    _fitted[key] = out
    return out


def _ellipsis(words: list[str], width: float, size: float, bold: bool = False) -> str:
    """The words with '…' after the last; a last word (or the start of a hyphenated one)
    that is as wide as the line loses letters for it, so the '…' does not wrap onto a
    line of its own."""
    last = words[-1].rstrip("-")
    while len(last) > 1 and _width(last + "…", size, bold) > width:
        last = last[:-1]
    return " ".join(words[:-1] + [last]) + "…"
