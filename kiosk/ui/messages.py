"""Plain sentences for what went wrong, in the kiosk's language.

The core and the store say *what* happened (a reason key, an error kind, a path);
this module says it to people, without a traceback. A refusal's message sits beside
the rule that refuses (an activity's ``refusals``, the wall's ``REFUSALS``); the ones
here are the app's own.
"""

from __future__ import annotations

import os
import time

from kiosk.core import activities, minutes, pads, people, wall, wifi
from kiosk.i18n import N_, tr

_REFUSALS = {
    "team_empty": N_("Type the team's name first."),
    "team_long": N_("The team name is too long (at most 60 characters)."),
    "first_step": N_("This is the first step."),
    "last_step": N_("This is the last step. Tap “End workshop” in the menu to finish."),
    "no_such_step": N_("That step does not exist in this method."),
    # a step's length, in the session and on the plan screen (kiosk.core.plan)
    "minutes_range": N_("That is as short or as long as this step can be."),
    "not_optional": N_("The guide does not let this step be left out."),
    "step_needed": N_("A later step needs this one, so it cannot be left out."),
    "step_off": N_("This step is left out. Include it first to change its time."),
    # two meetings on one session
    "meeting_end": N_("This is the last step of this meeting. Tap “End meeting” to set the next date."),
    "meeting_start": N_("This is the first step of this meeting; the last meeting is over."),
    "not_meeting_end": N_("A meeting ends at its last step."),
    "not_running": N_("This workshop is not running."),
    "not_waiting": N_("This session is not waiting for a meeting."),
    "workshop_running": N_("Another workshop is running. End it in the menu first."),
    "no_such_session": N_("That session cannot be found."),
    "pin_format": N_("A PIN is 4 to 8 digits."),
    "pin_mismatch": N_("The two PINs were not the same. Try again."),
    "pin_guessable": N_("That PIN is too easy to guess (like 1234, 1111 or 9876). Choose another."),
    # said by the workshop (the next meeting), the action plan and the statuspil alike
    "date_past": N_("That day has passed. Pick today or a later day."),
    "nothing_to_undo": N_("There is nothing to undo."),
    # notes prepared before the workshop (kiosk.core.workshop.Workshop.prepare)
    "prepare_running": N_("A workshop is running. End it in the menu first, then prepare the next one."),
    "no_prepared_kind": N_("This method has no post-its to prepare before the workshop."),
    "already_started": N_("This workshop has started: add post-its in its writing step."),
    "has_notes": N_("It has post-its already, so it stays. Delete them first to discard it."),
}
"""The refusals of the session, the plan, the workshop and the settings. The wall's are
``kiosk.core.wall.REFUSALS``; each activity's are in its ``Activity.refusals``."""


def refusal_msgid(key: str) -> str:
    """The untranslated message of a refusal reason, wherever the rule that refused it
    lives (a phone's answer is said in the session's language, not the screen's)."""
    text = (_REFUSALS.get(key) or wall.REFUSALS.get(key) or people.REFUSALS.get(key)
            or minutes.REFUSALS.get(key) or pads.REFUSALS.get(key) or wifi.REFUSALS.get(key) or activities.refusal_message(key))
    return text or N_("That cannot be done here.")


def refusal(key: str) -> str:
    """The message of a refusal reason, wherever the rule that refused it lives."""
    return tr(refusal_msgid(key))


def store_error(e) -> str:
    kind = getattr(e, "kind", "io")
    path = getattr(e, "path", "") or ""
    if kind == "locked":
        text = tr("Another kiosk is already using the data folder {path}. Close it, then start this one again.")
    elif kind == "readonly":
        text = tr("The kiosk cannot write to {path}. Nothing was changed. Ask the admin to check the folder's permissions.")
    elif kind == "full":
        text = tr("The disk is full, so the last change was not saved. Nothing else was lost. Ask the admin to free space.")
    elif kind == "schema":
        text = tr("The data in {path} was written by a newer version of the kiosk. Update the kiosk; the data is untouched.")
    else:
        text = tr("The kiosk could not save to {path}. The last change was not saved; nothing else was lost.")
    return text.format(path=path)


def recovery(r) -> str:
    name = os.path.basename(getattr(r, "path", "") or "")
    backup = getattr(r, "backup_used", None)
    if backup:
        saved = getattr(r, "saved_at", None)  # when the version that went back was saved
        if saved is None and os.path.exists(backup):
            saved = os.path.getmtime(backup)
        same_day = saved is not None and time.localtime(saved)[:3] == time.localtime()[:3]
        when = "?" if saved is None else time.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M",
                                                       time.localtime(saved))
        if getattr(r, "previous", False):  # .bak0: the version just before the last save
            text = tr("The data file {name} was damaged. The kiosk went back to the version saved at {time}: only the last change was lost.")
        else:
            text = tr("The data file {name} was damaged (power cut?). The kiosk went back to its backup from {time}; changes made after that are missing.")
        return text.format(name=name, time=when)
    return tr("The data file {name} was damaged and no backup was good. It was kept aside for the admin.").format(name=name)


def method_problems(problems) -> str:
    files = sorted({os.path.basename(str(getattr(p, "path", ""))) for p in problems})
    shown = ", ".join(files[:8]) + (f", … (+{len(files) - 8})" if len(files) > 8 else "")  # a banner, not a list
    return tr("Some method files have errors and were left out: {files}. The admin can run “kiosk methods check”.").format(
        files=shown)


def cannot_resume(e) -> str:
    return tr("The workshop that was running could not be reopened; it is kept for the admin.")


def resume_problem(e) -> str:
    """Why the running session's file could not be reopened, in plain words (short: Settings shows it too)."""
    kind = getattr(e, "kind", None)
    if kind == "schema":
        return tr("Its file was written by a newer version of the kiosk.")
    if kind == "readonly":
        return tr("The kiosk is not allowed to read its file.")
    if kind is not None or isinstance(e, OSError):
        return tr("Its file cannot be read.")
    return tr("Its file holds data this kiosk does not understand.")


def damaged_session(team: str, method: str, problem: str) -> str:
    who = tr("The workshop “{method}” of {team}").format(method=method, team=team) if team else tr(
        "The workshop that was running")
    return tr("{who} could not be reopened. {problem} Nothing was deleted. The admin can try again or set it aside in Settings (Menu).").format(  # noqa: E501
        who=who, problem=problem)


def cannot_open(e) -> str:
    """The start-up screen when the data folder cannot be used at all."""
    kind = getattr(e, "kind", "io")
    path = getattr(e, "path", "") or ""
    if kind == "readonly":
        return tr("The kiosk cannot save anything: the data folder {path} is read-only or not writable. Ask the admin to check the disk and the folder's permissions, then restart the kiosk.").format(path=path)  # noqa: E501
    if kind == "full":
        return tr("The disk is full: the kiosk cannot save anything in {path}. Ask the admin to free space, then restart the kiosk.").format(path=path)  # noqa: E501
    return store_error(e)


def low_disk(free_bytes: int) -> str:
    if free_bytes < 64 * 1024:
        return tr("The disk is full: changes cannot be saved now. Ask the admin to free space.")
    return tr("The disk is almost full ({mb} MB free). Soon the kiosk cannot save changes. Ask the admin to free space.").format(  # noqa: E501
        mb=f"{free_bytes / (1024 * 1024):.1f}")

