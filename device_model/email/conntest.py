"""Web Config's Connection Test: connect, secure, authenticate, try the sender; Epson's message.

A failure is worded as Epson's Connection Test words it (``email.conntest.*``); when the
secure-connection setting does not fit the server, the test finds the one that does.
"""

from __future__ import annotations

from ..i18n import Msg
from .failures import E_EXPIRED, E_NOT_SIGNED_IN, E_SIGN_IN_AGAIN, EmailSendError, classify
from .sender import SendConfig, TokenProvider, open_authenticated, open_socket, resolve

#: errors that say the secure-connection setting may not fit the server: probe for the one that does
_SECURE_MISMATCH = ("tls", "disconnected", "no_starttls", "starttls_required", "no_auth")


async def connection_test(cfg: SendConfig, tokens: TokenProvider | None, sender: str) -> Msg:
    """Run the test with the device's send configuration (see :meth:`EmailClient.connection_test`)."""
    from .lazy_email import defer_email_policy

    defer_email_policy()  # aiosmtplib imports it for EmailMessages; the device sends bytes
    import aiosmtplib  # here: importing the device must stay cheap

    if not cfg.smtp_server.strip():
        return Msg.of("email.conntest.no_server")
    try:
        smtp = await open_authenticated(cfg, tokens)
    except EmailSendError as err:
        if err.kind in _SECURE_MISMATCH:
            return await _probe_secure(cfg, err)
        return conntest_msg(err, cfg.secure)
    try:
        if sender:
            try:
                await smtp.mail(sender)
            except (aiosmtplib.SMTPException, OSError) as exc:
                err = classify(exc)
                if err.kind == "sender" or any(c in err.reply for c in ("5.2.252", "5.7.60", "5.1.7")):
                    return Msg.of("email.conntest.sender")
                return conntest_msg(err, cfg.secure)
            try:
                await smtp.rset()
            except (aiosmtplib.SMTPException, OSError):
                pass  # the sender was accepted: a failed RSET changes nothing
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            pass  # a rude goodbye changes nothing either
    finally:
        if smtp.is_connected:
            smtp.close()
    return Msg.of("email.conntest.ok")


def conntest_msg(err: EmailSendError, secure: str) -> Msg:
    """A send error as Connection Test's message."""
    kind = err.kind
    if kind == "dns":
        return Msg.of("email.conntest.connect")
    if kind in ("refused", "timeout"):
        return Msg.of("email.conntest.communication")
    if kind == "tls_verify":
        return Msg.of("email.conntest.untrusted_ca")
    if kind == "tls_date":
        return Msg.of("email.conntest.untrusted_date")
    if kind in ("auth", "no_auth"):
        return Msg.of("email.conntest.auth")
    if kind == "sender":
        return Msg.of("email.conntest.sender")
    if err.code == E_NOT_SIGNED_IN:
        return Msg.of("email.conntest.not_signed_in")
    if err.code == E_EXPIRED:
        return Msg.of("email.conntest.signin_expired")
    if err.code == E_SIGN_IN_AGAIN:
        return Msg.of("email.conntest.signin_again")
    if kind == "starttls_required":
        return Msg.of("email.conntest.change_starttls")
    if kind == "no_starttls":
        return Msg.of("email.conntest.change_none")
    return Msg.of("email.conntest.communication")


async def _probe_secure(cfg: SendConfig, err: EmailSendError) -> Msg:
    """The secure-connection setting did not fit the server: find the one that does."""
    import aiosmtplib

    if err.kind == "no_auth" and cfg.secure == "none":
        pass  # AUTH is only offered after TLS: fall through to the probe
    elif err.kind == "no_auth":
        return Msg.of("email.conntest.auth")
    try:
        addr, port = await resolve(cfg.smtp_server.strip(), int(cfg.smtp_port), cfg.profile)
        sock = await open_socket(addr, port, cfg.timeout)
    except EmailSendError as e2:
        return conntest_msg(e2, cfg.secure)
    smtp = aiosmtplib.SMTP(hostname=cfg.smtp_server.strip(), sock=sock, start_tls=False,
                           local_hostname=cfg.local_hostname, timeout=min(cfg.timeout, 5.0))
    offers_starttls: bool | None
    try:
        await smtp.connect()
        await smtp.ehlo()
        offers_starttls = smtp.supports_extension("starttls")
    except (aiosmtplib.SMTPException, OSError, UnicodeError):
        offers_starttls = None  # not a plain-text SMTP greeting: TLS from the start
    finally:
        smtp.close()
    if offers_starttls is None:
        return Msg.of("email.conntest.change_ssl") if cfg.secure != "ssl_tls" else Msg.of("email.conntest.unsupported")
    if offers_starttls:
        return Msg.of("email.conntest.change_starttls") if cfg.secure != "starttls" else Msg.of("email.conntest.communication")
    return Msg.of("email.conntest.change_none") if cfg.secure != "none" else Msg.of("email.conntest.unsupported")
