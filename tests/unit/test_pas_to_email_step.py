"""Print Admin Serverless: what To Email needs first, decided before any sign-in starts."""

from __future__ import annotations

from pathlib import Path

from device_model import Device, models
from device_model.pas import pas_for


def _user_client(tmp_path: Path):  # type: ignore[no-untyped-def]
    device = Device(tmp_path / "device", profile=models.get("am-c4000"))
    pas = pas_for(device)
    user = pas.authenticate("1002", "user-1002")
    assert user is not None
    return device, pas.client(user)


def test_a_new_printer_has_no_email_server_so_nothing_to_sign_in_for(tmp_path: Path) -> None:
    _, client = _user_client(tmp_path)
    assert client.to_email_step() == "not_set"


def test_oauth2_needs_the_users_own_sign_in(tmp_path: Path) -> None:
    device, client = _user_client(tmp_path)
    device.update("email_server", auth_method="oauth2", email_service="exchange_online",
                  smtp_server="smtp.office365.com", smtp_port=587, secure="starttls")
    assert client.to_email_step() == "sign_in"


def test_smtp_auth_sends_with_the_email_servers_own_authentication(tmp_path: Path) -> None:
    device, client = _user_client(tmp_path)
    device.update("email_server", auth_method="smtp_auth", smtp_server="mail.example.com", smtp_port=587,
                  secure="starttls", account="printer@example.com", password="secret")
    assert client.to_email_step() == "send"
