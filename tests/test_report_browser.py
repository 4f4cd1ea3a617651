"""The report in a real browser: headless Chromium loads it from disk, takes a screenshot, and the
charts must have drawn (non-blank pixels, green heatmap cells) with the expected elements in the
DOM after load. Needs Chromium and matplotlib, so it runs only when EVALSUM_BROWSER=1
(`.ci/report_browser` installs both and sets it); the base suite skips it."""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.conftest import REFERENCES, cli

pytestmark = pytest.mark.skipif(os.environ.get("EVALSUM_BROWSER") != "1",
                                reason="real-browser test: run .ci/report_browser (EVALSUM_BROWSER=1)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, channels, raw pixels) of an 8-bit RGB or RGBA PNG, with the stdlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif f == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif f == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif f == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = prev[i], prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(out)


def chromium() -> str:
    found = shutil.which(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if found is None:
        pytest.fail("Chromium not found: .ci/report_browser installs Debian's chromium (or set CHROMIUM)")
    return found


def browse(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    results = tmp_path / "results"
    assert cli("run", "--all", "--references", str(REFERENCES), "--results", str(results)) == 0
    page = Path(os.environ.get("EVALSUM_BROWSER_OUT", tmp_path)) / "report.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    assert cli("report", "--out", str(page), "--references", str(REFERENCES), "--results", str(results)) == 0

    shot = page.with_name("report.png")
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    width, height, ch, px = decode_png(shot.read_bytes())
    assert (width, height) == (1280, 2000)
    pixels = [px[i:i + 3] for i in range(0, len(px), ch)]
    inked = sum(1 for r, g, b in pixels if r + g + b < 600)
    green = sum(1 for r, g, b in pixels if g > r + 40 and g > b + 20)  # heatmap cells
    blue = sum(1 for r, g, b in pixels if b > r + 60 and b > g + 20)  # score dots, headings' rules
    assert inked > 0.02 * width * height, f"page looks blank: {inked} dark pixels"
    assert green > 5000, f"heatmap did not draw: {green} green pixels"
    assert blue > 300, f"score chart did not draw: {blue} blue pixels"

    dom = browse(page, tmp_path, "--dump-dom").stdout
    assert len(re.findall(r'<figure class="chart" id="chart-[a-z-]+"><svg\b', dom)) == 3
    assert dom.count("<path") > 100  # the charts' marks and glyphs, parsed as SVG
    assert len(re.findall(r'<tr class="system" data-system="', dom)) == 3
    assert len(re.findall(r'<tr class="ceiling" data-system="', dom)) == 2
    assert len(re.findall(r'<article class="summary" data-system="', dom)) == 5
    assert "[✓ fact norad]" not in dom and '<span class="m fact">✓ fact norad</span>' in dom
