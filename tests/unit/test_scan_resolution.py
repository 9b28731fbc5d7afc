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
