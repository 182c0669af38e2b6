"""UI text in Danish, Norwegian Bokmål and English, through gettext catalogues.

Messages are written in English in the code (``tr("Start a workshop")``); the
catalogues live in kiosk/locale/<lang>/LC_MESSAGES/kiosk.po and are compiled to
.mo with ``python -m kiosk.i18n`` (the .mo files are committed, so an install
needs no gettext tools; a test checks they are up to date). A method file's own
text is never translated: it is shown as its author wrote it.
"""

from __future__ import annotations

import ast
import gettext
import struct
import sys
from pathlib import Path

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"da": "Dansk", "nb": "Norsk", "en": "English"}
DEFAULT = "da"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_lang = "en"


def set_language(lang: str) -> str:
    """Switch the catalogue; an unknown language falls back to the default."""
    global _translation, _lang
    if lang not in LANGUAGES:
        lang = DEFAULT
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, [lang], fallback=True)
    _lang = lang
    return lang


def language() -> str:
    return _lang


def tr(msgid: str) -> str:
    return _translation.gettext(msgid)


def N_(msgid: str) -> str:
    """Marks a message for the catalogue where it is translated later (gettext's convention)."""
    return msgid


def translator(lang: str):
    """A gettext function for one language, leaving the screen's language alone.

    For text made for someone else than the people at the screen (an export in the
    session's language, served from a web thread while the wall shows another).
    An unknown language falls back to the default, as ``set_language`` does.
    """
    if lang not in LANGUAGES:
        lang = DEFAULT
    # gettext.translation caches the parsed catalogue, so this is cheap per call.
    return gettext.translation(DOMAIN, LOCALE_DIR, [lang], fallback=True).gettext


# -- catalogue tools (no gettext binaries needed) ------------------------------

def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a .po file (no plurals or contexts: we use neither)."""
    out: dict[str, str] = {}
    key = None
    cur: dict[str, list[str]] = {}
    fuzzy = False

    def flush() -> None:
        if "msgid" in cur and "msgstr" in cur and not fuzzy:
            mid, mstr = "".join(cur["msgid"]), "".join(cur["msgstr"])
            if mstr:
                out[mid] = mstr
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            cur, key, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            if key == "msgid" and "msgstr" in cur:
                flush()
                cur, fuzzy = {}, False
            cur[key] = [ast.literal_eval(rest)]
        elif line.startswith('"') and key:
            cur[key].append(ast.literal_eval(line))
    return out


def compile_mo(messages: dict[str, str]) -> bytes:
    """The GNU .mo format, as Python's own Tools/i18n/msgfmt.py writes it."""
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode(), messages[k].encode()
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    start = 7 * 4 + 16 * len(keys)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + start]
        voffsets += [l2, o2 + start + len(ids)]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return header + struct.pack(f"{len(koffsets)}i", *koffsets) + struct.pack(f"{len(voffsets)}i", *voffsets) + ids + strs


def catalogues() -> dict[str, Path]:
    return {p.parent.parent.name: p for p in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def compile_all() -> list[Path]:
    written = []
    for _lang_code, po in catalogues().items():
        mo = po.with_suffix(".mo")
        data = compile_mo(parse_po(po.read_text(encoding="utf-8")))
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print("wrote", path)
    sys.exit(0)
