"""The default-resolution sample scan is written without fpdf2 (whose import alone costs each
panel about 40 MiB, one panel per student in a class) and is a well-formed PDF: every
cross-reference offset lands on its object, every stream's /Length is exact, text is escaped."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib


def test_a_default_scan_needs_no_fpdf() -> None:
    code = ("import sys; from device_model.email import scan; "
            "pdf = scan.sample_scan_pdf(title='t', line='l', pages=2); "
            "assert pdf.startswith(b'%PDF-'); print('fpdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_vector_pdf_is_well_formed() -> None:
    from device_model.email.vector_pdf import vector_scan_pdf

    pdf = vector_scan_pdf("Scan (1) \\ from EPSON", "WF-C5890 09:00", 3, 7, "panel-tui")
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    table = pdf[xref:].split(b"\n")
    assert table[0] == b"xref"
    count = int(table[1].split()[1])
    for number in range(1, count):
        offset = int(table[2 + number].split()[0])
        assert pdf[offset:].startswith(f"{number} 0 obj\n".encode()), number
    streams = list(re.finditer(rb"/Length (\d+) /Filter /FlateDecode >>\nstream\n", pdf))
    assert len(streams) == 3 and b"/Count 3" in pdf
    for m in streams:
        end = m.end() + int(m.group(1))
        assert pdf[end:end + 10] == b"\nendstream"
        page = zlib.decompress(pdf[m.end():end])
        assert b"(Scan \\(1\\) \\\\ from EPSON) Tj" in page and b" re f\n" in page
