"""Add translations to the da and nb catalogues and recompile them.

    python tools/po_add.py new.json      # {"English msgid": ["dansk", "norsk"], ...}

Only msgids the catalogue does not have yet are appended (so running it twice is
harmless); a lock lets several people add at once. The .mo files are rebuilt.
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import i18n  # noqa: E402


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def add(pairs: dict[str, list[str]]) -> int:
    added = 0
    with open(i18n.LOCALE_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for col, lang in enumerate(("da", "nb")):
            po = i18n.catalogues()[lang]
            text = po.read_text(encoding="utf-8")
            have = i18n.parse_po(text)
            new = [f"msgid {quoted(en)}\nmsgstr {quoted(tr[col])}\n"
                   for en, tr in pairs.items() if en not in have]
            if new:
                po.write_text(text.rstrip("\n") + "\n\n" + "\n".join(new), encoding="utf-8")
                added += len(new)
        i18n.compile_all()
    return added


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    bad = [k for k, v in data.items() if not (isinstance(v, list) and len(v) == 2 and all(v))]
    if bad:
        sys.exit(f"each value must be [dansk, norsk]; not so for: {bad[:3]}")
    print(f"added {add(data)} entries")
