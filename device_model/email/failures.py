"""How a send fails: Epson's codes (DESIGN.md §4), the error that carries them, and the
mapping from whatever connecting, securing, authenticating or sending raised.

``EmailSendError.reply`` is only ever a server's own words, kept verbatim for Job Details;
what the printer concluded without a reply is ``EmailSendError.note`` (a catalog message).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl

from ..i18n import Msg
from .redact import redact_text

log = logging.getLogger(__name__)

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


def _tls_kind(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        text = str(exc).lower()
        if "expired" in text or "not yet valid" in text:
            return "tls_date"
        return "tls_verify"
    return "tls"


def _reply(exc: object) -> str:
    """An SMTP reply as the server said it. getattr: aiosmtplib's response exceptions and its
    refused-recipient records carry ``code`` and ``message``, other errors only their text."""
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
        code = first.code if first is not None else 0
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


#: Connection failures the printer notices itself (no SMTP reply): a localized finding.
_FINDINGS = {"tls": "email.job.tls", "tls_verify": "email.job.tls_verify", "tls_date": "email.job.tls_date",
             "disconnected": "email.job.disconnected", "timeout": "email.job.no_answer"}


def with_finding(err: EmailSendError, host: str, port: int) -> EmailSendError:
    """An error without an SMTP reply (TLS failed, the line dropped) as the printer's finding.

    The library's text (OpenSSL's, aiosmtplib's) goes to the log; Job Details shows the
    finding in the device's language instead of passing it off as the server's words.
    """
    key = _FINDINGS.get(err.kind)
    if key is None or err.reply[:3].isdigit():
        return err
    log.info("connection to %s port %s failed: %s", host, port, err.reply)
    return EmailSendError(err.code, "", kind=err.kind, note=Msg.of(key, host=host, port=port))
