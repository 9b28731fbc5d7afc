"""The "scanned" document a Scan to Email job attaches: a one-page sample PDF.

There is no scanner glass in an emulator; a Scan to Email job still needs a real document so the
recipient (and the tests) can open the attachment. The page is drawn with filled rectangles as
"text lines" (about a millisecond with fpdf2) plus a heading naming the device and the time.
fpdf2 is imported here, lazily, so importing the device stays fast.
"""

from __future__ import annotations

import random
import threading
import unicodedata
from collections import OrderedDict


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: fold other letters (ē -> e) rather than fail."""
    folded = unicodedata.normalize("NFKD", text)
    return folded.encode("latin-1", "ignore").decode("latin-1")


#: Renderings by arguments, newest last (at most ``_MEMO_SIZE``).
_MEMO: OrderedDict[tuple[str, str, int, int], bytes] = OrderedDict()
_MEMO_SIZE = 8
_MEMO_LOCK = threading.Lock()


def cached_sample_scan_pdf(*, title: str, line: str, pages: int = 1, seed: int = 7) -> bytes | None:
    """The memoised rendering for these arguments, or None. Never renders: safe on an event loop.

    A Scan to Email job asks this first, so a cache hit costs no worker-thread round trip.
    """
    key = (title, line, pages, seed)
    with _MEMO_LOCK:
        pdf = _MEMO.get(key)
        if pdf is not None:
            _MEMO.move_to_end(key)
        return pdf


def sample_scan_pdf(*, title: str, line: str, pages: int = 1, seed: int = 7) -> bytes:
    """A small PDF that looks like a scanned text page (``pages`` pages).

    Deterministic for its arguments, so it is memoised: jobs within the same minute (the
    heading names the device and the minute) share one rendering instead of spending ~1 ms of
    GIL-bound fpdf2 work each, which would stall the event loop's SMTP work beside it.
    Blocking when not memoised (fpdf2's first import alone takes a quarter of a second).
    """
    pdf = cached_sample_scan_pdf(title=title, line=line, pages=pages, seed=seed)
    if pdf is None:
        pdf = _render(title, line, pages, seed)
        with _MEMO_LOCK:
            _MEMO[(title, line, pages, seed)] = pdf
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
    return pdf


def _render(title: str, line: str, pages: int, seed: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_compression(True)
    pdf.set_creator("panel-tui emulated printer")
    pdf.set_title(_latin1(title))
    rnd = random.Random(seed)
    for page in range(max(1, pages)):
        pdf.add_page()
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
