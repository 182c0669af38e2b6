"""Undo for the controllers: one log of "what each change replaced" (DESIGN.md §6).

Every controller (the workshop, the wall, a vote round, a rating, ...) keeps its
own history, because only it knows how to put its documents back; the one Undo
button on the wall walks back through them in the order the changes were made
(``kiosk.ui.act``). What they all share is written here once:

- an entry is remembered only after its change is stored, so a failed write leaves
  nothing to undo;
- the history is bounded (``depth``), and lives in memory only;
- an undo forgets its entry only once the restore is stored, so a failed write
  keeps it for the next tap.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, Optional, TypeVar

T = TypeVar("T")

DEPTH = 50
"""Taps on the wall (notes dragged, dots, marks, plan edits): enough to walk back a burst
of mis-taps."""
STEP_DEPTH = 30
"""Fewer, larger changes: the workshop's moves between steps, a step's own settings
(rounds, deck, map centre, timeline periods)."""


class UndoLog(Generic[T]):
    """What each change replaced, newest last, at most ``depth`` entries."""

    def __init__(self, depth: int = DEPTH) -> None:
        if depth < 1:
            raise ValueError("an undo log keeps at least one change")
        self.depth = depth
        self._entries: list[T] = []

    def push(self, before: T) -> None:
        """Remember a stored change; the oldest beyond ``depth`` is forgotten."""
        self._entries.append(before)
        del self._entries[:-self.depth]

    def undo(self, restore: Callable[[T], Any], *,
             gone: Optional[Callable[[T], bool]] = None) -> bool:
        """Put the newest change back with ``restore(entry)``; False when there is none.

        ``gone(entry)``: true for a change with nothing left to put back (the thing it
        made was removed another way); such entries are passed over. If ``restore``
        raises (a failed write), the entry stays for the next try.
        """
        while gone is not None and self._entries and gone(self._entries[-1]):
            self._entries.pop()
        if not self._entries:
            return False
        restore(self._entries[-1])
        self._entries.pop()
        return True

    def remap(self, change: Callable[[T], T]) -> None:
        """Rewrite every entry (a clock jump shifts the times the entries hold)."""
        self._entries = [change(e) for e in self._entries]

    def clear(self) -> None:
        """Forget everything (the world the entries describe is gone: a reload, an end)."""
        self._entries.clear()

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> T:
        return self._entries[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries)


class Undoable:
    """A controller whose changes the one Undo button can take back: it keeps an
    ``UndoLog`` in ``_undo`` and has an ``undo()`` of its own."""

    _undo: UndoLog

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)
