"""The simulated Exchange Online submission port against a fake directory.

The tenant is faked (an in-memory SmtpAuthorizer) and so is its CA (one made here with
`cryptography`), so these tests pin the SMTP conversation itself: Exchange's replies
verbatim, STARTTLS before AUTH, XOAUTH2 in one or two steps, delivery into Maildirs and
robustness against malformed input.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import logging
import re
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from cloud_sim import maildir, replies
from cloud_sim.smtp_auth import AuthDecision, AuthVerdict
from cloud_sim.smtp_server import AUTH_LINE_LIMIT, SmtpHandle, start_smtp

HOST = replies.DEFAULT_HOSTNAME
FRONT = "BN0PR00MB0000.outlook.office365.com"  # the name in the banner and EHLO
PRINTER = "printer@contoso.com"
ALICE = "alice@contoso.com"
GOOD = "good-" + "t" * 3000  # a real-size (3 KB) token
TAIL = re.compile(
    r" \[BN0PR00MB0000\.namprd00\.prod\.outlook\.com "
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 08DD[0-9A-F]{12}\]$"
)


# ---------------------------------------------------------------------------------------
# fixtures: a CA, a fake directory, the server
# ---------------------------------------------------------------------------------------
@dataclass
class LocalCA:
    server_ctx: ssl.SSLContext
    ca_pem: Path

    def client_ctx(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_pem))


def make_test_ca(directory: Path) -> LocalCA:
    """A throw-away CA and a server certificate for 127.0.0.1 / localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cloud-sim test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = directory / "ca.pem"
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    chain = directory / "server.pem"
    chain.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(chain)
    return LocalCA(server_ctx, ca_pem)


@dataclass
class FakeDirectory:
    """An SmtpAuthorizer: tokens map to verdicts; mailboxes are a set."""

    tokens: dict[str, AuthDecision] = field(default_factory=dict)
    mailboxes: set[str] = field(default_factory=lambda: {PRINTER, ALICE})
    calls: list[tuple[str, str]] = field(default_factory=list)
    raise_on_auth: bool = False

    def authorize_xoauth2(self, user: str, bearer_token: str) -> AuthDecision:
        self.calls.append((user, bearer_token))
        if self.raise_on_auth:
            raise RuntimeError("directory down")
        return self.tokens.get(bearer_token, AuthDecision(AuthVerdict.BAD_TOKEN))

    def may_send_as(self, mailbox: str, from_address: str) -> bool:
        return mailbox.lower() == from_address.lower()

    def mailbox_exists(self, address: str) -> bool:
        return address.lower() in self.mailboxes


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    return make_test_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def directory() -> FakeDirectory:
    d = FakeDirectory()
    d.tokens[GOOD] = AuthDecision(AuthVerdict.OK, mailbox=PRINTER)
    for verdict in AuthVerdict:
        if verdict is not AuthVerdict.OK:
            d.tokens[f"tok-{verdict.value}"] = AuthDecision(verdict)
    return d


@pytest.fixture
def server(ca: LocalCA, directory: FakeDirectory, tmp_path: Path):
    handle = start_smtp("127.0.0.1", 0, directory, ca.server_ctx, tmp_path / "mail")
    try:
        yield handle
    finally:
        handle.stop()


def connect(server: SmtpHandle, ca: LocalCA, *, tls: bool = True) -> smtplib.SMTP:
    client = smtplib.SMTP(server.host, server.port, timeout=30)
    client.ehlo("printer")
    if tls:
        client.starttls(context=ca.client_ctx())
        client.ehlo("printer")
    return client


def line(reply: tuple[int, bytes]) -> str:
    code, text = reply
    return f"{code} {text.decode()}"


def xoauth2(user: str, token: str) -> str:
    return base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode()).decode()


def split_tail(reply: str) -> str:
    """The reply without Exchange's diagnostic tail (asserting the tail is there)."""
    assert TAIL.search(reply), reply
    return TAIL.sub("", reply)


def sample(from_: str = PRINTER, to: str = ALICE, body: str = "Scanned document") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = from_
    msg["To"] = to
    msg["Subject"] = "Scan"
    msg.set_content(body)
    return msg


# ---------------------------------------------------------------------------------------
# before TLS
# ---------------------------------------------------------------------------------------
def test_banner_names_exchange(server: SmtpHandle) -> None:
    with socket.create_connection((server.host, server.port), timeout=30) as s:
        banner = s.makefile("rb").readline().decode()
    assert re.fullmatch(
        r"220 BN0PR00MB0000\.outlook\.office365\.com Microsoft ESMTP MAIL Service ready at "
        r"\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000 \[08DD[0-9A-F]{12}\]\r\n",
        banner,
    ), banner


def test_ehlo_before_tls_offers_starttls_and_size_but_no_auth(server, ca) -> None:
    client = connect(server, ca, tls=False)
    try:
        features = client.esmtp_features
        assert "starttls" in features
        assert features["size"] == "157286400"
        assert "auth" not in features
        assert client.ehlo_resp.decode().splitlines() == [
            f"{FRONT} Hello [127.0.0.1]", "SIZE 157286400", "PIPELINING", "DSN",
            "ENHANCEDSTATUSCODES", "STARTTLS", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8",
        ]
    finally:
        client.close()


def test_a_multi_line_reply_is_one_write(server) -> None:
    """EHLO's eleven lines leave in one write: one TCP segment (one TLS record after STARTTLS),
    not one per line; the reply is read whole by a single recv on loopback."""
    with socket.create_connection((server.host, server.port), timeout=30) as s:
        s.makefile("rb").readline()  # the banner
        s.sendall(b"EHLO client.example\r\n")
        first = s.recv(65536).decode()  # what the first segment brought
    assert first.startswith("250-") and first.endswith("250 SMTPUTF8\r\n"), first


def test_mail_before_tls_requires_starttls(server, ca) -> None:
    client = connect(server, ca, tls=False)
    try:
        for command in ("MAIL FROM:<printer@contoso.com>", "RCPT TO:<alice@contoso.com>",
                        "DATA", "BDAT 5 LAST"):
            assert split_tail(line(client.docmd(command))) == (
                "451 5.7.3 STARTTLS is required to send mail"
            ), command
    finally:
        client.close()


def test_auth_before_tls_is_unrecognized(server, ca, directory) -> None:
    client = connect(server, ca, tls=False)
    try:
        reply = line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD)))
        assert split_tail(reply) == "504 5.7.4 Unrecognized authentication type"
        assert directory.calls == []
    finally:
        client.close()


def test_after_tls_auth_login_xoauth2_is_offered(server, ca) -> None:
    client = connect(server, ca)
    try:
        assert client.esmtp_features["auth"].strip() == "LOGIN XOAUTH2"
        assert "starttls" not in client.esmtp_features
        assert client.ehlo_resp.decode().splitlines() == [
            f"{FRONT} Hello [127.0.0.1]", "SIZE 157286400", "PIPELINING", "DSN",
            "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2", "8BITMIME", "BINARYMIME", "CHUNKING",
            "SMTPUTF8",
        ]
        assert line(client.docmd("STARTTLS")).startswith("503 ")
    finally:
        client.close()


# ---------------------------------------------------------------------------------------
# XOAUTH2
# ---------------------------------------------------------------------------------------
def test_xoauth2_initial_response_with_a_3kb_token(server, ca, directory) -> None:
    client = connect(server, ca)
    try:
        assert line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))) == (
            "235 2.7.0 Authentication successful"
        )
        assert directory.calls == [(PRINTER, GOOD)]
        assert line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))).startswith("503")
    finally:
        client.close()


def test_xoauth2_two_steps_with_smtplib_auth(server, ca, directory) -> None:
    client = connect(server, ca)
    try:
        answer = f"user={PRINTER}\x01auth=Bearer {GOOD}\x01\x01"
        code, text = client.auth("XOAUTH2", lambda challenge=None: answer,
                                 initial_response_ok=False)
        assert (code, text) == (235, b"2.7.0 Authentication successful")
        assert directory.calls == [(PRINTER, GOOD)]
    finally:
        client.close()


def test_xoauth2_bare_334_challenge(server, ca) -> None:
    client = connect(server, ca)
    try:
        assert client.docmd("AUTH XOAUTH2") == (334, b"")
        assert line(client.docmd(xoauth2(PRINTER, GOOD))) == "235 2.7.0 Authentication successful"
    finally:
        client.close()


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (AuthVerdict.BAD_TOKEN, "535 5.7.3 Authentication unsuccessful"),
        (
            AuthVerdict.SMTP_AUTH_DISABLED_TENANT,
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
            "the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
        ),
        (
            AuthVerdict.SMTP_AUTH_DISABLED_MAILBOX,
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
            "the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.",
        ),
        (
            AuthVerdict.SECURITY_DEFAULTS,
            "535 5.7.139 Authentication unsuccessful, user is locked by your organization's "
            "security defaults policy. Contact your administrator.",
        ),
        (
            AuthVerdict.CONDITIONAL_ACCESS,
            "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to "
            "be authenticated successfully. Contact your administrator.",
        ),
    ],
)
def test_each_refusal_is_exchanges_reply(server, ca, verdict, expected) -> None:
    client = connect(server, ca)
    try:
        with pytest.raises(smtplib.SMTPAuthenticationError) as err:
            client.auth("XOAUTH2", lambda challenge=None: (
                f"user={PRINTER}\x01auth=Bearer tok-{verdict.value}\x01\x01"))
        assert split_tail(f"{err.value.smtp_code} {err.value.smtp_error.decode()}") == expected
        # still not authenticated: MAIL is refused
        reply = line(client.docmd(f"MAIL FROM:<{PRINTER}>"))
        assert split_tail(reply) == "530 5.7.57 Client not authenticated to send mail."
    finally:
        client.close()


def test_unknown_token_is_535_5_7_3(server, ca) -> None:
    client = connect(server, ca)
    try:
        reply = line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, "nonsense")))
        assert split_tail(reply) == "535 5.7.3 Authentication unsuccessful"
    finally:
        client.close()


def test_unknown_mechanism(server, ca) -> None:
    client = connect(server, ca)
    try:
        for cmd in ("AUTH PLAIN AHVzZXIAcGFzcw==", "AUTH CRAM-MD5", "AUTH"):
            assert split_tail(line(client.docmd(cmd))) == "504 5.7.4 Unrecognized authentication type"
    finally:
        client.close()


def test_malformed_auth_data_gets_5xx_and_the_session_goes_on(server, ca, directory) -> None:
    client = connect(server, ca)
    try:
        # not base64, on the line and after 334
        assert line(client.docmd("AUTH XOAUTH2 @@not-base64@@")) == (
            "501 5.5.2 Cannot Base64-decode Client responses"
        )
        assert client.docmd("AUTH XOAUTH2")[0] == 334
        assert line(client.docmd("%%%")) == "501 5.5.2 Cannot Base64-decode Client responses"
        # base64, but not XOAUTH2's shape
        junk = base64.b64encode(b"hello world").decode()
        assert split_tail(line(client.docmd("AUTH XOAUTH2 " + junk))) == (
            "535 5.7.3 Authentication unsuccessful"
        )
        no_bearer = base64.b64encode(f"user={PRINTER}\x01auth=Basic x\x01\x01".encode()).decode()
        assert split_tail(line(client.docmd("AUTH XOAUTH2 " + no_bearer))) == (
            "535 5.7.3 Authentication unsuccessful"
        )
        invalid_utf8 = base64.b64encode(b"user=\xff\x01auth=Bearer x\x01\x01").decode()
        assert client.docmd("AUTH XOAUTH2 " + invalid_utf8)[0] == 535
        # oversized, on the line and after 334
        huge = "A" * (AUTH_LINE_LIMIT + 10)
        assert line(client.docmd("AUTH XOAUTH2 " + huge)) == "500 5.5.6 Line too long"
        assert client.docmd("AUTH XOAUTH2")[0] == 334
        assert line(client.docmd(huge)) == "500 5.5.6 Line too long"
        enormous = "A" * (AUTH_LINE_LIMIT * 4)
        assert line(client.docmd("AUTH XOAUTH2 " + enormous)) == "500 5.5.6 Line too long"
        assert client.docmd("AUTH XOAUTH2")[0] == 334
        assert line(client.docmd(enormous)) == "500 5.5.6 Line too long"
        # abort
        assert client.docmd("AUTH XOAUTH2")[0] == 334
        assert client.docmd("*")[0] == 501
        # and the session still works
        assert line(client.docmd("NOOP")) == "250 2.0.0 OK"
        assert line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))).startswith("235")
    finally:
        client.close()


def test_authorizer_failure_is_a_temporary_error(server, ca, directory) -> None:
    directory.raise_on_auth = True
    client = connect(server, ca)
    try:
        assert line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))) == (
            "454 4.7.0 Temporary authentication failure"
        )
        assert line(client.docmd("NOOP")) == "250 2.0.0 OK"
    finally:
        client.close()


def test_auth_login_with_a_password_never_succeeds(server, ca) -> None:
    client = connect(server, ca)
    try:
        with pytest.raises(smtplib.SMTPAuthenticationError) as err:
            client.login(PRINTER, "Password1!")
        reply = f"{err.value.smtp_code} {err.value.smtp_error.decode()}"
        assert split_tail(reply) == "535 5.7.3 Authentication unsuccessful"
    finally:
        client.close()


def test_auth_login_gets_5_7_139_when_the_directory_says_smtp_auth_is_off(
    ca, directory, tmp_path
) -> None:
    class WithBasic(FakeDirectory):
        def basic_auth_verdict(self, user: str, password: str) -> AuthVerdict:
            return AuthVerdict.SMTP_AUTH_DISABLED_TENANT

    handle = start_smtp("127.0.0.1", 0, WithBasic(), ca.server_ctx, tmp_path / "mail")
    try:
        client = connect(handle, ca)
        assert client.docmd("AUTH LOGIN") == (334, b"VXNlcm5hbWU6")
        assert client.docmd(base64.b64encode(PRINTER.encode()).decode()) == (334, b"UGFzc3dvcmQ6")
        reply = line(client.docmd(base64.b64encode(b"Password1!").decode()))
        assert split_tail(reply) == replies.SMTP_AUTH_DISABLED_TENANT
        client.close()
    finally:
        handle.stop()


def test_the_token_is_never_logged(server, ca, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = connect(server, ca)
    try:
        assert client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))[0] == 235
        client.sendmail(PRINTER, [ALICE], sample().as_bytes(policy=SMTP))
    finally:
        client.close()
    client = connect(server, ca)
    try:
        assert client.docmd("AUTH XOAUTH2")[0] == 334
        assert client.docmd(xoauth2(PRINTER, GOOD))[0] == 235
    finally:
        client.close()
    server.stop()
    assert GOOD[:40] not in caplog.text
    assert xoauth2(PRINTER, GOOD)[:40] not in caplog.text


# ---------------------------------------------------------------------------------------
# the mail transaction
# ---------------------------------------------------------------------------------------
def authed(server: SmtpHandle, ca: LocalCA) -> smtplib.SMTP:
    client = connect(server, ca)
    assert client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))[0] == 235
    return client


def test_mail_without_auth(server, ca) -> None:
    client = connect(server, ca)
    try:
        reply = line(client.docmd(f"MAIL FROM:<{PRINTER}>"))
        assert split_tail(reply) == "530 5.7.57 Client not authenticated to send mail."
    finally:
        client.close()


def test_delivery_into_the_recipients_maildir(server, ca, tmp_path) -> None:
    client = authed(server, ca)
    try:
        assert line(client.docmd(f"MAIL FROM:<{PRINTER}>")) == "250 2.1.0 Sender OK"
        assert line(client.docmd(f"RCPT TO:<{ALICE}>")) == "250 2.1.5 Recipient OK"
        assert line(client.docmd("RCPT TO:<bob@fabrikam.example>")) == "250 2.1.5 Recipient OK"
        code, text = client.data(sample(body="Hello from the printer").as_bytes(policy=SMTP))
        assert code == 250
        assert re.fullmatch(
            rf"2\.0\.0 OK <[^>]+> \[Hostname={re.escape(HOST)}\]", text.decode()
        ), text
    except smtplib.SMTPDataError:
        raise
    finally:
        client.close()
    root = tmp_path / "mail"
    inbox = maildir.read_messages(root, ALICE)
    assert len(inbox) == 1
    msg = inbox[0]
    assert msg["Subject"] == "Scan"
    assert msg.get_content().strip() == "Hello from the printer"
    assert f"by {HOST}" in " ".join(str(msg["Received"]).split())
    assert "with Microsoft SMTP Server (version=TLS1_" in " ".join(str(msg["Received"]).split())
    assert msg["Delivered-To"] == ALICE
    assert msg["Return-Path"] == f"<{PRINTER}>"
    outbound = maildir.read_messages(root, maildir.OUTBOUND)
    assert [m["Delivered-To"] for m in outbound] == ["bob@fabrikam.example"]
    assert maildir.list_mailboxes(root) == ["_outbound", ALICE]
    # files and dirs are private
    info = maildir.list_messages(root, ALICE)[0]
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert (root / ALICE).stat().st_mode & 0o777 == 0o700


def test_data_line_reply_texts(server, ca) -> None:
    client = authed(server, ca)
    try:
        assert line(client.docmd(f"RCPT TO:<{ALICE}>")) == "503 5.5.2 Need mail command"
        assert line(client.docmd(f"MAIL FROM:<{PRINTER}>")) == "250 2.1.0 Sender OK"
        assert line(client.docmd("DATA")) == "503 5.5.2 Need rcpt command"
        assert line(client.docmd(f"MAIL FROM:<{PRINTER}>")) == "503 5.5.2 Sender already specified"
        assert line(client.docmd("RSET")) == "250 2.0.0 Resetting"
        assert line(client.docmd("MAIL FROM:")).startswith("501 ")
        assert line(client.docmd("QUIT")) == "221 2.0.0 Service closing transmission channel"
    finally:
        client.close()


@pytest.mark.parametrize("where", ["envelope", "header"])
def test_send_as_denied(server, ca, tmp_path, where) -> None:
    envelope_from = ALICE if where == "envelope" else PRINTER
    header_from = PRINTER if where == "envelope" else ALICE
    client = authed(server, ca)
    try:
        with pytest.raises(smtplib.SMTPDataError) as err:
            client.sendmail(envelope_from, [ALICE], sample(from_=header_from).as_bytes(policy=SMTP))
        reply = f"{err.value.smtp_code} {err.value.smtp_error.decode()}"
        if where == "envelope":
            assert split_tail(reply) == (
                "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
            )
        else:
            assert reply == replies.SEND_AS_DENIED.format(
                mailbox=PRINTER, from_address=ALICE, host=HOST
            )
            assert reply.startswith(
                f"554 5.2.252 SendAsDenied; {PRINTER} not allowed to send as {ALICE}; "
                "STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; "
            )
    finally:
        client.close()
    assert maildir.read_messages(tmp_path / "mail", ALICE) == []


def test_size_limit_on_mail_from_and_on_data(ca, directory, tmp_path) -> None:
    handle = start_smtp("127.0.0.1", 0, directory, ca.server_ctx, tmp_path / "mail",
                        size_limit=2000)
    try:
        client = authed(handle, ca)
        assert client.esmtp_features["size"] == "157286400"  # Exchange's, whatever the limit
        assert line(client.docmd(f"MAIL FROM:<{PRINTER}> SIZE=5000")) == (
            "552 5.3.4 Message size exceeds fixed maximum message size"
        )
        # no SIZE= given: refused after DATA
        assert client.docmd(f"MAIL FROM:<{PRINTER}>")[0] == 250
        assert client.docmd(f"RCPT TO:<{ALICE}>")[0] == 250
        assert line(client.data(sample(body="x" * 60 + ("\n" + "y" * 70) * 50).as_bytes(policy=SMTP))) == (
            "552 5.3.4 Message size exceeds fixed maximum message size"
        )
        # and a small one still goes through
        client.sendmail(PRINTER, [ALICE], sample().as_bytes(policy=SMTP))
        client.close()
        # the limit can change while running; new connections see it
        handle.size_limit = 100_000
        client = authed(handle, ca)
        client.sendmail(PRINTER, [ALICE], sample(body="x" * 5000).as_bytes(policy=SMTP))
        client.close()
    finally:
        handle.stop()
    assert len(maildir.read_messages(tmp_path / "mail", ALICE)) == 2


def test_size_limit_may_be_a_callable(ca, directory, tmp_path) -> None:
    limit = {"value": 1234}
    handle = start_smtp("127.0.0.1", 0, directory, ca.server_ctx, tmp_path / "mail",
                        size_limit=lambda: limit["value"])
    try:
        client = authed(handle, ca)
        assert line(client.docmd(f"MAIL FROM:<{PRINTER}> SIZE=1235")).startswith("552 5.3.4 ")
        client.close()
        limit["value"] = 4321
        client = authed(handle, ca)
        assert line(client.docmd(f"MAIL FROM:<{PRINTER}> SIZE=1235")) == "250 2.1.0 Sender OK"
        client.close()
        limit["value"] = 200 * 1024 * 1024  # above Exchange's 150 MiB: advertised as it is
        client = connect(handle, ca, tls=False)
        assert client.esmtp_features["size"] == str(200 * 1024 * 1024)
        client.close()
    finally:
        handle.stop()


def test_clock_sets_the_time_in_banner_and_tails(ca, directory, tmp_path) -> None:
    when = dt.datetime(2027, 2, 26, 9, 30, 1, 250000, tzinfo=dt.timezone.utc)
    handle = start_smtp("127.0.0.1", 0, directory, ca.server_ctx, tmp_path / "mail",
                        clock=lambda: when)
    try:
        client = connect(handle, ca)
        reply = line(client.docmd(f"MAIL FROM:<{PRINTER}>"))
        assert f"[{HOST} 2027-02-26T09:30:01.250Z 08DD" in reply
        client.close()
        with socket.create_connection((handle.host, handle.port), timeout=30) as s:
            banner = s.makefile("rb").readline().decode()
        assert re.search(r"ready at Fri, 26 Feb 2027 09:30:01 \+0000 \[08DD[0-9A-F]{12}\]\r\n$",
                         banner), banner
    finally:
        handle.stop()


# ---------------------------------------------------------------------------------------
# robustness
# ---------------------------------------------------------------------------------------
def raw_session(server: SmtpHandle, payload: bytes, *, half_close: bool = False) -> list[str]:
    """Send ``payload`` on a fresh plain connection; return every reply line until close.

    ``half_close`` ends the client's side after the payload (for payloads with no QUIT).
    """
    with socket.create_connection((server.host, server.port), timeout=30) as s:
        reader = s.makefile("rb")
        reader.readline()  # banner
        s.sendall(payload)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        lines = []
        while True:
            got = reader.readline()
            if not got:
                break
            lines.append(got.decode("utf-8", "replace").rstrip("\r\n"))
    return lines


def test_garbage_lines_get_500_5_3_3(server) -> None:
    got = raw_session(
        server, b"GARBAGE\r\n\x00\xff\xfe\r\n\r\nNOOP\r\nHELLO world\r\nQUIT\r\n"
    )
    assert [TAIL.sub("", g) if g.startswith("500 ") else g for g in got] == [
        "500 5.3.3 Unrecognized command 'GARBAGE'",
        "500 5.3.3 Unrecognized command '???'",
        "500 5.3.3 Unrecognized command ''",
        "250 2.0.0 OK",
        "500 5.3.3 Unrecognized command 'HELLO'",
        "221 2.0.0 Service closing transmission channel",
    ]
    assert all(TAIL.search(g) for g in got if g.startswith("500 "))


def test_too_many_garbage_lines_close_the_connection_not_the_server(server, ca) -> None:
    got = raw_session(server, b"".join(b"X%d\r\n" % i for i in range(20)))
    assert split_tail(got[0]) == "500 5.3.3 Unrecognized command 'X0'"
    assert got[-1] == "502 5.5.1 Too many unrecognized commands, goodbye."
    assert len(got) < 20
    # a long line before EHLO, binary noise, a TLS ClientHello on the plain port
    raw_session(server, b"A" * 100_000 + b"\r\nQUIT\r\n")
    raw_session(server, bytes(range(256)) * 10 + b"\r\nQUIT\r\n")
    raw_session(server, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 500,
                half_close=True)
    client = authed(server, ca)
    client.sendmail(PRINTER, [ALICE], sample().as_bytes(policy=SMTP))
    client.close()


def test_broken_tls_handshake_does_not_hurt_the_server(server, ca) -> None:
    with socket.create_connection((server.host, server.port), timeout=30) as s:
        reader = s.makefile("rb")
        reader.readline()
        s.sendall(b"EHLO x\r\nSTARTTLS\r\n")
        while not reader.readline().startswith(b"220"):
            pass
        s.sendall(b"this is not a TLS record\r\n" * 10)
    client = authed(server, ca)
    client.close()


def test_many_concurrent_sessions(server, ca, tmp_path) -> None:
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            client = authed(server, ca)
            client.sendmail(PRINTER, [ALICE], sample(body=f"message {i}").as_bytes(policy=SMTP))
            client.quit()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    bodies = sorted(m.get_content().strip() for m in maildir.read_messages(tmp_path / "mail", ALICE))
    assert bodies == sorted(f"message {i}" for i in range(12))


def test_stop_is_idempotent_and_frees_the_port(ca, directory, tmp_path) -> None:
    handle = start_smtp("127.0.0.1", 0, directory, ca.server_ctx, tmp_path / "mail")
    client = connect(handle, ca)  # an open session must not keep stop() waiting
    port = handle.port
    handle.stop()
    handle.stop()
    client.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    again = start_smtp("127.0.0.1", port, directory, ca.server_ctx, tmp_path / "mail")
    try:
        assert again.port == port
    finally:
        again.stop()


def test_a_taken_port_raises(ca, directory, tmp_path, server) -> None:
    with pytest.raises(OSError):
        start_smtp("127.0.0.1", server.port, directory, ca.server_ctx, tmp_path / "mail")


# ---------------------------------------------------------------------------------------
# aiosmtplib, as the device sends
# ---------------------------------------------------------------------------------------
async def test_aiosmtplib_sends_with_oauth_token_generator(server, ca, directory, tmp_path):
    import aiosmtplib

    async def token() -> str:
        return GOOD

    errors, response = await aiosmtplib.send(
        sample(body="via aiosmtplib"),
        hostname=server.host,
        port=server.port,
        start_tls=True,
        tls_context=ca.client_ctx(),
        username=PRINTER,
        oauth_token_generator=token,
        timeout=30,
    )
    assert errors == {}
    assert response.startswith("2.0.0 OK <")
    assert directory.calls == [(PRINTER, GOOD)]
    [msg] = maildir.read_messages(tmp_path / "mail", ALICE)
    assert msg.get_content().strip() == "via aiosmtplib"


async def test_aiosmtplib_sees_the_refusal_verbatim(server, ca):
    import aiosmtplib

    async def token() -> str:
        return f"tok-{AuthVerdict.SECURITY_DEFAULTS.value}"

    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as err:
        await aiosmtplib.send(
            sample(), hostname=server.host, port=server.port, start_tls=True,
            tls_context=ca.client_ctx(), username=PRINTER, oauth_token_generator=token,
            timeout=30,
        )
    assert err.value.code == 535
    assert split_tail(f"535 {err.value.message}") == replies.SECURITY_DEFAULTS


def test_auth_login_with_initial_response_and_bad_base64(server, ca) -> None:
    client = connect(server, ca)
    try:
        user = base64.b64encode(PRINTER.encode()).decode()
        assert client.docmd(f"AUTH LOGIN {user}") == (334, b"UGFzc3dvcmQ6")
        assert split_tail(line(client.docmd(base64.b64encode(b"pw").decode()))) == (
            "535 5.7.3 Authentication unsuccessful"
        )
        assert line(client.docmd("AUTH LOGIN ###")) == (
            "501 5.5.2 Cannot Base64-decode Client responses"
        )
        assert client.docmd("AUTH LOGIN") == (334, b"VXNlcm5hbWU6")
        assert line(client.docmd("???")) == "501 5.5.2 Cannot Base64-decode Client responses"
        assert line(client.docmd("NOOP")) == "250 2.0.0 OK"
    finally:
        client.close()


def test_xoauth2_empty_initial_response_means_two_steps(server, ca) -> None:
    client = connect(server, ca)
    try:
        assert client.docmd("AUTH XOAUTH2 =") == (334, b"")
        assert line(client.docmd(xoauth2(PRINTER, GOOD))) == "235 2.7.0 Authentication successful"
    finally:
        client.close()


def test_a_recipient_named_twice_gets_one_copy(server, ca, tmp_path) -> None:
    client = authed(server, ca)
    try:
        client.sendmail(PRINTER, [ALICE, ALICE.upper()], sample().as_bytes(policy=SMTP))
    finally:
        client.close()
    assert len(maildir.read_messages(tmp_path / "mail", ALICE)) == 1


# ---------------------------------------------------------------------------------------
# what EHLO advertises is honoured: DSN, BINARYMIME, CHUNKING
# ---------------------------------------------------------------------------------------
def test_dsn_parameters_are_accepted(server, ca, tmp_path) -> None:
    client = authed(server, ca)
    try:
        client.sendmail(PRINTER, [ALICE], sample(body="with DSN").as_bytes(policy=SMTP),
                        mail_options=["RET=HDRS", "ENVID=QQ314159"],
                        rcpt_options=["NOTIFY=SUCCESS,FAILURE", f"ORCPT=rfc822;{ALICE}"])
    finally:
        client.close()
    [msg] = maildir.read_messages(tmp_path / "mail", ALICE)
    assert msg.get_content().strip() == "with DSN"


def bdat(client: smtplib.SMTP, data: bytes, *, last: bool) -> str:
    """Send one BDAT chunk (command and data without waiting between them); its reply."""
    client.send(b"BDAT %d%s\r\n" % (len(data), b" LAST" if last else b"") + data)
    return line(client.getreply())


def test_chunking_delivers_the_chunks_as_sent(server, ca, tmp_path) -> None:
    body = sample(body="sent in chunks").as_bytes(policy=SMTP)
    client = authed(server, ca)
    try:
        assert line(client.docmd(f"MAIL FROM:<{PRINTER}> BODY=BINARYMIME")) == "250 2.1.0 Sender OK"
        assert line(client.docmd(f"RCPT TO:<{ALICE}>")) == "250 2.1.5 Recipient OK"
        # RFC 3030: a BINARYMIME message goes with BDAT, never DATA
        assert line(client.docmd("DATA")) == "503 5.5.1 Bad sequence of commands"
        assert bdat(client, body[:40], last=False) == "250 2.0.0 40 bytes received"
        reply = bdat(client, body[40:], last=True)
        assert re.fullmatch(rf"250 2\.0\.0 OK <[^>]+> \[Hostname={re.escape(HOST)}\]", reply), reply
        # and the session goes on with DATA for the next message
        client.sendmail(PRINTER, [ALICE], sample(body="then DATA").as_bytes(policy=SMTP))
    finally:
        client.close()
    bodies = sorted(m.get_content().strip()
                    for m in maildir.read_messages(tmp_path / "mail", ALICE))
    assert bodies == ["sent in chunks", "then DATA"]


def test_chunking_refusals_read_the_chunk_and_go_on(ca, directory, tmp_path) -> None:
    handle = start_smtp("127.0.0.1", 0, directory, ca.server_ctx, tmp_path / "mail",
                        size_limit=2000)
    try:
        client = authed(handle, ca)
        assert bdat(client, b"x" * 100, last=True) == "503 5.5.2 Need mail command"
        assert client.docmd(f"MAIL FROM:<{PRINTER}>")[0] == 250
        assert bdat(client, b"x" * 100, last=True) == "503 5.5.2 Need rcpt command"
        assert client.docmd(f"RCPT TO:<{ALICE}>")[0] == 250
        assert line(client.docmd("BDAT ten")) == "501 5.5.4 Invalid arguments"
        assert bdat(client, b"y" * 1500, last=False) == "250 2.0.0 1500 bytes received"
        assert bdat(client, b"y" * 1500, last=False) == "250 2.0.0 1500 bytes received"
        assert bdat(client, b"y" * 10, last=True) == (
            "552 5.3.4 Message size exceeds fixed maximum message size"
        )
        assert line(client.docmd("NOOP")) == "250 2.0.0 OK"
        client.sendmail(PRINTER, [ALICE], sample().as_bytes(policy=SMTP))
        client.close()
    finally:
        handle.stop()
    assert len(maildir.read_messages(tmp_path / "mail", ALICE)) == 1


def test_auth_login_tells_a_right_password_from_a_wrong_one(ca, tmp_path) -> None:
    class WithPasswords(FakeDirectory):
        def basic_auth_verdict(self, user: str, password: str) -> AuthVerdict:
            if password == "Right-2025":
                return AuthVerdict.BASIC_AUTH_RETIRED
            return AuthVerdict.BAD_TOKEN

    handle = start_smtp("127.0.0.1", 0, WithPasswords(), ca.server_ctx, tmp_path / "mail")
    try:
        for password, expected in (
            ("Right-2025", "550 5.7.30 Basic authentication is not supported for Client Submission."),
            ("wrong", "535 5.7.3 Authentication unsuccessful"),
        ):
            client = connect(handle, ca)
            with pytest.raises(smtplib.SMTPAuthenticationError) as err:
                client.login(PRINTER, password)
            client.close()
            assert split_tail(f"{err.value.smtp_code} {err.value.smtp_error.decode()}") == expected
    finally:
        handle.stop()


def test_a_client_gone_in_the_middle_of_a_chunk_does_not_hurt_the_server(server, ca) -> None:
    client = authed(server, ca)
    assert client.docmd(f"MAIL FROM:<{PRINTER}>")[0] == 250
    assert client.docmd(f"RCPT TO:<{ALICE}>")[0] == 250
    client.send(b"BDAT 100000 LAST\r\nonly a little")
    client.close()
    client = authed(server, ca)
    client.sendmail(PRINTER, [ALICE], sample().as_bytes(policy=SMTP))
    client.close()


# ---------------------------------------------------------------------------------------
# a verdict the directory keeps in memory
# ---------------------------------------------------------------------------------------
@dataclass
class RememberingDirectory(FakeDirectory):
    """A FakeDirectory with the optional ``cached_xoauth2``: what it has in memory."""

    remembered: dict[str, AuthDecision] = field(default_factory=dict)
    cache_calls: list[str] = field(default_factory=list)

    def cached_xoauth2(self, user: str, bearer_token: str) -> AuthDecision | None:
        self.cache_calls.append(threading.current_thread().name)
        return self.remembered.get(bearer_token)


def test_a_remembered_verdict_is_used_on_the_loop_without_asking_the_directory(
        ca, tmp_path) -> None:
    directory = RememberingDirectory(raise_on_auth=True)  # authorize_xoauth2 must not be asked
    directory.remembered[GOOD] = AuthDecision(AuthVerdict.OK, mailbox=PRINTER)
    directory.remembered["tok-off"] = AuthDecision(AuthVerdict.SMTP_AUTH_DISABLED_MAILBOX)
    handle = start_smtp("127.0.0.1", 0, directory, ca.server_ctx, tmp_path / "mail")
    try:
        client = connect(handle, ca)
        try:
            assert split_tail(line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, "tok-off")))) \
                == replies.VERDICT_REPLIES[AuthVerdict.SMTP_AUTH_DISABLED_MAILBOX]
            assert line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))) == (
                "235 2.7.0 Authentication successful")
        finally:
            client.close()
        assert directory.calls == []
        # asked on the server's loop thread, not on a worker ("cloud-sim-smtp_N")
        assert directory.cache_calls and not any(
            name.startswith("cloud-sim-smtp") for name in directory.cache_calls)
        # a token it does not know goes to authorize_xoauth2 (here: failing, so 4xx)
        client = connect(handle, ca)
        try:
            assert line(client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, "unknown")))[:3] == "454"
        finally:
            client.close()
        assert directory.calls == [(PRINTER, "unknown")]
    finally:
        handle.stop()


def test_commands_are_quoted_after_a_message_read_without_the_quoting_reader(
        server, ca, tmp_path) -> None:
    """DATA lines are read with the plain reader (a scan is thousands of lines), and the
    quoting one is back for the next command."""
    client = authed(server, ca)
    try:
        body = "\n".join(f"line {i} of a long scan" for i in range(3000))
        client.sendmail(PRINTER, [ALICE], sample(body=body).as_bytes(policy=SMTP))
        assert split_tail(line(client.docmd("Frobnicate", "now"))) == (
            "500 5.3.3 Unrecognized command 'Frobnicate'")
    finally:
        client.close()
    [msg] = maildir.read_messages(tmp_path / "mail", ALICE)
    assert msg.get_content().count("of a long scan") == 3000
