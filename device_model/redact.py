"""Helpers that keep secrets out of logs, job details and printed sheets.

Server replies can echo what the client sent; OAuth tokens are long base64/JWT strings. These
helpers replace anything token-like with a marker while keeping the human-readable parts (SMTP
status codes, AADSTS codes, addresses) intact.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"

_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]*)?")
_BEARER = re.compile(
    r"(?i)(\bbearer\s+|\b(?:access_token|refresh_token|id_token|password|device_code)[\"']?\s*[=:]\s*[\"']?)"
    r"([^\s\"',;&]+)"
)
# long runs of token characters; masked only when upper case, lower case and digits are mixed
# (tokens), not for paths or words. A plain scan plus a check keeps this linear in the input.
_LONG_RUN = re.compile(r"[A-Za-z0-9+_\-]{40,}={0,2}")


def _mask_run(m: re.Match[str]) -> str:
    run = m.group(0)
    if any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run):
        return REDACTED
    return run


def redact_text(text: str) -> str:
    """``text`` with JWTs, bearer/access/refresh tokens, passwords and long base64 runs masked."""
    if not text:
        return text
    text = _JWT.sub(REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _LONG_RUN.sub(_mask_run, text)
    return text


def mask_secret(secret: str | None) -> str:
    """What to show for a stored secret: "********" if set, "" if not (never its length)."""
    return "********" if secret else ""
