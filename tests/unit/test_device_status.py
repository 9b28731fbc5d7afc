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

    class FakeClient:
        def status(self) -> FakeStatus:
            return FakeStatus()

    dev.email = FakeClient()
    dev.update("email_server", auth_method="oauth2")
    shown = _shown(dev, dev.email_server_status().rows())
    assert shown["signin_state"] == "Signed in" and shown["signin_account"] == "printer@contoso.com"


def test_status_sheet_pdf(dev: Device) -> None:
    dev.update("network", device_name="LAB-PRINTER-7")
    dev.update("email_server", auth_method="smtp_auth", account="scan@contoso.com", password="Pw-Not-On-Sheet",
               sender_address="scan@contoso.com", smtp_server="smtp.office365.com", smtp_port="587")
    dev.update("network", proxy_enabled=True, proxy_server="proxy.lan", proxy_password="ProxySecret1")
    dev.update("basic", language="lv")  # sheet stays English and ASCII-safe
    path = dev.print_status_sheet()
    assert path.parent == dev.state_dir / "prints"
    assert path.name.startswith("network-status-") and path.suffix == ".pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    for fact in (b"LAB-PRINTER-7", dev.profile.mac_address.encode(), b"192.168.1.37", b"smtp.office365.com",
                 b"scan@contoso.com", b"GT03P7", b"proxy.lan"):
        assert fact in data, fact
    assert b"Pw-Not-On-Sheet" not in data and b"ProxySecret1" not in data
    job = dev.jobs.log[0]
    assert job.kind == "print" and job.status == "completed"
    assert dev.jobs.active == []
    second = dev.print_status_sheet()
    assert second != path and second.exists()


def test_scanner_profile() -> None:
    p = DeviceProfile.scanner()
    assert not p.has_general_settings and not p.has_security_settings
    assert DeviceProfile.default().is_locked_item("network_settings")
