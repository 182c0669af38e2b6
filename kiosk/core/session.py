"""A session: one team's run of one method, with a timer per step.

The session is an immutable value: every intent (pause, add time, next step) gives a
new session, which the workshop stores before the screen shows it. That keeps
"persist, then show" and undo trivial.

A method may have several meetings, weeks apart (dialogverksted, APU: ``meeting = 2``
on the later steps). Next and Previous stay inside the current meeting; at its last
step the group ends the meeting (``end_meeting``): the session then waits
(status "between") at the first step of the next meeting, and ``continue_meeting``
opens it again on the same wall, with that meeting's timers fresh.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace

from .method import Method, Step
from .refusal import Refusal
from .timer import Timer

TEAM_MAX = 60
"""A team name is a label on the board, not a paragraph."""

RUNNING, BETWEEN, FINISHED = "running", "between", "finished"
"""A session's status: the workshop is on; it waits for its next meeting; it is over."""


class SessionError(Refusal):
    """An intent the rules refuse; str(e) is a plain reason for the screen."""


def clean_team(name: str) -> str:
    """The team name as stored: trimmed, single-spaced, bounded."""
    text = " ".join((name or "").split())
    if not text:
        raise SessionError("team_empty")
    if len(text) > TEAM_MAX:
        raise SessionError("team_long")
    return text


def new_session_id(now: float) -> str:
    """Sortable by date, unguessable enough to be a file name nobody collides with."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + "-" + secrets.token_hex(3)


@dataclass(frozen=True)
class Session:
    id: str
    method: Method
    team: str
    created_at: float
    step_index: int = 0
    timers: dict[str, Timer] = field(default_factory=dict)
    """One timer per step id; planned from the step's minutes, adjustable before and during."""
    status: str = RUNNING
    """'running' while the workshop is on, 'between' while it waits for its next meeting,
    'finished' after the round-off."""
    lang: str = ""

    @classmethod
    def create(cls, method: Method, team: str, now: float, lang: str = "") -> Session:
        timers = {s.id: Timer(planned=s.minutes * 60.0) for s in method.steps}
        return cls(id=new_session_id(now), method=method, team=clean_team(team),
                   created_at=now, timers=timers, lang=lang or method.language)

    # -- reading -------------------------------------------------------------

    @property
    def step(self) -> Step:
        return self.method.steps[self.step_index]

    @property
    def timer(self) -> Timer:
        return self.timers[self.step.id]

    @property
    def meeting(self) -> int:
        return self.step.meeting

    @property
    def meetings(self) -> int:
        """How many meetings the method's steps name (1 for most methods)."""
        return max(s.meeting for s in self.method.steps)

    @property
    def meeting_ends_here(self) -> bool:
        """The current step is its meeting's last and a later meeting follows."""
        i = self.step_index
        return i < len(self.method.steps) - 1 and self.method.steps[i + 1].meeting != self.meeting

    @property
    def meeting_starts_here(self) -> bool:
        """The current step is the first of a later meeting (Previous stops here)."""
        i = self.step_index
        return i > 0 and self.method.steps[i - 1].meeting != self.meeting

    @property
    def is_first(self) -> bool:
        return self.step_index == 0

    @property
    def is_last(self) -> bool:
        return self.step_index == len(self.method.steps) - 1

    def planned_end(self, now: float) -> float:
        """When this meeting ends if the rest runs as planned from now on.

        The current step counts what is left of it (nothing once over time); every
        later step of the same meeting counts its full length with adjustments.
        """
        end = self.timer.ends_at(now)
        for s in self.method.steps[self.step_index + 1:]:
            if s.meeting == self.meeting:
                end += self.timers[s.id].length
        return end

    # -- intents -------------------------------------------------------------

    def _with_timer(self, timer: Timer) -> Session:
        return replace(self, timers={**self.timers, self.step.id: timer})

    def toggle(self, now: float) -> Session:
        return self._with_timer(self.timer.toggle(now))

    def add_minutes(self, minutes: float) -> Session:
        return self._with_timer(self.timer.add(minutes * 60.0))

    def set_minutes(self, step_id: str, minutes: float) -> Session:
        """Shorten or lengthen a step before it starts (the agenda recomputes)."""
        if not 0 < minutes <= 600:
            raise SessionError("minutes_range")
        timer = self.timers[step_id]
        return replace(self, timers={**self.timers, step_id: replace(timer, planned=minutes * 60.0)})

    def go_to(self, index: int, now: float) -> Session:
        """Move to a step; a running timer hands over to the step moved to."""
        if not 0 <= index < len(self.method.steps):
            raise SessionError("no_such_step")
        if index == self.step_index:
            return self
        was_running = self.timer.running
        here = self._with_timer(self.timer.pause(now))
        there = replace(here, step_index=index)
        return there._with_timer(there.timer.start(now)) if was_running else there

    def next(self, now: float) -> Session:
        if self.is_last:
            raise SessionError("last_step")
        if self.meeting_ends_here:
            raise SessionError("meeting_end")  # the meeting ends with end_meeting, not Next
        return self.go_to(self.step_index + 1, now)

    def previous(self, now: float) -> Session:
        if self.is_first:
            raise SessionError("first_step")
        if self.meeting_starts_here:
            raise SessionError("meeting_start")  # the last meeting is over; its wall is here
        return self.go_to(self.step_index - 1, now)

    def end_meeting(self, now: float) -> Session:
        """End this meeting at its last step: the timer stops and the session waits at
        the first step of the next meeting. Refuses 'not_running', 'not_meeting_end'."""
        if self.status != RUNNING:
            raise SessionError("not_running")
        if not self.meeting_ends_here:
            raise SessionError("not_meeting_end")
        paused = self._with_timer(self.timer.pause(now))
        return replace(paused, step_index=self.step_index + 1, status=BETWEEN)

    def continue_meeting(self, now: float) -> Session:
        """Open the next meeting of a waiting session: running again, at its first step,
        every timer of this meeting fresh (its planned length and any minutes set before
        kept, nothing run yet). Refuses 'not_waiting'."""
        if self.status != BETWEEN:
            raise SessionError("not_waiting")
        timers = dict(self.timers)
        for s in self.method.steps:
            if s.meeting == self.meeting:
                timers[s.id] = replace(timers[s.id], runs=())
        return replace(self, status=RUNNING, timers=timers)

    def finish(self, now: float) -> Session:
        return replace(self._with_timer(self.timer.pause(now)), status="finished")

    # -- storage -------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "id": self.id, "team": self.team, "created_at": self.created_at,
            "method_id": self.method.id, "method_title": self.method.title,
            "method": self.method.to_dict(), "step_index": self.step_index,
            "timers": {k: t.to_dict() for k, t in self.timers.items()},
            "status": self.status, "lang": self.lang,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Session:
        method = Method.from_dict(d["method"])
        timers = {k: Timer.from_dict(v) for k, v in d.get("timers", {}).items()}
        for s in method.steps:  # a snapshot always has a timer per step
            timers.setdefault(s.id, Timer(planned=s.minutes * 60.0))
        index = min(max(0, int(d.get("step_index", 0))), len(method.steps) - 1)
        return cls(id=d["id"], method=method, team=d["team"], created_at=float(d["created_at"]),
                   step_index=index, timers=timers, status=d.get("status", RUNNING),
                   lang=d.get("lang", method.language))
