"""The ``kiosk`` command: run the wall screen, or check method files.

Kivy reads its environment when first imported, so everything about the window,
the input devices and where Kivy keeps its config and logs is decided here,
before the UI package is imported.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk import i18n
from kiosk.paths import default_data_dir, methods_dirs


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
        if w < 320 or h < 240:
            raise ValueError
        return w, h
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size like 1600x900, got {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk", description="Dialog kiosk: a wall screen for well-being workshops.")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the kiosk (the default)")
    for target in (p, run):
        target.add_argument("--windowed", action="store_true", help="a normal window instead of fullscreen")
        target.add_argument("--size", type=_size, default=None, help="window size, e.g. 1600x900 (with --windowed)")
        target.add_argument("--data", type=Path, default=None,
                            help=f"data folder (default {default_data_dir()})")
        target.add_argument("--lang", choices=sorted(i18n.LANGUAGES), default=None,
                            help="UI language (default: the saved setting, else da)")
        target.add_argument("--demo", action="store_true",
                            help="open a demo Trivselsdialog session when the data folder has none")
        target.add_argument("--touch", choices=["mtdev", "hidinput", "none"], default="mtdev",
                            help="how to read multitouch panels on Linux (default mtdev)")
    methods = sub.add_parser("methods", help="method files")
    msub = methods.add_subparsers(dest="methods_command", required=True)
    check = msub.add_parser("check", help="validate method files; exit 1 on any problem")
    check.add_argument("files", nargs="*", type=Path, help="files or folders (default: the kiosk's methods)")
    return p


def configure_kivy(args, data_dir: Path) -> None:
    """Set Kivy up for a wall screen before it is imported."""
    kivy_home = data_dir / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_HOME"] = str(kivy_home)       # config and logs stay in the data folder
    os.environ["KIVY_NO_ARGS"] = "1"                # our argv is ours
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    # A touch panel must not also arrive as SDL's emulated mouse: one finger, one touch.
    os.environ.setdefault("SDL_TOUCH_MOUSE_EVENTS", "0")
    os.environ.setdefault("SDL_MOUSE_TOUCH_EVENTS", "0")
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")  # no probing for xsel/xclip
    # SDL would turn SIGTERM into a close request, which the kiosk refuses without the
    # PIN; a service manager's stop must stop it, so the app handles SIGTERM itself.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")   # our own on-screen keyboard, not Kivy's
    Config.set("kivy", "log_dir", str(kivy_home / "logs"))
    Config.set("kivy", "log_maxfiles", "20")
    if args.windowed:
        w, h = args.size or (1600, 900)
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "borderless", "0")
        Config.set("graphics", "width", str(w))
        Config.set("graphics", "height", str(h))
    else:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
    Config.set("graphics", "position", "custom")
    Config.set("graphics", "left", "0")
    Config.set("graphics", "top", "0")
    Config.set("graphics", "show_cursor", "1" if args.windowed else "0")
    # The mouse is a single finger: no red multitouch dots, and it steps aside while
    # a real touch device is active. Kernel multitouch devices are read directly.
    for option in list(Config.options("input")):
        Config.remove_option("input", option)
    Config.set("input", "mouse", "mouse,disable_multitouch,disable_on_activity")
    if args.touch != "none" and sys.platform.startswith("linux"):
        Config.set("input", "touch", f"probesysfs,provider={args.touch}")


def run(args) -> int:
    data_dir = (args.data or default_data_dir()).expanduser().resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        print(f"kiosk: cannot use the data folder {data_dir}: {e.strerror}", file=sys.stderr)
        return 2
    configure_kivy(args, data_dir)
    from kiosk.ui.app import KioskApp, Options  # imports Kivy: only now

    options = Options(data_dir=data_dir, lang=args.lang, demo=args.demo, probe=os.environ.get("KIOSK_PROBE"))
    KioskApp(options).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "methods":
        from kiosk.core.loader import check_command

        paths = [str(p) for p in (args.files or methods_dirs())]
        return check_command(paths)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
