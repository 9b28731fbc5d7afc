"""Fax > Fax Server > Email Server Settings end to end: its own OAuth2 sign-in (msal against the
tenant over TLS), independent of Network > Email Server; a received fax is forwarded by email
(aiosmtplib, STARTTLS + XOAUTH2) and lands in a Maildir From the Fax Server's account; without a
sign-in the fax job fails with 360 in Job Status, as Scan to Email would."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from cloud_sim import TenantHandle
from device_model import Device, models
from device_model.email import EmailServiceProfile
from device_model.fax import fax_server_client

from .email_helpers import USER, account, complete_in_browser


def _fax_device(h: TenantHandle, state_dir: Path) -> Device:
    dev = Device(state_dir, profile=models.get("am-c4000"))
    dev.email.set_profile(EmailServiceProfile.from_tenant(h))
    return dev


def test_received_fax_is_forwarded_from_the_fax_server_account(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = _fax_device(tenant, tmp_path / "device")
    fax_account = account(tenant, "admin").username
    dev.update("fax_server", auth_method="oauth2", email_service="exchange_online", smtp_server="smtp.office365.com",
               smtp_port=587, secure="starttls", sender_address=fax_account, forward_to=USER)
    fax = fax_server_client(dev)

    # no sign-in yet: the forward fails with 360, a fax job in Job Status
    job = asyncio.run(fax.receive_sample())
    assert (job.kind, job.status, job.code) == ("fax", "error", 360)

    attempt = fax.begin_sign_in()
    assert attempt.state == "waiting", attempt.error
    thread, browser = complete_in_browser(tenant, attempt, "admin")
    assert attempt.wait(timeout=60) == "signed_in", (attempt.error, browser.pages)
    thread.join(30)
    fax.commit_sign_in(attempt)

    # the Fax Server's sign-in is its own: Network > Email Server still holds none
    assert fax.status().state == "signed_in" and fax.status().account == fax_account
    assert dev.email.status().state == "not_signed_in"
    assert dev.settings.email_server.auth_method == "off"
    kept = tmp_path / "device" / "fax_server" / "email"
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept.iterdir())

    job = asyncio.run(fax.receive_sample(pages=2))
    assert (job.kind, job.status, job.code) == ("fax", "completed", None), job.reply
    [msg] = [m for m in tenant.admin.messages(USER) if "Fax received" in str(m["Subject"])]
    assert fax_account in str(msg["From"])
    pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdfs and str(pdfs[0].get_filename()).startswith("FAX_")


def test_a_fax_server_sender_the_tenant_refuses_gives_313_naming_it(tenant: TenantHandle, tmp_path: Path) -> None:
    """Signed in as admin@ with a typed sender admin@ may not send as: 313 (550 5.7.60), and the
    solution names that sender, in English and Latvian."""
    from device_model.i18n import translate

    dev = _fax_device(tenant, tmp_path / "device")
    refused = "someone-else@contoso.onmicrosoft.com"
    dev.update("fax_server", auth_method="oauth2", email_service="exchange_online", smtp_server="smtp.office365.com",
               smtp_port=587, secure="starttls", sender_address=refused, forward_to=USER)
    fax = fax_server_client(dev)
    attempt = fax.begin_sign_in()
    thread, browser = complete_in_browser(tenant, attempt, "admin")
    assert attempt.wait(timeout=60) == "signed_in", (attempt.error, browser.pages)
    thread.join(30)
    fax.commit_sign_in(attempt)

    job = asyncio.run(fax.receive_sample())
    assert (job.kind, job.code) == ("fax", 313) and job.reply.startswith("550 5.7.60"), job.reply
    entry = dev.errors.for_job(job)
    assert entry is not None
    assert refused in translate("en", entry.solution) and refused in translate("lv", entry.solution)
