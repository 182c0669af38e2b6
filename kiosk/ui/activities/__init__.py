"""The activity widgets: one ``View`` per activity, found through the core's registry.

One activity = one core module (``kiosk.core.activities``) + one widget (+ its kv
beside it). The registry names each activity's view module (``Activity.view_module``),
so nothing here lists the activities.
"""

from __future__ import annotations

import importlib

from kiosk.core import activities

FALLBACK = "talk"
"""The view of a step whose activity is not registered (a resumed session's method
names an activity this kiosk no longer has): its prompts and the timer still run."""


def view_class(activity: str):
    """The activity's ``View`` class (an ``ActivityView``), from the module the registry names."""
    try:
        spec = activities.get(activity)
    except KeyError:
        spec = activities.get(FALLBACK)
    return importlib.import_module(spec.view_module).View


def view_for(step, workshop):
    """A fresh widget for the step; a table-group step of an activity that runs in lanes
    gets one of it per table (``kiosk.ui.activities.lanes``)."""
    cls = view_class(step.activity)
    if getattr(step, "groups", False) and cls.LANES:
        from kiosk.ui.activities.lanes import LanesView

        return LanesView(cls, step=step, workshop=workshop)
    return cls(step=step, workshop=workshop)
