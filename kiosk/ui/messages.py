"""Plain sentences for what went wrong, in the kiosk's language.

The core and the store say *what* happened (a reason key, an error kind, a path);
this module says it to people, without a traceback.
"""

from __future__ import annotations

import os
import time

from kiosk.i18n import N_, tr

_REFUSALS = {
    "team_empty": N_("Type the team's name first."),
    "team_long": N_("The team name is too long (at most 60 characters)."),
    "first_step": N_("This is the first step."),
    "last_step": N_("This is the last step. Tap “End workshop” in the menu to finish."),
    "no_such_step": N_("That step does not exist in this method."),
    "minutes_range": N_("A step lasts between 1 and 600 minutes."),
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
    # the wall
    "note_empty": N_("Write something on the post-it first."),
    "note_long": N_("That is too long for one post-it. One topic per note."),
    "unknown_kind": N_("Choose what kind of post-it it is first."),
    "same_item": N_("A post-it cannot be grouped with itself."),
    "unknown_item": N_("That post-it is no longer on the wall."),
    "unknown_note": N_("That post-it is no longer on the wall."),
    "name_long": N_("A group name is at most 60 characters."),
    "unknown_column": N_("That column is not part of this step."),
    "in_cluster": N_("Move the whole group, not one post-it inside it."),
    "bad_position": N_("Drop it inside the matrix."),
    "too_many_chosen": N_("Enough themes are chosen already. Unchoose one first."),
    "too_few_chosen": N_("Choose a few more themes to take on."),
    "nothing_to_reveal": N_("All post-its are on the wall."),
    "already_revealed": N_("That post-it is already on the wall."),
    "not_in_cluster": N_("That post-it is not in a group."),
    "bad_turn": N_("A turn shows at least one post-it."),
    "no_votes_left": N_("No marks left. Tap a marked post-it to take a mark back, or tap Done."),
    "item_cap": N_("This one already has as many marks as one person may give it."),
    "no_voter": N_("Tap “Next voter” first."),
    "no_vote_here": N_("There is no mark of yours on that one."),
    "wrong_mode": N_("This vote counts something else."),
    "bad_count": N_("A count is a whole number from 0 to 999."),
    "nothing_to_vote_on": N_("There is nothing to vote on yet: the earlier steps put no post-its on the wall."),
    # action plans and the statuspil
    "date_past": N_("That day has passed. Pick today or a later day."),
    "owner_empty": N_("Write who is responsible first."),
    "owner_long": N_("An owner is at most 60 characters: a name or a role."),
    "answer_long": N_("That answer is too long (at most 500 characters)."),
    "theme_empty": N_("Write the theme in a few words first."),
    "theme_long": N_("That theme is too long."),
    "too_many_actions": N_("This plan has as many actions as it can hold."),
    "unknown_action": N_("That action is no longer in the plan."),
    "moved_meanwhile": N_("Someone moved this action a moment ago. Look at the board again and tap once more."),
    "undo_expired": N_("The time to undo has run out. Move it back with the arrow's buttons."),
    "nothing_to_undo": N_("There is nothing to undo."),
    "parked": N_("This action is parked. Take it up again first."),
    "finished": N_("This action is finished."),
    "no_move": N_("It is already there."),
    "no_such_stage": N_("That stage is not on this action's arrow."),
    "not_trial": N_("Only a trial action has a review."),
    "verdict_unknown": N_("Choose Continue, Adjust or Drop."),
    "no_themes": N_("No themes are chosen yet: choose some in the earlier steps, or add a post-it."),
    # rounds and rate
    "no_rounds": N_("This step has no rounds."),
    "no_such_round": N_("That round is not part of this step."),
    "first_round": N_("This is the first round."),
    "last_round": N_("This is the last round. Tap “Next step” when the group is ready."),
    "round_adjust_range": N_("A round can be lengthened or shortened by at most two hours."),
    "no_statements": N_("This step has no statements to rate."),
    "bad_scale": N_("This step's scale needs at least two values."),
    "unknown_statement": N_("That statement is not part of this step."),
    "unknown_value": N_("That answer is not on this step's scale."),
    "marks_full": N_("This answer has as many marks as it can hold."),
    "no_mark_here": N_("There is no mark there to take back."),
}


def refusal(key: str) -> str:
    return tr(_REFUSALS.get(key, N_("That cannot be done here.")))


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


# sign-ups and the map (kiosk.core.activities.signup, kiosk.core.activities.map)
_REFUSALS.update({
    "person_empty": N_("Type your name first."),
    "person_long": N_("A name is at most 40 characters."),
    "already_signed_up": N_("That name is already signed up. Drag the name to move it; if it is someone else, add a letter of the surname."),
    "not_a_signup": N_("That is not a name note."),
    "centre_empty": N_("Write the central theme in a few words first."),
    "centre_long": N_("The central theme is at most 120 characters."),
    "not_on_map": N_("Put both post-its on the map first, then link them."),
})

# statement cards and the timeline (kiosk.core.activities.cards, kiosk.core.activities.timeline)
_REFUSALS.update({
    "deck_empty": N_("There are no cards left in this deck. Choose another theme, or write a joker."),
    "card_gone": N_("That card has been taken already."),
    "cards_face_down": N_("The cards are still face down: tap the deck to draw the top one."),
    "no_jokers": N_("All the jokers are used."),
    "not_drawn": N_("That card is not drawn, so it cannot be put back."),
    "unknown_deck": N_("That theme has no deck in this step."),
    "people_range": N_("Between 1 and 30 people can sit round the table."),
    "year_outside": N_("Put it on one of the years of the timeline."),
    "bad_year": N_("Put it on one of the years of the timeline."),
    "bad_span": N_("This timeline has no years to show."),
    "period_empty": N_("Give the period a name first."),
    "period_long": N_("A period heading is at most 40 characters."),
    "unknown_period": N_("That heading is no longer on the timeline."),
    "period_crowded": N_("Three headings already cover one of these years: choose other years, or take a heading away first."),  # noqa: E501
})

# notes prepared before the workshop (kiosk.core.workshop.Workshop.prepare)
_REFUSALS.update({
    "prepare_running": N_("A workshop is running. End it in the menu first, then prepare the next one."),
    "no_prepared_kind": N_("This method has no post-its to prepare before the workshop."),
    "already_started": N_("This workshop has started: add post-its in its writing step."),
    "has_notes": N_("It has post-its already, so it stays. Delete them first to discard it."),
})
