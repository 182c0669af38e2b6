"""The settings an admin steps with − / + (idle time, export link time, the night's
hours): the stops, the ends, the night never empty, and kiosk.json values that are
wrong keeping their defaults."""

from __future__ import annotations

import pytest

from kiosk.core.settings import (EXPORT_CHOICES, IDLE_CHOICES, Settings, SettingsError,
                                 step_choice, step_hour)


def test_idle_minutes_step_through_the_stops_and_stay_at_the_ends():
    s = Settings()
    assert s.idle_minutes == 2 and IDLE_CHOICES[0] == 1 and IDLE_CHOICES[-1] == 60
    seen = [s.idle_minutes]
    while not s.at_end("idle_minutes", 1):
        s = s.stepped("idle_minutes", 1)
        seen.append(s.idle_minutes)
    assert seen == [2, 3, 5, 10, 15, 30, 60]
    assert s.stepped("idle_minutes", 1) == s                       # 60 is the top: it stays
    s = Settings().stepped("idle_minutes", -1)
    assert s.idle_minutes == 1 and s.at_end("idle_minutes", -1) and not s.at_end("idle_minutes", 1)


def test_a_hand_typed_value_between_stops_goes_to_the_nearest_stop_that_way():
    assert step_choice(7, IDLE_CHOICES, 1) == 10 and step_choice(7, IDLE_CHOICES, -1) == 5
    assert step_choice(200, IDLE_CHOICES, 1) == 200 and step_choice(200, IDLE_CHOICES, -1) == 60
    assert step_choice(45, EXPORT_CHOICES, -1) == 30
    s = Settings.from_dict({"export_minutes": 45})
    assert s.stepped("export_minutes", 1).export_minutes == 60


def test_night_hours_go_round_the_clock_and_never_meet():
    assert step_hour("22:00", 1) == "23:00" and step_hour("23:00", 1) == "00:00"
    assert step_hour("00:00", -1) == "23:00"
    assert step_hour("22:30", -1) == "22:00" and step_hour("22:30", 1) == "23:00"
    s = Settings(night_start="05:00", night_end="06:00")
    assert s.stepped("night_start", 1).night_start == "07:00"     # 06:00 would be no night
    assert s.stepped("night_end", -1).night_end == "04:00"
    assert not s.at_end("night_start", 1)


def test_unknown_setting_is_refused():
    with pytest.raises(SettingsError):
        Settings().stepped("pin_hash", 1)


def test_board_settings_round_trip_and_bad_values_keep_defaults():
    s = Settings(idle_minutes=10, night_dim=False, night_start="23:00", night_end="05:00")
    assert Settings.from_dict(s.to_dict()) == s
    bad = Settings.from_dict({"idle_minutes": 0, "night_dim": "yes", "night_start": "25:00",
                              "night_end": "6"})
    assert (bad.idle_minutes, bad.night_dim, bad.night_start, bad.night_end) == (2, True, "22:00", "06:00")
    same = Settings.from_dict({"night_start": "06:00", "night_end": "06:00"})   # no night at all
    assert (same.night_start, same.night_end) == ("22:00", "06:00")
    assert Settings.from_dict({"idle_minutes": True}).idle_minutes == 2
    assert Settings.from_dict({"night_start": " 7:05", "night_end": "08:00"}).night_start == "07:05"
