"""Small widgets every screen uses; their looks are in common.kv."""

from kivy.properties import ColorProperty
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.screenmanager import ScreenManager

from kiosk.paths import assets_dir
from kiosk.ui import theme

SYMBOLS = "KioskSymbols"
"""A font name for the symbols Roboto lacks (⌫ ⇧ ✓ ▶ ● ⚠ …), registered by ``register_fonts``."""


def register_fonts() -> None:
    from kivy.core.text import LabelBase

    LabelBase.register(SYMBOLS, str(assets_dir() / "fonts" / "KioskSymbols-Bold.ttf"))


def sym(char: str) -> str:
    """Markup that draws ``char`` from the symbol font (the label needs markup: True).

    Plain ASCII stays in Roboto, which has it (the symbol font has only symbols)."""
    if char.isascii():
        return char
    return f"[font={SYMBOLS}]{char}[/font]"


def symbol_font(text: str) -> str | None:
    """The font for a short mark: the symbol font unless it is plain ASCII."""
    return None if text.isascii() else SYMBOLS


def layout_pending(widget) -> bool:
    """True while a layout above ``widget`` has still to run before this frame: the
    size it will give ``widget`` is not known yet."""
    w = getattr(widget, "parent", None)
    while w is not None:
        trigger = getattr(w, "_trigger_layout", None)
        if trigger is not None and getattr(trigger, "is_triggered", False):
            return True
        above = getattr(w, "parent", None)
        w = above if above is not w else None  # the window is its own parent
    return False


class RenderAfterLayout:
    """Renders the text once the layouts above have given the label its size.

    A new label is 100 px wide until its layout runs, later in the same frame; a
    wrapped text rendered at that width first (hundreds of lines, a tall texture)
    cost the first frame milliseconds per label. The clock's render waits (it runs
    again once the layouts are done, still before the frame is drawn); a direct
    call to ``texture_update()`` renders at once, as Kivy's does.
    """

    _waits = 0

    def texture_update(self, *largs):
        if largs and self._waits < 5 and layout_pending(self):
            self._waits += 1
            self._trigger_texture()
            return
        self._waits = 0
        super().texture_update(*largs)


class WrapLabel(RenderAfterLayout, Label):
    """A Label for text wrapped or cut to the width its layout gives it."""


class KButton(RenderAfterLayout, Button):
    """A finger-sized button; ``face`` is its colour (darker while pressed)."""

    face = ColorProperty(theme.PANEL_HI)


class Stage(ScreenManager):
    """The screens' manager without Kivy's stencil clip: screens never slide here
    (no transition), and on a software renderer the clip cost two full-screen fills
    a frame."""
