"""tools/screenshots.py really draws the kiosk: run it (quick, small) and read the PNGs it wrote."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path: Path) -> tuple[int, int, list[bytes], int]:
    """(width, height, rows of pixel bytes, bytes per pixel) of an 8-bit, non-interlaced RGB/RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"{path.name}: bad CRC in {kind!r}"
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    assert header is not None, f"{path.name} has no IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"{path.name}: unexpected PNG format {header}"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    assert len(raw) == height * (stride + 1), f"{path.name}: image data does not match its size"
    rows, prev = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        if kind != 0:  # undo the row filter (Kivy writes filter 0; others are handled for completeness)
            out = bytearray(line)
            for x in range(stride):
                a = out[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                if kind == 1:
                    pred = a
                elif kind == 2:
                    pred = b
                elif kind == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                out[x] = (out[x] + pred) & 0xFF
            line = bytes(out)
        rows.append(line)
        prev = line
    return width, height, rows, bpp


def colours(rows: list[bytes], bpp: int, step: int = 7) -> Counter:
    """How often each colour occurs, sampling every ``step``-th pixel of every ``step``-th row."""
    seen: Counter = Counter()
    for line in rows[::step]:
        for x in range(0, len(line), bpp * step):
            seen[line[x:x + 3]] += 1
    return seen


@pytest.mark.window
def test_quick_screenshots_are_real_pictures(tmp_path):
    out = tmp_path / "shots"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshots.py"), "--child", "--quick",
         "--size", "1280x720", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]

    listed = [Path(line) for line in proc.stdout.split()]
    written = sorted((out / "1280x720").glob("*.png"))
    assert [p.name for p in written] == ["01-board-empty.png", "02-team-typed.png", "03-workshop-running.png"]
    assert sorted(listed) == written, "the printed list is not the files written"

    pictures = {}
    for path in written:
        width, height, rows, bpp = read_png(path)
        assert (width, height) == (1280, 720), f"{path.name} is {width}x{height}"
        seen = colours(rows, bpp)
        total = sum(seen.values())
        background, most = seen.most_common(1)[0]
        assert len(seen) >= 16, f"{path.name}: only {len(seen)} colours: a blank or broken frame"
        assert most / total < 0.97, f"{path.name}: {most / total:.0%} of it is one colour {tuple(background)}"
        assert background != b"\x00\x00\x00", f"{path.name}: black background: nothing was drawn"
        pictures[path.name] = b"".join(rows)
    assert len(set(pictures.values())) == len(pictures), "two screens came out identical: a tap did nothing"
