"""Settings: validation per field with nothing saved, coercion of typed strings, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_model import Device, FrozenClock, ValidationError


@pytest.fixture
def dev(tmp_path: Path) -> Device:
    return Device(tmp_path, clock=FrozenClock())


def test_settings_change_survives_restart(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    dev.update("network", device_name="OFFICE-PRN", dhcp="false", ip="10.0.5.20",
               subnet_mask="255.255.255.0", gateway="10.0.5.1", dns_primary="10.0.5.2")
    dev.update("email_server", auth_method="oauth2", email_service="exchange_online",
               sender_address="printer@contoso.com", smtp_server="smtp.office365.com",
               smtp_port="587", secure="starttls")
    dev.update("basic", language="lv")
    again = Device(tmp_path, clock=FrozenClock())
    assert again.settings == dev.settings
    assert again.settings.email_server.smtp_port == 587
    assert again.network_status().ip == "10.0.5.20"
    assert again.t("status.email.sender_address") == "Sūtītāja e-pasta adrese"


def test_update_emits_event_and_is_a_noop_when_unchanged(dev: Device) -> None:
    events = []
    dev.subscribe(events.append)
    dev.update("scan", attached_file_max_size_mb=2)
    dev.update("scan", attached_file_max_size_mb="2")
    assert [(e.kind, e.detail) for e in events] == [("settings", "scan")]


def _errors(dev: Device, section: str, **values) -> dict:
    before = (dev.state_dir / "settings.json").read_bytes()
    snapshot = dev.settings
    with pytest.raises(ValidationError) as info:
        dev.update(section, **values)
    assert dev.settings == snapshot  # nothing changed in memory
    assert (dev.state_dir / "settings.json").read_bytes() == before  # nothing saved
    return {k: v.key for k, v in info.value.errors.items()}


def test_email_server_field_messages(dev: Device) -> None:
    errs = _errors(
        dev, "email_server",
        smtp_port="abc", smtp_server="smtp_bad!host", sender_address=".me@x.com",
        secure="tls1.3", auth_method="kerberos", password="x" * 21, account="ü",
    )
    assert errs == {
        "smtp_port": "validation.integer",
        "smtp_server": "validation.host_chars",
        "sender_address": "validation.sender_leading_dot",
        "secure": "validation.choice",
        "auth_method": "validation.choice",
        "password": "validation.max_length",
        "account": "validation.ascii",
    }


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("smtp_port", "0", "validation.range"),
        ("smtp_port", 65536, "validation.range"),
        ("smtp_port", True, "validation.integer"),
        ("smtp_server", "a" * 256, "validation.max_length"),
        ("smtp_server", "300.1.1.1", "validation.host_format"),
        ("smtp_server", "-bad.example.com", "validation.host_format"),
        ("smtp_server", "smtp..example.com", "validation.host_format"),
        ("sender_address", "a<b>@x.com", "validation.sender_chars"),
        ("sender_address", "no-at-sign", "validation.sender_format"),
        ("sender_address", "a@" + "x" * 254, "validation.max_length"),
        ("email_service", "gmail", "validation.choice"),
    ],
)
def test_email_server_limits(dev: Device, field: str, value: object, key: str) -> None:
    assert _errors(dev, "email_server", **{field: value}) == {field: key}


@pytest.mark.parametrize(
    "values",
    [
        {"smtp_port": "587", "smtp_server": "smtp.office365.com", "secure": "STARTTLS"},
        {"smtp_port": 1, "smtp_server": "192.168.1.10", "secure": "ssl_tls"},
        {"smtp_port": " 65535 ", "smtp_server": "", "sender_address": ""},
        {"sender_address": "first.last+tag@contoso.onmicrosoft.com", "email_service": ""},
        {"auth_method": "smtp_auth", "account": "user@x.com", "password": "p" * 20},
        {"auth_method": "oauth2", "email_service": "outlook_com"},
    ],
)
def test_email_server_accepts_valid_values(dev: Device, values: dict) -> None:
    dev.update("email_server", **values)


def test_coercion_results(dev: Device) -> None:
    dev.update("email_server", smtp_port="587", secure="STARTTLS", email_service="", auth_method="OAuth2")
    es = dev.settings.email_server
    assert (es.smtp_port, es.secure, es.email_service, es.auth_method) == (587, "starttls", None, "oauth2")


def test_unknown_field_and_section(dev: Device) -> None:
    assert _errors(dev, "email_server", smtp_prot=25) == {"smtp_prot": "validation.unknown_field"}
    with pytest.raises(ValidationError) as info:
        dev.update("nope", x=1)
    assert "section" in info.value.errors


@pytest.mark.parametrize(
    ("name", "ok"),
    [("EPSON123456", True), ("ab", True), ("a", False), ("x" * 53, True), ("x" * 54, False),
     ("has space", False), ("under_score", False), ("-lead", False), ("tail-", False), ("mid-dle", True),
     ("Tīkls", False)],
)
def test_device_name_rules(dev: Device, name: str, ok: bool) -> None:
    if ok:
        dev.update("network", device_name=name)
        assert dev.settings.network.device_name == name
    else:
        assert set(_errors(dev, "network", device_name=name)) == {"device_name"}


def test_manual_tcpip_requires_valid_addresses(dev: Device) -> None:
    errs = _errors(dev, "network", dhcp=False, ip="192.168.1.300", subnet_mask="255.0.255.0", gateway="")
    assert errs == {"ip": "validation.ipv4", "subnet_mask": "validation.subnet_mask"}
    assert _errors(dev, "network", dhcp=False) == {"ip": "validation.required", "subnet_mask": "validation.required"}
    errs = _errors(dev, "network", dhcp=False, ip="192.168.1.20", subnet_mask="255.255.255.0", gateway="10.0.0.1")
    assert errs == {"gateway": "validation.gateway_subnet"}
    errs = _errors(dev, "network", dhcp=False, ip="192.168.1.255", subnet_mask="255.255.255.0", gateway="192.168.1.1")
    assert errs == {"ip": "validation.ip_reserved"}
    errs = _errors(dev, "network", dhcp=False, ip="127.0.0.5", subnet_mask="255.0.0.0")
    assert errs == {"ip": "validation.ip_reserved"}
    errs = _errors(dev, "network", dhcp="maybe", dns_primary="1.2.3")
    assert errs == {"dhcp": "validation.boolean"}
    errs = _errors(dev, "network", dns_auto=False, dns_primary="1.2.3")
    assert errs == {"dns_primary": "validation.ipv4"}


def test_address_format_checked_even_with_dhcp(dev: Device) -> None:
    assert _errors(dev, "network", ip="10.0.0.999", subnet_mask="255.255", gateway="x") == {
        "ip": "validation.ipv4", "subnet_mask": "validation.subnet_mask", "gateway": "validation.ipv4"}


def test_dhcp_ignores_stale_manual_fields(dev: Device) -> None:
    dev.update("network", dhcp=False, ip="10.1.1.5", subnet_mask="255.255.0.0", gateway="10.1.0.1")
    dev.update("network", dhcp=True)
    status = dev.network_status()
    assert status.ip == dev.profile.dhcp_lease.ip


def test_other_sections(dev: Device) -> None:
    dev.update("basic", language="LV", operation_timeout_on="off", operation_timeout_minutes="30")
    assert dev.settings.basic.language == "lv" and dev.settings.basic.operation_timeout_on is False
    assert _errors(dev, "basic", language="de") == {"language": "validation.choice"}
    assert _errors(dev, "basic", operation_timeout_minutes=0) == {"operation_timeout_minutes": "validation.range"}
    assert _errors(dev, "scan", attached_file_max_size_mb="11") == {"attached_file_max_size_mb": "validation.range"}
    assert _errors(dev, "network", proxy_enabled=True) == {"proxy_server": "validation.required"}
    dev.update("network", proxy_enabled="on", proxy_server="proxy.local", proxy_port="3128")


def test_messages_translate_with_params(dev: Device) -> None:
    with pytest.raises(ValidationError) as info:
        dev.update("email_server", smtp_port="70000")
    msg = info.value.errors["smtp_port"]
    assert dev.t(msg) == "Enter a number from 1 to 65535."
    dev.update("basic", language="lv")
    assert dev.t(msg) == "Ievadiet skaitli no 1 līdz 65535."


def test_password_not_logged(dev: Device, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    dev.update("email_server", auth_method="smtp_auth", account="u@x.com", password="Sup3r-Secret")
    assert "Sup3r-Secret" not in caplog.text
    assert "Sup3r-Secret" not in repr(dev.email_server_status())


def test_saved_language_only_reads_the_state_dir(tmp_path: Path) -> None:
    """The class server asks a student's printer its language before the panel starts: a kept
    language is found, and a missing or corrupt file is None and left for the panel to report."""
    from device_model import Device
    from device_model.device import saved_language

    assert saved_language(tmp_path / "nobody") is None
    Device(tmp_path / "ann").update("basic", language="lv")
    assert saved_language(tmp_path / "ann") == "lv"
    bad = tmp_path / "bob"
    bad.mkdir()
    (bad / "settings.json").write_text("{not json")
    assert saved_language(bad) is None
    assert (bad / "settings.json").read_text() == "{not json"
    (bad / "settings.json").write_text('{"schema_version": 1, "data": {"basic": {"language": "xx"}}}')
    assert saved_language(bad) is None
