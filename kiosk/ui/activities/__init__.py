"""The activity widgets, registered by the activity names of the method files.

One activity = one core module + one widget (+ its kv beside it). A step whose
activity has no widget yet runs as ``talk``: its prompts and the timer, so every
method file can be used today and gains its tool when the widget lands.
"""

from __future__ import annotations

import importlib

# activity name → module under kiosk.ui.activities defining ``View`` (its kv rules name the class itself, e.g. TalkView)
MODULES = {
    "talk": "talk",
    "write": "write", "present": "present", "group": "group",
    "sort": "sort", "vote": "vote", "matrix": "matrix", "actions": "actions",
    "statuspil": "statuspil", "rounds": "rounds", "rate": "rate", "cards": "cards",
    "timeline": "timeline", "signup": "signup", "map": "map",
}


def view_for(step, workshop):
    """A fresh widget for the step (the talk view when the tool is not built yet)."""
    name = MODULES.get(step.activity, "talk")
    try:
        module = importlib.import_module(f"kiosk.ui.activities.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"kiosk.ui.activities.{name}":
            raise  # the module exists but something it imports does not: a real error
        module = importlib.import_module("kiosk.ui.activities.talk")
    return module.View(step=step, workshop=workshop)
