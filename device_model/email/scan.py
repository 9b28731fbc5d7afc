"""The "scanned" document a Scan to Email job attaches: a sample PDF of one or more pages.

There is no scanner glass in an emulator; a Scan to Email job still needs a real document so the
recipient (and the tests) can open the attachment. The page is drawn with filled rectangles as
"text lines" plus a heading naming the device and the time, written directly as PDF (a few
hundred lines of PDF operators; no PDF library, see :func:`_render`).

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
import zlib
from collections import OrderedDict


def _latin1(text: str) -> str:
    """The core fonts are Latin-1: fold other letters (ē -> e) rather than fail."""
    folded = unicodedata.normalize("NFKD", text)
    return folded.encode("latin-1", "ignore").decode("latin-1")


#: The resolution Epson's panel starts with, and the scan resolutions offered.
DEFAULT_DPI = 200
#: at the default resolution a scan of at most this many pages is rendered on the caller's
#: thread (~0.3 ms a page); more pages or a higher resolution go to a worker thread
INLINE_PAGES = 2
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
    GIL-bound rendering work each, which would stall the event loop's SMTP work beside it.
    Blocking when not memoised (15 ms a page above 200 dpi).
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


def _grain(dpi: int, seed: int) -> tuple[int, int, bytes] | None:
    """A light-grey noise raster (width, height, 8-bit grey samples) for one page above the
    default resolution (None at or below).

    Noise, so Flate cannot shrink it away: its size follows the resolution as a scan's would.
    Each page gets its own seed, so pages are not one shared image.
    """
    if dpi <= DEFAULT_DPI:
        return None
    size = int((dpi / 300) ** 2 * _RASTER_BYTES_300)
    width = max(1, math.isqrt(size * 210 // 297))
    height = max(1, size // width)
    table = bytes(232 + (b % 24) for b in range(256))
    data = random.Random(seed).randbytes(width * height).translate(table)
    return width, height, data


#: Points per millimetre (PDF user space is 1/72 inch).
_K = 72 / 25.4
_PAGE_W, _PAGE_H = 210.0, 297.0  # A4 in mm


def _pdf_text(text: str) -> bytes:
    """A PDF literal string in WinAnsi (Latin-1 folded; C1 controls dropped), escaped."""
    raw = "".join(ch for ch in _latin1(text) if not 0x80 <= ord(ch) < 0xA0).encode("latin-1")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_info_text(text: str) -> bytes:
    """A PDF text string for the document information (UTF-16BE: any script stays readable)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _render(title: str, line: str, pages: int, seed: int, dpi: int = DEFAULT_DPI) -> bytes:
    """The sample scan as PDF 1.4 bytes, written directly: core Helvetica text, filled
    rectangles and (above 200 dpi) one Flate-compressed grey image per page.

    No PDF library: fpdf2 imports fontTools, PIL and cryptography at import (about 44 MiB of
    a panel's memory) for a page that needs none of them. The drawing is the one fpdf2 made.
    """
    n_pages = max(1, pages)
    objects: list[bytes] = []  # object i+1 is objects[i]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(head: bytes, data: bytes) -> bytes:
        return head + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    catalog = add(b"")  # filled in last
    pages_obj = add(b"")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    rnd = random.Random(seed)
    kids: list[int] = []
    for page in range(n_pages):
        ops: list[bytes] = []
        xobjects = b""
        grain = _grain(dpi, seed * 1000 + page)
        if grain is not None:
            width, height, data = grain
            image = add(stream(
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
                b" /BitsPerComponent 8 /Filter /FlateDecode" % (width, height),
                zlib.compress(data),
            ))
            xobjects = b" /XObject << /I1 %d 0 R >>" % image
            ops.append(b"q %.2f 0 0 %.2f 0 0 cm /I1 Do Q" % (_PAGE_W * _K, _PAGE_H * _K))
        ops.append(b"BT /F1 16 Tf %.2f %.2f Td %s Tj ET" % (20 * _K, (_PAGE_H - 25) * _K, _pdf_text(title)))
        ops.append(b"BT /F2 10 Tf %.2f %.2f Td %s Tj ET"
                   % (20 * _K, (_PAGE_H - 33) * _K, _pdf_text(f"{line}  ({page + 1}/{n_pages})")))
        ops.append(b"0.353 g")
        y = 45.0
        while y < 270:
            width_mm = 170 if rnd.random() > 0.15 else rnd.uniform(40, 160)
            ops.append(b"%.2f %.2f %.2f %.2f re f" % (20 * _K, (_PAGE_H - y) * _K, width_mm * _K, -2.2 * _K))
            y += 5 if rnd.random() > 0.1 else 10
        content = add(stream(b"<< /Filter /FlateDecode", zlib.compress(b"\n".join(ops))))
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R /Resources << /Font << /F1 %d 0 R"
            b" /F2 %d 0 R >>%s >> >>" % (pages_obj, content, bold, regular, xobjects)
        ))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (
        b"<< /Type /Pages /Count %d /Kids [%s] /MediaBox [0 0 %.2f %.2f] >>"
        % (n_pages, b" ".join(b"%d 0 R" % k for k in kids), _PAGE_W * _K, _PAGE_H * _K)
    )
    info = add(b"<< /Creator %s /Title %s >>" % (_pdf_info_text("panel-tui emulated printer"), _pdf_info_text(title)))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, info, xref)
    return bytes(out)
