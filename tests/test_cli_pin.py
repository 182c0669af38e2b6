"""``kiosk pin reset``: a forgotten PIN from the machine's shell. Back to the default
(which must be changed at the next use), the wait after wrong PINs cleared, the other
settings kept; refused, with what to do, while the kiosk runs."""

from __future__ import annotations

import subprocess
import sys

from kiosk.cli import main
from kiosk.core import pin
from kiosk.clock import FakeClock
from kiosk.core.settings import DEFAULT_PIN, Settings
from kiosk.store import Store
from tests.conftest import ROOT

T0 = 1_800_000_000.0


def a_kiosk_with_a_forgotten_pin(data):
    store = Store(data, clock=FakeClock(T0))
    chosen = Settings(lang="nb", idle_minutes=10).with_pin("8642")
    store.set_state("settings", chosen.to_dict())
    guard = pin.PinGuard()
    for _ in range(7):
        guard = guard.failed(T0)
    pin.save(store, guard)
    return store


def test_reset_gives_back_the_default_pin_to_be_changed_and_clears_the_wait(tmp_path, capsys):
    data = tmp_path / "data"
    a_kiosk_with_a_forgotten_pin(data).close()
    assert main(["pin", "reset", "--data", str(data)]) == 0
    assert "The admin PIN is 1234 again" in capsys.readouterr().out
    with Store(data) as store:
        settings = Settings.from_dict(store.get_state("settings"))
        assert settings.pin_ok(DEFAULT_PIN) and settings.must_change(DEFAULT_PIN) and not settings.pin_ok("8642")
        assert (settings.lang, settings.idle_minutes) == ("nb", 10)       # nothing else changed
        assert not pin.load(store).locked(T0)


def test_reset_while_the_kiosk_runs_says_to_stop_it_and_changes_nothing(tmp_path, capsys):
    data = tmp_path / "data"
    running = a_kiosk_with_a_forgotten_pin(data)        # holds the data folder, as the kiosk does
    try:
        assert main(["pin", "reset", "--data", str(data)]) == 1
        err = capsys.readouterr().err
        assert "the kiosk is running" in err and "systemctl stop dialog-kiosk" in err
        assert Settings.from_dict(running.get_state("settings")).pin_ok("8642")
        assert pin.load(running).failures == 7
    finally:
        running.close()


def test_reset_of_a_folder_without_kiosk_data_is_refused(tmp_path, capsys):
    assert main(["pin", "reset", "--data", str(tmp_path / "nothing")]) == 1
    assert "holds no kiosk data" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()              # nothing made where nothing was


def test_the_command_is_there_for_an_admin(tmp_path):
    """As a person types it: the installed module, its help, its exit status."""
    data = tmp_path / "data"
    a_kiosk_with_a_forgotten_pin(data).close()
    help_text = subprocess.run([sys.executable, "-m", "kiosk", "pin", "reset", "--help"], cwd=ROOT,
                               capture_output=True, text=True, timeout=60).stdout
    assert "sudo -u kiosk" in help_text and "must choose a new PIN" in help_text
    done = subprocess.run([sys.executable, "-m", "kiosk", "pin", "reset", "--data", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
