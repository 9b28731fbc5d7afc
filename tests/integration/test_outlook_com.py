"""Outlook.com: a personal Microsoft account signs in at ``/consumers`` and sends through
``smtp-mail.outlook.com``, through the real stack (msal, the sign-in pages, smtplib and the
device's aiosmtplib), against a *fresh* tenant: none of the organisation's switches (security
defaults, SMTP AUTH off, Conditional Access, admin consent) touch a personal account.
"""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest

from cloud_sim import TenantHandle
from cloud_sim.signin import SignInClient

from .email_helpers import USER, make_device, sign_in
from .idp_helpers import account, msal_app, poll_once, start_flow
from .test_smtp_exchange import connect, message, reply, without_tail, xoauth2_line

pytestmark = pytest.mark.integration

SOMEONE = "someone@outlook.com"


def personal_token(h: TenantHandle) -> str:
    """msal's device-code flow at /consumers, the pages walked as the personal account."""
    app = msal_app(h, tenant="consumers")
    flow = start_flow(app)
    acct = account(h, "someone")
    assert acct.username == SOMEONE
    with SignInClient(h.base_url, h.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        c.submit_account(acct.username)
        page = c.submit_password(acct.password)
        # a personal account consents for itself: no "Consent on behalf of your organization"
        assert page.kind == "consent" and page.show_org_consent is False, page
        assert c.consent(True).kind == "done"
    result = poll_once(app, flow)
    assert "access_token" in result, result
    assert [a["username"] for a in app.get_accounts()] == [SOMEONE]
    return result["access_token"]


def test_personal_account_signs_in_and_sends_whatever_the_organisation_says(fresh_tenant) -> None:
    h = fresh_tenant  # security defaults on, SMTP AUTH off, no admin consent
    h.admin.add_conditional_access_policy("Block everyone", users=("all",))
    token = personal_token(h)
    client = connect(h)
    try:
        assert reply(client.docmd("AUTH", xoauth2_line(SOMEONE, token))) == (
            "235 2.7.0 Authentication successful"
        )
        client.send_message(message(SOMEONE, USER, "from Outlook.com"))
    finally:
        client.quit()
    [msg] = h.admin.messages(USER)
    assert msg["From"] == SOMEONE and msg.get_content().strip() == "from Outlook.com"


def test_outlook_com_refusals(tenant) -> None:
    token = personal_token(tenant)
    client = connect(tenant)
    try:
        client.docmd("AUTH", xoauth2_line(SOMEONE, token))
        with pytest.raises(smtplib.SMTPDataError) as err:
            client.sendmail(USER, [USER], message(USER, USER).as_string())
    finally:
        client.close()
    assert without_tail(f"{err.value.smtp_code} {err.value.smtp_error.decode()}") == (
        "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
    )
    client = connect(tenant)
    try:
        with pytest.raises(smtplib.SMTPAuthenticationError) as err2:
            client.login(SOMEONE, account(tenant, "someone").password)
    finally:
        client.close()
    assert without_tail(f"{err2.value.smtp_code} {err2.value.smtp_error.decode()}") == (
        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled."
    )


async def test_device_scan_to_email_through_smtp_mail_outlook_com(
    fresh_tenant: TenantHandle, tmp_path: Path
) -> None:
    h = fresh_tenant
    dev = make_device(h, tmp_path / "device", email_service="outlook_com",
                      smtp_server="smtp-mail.outlook.com", smtp_port=587, secure="starttls")
    attempt = sign_in(dev, h, who="someone")
    assert attempt.profile.authority == f"{h.base_url}/consumers"
    assert attempt.profile.smtp_host == "smtp-mail.outlook.com"
    assert attempt.account == SOMEONE
    st = dev.email.status()
    assert (st.state, st.account, st.service) == ("signed_in", SOMEONE, "outlook_com")
    job = await dev.email.scan_to_email(USER)
    assert job.status == "completed", job
    assert job.reply.startswith("250 2.0.0 OK <")
    [msg] = h.admin.messages(USER)
    assert msg["From"] == SOMEONE
    assert any(part.get_filename() for part in msg.iter_attachments())
