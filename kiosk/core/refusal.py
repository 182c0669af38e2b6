"""A refusal: an intent the rules say no to, and nothing changed (DESIGN.md §5, §6).

Every rule in ``kiosk.core`` that turns down what someone tapped raises a subclass of
``Refusal`` with a short ``reason`` key ("note_empty", "no_votes_left", ...). The
screen looks the key up for a message in the user's language, so the rules never
hold UI text. One base class means the one place that runs intents on the wall
(``kiosk.ui.act``) catches this one type, and a new activity's own error subclass is
caught there with no edit anywhere else.

A ``Refusal`` is a ``ValueError`` so code that already guards against bad values
keeps doing so.
"""

from __future__ import annotations


class Refusal(ValueError):
    """An intent the rules refuse; ``reason`` (also ``str(e)``) is a key for the screen's message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
