"""The tally's view: one finger-sized button per post-it on the wall, with its marks.

Written against the views' contract (``kiosk.ui.activities.base.ActivityView``):
``refresh()`` redraws from the core after every change, and the intent goes through
``app.act`` so a refusal is said on screen like any activity's.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.ui.activities.base import ActivityView
from kiosk.ui.widgets import KButton

from .tally import Tally

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class TallyView(ActivityView):
    heading = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        self.heading = self.step.params["heading"]
        self.tally = Tally(self.app.store, self.workshop.session.id, self.step.id, self.app.wall(),
                           self.step.params["most"], self.app.clock)
        self.refresh()

    def refresh(self) -> None:
        counts = self.tally.counts()
        rows = self.ids.rows
        rows.clear_widgets()
        wall = self.app.wall()
        for item in wall.items():
            button = KButton(text=f"{wall.label(item.key)}   ·   {counts.get(item.key, 0)} ×")
            button.item_key = item.key
            button.bind(on_release=lambda b: self.mark(b.item_key))
            rows.add_widget(button)

    def mark(self, key: str) -> None:
        """A mark through ``app.act``: a refusal is said on screen; a mark that is
        written makes the workshop screen call ``refresh``."""
        self.app.act(self.tally.mark, key)


View = TallyView
