"""The minutes on the wall: the panel the referent types a step's key points in, and the
box a later step shows them again in (``kiosk.core.minutes``).

``MinutesPanel`` is a modal panel over the workshop, as the composer is: the heading the
method gives the minutes, the step they belong to, the text, a counter against the limit,
Save and Cancel, and the on-screen keyboard, whose enter key starts a new line here (the
physical keyboard's too). ``on_save(text)`` decides; when it refuses (returns False) the
panel stays open with the text kept, so nothing typed is lost. The step is fixed when the
panel opens: the workshop screen saves to that step, wherever the group is by then.

``Recall`` shows earlier steps' minutes on a talk or rounds step (the round-off returns to
the expectations said at welcome), in body text read from 3 m, cut with '…' to its box.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.core.minutes import MAX_CHARS, Minutes
from kiosk.i18n import tr
from kiosk.ui.later import guarded
from kiosk.ui.widgets import SYMBOLS, keyboard  # noqa: F401  (the keyboard's kv rules)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

NEW_LINE = "↵"
"""The on-screen enter key's face in the minutes panel: it starts a new line."""
RECALL_SIZES = (36, 30)
"""px at 1080p: recalled minutes as big as a talk step's prompts, smaller before they are cut."""


class MinutesPanel(ModalView):
    heading = StringProperty("")
    """What the method calls these minutes ('Forventninger'), else the kiosk's word."""
    step_title = StringProperty("")
    """The step they are saved to, said in the panel ('Step: Velkomst')."""
    limit = NumericProperty(MAX_CHARS)
    counter = StringProperty("")
    over = BooleanProperty(False)

    def __init__(self, on_save, text: str = "", **kw):
        super().__init__(**kw)
        self._on_save = on_save
        board = self.ids.keyboard
        board.bind(on_enter=lambda *_: self.new_line(), shift=lambda *_: self._enter_face())
        self._enter_face()
        self.ids.text.text = text
        self.changed(text)

    def _enter_face(self):
        """The enter key says what it does here (a shift relabels the keys: again after it)."""
        key = self.ids.keyboard.keys.get("enter")
        if key is not None:
            key.text, key.font_name = NEW_LINE, SYMBOLS

    def on_open(self):
        field = self.ids.text
        field.focus = True
        field.cursor = field.get_cursor_from_index(len(field.text))  # go on where the text ends

    def on_dismiss(self):
        self.ids.text.focus = False  # a closed panel takes no keys

    def new_line(self):
        board = self.ids.keyboard
        board.give_focus()
        self.ids.text.insert_text("\n")

    def changed(self, text: str):
        self.over = len(text.strip()) > int(self.limit)
        self.counter = f"{len(text.strip())}/{int(self.limit)}" + (" !" if self.over else "")

    def save(self):
        if self._on_save(self.ids.text.text) is not False:
            self.dismiss()


class Recall(BoxLayout):
    """Earlier steps' minutes, shown again: a heading per step and its text, the whole
    cut with '…' to the box (the panel of the minutes has it all)."""

    items = ListProperty([])
    """``kiosk.core.minutes.Recalled`` of the step, in its recall order."""
    text = StringProperty("")
    font = NumericProperty(30)
    """The size the text was fitted at."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self._fit = Clock.create_trigger(guarded(self.fit), -1)
        self.bind(items=lambda *_: self._fit(), size=lambda *_: self._fit())

    def load(self, store, session, step) -> None:
        """Read the minutes ``step`` recalls from the session's store (after every change:
        an Undo may take an earlier step's minutes back)."""
        self.items = Minutes(store, session.id, session.method).recalled(step) if step.recall else []

    def fit(self, *_):
        from kiosk.ui.text import _height, fit_text

        label = self.ids.get("body")
        app = App.get_running_app()
        if label is None or app is None or label.width <= 1:
            return
        blocks = []
        for r in self.items:
            head = " · ".join(x for x in (r.heading, r.title) if x)
            body = r.text or tr("Nothing was written down at “{step}”.").format(step=r.title)
            blocks.append((head, body, not r.text))
        for size in (s * app.s for s in RECALL_SIZES):  # as big as the prompts, smaller if that cuts
            # each step's share of the height (a blank line between them), fitted to whole lines
            line = _height("X", label.width, size)
            share = (label.height - line * (len(blocks) - 1)) / max(1, len(blocks))
            fitted = [fit_text(body, label.width, max(line, share - _height(head, label.width, size, True)), size)
                      for head, body, _ in blocks]
            if all(f == body for f, (_, body, _) in zip(fitted, blocks)):
                break
        out = []
        for (head, _, empty), text in zip(blocks, fitted):
            shown = f"[i]{escape_markup(text)}[/i]" if empty else escape_markup(text)
            out.append(f"[b][color=#56b4e9]{escape_markup(head)}[/color][/b]\n{shown}")
        self.font = size
        self.text = "\n\n".join(out)
