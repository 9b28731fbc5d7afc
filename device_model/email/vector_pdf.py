"""The sample scan's vector page written directly as PDF, without fpdf2.

fpdf2's import alone costs a panel about 40 MiB and a quarter of a second (fontTools, its SVG
and image code), and a class server runs one panel per student: the plain page (a heading, a
line, grey bars) needs none of it. PDF 1.4 with the standard Helvetica fonts (nothing embedded),
one Flate-compressed content stream per page and a cross-reference table with exact offsets.
A page with a raster (above the default resolution) is still drawn by fpdf2 (:mod:`.scan`).
"""

from __future__ import annotations

import random
import zlib

#: points per millimetre (the page is laid out in mm, top-left origin, as fpdf2 does)
_K = 72 / 25.4
_A4_W, _A4_H = 210.0, 297.0


def _pdf_text(text: str) -> bytes:
    """A PDF string literal of Latin-1 ``text`` (WinAnsi for the printable ASCII/Latin-1 range)."""
    raw = text.encode("latin-1", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _num(value: float) -> bytes:
    return f"{value:.2f}".rstrip("0").rstrip(".").encode()


def _page_stream(title: str, line: str, rnd: random.Random) -> bytes:
    """One page: the heading and the line as text, then grey bars as "text lines" (as fpdf2's
    version of this page draws them, from the same random sequence)."""

    def text(x: float, y: float, font: bytes, size: int, value: str) -> bytes:
        return (b"BT /" + font + b" " + str(size).encode() + b" Tf " + _num(x * _K) + b" "
                + _num((_A4_H - y) * _K) + b" Td " + _pdf_text(value) + b" Tj ET\n")

    out = [b"0 g\n", text(20, 25, b"F2", 16, title), text(20, 33, b"F1", 10, line),
           b"0.353 g\n"]
    y = 45.0
    while y < 270:
        width = 170 if rnd.random() > 0.15 else rnd.uniform(40, 160)
        out.append(_num(20 * _K) + b" " + _num((_A4_H - y - 2.2) * _K) + b" " + _num(width * _K)
                   + b" " + _num(2.2 * _K) + b" re f\n")
        y += 5 if rnd.random() > 0.1 else 10
    return b"".join(out)


def vector_scan_pdf(title: str, line: str, pages: int, seed: int, creator: str) -> bytes:
    """``pages`` pages of the sample scan; ``title``/``line`` already Latin-1 (scan._latin1)."""
    rnd = random.Random(seed)
    count = max(1, pages)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _pdf_text(title) + b" /Creator " + _pdf_text(creator) + b" /Producer "
        + _pdf_text(creator) + b" >>",
    ]
    kids = []
    media = b"[0 0 " + _num(_A4_W * _K) + b" " + _num(_A4_H * _K) + b"]"
    for page in range(count):
        stream = zlib.compress(_page_stream(title, f"{line}  ({page + 1}/{count})", rnd))
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\n"
                       b"stream\n" + stream + b"\nendstream")
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox " + media
                       + b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents "
                       + str(content).encode() + b" 0 R >>")
        kids.append(str(len(objects)).encode() + b" 0 R")
    objects[1] = (b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count "
                  + str(count).encode() + b" >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R /Info 5 0 R >>\n"
            b"startxref\n" + str(xref).encode() + b"\n%%EOF\n")
    return bytes(out)
