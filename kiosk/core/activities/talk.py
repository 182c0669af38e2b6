"""Talk: the group talks with the step's prompts and rules on the wall and the timer
running (DESIGN.md §4). It has no parameters, keeps nothing and refuses nothing: every
step shows its prompts and timer, and a talk step is only that."""

from __future__ import annotations

from . import Activity

ACTIVITY = Activity("talk", order=10)
