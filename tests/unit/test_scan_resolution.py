"""The sample scan's size follows Resolution and Pages, so Attached File Max Size (314) is reachable."""

from __future__ import annotations

from device_model.email import scan

MB = 1024 * 1024


def test_default_resolution_keeps_the_small_vector_page() -> None:
    pdf = scan.sample_scan_pdf(title="Res test", line="200 dpi")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) < 16 * 1024
    assert scan.sample_scan_pdf(title="Res test", line="200 dpi", dpi=200) is pdf  # same memo entry


def test_higher_resolution_and_more_pages_make_a_larger_pdf() -> None:
    one_300 = scan.sample_scan_pdf(title="Res test", line="300", dpi=300)
    three_300 = scan.sample_scan_pdf(title="Res test", line="300", dpi=300, pages=3)
    one_600 = scan.sample_scan_pdf(title="Res test", line="600", dpi=600)
    assert 200 * 1024 < len(one_300) < MB  # one page at 300 dpi fits a 1 MB limit
    assert len(three_300) > MB  # three do not
    assert len(one_600) > MB  # one page at 600 dpi does not
    assert len(three_300) > 2.5 * len(one_300)  # pages are not deduplicated images
    assert one_600.startswith(b"%PDF-")


def test_large_renderings_are_not_memoised() -> None:
    args = {"title": "Res test", "line": "no memo", "dpi": 600}
    scan.sample_scan_pdf(**args)
    assert scan.cached_sample_scan_pdf(**args) is None


def test_the_scan_page_is_written_without_fpdf2_pil_or_fonttools() -> None:
    """fpdf2 imports fontTools, PIL and cryptography (about 44 MiB) at import: a Scan to Email
    job must not bring them into the panel's process."""
    import subprocess
    import sys

    code = (
        "import sys; from device_model.email import scan; "
        "scan.sample_scan_pdf(title='T', line='l', dpi=300); scan.sample_scan_pdf(title='T', line='l'); "
        "print([m for m in ('fpdf', 'PIL', 'fontTools') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_scan_pdf_cross_reference_table_points_at_its_objects() -> None:
    """Written by hand, so check what a reader relies on: every xref offset starts its object,
    startxref points at the table, text and title survive, non-Latin-1 folds rather than fails."""
    import re

    pdf = scan._render("Scan (1) \\ ē", "Žalā  line", 2, 7, 300)
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    assert pdf[startxref:].startswith(b"xref\n0 ")
    count = int(pdf[startxref:].split(b"\n")[1].split()[1])
    entries = pdf[startxref:].split(b"\n")[3 : 2 + count]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
    assert b"(Scan \\(1\\) \\\\ e) Tj" in zlib_streams(pdf)
    assert pdf.count(b"/Type /Page ") == 2 and pdf.count(b"/Subtype /Image") == 2


def zlib_streams(pdf: bytes) -> bytes:
    """Every Flate stream of ``pdf`` inflated and joined (images included)."""
    import re
    import zlib

    out = b""
    for m in re.finditer(rb"/Length (\d+) >>\nstream\n", pdf):
        start = m.end()
        out += zlib.decompress(pdf[start : start + int(m.group(1))])
    return out
