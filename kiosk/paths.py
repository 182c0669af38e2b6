"""Where the kiosk finds its methods, assets and data.

In a checkout (or an editable install) methods/ and assets/ sit beside the
package; an installed wheel carries them as kiosk/_methods and kiosk/_assets.
``KIOSK_METHODS`` (a list of folders, os.pathsep-separated) adds folders of
method files, for a site's own methods.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[0]


def methods_dirs() -> list[Path]:
    dirs = [_first_existing(PACKAGE.parent / "methods", PACKAGE / "_methods")]
    extra = os.environ.get("KIOSK_METHODS", "")
    dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return dirs


def assets_dir() -> Path:
    return _first_existing(PACKAGE.parent / "assets", PACKAGE / "_assets")


def default_data_dir() -> Path:
    """A per-user folder (XDG), so a kiosk user's data survives reinstalls."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "dialog-kiosk"
