"""Epson Print Admin Serverless "To Email" end to end (guide p. 9), against the tenant over TLS:
an ordinary user before the administrator's organisation-wide consent is refused ("Need admin
approval"); after it, two users each sign in once and send From their own address; each user's
tokens are their own (owner-only files), so one user's sign-in never serves another."""

from __future__ import annotations

import asyncio
import stat
from datetime import timedelta
from pathlib import Path

from cloud_sim import TenantHandle
from device_model import Device, models
from device_model.email import EmailServiceProfile
from device_model.pas import pas_for

from .email_helpers import account, complete_in_browser

RECIPIENT = "printer@contoso.onmicrosoft.com"


def _sign_in(h: TenantHandle, client, who: str, *, org: bool = False) -> str:  # type: ignore[no-untyped-def]
    attempt = client.begin_sign_in("exchange_online")
    assert attempt.state == "waiting", attempt.error
    thread, browser = complete_in_browser(h, attempt, who, org=org)
    state = attempt.wait(timeout=60)
    thread.join(30)
    if state == "signed_in":
        client.commit_sign_in(attempt)
    return state if state == "signed_in" else f"{state}:{attempt.aad_code}"


def _pas_device(tenant: TenantHandle, tmp_path: Path) -> Device:
    """An am-c4000 whose Email Server uses OAuth2 (the guide walk), signed in to nothing yet."""
    dev = Device(tmp_path / "device", profile=models.get("am-c4000"))
    dev.email.set_profile(EmailServiceProfile.from_tenant(tenant))
    dev.update("email_server", auth_method="oauth2", email_service="exchange_online",
               smtp_server="smtp.office365.com", smtp_port=587, secure="starttls")
    return dev


def test_to_email_signs_in_each_user_after_admin_consent(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = _pas_device(tenant, tmp_path)
    pas = pas_for(dev)
    assert pas.authenticate("1002", "wrong") is None
    user = pas.authenticate("1002", "user-1002")
    admin = pas.authenticate("", card="04A1B2C3")  # a card works as well as ID and password
    assert user is not None and admin is not None and admin.admin

    # before the administrator's consent on behalf of the organisation: Need admin approval
    assert _sign_in(tenant, pas.client(user), "user") == "failed:65001"
    assert not tenant.admin.has_admin_consent()

    # the administrator first (guide p. 9 steps 1-5), then the user signs in once
    assert _sign_in(tenant, pas.client(admin), "admin", org=True) == "signed_in"
    assert _sign_in(tenant, pas.client(user), "user") == "signed_in"

    for who in (admin, user):
        job = asyncio.run(pas.client(who).scan_to_email(RECIPIENT))
        assert (job.status, job.code) == ("completed", None), job.reply
    senders = sorted(str(m["From"]) for m in tenant.admin.messages(RECIPIENT))
    assert any(account(tenant, "admin").username in s for s in senders)
    assert any(account(tenant, "user").username in s for s in senders)

    # each user's tokens are theirs, owner-only; the Email Server's own sign-in is untouched
    for who in (admin, user):
        kept = tmp_path / "device" / "pas" / who.id / "email"
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept.iterdir())
    assert dev.email.status().state == "not_signed_in"
    third = pas.authenticate("1003", "printer-1003")
    job = asyncio.run(pas.client(third).scan_to_email(RECIPIENT))  # not signed in yet: 360
    assert job.code == 360


def test_an_expired_sign_in_is_361_for_that_user_only(tenant: TenantHandle, tmp_path: Path) -> None:
    """Guide p. 9 and 361's note: tokens expire per user. The administrator stops sending for 91
    days (Entra ID's 90-day inactivity); the user sent on day 60, so on day 91 the
    administrator's To Email ends 361 (AADSTS700082) while the user still sends."""
    dev = _pas_device(tenant, tmp_path)
    pas = pas_for(dev)
    admin = pas.authenticate("1001", "admin-1001")
    user = pas.authenticate("1002", "user-1002")
    assert admin is not None and user is not None
    assert _sign_in(tenant, pas.client(admin), "admin", org=True) == "signed_in"
    assert _sign_in(tenant, pas.client(user), "user") == "signed_in"

    def days_pass(days: int) -> None:
        tenant.admin.advance_clock(timedelta(days=days))
        dev.clock.advance(timedelta(days=days))

    days_pass(60)
    job = asyncio.run(pas.client(user).scan_to_email(RECIPIENT))  # refreshed: the user's clock restarts
    assert (job.status, job.code) == ("completed", None), job.reply
    days_pass(31)
    job = asyncio.run(pas.client(admin).scan_to_email(RECIPIENT))
    assert (job.status, job.code) == ("error", 361), job.reply
    assert "AADSTS700082" in job.reply
    assert pas.client(admin).status().state == "expired"

    job = asyncio.run(pas.client(user).scan_to_email(RECIPIENT))  # the other user is untouched
    assert (job.status, job.code) == ("completed", None), job.reply
    assert pas.client(user).status().state == "signed_in"
    senders = [str(m["From"]) for m in tenant.admin.messages(RECIPIENT)]
    assert sum(account(tenant, "user").username in s for s in senders) == 2
    assert not any(account(tenant, "admin").username in s for s in senders)
