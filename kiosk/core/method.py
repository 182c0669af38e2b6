"""A method: an ordered list of steps, each running one activity with parameters.

Methods are data (``methods/*.toml``, read by ``kiosk.core.loader``). A session keeps
a snapshot of its method (``to_dict``), so editing a file never breaks a workshop
that already runs on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .record import Record, once

DECIDERS = ("workshop", "ansvarsgruppe", "trio", "med", "amo", "leader")
"""Who decides a method's actions: the workshop itself (they are agreed at once), or the
body they are proposed to (the responsible group, the TRIO, the MED committee, the work
environment organisation, the leader), which decides later at the kiosk."""
TABLE_MAX = 12
"""The largest table group a method may name; a guide's groups are 2–8."""


@dataclass(frozen=True)
class Step(Record):
    """One step of a method: an activity with its parameters (a session keeps it in its snapshot)."""

    id: str
    """Unique within the method; used as the key for the step's timer and facets."""
    title: str
    minutes: float
    activity: str
    """The name of a registered activity (kiosk.core.activities.names())."""
    phase: str = ""
    """The agenda point the step belongs to; consecutive steps with one phase form one point."""
    meeting: int = 1
    prompts: tuple[str, ...] = ()
    """What the group does now, shown big on the screen."""
    rules: tuple[str, ...] = ()
    """Ground rules, shown beside the prompts where the guide has them."""
    params: dict[str, Any] = field(default_factory=dict)
    """The activity's parameters (columns, budget, axes …), validated against its ``Activity.params``."""
    optional: bool = False
    groups: bool = field(default=False, metadata=once())
    """It runs in table groups: each group's notes, clusters, votes and sort stay in its lane."""
    record: str = field(default="", metadata=once())
    """It asks for minutes under this heading (the referent types the step's key points)."""
    recall: tuple[str, ...] = field(default=(), metadata=once())
    """Earlier steps whose minutes it shows again (the round-off returns to the expectations)."""
    facilitator: dict[str, Any] = field(default_factory=dict, metadata=once())
    """Facilitator-only notes: purpose, say, tips, pitfalls. Never shown to the group or exported."""


@dataclass(frozen=True)
class Phase:
    """One agenda point: consecutive steps that share a phase title."""

    title: str
    meeting: int
    steps: tuple[Step, ...]

    @property
    def minutes(self) -> float:
        return sum(s.minutes for s in self.steps)


@dataclass(frozen=True)
class Method:
    id: str
    title: str
    language: str
    """'da', 'nb' or 'en': the method's text is shown as written."""
    steps: tuple[Step, ...]
    summary: str = ""
    """One line on when to use it (the method picker shows it)."""
    source: str = ""
    """The guide it paraphrases, named."""
    group_size: str = ""
    meetings: int = 1
    when: dict[str, str] = field(default_factory=dict)
    """One line per UI language ('da', 'nb', 'en') on when to use the method (the picker)."""
    path: str = field(default="", compare=False)
    """The file it came from ('' for a snapshot); not part of what the method is."""
    table_size: tuple[int, ...] = ()
    """(least, most) people in a table group; () when the method does not split the room."""
    decided_by: str = DECIDERS[0]
    """Who decides its actions (``DECIDERS``): 'workshop' agrees them at once."""
    facilitator: dict[str, Any] = field(default_factory=dict)
    """What the process owner prepares (roles, prepare, materials, room, safety); never exported."""

    @property
    def minutes(self) -> float:
        return sum(s.minutes for s in self.steps)

    def when_for(self, lang: str) -> str:
        """The when-to-use line for a screen in ``lang``: that language's line, else the
        method's own language's, else the summary."""
        return self.when.get(lang) or self.when.get(self.language) or self.summary

    def step_index(self, step_id: str) -> int:
        for i, s in enumerate(self.steps):
            if s.id == step_id:
                return i
        raise KeyError(step_id)

    def phases(self) -> list[Phase]:
        out: list[Phase] = []
        for s in self.steps:
            title = s.phase or s.title
            if out and out[-1].title == title and out[-1].meeting == s.meeting:
                last = out[-1]
                out[-1] = Phase(last.title, last.meeting, last.steps + (s,))
            else:
                out.append(Phase(title, s.meeting, (s,)))
        return out

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "language": self.language,
            "summary": self.summary, "source": self.source, "group_size": self.group_size,
            "meetings": self.meetings, "when": dict(self.when),
            "steps": [s.to_dict() for s in self.steps],
            "table_size": list(self.table_size), "decided_by": self.decided_by,
            "facilitator": dict(self.facilitator),
        }

    @classmethod
    def from_dict(cls, d: dict, path: str = "") -> Method:
        return cls(
            id=d["id"], title=d["title"], language=d.get("language", "en"),
            steps=tuple(Step.from_dict(s) for s in d["steps"]),
            summary=d.get("summary", ""), source=d.get("source", ""),
            group_size=d.get("group_size", ""), meetings=int(d.get("meetings", 1)),
            when=_when(d.get("when")), path=path,
            table_size=_pair(d.get("table_size")),
            decided_by=d.get("decided_by") if d.get("decided_by") in DECIDERS else DECIDERS[0],
            facilitator=d.get("facilitator") if isinstance(d.get("facilitator"), dict) else {},
        )


def _pair(value) -> tuple[int, ...]:
    """A stored table size: two whole numbers from 1 up, least first; else none."""
    if (isinstance(value, list) and len(value) == 2 and all(isinstance(x, int) and not isinstance(x, bool)
                                                            and 1 <= x <= TABLE_MAX for x in value)
            and value[0] <= value[1]):
        return (value[0], value[1])
    return ()


def _when(value) -> dict[str, str]:
    """The when-lines of a stored snapshot; anything else than a table of texts is dropped."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str) and v}
