"""The "scanned" document a Scan to Email job attaches: a sample PDF of one or more pages.

There is no scanner glass in an emulator; a Scan to Email job still needs a real document so the
recipient (and the tests) can open the attachment. The page is drawn with filled rectangles as
"text lines" (about a millisecond with fpdf2) plus a heading naming the device and the time.
fpdf2 is imported here, lazily, so importing the device stays fast.

Resolution: at the default 200 dpi the page stays that small vector drawing. Above it each page
also carries a greyscale "paper" raster whose size grows with the square of the resolution, so
that Pages and Resolution make the attachment as large as a real scan (about 0.4 MB a page at
300 dpi, 1.5 MB at 600 dpi) and Attached File Max Size (error 314) can be reached from the panel.
"""

from __future__ import annotations

import math
import random
import threading
import unicodedata
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported only for a page above the default resolution
    from PIL import Image


#: the PDF's Creator
CREATOR = "panel-tui emulated printer"


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: fold other letters (ē -> e) rather than fail."""
    folded = unicodedata.normalize("NFKD", text)
    return folded.encode("latin-1", "ignore").decode("latin-1")


#: The resolution Epson's panel starts with, and the scan resolutions offered.
DEFAULT_DPI = 200
RESOLUTIONS: tuple[int, ...] = (200, 300, 600)
#: Raster bytes per page at 300 dpi (before Flate; the grain compresses to about 63 %).
_RASTER_BYTES_300 = 600_000
#: Renderings larger than this are not memoised (eight multi-megabyte PDFs would stay in memory).
_MEMO_MAX_BYTES = 256 * 1024

#: Renderings by arguments, newest last (at most ``_MEMO_SIZE``).
_MEMO: OrderedDict[tuple[str, str, int, int, int], bytes] = OrderedDict()
_MEMO_SIZE = 8
_MEMO_LOCK = threading.Lock()


def cached_sample_scan_pdf(
    *, title: str, line: str, pages: int = 1, seed: int = 7, dpi: int = DEFAULT_DPI
) -> bytes | None:
    """The memoised rendering for these arguments, or None. Never renders: safe on an event loop.

    A Scan to Email job asks this first, so a cache hit costs no worker-thread round trip.
    """
    key = (title, line, pages, seed, dpi)
    with _MEMO_LOCK:
        pdf = _MEMO.get(key)
        if pdf is not None:
            _MEMO.move_to_end(key)
        return pdf


def sample_scan_pdf(
    *, title: str, line: str, pages: int = 1, seed: int = 7, dpi: int = DEFAULT_DPI
) -> bytes:
    """A small PDF that looks like a scanned text page (``pages`` pages).

    Deterministic for its arguments, so it is memoised: jobs within the same minute (the
    heading names the device and the minute) share one rendering instead of spending ~1 ms of
    GIL-bound fpdf2 work each, which would stall the event loop's SMTP work beside it.
    Blocking when not memoised (fpdf2's first import alone takes a quarter of a second).
    """
    pdf = cached_sample_scan_pdf(title=title, line=line, pages=pages, seed=seed, dpi=dpi)
    if pdf is None:
        pdf = _render(title, line, pages, seed, dpi)
        if len(pdf) > _MEMO_MAX_BYTES:
            return pdf
        with _MEMO_LOCK:
            _MEMO[(title, line, pages, seed, dpi)] = pdf
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
    return pdf


def _grain(dpi: int, seed: int) -> Image.Image | None:
    """A light-grey noise raster for one page above the default resolution (None at or below).

    Noise, so Flate cannot shrink it away: its size follows the resolution as a scan's would.
    Each page gets its own seed, as fpdf2 would embed one identical image only once.
    """
    if dpi <= DEFAULT_DPI:
        return None
    from PIL import Image

    size = int((dpi / 300) ** 2 * _RASTER_BYTES_300)
    width = max(1, math.isqrt(size * 210 // 297))
    height = max(1, size // width)
    table = bytes(232 + (b % 24) for b in range(256))
    data = random.Random(seed).randbytes(width * height).translate(table)
    return Image.frombytes("L", (width, height), data)


def _render(title: str, line: str, pages: int, seed: int, dpi: int = DEFAULT_DPI) -> bytes:
    if dpi <= DEFAULT_DPI:  # no raster: written directly, without fpdf2's ~40 MiB import
        from .vector_pdf import vector_scan_pdf

        return vector_scan_pdf(_latin1(title), _latin1(line), pages, seed, CREATOR)
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_compression(True)
    pdf.set_creator(CREATOR)
    pdf.set_title(_latin1(title))
    rnd = random.Random(seed)
    for page in range(max(1, pages)):
        pdf.add_page()
        grain = _grain(dpi, seed * 1000 + page)
        if grain is not None:
            pdf.image(grain, 0, 0, 210, 297)
        pdf.set_font("Helvetica", "B", 16)
        pdf.text(20, 25, _latin1(title))
        pdf.set_font("Helvetica", size=10)
        pdf.text(20, 33, _latin1(f"{line}  ({page + 1}/{max(1, pages)})"))
        pdf.set_fill_color(90, 90, 90)
        y = 45.0
        while y < 270:
            width = 170 if rnd.random() > 0.15 else rnd.uniform(40, 160)
            pdf.rect(20, y, width, 2.2, style="F")
            y += 5 if rnd.random() > 0.1 else 10
    return bytes(pdf.output())
