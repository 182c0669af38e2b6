"""What the workshop screen may ask of an activity's widget: the written contract.

Every ``View`` in ``kiosk/ui/activities/`` subclasses ``ActivityView``. The workshop
screen builds one for the current step (``kiosk.ui.activities.view_for``) and then
only uses what is declared here:

* ``step`` and ``workshop``: given when it is built (the method's step, the
  running ``kiosk.core.workshop.Workshop``); ``app`` is the running app.
* ``wide``: the view needs the room (the wall): the timer column narrows.
* ``refresh()``: redraw from the core. Called after every committed change
  (``app.act``), an undo included, while the step stays on screen.
* ``tick(now)``: called by the app's one clock tick (five times a second) while the
  view is on screen; ``now`` is the step timer's steady clock. A view that counts
  time (rounds, the cards' flip) looks here; it never starts a Clock of its own.
* ``STYLES``: the looks (``kiosk.ui.widgets.cards.Style``) of the note kinds the
  activity makes itself (a cards step's statement cards, jokers and points), so
  they look the same in every later step (``kind_styles``).

``WallView`` is the base of the views that work on the wall of notes: they need the
room, and the looks of every kind (``styles``).
"""

from __future__ import annotations

from functools import wraps
from typing import Mapping

from kivy.app import App
from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.activities import declared_kinds, kind_marks
from kiosk.core.lanes import MIN_LANE
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.later import running_app
from kiosk.ui.widgets.cards import COLOURS, Style


def _while_shown(refresh):
    @wraps(refresh)
    def run(self, *args, **kw):
        if self.gone or running_app() is None:
            return None
        return refresh(self, *args, **kw)

    return run


class ActivityView(BoxLayout):
    """One step's tool on the workshop screen (see the module's contract)."""

    step = ObjectProperty(None)
    workshop = ObjectProperty(None, allownone=True)
    wide = False
    """True: the view needs the room, the timer column narrows."""
    STYLES: Mapping[str, Style] = {}
    """The looks of the note kinds this activity makes itself (titles marked with ``N_``)."""
    LANES = False
    """In a table-group step (``Step.groups``) the screen shows one of it per table, each
    with its ``lane`` set (``kiosk.ui.activities.lanes``); False: one for the room."""
    LANE_MIN = MIN_LANE
    """The narrowest lane (px at 1080p) it reads in from 3 m; narrower lanes go behind tabs."""
    lane = ObjectProperty(..., allownone=True)
    """The table group it shows (``kiosk.core.lanes``): a table's number, None for the room's
    lane before the room was split, ``...`` (the default) every lane at once: a step the
    room runs together, such as the plenary after the tables."""

    gone = False
    """Set when the workshop screen takes the view off for good (``kiosk.ui.later.let_go``):
    its kv rules still follow ``app.s`` and its size bindings still fire, but it no longer
    draws, since the step and the workshop it was made for may be gone."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.app = App.get_running_app()

    def __init_subclass__(cls, **kw):
        """Every view's own ``refresh`` (called by its size bindings, the screen, the
        clock) does nothing once the view is gone or the app has stopped."""
        super().__init_subclass__(**kw)
        if "refresh" in cls.__dict__:
            cls.refresh = _while_shown(cls.__dict__["refresh"])

    def refresh(self) -> None:
        """Redraw from the core after a change; a view that draws only its step's fixed text has nothing to do."""

    def tick(self, now: float) -> None:
        """The app's clock tick while the view is on screen; most views have nothing to count."""

    @property
    def in_lane(self) -> dict:
        """The wall's filter for this view's lane (``group=``), or none in a room-wide step."""
        return {} if self.lane is ... else {"group": self.lane}


class WallView(ActivityView):
    """The base of every activity that works on the wall: it needs the room, and the notes' looks."""

    wide = True

    def __init__(self, **kw):
        super().__init__(**kw)
        self.styles = kind_styles(self.workshop.session.method)

    @property
    def wall(self):
        return self.app.wall()


def kind_styles(method) -> dict[str, Style]:
    """kind id → its look, from every write step of the method and the activities that
    make notes of their own.

    Each kind carries its mark (``kiosk.core.activities.kind_marks``: '+', '−', '♦' …),
    so it reads without colour.
    """
    out: dict[str, Style] = {}
    marks = kind_marks(method.steps)
    for _, kind in declared_kinds(method.steps):
        if kind["id"] in out:
            continue
        out[kind["id"]] = Style(COLOURS.get(kind.get("colour"), theme.NOTE_YELLOW), marks[kind["id"]],
                                kind.get("title") or kind["id"])
    return {**_made_by_activities(method), **out}


def _made_by_activities(method) -> dict[str, Style]:
    """The looks of notes an activity makes itself, from its view's ``STYLES`` (the view
    module is found through the core registry, so this base never imports the package
    that chooses views: that one imports the lanes, which build on this base)."""
    import importlib

    from kiosk.core import activities

    out: dict[str, Style] = {}
    for activity in dict.fromkeys(s.activity for s in method.steps):
        try:
            module = activities.get(activity).view_module
        except KeyError:
            continue
        for kind, style in importlib.import_module(module).View.STYLES.items():
            out.setdefault(kind, Style(style.colour, style.mark, tr(style.title)))
    return out
