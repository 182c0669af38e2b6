"""Write one short text on the big keyboard: a post-it, or a group's name.

A modal panel over the wall: the text, a counter against the limit, the
on-screen keyboard, and the buttons. ``on_save(text)`` decides; when it refuses
(returns False) the panel stays open with the text kept, so nothing typed is lost.

While the panel is open its field has the physical keyboard: from the start, after
any tap on the panel, until it closes.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ui.widgets import keyboard  # noqa: F401  (the keyboard's kv rules)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class Composer(ModalView):
    title = StringProperty("")
    limit = NumericProperty(140)
    counter = StringProperty("")
    colour = ListProperty([1, 1, 1, 1])
    can_delete = BooleanProperty(False)

    def __init__(self, on_save, on_delete=None, text: str = "", **kw):
        super().__init__(**kw)
        self._on_save = on_save
        self._on_delete = on_delete
        self.can_delete = on_delete is not None
        self.ids.text.text = text
        self.changed(text)

    def on_open(self):
        field = self.ids.text
        field.focus = True
        field.cursor = field.get_cursor_from_index(len(field.text))  # go on where the text ends

    def on_dismiss(self):
        self.ids.text.focus = False  # a closed panel takes no keys

    def changed(self, text: str):
        over = len(text) - int(self.limit)
        self.counter = f"{len(text)}/{int(self.limit)}" + (" !" if over > 0 else "")

    def save(self):
        if self._on_save(self.ids.text.text) is not False:
            self.dismiss()

    def delete(self):
        if self._on_delete is not None and self._on_delete() is not False:
            self.dismiss()
