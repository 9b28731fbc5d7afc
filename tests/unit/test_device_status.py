"""Network Status, Email Server Status and the printed status sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_model import Device, DeviceProfile, FrozenClock


@pytest.fixture
def dev(tmp_path: Path) -> Device:
    return Device(tmp_path, clock=FrozenClock())


def _shown(dev: Device, rows) -> dict[str, str]:
    return {r.id: dev.t(r.value) if not isinstance(r.value, str) else r.value for r in rows}


def test_network_status_dhcp_defaults(dev: Device) -> None:
    st = dev.network_status()
    shown = _shown(dev, st.rows())
    assert shown["ip"] == "192.168.1.37"
    assert shown["subnet_mask"] == "255.255.255.0"
    assert shown["gateway"] == "192.168.1.1"
    assert shown["mac"] == dev.profile.mac_address
    assert shown["device_name"] == "EPSON123456"
    assert shown["connection"] == "Wired LAN: Connected"
    assert shown["dns_secondary"] == "Not set"
    assert "ssid" not in shown


def test_network_status_manual_and_wifi(dev: Device) -> None:
    dev.update("network", connection="wifi", dhcp=False, ip="10.0.0.50", subnet_mask="255.255.255.0",
               gateway="10.0.0.1", dns_primary="10.0.0.2")
    shown = _shown(dev, dev.network_status().rows())
    assert (shown["ip"], shown["gateway"], shown["dns_primary"]) == ("10.0.0.50", "10.0.0.1", "10.0.0.2")
    assert shown["ip_mode"] == "Manual"
    assert shown["ssid"] == dev.profile.wifi_ssid and shown["signal"] == "Excellent"
    dev.update("basic", language="lv")
    assert dev.t(dev.network_status().rows()[0].value) == "Wi-Fi: savienots"


def test_email_server_status(dev: Device) -> None:
    shown = _shown(dev, dev.email_server_status().rows())
    assert shown["auth_method"] == "Off"
    assert shown["sender_address"] == "Not set" and shown["smtp_server"] == "Not set"
    dev.update("email_server", auth_method="oauth2", email_service="exchange_online",
               sender_address="printer@contoso.com", smtp_server="smtp.office365.com", smtp_port=587,
               secure="starttls")
    st = dev.email_server_status()
    shown = _shown(dev, st.rows())
    assert shown["auth_method"] == "OAuth2"
    assert shown["email_service"] == "Microsoft Exchange Online"
    assert shown["signin_state"] == "Not signed in"  # no email client yet, or not signed in
    assert shown["smtp_port"] == "587" and shown["secure"] == "STARTTLS"


def test_email_status_uses_email_client(dev: Device) -> None:
    class FakeStatus:
        state = "signed_in"
        account = "printer@contoso.com"
        sign_in_again = False

    class FakeClient:
        def status(self) -> FakeStatus:
            return FakeStatus()

    dev.email = FakeClient()
    dev.update("email_server", auth_method="oauth2")
    shown = _shown(dev, dev.email_server_status().rows())
    assert shown["signin_state"] == "Signed in" and shown["signin_account"] == "printer@contoso.com"


def pdf_text(data: bytes) -> str:
    """The text of an uncompressed fpdf2 PDF with embedded TrueType fonts, line by line.

    Enough for fpdf2's own output: each ``BT ... Tj ET`` string holds 2-byte glyph ids,
    translated through the ToUnicode CMap of the font the last ``Tf`` chose.
    """
    import re

    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}
    resources = b"".join(body for body in objects.values() if b"/Font <<" in body or b"/Font<<" in body)
    fonts = {}
    for name, num in re.findall(rb"/(F\d+) (\d+) 0 R", resources):
        font = objects[int(num)]
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
        cmap: dict[int, str] = {}
        if to_unicode:
            for gid, uni in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4,8})>", objects[int(to_unicode.group(1))]):
                cmap[int(gid, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
        fonts[name] = cmap

    def literal(raw: bytes) -> bytes:
        out, i = bytearray(), 0
        escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
        while i < len(raw):
            c = raw[i]
            if c == 0x5C:  # backslash
                nxt = raw[i + 1]
                if nxt in escapes:
                    out.append(escapes[nxt])
                    i += 2
                elif 0x30 <= nxt <= 0x37:
                    digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4]).group(0)
                    out.append(int(digits, 8))
                    i += 1 + len(digits)
                else:
                    out.append(nxt)
                    i += 2
            else:
                out.append(c)
                i += 1
        return bytes(out)

    lines, current = [], {}
    for stream in re.findall(rb"stream\n(.*?)endstream", data, re.S):
        for m in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", stream, re.S):
            if m.group(1):
                current = fonts.get(m.group(1), {})
            else:
                raw = literal(m.group(2))
                lines.append("".join(current.get(int.from_bytes(raw[i : i + 2], "big"), "?") for i in range(0, len(raw), 2)))
    return "\n".join(lines)


def test_status_sheet_is_in_the_device_language(dev: Device) -> None:
    """Latvian mode prints a Latvian sheet, with its letters (a Unicode font is embedded)."""
    dev.update("basic", language="lv")
    text = pdf_text(dev.print_status_sheet().read_bytes())
    assert "Tīkla statusa lapa" in text
    assert "E-pasta serveris" in text and "Sērijas numurs" in text
    assert "Network Status Sheet" not in text and "Serial Number" not in text
    dev.update("basic", language="en")
    text = pdf_text(dev.print_status_sheet().read_bytes())
    assert "Network Status Sheet" in text and "Tīkla" not in text


def test_status_sheet_pdf(dev: Device) -> None:
    dev.update("network", device_name="LAB-PRINTER-7")
    dev.update("email_server", auth_method="smtp_auth", account="scan@contoso.com", password="Pw-Not-On-Sheet",
               sender_address="scan@contoso.com", smtp_server="smtp.office365.com", smtp_port="587")
    dev.update("network", proxy_enabled=True, proxy_server="proxy.lan", proxy_password="ProxySecret1")
    dev.update("basic", language="lv")
    path = dev.print_status_sheet()
    assert path.parent == dev.state_dir / "prints"
    assert path.name.startswith("network-status-") and path.suffix == ".pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for fact in ("LAB-PRINTER-7", dev.profile.mac_address, "192.168.1.37", "smtp.office365.com",
                 "scan@contoso.com", "GT03P7", "proxy.lan"):
        assert fact in text, fact
    for secret in ("Pw-Not-On-Sheet", "ProxySecret1"):
        assert secret not in text and secret.encode() not in data
    job = dev.jobs.log[0]
    assert job.kind == "print" and job.status == "completed"
    assert dev.jobs.active == []
    second = dev.print_status_sheet()
    assert second != path and second.exists()


def test_scanner_profile() -> None:
    p = DeviceProfile.scanner()
    assert not p.has_general_settings and not p.has_security_settings
    assert DeviceProfile.default().is_locked_item("network_settings")


def test_printing_the_sheet_leaves_fpdf2_out_of_the_printer_process(tmp_path: Path) -> None:
    """fpdf2 (with fontTools, PIL, cryptography: about 44 MiB) lays the sheet out in a child
    process that exits, so one print does not grow the panel for the rest of its session."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from device_model import Device, FrozenClock; "
        f"p = Device(Path({str(tmp_path)!r}), clock=FrozenClock()).print_status_sheet(); "
        "assert p.read_bytes().startswith(b'%PDF'); "
        "print([m for m in ('fpdf', 'PIL', 'fontTools') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_failing_sheet_renderer_fails_the_print_job(dev: Device, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that dies without a PDF ends the print job as failed, with the reason raised."""
    import subprocess
    import sys

    original = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda argv, **kw: original([sys.executable, "-c", "raise SystemExit(3)"], **kw))
    with pytest.raises(RuntimeError, match="status sheet renderer failed"):
        dev.print_status_sheet()
    assert dev.jobs.log[0].status == "error"
