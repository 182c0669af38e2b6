"""The ``kiosk`` command as an admin uses it, in a real subprocess."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kiosk(*args, **kw):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, **kw)


def test_methods_check_passes_on_the_shipped_methods():
    r = kiosk("methods", "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"\d+ method files? OK", r.stdout)


def test_methods_check_names_file_field_and_expectation(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[method]\nid = "x"\ntitle = "X"\nlanguage = "da"\nsummary = "s"\nsource = "s"\n'
                   '[[steps]]\nid = "a"\ntitle = "A"\nminutes = -5\nactivity = "talk"\n', encoding="utf-8")
    r = kiosk("methods", "check", str(bad))
    assert r.returncode == 1
    line = next(x for x in r.stdout.splitlines() if "minutes" in x)
    assert str(bad) in line and "steps[0]" in line


def test_methods_check_on_a_broken_toml_file(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[method\nid = ", encoding="utf-8")
    r = kiosk("methods", "check", str(bad))
    assert r.returncode == 1 and "broken.toml" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_a_bad_size_is_a_clear_usage_error():
    r = kiosk("--windowed", "--size", "huge")
    assert r.returncode == 2 and "expected a size like 1600x900" in r.stderr


def test_an_unusable_data_folder_is_a_clear_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = kiosk("--windowed", "--data", str(blocker / "data"))
    assert r.returncode == 2 and "cannot use the data folder" in r.stderr
    assert "Traceback" not in r.stderr


def test_importing_the_package_starts_nothing():
    r = subprocess.run([sys.executable, "-c", "import kiosk, kiosk.cli, kiosk.core.workshop, sys; "
                        "print('kivy' in sys.modules)"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "False"
