"""The ``kiosk`` command: run the wall screen, or check method files.

Kivy reads its environment when first imported, so everything about the window,
the input devices and where Kivy keeps its config and logs is decided here,
before the UI package is imported.
"""

from __future__ import annotations

import argparse
import errno
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
    add_export_parser(sub)
    add_pin_parser(sub)
    return p


# -- kiosk pin reset ---------------------------------------------------------------------------

PIN_HELP = """A forgotten admin PIN, from the machine's shell: 'kiosk pin reset' sets the PIN
back to the default, 1234, and clears the wait that wrong PINs have built up. The
next admin to open the menu with 1234 must choose a new PIN before Settings open.

The kiosk must be stopped first (only one program may write its data folder), and
the command is best run as the kiosk's own user:

  sudo systemctl stop dialog-kiosk
  sudo -u kiosk /opt/dialog-kiosk/venv/bin/kiosk pin reset --data /var/lib/dialog-kiosk
  sudo systemctl start dialog-kiosk

Exit status 0 when the PIN was reset, 1 when it could not be (the kiosk still
running, no such data folder, a disk that cannot be written).
"""


def add_pin_parser(sub) -> None:
    pin = sub.add_parser("pin", help="the admin PIN", description=PIN_HELP,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    psub = pin.add_subparsers(dest="pin_command", required=True)
    reset = psub.add_parser("reset", help="back to the default PIN (the next admin must choose a new one); "
                                          "clears the wait after wrong PINs",
                            description=PIN_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    reset.add_argument("--data", type=Path, default=None, help=f"data folder (default {default_data_dir()})")


def pin_command(args) -> int:
    """``kiosk pin reset``: the default PIN, to be changed at the next use, and no wait."""
    from kiosk.core import pin as pin_rule
    from kiosk.core.settings import DEFAULT_PIN
    from kiosk.store import Store, StoreError

    data_dir = (args.data or default_data_dir()).expanduser().resolve()
    if not (data_dir / "kiosk.json").is_file():
        print(f"kiosk pin reset: {data_dir} holds no kiosk data (no kiosk.json). Give the kiosk's data folder "
              "with --data.", file=sys.stderr)
        return 1
    try:
        store = Store(data_dir)
    except StoreError as exc:
        if exc.kind == "locked":
            print(f"kiosk pin reset: the kiosk is running and holds {data_dir}, so the PIN was not changed. "
                  "Stop it first (on a wall screen: sudo systemctl stop dialog-kiosk), run this again, "
                  "then start it (sudo systemctl start dialog-kiosk).", file=sys.stderr)
        else:
            print(f"kiosk pin reset: {exc.message}", file=sys.stderr)
        return 1
    try:
        settings = store.get_state("settings")
        settings = dict(settings) if isinstance(settings, dict) else {}
        settings["pin_hash"] = ""          # the default, which must be changed at the next use
        store.set_state("settings", settings)
        pin_rule.save(store, pin_rule.PinGuard())
    except StoreError as exc:
        print(f"kiosk pin reset: {exc.message}", file=sys.stderr)
        return 1
    finally:
        store.close()
    _same_owner_as_folder(data_dir)
    print(f"The admin PIN is {DEFAULT_PIN} again and wrong PINs no longer wait. The next admin to open the "
          f"menu with {DEFAULT_PIN} must choose a new PIN. Start the kiosk again if it was stopped for this.")
    return 0


def _same_owner_as_folder(data_dir: Path) -> None:
    """Run as root on a folder the kiosk's user owns: give the files just written back
    to that user, so the kiosk can still write them."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    try:
        st = data_dir.stat()
        if st.st_uid == 0:
            return
        for path in data_dir.glob("kiosk.*"):
            if path.is_file() and path.stat().st_uid == 0:
                os.chown(path, st.st_uid, st.st_gid)
    except OSError:
        pass


# -- kiosk export ----------------------------------------------------------------------------

class _ExportFormats:
    """``--format``'s choices: the export's ``FORMATS``, then ``csv`` (both CSV files),
    ``html`` (the phone page), ``runsheet`` (the facilitator's, never on the phone page)
    and ``all``. Read from the export only when argparse asks, so starting the kiosk
    itself does not import the export."""

    EXTRA = ("csv", "html", "runsheet", "all")

    def _names(self) -> tuple[str, ...]:
        from kiosk.core.export import FORMATS

        return (*FORMATS, *self.EXTRA)

    def __iter__(self):
        return iter(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()


EXPORT_FORMATS = _ExportFormats()
EXPORT_HELP = """\
Write a session's notes, votes, matrix and action plans (or, with --board, every
open action of every session) to a file, as the phone export does.

formats: md (Markdown) · notes.csv · actions.csv · csv (both CSV files: the name
given by --out gets -notes / -actions before its .csv) · json (everything) · ics
(calendar: follow-up days, trial reviews, next meeting) · pdf (the written action
plan) · html (the phone page, without download buttons) · all (every format the
session has into the folder --out names).

print-outs (PDF): poster (the process poster, A3) · iglo (the IGLO sheet filled
with the actions, A3) · top (the top actions for the wall, NED's sheet 5, A3) ·
cards (the statement cards to cut out) · pieces (the puzzle's pieces to cut out) ·
runsheet (the facilitator's run sheet: agenda, roles, preparation, ground rules and
each step's notes; for the facilitator only, so never on the phone page). A method
without cards has no cards to print: the command says so. --start 09:00 gives
clock times to a meeting that has not begun; --method makes the run sheet before
any session exists.

It reads a snapshot of the data folder, never the folder itself, so it is safe to
run while the kiosk is running. Exit status 0 on success, 1 when the export could
not be made (unknown session, empty data folder, unwritable output), 2 on bad usage.

examples:
  kiosk export --list
  kiosk export --session latest --format pdf --out handleplan.pdf
  kiosk export --board --format ics --out opfolgning.ics
  kiosk export --session 20261122-091500-a1b2c3 --format all --out ./eksport/
  kiosk export --session latest --format poster --start 09:00
  kiosk export --method ned-dialogduk --format runsheet --start 09:00
"""


def add_export_parser(sub) -> None:
    ex = sub.add_parser("export", help="export a session or the statuspil board to a file",
                        description=EXPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    ex.add_argument("--data", type=Path, default=None, help=f"data folder (default {default_data_dir()})")
    which = ex.add_mutually_exclusive_group(required=True)
    which.add_argument("--session", metavar="ID", help="the session's id (see --list), or 'latest'")
    which.add_argument("--board", action="store_true", help="all open actions of all sessions")
    which.add_argument("--list", action="store_true", help="list the sessions and exit")
    which.add_argument("--method", metavar="ID_OR_FILE",
                       help="a method's id or .toml file: its run sheet, before any session exists")
    # with a metavar, argparse lists the choices only when help or an error asks for them
    ex.add_argument("--format", choices=EXPORT_FORMATS, default=None, metavar="FORMAT",
                    help="what to write: %(choices)s (default pdf; runsheet with --method)")
    ex.add_argument("--start", metavar="HH:MM", default=None,
                    help="clock times from this start for a meeting not begun yet (the poster, the run sheet)")
    ex.add_argument("--out", type=Path, default=None,
                    help="the file to write (default: a name from method, team and date, in the current "
                         "folder); '-' writes a text format to standard output; a folder for --format all")
    ex.add_argument("--lang", choices=sorted(i18n.LANGUAGES), default=None,
                    help="headings' language (default: the session's own; the kiosk's for --board)")


class _ExportFailed(Exception):
    """A clear sentence for the admin; exit status 1."""


def _snapshot(data_dir: Path, into: Path) -> None:
    """Copy what a Store reads (kiosk.json, sessions and their backups) to a private
    folder: the kiosk writes each file by atomic rename, so every copy is whole, the
    running kiosk's lock is not disturbed and nothing in its folder changes."""
    import shutil

    if not data_dir.exists():
        raise _ExportFailed(f"The data folder {data_dir} does not exist. Give the kiosk's folder with --data.")
    if not data_dir.is_dir():
        raise _ExportFailed(f"{data_dir} is not a folder. Give the kiosk's data folder with --data.")
    names = [n for n in ("kiosk.json",) + tuple(f"kiosk.json.bak{i}" for i in range(0, 10))
             if (data_dir / n).is_file()]
    sessions = data_dir / "sessions"
    session_files = sorted(p.name for p in sessions.glob("*.json*")) if sessions.is_dir() else []
    if not names and not session_files:
        raise _ExportFailed(f"The data folder {data_dir} holds no kiosk data (no kiosk.json, no sessions). "
                            "Is it the right folder?")
    def copy(src: Path, dst: Path) -> None:
        try:
            shutil.copy2(src, dst)
        except FileNotFoundError:
            pass  # a backup rotated away by the running kiosk this instant: the others remain

    try:
        (into / "sessions").mkdir(parents=True)
        for n in names:
            copy(data_dir / n, into / n)
        for n in session_files:
            if not n.endswith(".tmp"):
                copy(sessions / n, into / "sessions" / n)
    except PermissionError as exc:
        raise _ExportFailed(f"The data folder cannot be read: {exc.filename}: permission denied.") from exc
    except OSError as exc:
        raise _ExportFailed(f"The data folder cannot be read: {exc.strerror} ({exc.filename}).") from exc


def _write(out: Path, data: bytes) -> Path:
    """Write whole or not at all (a temporary file renamed over the target)."""
    import tempfile

    out = out.expanduser()
    if out.is_dir():
        raise _ExportFailed(f"{out} is a folder; give a file name with --out.")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise _ExportFailed(f"Cannot write {out}: the folder {folder} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _ExportFailed(f"Cannot write {out}: {exc.strerror or exc}.") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise _ExportFailed(f"Cannot write {out}: {exc.strerror or exc}.") from exc
    return out


def _list_sessions(store) -> int:
    from datetime import datetime

    sessions = store.list_sessions()
    if not sessions:
        print("No sessions in this data folder yet.")
        return 0
    print(f"{'SESSION':<26} {'DATE':<10}  {'STATUS':<9} {'ACTIONS':>7}  METHOD — TEAM")
    for s in sessions:
        created = s.get("created_at")
        day = datetime.fromtimestamp(created).date().isoformat() if isinstance(created, (int, float)) else "?"
        try:
            actions = sum(1 for a in store.all(s["id"], "actions") if not a.get("deleted"))
        except Exception:  # one unreadable session must not hide the others
            actions = "?"
        print(f"{s.get('id')!s:<26} {day:<10}  {s.get('status') or '':<9} {actions!s:>7}  "
              f"{s.get('method_title') or s.get('method_id') or ''} — {s.get('team') or ''}")
    return 0


def _html_name(doc: dict) -> str:
    from kiosk.core import export

    return export.base_name(doc) + export.PAGE.suffix


def _method_for(value: str):
    """A method by file or by id (among the kiosk's methods); a clear sentence if neither."""
    from kiosk.core.loader import MethodError, load_method, load_methods

    path = Path(value).expanduser()
    if path.suffix == ".toml" or path.is_file():
        try:
            return load_method(path)
        except MethodError as exc:
            raise _ExportFailed(f"The method file cannot be used:\n{exc}") from exc
        except OSError as exc:
            raise _ExportFailed(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    methods, _problems = load_methods(methods_dirs())
    for m in methods:
        if m.id == value:
            return m
    known = ", ".join(sorted(m.id for m in methods)) or "none"
    raise _ExportFailed(f"There is no method {value!r}. Give a method's id ({known}) or a .toml file.")


def _run_sheet(args, store, clock) -> tuple[dict, bytes]:
    """The facilitator's run sheet: from a method (before any session) or a session's snapshot."""
    from kiosk.core.export import RUNSHEET, runsheet

    session = None
    if args.method:
        method = _method_for(args.method).to_dict()
    else:
        if args.board:
            raise _ExportFailed("The run sheet is made for a method or a session, not for the board.")
        sid = _session_id(args, store)
        session = store.load_session(sid)
        if session is None:
            raise _ExportFailed(f"There is no session {sid!r} in this data folder. "
                                "'kiosk export --list' shows the sessions.")
        method = session.get("method") or {}
    try:
        doc = runsheet.sheet_doc(method, now=clock.now(), lang=args.lang, session=session, start=args.start)
    except ValueError as exc:
        raise _ExportFailed(f"--start: {exc}.") from exc
    return doc, RUNSHEET.render(doc)


def _session_id(args, store) -> str:
    sid = args.session
    if sid == "latest":
        sessions = store.list_sessions()
        if not sessions:
            raise _ExportFailed("There are no sessions to export in this data folder.")
        sid = sessions[0]["id"]
    return sid


def _export(args, store) -> list[str]:
    from kiosk.core import export
    from kiosk.clock import SystemClock

    clock = SystemClock()
    fmt = args.format or ("runsheet" if args.method else "pdf")
    if args.method and fmt != "runsheet":
        raise _ExportFailed("--method makes the facilitator's run sheet only (--format runsheet); "
                            "the other formats export a session (--session).")
    if fmt == "runsheet":
        doc, data = _run_sheet(args, store, clock)
        if args.out is not None and str(args.out) == "-":
            raise _ExportFailed("A PDF is not written to standard output; give a file with --out.")
        name = "-".join(x for x in (export.slug(doc["title"]) or "method", export.slug(doc["team"]), doc["date"]) if x)
        name += export.RUNSHEET.suffix
        return [str(_write(args.out or Path(name), data))]
    sid = None
    if not args.board:
        sid = _session_id(args, store)
    try:
        doc = export.document(store, sid, clock=clock, lang=args.lang)
    except export.ExportError as exc:
        raise _ExportFailed(f"There is no session {sid!r} in this data folder. "
                            "'kiosk export --list' shows the sessions.") from exc
    if args.start and doc.get("kind") == "session":
        try:
            doc["session"]["agenda"] = export.with_start(doc["session"]["agenda"], args.start)
        except ValueError as exc:
            raise _ExportFailed(f"--start: {exc}.") from exc
    spec = export.FORMATS.get(fmt)
    if spec is not None and spec.lacks is not None and spec.lacks(doc):
        raise _ExportFailed(f"Nothing to print as {fmt}: {spec.lacks(doc)}")
    if fmt == "all":
        folder = (args.out or Path(".")).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _ExportFailed(f"Cannot make the folder {folder}: {exc.strerror or exc}.") from exc
        if not folder.is_dir():
            raise _ExportFailed(f"{folder} is not a folder; --format all writes every format into a folder.")
        written = [_write(folder / export.filename(doc, f), export.render(doc, f)) for f in export.offered(doc)]
        written.append(_write(folder / _html_name(doc), export.PAGE.render(doc)))
        return [str(p) for p in written]
    pairs = (("notes.csv", "-notes"), ("actions.csv", "-actions")) if fmt == "csv" else ((fmt, ""),)
    written = []
    for f, tag in pairs:
        data = export.PAGE.render(doc) if f == "html" else export.render(doc, f)
        if args.out is not None and str(args.out) == "-":
            if f in export.FORMATS and export.FORMATS[f].mimetype == "application/pdf":
                raise _ExportFailed("A PDF is not written to standard output; give a file with --out.")
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            continue
        if args.out is None:
            out = Path(_html_name(doc) if f == "html" else export.filename(doc, f))
        elif tag:
            base = args.out.name[:-4] if args.out.name.lower().endswith(".csv") else args.out.name
            out = args.out.with_name(f"{base}{tag}.csv")
        else:
            out = args.out
        written.append(str(_write(out, data)))
    return written


def export_command(args) -> int:
    import tempfile

    from kiosk.store import Store, StoreError

    import logging

    if args.method:  # a method's run sheet: no data folder needed, there may be none yet
        try:
            for path in _export(args, None):
                print(f"wrote {path}")
        except _ExportFailed as exc:
            print(f"kiosk export: {exc}", file=sys.stderr)
            return 1
        return 0
    data_dir = (args.data or default_data_dir()).expanduser().resolve()
    # The store logs what it finds in the snapshot (temporary paths); what matters is
    # said below, of the real folder.
    store_log = logging.getLogger("kiosk.store")
    store_log.addHandler(logging.NullHandler())
    store_log.propagate = False
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-export-") as tmp:
            _snapshot(data_dir, Path(tmp) / "data")
            try:
                store = Store(Path(tmp) / "data", backups=0)
            except StoreError as exc:
                raise _ExportFailed(f"The data folder {data_dir} cannot be read: {exc.message}") from exc
            try:
                if args.list:
                    return _list_sessions(store)
                for path in _export(args, store):
                    print(f"wrote {path}")
                for rec in store.recoveries:  # found in the snapshot: told of the real folder
                    name = os.path.relpath(rec.path, Path(tmp) / "data")
                    if rec.backup_used is None:
                        note = (f"{data_dir / name} is damaged and has no good backup; "
                                "what it held is not in this export.")
                    else:
                        note = (f"{data_dir / name} is damaged; this export was restored from the backup "
                                f"{data_dir / os.path.relpath(rec.backup_used, Path(tmp) / 'data')}, so the "
                                "last changes before the damage may be missing. The data folder was not changed.")
                    print(f"kiosk export: note: {note}", file=sys.stderr)
            finally:
                store.close()
    except _ExportFailed as exc:
        print(f"kiosk export: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"kiosk export: {exc.message}", file=sys.stderr)
        return 1
    return 0


_DISK_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
"""What a wall screen's disk does to it (remounted read-only, full): said on the screen."""


def configure_kivy(args, data_dir: Path) -> None:
    """Set Kivy up for a wall screen before it is imported.

    Nothing here may fail on a full or read-only disk: the window must come up to
    say what is wrong. The log is ours (kiosk.logfile: bounded, a failed write is
    dropped), not Kivy's file log, whose failed writes looped through stderr.
    """
    from kiosk import logfile

    kivy_home = data_dir / "kivy"
    try:
        for folder in (kivy_home, kivy_home / "mods"):  # what Kivy would mkdir at import
            folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A read-only or unwritable data folder: Kivy must neither create nor write
        # its config; the app says on screen what is wrong.
        os.environ["KIVY_NO_CONFIG"] = "1"
    os.environ["KIVY_HOME"] = str(kivy_home)       # config and logs stay in the data folder
    os.environ["KIVY_NO_ARGS"] = "1"                # our argv is ours
    os.environ["KIVY_NO_FILELOG"] = "1"            # kiosk.logfile writes the log
    os.environ["KIVY_LOG_MODE"] = "PYTHON"          # Kivy's records go to our handlers; stderr stays stderr
    logfile.install(kivy_home / "logs")
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
    if args.windowed:
        w, h = args.size or (1600, 900)
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "borderless", "0")
        Config.set("graphics", "width", str(w))
        Config.set("graphics", "height", str(h))
    else:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        # 'auto' asks a window manager for the whole screen; with none (bare X) the
        # window keeps the size it is made with, so it is made at the screen's size.
        from kiosk.display import desktop_size

        size = desktop_size()
        if size is not None:
            Config.set("graphics", "width", str(size[0]))
            Config.set("graphics", "height", str(size[1]))
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
        if e.errno not in _DISK_ERRNOS:  # a wrong --data (a file in the way): the admin's shell says it
            print(f"kiosk: cannot use the data folder {data_dir}: {e.strerror}", file=sys.stderr)
            return 2
        # a read-only or full disk: the window comes up and says so on the wall
    configure_kivy(args, data_dir)
    from kiosk.ui.app import KioskApp, Options  # imports Kivy: only now

    options = Options(data_dir=data_dir, lang=args.lang, demo=args.demo, probe=os.environ.get("KIOSK_PROBE"))
    KioskApp(options).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "export":
        return export_command(args)
    if args.command == "pin":
        return pin_command(args)
    if args.command == "methods":
        from kiosk.core.loader import check_command

        paths = [str(p) for p in (args.files or methods_dirs())]
        return check_command(paths)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
