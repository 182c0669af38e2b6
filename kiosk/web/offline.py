"""The offline fallback: the summary carried by the QR codes themselves.

When the phone cannot reach the kiosk (a guest Wi-Fi that isolates its clients, a
phone on mobile data only), a link is no use. Two things work on ordinary phones
without any app and without the kiosk's network:

1. **An e-mail** — a ``mailto:`` code. The iPhone camera and Android's camera /
   Google Lens both recognise ``mailto:`` and open the mail app with the subject and
   body filled in; the manager types their own address and taps Send (the mail
   leaves when the phone has any connection). One scan, and the summary ends up
   somewhere it is kept. Percent-encoding makes the text 1.3–2× longer, so the body
   is the summary cut at a whole line to fit one code (it ends with "…" if cut).
2. **Text codes** — the whole summary as plain text, split at line ends into
   numbered codes ("1/3" …). Every camera app shows the text of a text code with a
   Copy button; nothing is lost, but each code is its own scan.

Each code carries at most ``MAX_QR_BYTES`` bytes at error correction L, which keeps
it at QR version 20 or below (97 modules): on the kiosk's screen that is 6 pixels
or more per module at 1080p, which phone cameras read at 1–2 m. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote

MAX_QR_BYTES = 800
"""UTF-8 bytes in one code: QR version ≤ 20 at error correction L."""
MAX_TEXT_CODES = 8


@dataclass(frozen=True)
class Code:
    kind: str
    """'mail' or 'text'."""
    payload: str
    """What the QR code holds."""
    number: int = 1
    total: int = 1


def mailto(subject: str, body: str) -> str:
    """A ``mailto:`` address with no recipient (RFC 6068: line ends as %0D%0A)."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def mail_code(summary_of, max_bytes: int = MAX_QR_BYTES) -> Code:
    """The longest summary (cut at a line by ``summary_of(max_chars)``) whose mailto fits."""
    full = summary_of(None)
    subject, _, _ = full.partition("\n")
    subject = " ".join(subject.split())[:80]

    def fits(n: Optional[int]) -> Optional[str]:
        text = summary_of(n)
        body = text.partition("\n")[2].strip("\n") if "\n" in text else text
        url = mailto(subject, body)
        return url if len(url.encode("utf-8")) <= max_bytes else None

    url = fits(None)
    if url is None:
        lo, hi = 0, len(full)
        best = mailto(subject, "…")
        while lo <= hi:
            mid = (lo + hi) // 2
            got = fits(mid)
            if got is not None:
                best, lo = got, mid + 1
            else:
                hi = mid - 1
        url = best
    return Code("mail", url)


def text_codes(text: str, max_bytes: int = MAX_QR_BYTES, max_codes: int = MAX_TEXT_CODES) -> list[Code]:
    """The text in numbered parts, each ≤ max_bytes with its "n/N" line, split at line ends
    (a line too long for one code is split between characters). More than max_codes
    parts: the last shown part ends with "…"."""
    room = max_bytes - len(f"{max_codes}/{max_codes}\n".encode()) - 4
    pieces: list[str] = []  # lines, and the slices of a line too long for one code
    for line in text.replace("\r\n", "\n").split("\n"):
        piece = line + "\n"
        while len(piece.encode("utf-8")) > room:
            cut = _fit(piece, room)
            pieces.append(cut)
            piece = piece[len(cut):]
        pieces.append(piece)
    parts: list[str] = []
    cur = ""
    for piece in pieces:
        if cur and len((cur + piece).encode("utf-8")) > room:
            parts.append(cur)
            cur = ""
        cur += piece
    parts.append(cur)
    parts = [p.rstrip("\n") for p in parts if p.strip()] or [""]
    if len(parts) > max_codes:
        parts = parts[:max_codes]
        last = parts[-1]
        while len((last + "\n…").encode("utf-8")) > room:
            last = last[:-1]
        parts[-1] = last + "\n…"
    total = len(parts)
    if total == 1:
        return [Code("text", parts[0], 1, 1)]
    return [Code("text", f"{i}/{total}\n{p}", i, total) for i, p in enumerate(parts, 1)]


def _fit(text: str, max_bytes: int) -> str:
    """The longest prefix of text within max_bytes of UTF-8."""
    if max_bytes <= 0:
        return ""
    data = text.encode("utf-8")[:max_bytes]
    return data.decode("utf-8", "ignore")


def codes(doc: dict, exporter) -> list[Code]:
    """Every offline code for one export document: the e-mail first, then the text."""
    summary_of = lambda n: exporter.summary_text(doc, max_chars=n)  # noqa: E731
    return [mail_code(summary_of)] + text_codes(summary_of(None))
