"""Exchange Online's SMTP replies, verbatim, in one place.

Why a module of its own: the replies are the product here (a device maps them to Epson's
error codes and keeps them in its job log), so tests, the server and the docs all read the
same strings. Each reply carries a comment naming the public source it follows (the
transcripts cited in REFERENCE.md §3); :data:`SOURCES` holds the same for the README's reply
table. Where a text could not be checked against the real service it says "unverified"; the
product labels the tenant "simulated" anyway.

Exchange appends a diagnostic tail to most replies:
``[BN0PR00MB0000.namprd00.prod.outlook.com 2026-11-27T13:00:00.000Z 08DD1234ABCDEF56]``
(front-end host, UTC time with milliseconds, the session id of the connection).
:func:`with_tail` adds it. The banner ends in the session id alone, and names the front end
as ``<machine>.outlook.office365.com`` (:func:`banner_host`), as does the EHLO greeting.
"""

from __future__ import annotations

import functools

from datetime import datetime, timezone

from cloud_sim.smtp_auth import AuthVerdict

DEFAULT_HOSTNAME = "BN0PR00MB0000.namprd00.prod.outlook.com"

# Sources (REFERENCE.md §3 cites them; the reply table in cloud_sim/README.md repeats them).
SRC_REFERENCE = "REFERENCE.md §3"
SRC_BANNER = "email-oauth2-proxy#372 (banner of smtp.office365.com)"
SRC_EHLO = "python/cpython#115251, email-oauth2-proxy#142 (EHLO of smtp.office365.com)"
SRC_STARTTLS = "apache/hertzbeat#2365, r-smith/vmPing#73"
SRC_SEND_AS = "PHPMailer#1231, swiftmailer#1030"
SRC_BASIC_AUTH = "Microsoft's basic-auth retirement announcement, quoted in OpenCTI#12069"
SRC_UNRECOGNIZED = "email-oauth2-proxy#232"
SRC_OUTLOOK_BASIC = "Outlook.com after basic auth was turned off (public forum reports; unverified)"
SRC_UNVERIFIED = "unverified (no public transcript found)"

#: What Exchange's EHLO advertises: 150 MiB, whatever the mailbox's own limit (that one is
#: enforced at MAIL ``SIZE=`` and at the end of DATA with 552 5.3.4).
EXCHANGE_SIZE = 157286400

# --- greeting and session -------------------------------------------------------------
BANNER = "220 {host} Microsoft ESMTP MAIL Service ready at {date} [{session}]"  # SRC_BANNER
HELO_OK = "250 {host} Hello [{ip}]"  # SRC_EHLO (its first line)
EHLO_FIRST = "250-{host} Hello [{ip}]"  # SRC_EHLO
#: EHLO's extensions after the greeting line, in Exchange's order (SRC_EHLO); before TLS,
#: STARTTLS takes the place of AUTH (REFERENCE.md §3: no AUTH before TLS).
EHLO_EXTENSIONS_TLS = (
    "SIZE {size}", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2",
    "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8",
)
EHLO_EXTENSIONS_PLAIN = (
    "SIZE {size}", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS",
    "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8",
)
STARTTLS_READY = "220 2.0.0 SMTP server ready"  # unverified wording
#: a mail command (MAIL, RCPT, DATA, BDAT, ...) before STARTTLS; with the tail (SRC_STARTTLS)
STARTTLS_REQUIRED = "451 5.7.3 STARTTLS is required to send mail"
TLS_ALREADY = "503 5.5.2 Bad sequence of commands"  # unverified wording
SEND_HELLO_FIRST = "503 5.5.2 Send hello first"  # unverified wording
NOOP_OK = "250 2.0.0 OK"  # unverified wording
RSET_OK = "250 2.0.0 Resetting"  # unverified wording
QUIT_OK = "221 2.0.0 Service closing transmission channel"  # unverified wording
#: with the command quoted and the tail (SRC_UNRECOGNIZED)
UNRECOGNIZED = "500 5.3.3 Unrecognized command '{command}'"
LINE_TOO_LONG = "500 5.5.6 Line too long"  # unverified wording
TOO_MANY_UNRECOGNIZED = "502 5.5.1 Too many unrecognized commands, goodbye."  # unverified
SYNTAX_ERROR = "501 5.5.4 Invalid arguments"  # unverified wording
TEMPORARY_ERROR = "451 4.3.0 Temporary server error. Please try again later"  # unverified

# --- authentication (SRC_REFERENCE unless marked) ----------------------------------------
AUTH_OK = "235 2.7.0 Authentication successful"
AUTH_UNRECOGNIZED = "504 5.7.4 Unrecognized authentication type"
AUTH_ALREADY = "503 5.5.2 Already authenticated"  # unverified wording
AUTH_BAD_BASE64 = "501 5.5.2 Cannot Base64-decode Client responses"  # unverified wording
AUTH_ABORTED = "501 5.0.0 Authentication aborted"  # unverified wording
AUTH_TEMPORARY = "454 4.7.0 Temporary authentication failure"  # unverified wording
AUTH_LOGIN_USERNAME = "334 VXNlcm5hbWU6"  # base64("Username:"), RFC 4954 practice
AUTH_LOGIN_PASSWORD = "334 UGFzc3dvcmQ6"  # base64("Password:")
AUTH_CONTINUE = "334 "

#: a bad, expired or revoked token; also AUTH LOGIN with a wrong password
AUTH_UNSUCCESSFUL = "535 5.7.3 Authentication unsuccessful"
#: AUTH LOGIN with the right password, now that Exchange Online takes no passwords for
#: client submission (SRC_BASIC_AUTH)
BASIC_AUTH_RETIRED = "550 5.7.30 Basic authentication is not supported for Client Submission."
#: AUTH LOGIN by a personal account on Outlook.com (SRC_OUTLOOK_BASIC)
BASIC_AUTH_DISABLED_PERSONAL = (
    "535 5.7.139 Authentication unsuccessful, basic authentication is disabled."
)
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
    AuthVerdict.BASIC_AUTH_RETIRED: BASIC_AUTH_RETIRED,
    AuthVerdict.BASIC_AUTH_DISABLED_PERSONAL: BASIC_AUTH_DISABLED_PERSONAL,
}

# --- mail transaction -----------------------------------------------------------------
NOT_AUTHENTICATED = "530 5.7.57 Client not authenticated to send mail."  # SRC_REFERENCE
SENDER_OK = "250 2.1.0 Sender OK"  # unverified wording
RECIPIENT_OK = "250 2.1.5 Recipient OK"  # unverified wording
#: Exchange Online's limit of 500 recipients per message (RCPT beyond it)
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
NEED_MAIL = "503 5.5.2 Need mail command"  # unverified wording
NEED_RCPT = "503 5.5.2 Need rcpt command"  # unverified wording
NESTED_MAIL = "503 5.5.2 Sender already specified"  # unverified wording
BAD_ADDRESS = "501 5.1.7 Invalid address"  # unverified wording
DATA_START = "354 Start mail input; end with <CRLF>.<CRLF>"  # unverified wording
SIZE_EXCEEDED = "552 5.3.4 Message size exceeds fixed maximum message size"  # SRC_REFERENCE
QUEUED = "250 2.0.0 OK <{message_id}> [Hostname={host}]"  # unverified wording
#: BDAT (CHUNKING): a chunk that is not the last one; unverified wording
BDAT_CHUNK_OK = "250 2.0.0 {size} bytes received"
#: DATA in a BODY=BINARYMIME transaction (RFC 3030 wants BDAT); unverified wording
BINARYMIME_NEEDS_BDAT = "503 5.5.1 Bad sequence of commands"
#: the envelope sender is an address the account may not send as; at the end of DATA, with
#: the tail (SRC_SEND_AS)
SEND_AS_NOT_PERMITTED = "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
#: the message's From header names an address the mailbox may not send as: the store
#: driver refuses the submission (SRC_REFERENCE; also fusionauth-issues#220's 554 5.2.0 form)
SEND_AS_DENIED = (
    "554 5.2.252 SendAsDenied; {mailbox} not allowed to send as {from_address}; "
    "STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; "
    "Failed to process message due to a permanent exception with message "
    "[BeginDiagnosticData]Cannot submit message. 0.35250:0A00C784, 1.36674:0A000000, "
    "1.61250:00000000, 1.45378:02000000, 1.44866:00000000, 1.36674:0A000000, "
    "1.61250:00000000, 1.45378:15000000[EndDiagnosticData] [Hostname={host}]"
)
BASIC_AUTH_NOTE = (
    "AUTH LOGIN (username and password) never succeeds here, as at Exchange Online after basic "
    "authentication was retired: the right password gets 550 5.7.30, a wrong one 535 5.7.3; "
    "first, 535 5.7.139 names the switch that refuses SMTP AUTH (security defaults, mailbox or "
    "tenant). A personal (Outlook.com) account gets 535 5.7.139 basic authentication is disabled."
)

#: Every reply a client can meet, with the public source it follows (the README's table).
SOURCES: dict[str, str] = {
    BANNER: SRC_BANNER,
    EHLO_FIRST: SRC_EHLO,
    STARTTLS_READY: SRC_UNVERIFIED,
    STARTTLS_REQUIRED: SRC_STARTTLS,
    AUTH_OK: SRC_REFERENCE,
    AUTH_UNRECOGNIZED: SRC_REFERENCE,
    AUTH_UNSUCCESSFUL: SRC_REFERENCE,
    SMTP_AUTH_DISABLED_TENANT: SRC_REFERENCE,
    SMTP_AUTH_DISABLED_MAILBOX: SRC_REFERENCE + " (second sentence unverified)",
    SECURITY_DEFAULTS: SRC_REFERENCE,
    CONDITIONAL_ACCESS: SRC_REFERENCE,
    BASIC_AUTH_RETIRED: SRC_BASIC_AUTH,
    BASIC_AUTH_DISABLED_PERSONAL: SRC_OUTLOOK_BASIC,
    NOT_AUTHENTICATED: SRC_REFERENCE,
    SEND_AS_NOT_PERMITTED: SRC_SEND_AS,
    SEND_AS_DENIED: SRC_REFERENCE,
    SIZE_EXCEEDED: SRC_REFERENCE,
    UNRECOGNIZED: SRC_UNRECOGNIZED,
    BDAT_CHUNK_OK: SRC_UNVERIFIED,
    QUEUED: SRC_UNVERIFIED,
}


def format_tail(host: str, when: datetime, session_id: str) -> str:
    """Exchange's diagnostic tail ``[HOST 2026-11-27T13:00:00.000Z SESSIONID]``."""
    when = when.astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return f"[{host} {stamp} {session_id}]"


def with_tail(reply: str, host: str, when: datetime, session_id: str) -> str:
    """``reply`` followed by Exchange's diagnostic tail."""
    return f"{reply} {format_tail(host, when, session_id)}"


def banner_host(hostname: str) -> str:
    """The name in the banner and EHLO: ``BN0PR00MB0000.namprd00.prod.outlook.com`` ->
    ``BN0PR00MB0000.outlook.office365.com`` (SRC_BANNER, SRC_EHLO); other names unchanged."""
    machine, _, rest = hostname.partition(".")
    if rest.lower().endswith("prod.outlook.com"):
        return f"{machine}.outlook.office365.com"
    return hostname


def quote_command(line: str) -> str:
    """The command as :data:`UNRECOGNIZED` quotes it: printable ASCII, at most 32 characters."""
    text = "".join(c if " " <= c <= "~" else "?" for c in line)
    return text[:32]


def banner_date(when: datetime) -> str:
    """The banner's date, as Exchange writes it: ``Fri, 27 Nov 2026 13:00:00 +0000``.

    Written once per second (every connection's banner asks; formatting took ~10 µs)."""
    return _banner_second(when.astimezone(timezone.utc).replace(microsecond=0))


@functools.lru_cache(maxsize=8)
def _banner_second(when: datetime) -> str:
    from email.utils import format_datetime

    return format_datetime(when)
