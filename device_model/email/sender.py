"""Sending one email the way the printer does, and turning every failure into Epson's code.

The pieces are plain functions with their collaborators passed in, so the mapping can be unit
tested with fakes and the integration tests run the same code against the simulated tenant:

* :func:`build_message` makes the message (From, To, Subject, body, attachments).
* :func:`deliver` resolves the server name (through the profile's host map), connects, secures
  the connection (STARTTLS / SSL/TLS / none), authenticates (XOAUTH2 with aiosmtplib's
  ``oauth_token_generator``, LOGIN for SMTP AUTH, nothing for Off) and sends.
* :class:`EmailSendError` carries the code of DESIGN.md §4 and the server's exact reply.

A ``535 5.7.3`` to XOAUTH2 gets exactly one retry with a token refreshed on purpose
(``force_refresh``); the refresh itself may end in 361 or 370. So does a ``535 5.7.139`` whose
text says the request "did not meet the criteria" (Conditional Access), see
:func:`open_authenticated`.

Words and where they come from: ``EmailSendError.reply`` is only ever a server's own words (an
SMTP reply, an identity-platform error), kept verbatim for Job Details. What the printer itself
concluded without a reply (no server set, a name that does not resolve, nothing listening, an
attachment over Attached File Max Size) is ``EmailSendError.note``: a catalog message, so Job
Details shows it in the device's language and never passes it off as a server's reply.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the email package is imported when a message is built
    from email.message import Message

from ..i18n import Msg
from .profiles import EmailServiceProfile
from .redact import redact_text

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0

# Codes of DESIGN.md §4 / the guide.
E_DNS = 311
E_AUTH = 312
E_COMM = 313
E_SIZE = 314
E_NOT_SIGNED_IN = 360
E_EXPIRED = 361
E_SIGN_IN_AGAIN = 370
#: No email server is set at all (a new device: Authentication Method Off, no SMTP server).
#: Not a numbered error: the printer never tried, so it says "not set" rather than blaming DNS.
E_NOT_SET: int | None = None


class EmailSendError(Exception):
    """A failed send: ``code`` for the job log (None: "not set"), ``reply`` = a server's exact
    words when one answered ("" otherwise), ``note`` = the printer's own finding; never a token."""

    def __init__(self, code: int | None, reply: str = "", *, kind: str = "", note: Msg | None = None) -> None:
        self.code = code
        self.reply = redact_text(reply)
        #: finer reason for Connection Test messages: dns, refused, timeout, tls_verify,
        #: tls_date, tls, no_starttls, starttls_required, auth, sender, size, signin, not_set ...
        self.kind = kind
        #: the printer's own finding (a catalog message), when no server said anything
        self.note = note
        detail = self.reply or (note.key if note is not None else "")
        super().__init__(f"{code}: {detail}")


def size_error(size: int, limit: int) -> EmailSendError:
    """The printer refuses to send: over Scan Settings' Attached File Max Size (no server asked)."""
    return EmailSendError(
        E_SIZE, "", kind="size_device",
        note=Msg.of("email.job.too_large", size=size, limit=limit, limit_mb=max(1, limit // (1024 * 1024))),
    )


def not_set_error(what: str = "smtp") -> EmailSendError:
    """No SMTP (or POP3) server is set: the job ends "not set", not 311 (no name was looked up)."""
    return EmailSendError(E_NOT_SET, "", kind="not_set", note=Msg.of(f"email.job.not_set_{what}"))


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"

    @classmethod
    def coerce(cls, item: Any) -> Attachment:
        """Accept an Attachment, a path, or a ``(filename, bytes[, mime])`` tuple."""
        if isinstance(item, Attachment):
            return item
        import mimetypes

        if isinstance(item, (str, Path)):
            p = Path(item)
            mime = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
            return cls(p.name, p.read_bytes(), mime)
        if isinstance(item, tuple) and len(item) in (2, 3):
            name, data = item[0], item[1]
            mime = item[2] if len(item) == 3 else (mimetypes.guess_type(name)[0] or "application/octet-stream")
            return cls(str(name), bytes(data), str(mime))
        raise TypeError(f"not an attachment: {type(item).__name__}")


def build_message(
    *,
    sender: str,
    to: str | Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
    domain: str | None = None,
) -> Message:
    """The message a printer sends: a plain-text body and the attachments as MIME parts.

    Built with the email package's classic (compat32) classes: about ten times faster than
    ``EmailMessage``'s header registry, which matters when a send takes a few milliseconds.
    Non-ASCII subjects (Latvian) are RFC 2047 encoded.
    """
    from email.header import Header
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    from email.utils import format_datetime, make_msgid

    text = MIMEText(body, "plain", "utf-8")
    if attachments:
        msg: Message = MIMEMultipart()
        msg.attach(text)
        for a in attachments:
            maintype, _, subtype = a.mime_type.partition("/")
            part = MIMEApplication(a.data, subtype or "octet-stream")
            if maintype != "application":
                part.replace_header("Content-Type", a.mime_type)
            part.add_header("Content-Disposition", "attachment", filename=a.filename)
            msg.attach(part)
    else:
        msg = text
    msg["From"] = sender
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    if date is not None:
        msg["Date"] = format_datetime(date)
    msg["Message-ID"] = make_msgid(domain=domain or (sender.rsplit("@", 1)[-1] if "@" in sender else "printer.local"))
    msg["X-Mailer"] = "panel-tui emulated printer"
    return msg


def flatten(msg: Message) -> bytes:
    """The message as octets on the wire (CRLF line ends): what DATA sends and SIZE counts."""
    import io
    from email.generator import BytesGenerator
    from email.policy import compat32

    buf = io.BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=compat32.clone(linesep="\r\n")).flatten(msg)
    return buf.getvalue()


def message_size(msg: Message) -> int:
    """Octets on the wire, as SIZE counts them."""
    return len(flatten(msg))


def envelope(msg: Message) -> tuple[str, list[str]]:
    """MAIL FROM and RCPT TO addresses from the From/To/Cc/Bcc headers."""
    from email.utils import getaddresses, parseaddr

    sender = parseaddr(str(msg["From"] or ""))[1]
    rcpts = [addr for _, addr in getaddresses([str(v) for k in ("To", "Cc", "Bcc") for v in msg.get_all(k, [])]) if addr]
    return sender, rcpts


class TokenProvider(Protocol):
    """Where XOAUTH2 tokens come from (the email client's msal session)."""

    username: str

    async def token(self, *, force_refresh: bool = False) -> str:
        """An access token for SMTP.Send; raises EmailSendError(360/361/370/311/313)."""
        ...


@dataclass
class SendConfig:
    """The email server settings that matter for one delivery."""

    auth_method: str  # off | smtp_auth | pop_before_smtp | oauth2
    smtp_server: str
    smtp_port: int
    secure: str  # none | ssl_tls | starttls
    account: str = ""
    password: str = field(default="", repr=False)
    pop3_server: str = ""
    pop3_port: int = 110
    max_bytes: int | None = None  # Scan Settings' Attached File Max Size (None: no limit)
    local_hostname: str = "printer.local"
    timeout: float = DEFAULT_TIMEOUT
    profile: EmailServiceProfile | None = None
    tls_context: ssl.SSLContext | None = None


# -- connecting ------------------------------------------------------------------------------


def tls_context_for(profile: EmailServiceProfile | None) -> ssl.SSLContext:
    """Verify the server against the profile's CA (or the system store). Blocking (reads files)."""
    cafile = str(profile.ca_path) if profile is not None and profile.ca_path is not None else None
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


async def resolve(host: str, port: int, profile: EmailServiceProfile | None) -> tuple[str, int]:
    """Where ``host:port`` leads: the profile's map first, then the resolver (311 if neither)."""
    mapped = profile.mapped(host, port) if profile is not None else None
    if mapped is not None:
        return mapped
    if profile is None or profile.simulated:
        # The simulated network (and a device whose email service is not set up yet) knows only
        # the map, IP literals and localhost: no DNS query ever leaves the machine for a name a
        # trainer typed. Only a profile for real Microsoft uses the system resolver.
        import ipaddress

        name = host.strip().lower().rstrip(".")
        if name == "localhost":
            return "127.0.0.1", port
        try:
            return str(ipaddress.ip_address(name.strip("[]"))), port
        except ValueError:
            raise EmailSendError(E_DNS, "", kind="dns", note=Msg.of("email.job.dns", host=host)) from None
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        log.info("%s does not resolve: %s", host, exc)
        raise EmailSendError(E_DNS, "", kind="dns", note=Msg.of("email.job.dns", host=host)) from exc
    if not infos:
        raise EmailSendError(E_DNS, "", kind="dns", note=Msg.of("email.job.dns", host=host))
    return infos[0][4][0], infos[0][4][1]


async def open_socket(
    addr: str, port: int, timeout: float, shown: tuple[str, int] | None = None
) -> socket.socket:
    """A connected, non-blocking TCP socket (313 on refusal or timeout).

    ``shown``: the server name and port as the settings have them, for the printer's finding
    (the simulated network maps them to a loopback port a person never typed).
    """
    where_addr, where_port = shown or (addr, port)
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (addr, port)), timeout)
    except (TimeoutError, asyncio.TimeoutError) as exc:
        sock.close()
        raise EmailSendError(
            E_COMM, "", kind="timeout", note=Msg.of("email.job.timeout", addr=where_addr, port=where_port, seconds=int(timeout))
        ) from exc
    except OSError as exc:
        sock.close()
        log.info("connecting to %s port %s failed: %s", addr, port, exc)
        raise EmailSendError(E_COMM, "", kind="refused", note=Msg.of("email.job.refused", addr=where_addr, port=where_port)) from exc
    return sock


def _tls_kind(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        text = str(exc).lower()
        if "expired" in text or "not yet valid" in text:
            return "tls_date"
        return "tls_verify"
    return "tls"


def _reply(exc: Any) -> str:
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None) or str(exc)
    return f"{code} {message}" if code else str(message)


def classify(exc: BaseException) -> EmailSendError:
    """Map an exception from connecting/authenticating/sending to Epson's code (DESIGN.md §4)."""
    import aiosmtplib

    if isinstance(exc, EmailSendError):
        return exc
    if isinstance(exc, socket.gaierror):
        return EmailSendError(E_DNS, str(exc), kind="dns")
    if isinstance(exc, ssl.SSLError):
        return EmailSendError(E_COMM, f"TLS: {exc}", kind=_tls_kind(exc))
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return EmailSendError(E_AUTH, _reply(exc), kind="auth")
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        first = exc.recipients[0] if exc.recipients else None
        code = getattr(first, "code", 0)
        return EmailSendError(E_SIZE if code == 552 else E_COMM, _reply(first) if first else str(exc), kind="recipient")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        code = exc.code
        if code == 552 or (code in (452, 552, 554) and "5.3.4" in exc.message):
            return EmailSendError(E_SIZE, _reply(exc), kind="size")
        if code == 535:
            return EmailSendError(E_AUTH, _reply(exc), kind="auth")
        # send-as refused: the envelope sender (550 5.7.60) or the From header (554 5.2.252)
        if (code == 554 and "5.2.252" in exc.message) or (code == 550 and "5.7.60" in exc.message):
            return EmailSendError(E_COMM, _reply(exc), kind="sender")
        # Exchange: 451 5.7.3 STARTTLS is required to send mail; others: 530 5.7.0 ...
        if code in (451, 530) and "starttls" in exc.message.lower():
            return EmailSendError(E_COMM, _reply(exc), kind="starttls_required")
        if code == 530:
            return EmailSendError(E_AUTH, _reply(exc), kind="auth")
        return EmailSendError(E_COMM, _reply(exc), kind="reply")
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        text = str(exc).lower()
        return EmailSendError(E_COMM, str(exc), kind="no_starttls" if "starttls" in text else "unsupported")
    if isinstance(exc, aiosmtplib.SMTPException):
        text = str(exc)
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ssl.SSLError):
            return EmailSendError(E_COMM, f"TLS: {cause}", kind=_tls_kind(cause))
        if "xoauth2" in text.lower() or "authentication method" in text.lower():
            return EmailSendError(E_AUTH, text, kind="no_auth")
        if isinstance(exc, aiosmtplib.SMTPTimeoutError):
            return EmailSendError(E_COMM, text, kind="timeout")
        return EmailSendError(E_COMM, text, kind="disconnected")
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return EmailSendError(E_COMM, "timed out", kind="timeout")
    if isinstance(exc, OSError):
        return EmailSendError(E_COMM, str(exc), kind="refused")
    return EmailSendError(E_COMM, f"{type(exc).__name__}: {exc}", kind="other")


async def _session(
    cfg: SendConfig,
    tokens: TokenProvider | None,
    *,
    force_refresh: bool,
) -> Any:
    """A connected, secured and authenticated aiosmtplib.SMTP (caller quits it)."""
    import aiosmtplib

    host = cfg.smtp_server.strip()
    addr, port = await resolve(host, int(cfg.smtp_port), cfg.profile)
    sock = await open_socket(addr, port, cfg.timeout, shown=(host, int(cfg.smtp_port)))
    kwargs: dict[str, Any] = {}
    if cfg.auth_method == "oauth2":
        if tokens is None:
            sock.close()
            raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")

        async def generator() -> str:
            return await tokens.token(force_refresh=force_refresh)

        kwargs.update(username=tokens.username, oauth_token_generator=generator)
    elif cfg.auth_method == "smtp_auth" and cfg.account:
        kwargs.update(username=cfg.account, password=cfg.password)
    smtp = aiosmtplib.SMTP(
        hostname=host,  # TLS is verified against the name the user sees
        sock=sock,
        use_tls=cfg.secure == "ssl_tls",
        start_tls=True if cfg.secure == "starttls" else False,
        tls_context=cfg.tls_context,
        local_hostname=cfg.local_hostname,
        timeout=cfg.timeout,
        **kwargs,
    )
    try:
        await smtp.connect()
    except BaseException as exc:
        # asyncio's transport owns the socket now (it closes it, after any TLS shutdown);
        # closing it here would free the fd under a live transport.
        smtp.close()
        if isinstance(exc, EmailSendError):
            raise
        if isinstance(exc, Exception):
            raise _with_finding(classify(exc), host, int(cfg.smtp_port)) from exc
        raise
    return smtp


#: Connection failures the printer notices itself (no SMTP reply): a localized finding.
_FINDINGS = {"tls": "email.job.tls", "tls_verify": "email.job.tls_verify", "tls_date": "email.job.tls_date",
             "disconnected": "email.job.disconnected", "timeout": "email.job.no_answer"}


def _with_finding(err: EmailSendError, host: str, port: int) -> EmailSendError:
    """An error without an SMTP reply (TLS failed, the line dropped) as the printer's finding.

    The library's text (OpenSSL's, aiosmtplib's) goes to the log; Job Details shows the
    finding in the device's language instead of passing it off as the server's words.
    """
    key = _FINDINGS.get(err.kind)
    if key is None or err.reply[:3].isdigit():
        return err
    log.info("connection to %s port %s failed: %s", host, port, err.reply)
    return EmailSendError(err.code, "", kind=err.kind, note=Msg.of(key, host=host, port=port))


async def pop_before_smtp(cfg: SendConfig) -> None:
    """POP before SMTP: log in to the POP3 server first (plain POP3, as the setting offers).

    poplib is blocking, so it runs in a worker thread. A refused login is 312, anything else
    on the way (name, connection, timeout) is 311/313 like SMTP.
    """
    import poplib

    if not cfg.pop3_server.strip():
        raise not_set_error("pop3")
    addr, port = await resolve(cfg.pop3_server.strip(), int(cfg.pop3_port), cfg.profile)

    def login() -> str:
        box = poplib.POP3(addr, port, timeout=cfg.timeout)
        try:
            box.user(cfg.account)
            reply = box.pass_(cfg.password)
            return reply.decode("utf-8", "replace")
        finally:
            try:
                box.quit()
            except (OSError, poplib.error_proto):
                box.close()

    try:
        await asyncio.to_thread(login)
    except poplib.error_proto as exc:
        raise EmailSendError(E_AUTH, f"POP3: {exc}", kind="auth") from exc
    except (TimeoutError, socket.timeout) as exc:
        raise EmailSendError(E_COMM, f"POP3: timed out connecting to {addr} on port {port}", kind="timeout") from exc
    except OSError as exc:
        raise EmailSendError(E_COMM, f"POP3: error connecting to {addr} on port {port}: {exc}", kind="refused") from exc


def _is_5_7_3(reply: str) -> bool:
    """Whether the reply is Exchange's ``535 5.7.3`` (a token it did not take)."""
    import re

    return re.search(r"(?<![\d.])5\.7\.3(?![\d.])", reply) is not None


def _worth_a_fresh_token(err: EmailSendError) -> bool:
    """Whether an XOAUTH2 refusal may be cured (or explained) by refreshing the token once.

    ``535 5.7.3``: the access token was refused (expired, revoked): a fresh one may pass.
    ``535 5.7.139 ... did not meet the criteria``: a Conditional Access policy now covers the
    account, yet the access token, issued before the policy, is still valid for an hour or
    so. Exchange cannot say more than "criteria"; the identity platform can: refreshing the
    token is evaluated against the policy and refused with AADSTS53003, which the device
    reports as 370 ("sign in again"), the code the guide gives for a sign-in the
    organisation no longer accepts. Without this, a person who adds a policy sees 312 (the
    server's settings) until the token expires, which sends them to the wrong place. The
    other 5.7.139 texts (SMTP AUTH disabled, security defaults) are the tenant's settings:
    a new token would not change them, so they stay 312 without another round trip.
    """
    if err.kind != "auth":
        return False
    if _is_5_7_3(err.reply):  # 5.7.3 exactly: 5.7.30 (basic auth retired) must not count
        return True
    reply = err.reply.lower()
    return "5.7.139" in reply and "criteria" in reply


async def open_authenticated(cfg: SendConfig, tokens: TokenProvider | None) -> Any:
    """Connect and authenticate; refresh the token once and retry when :func:`_worth_a_fresh_token`."""
    if cfg.auth_method == "pop_before_smtp":
        await pop_before_smtp(cfg)
    try:
        return await _session(cfg, tokens, force_refresh=False)
    except EmailSendError as err:
        if cfg.auth_method == "oauth2" and _worth_a_fresh_token(err):
            log.info("XOAUTH2 refused (%s); refreshing the token once and retrying", err.reply[:13])
            return await _session(cfg, tokens, force_refresh=True)
        raise


async def deliver(
    message: Message,
    cfg: SendConfig,
    tokens: TokenProvider | None,
    *,
    session: Awaitable[Any] | None = None,
    on_accepted: Callable[[str], Awaitable[Any]] | None = None,
) -> str:
    """Send ``message``; return the server's final reply. Raises :class:`EmailSendError`.

    ``session``: an authenticated connection already being opened (see
    :func:`open_authenticated`); the email client starts it while the document is still being
    composed, so scanning and the TLS/AUTH round trips overlap. Without it, one is opened here.

    ``on_accepted``: called with the reply once the server has accepted the message; what it
    returns (a coroutine or a future) runs beside the QUIT round trip (the email client logs the
    job durably meanwhile). ``deliver`` returns only after both, even when cancelled meanwhile,
    and an error of ``on_accepted`` is raised as it is.
    """
    if not cfg.smtp_server.strip():
        raise not_set_error()
    data = flatten(message)  # once: for the size check and for DATA
    size = len(data)
    if cfg.max_bytes is not None and size > cfg.max_bytes:
        raise size_error(size, cfg.max_bytes)
    sender, recipients = envelope(message)
    smtp = await (session if session is not None else open_authenticated(cfg, tokens))
    try:
        # No check against the server's SIZE here: aiosmtplib declares the size on MAIL FROM
        # (RFC 1870), so a server that will not take it says so itself (552 5.3.4) before any
        # data is sent, and Job Details shows its words rather than the printer's guess.
        try:
            errors, reply = await smtp.sendmail(sender, recipients, data)
        except EmailSendError:
            raise
        except Exception as exc:
            raise classify(exc) from exc
        if errors:
            first = next(iter(errors.values()))
            raise EmailSendError(E_COMM, f"{first.code} {first.message}", kind="recipient")
        follow_up = asyncio.ensure_future(on_accepted(reply)) if on_accepted is not None else None
        try:
            await smtp.quit()
        except Exception:  # the message is accepted; a rude goodbye changes nothing
            smtp.close()
        finally:
            if follow_up is not None:
                # Even when cancelled during QUIT: the accepted message's follow-up completes.
                await _finish_shielded(follow_up)
        return reply
    finally:
        if smtp.is_connected:
            smtp.close()


async def _finish_shielded(future: asyncio.Future[Any]) -> None:
    """Await ``future`` to its end even if the awaiting task is cancelled meanwhile.

    Its own error wins; a cancellation that arrived while waiting is raised after it ended.
    """
    cancelled = False
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            if future.cancelled():
                raise
            cancelled = True
        except Exception:
            break
    future.result()  # its error, if any
    if cancelled:
        raise asyncio.CancelledError


async def discard_session(task: asyncio.Task[Any]) -> None:
    """Abandon a session being opened (the job failed before sending): cancel or close it."""
    if not task.done():
        task.cancel()
    try:
        smtp = await task
    except BaseException:  # cancelled, or it failed anyway: nothing to close
        return
    smtp.close()
