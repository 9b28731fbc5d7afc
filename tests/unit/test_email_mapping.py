"""The email error mapping (DESIGN.md §4) with the network and msal faked.

The integration tests reach every code through the real stack; these pin the mapping rules
themselves, fast, including cases the tenant cannot easily produce (TLS date errors, 4xx).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest

from device_model.device import Device
from device_model.email import EmailServiceProfile
from device_model.email import signin as S
from device_model.email.client import EmailClient
from device_model.email.conntest import conntest_msg as _conntest_msg
from device_model.email.sender import (
    Attachment,
    EmailSendError,
    SendConfig,
    build_message,
    classify,
    deliver,
    envelope,
    flatten,
    message_size,
    resolve,
)

PROFILE = EmailServiceProfile.simulated(
    base_url="https://127.0.0.1:1", smtp_port=2525, client_id="cid", ca_cert_path="/nonexistent/ca.pem"
)


# -- exceptions -> codes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "code", "kind"),
    [
        (socket.gaierror(-2, "Name or service not known"), 311, "dns"),
        (ConnectionRefusedError(111, "Connection refused"), 313, "refused"),
        (TimeoutError(), 313, "timeout"),
        (ssl.SSLCertVerificationError("certificate verify failed: self-signed certificate"), 313, "tls_verify"),
        (ssl.SSLCertVerificationError("certificate verify failed: certificate has expired"), 313, "tls_date"),
        (ssl.SSLError("wrong version number"), 313, "tls"),
        (aiosmtplib.SMTPAuthenticationError(535, "5.7.3 Authentication unsuccessful"), 312, "auth"),
        (aiosmtplib.SMTPAuthenticationError(535, "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."), 312, "auth"),
        (aiosmtplib.SMTPSenderRefused(552, "5.3.4 Message size exceeds fixed maximum message size", "a@b"), 314, "size"),
        (aiosmtplib.SMTPDataError(552, "5.3.4 Message size exceeds limit"), 314, "size"),
        (aiosmtplib.SMTPDataError(554, "5.2.252 SendAsDenied; a not allowed to send as b"), 313, "sender"),
        (aiosmtplib.SMTPDataError(550, "5.7.60 SMTP; Client does not have permissions to send as this sender [H]"), 313, "sender"),
        (aiosmtplib.SMTPResponseException(451, "5.7.3 STARTTLS is required to send mail [H 2026-11-27T13:00:00.000Z 08DD0]"), 313, "starttls_required"),
        (aiosmtplib.SMTPAuthenticationError(550, "5.7.30 Basic authentication is not supported for Client Submission."), 312, "auth"),
        (aiosmtplib.SMTPAuthenticationError(535, "5.7.139 Authentication unsuccessful, basic authentication is disabled."), 312, "auth"),
        (aiosmtplib.SMTPResponseException(500, "5.3.3 Unrecognized command 'BDAT' [H]"), 313, "reply"),
        (aiosmtplib.SMTPResponseException(530, "5.7.57 Client not authenticated to send mail."), 312, "auth"),
        (aiosmtplib.SMTPResponseException(451, "4.7.500 Server busy"), 313, "reply"),
        (aiosmtplib.SMTPServerDisconnected("Connection lost"), 313, "disconnected"),
        (aiosmtplib.SMTPConnectTimeoutError("Timed out"), 313, "timeout"),
        (aiosmtplib.SMTPNotSupported("STARTTLS extension not supported by server."), 313, "no_starttls"),
        (aiosmtplib.SMTPException("oauth_token_generator provided but server does not support XOAUTH2"), 312, "no_auth"),
    ],
)
def test_classify(exc: BaseException, code: int, kind: str) -> None:
    err = classify(exc)
    assert (err.code, err.kind) == (code, kind)


def test_only_5_7_3_itself_means_refresh_the_token() -> None:
    from device_model.email.sender import _is_5_7_3

    assert _is_5_7_3("535 5.7.3 Authentication unsuccessful [H 2026-11-27T13:00:00.000Z 08DD0]")
    assert not _is_5_7_3("550 5.7.30 Basic authentication is not supported for Client Submission.")
    assert not _is_5_7_3("451 5.7.31 x") and not _is_5_7_3("535 5.7.139 Authentication unsuccessful")


def test_recipient_refused_keeps_the_reply() -> None:
    exc = aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(550, "5.1.10 RESOLVER.ADR.RecipientNotFound", "x@y")])
    err = classify(exc)
    assert err.code == 313 and err.reply == "550 5.1.10 RESOLVER.ADR.RecipientNotFound"


def test_reply_is_redacted() -> None:
    token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4eHh4eHh4eCJ9.c2lnbmF0dXJl"
    err = EmailSendError(313, f"weird server echoed auth=Bearer {token}")
    assert token not in err.reply and "[redacted]" in err.reply


# -- resolving and size ---------------------------------------------------------------------


async def test_simulated_profile_maps_names_and_never_asks_dns() -> None:
    assert await resolve("smtp.office365.com", 587, PROFILE) == ("127.0.0.1", 2525)
    assert await resolve("SMTP-MAIL.outlook.com.", 587, PROFILE) == ("127.0.0.1", 2525)
    assert await resolve("smtp.office365.com", 465, PROFILE) == ("127.0.0.1", 465)
    assert await resolve("127.0.0.1", 2600, PROFILE) == ("127.0.0.1", 2600)
    assert await resolve("localhost", 25, PROFILE) == ("127.0.0.1", 25)
    with pytest.raises(EmailSendError) as e:
        await resolve("mail.example.org", 587, PROFILE)
    assert e.value.code == 311


async def test_attached_file_max_size_checked_before_connecting() -> None:
    msg = build_message(sender="a@b.c", to="d@e.f", subject="s", body="b",
                        attachments=[Attachment("x.pdf", b"0" * 5000, "application/pdf")])
    cfg = SendConfig(auth_method="off", smtp_server="smtp.office365.com", smtp_port=587, secure="none",
                     max_bytes=1000, profile=PROFILE)
    with pytest.raises(EmailSendError) as e:
        await deliver(msg, cfg, None)  # would fail to connect (2525 closed) if it tried
    assert e.value.code == 314
    assert message_size(msg) > 5000


def test_build_message_has_the_parts() -> None:
    msg = build_message(sender="printer@contoso.com", to=["a@x.y", "b@x.y"], subject="Scan", body="hi",
                        attachments=[Attachment.coerce(("scan.pdf", b"%PDF-1.4", "application/pdf"))])
    assert msg["From"] == "printer@contoso.com" and msg["To"] == "a@x.y, b@x.y"
    import email
    import email.policy

    parsed = email.message_from_bytes(flatten(msg), policy=email.policy.default)
    (att,) = list(parsed.iter_attachments())
    assert att.get_filename() == "scan.pdf" and att.get_content_type() == "application/pdf"
    assert att.get_payload(decode=True) == b"%PDF-1.4"
    assert envelope(msg) == ("printer@contoso.com", ["a@x.y", "b@x.y"])
    lv = build_message(sender="p@c.lv", to="a@x.y", subject="Skenēts dokuments", body="Sveiki, ē ā")
    reparsed = email.message_from_bytes(flatten(lv), policy=email.policy.default)
    assert reparsed["Subject"] == "Skenēts dokuments" and reparsed.get_content().strip() == "Sveiki, ē ā"


# -- identity-platform answers -> codes (msal faked) ---------------------------------------------


class FakeCache:
    has_state_changed = False

    def serialize(self) -> str:
        return "{}"


class FakeApp:
    def __init__(self, result: Any) -> None:
        self.result = result
        self.calls: list[bool] = []

    def get_accounts(self, username: str | None = None) -> list[dict[str, str]]:
        return [{"username": username or "admin@contoso.com"}]

    def acquire_token_silent_with_error(self, scopes: list[str], account: Any, force_refresh: bool = False,
                                        **kwargs: Any) -> Any:
        self.calls.append(force_refresh)
        self.kwargs = kwargs
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


def _client(tmp_path: Path, result: Any) -> tuple[Device, EmailClient, FakeApp]:
    dev = Device(tmp_path / "dev")
    client = EmailClient(dev)
    client.set_profile(PROFILE, warm_up=False)
    attempt = S.SignInAttempt(service="exchange_online", profile=PROFILE, clock=dev.clock, cache=FakeCache())
    attempt.state, attempt.account, attempt._token_expires_in = S.SIGNED_IN, "admin@contoso.com", 3600
    client.store.commit(attempt, dev.clock.now())
    app = FakeApp(result)
    client.tokens.app, client.tokens.cache, client.tokens.profile = app, FakeCache(), PROFILE
    return dev, client, app


def _err(code: int, error: str = "invalid_grant") -> dict[str, Any]:
    return {"error": error, "error_description": f"AADSTS{code}: something. Trace ID: x", "error_codes": [code]}


@pytest.mark.parametrize(
    ("result", "code"),
    [
        (_err(700082), 361),
        (_err(70008), 361),
        (_err(50173), 370),
        (_err(53003, "interaction_required"), 370),
        (_err(65001), 370),
        ({"error": "temporarily_unavailable", "error_description": "try later"}, 313),
        (None, 360),
    ],
)
def test_refresh_errors_map(tmp_path: Path, result: Any, code: int) -> None:
    dev, client, _ = _client(tmp_path, result)
    with pytest.raises(EmailSendError) as e:
        client._acquire_token()
    assert e.value.code == code
    if code == 361:
        assert client.status().state == "expired"


def test_identity_platform_unreachable_is_313_or_311(tmp_path: Path) -> None:
    import socket

    # what the device's HTTP client (the standard library's) raises for each
    _, client, _ = _client(tmp_path, ConnectionRefusedError(111, "Connection refused"))
    with pytest.raises(EmailSendError) as e:
        client._acquire_token()
    assert e.value.code == 313
    _, client, _ = _client(tmp_path / "b", socket.gaierror(-2, "Name or service not known"))
    with pytest.raises(EmailSendError) as e:
        client._acquire_token()
    assert e.value.code == 311


def test_msal_is_told_the_http_clients_errors(tmp_path: Path) -> None:
    """Without ``http_exceptions=`` msal's silent refresh imports ``requests.exceptions``."""
    from device_model.email.httpclient import HTTP_EXCEPTIONS

    _, client, app = _client(tmp_path, {"access_token": "tok-123456", "token_source": "cache"})
    client._acquire_token()
    assert app.kwargs == {"http_exceptions": HTTP_EXCEPTIONS}


def test_device_clock_decides_force_refresh(tmp_path: Path) -> None:
    dev, client, app = _client(tmp_path, {"access_token": "tok-123456", "token_source": "cache"})
    assert client._acquire_token() == "tok-123456"
    dev.clock.advance(timedelta(minutes=56))  # 4 minutes left by the device clock: refresh
    client._acquire_token()
    assert app.calls == [False, True]


def test_no_commit_means_360(tmp_path: Path) -> None:
    dev = Device(tmp_path / "dev")
    client = EmailClient(dev)
    with pytest.raises(EmailSendError) as e:
        client._acquire_token()
    assert e.value.code == 360


async def test_send_without_sign_in_logs_a_360_job(tmp_path: Path) -> None:
    dev = Device(tmp_path / "dev")
    dev.update("email_server", auth_method="oauth2", email_service="exchange_online",
               smtp_server="smtp.office365.com", smtp_port=587, secure="starttls")
    client = EmailClient(dev)
    client.set_profile(PROFILE, warm_up=False)
    job = await client.send("a@b.c", "s", "b")
    assert (job.status, job.code) == ("error", 360)
    assert dev.jobs.log[0] == job and dev.jobs.active == []


async def test_a_new_device_with_no_email_server_says_not_set(tmp_path: Path) -> None:
    """Authentication Method Off and no SMTP server (a new device): "Not set", not 311/DNS."""
    dev = Device(tmp_path / "dev")
    client = EmailClient(dev)
    client.set_profile(PROFILE, warm_up=False)
    job = await client.send("a@b.c", "s", "b")
    assert (job.status, job.code, job.reply) == ("error", None, "")
    assert dev.t(job.result_label) == "Not set"
    entry = dev.errors.for_job(job)
    assert entry is not None and "not set" in dev.t(entry.status)
    assert "DNS" not in dev.t(entry.status) + dev.t(entry.solution) + dev.t(job.note)
    assert "SMTP Server Address" in dev.t(job.note)


@pytest.mark.parametrize(
    ("reply", "refresh"),
    [
        ("535 5.7.3 Authentication unsuccessful", True),
        ("535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be "
         "authenticated successfully. Contact your administrator.", True),
        ("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", False),
        ("535 5.7.139 Authentication unsuccessful, user is locked by your organization's security "
         "defaults policy. Contact your administrator.", False),
    ],
)
async def test_which_xoauth2_refusals_get_one_fresh_token(monkeypatch: Any, reply: str, refresh: bool) -> None:
    """5.7.3 and Conditional Access's "criteria" are retried once with a refreshed token (which
    then meets AADSTS53003: 370); the tenant's SMTP AUTH switches are not (312 at once)."""
    from device_model.email import sender

    calls: list[bool] = []

    async def fake_session(cfg: Any, tokens: Any, *, force_refresh: bool) -> Any:
        calls.append(force_refresh)
        raise EmailSendError(312, reply, kind="auth")

    monkeypatch.setattr(sender, "_session", fake_session)
    cfg = SendConfig(auth_method="oauth2", smtp_server="smtp.office365.com", smtp_port=587, secure="starttls")
    with pytest.raises(EmailSendError):
        await sender.open_authenticated(cfg, None)
    assert calls == ([False, True] if refresh else [False])


# -- sign-in errors and Connection Test messages ---------------------------------------------


@pytest.mark.parametrize(
    ("result", "key"),
    [
        (_err(53003, "access_denied"), "email.signin.ca_blocked"),
        (_err(530035, "access_denied"), "email.signin.security_defaults"),
        (_err(90094), "email.signin.consent_required"),
        (_err(65004, "access_denied"), "email.signin.consent_declined"),
        (_err(7000218, "invalid_client"), "email.signin.public_client_off"),
        (_err(700016, "unauthorized_client"), "email.signin.unknown_app"),
        ({"error": "authorization_declined", "error_description": "declined"}, "email.signin.declined"),
        ({"error": "expired_token", "error_description": "expired"}, "email.signin.expired"),
        (_err(50126), "email.signin.generic"),
    ],
)
def test_signin_error_messages(result: dict[str, Any], key: str) -> None:
    assert S.signin_error_msg(result).key == key


@pytest.mark.parametrize(
    ("err", "key"),
    [
        (EmailSendError(311, kind="dns"), "email.conntest.connect"),
        (EmailSendError(313, kind="refused"), "email.conntest.communication"),
        (EmailSendError(313, kind="tls_verify"), "email.conntest.untrusted_ca"),
        (EmailSendError(313, kind="tls_date"), "email.conntest.untrusted_date"),
        (EmailSendError(312, kind="auth"), "email.conntest.auth"),
        (EmailSendError(313, kind="sender"), "email.conntest.sender"),
        (EmailSendError(360, kind="signin"), "email.conntest.not_signed_in"),
        (EmailSendError(361, kind="signin_expired"), "email.conntest.signin_expired"),
        (EmailSendError(370, kind="signin_again"), "email.conntest.signin_again"),
    ],
)
def test_connection_test_messages(err: EmailSendError, key: str) -> None:
    assert _conntest_msg(err, "starttls").key == key


def test_attempt_cancel_before_wait(tmp_path: Path) -> None:
    dev = Device(tmp_path / "dev")
    flow = {"user_code": "ABC123", "verification_uri": "https://x/devicelogin", "device_code": "dc-secret-xyz",
            "expires_at": 10**10, "interval": 1, "message": "m"}
    seen: list[str] = []
    attempt = S.SignInAttempt(service="exchange_online", profile=PROFILE, clock=dev.clock, app=object(),
                              cache=FakeCache(), flow=flow, notify=lambda a: seen.append(a.state))
    attempt.cancel()
    assert attempt.wait() == "cancelled" and seen == ["cancelled"]
    assert "dc-secret-xyz" not in repr(attempt) + repr(attempt.snapshot())
    asyncio.run(asyncio.sleep(0))


async def test_no_dns_query_leaves_the_machine_unless_the_profile_is_real_microsoft(monkeypatch) -> None:
    """A name typed on a device without a real-Microsoft profile is refused (311) locally."""
    import asyncio

    from device_model.email.sender import EmailSendError, resolve

    def no_dns(*args, **kwargs):
        raise AssertionError("a DNS query would have left the machine")

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", no_dns)
    try:
        await resolve("smtp.nowhere.invalid", 587, None)
    except EmailSendError as exc:
        assert exc.code == 311
    else:
        raise AssertionError("an unknown name must give 311")
    assert await resolve("localhost", 25, None) == ("127.0.0.1", 25)
    assert await resolve("127.0.0.1", 2525, None) == ("127.0.0.1", 2525)
