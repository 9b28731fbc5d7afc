"""The network status sheet, "printed" as a PDF (Network Status > Print Status Sheet).

Printed in the device's language, like everything else the printer says. Latvian needs "ā",
"ē", "ī", "š", "ž" ..., which fpdf2's core fonts (Latin-1 only) cannot show, so the sheet uses
DejaVu Sans, shipped in ``device_model/fonts/`` as a Latin subset (about 40 KB each, licence
beside them): a sheet must not depend on the fonts the host happens to have. Characters outside
the subset (an SSID in another script) print as "?", never crash the print. The PDF is written
uncompressed (it is small) so that tests and curious users can look inside it.

Never on the sheet: the SMTP password, the proxy password, any OAuth token.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Protocol

from .clock import Clock
from .jsontypes import JsonObject
from .i18n import Msg
from .jobs import JobLog
from .network import EmailServerStatus, NetworkStatus, StatusRow
from .profile import DeviceProfile
from .settings import Settings
from .storage import atomic_write_bytes, ensure_dir

FONT_DIR = Path(__file__).with_name("fonts")
FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans-subset.ttf", "B": "DejaVuSans-Bold-subset.ttf"}


class SheetSource(Protocol):
    """What the sheet reads of the printer (the ``Device``): typed here so that the sheet does
    not import the device that prints it."""

    profile: DeviceProfile
    clock: Clock
    jobs: JobLog

    @property
    def language(self) -> str: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def prints_dir(self) -> Path: ...

    def t(self, key: "str | Msg", **params: object) -> str: ...

    def network_status(self) -> NetworkStatus: ...

    def email_server_status(self) -> EmailServerStatus: ...

    def format_datetime(self, when: datetime | None = None, *, seconds: bool = False) -> str: ...


def ascii_safe(text: str) -> str:
    """Fold to printable ASCII ("Tīkla" -> "Tikla"); unknown characters become "?"."""
    folded = unicodedata.normalize("NFKD", text)
    out = []
    for ch in folded:
        if unicodedata.combining(ch):
            continue
        out.append(ch if 32 <= ord(ch) < 127 else "?")
    return "".join(out)


def _printable(text: str, covered: frozenset[int]) -> str:
    """``text`` with characters the font lacks folded to ASCII (or "?"); composed first."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch if ord(ch) in covered else ascii_safe(ch) for ch in text)


def sheet_sections(device: SheetSource) -> list[tuple[Msg, list[StatusRow]]]:
    """What the sheet prints, grouped by heading (also usable for an on-screen preview)."""
    p = device.profile
    net = device.network_status()
    email = device.email_server_status()
    general = [
        StatusRow("model", Msg.of("status.sheet.model"), p.model),
        StatusRow("serial", Msg.of("status.sheet.serial"), p.serial_number),
        StatusRow("firmware", Msg.of("status.sheet.firmware"), p.firmware_version),
        StatusRow("printed", Msg.of("status.sheet.printed"), device.format_datetime(seconds=True)),
    ]
    services = [
        StatusRow("wifi_direct", Msg.of("status.sheet.wifi_direct"), Msg.of("status.disabled")),
        StatusRow("protocols", Msg.of("status.sheet.protocols"), "HTTP, HTTPS, SMTP"),
        StatusRow("certificate", Msg.of("status.sheet.certificate"), Msg.of("status.sheet.self_signed")),
    ]
    sections = [
        (Msg.of("status.sheet.general"), general),
        (Msg.of("status.sheet.network"), net.rows()),
        (Msg.of("status.sheet.ipv6_proxy"), net.extra_rows()),
        (Msg.of("status.sheet.services"), services),
        (Msg.of("status.sheet.email_server"), email.rows()),
    ]
    if p.additional_network is not None:  # models with a second interface print it too
        from .additional_network import status_rows

        sections.insert(2, (Msg.of("menu.additional_network_status"), status_rows(device)))
    return sections


def sheet_spec(device: SheetSource) -> JsonObject:
    """The sheet's words, translated, as plain JSON: what :func:`render_spec` lays out."""
    return {
        "title": device.t(Msg.of("status.sheet.title")),
        "doc_title": f"{device.t(Msg.of('status.sheet.title'))} - {device.network_status().device_name}",
        "simulated": device.t(Msg.of("status.sheet.simulated")),
        "language": device.language,
        "created": device.clock.now().isoformat(),
        "sections": [
            [device.t(heading), [[device.t(r.label) if isinstance(r.label, Msg) else str(r.label),
                                  device.t(r.value) if isinstance(r.value, Msg) else str(r.value)]
                                 for r in rows]]
            for heading, rows in sheet_sections(device)
        ],
    }


def render_spec(spec: JsonObject) -> bytes:
    """Lay out :func:`sheet_spec`'s words with fpdf2 (imported here; run in a child process)."""
    from datetime import datetime

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / name))
    covered = frozenset(pdf.fonts[FONT_FAMILY.lower()].cmap) if FONT_FAMILY.lower() in pdf.fonts else frozenset()

    def tr(value: object) -> str:
        return _printable(str(value), covered)

    pdf.set_creator("panel-tui (simulated Epson device)")
    pdf.set_title(tr(spec["doc_title"]))
    pdf.set_lang(str(spec["language"]))
    pdf.set_creation_date(datetime.fromisoformat(str(spec["created"])))
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 15)
    pdf.cell(0, 9, tr(spec["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.cell(0, 5, tr(spec["simulated"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for heading, rows in spec["sections"]:  # type: ignore[union-attr]
        pdf.set_font(FONT_FAMILY, "B", 11)
        pdf.cell(0, 7, tr(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT_FAMILY, "", 10)
        for label, value in rows:
            pdf.cell(70, 5.5, tr(label))
            pdf.cell(0, 5.5, tr(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


#: A child that has not written the sheet by then is stuck: the print fails instead of hanging.
RENDER_TIMEOUT_S = 60.0


def render_pdf(device: SheetSource) -> bytes:
    """The sheet as PDF bytes, laid out by fpdf2 in a short-lived child process.

    fpdf2 imports fontTools, PIL and cryptography at import (about 44 MiB resident, a quarter
    of a second): in the panel's process they would stay for the whole session after one print.
    The child (``python -m device_model.status_sheet``) reads the words as JSON on stdin and
    writes the PDF on stdout, then exits, giving the memory back. If no child can be started
    (no interpreter to run), the sheet is laid out here instead.
    """
    import json
    import subprocess
    import sys

    import os

    spec = json.dumps(sheet_spec(device)).encode()
    env = dict(os.environ)  # this package importable in the child however the parent found it
    package_root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    try:
        child = subprocess.run(
            [sys.executable, "-m", "device_model.status_sheet"], input=spec, capture_output=True,
            timeout=RENDER_TIMEOUT_S, check=False, env=env,
        )
    except OSError:
        return render_spec(json.loads(spec))
    if child.returncode != 0 or not child.stdout.startswith(b"%PDF"):
        detail = child.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit {child.returncode}"]
        raise RuntimeError(f"status sheet renderer failed: {detail[0]}")
    return child.stdout


def print_status_sheet(device: SheetSource) -> Path:
    """Write ``state_dir/prints/network-status-<timestamp>.pdf`` (0600), log a completed print job.

    If writing fails the print job is logged with status "error" and the OSError propagates.
    """
    folder = ensure_dir(device.prints_dir)
    stamp = device.clock.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"network-status-{stamp}.pdf"
    n = 1
    while path.exists():
        path = folder / f"network-status-{stamp}-{n}.pdf"
        n += 1
    job = device.jobs.start("print", device.t("device.job.name.status_sheet"))
    try:
        data = render_pdf(device)
        atomic_write_bytes(path, data)
    except Exception as exc:  # whatever stops the print ends its job as failed, then propagates
        device.jobs.finish(job, "error", None, reply=type(exc).__name__)
        raise
    device.jobs.finish(job, "completed", file=str(path))
    return path


def _main() -> None:
    """The child of :func:`render_pdf`: JSON words on stdin, PDF bytes on stdout."""
    import json
    import sys

    sys.stdout.buffer.write(render_spec(json.loads(sys.stdin.buffer.read())))


if __name__ == "__main__":
    _main()
