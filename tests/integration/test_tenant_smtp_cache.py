"""What the tenant keeps in memory for its SMTP server, and that every change reaches the next
send at once.

The directory keeps each XOAUTH2 verdict (per user and token), the mailbox names and the
message size limit with the store generation they were read under; any write to the store
forgets them. Each test here first warms what it is about (a send or an AUTH that is then
answered from memory), changes the tenant as an administrator or a scenario would, and checks
that the very next connection sees the change.
"""

from __future__ import annotations

import base64
import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from cloud_sim import TenantHandle, replies
from cloud_sim.smtp_auth import AuthVerdict

from .idp_helpers import msal_app, poll_once, sign_in, start_flow


def _token(h: TenantHandle, who: str) -> str:
    app = msal_app(h)
    flow = start_flow(app)
    assert sign_in(h, flow, who).kind == "done"
    return poll_once(app, flow)["access_token"]


def _connect(h: TenantHandle) -> smtplib.SMTP:
    client = smtplib.SMTP(h.smtp_host, h.smtp_port, timeout=30)
    client.ehlo("EPSON123456")
    client.starttls(context=ssl.create_default_context(cafile=str(h.ca_cert_path)))
    client.ehlo("EPSON123456")
    return client


def _auth(h: TenantHandle, user: str, token: str) -> str:
    """The reply to AUTH XOAUTH2 on a new connection, without Exchange's diagnostic tail."""
    blob = base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode()).decode()
    client = _connect(h)
    try:
        code, text = client.docmd("AUTH", "XOAUTH2 " + blob)
    finally:
        client.close()
    return f"{code} {text.decode()}".split(" [", 1)[0]


def _send(h: TenantHandle, user: str, token: str, to: str) -> None:
    blob = base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode()).decode()
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = user, to, "Scan"
    msg.set_content("a scanned page")
    client = _connect(h)
    try:
        assert client.docmd("AUTH", "XOAUTH2 " + blob)[0] == 235
        client.sendmail(user, [to], msg.as_bytes(policy=SMTP))
    finally:
        client.close()


def _remembered(h: TenantHandle, user: str, token: str) -> AuthVerdict | None:
    decision = h.admin._dir.cached_xoauth2(user, token)
    return None if decision is None else decision.verdict


REFUSED = replies.AUTH_UNSUCCESSFUL


@pytest.mark.parametrize("change, expected", [
    ("password", REFUSED),  # a new password revokes the sessions, as Entra ID does
    ("revoke", REFUSED),
    ("security_defaults", replies.SECURITY_DEFAULTS),
    ("org_smtp_auth_off", replies.SMTP_AUTH_DISABLED_TENANT),
    ("mailbox_smtp_auth_off", replies.SMTP_AUTH_DISABLED_MAILBOX),
    ("conditional_access", replies.CONDITIONAL_ACCESS),
    ("time_travel", REFUSED),  # 91 minutes on: the token has expired
])
def test_a_change_reaches_the_next_auth_of_a_remembered_token(tenant, change, expected) -> None:
    admin = tenant.admin
    user = f"admin@{tenant.tenant_domain}"  # its mailbox follows the organisation's switch
    token = _token(tenant, "admin")
    assert _auth(tenant, user, token) == replies.AUTH_OK
    assert _remembered(tenant, user, token) is AuthVerdict.OK  # the next AUTH: from memory
    assert _auth(tenant, user, token) == replies.AUTH_OK
    if change == "password":
        admin.set_password(user, "A-new-one-2026!")
    elif change == "revoke":
        admin.revoke_sessions(user)
    elif change == "security_defaults":
        admin.set_security_defaults(True)
    elif change == "org_smtp_auth_off":
        admin.set_org_smtp_auth(False)
    elif change == "mailbox_smtp_auth_off":
        admin.set_mailbox_smtp_auth(user, False)
    elif change == "conditional_access":
        admin.add_conditional_access_policy("Block the admin", users=(user,))
    else:
        admin.advance_clock(dt.timedelta(minutes=91))
    assert _remembered(tenant, user, token) is None  # forgotten with the change
    assert _auth(tenant, user, token) == expected


def test_switching_back_is_seen_at_once_too(tenant) -> None:
    user = f"admin@{tenant.tenant_domain}"
    token = _token(tenant, "admin")
    tenant.admin.set_org_smtp_auth(False)
    assert _auth(tenant, user, token) == replies.SMTP_AUTH_DISABLED_TENANT
    assert _remembered(tenant, user, token) is AuthVerdict.SMTP_AUTH_DISABLED_TENANT
    tenant.admin.set_org_smtp_auth(True)
    assert _auth(tenant, user, token) == replies.AUTH_OK


def test_a_remembered_verdict_still_expires_with_real_time(tenant, monkeypatch) -> None:
    """No write to the store when time simply passes: the cached verdict checks exp itself."""
    import time as real_time

    from cloud_sim import clock

    user = f"printer@{tenant.tenant_domain}"
    token = _token(tenant, "printer")
    assert _auth(tenant, user, token) == replies.AUTH_OK
    assert _remembered(tenant, user, token) is AuthVerdict.OK
    later = real_time.time() + 2 * 3600  # access tokens live 60-90 minutes

    class _Later:
        @staticmethod
        def time() -> float:
            return later

    monkeypatch.setattr(clock, "time", _Later)
    assert _remembered(tenant, user, token) is AuthVerdict.BAD_TOKEN
    assert _auth(tenant, user, token) == REFUSED


def test_a_new_mailbox_receives_its_mail_at_once(tenant) -> None:
    printer = f"printer@{tenant.tenant_domain}"
    newcomer = f"newcomer@{tenant.tenant_domain}"
    token = _token(tenant, "printer")
    _send(tenant, printer, token, f"user@{tenant.tenant_domain}")  # the mailbox names: in memory
    _send(tenant, printer, token, newcomer)  # no such mailbox yet: relayed (outbound)
    assert tenant.admin.messages(newcomer) == []
    tenant.admin.ensure_user(newcomer, "Newcomer-2026!", role="User")
    _send(tenant, printer, token, newcomer)
    assert [m["Delivered-To"] for m in tenant.admin.messages(newcomer)] == [newcomer]


def test_a_smaller_size_limit_reaches_the_next_connection(tenant) -> None:
    printer = f"printer@{tenant.tenant_domain}"
    token = _token(tenant, "printer")
    _send(tenant, printer, token, f"user@{tenant.tenant_domain}")  # the limit: in memory
    tenant.admin.set_message_size_limit(3000)
    blob = base64.b64encode(f"user={printer}\x01auth=Bearer {token}\x01\x01".encode()).decode()
    client = _connect(tenant)
    try:
        assert client.docmd("AUTH", "XOAUTH2 " + blob)[0] == 235
        code, text = client.docmd(f"MAIL FROM:<{printer}> SIZE=3001")
    finally:
        client.close()
    assert f"{code} {text.decode()}" == replies.SIZE_EXCEEDED


def test_a_remembered_verdict_ends_with_its_signing_keys_grace(tenant) -> None:
    """A key rollover is a write (verdicts forgotten); a verdict judged after it may not
    outlive the retired key's grace period."""
    from cloud_sim.keys import ROLLOVER_GRACE

    keys = tenant.admin._dir.keys
    token = _token(tenant, "printer")
    assert keys.published_until(token) == float("inf")
    retired = keys.rotate()["retired"]
    assert retired and keys.published_until(token) == pytest.approx(
        tenant.admin.now().timestamp() + ROLLOVER_GRACE, abs=60)
    assert keys.published_until("garbage") <= tenant.admin.now().timestamp() + 1
    user = f"printer@{tenant.tenant_domain}"
    assert _auth(tenant, user, token) == replies.AUTH_OK  # still published: still good
