"""The order of the method picker's cards: the common case on top.

A wall of twelve methods in alphabetical order put the one most workplaces run,
the Trivselsdialog, last, three pages down. The order is now, deterministically:

1. the methods most workplaces run (``COMMON``, most used first);
2. then how often this kiosk has run each (its sessions in the store, counted by method);
3. then the methods written in the kiosk's language before the others;
4. then by title, and by id where titles are the same.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping, Sequence

COMMON: tuple[str, ...] = ("trivselsdialog",)
"""Method ids that most workplaces run, the most used first: the Trivselsdialog follows
every well-being survey, so nearly every workshop on a kiosk starts from it."""


def uses(sessions: Iterable[Mapping]) -> Counter:
    """How many sessions this kiosk holds of each method id (from the store's session index;
    an entry without a method id counts for none)."""
    out: Counter = Counter()
    for entry in sessions:
        method_id = entry.get("method_id") if isinstance(entry, Mapping) else None
        if isinstance(method_id, str) and method_id:
            out[method_id] += 1
    return out


def ordered(methods: Sequence, lang: str, used: Mapping[str, int] | None = None) -> list:
    """The methods in the picker's order (see the module's docstring)."""
    used = used or {}

    def key(m):
        common = COMMON.index(m.id) if m.id in COMMON else len(COMMON)
        return (common, -int(used.get(m.id, 0)), m.language != lang, m.title.casefold(), m.id)
    return sorted(methods, key=key)
