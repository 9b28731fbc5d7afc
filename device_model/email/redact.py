"""Keep secrets out of logs, status screens, job details and status sheets.

A printer's job log is read by anyone at the panel; a support bundle of logs leaves the
building. Tokens, refresh tokens, passwords and device codes must never reach either. The
helpers here are applied at every boundary where text leaves the email code: job replies,
error descriptions, log records (a logging filter), and dictionaries shown to the user.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "[redacted]"

#: Keys whose values are secrets wherever they appear (token responses, flows, settings).
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "device_code",
        "password",
        "authenticated_password",
        "smtp_password",
        "client_secret",
        "secret",
        "token",
        "assertion",
    }
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JWTs (access/id tokens): three base64url parts, the first starting with eyJ ({")
    (re.compile(r"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*"), MASK),
    # Bearer credentials on an XOAUTH2 line or an Authorization header
    (re.compile(r"(?i)(bearer\s+)[^\s\x01'\"]+"), r"\1" + MASK),
    # An XOAUTH2 initial response: base64 of "user=" ... (dXNlcj0 is base64("user="))
    (re.compile(r"dXNlcj[0-9A-Za-z+/=]{8,}"), MASK),
    # key=value and "key": "value" forms for the secret keys
    (
        re.compile(
            r"(?i)(\b(?:access_token|refresh_token|id_token|device_code|password|client_secret)"
            r"\b['\"]?\s*[:=]\s*['\"]?)[^\s&'\",}]+"
        ),
        r"\1" + MASK,
    ),
)

_known_lock = threading.Lock()
_known_secrets: set[str] = set()


def remember_secret(value: str | None) -> None:
    """Register a concrete secret (a token just received, a password just typed).

    Pattern matching catches the shapes of secrets; this catches the values themselves
    wherever they turn up (e.g. an opaque refresh token inside an exception message).
    """
    if value and len(value) >= 6:
        with _known_lock:
            _known_secrets.add(value)


def forget_secret(value: str | None) -> None:
    with _known_lock:
        _known_secrets.discard(value or "")


def redact_text(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every known secret and every secret-shaped string masked.

    Adds to :func:`device_model.redact.redact_text` (shapes: JWTs, bearer values, long base64)
    the concrete values this process has seen (:func:`remember_secret`).
    """
    from ..redact import redact_text as _device_redact

    if not text:
        return text
    with _known_lock:
        values = sorted({*_known_secrets, *(e for e in extra if e and len(e) >= 6)}, key=len, reverse=True)
    for v in values:
        if v in text:
            text = text.replace(v, MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return _device_redact(text)


def redact_mapping(obj: Any) -> Any:
    """A copy of ``obj`` (dicts/lists nested) with secret keys masked and strings redacted.

    Any: the copy has the shape of what it was given (msal's replies, JSON), whatever that is."""
    if isinstance(obj, Mapping):
        return {
            k: (MASK if str(k).lower() in SECRET_KEYS and v not in (None, "") else redact_mapping(v))
            for k, v in obj.items()
        }
    if isinstance(obj, (list, tuple)):
        return type(obj)(redact_mapping(v) for v in obj)
    if isinstance(obj, str):
        return redact_text(obj)
    return obj


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with secrets masked.

    Install it on handlers (a logger's own filters do not see records of its children).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix
            return True
        clean = redact_text(message)
        if clean != message:
            record.msg = clean
            record.args = None
        return True


_installed = False


def install_log_redaction() -> None:
    """Put a :class:`RedactingFilter` on the loggers the email code drives (idempotent).

    msal logs token responses at DEBUG level; a filter on its logger catches records it
    emits itself, and a record factory catches its child loggers too.
    """
    global _installed
    if _installed:
        return
    _installed = True
    old_factory = logging.getLogRecordFactory()
    flt = RedactingFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:  # Any: logging's own signature
        record = old_factory(*args, **kwargs)
        name = record.name
        if name.startswith(("msal", "aiosmtplib", "device_model", "urllib3", "requests")):
            flt.filter(record)
        return record

    logging.setLogRecordFactory(factory)
