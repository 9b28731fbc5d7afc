"""End to end without the UI: the guide's "Setting up OAuth 2.0 for the email server" steps 1-12,
"Checking the OAuth 2.0 status", and a Scan to Email found in the tenant's Maildir.

The real stack throughout: msal over HTTPS against the simulated tenant, its sign-in pages
walked step by step over HTTP (as a browser would), aiosmtplib over STARTTLS + XOAUTH2.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cloud_sim import TenantHandle
from cloud_sim.signin import SignInClient
from device_model.device import Device
from device_model.email import EmailServiceProfile
from device_model.settings import EMAIL_SERVICE_DEFAULTS

from .email_helpers import USER, account

pytestmark = pytest.mark.integration


async def test_guide_steps_1_to_12_then_scan_to_email(tenant: TenantHandle, tmp_path: Path) -> None:
    dev = Device(tmp_path / "device")
    dev.email.set_profile(EmailServiceProfile.from_tenant(tenant))  # the panel's cloud link does this

    # 1. the IP address Web Config is reached at
    assert dev.network_status().ip
    # 2. Log in as administrator (factory password: the serial number)
    assert dev.admin.login(dev.profile.default_admin_password).ok
    # 3-5. Network > Email Server > Basic: OAuth2, Microsoft Exchange Online (server filled in)
    host, port, secure = EMAIL_SERVICE_DEFAULTS["exchange_online"]
    dev.update("email_server", auth_method="oauth2", email_service="exchange_online",
               smtp_server=host, smtp_port=port, secure=secure)
    assert dev.email.status().state == "not_signed_in"

    # 6-7. "Sign In" > "Sign in with Microsoft": a code and the URL to open
    attempt = dev.email.begin_sign_in("exchange_online")
    assert attempt.state == "waiting"
    assert attempt.verification_uri == tenant.verification_uri
    assert attempt.user_code and attempt.user_code in dev.t(attempt.instructions)
    waiter = threading.Thread(target=attempt.wait, daemon=True)
    waiter.start()

    # 8-11. the browser: code, Global Administrator account, password, consent for the org
    admin = account(tenant, "admin")
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as browser:
        page = browser.enter_code(attempt.user_code)
        assert page.kind == "account", page
        page = browser.submit_account(admin.username)
        assert page.kind == "password", page
        page = browser.submit_password(admin.password)
        assert page.kind == "consent" and page.show_org_consent, page
        page = browser.consent(accept=True, on_behalf_of_org=True)
        assert page.kind == "done", page

    waiter.join(30)
    assert attempt.state == "signed_in" and attempt.account == admin.username
    # "Signed in" on the page, but not yet the printer's (the guide's trouble case)
    assert dev.email.pending is attempt
    assert dev.email.status().state == "not_signed_in"
    assert dev.email_server_status().signin_state == "not_signed_in"

    # 12. OK: the settings go to the printer
    dev.email.commit_sign_in(attempt)

    # Checking the OAuth 2.0 status: Email Server Status and the status sheet
    status = dev.email_server_status()
    assert (status.auth_method, status.signin_state, status.signin_account) == ("oauth2", "signed_in", admin.username)
    sheet = dev.print_status_sheet()
    assert sheet.exists() and sheet.read_bytes().startswith(b"%PDF")

    # Scan to Email
    job = await dev.email.scan_to_email(USER)
    assert job.status == "completed", job
    (msg,) = tenant.admin.messages(USER)
    assert msg["From"] == admin.username and msg["To"] == USER
    (pdf,) = list(msg.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename().endswith(".pdf")
    assert pdf.get_payload(decode=True).startswith(b"%PDF-")
    assert dev.jobs.log[0].id == job.id and dev.t(dev.jobs.log[0].result_label)

    # a restart keeps the sign-in; sending still works
    dev2 = Device(tmp_path / "device")
    dev2.email.set_profile(EmailServiceProfile.from_tenant(tenant), warm_up=False)
    assert dev2.email.status().state == "signed_in"
    job2 = await dev2.email.scan_to_email(USER)
    assert job2.status == "completed", job2
    assert len(tenant.admin.messages(USER)) == 2
