"""A day picked with the fingers, no typing: the action plan's follow-up and review
dates and the day of a method's next meeting (DESIGN.md §6: no keyboard for a date)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Optional

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.i18n import N_, tr
from kiosk.ui.widgets import sym

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

WARN = "⚠"
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
          N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))


def long_day(day: date) -> str:
    """'Friday 22 January 2027', in the UI language (first letter capital)."""
    text = tr("{weekday} {day} {month} {year}").format(
        weekday=tr(WEEKDAYS[day.weekday()]), day=day.day, month=tr(MONTHS[day.month - 1]), year=day.year)
    return text[:1].upper() + text[1:]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), kept inside a shorter month (31 Jan + 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, date.min.year), date.max.year)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class DatePicker(ModalView):
    """A day picked with the fingers: −/+ for day, month and year, and shortcuts.

    ``on_save(iso or None)`` decides (the plan refuses a past day with a message);
    when it returns False the picker stays open with the day kept. ``allow_clear``
    offers "No date" (saves None).
    """

    title = StringProperty("")
    day_text = StringProperty("")
    past = BooleanProperty(False)
    relative = StringProperty("")
    """'Today', 'Tomorrow', 'In 7 days', '1 day ago': a day that has passed shows before Save."""
    day = StringProperty("")
    month = StringProperty("")
    year = StringProperty("")
    allow_clear = BooleanProperty(True)
    message = StringProperty("")
    """Why the last Save was refused ('' when it was not)."""

    def __init__(self, on_save: Callable[[Optional[str]], object], value: Optional[str], today_: date, **kw):
        super().__init__(**kw)
        self._on_save = on_save
        self.today = today_
        try:
            self.value = date.fromisoformat(value) if value else today_
        except ValueError:
            self.value = today_
        self._show()

    def _show(self):
        v = self.value
        self.day_text = long_day(v)
        n = (v - self.today).days
        self.past = n < 0
        if n == 0:
            self.relative = tr("Today")
        elif n == 1:
            self.relative = tr("Tomorrow")
        elif n > 1:
            self.relative = tr("In {n} days").format(n=n)
        else:
            self.relative = f"{sym(WARN)} " + (tr("Yesterday") if n == -1 else tr("{n} days ago").format(n=-n))
        self.day, self.month, self.year = str(v.day), tr(MONTHS[v.month - 1]), str(v.year)

    def set(self, value: date):
        self.value = value
        self.message = ""
        self._show()

    def step(self, part: str, by: int):
        v = self.value
        try:
            if part == "day":
                self.set(v + timedelta(days=by))
            elif part == "month":
                self.set(add_months(v, by))
            else:
                self.set(add_months(v, 12 * by))
        except OverflowError:
            pass  # the calendar's ends: nothing to step to

    def shortcut(self, which: str):
        t = self.today
        self.set({"today": t, "week": t + timedelta(days=7), "month": add_months(t, 1)}[which])

    @property
    def iso(self) -> str:
        return self.value.isoformat()

    def save(self, clear: bool = False):
        if self._on_save(None if clear else self.iso) is not False:
            self.dismiss()
            return
        app = App.get_running_app()  # refused: say why here too, the banner is behind the picker
        self.message = app.notice if app.notice_kind == "error" else ""
