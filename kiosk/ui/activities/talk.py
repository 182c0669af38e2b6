"""``talk``: the group listens and talks; the screen shows what to do and the rules."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.utils import escape_markup

from kiosk.ui.activities.base import ActivityView
from kiosk.ui.widgets import sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class TalkView(ActivityView):
    prompts_text = StringProperty("")
    rules_text = StringProperty("")

    def on_step(self, *_):
        s = self.step
        self.prompts_text = "\n".join(f"•  {escape_markup(p)}" for p in s.prompts)
        self.rules_text = "\n".join(f"{sym('✓')}  {escape_markup(r)}" for r in s.rules)


View = TalkView
