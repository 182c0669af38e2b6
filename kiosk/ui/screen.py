"""What the app may ask of every screen: the written contract of a screen.

Every screen of ``kiosk.ui.app.SCREENS`` subclasses ``KioskScreen``. Besides Kivy's
``Screen`` the app uses only this:

* ``tick()``: called by the app's one clock tick (five times a second) while the
  screen is the current one: a clock on screen, a countdown, the planned end that
  moves with the time. The default does nothing; a screen never starts a Clock of
  its own for this.
"""

from __future__ import annotations

from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """One screen of the app (see the module's contract)."""

    def tick(self) -> None:
        """The app's clock tick while this screen shows; nothing by default."""
