"""``cards``: the perspective talk at the screen (core: ``kiosk.core.activities.cards``).

Left, the deck lies face down with the number of cards left, and under it whose
turn it is by number (clockwise round the table; − / + set how many sit there).
A tap on the deck draws the top card for that person: it is shown big in the
middle, to be read aloud, and it goes onto the wall as a note. *Put back* returns
the last card to its place in the deck; *Joker* lets the drawer write their own
statement on the big keyboard. About ``flip_at_minutes`` before the step's end
(read from the step's timer) the rest are turned face up in the middle, and each
person taps the one they pick; *Turn face up now* does it early. Right, the
referent's attention points, as post-its for the later steps. Along the bottom,
the cards drawn so far.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.core.activities.cards import CARD_KIND, JOKER_KIND, POINT_KIND, Cards
from kiosk.core.wall import NOTE_MAX
from kiosk.i18n import N_, tr
from kiosk.ui import theme
from kiosk.ui.activities.base import WallView
from kiosk.ui.act import FAILED
from kiosk.ui.widgets.board import Card, NoteBoard  # noqa: F401  (NoteBoard: kv)
from kiosk.ui.text import fit_text
from kiosk.ui.widgets.composer import Composer
from kiosk.ui.widgets.cards import COLOURS, Style, fit_grid, note_grid, style_of
from kiosk.ui.widgets import KButton, sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

CARD_COLOUR = (0.97, 0.97, 0.94, 1)


class DeckPile(ButtonBehavior, Widget):
    """The face-down deck: a stack of backs, a big '?' and the count. Tap to draw."""

    count = NumericProperty(0)
    label = StringProperty("")
    enabled = BooleanProperty(True)


class DeckChooser(ModalView):
    """The decks of the step, one big button each."""


class BigCard(Widget):
    """The drawn card, big enough to read aloud from across the room."""

    text = StringProperty("")
    caption = StringProperty("")
    font = NumericProperty(50)
    foot = NumericProperty(60)
    """Room under the text for the caption, at 1080p."""
    """Font size at 1080p: big while it is the one card, smaller over the face-up table."""
    colour = ListProperty(list(CARD_COLOUR))
    mark = StringProperty("")


class CardsView(WallView):
    STYLES = {
        CARD_KIND: Style(CARD_COLOUR, "▲", N_("Statement card")),
        JOKER_KIND: Style(COLOURS["orange"], "●", N_("Joker")),
        POINT_KIND: Style(theme.NOTE_YELLOW, "!", N_("Attention point")),
    }
    """The looks of the step's notes: white statement cards, orange jokers, yellow post-its."""

    hint = StringProperty("")
    turn_text = StringProperty("")
    people_text = StringProperty("")
    flipped = BooleanProperty(False)
    jokers_text = StringProperty("")
    deck_text = StringProperty("")

    def __init__(self, **kw):
        super().__init__(**kw)
        app = self.app
        ws = self.workshop
        self.cards = Cards(app.store, ws.session.id, app.clock, self.wall, self.step.id, self.step.params)
        self.composer = None
        self.chooser = None
        self.deck_buttons: dict[str, KButton] = {}
        """The theme buttons of the open chooser, by deck id."""
        self.ids.deck.disabled = len(self.cards.decks) < 2
        self.ids.table.bind(on_tap=lambda _b, key: self.pick(key), size=lambda *_: self.refresh())
        self.ids.drawn.bind(size=lambda *_: self.refresh())
        self.ids.big.bind(size=lambda *_: self.refresh())
        self.ids.points.bind(on_tap=lambda _b, key: self.edit_point(key), size=lambda *_: self.refresh())

    # -- the clock ---------------------------------------------------------------------

    def remaining(self) -> float:
        ws = self.app.workshop
        return self.cards.remaining_seconds(ws.session) if ws is not None else 0.0

    def tick(self, now: float):
        """The flip comes from the step's timer: look at each tick whether it is due."""
        if self.get_root_window() is None or self.app.workshop is None:
            return
        if self.cards.flipped(self.remaining()) != self.flipped:
            self.refresh()

    # -- drawing from the core -------------------------------------------------------------

    def refresh(self):
        if self.app.workshop is None:
            return
        c, s = self.cards, self.app.s
        self.flipped = c.flipped(self.remaining())
        left = c.remaining()
        drawn = c.drawn()
        title = escape_markup(c.deck.get("title", ""))
        self.deck_text = (tr("Theme: {title}").format(title=title)
                          + ("  " + sym("▼") if len(c.decks) > 1 else ""))
        pile = self.ids.pile
        pile.count = len(left)
        pile.enabled = bool(left) and not self.flipped
        pile.label = tr("{n} cards").format(n=len(left)) if left else tr("No cards left")
        turn = c.turn()
        self.turn_text = tr("Person {n}'s turn").format(n=turn)
        self.people_text = tr("{n} people").format(n=c.people)
        self.jokers_text = tr("Joker: your own ({n} left)").format(n=c.jokers_left())
        self.ids.joker.disabled = c.jokers_left() == 0
        self.ids.put_back.disabled = not drawn
        self.ids.flip.disabled = self.flipped or not left
        big = self.ids.big
        last = c.last()
        if last is None:
            big.text, big.caption, big.mark = tr("Tap the deck to draw the first card"), "", ""
            big.colour = list(theme.PANEL_HI)
        else:
            style = self.styles[last.kind]
            font = (32 if self.flipped else 50) * s
            room = (big.width - 120 * s, big.height - (big.foot + 20) * s)
            big.text = fit_text(last.text, room[0], room[1], font, bold=True) if min(room) > 0 else last.text
            big.mark, big.colour = style.mark, list(style.colour)
            big.caption = tr("Card {n} · drawn by person {p}").format(
                n=len(drawn), p=(len(drawn) - 1) % c.people + 1)
        if self.flipped:
            self.hint = (tr("The cards are face up: person {n}, tap the one you pick and say why").format(n=turn)
                         if left else tr("All cards are drawn. Write the attention points down."))
        else:
            self.hint = (tr("Person {n}: tap the deck, read the card aloud and say what you think").format(n=turn)
                         if left else tr("All cards are drawn. Write the attention points down."))
        # the face-up table (only after the flip)
        table = self.ids.table
        table.scale = s
        if self.flipped and left:
            rects, covered = fit_grid(len(left), (0, 0, table.width, table.height), s)
            cols = len({r[0] for r in rects}) or 1
            table.set_cards([Card(key=f"i{i}", text=c.text(i), rect=r, colour=CARD_COLOUR, mark="▲",
                                  draggable=False, text_h=covered if n + cols < len(left) else None)
                             for n, (i, r) in enumerate(zip(left, rects))])
        else:
            table.set_cards([])
        # the drawn cards so far, newest last
        strip = self.ids.drawn
        strip.scale = s
        w, gap = 270 * s, 10 * s
        fits = max(1, int((strip.width + gap) // (w + gap)))
        recent = drawn[-fits:]  # the newest that fit at a readable size; all are on the wall
        strip.set_cards([self._note_card(n, (i * (w + gap), 0, w, strip.height))
                         for i, n in enumerate(recent)])
        points = c.points()
        board = self.ids.points
        board.scale = s
        rects = note_grid(len(points), (0, 0, board.width, board.height), s, card=(board.width / s, 100), gap=10)
        board.set_cards([self._note_card(n, r) for n, r in zip(points, rects)])

    def _note_card(self, note, rect, **kw) -> Card:
        style = style_of(self.styles, note.kind)
        return Card(key=note.key, text=note.text, rect=rect, colour=style.colour, mark=style.mark,
                    draggable=False, **kw)

    # -- intents -------------------------------------------------------------------------

    def _act(self, intent, *args, undo=None, **kw):
        return self.app.act(intent, *args, undo=undo or self.wall, **kw)

    def draw(self):
        self._act(self.cards.draw, self.remaining())

    def pick(self, key: str):
        if not key.startswith("i") or not key[1:].isdigit():
            return
        self._act(self.cards.draw, self.remaining(), int(key[1:]))

    def put_back(self):
        last = self.cards.last()
        if last is not None:
            self._act(self.cards.put_back, last.id)

    def flip_now(self):
        self.app.confirm(tr("Turn all the remaining cards face up now, so each person can pick one?"),
                         tr("Turn face up"), lambda: self._act(self.cards.flip_now, undo=self.cards),
                         face=theme.GO)  # a way on (and undoable): vermillion is for ending and deleting

    def people(self, by: int):
        self._act(self.cards.set_people, self.cards.people + by, undo=self.cards)

    def open_decks(self):
        """The themes as big buttons in a panel: chosen once, so it need not take room on the wall."""
        self.chooser = DeckChooser()
        self.deck_buttons = {}
        s = self.app.s
        for deck in self.cards.decks:
            on = deck["id"] == self.cards.state.deck
            title = escape_markup(deck["title"])
            b = KButton(text=f"{sym('▶')} {title}" if on else title, markup=True, size_hint_y=1,
                        face=theme.ACCENT_DARK if on else theme.PANEL_HI, font_size=36 * s)
            b.deck = deck["id"]
            b.bind(on_release=lambda btn: self.choose_deck(btn.deck))
            self.deck_buttons[deck["id"]] = b
            self.chooser.ids.grid.add_widget(b)
        self.chooser.open()

    def choose_deck(self, deck_id: str):
        if self.chooser is not None:
            self.chooser.dismiss()
        self._act(self.cards.choose_deck, deck_id, undo=self.cards)

    def joker(self):
        self.composer = Composer(on_save=lambda text: self._act(self.cards.joker, text) is not FAILED,
                                 title=tr("Joker: the statement you miss"), limit=NOTE_MAX,
                                 colour=self.STYLES[JOKER_KIND].colour)
        self.composer.open()

    def add_point(self):
        self.composer = Composer(on_save=lambda text: self._act(self.cards.point, text) is not FAILED,
                                 title=tr("Attention point"), limit=NOTE_MAX, colour=theme.NOTE_YELLOW)
        self.composer.open()

    def edit_point(self, key: str):
        wall = self.wall
        note = wall.item(key)
        self.composer = Composer(
            on_save=lambda text: self._act(wall.edit_text, note.id, text) is not FAILED,
            on_delete=lambda: self._act(wall.delete_note, note.id) is not FAILED,
            text=note.text, title=tr("Attention point"), limit=NOTE_MAX, colour=theme.NOTE_YELLOW)
        self.composer.open()


View = CardsView
