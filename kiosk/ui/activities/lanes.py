"""A table-group step on the wall: one lane per table, side by side, or tabs.

A step with ``groups = true`` whose activity runs in lanes (its view's ``LANES``) is
shown as one view of that activity per table, each with its ``lane`` set, so each
table's notes, stacks, sort columns, puzzle, marks and vote stay its own. Whether the
lanes stand side by side or behind a tab per table is the core's rule
(``kiosk.core.lanes.layout``): a lane narrower than its activity reads at 3 m
(``LANE_MIN``) helps no table.

A room never split into tables gets one lane for everyone and a line that says how to
split (a one-tap count-off into the method's table size, or People on the workshop screen). A table
nobody sits at is a lane that says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.lanes import ROOM, Layout, lane_title, lanes, layout
from kiosk.i18n import tr
from kiosk.ui.activities.base import ActivityView
from kiosk.ui.later import let_go

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class Lane(BoxLayout):
    """One table's lane: its title, and the activity's view (or why it is empty)."""

    title = StringProperty("")
    empty = StringProperty("")
    """Why the lane has no view ('' when it has one): nobody sits at this table."""


class LanesView(ActivityView):
    """The step's activity once per table (see the module)."""

    wide = True
    notice = StringProperty("")
    """The line over the lanes: how many tables, or how to split a room never split."""
    can_split = BooleanProperty(False)
    tabs = ListProperty([])
    """The tab titles when the lanes go behind tabs ([] side by side)."""
    tab = NumericProperty(0)
    """The tab shown (an index into the lanes)."""

    def __init__(self, view_class, **kw):
        super().__init__(**kw)
        self.view_class = view_class
        self.views: dict[Optional[int], ActivityView] = {}
        """Each lane's view, kept while the step is on screen (a tab flip keeps its state)."""
        self._built: tuple = ()
        self.ids.body.bind(size=lambda *_: self.refresh())

    # -- what is there -----------------------------------------------------------------

    def people(self):
        return self.app.people()

    def lanes(self) -> list[Optional[int]]:
        people = self.people()
        return lanes(people.tables if people is not None else 0)

    def fit(self, count: int) -> Layout:
        return layout(self.ids.body.width, count, self.app.s, self.view_class.LANE_MIN)

    def view_of(self, group: Optional[int]) -> ActivityView:
        view = self.views.get(group)
        if view is None:
            view = self.views[group] = self.view_class(step=self.step, workshop=self.workshop, lane=group)
        return view

    # -- drawing -----------------------------------------------------------------------

    def refresh(self):
        if self.ids.body.width <= 1:
            return
        groups = self.lanes()
        fit = self.fit(len(groups))
        self.tab = min(self.tab, len(groups) - 1)
        shown = [groups[self.tab]] if fit.tabs else groups
        people = self.people()
        members = {g: (people.members(g) if people is not None and g is not ROOM else None) for g in groups}
        key = (tuple(groups), tuple(shown), tuple(len(m or ()) for m in members.values()))
        self._say(groups, people)
        if key == self._built:
            for g in shown:
                if g in self.views:
                    self.views[g].refresh()
            return
        self._built = key
        self.tabs = [self._title(g, members[g]) for g in groups] if fit.tabs else []
        body = self.ids.body
        for lane in list(body.children):
            for child in list(lane.ids.holder.children):
                lane.ids.holder.remove_widget(child)  # the views stay, for the next flip
            body.remove_widget(lane)
        for g in set(self.views) - set(groups):  # a table gone (the room split again)
            let_go(self.views.pop(g))
        for g in shown:
            nobody = members[g] is not None and not members[g]
            # the room's one lane needs no title: the line above says it is everyone's
            lane = Lane(title="" if g is ROOM else self._title(g, members[g]),
                        empty=tr("Nobody sits at this table. Tap People to move someone here.") if nobody else "")
            if not nobody:
                lane.ids.holder.add_widget(self.view_of(g))
            body.add_widget(lane)

    def on_tabs(self, *_):
        self._draw_tabs()

    def on_tab(self, *_):
        self._draw_tabs()

    def _draw_tabs(self):
        """A finger-sized tab per table; the shown one is marked by a frame colour and '▶'."""
        from kivy.utils import escape_markup

        from kiosk.ui import theme
        from kiosk.ui.widgets import KButton, sym

        bar = self.ids.tabbar
        bar.clear_widgets()
        for i, title in enumerate(self.tabs):
            here = i == self.tab
            button = KButton(text=(sym("▶") + " " if here else "") + escape_markup(title.split("  ·  ")[0]),
                             markup=True, face=theme.ACCENT_DARK if here else theme.PANEL_HI)
            button.bind(on_release=lambda _b, i=i: self.show_tab(i))
            bar.add_widget(button)

    def _title(self, group: Optional[int], members) -> str:
        title = lane_title(group, tr)
        if members is None:
            return title
        n = len(members)
        return f"{title}  ·  " + (tr("1 person") if n == 1 else tr("{n} people").format(n=n))

    def _say(self, groups, people) -> None:
        split = people is not None and people.tables > 0
        self.can_split = not split
        if split:
            hint = getattr(self.view_class, "LANE_HINT", "")
            # what to do, said once for all the lanes (whose titles name the tables)
            self.notice = tr(hint) if hint else tr("{n} tables, each in its own lane").format(n=len(groups))
        elif people is None or len(people) == 0:
            self.notice = tr("This step runs in table groups. Tap People and say how many are here, then split into tables.")
        else:
            self.notice = tr("This step runs in table groups, but the room is not split yet: one lane for everyone.")

    _gone = False

    @property
    def gone(self) -> bool:
        return self._gone

    @gone.setter
    def gone(self, value: bool) -> None:
        """The step left (``kiosk.ui.later.let_go``): every lane's view draws no more, also
        the ones behind a tab, which are not in the widget tree."""
        self._gone = value
        for view in self.views.values():
            view.gone = value

    def tick(self, now: float) -> None:
        for view in self.views.values():
            if view.parent is not None:
                view.tick(now)

    # -- intents -----------------------------------------------------------------------

    def show_tab(self, index: int):
        self.tab = index
        self.refresh()

    def split(self):
        """The count-off in one tap: the people here in tables of the method's size
        (refused with the reason when nobody is counted yet)."""
        people = self.people()
        if people is None:
            return
        size = tuple(self.workshop.session.method.table_size or ())
        self.app.act(people.split, size=size, undo=people)
