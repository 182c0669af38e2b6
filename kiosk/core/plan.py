"""The plan before the start: the guide's step lengths, as the facilitator adjusts them.

Before a workshop starts, the facilitator may shorten or lengthen any step and switch
off the steps the method marks ``optional``. A ``Plan`` is an immutable value holding
those choices over the method as its file says (the *guide*); ``method()`` gives the
snapshot the session starts with. The method file is never touched.

Rules (pure, no window):

- a step's length stays between ``bounds(step)``: at least 1 minute (or the guide's own
  length if that is shorter) and at least what the step's activity needs (a minute per
  timed round, more than the minutes before the end at which its cards flip); at most
  3 × the guide's length, capped at 240 minutes (never below the guide's own length);
- a step with timed rounds keeps them fitting: rounds that fill the guide's step grow
  and shrink with it, rounds that leave room shrink only when the step gets shorter
  than they are (each in proportion, to the half minute, none below half a minute);
- − / + change a length by 1 or 5 minutes and stop at a bound rather than refuse;
- only an ``optional`` step can be switched off, and only if the method still holds
  together without it (a later step that works on notes still has a step making them,
  every meeting keeps a step): the same checks the loader runs on a method file;
- totals and the planned end are per meeting (meeting 2 is weeks later).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

from . import activities
from .method import Method, Phase, Step
from .refusal import Refusal

MIN_MINUTES = 1.0
MAX_MINUTES = 240.0
MAX_FACTOR = 3.0
STEP_SIZES = (1, 5)
"""What the − / + buttons change a step by, in minutes."""


class PlanError(Refusal):
    """A change the plan refuses; ``str(e)`` is a reason key for the screen."""


def _problems(method: Method) -> list[tuple[str, str]]:
    """What the loader would find wrong with this method written as a file."""
    from .loader import _check  # the loader's own checks, so a plan never builds what a file could not

    d = method.to_dict()
    head = {k: v for k, v in d.items() if k != "steps" and v not in ("", {}, None, [])}
    return _check({"method": head, "steps": d["steps"]})


@dataclass(frozen=True)
class Plan:
    guide: Method
    """The method as its file says."""
    minutes: Mapping[str, float] = field(default_factory=dict)
    """Planned minutes per step id (every step of the guide)."""
    off: frozenset[str] = frozenset()
    """Optional steps switched off."""
    _floors: dict = field(default_factory=dict, compare=False, repr=False)
    """Each step's shortest length, worked out once per guide (shared by the plan's copies)."""

    @classmethod
    def of(cls, method: Method) -> Plan:
        """The guide's own plan: every step on, at the guide's length."""
        return cls(method, {s.id: s.minutes for s in method.steps})

    # -- reading -----------------------------------------------------------------

    def step(self, step_id: str) -> Step:
        try:
            return self.guide.steps[self.guide.step_index(step_id)]
        except KeyError:
            raise PlanError("no_such_step") from None

    def minutes_of(self, step_id: str) -> float:
        self.step(step_id)
        return self.minutes.get(step_id, self.step(step_id).minutes)

    def planned_step(self, step_id: str) -> Step:
        """The step as the session will run it (its length, its rounds fitted)."""
        return _planned(self.step(step_id), self.minutes_of(step_id))

    def is_on(self, step_id: str) -> bool:
        return step_id not in self.off

    def bounds(self, step_id: str) -> tuple[float, float]:
        """(shortest, longest) minutes this step may be planned at."""
        s = self.step(step_id)
        guide = s.minutes
        hi = max(guide, min(MAX_MINUTES, MAX_FACTOR * guide))
        if step_id not in self._floors:
            shortest = activities.get(s.activity).shortest
            if shortest is not None:  # e.g. timed rounds shrink with the step, each to a floor
                need = max(MIN_MINUTES, shortest(s.params))
            else:  # the activity's own checks, e.g. cards must flip before the end
                need = MIN_MINUTES
                while need < guide and activities.validate_params(s.activity, s.params, need):
                    need += 1
            self._floors[step_id] = min(guide, need)
        return (self._floors[step_id], hi)

    def total(self, meeting: int | None = None) -> float:
        """Planned minutes of the steps that are on (of one meeting, or all)."""
        return sum(self.minutes_of(s.id) for s in self.guide.steps
                   if self.is_on(s.id) and (meeting is None or s.meeting == meeting))

    def guide_total(self, meeting: int | None = None) -> float:
        return sum(s.minutes for s in self.guide.steps if meeting is None or s.meeting == meeting)

    def meetings(self) -> list[int]:
        return sorted({s.meeting for s in self.guide.steps})

    def phases(self) -> list[Phase]:
        """The guide's agenda points (every step, also those switched off)."""
        return self.guide.phases()

    def phase_total(self, phase: Phase) -> float:
        return sum(self.minutes_of(s.id) for s in phase.steps if self.is_on(s.id))

    def ends_at(self, start: float, meeting: int = 1) -> float:
        """When a meeting started at ``start`` (epoch seconds) ends as planned."""
        return start + self.total(meeting) * 60.0

    @property
    def changed(self) -> bool:
        return bool(self.off) or any(self.minutes_of(s.id) != s.minutes for s in self.guide.steps)

    def changed_steps(self) -> list[str]:
        """Ids of the steps planned otherwise than the guide says (length or switched off)."""
        return [s.id for s in self.guide.steps
                if s.id in self.off or self.minutes_of(s.id) != s.minutes]

    def can_change(self, step_id: str, delta: float) -> bool:
        return self.is_on(step_id) and self.change(step_id, delta) != self

    # -- changes (each gives a new plan) --------------------------------------------

    def set_minutes(self, step_id: str, minutes: float) -> Plan:
        lo, hi = self.bounds(step_id)
        if not isinstance(minutes, (int, float)) or isinstance(minutes, bool) or not lo <= minutes <= hi:
            raise PlanError("minutes_range")
        if not self.is_on(step_id):
            raise PlanError("step_off")
        return replace(self, minutes={**self.minutes, step_id: float(minutes)})

    def change(self, step_id: str, delta: float) -> Plan:
        """Shorten (−) or lengthen (+) a step; stops at its bounds instead of refusing."""
        lo, hi = self.bounds(step_id)
        if not self.is_on(step_id):
            raise PlanError("step_off")
        now = self.minutes_of(step_id)
        new = min(hi, max(lo, now + delta))
        return self if new == now else self.set_minutes(step_id, new)

    def switch(self, step_id: str, on: bool) -> Plan:
        """Switch an optional step on or off."""
        s = self.step(step_id)
        if on:
            return replace(self, off=self.off - {step_id}) if step_id in self.off else self
        if not s.optional:
            raise PlanError("not_optional")
        if step_id in self.off:
            return self
        after = replace(self, off=self.off | {step_id})
        if len(_problems(after.method())) > len(_problems(self.method())):
            raise PlanError("step_needed")  # a later step needs what this one makes
        return after

    def reset(self) -> Plan:
        """Back to the guide's times, every step on."""
        return Plan(self.guide, {s.id: s.minutes for s in self.guide.steps}, _floors=self._floors)

    # -- a draft kept over a walk-away or a power cut -------------------------------------

    def to_draft(self) -> dict:
        """Only what differs from the guide, so a changed method file still applies."""
        return {"minutes": {sid: self.minutes_of(sid) for sid in self.changed_steps() if sid not in self.off},
                "off": sorted(self.off)}

    def with_draft(self, draft: dict) -> Plan:
        """This plan with a stored draft applied, change by change; a change the method
        no longer allows (a step gone, new bounds) is left out, never an error."""
        plan = self
        for sid in draft.get("off") or ():
            try:
                plan = plan.switch(sid, False)
            except (PlanError, TypeError):
                pass
        minutes = draft.get("minutes")
        for sid, m in (minutes.items() if isinstance(minutes, dict) else ()):
            try:
                plan = plan.set_minutes(sid, m)
            except (PlanError, TypeError):
                pass
        return plan

    # -- the snapshot the session starts with -----------------------------------------

    def method(self) -> Method:
        """The guide with the planned lengths and without the steps switched off."""
        steps = tuple(_planned(s, self.minutes_of(s.id)) for s in self.guide.steps if self.is_on(s.id))
        return replace(self.guide, steps=steps, path="")


DRAFT_HOURS = 12
"""A draft older than this is a different day's meeting: the team screen starts clean."""


def draft_for(stored, method_id: str, now: float) -> dict | None:
    """The stored draft ({"method", "team", "minutes", "off", "at"}) when it is for this
    method and fresh, else None. Anything malformed counts as no draft."""
    if not isinstance(stored, dict) or stored.get("method") != method_id:
        return None
    at = stored.get("at")
    if not isinstance(at, (int, float)) or isinstance(at, bool) or not 0 <= now - at <= DRAFT_HOURS * 3600:
        return None
    if not isinstance(stored.get("team", ""), str):
        return None
    return stored


def _planned(step: Step, minutes: float) -> Step:
    """The step at its planned length, its params fitted to it (timed rounds)."""
    if minutes == step.minutes:
        return step
    planned = replace(step, minutes=minutes)
    fit = activities.get(step.activity).fit
    return planned if fit is None else replace(planned, params=fit(step.params, step.minutes, minutes))
