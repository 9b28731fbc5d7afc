"""The default-resolution sample scan is written without fpdf2 (whose import alone costs each
panel about 40 MiB, one panel per student in a class). Its PDF's structure:
tests/unit/test_scan_resolution.py."""

from __future__ import annotations

import subprocess
import sys


def test_a_default_scan_needs_no_fpdf() -> None:
    code = ("import sys; from device_model.email import scan; "
            "pdf = scan.sample_scan_pdf(title='t', line='l', pages=2); "
            "assert pdf.startswith(b'%PDF-'); print('fpdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
