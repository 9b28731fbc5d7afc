"""Exchange Online's submission port of a real simulated tenant, with real tokens.

Nothing is faked: the token comes from msal's device-code flow against the tenant over
HTTPS, completed by posting the tenant's sign-in pages; mail goes over STARTTLS + XOAUTH2
with stdlib smtplib and with aiosmtplib; every reply is asserted verbatim, tail included.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import re
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from cloud_sim import TenantHandle, replies

from .idp_helpers import msal_app, poll_once, sign_in, start_flow

TAIL = re.compile(
    r" \[BN0PR00MB0000\.namprd00\.prod\.outlook\.com "
    r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) 08DD[0-9A-F]{12}\]$"
)


def upn(h: TenantHandle, who: str) -> str:
    return f"{who}@{h.tenant_domain}"


def get_token(h: TenantHandle, who: str = "printer") -> str:
    """An SMTP access token of ``who`` from a full device-code sign-in (admin consents first)."""
    app = msal_app(h)
    flow = start_flow(app)
    page = sign_in(h, flow, who)
    assert page.kind == "done", page
    result = poll_once(app, flow)
    assert "access_token" in result, result
    return result["access_token"]


def tls_ctx(h: TenantHandle) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(h.ca_cert_path))


def connect(h: TenantHandle, *, tls: bool = True) -> smtplib.SMTP:
    client = smtplib.SMTP(h.smtp_host, h.smtp_port, timeout=30)
    client.ehlo("EPSON123456")
    if tls:
        client.starttls(context=tls_ctx(h))
        client.ehlo("EPSON123456")
    return client


def xoauth2_line(user: str, token: str) -> str:
    raw = f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
    return "XOAUTH2 " + base64.b64encode(raw).decode()


def reply(r: tuple[int, bytes]) -> str:
    return f"{r[0]} {r[1].decode()}"


def without_tail(text: str) -> str:
    assert TAIL.search(text), text
    return TAIL.sub("", text)


def message(from_: str, to: str, body: str = "Scanned document") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = from_, to, "Scan from EPSON123456"
    msg.set_content(body)
    return msg


@pytest.fixture
def printer_token(tenant: TenantHandle) -> str:
    return get_token(tenant, "printer")


# ---------------------------------------------------------------------------------------
def test_smtplib_one_line_xoauth2_delivers_to_the_maildir(tenant, printer_token) -> None:
    printer, user = upn(tenant, "printer"), upn(tenant, "user")
    client = connect(tenant)
    try:
        assert client.esmtp_features["auth"].strip() == "LOGIN XOAUTH2"
        assert reply(client.docmd("AUTH", xoauth2_line(printer, printer_token))) == (
            "235 2.7.0 Authentication successful"
        )
        client.send_message(message(printer, user, "one line"))
    finally:
        client.quit()
    [msg] = tenant.admin.messages(user)
    assert msg["From"] == printer and msg.get_content().strip() == "one line"
    assert "by BN0PR00MB0000.namprd00.prod.outlook.com" in " ".join(str(msg["Received"]).split())
    box = tenant.admin.maildir(user)
    assert box.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in (box / "new").iterdir())


def test_smtplib_two_step_xoauth2(tenant, printer_token) -> None:
    printer, admin = upn(tenant, "printer"), upn(tenant, "admin")
    client = connect(tenant)
    try:
        code, text = client.auth(
            "XOAUTH2",
            lambda challenge=None: f"user={printer}\x01auth=Bearer {printer_token}\x01\x01",
            initial_response_ok=False,
        )
        assert (code, text) == (235, b"2.7.0 Authentication successful")
        client.send_message(message(printer, admin, "two steps"))
    finally:
        client.quit()
    assert [m.get_content().strip() for m in tenant.admin.messages(admin)] == ["two steps"]


async def test_aiosmtplib_sends_and_outside_recipients_go_to_outbound(tenant) -> None:
    import aiosmtplib

    token = await asyncio.to_thread(get_token, tenant, "printer")
    printer = upn(tenant, "printer")

    async def generator() -> str:
        return token

    msg = message(printer, "someone@fabrikam.example", "via aiosmtplib")
    msg["Cc"] = upn(tenant, "user")
    errors, response = await aiosmtplib.send(
        msg, hostname=tenant.smtp_host, port=tenant.smtp_port, start_tls=True,
        tls_context=tls_ctx(tenant), username=printer, oauth_token_generator=generator,
        timeout=30,
    )
    assert errors == {}
    assert re.fullmatch(
        r"2\.0\.0 OK <[^>]+> \[Hostname=BN0PR00MB0000\.namprd00\.prod\.outlook\.com\]", response
    )
    assert [m.get_content().strip() for m in tenant.admin.messages(upn(tenant, "user"))] == [
        "via aiosmtplib"
    ]
    outbound = tenant.admin.messages("_outbound")
    assert [m["Delivered-To"] for m in outbound] == ["someone@fabrikam.example"]


# ---------------------------------------------------------------------------------------
# refusals, verbatim
# ---------------------------------------------------------------------------------------
def test_before_tls(tenant) -> None:
    client = connect(tenant, tls=False)
    try:
        assert "auth" not in client.esmtp_features and "starttls" in client.esmtp_features
        assert without_tail(reply(client.docmd("MAIL FROM:<printer@contoso.onmicrosoft.com>"))) == (
            "451 5.7.3 STARTTLS is required to send mail"
        )
        assert without_tail(reply(client.docmd("AUTH XOAUTH2"))) == (
            "504 5.7.4 Unrecognized authentication type"
        )
    finally:
        client.close()


def test_banner_and_ehlo_as_smtp_office365_com(tenant) -> None:
    class Banner(smtplib.SMTP):
        def connect(self, *args, **kwargs):  # keep the greeting smtplib reads and drops
            self.banner = super().connect(*args, **kwargs)
            return self.banner

    client = Banner(tenant.smtp_host, tenant.smtp_port, timeout=30)
    try:
        code, banner = client.banner
        assert code == 220
        assert re.fullmatch(
            r"BN0PR00MB0000\.outlook\.office365\.com Microsoft ESMTP MAIL Service ready at "
            r"\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000 \[08DD[0-9A-F]{12}\]", banner.decode()
        ), banner
        extensions = ["PIPELINING", "DSN", "ENHANCEDSTATUSCODES"]
        tail = ["8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"]
        first = "BN0PR00MB0000.outlook.office365.com Hello [127.0.0.1]"
        assert client.ehlo("EPSON123456")[1].decode().splitlines() == [
            first, "SIZE 157286400", *extensions, "STARTTLS", *tail]
        client.starttls(context=tls_ctx(tenant))
        assert client.ehlo("EPSON123456")[1].decode().splitlines() == [
            first, "SIZE 157286400", *extensions, "AUTH LOGIN XOAUTH2", *tail]
    finally:
        client.close()


def test_not_authenticated(tenant) -> None:
    client = connect(tenant)
    try:
        text = reply(client.docmd(f"MAIL FROM:<{upn(tenant, 'printer')}>"))
        assert without_tail(text) == "530 5.7.57 Client not authenticated to send mail."
    finally:
        client.close()


SWITCHES = {
    "security_defaults": replies.SECURITY_DEFAULTS,
    "org_off": replies.SMTP_AUTH_DISABLED_TENANT,
    "mailbox_off": replies.SMTP_AUTH_DISABLED_MAILBOX,
    "conditional_access": replies.CONDITIONAL_ACCESS,
    "revoked": "535 5.7.3 Authentication unsuccessful",
    "expired": "535 5.7.3 Authentication unsuccessful",
    "other_user": "535 5.7.3 Authentication unsuccessful",
    "garbage": "535 5.7.3 Authentication unsuccessful",
}


@pytest.mark.parametrize("switch", sorted(SWITCHES))
def test_each_refusal_verbatim(tenant, switch) -> None:
    who = "admin"  # the admin's mailbox follows the organisation's SMTP AUTH setting
    user = upn(tenant, who)
    token = "not-a-token" if switch == "garbage" else get_token(tenant, who)
    admin = tenant.admin
    if switch == "security_defaults":
        admin.set_security_defaults(True)
    elif switch == "org_off":
        admin.set_org_smtp_auth(False)
    elif switch == "mailbox_off":
        admin.set_mailbox_smtp_auth(user, False)
    elif switch == "conditional_access":
        admin.add_conditional_access_policy("Block printers", users=(user,))
    elif switch == "revoked":
        admin.revoke_sessions(user)
    elif switch == "expired":
        admin.advance_clock(dt.timedelta(minutes=91))
    elif switch == "other_user":
        user = upn(tenant, "printer")  # the admin's token presented for another mailbox
    client = connect(tenant)
    try:
        text = reply(client.docmd("AUTH", xoauth2_line(user, token)))
        assert without_tail(text) == SWITCHES[switch]
        # refused: still not authenticated
        assert reply(client.docmd(f"MAIL FROM:<{user}>")).startswith("530 5.7.57 ")
    finally:
        client.close()


def test_the_tail_shows_the_tenant_clock(tenant) -> None:
    tenant.admin.advance_clock(dt.timedelta(days=3))
    expected = tenant.admin.now()
    client = connect(tenant)
    try:
        text = reply(client.docmd("AUTH", xoauth2_line(upn(tenant, "printer"), "x")))
    finally:
        client.close()
    stamp = TAIL.search(text).group(1)
    shown = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert abs(shown - expected) < dt.timedelta(minutes=5)


@pytest.mark.parametrize("where", ["envelope", "header"])
def test_send_as_denied(tenant, printer_token, where) -> None:
    printer, admin = upn(tenant, "printer"), upn(tenant, "admin")
    envelope_from = admin if where == "envelope" else printer
    header_from = printer if where == "envelope" else admin
    client = connect(tenant)
    try:
        client.docmd("AUTH", xoauth2_line(printer, printer_token))
        with pytest.raises(smtplib.SMTPDataError) as err:
            client.sendmail(envelope_from, [upn(tenant, "user")],
                            message(header_from, upn(tenant, "user")).as_bytes(policy=SMTP))
    finally:
        client.close()
    text = f"{err.value.smtp_code} {err.value.smtp_error.decode()}"
    if where == "envelope":
        assert without_tail(text) == (
            "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
        )
        assert tenant.admin.messages(upn(tenant, "user")) == []
        return
    assert text == (
        f"554 5.2.252 SendAsDenied; {printer} not allowed to send as {admin}; "
        "STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; "
        "Failed to process message due to a permanent exception with message "
        "[BeginDiagnosticData]Cannot submit message. 0.35250:0A00C784, 1.36674:0A000000, "
        "1.61250:00000000, 1.45378:02000000, 1.44866:00000000, 1.36674:0A000000, "
        "1.61250:00000000, 1.45378:15000000[EndDiagnosticData] "
        "[Hostname=BN0PR00MB0000.namprd00.prod.outlook.com]"
    )
    assert tenant.admin.messages(upn(tenant, "user")) == []


def test_message_size_limit_follows_the_admin_setting(tenant, printer_token) -> None:
    printer, user = upn(tenant, "printer"), upn(tenant, "user")
    assert connect(tenant, tls=False).esmtp_features["size"] == "157286400"
    tenant.admin.set_message_size_limit(3000)
    client = connect(tenant)
    try:
        assert client.esmtp_features["size"] == "157286400"  # Exchange advertises its own
        client.docmd("AUTH", xoauth2_line(printer, printer_token))
        assert reply(client.docmd(f"MAIL FROM:<{printer}> SIZE=3001")) == (
            "552 5.3.4 Message size exceeds fixed maximum message size"
        )
        client.rset()
        big = message(printer, user, "\n".join(["y" * 70] * 100))
        # without SIZE= on MAIL FROM the limit bites at the end of DATA
        assert client.mail(printer)[0] == 250 and client.rcpt(user)[0] == 250
        assert reply(client.data(big.as_bytes(policy=SMTP))) == (
            "552 5.3.4 Message size exceeds fixed maximum message size"
        )
        client.send_message(message(printer, user, "small"))
    finally:
        client.quit()
    assert [m.get_content().strip() for m in tenant.admin.messages(user)] == ["small"]


@pytest.mark.parametrize("right", [True, False])
def test_auth_login_with_the_password_is_refused(tenant, right) -> None:
    acct = next(a for a in tenant.accounts if a.username.startswith("printer@"))
    client = connect(tenant)
    try:
        with pytest.raises(smtplib.SMTPAuthenticationError) as err:
            client.login(acct.username, acct.password if right else "not-the-password")
    finally:
        client.close()
    text = f"{err.value.smtp_code} {err.value.smtp_error.decode()}"
    assert without_tail(text) == (
        "550 5.7.30 Basic authentication is not supported for Client Submission." if right
        else "535 5.7.3 Authentication unsuccessful"
    )


def test_malformed_input_never_kills_the_server(tenant, printer_token) -> None:
    noise = [
        b"GARBAGE\r\n",
        b"\x00\xff\xfe\xfd\r\n",
        b"A" * 200_000 + b"\r\n",
        b"EHLO x\r\nSTARTTLS\r\n" + b"not tls at all\r\n" * 5,
    ]
    for payload in noise:
        with socket.create_connection((tenant.smtp_host, tenant.smtp_port), timeout=30) as s:
            s.makefile("rb").readline()
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            s.settimeout(30)
            while s.recv(4096):
                pass
    client = connect(tenant)
    try:
        for bad in ("XOAUTH2 ***", "XOAUTH2 " + "A" * 50_000):
            assert client.docmd("AUTH", bad)[0] in (500, 501, 535)
        assert client.docmd("AUTH XOAUTH2")[0] == 334
        assert reply(client.docmd("bm90IHhvYXV0aDI=")).startswith("535 5.7.3 ")
        assert without_tail(reply(client.docmd("HELLO"))) == "500 5.3.3 Unrecognized command 'HELLO'"
        assert client.docmd("AUTH", xoauth2_line(upn(tenant, "printer"), printer_token))[0] == 235
        client.send_message(message(upn(tenant, "printer"), upn(tenant, "user"), "still up"))
    finally:
        client.quit()
    assert [m.get_content().strip() for m in tenant.admin.messages(upn(tenant, "user"))] == [
        "still up"
    ]
