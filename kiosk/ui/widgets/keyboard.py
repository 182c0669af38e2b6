"""A big on-screen keyboard with æ ø å, typed into one TextInput.

The layout is data (assets/keyboards/*.json). Keys act on release, so a finger
sliding off a key types nothing. A physical keyboard works too: a tap on a key
leaves the TextInput its keyboard focus (Kivy takes it away on any tap elsewhere,
and SDL then stops sending text), and a key gives it back if it was lost.
"""

from __future__ import annotations

import json
from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import FocusBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.paths import assets_dir
from kiosk.ui.widgets import SYMBOLS, KButton

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

SPECIAL = {"shift", "backspace", "space", "enter"}
LABELS = {"shift": "⇧", "backspace": "⌫", "space": " ", "enter": "OK"}


def load_layout(name: str = "nordic") -> dict:
    with open(assets_dir() / "keyboards" / f"{name}.json", encoding="utf-8") as f:
        data = json.load(f)
    for mode in ("lower", "upper"):
        rows = data[mode]
        if not rows or not all(isinstance(r, list) and r for r in rows):
            raise ValueError(f"keyboard layout {name}: '{mode}' needs rows of keys")
    return data


WIDE = {"space": 6, "shift": 1.6, "backspace": 1.6, "enter": 1.6}
"""A special key's width in ordinary keys (every other key is one)."""


def rows(layout: dict) -> list[tuple[int, float]]:
    """Each row of both modes as (keys, widths in ordinary keys): what decides how narrow
    the keys get in a composer of a given width (``kiosk.core.composers``)."""
    return [(len(row), sum(WIDE.get(k, 1) for k in row)) for mode in ("lower", "upper") for row in layout[mode]]


class Key(KButton):
    key = StringProperty("")
    """What the key types, or one of SPECIAL."""

    def on_touch_down(self, touch):
        if not self.disabled and self.collide_point(*touch.pos) and touch not in FocusBehavior.ignored_touch:
            FocusBehavior.ignored_touch.append(touch)  # this tap does not take the field's focus
        return super().on_touch_down(touch)


class OnScreenKeyboard(BoxLayout):
    target = ObjectProperty(None, allownone=True)
    """The TextInput that receives the keys."""
    shift = BooleanProperty(False)
    layout_name = StringProperty("nordic")
    key_height = NumericProperty(96)
    """px at 1080p: a key's height (several composers side by side make them a little lower)."""
    key_font = NumericProperty(40)
    """px at 1080p: a key's letter (narrow keys take a smaller one)."""
    __events__ = ("on_enter",)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.layout = load_layout(self.layout_name)
        self.keys: dict[str, object] = {}
        self.build_keys()

    def on_shift(self, *_):
        self.build_keys()

    def build_keys(self):
        rows = self.layout["upper" if self.shift else "lower"]
        if self._relabel(rows):
            return
        self.clear_widgets()
        self.keys = {}
        for row in rows:
            line = Factory.KeyRow()
            for key in row:
                button = Key(key=key, text=LABELS.get(key, key))
                if key in ("shift", "backspace"):
                    button.font_name = SYMBOLS
                button.size_hint_x = WIDE.get(key, 1)
                self.keys[key] = button
                line.add_widget(button)
            self.add_widget(line)

    def _relabel(self, rows) -> bool:
        """Shift on a keyboard of the same shape: the keys change their letters in place
        (no new widgets to lay out between two quick taps)."""
        lines = list(reversed(self.children))
        if len(lines) != len(rows) or any(len(line.children) != len(row) for line, row in zip(lines, rows)):
            return False
        pairs = [(button, key) for line, row in zip(lines, rows) for button, key in zip(reversed(line.children), row)]
        if any((button.key in SPECIAL or key in SPECIAL) and button.key != key for button, key in pairs):
            return False
        self.keys = {}
        for button, key in pairs:
            button.key, button.text = key, LABELS.get(key, key)
            self.keys[key] = button
        return True

    def press(self, key: str):
        t = self.target
        if key == "enter":
            self.dispatch("on_enter")
            return
        self.give_focus()
        if key == "shift":
            self.shift = not self.shift
            return
        if t is None:
            return
        if key == "backspace":
            t.do_backspace()
        else:
            t.insert_text(" " if key == "space" else key)
            if self.shift:
                self.shift = False  # one capital, as on a phone

    def give_focus(self):
        """The target takes the physical keyboard (again), while it is on screen."""
        t = self.target
        if t is not None and not t.focus and t.get_root_window() is not None:
            t.focus = True

    def on_enter(self):
        pass
