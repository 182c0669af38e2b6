"""Clock callbacks and layout reactions that outlive nothing.

A screen or a view often does its work a frame later (a layout pass, a fit once the
sizes settle, a snap after a glide). By then the app may have stopped (its last frame
still runs the clock; a second app in one process), or the widget may have left the
window (the screen was left, the workshop ended and its step's view went). The work
then reads ``App.get_running_app()`` as None, or a workshop that is gone, and raises:
a kiosk left alone for months meets that one day. Everything scheduled by a screen
or a view goes through ``guarded``: it runs only while its app runs and, when an
owner is named, while that owner is still on the window.
"""

from __future__ import annotations

from functools import wraps

from kivy.app import App


def running_app():
    """The app, or None once it stopped (``on_stop`` sets ``_stopped``) or before it ran."""
    app = App.get_running_app()
    if app is None or getattr(app, "_stopped", False):
        return None
    return app


def alive(owner=None) -> bool:
    """The app runs, and ``owner`` (a widget), if given, is on the window: its screen is
    the shown one, its view is still in that screen."""
    if running_app() is None:
        return False
    return owner is None or owner.get_root_window() is not None


def guarded(callback, owner=None):
    """``callback`` that does nothing once its app stopped or ``owner`` left the window."""

    @wraps(callback)
    def run(*args, **kw):
        if alive(owner):
            return callback(*args, **kw)
        return False  # an interval ends

    return run


def let_go(view) -> None:
    """A step's view taken off the screen for good (the step changed, the workshop ended).
    Its kv rules still follow ``app.s`` (a resize lays it out again) and its
    ``size=lambda *_: self.refresh()`` bindings still fire: marked ``gone``, it no longer
    draws (``ActivityView.refresh``), and the layout passes it had scheduled are cancelled."""
    view.gone = True
    for w in view.walk(restrict=True):
        trigger = getattr(w, "_trigger_layout", None)
        if trigger is not None and hasattr(trigger, "cancel"):
            trigger.cancel()
