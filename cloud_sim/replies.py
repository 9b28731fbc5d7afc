"""Exchange Online's SMTP replies, verbatim, in one place.

Why a module of its own: the replies are the product here (a device maps them to Epson's
error codes and keeps them in its job log), so tests, the server and the docs all read the
same strings. Sources: REFERENCE.md §3 and replies seen from smtp.office365.com. Where a
text could not be checked against the real service it says so in a comment; the product
labels the tenant "simulated" anyway.

Exchange appends a diagnostic tail to most refusals:
``[BN0PR00MB0000.namprd00.prod.outlook.com 2026-11-27T13:00:00.000Z 08DD1234ABCDEF56]``
(front-end host, UTC time with milliseconds, the session id of the connection).
:func:`with_tail` adds it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from cloud_sim.smtp_auth import AuthVerdict

DEFAULT_HOSTNAME = "BN0PR00MB0000.namprd00.prod.outlook.com"

# --- greeting and session -------------------------------------------------------------
BANNER = "220 {host} Microsoft ESMTP MAIL Service ready at {date}"
HELO_OK = "250 {host} Hello [{ip}]"
EHLO_FIRST = "250-{host} Hello [{ip}]"
STARTTLS_READY = "220 2.0.0 SMTP server ready"
STARTTLS_FIRST = "530 5.7.0 Must issue a STARTTLS command first"
TLS_ALREADY = "503 5.5.2 Bad sequence of commands"  # unverified wording
SEND_HELLO_FIRST = "503 5.5.2 Send hello first"
NOOP_OK = "250 2.0.0 OK"
RSET_OK = "250 2.0.0 Resetting"
QUIT_OK = "221 2.0.0 Service closing transmission channel"
UNRECOGNIZED = "500 5.3.3 Unrecognized command"
LINE_TOO_LONG = "500 5.5.6 Line too long"  # unverified wording
TOO_MANY_UNRECOGNIZED = "502 5.5.1 Too many unrecognized commands, goodbye."
SYNTAX_ERROR = "501 5.5.4 Invalid arguments"
TEMPORARY_ERROR = "451 4.3.0 Temporary server error. Please try again later"

# --- authentication -------------------------------------------------------------------
AUTH_OK = "235 2.7.0 Authentication successful"
AUTH_UNRECOGNIZED = "504 5.7.4 Unrecognized authentication type"
AUTH_ALREADY = "503 5.5.2 Already authenticated"  # unverified wording
AUTH_BAD_BASE64 = "501 5.5.2 Cannot Base64-decode Client responses"
AUTH_ABORTED = "501 5.0.0 Authentication aborted"  # unverified wording
AUTH_TEMPORARY = "454 4.7.0 Temporary authentication failure"
AUTH_LOGIN_USERNAME = "334 VXNlcm5hbWU6"  # base64("Username:")
AUTH_LOGIN_PASSWORD = "334 UGFzc3dvcmQ6"  # base64("Password:")
AUTH_CONTINUE = "334 "

AUTH_UNSUCCESSFUL = "535 5.7.3 Authentication unsuccessful"
SMTP_AUTH_DISABLED_TENANT = (
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
    "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."
)
# The mailbox variant's second sentence is unverified (REFERENCE.md §3); it mirrors the tenant's.
SMTP_AUTH_DISABLED_MAILBOX = (
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
    "Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information."
)
SECURITY_DEFAULTS = (
    "535 5.7.139 Authentication unsuccessful, user is locked by your organization's "
    "security defaults policy. Contact your administrator."
)
CONDITIONAL_ACCESS = (
    "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be "
    "authenticated successfully. Contact your administrator."
)

VERDICT_REPLIES: dict[AuthVerdict, str] = {
    AuthVerdict.OK: AUTH_OK,
    AuthVerdict.BAD_TOKEN: AUTH_UNSUCCESSFUL,
    AuthVerdict.SMTP_AUTH_DISABLED_TENANT: SMTP_AUTH_DISABLED_TENANT,
    AuthVerdict.SMTP_AUTH_DISABLED_MAILBOX: SMTP_AUTH_DISABLED_MAILBOX,
    AuthVerdict.SECURITY_DEFAULTS: SECURITY_DEFAULTS,
    AuthVerdict.CONDITIONAL_ACCESS: CONDITIONAL_ACCESS,
}

# --- mail transaction -----------------------------------------------------------------
NOT_AUTHENTICATED = "530 5.7.57 Client not authenticated to send mail."
SENDER_OK = "250 2.1.0 Sender OK"
RECIPIENT_OK = "250 2.1.5 Recipient OK"
NEED_MAIL = "503 5.5.2 Need mail command"
NEED_RCPT = "503 5.5.2 Need rcpt command"
NESTED_MAIL = "503 5.5.2 Sender already specified"
BAD_ADDRESS = "501 5.1.7 Invalid address"
DATA_START = "354 Start mail input; end with <CRLF>.<CRLF>"
SIZE_EXCEEDED = "552 5.3.4 Message size exceeds fixed maximum message size"
QUEUED = "250 2.0.0 OK <{message_id}> [Hostname={host}]"
SEND_AS_DENIED = (
    "554 5.2.252 SendAsDenied; {mailbox} not allowed to send as {from_address}; "
    "STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; "
    "Failed to process message due to a permanent exception with message "
    "[BeginDiagnosticData]Cannot submit message. 0.35250:0A00C784, 1.36674:0A000000, "
    "1.61250:00000000, 1.45378:02000000, 1.44866:00000000, 1.36674:0A000000, "
    "1.61250:00000000, 1.45378:15000000[EndDiagnosticData] [Hostname={host}]"
)
BASIC_AUTH_NOTE = (
    "AUTH LOGIN (username and password) never succeeds here: the simulated tenant only knows "
    "OAuth. It gets the 535 5.7.139 reply when SMTP AUTH is disabled for the mailbox or tenant "
    "(or security defaults apply), else 535 5.7.3."
)


def format_tail(host: str, when: datetime, session_id: str) -> str:
    """Exchange's diagnostic tail ``[HOST 2026-11-27T13:00:00.000Z SESSIONID]``."""
    when = when.astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return f"[{host} {stamp} {session_id}]"


def with_tail(reply: str, host: str, when: datetime, session_id: str) -> str:
    """``reply`` followed by Exchange's diagnostic tail."""
    return f"{reply} {format_tail(host, when, session_id)}"


def banner_date(when: datetime) -> str:
    """The banner's date, as Exchange writes it: ``Fri, 27 Nov 2026 13:00:00 +0000``."""
    from email.utils import format_datetime

    return format_datetime(when.astimezone(timezone.utc))
