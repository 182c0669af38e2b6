"""``json``: the whole document, as the machine-readable copy (every activity's part too)."""

from __future__ import annotations

import json

__all__ = ["json_bytes"]


def json_bytes(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
