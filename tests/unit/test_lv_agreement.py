"""Latvian values agree with the feminine nouns they follow ("adrese Nav iestatīta", "metode
Izslēgta"): a shared value word put after every label read "Sūtītāja e-pasta adrese Nav iestatīts"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from device_model.i18n import default_catalog
from device_model.network import EmailServerStatus, NetworkStatus

LOCALES = Path(__file__).resolve().parents[2] / "device_model" / "locales"
#: A masculine/feminine past participle or adjective as a value word ("iestatīts", "Izslēgta").
MASC = re.compile(r"ts$")
FEM = re.compile(r"ta$")
#: Feminine head nouns the panel's labels end in (nominative singular -a/-e, and these few).
FEMININE_NOUN = re.compile(r"(?:a|e)$")


def agrees(label: str, value: str) -> bool:
    """False when a one-gender value word follows a label whose last word is the other gender."""
    noun = label.split()[-1].split("/")[0].lower()  # "Tīkla mape/FTP": mape
    word = value.split()[-1].strip("()").lower() if value.split() else ""
    feminine = bool(FEMININE_NOUN.search(noun))
    if feminine:
        return not MASC.search(word)
    return not FEM.search(word)


def test_the_check_itself() -> None:
    assert not agrees("Sūtītāja e-pasta adrese", "Nav iestatīts")
    assert agrees("Sūtītāja e-pasta adrese", "Nav iestatīta")
    assert not agrees("Autentifikācijas metode", "Izslēgts")
    assert agrees("Bloķēšanas iestatījums", "Ieslēgts")
    assert not agrees("Bloķēšanas iestatījums", "Ieslēgta")


def _t(msg: object) -> str:
    return default_catalog().translate("lv", msg)  # type: ignore[arg-type]


def test_status_rows_agree_when_empty_or_off() -> None:
    """Email Server Status and the status sheet, with nothing set and Authentication Method Off."""
    rows = []
    for auth in ("off", "oauth2", "smtp_auth"):
        es = EmailServerStatus(auth_method=auth, email_service=None, sender_address="", smtp_server="", smtp_port=587,
                               secure="none", account="", signin_state="not_signed_in", signin_account="")
        rows += es.rows()
    net = NetworkStatus(device_name="", connection="wifi", connected=True, dhcp=False, ip="", subnet_mask="",
                        gateway="", dns_primary="", dns_secondary="", mac_address="", link_speed="", ssid="",
                        signal=None, ipv6_enabled=True, ipv6_link_local="", proxy_enabled=True, proxy_server="",
                        proxy_port=8080)
    rows += net.rows()
    pairs = [(_t(r.label), _t(r.value) if not isinstance(r.value, str) else r.value) for r in rows]
    assert ("Sūtītāja e-pasta adrese", "Nav iestatīta") in pairs
    assert ("Autentifikācijas metode", "Izslēgta") in pairs
    wrong = [(label, value) for label, value in pairs if not agrees(label, value)]
    assert not wrong, wrong


@pytest.mark.parametrize(("label", "value"), [
    ("panel.field.auth_method", "panel.auth.off"),
    ("status.email.auth_method", "status.email.auth.off"),
    ("webconfig.email.auth_method", "webconfig.email.auth.off"),
    ("panel.field.operation_timeout", "panel.field.on_f"),
    ("panel.field.operation_timeout", "panel.field.off_f"),
    ("panel.field.lock_setting", "panel.field.on"),
    ("scan.dest.network_folder", "scan.dest.network_folder.not_emulated_mark"),
    ("scan.dest.memory_device", "scan.dest.memory_device.not_emulated_mark"),
    ("scan.dest.cloud", "scan.dest.cloud.not_emulated_mark"),
    ("scan.dest.computer", "scan.dest.computer.not_emulated_mark"),
])
def test_a_value_agrees_with_its_label(label: str, value: str) -> None:
    label_text, value_text = _t(label), _t(value)
    assert value_text != value, f"no {value} in the Latvian catalog"
    if label.startswith("webconfig."):
        label_text = "Autentifikācijas metode"  # Web Config's label stays English; the value is Latvian
    assert agrees(label_text, value_text), (label_text, value_text)
