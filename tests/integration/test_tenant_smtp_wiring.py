"""start_tenant wires the directory into the SMTP server: a token from a real device-code
sign-in sends mail that lands in the mailbox's Maildir; the admin switches change the reply."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib
import pytest

from .idp_helpers import msal_app, poll_once, sign_in, start_flow


def _token(tenant, who="printer"):
    app = msal_app(tenant)
    flow = start_flow(app)
    assert sign_in(tenant, flow, who).kind == "done"
    return poll_once(app, flow)["access_token"]


async def _send(tenant, upn, token, to):
    import ssl

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = upn, to, "Scan from the printer"
    msg.set_content("hello")
    ctx = ssl.create_default_context(cafile=str(tenant.ca_cert_path))

    async def tok():
        return token

    return await aiosmtplib.send(msg, hostname=tenant.smtp_host, port=tenant.smtp_port,
                                 start_tls=True, tls_context=ctx, username=upn,
                                 oauth_token_generator=tok, timeout=20)


async def test_send_lands_in_maildir(tenant):
    import asyncio

    upn = "printer@contoso.onmicrosoft.com"
    token = await asyncio.to_thread(_token, tenant)
    await _send(tenant, upn, token, "user@contoso.onmicrosoft.com")
    [msg] = tenant.admin.messages("user@contoso.onmicrosoft.com")
    assert msg["Subject"] == "Scan from the printer" and msg["From"] == upn
    assert tenant.admin.maildir("user@contoso.onmicrosoft.com").is_dir()


@pytest.mark.parametrize("switch, reply", [
    ("security_defaults", "5.7.139 Authentication unsuccessful, user is locked by your "
                          "organization's security defaults policy"),
    ("org_off", "SmtpClientAuthentication is disabled for the Tenant"),
    ("mailbox_off", "SmtpClientAuthentication is disabled for the Mailbox"),
    ("revoked", "5.7.3 Authentication unsuccessful"),
])
async def test_admin_switches_change_the_reply(tenant, switch, reply):
    import asyncio

    upn = "admin@contoso.onmicrosoft.com"
    token = await asyncio.to_thread(_token, tenant, "admin")
    if switch == "security_defaults":
        tenant.admin.set_security_defaults(True)
    elif switch == "org_off":
        tenant.admin.set_org_smtp_auth(False)
    elif switch == "mailbox_off":
        tenant.admin.set_mailbox_smtp_auth(upn, False)
    else:
        tenant.admin.revoke_sessions(upn)
    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as exc:
        await _send(tenant, upn, token, "user@contoso.onmicrosoft.com")
    assert exc.value.code == 535 and reply in exc.value.message


async def test_message_size_limit_from_the_admin_api(tenant):
    import asyncio

    upn = "printer@contoso.onmicrosoft.com"
    token = await asyncio.to_thread(_token, tenant)
    tenant.admin.set_message_size_limit(200)
    with pytest.raises(aiosmtplib.SMTPException) as exc:
        await _send(tenant, upn, token, "user@contoso.onmicrosoft.com")
    assert "552 5.3.4" in str(exc.value) or getattr(exc.value, "code", None) == 552
