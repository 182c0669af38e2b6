"""The Facilitator panel: the method's notes for the facilitator, over the workshop.

What the guides say to the facilitator and not to the group (``kiosk.core.facilitator``):
the current step's purpose, what to say, tips and pitfalls, and on the other tab the
method's own (roles, what to prepare, materials, the room, psychological safety). It is
there only while it is open: a modal panel that Close takes away, opened from a discreet
button on the workshop screen. The first step opens on the method's tab (what to have
ready before the group starts), every other step on its own. Nothing here is exported.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, OptionProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.utils import escape_markup

from kiosk.core.facilitator import HEADINGS, method_notes, step_notes
from kiosk.i18n import tr
from kiosk.ui.widgets import sym
from kiosk.ui.widgets.scroll import FingerScroll, page, paging  # noqa: F401  (FingerScroll: facilitator.kv)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def notes_markup(parts: list[tuple[str, list[str]]]) -> str:
    """The notes as the panel shows them: each part's heading, then its lines (a single
    line as a sentence, several as a list)."""
    out = []
    for key, lines in parts:
        head = f"[b][color=#56b4e9]{escape_markup(tr(HEADINGS[key]))}[/color][/b]"
        if len(lines) == 1 and key == "purpose":
            body = escape_markup(lines[0])
        else:
            body = "\n".join(f"•  {escape_markup(line)}" for line in lines)
        out.append(f"{head}\n{body}")
    return "\n\n".join(out)


class FacilitatorPanel(ModalView):
    tab = OptionProperty("step", options=["step", "method"])
    step_title = StringProperty("")
    text = StringProperty("")
    """The open tab's notes (markup), or the words for none."""
    empty = BooleanProperty(False)
    can_up = BooleanProperty(False)
    can_down = BooleanProperty(False)

    def __init__(self, step, method, first: bool = False, **kw):
        super().__init__(**kw)
        self.step, self.method = step, method
        self.step_title = step.title
        self.tab = "method" if first else "step"
        self.show()

    def on_tab(self, *_):
        self.show()

    def show(self):
        if self.tab == "step":
            parts = step_notes(self.step)
            none = tr("There are no facilitator notes for this step.")
        else:
            parts = method_notes(self.method)
            none = tr("This method has no facilitator notes for before and around the workshop.")
        self.empty = not parts
        self.text = notes_markup(parts) if parts else none
        scroll = self.ids.get("scroll")
        if scroll is not None:
            scroll.scroll_y = 1  # a tab opens at its top
        self.update_paging()

    def update_paging(self, *_):
        self.can_up, self.can_down = paging(self.ids.scroll, self.ids.notes)

    def page(self, direction: int):
        page(self.ids.scroll, self.ids.notes, direction)
        self.update_paging()

    @staticmethod
    def mark(selected: bool) -> str:
        """A tab says it is open by a mark, not by its colour alone."""
        return sym("▶") + "  " if selected else ""
