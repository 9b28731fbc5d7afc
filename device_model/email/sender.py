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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from ..jsontypes import JsonObject

if TYPE_CHECKING:  # the email package is imported when a message is built, aiosmtplib when one is sent
    from email.message import Message

    import aiosmtplib

from ..i18n import Msg

# The failures and the message are their own modules; their names stay importable from here.
from .failures import (
    E_AUTH,
    E_COMM,
    E_DNS,
    E_EXPIRED,
    E_NOT_SET,
    E_NOT_SIGNED_IN,
    E_SIGN_IN_AGAIN,
    E_SIZE,
    EmailSendError,
    classify,
    not_set_error,
    size_error,
    with_finding,
)
from .message import Attachment, build_message, envelope, flatten, message_size
from .profiles import EmailServiceProfile

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0

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
        async with asyncio.timeout(timeout):  # not wait_for: no task of its own per connection
            await loop.sock_connect(sock, (addr, port))
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


async def _session(
    cfg: SendConfig,
    tokens: TokenProvider | None,
    *,
    force_refresh: bool,
) -> aiosmtplib.SMTP:
    """A connected, secured and authenticated aiosmtplib.SMTP (caller quits it)."""
    from .lazy_email import defer_email_policy

    defer_email_policy()  # aiosmtplib imports it for EmailMessages; the device sends bytes
    import aiosmtplib

    host = cfg.smtp_server.strip()
    addr, port = await resolve(host, int(cfg.smtp_port), cfg.profile)
    sock = await open_socket(addr, port, cfg.timeout, shown=(host, int(cfg.smtp_port)))
    kwargs: JsonObject = {}
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
            raise with_finding(classify(exc), host, int(cfg.smtp_port)) from exc
        raise
    return smtp


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


async def open_authenticated(cfg: SendConfig, tokens: TokenProvider | None) -> aiosmtplib.SMTP:
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
    session: Awaitable[aiosmtplib.SMTP] | None = None,
    on_accepted: Callable[[str], Awaitable[object]] | None = None,
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
        except Exception as exc:  # whatever sending raised becomes Epson's code (classify)
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


async def _finish_shielded(future: asyncio.Future[object]) -> None:
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
        except Exception:  # its own error: raised just below by future.result()
            break
    future.result()  # its error, if any
    if cancelled:
        raise asyncio.CancelledError


async def discard_session(task: asyncio.Task[aiosmtplib.SMTP]) -> None:
    """Abandon a session being opened (the job failed before sending): cancel or close it."""
    if not task.done():
        task.cancel()
    try:
        smtp = await task
    except BaseException:  # cancelled, or it failed anyway: nothing to close
        return
    smtp.close()
