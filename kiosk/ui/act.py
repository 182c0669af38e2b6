"""Intents from the screens to the core, run in one place (DESIGN.md §5, §6).

A screen never changes data itself: it hands an intent (a bound method of a core
controller) to ``app.act``, which runs it here. A refused intent or a failed write
becomes a message on the screen instead of a traceback in front of the group, and
the undoable changes are kept in the order they were made, so the kiosk's one Undo
button walks back timer, wall and plan changes alike.

Widgets import ``FAILED`` from this module, never the app module: a widget needs
to know what a failed intent returns, not how the app is built.
"""

from __future__ import annotations

import logging

from kiosk.core.refusal import Refusal
from kiosk.store import StoreError
from kiosk.ui import messages

log = logging.getLogger("kiosk")

FAILED = object()
"""What ``act`` returns when an intent was refused or could not be stored."""
UNDO_KEPT = 200
"""The newest undoable changes the Undo button can walk back to."""


class Intents:
    """Runs the app's intents and remembers who can take each change back.

    ``app`` is the running app: it shows messages (``say``, ``dismiss_notice``,
    ``notice``/``notice_kind``) and is told of every committed change (``revision``),
    so the screens redraw from the core.
    """

    def __init__(self, app) -> None:
        self.app = app
        self._undoers: list = []
        """The controllers (workshop, wall, plan …) in the order they made undoable changes."""
        self._failed_writes = 0

    def act(self, intent, *args, undo=None, quiet=False, **kw):
        """Run an intent; on refusal or a failed write, explain on screen and change nothing.

        ``undo``: the controller whose ``undo()`` takes this change back. ``quiet``: an
        intent from elsewhere (a phone, kiosk.ui.pads): a refusal or a failed write is
        raised to the caller, who answers the sender, and the wall's message stays as it is.
        """
        app = self.app
        try:
            result = intent(*args, **kw)
        except StoreError as e:
            self._failed_writes += 1
            if self._failed_writes <= 3 or self._failed_writes % 100 == 0:  # a full disk: not a line per tap
                log.error("store refused a write (%d so far): %s", self._failed_writes, e)
            if quiet:
                raise
            app.say(messages.store_error(e), "error")
            return FAILED
        except Refusal as e:  # every rule's refusal, a new activity's too: said on screen, nothing changed
            if quiet:
                raise
            app.say(messages.refusal(e.reason), "error")
            return FAILED
        if self._failed_writes:
            log.warning("the store writes again, after %d refused writes", self._failed_writes)
            self._failed_writes = 0
        if undo is not None:
            self._undoers.append(undo)
            del self._undoers[:-UNDO_KEPT]
        if app.notice_kind == "error" and app.notice and not quiet:
            app.dismiss_notice()  # the next thing that works clears an old refusal
        app.revision += 1
        return result

    @property
    def can_undo(self) -> bool:
        return any(u.can_undo for u in self._undoers)

    def undo(self) -> None:
        """Take back the newest change that can still be taken back."""
        while self._undoers:
            who = self._undoers.pop()
            if who.can_undo:
                self.act(who.undo)
                return

    def forget(self) -> None:
        """A new workshop (or none): the changes before it are not the Undo button's any more."""
        self._undoers = []
