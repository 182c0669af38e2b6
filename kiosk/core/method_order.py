"""The order of the method picker's cards: the common case on top.

A wall of twelve methods in alphabetical order put the one most workplaces run,
the Trivselsdialog, last, three pages down. The order is now, deterministically:

1. the method most workplaces of the kiosk's language run (``COMMON``): the Danish
   Trivselsdialog, and on a Norwegian kiosk its Norwegian sibling, the Dialogverksted
   (a Danish method's text shows as written, so a Norwegian room would read Danish);
2. then how often this kiosk has run each (its sessions in the store, counted by method);
3. then the methods written in the kiosk's language before the others;
4. then by title, and by id where titles are the same.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping, Sequence

COMMON: dict[str, tuple[str, ...]] = {"da": ("trivselsdialog",), "nb": ("dialogverksted", "trivselsdialog"),
                                      "en": ("trivselsdialog",)}
"""Per kiosk language, the method ids most workplaces run, the most used first: the
Trivselsdialog follows every Danish well-being survey, the Dialogverksted (the same
guide's Norwegian edition) every Norwegian one."""


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
    first = COMMON.get(lang, COMMON["da"])

    def key(m):
        common = first.index(m.id) if m.id in first else len(first)
        return (common, -int(used.get(m.id, 0)), m.language != lang, m.title.casefold(), m.id)
    return sorted(methods, key=key)
