"""F4's sign-in page offers the newest waiting sign-in of any of the device's email clients
(Network > Email Server, the Fax Server, a Print Admin Serverless user): device_model.signins."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from device_model import Device, models
from device_model.fax import fax_server_client
from device_model.pas import pas_for
from device_model.signins import FAX_SERVER, PAS, newest_waiting_signin, waiting_signins

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)


def _attempt(code: str, minutes: int, state: str = "waiting") -> SimpleNamespace:
    return SimpleNamespace(state=state, user_code=code, expires_at=T0 + timedelta(minutes=minutes))


def test_no_client_made_no_sign_in_and_none_made_by_asking(tmp_path: Path) -> None:
    dev = Device(tmp_path, profile=models.get("am-c4000"))
    assert waiting_signins(dev) == [] and newest_waiting_signin(dev) is None
    assert getattr(dev, "_fax_server_email", None) is None and getattr(dev, "_pas", None) is None


def test_the_newest_waiting_code_wins_and_says_whose_it_is(tmp_path: Path) -> None:
    dev = Device(tmp_path, profile=models.get("am-c4000"))
    fax = fax_server_client(dev)
    pas = pas_for(dev)
    user = pas.users["1002"]
    dev.email._attempt = _attempt("EMAILCODE", 10)  # type: ignore[assignment]
    fax._attempt = _attempt("FAXCODE", 15)  # type: ignore[assignment]
    pas.client(user)._attempt = _attempt("PASCODE", 5)  # type: ignore[assignment]
    found = waiting_signins(dev)
    assert [w.code for w in found] == ["FAXCODE", "EMAILCODE", "PASCODE"]
    assert found[0].where == FAX_SERVER
    assert found[2].where == PAS and found[2].user == user.name

    fax._attempt = _attempt("FAXCODE", 15, state="signed_in")  # type: ignore[assignment]
    newest = newest_waiting_signin(dev)
    assert newest is not None and newest.code == "EMAILCODE"
