"""``talk``: the group listens and talks; the screen shows what to do and the rules, and
under them the minutes of earlier steps the step recalls (the round-off returns to the
expectations said at welcome)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.utils import escape_markup

from kiosk.ui.activities.base import ActivityView
from kiosk.ui.widgets import sym
from kiosk.ui.widgets.minutes import Recall  # noqa: F401  (talk.kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class TalkView(ActivityView):
    prompts_text = StringProperty("")
    rules_text = StringProperty("")
    recalling = BooleanProperty(False)
    """The step shows earlier steps' minutes again (its ``recall``), under the rules."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.refresh()

    def on_step(self, *_):
        s = self.step
        self.prompts_text = "\n".join(f"•  {escape_markup(p)}" for p in s.prompts)
        self.rules_text = "\n".join(f"{sym('✓')}  {escape_markup(r)}" for r in s.rules)
        self.recalling = bool(s.recall)

    def refresh(self):
        if self.recalling and self.workshop is not None and self.app.store is not None:
            self.ids.recall.load(self.app.store, self.workshop.session, self.step)


View = TalkView
