"""Small widgets every screen uses; their looks are in common.kv."""

from kivy.properties import ColorProperty
from kivy.uix.button import Button
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


class KButton(Button):
    """A finger-sized button; ``face`` is its colour (darker while pressed)."""

    face = ColorProperty(theme.PANEL_HI)


class Stage(ScreenManager):
    """The screens' manager without Kivy's stencil clip: screens never slide here
    (no transition), and on a software renderer the clip cost two full-screen fills
    a frame."""
