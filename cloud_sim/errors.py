"""Microsoft identity platform error bodies (``error``, ``error_description`` "AADSTS...")."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from cloud_sim.jsontypes import JsonObject


@dataclass
class AadError(Exception):
    """An OAuth error as the identity platform returns it; raised inside handlers."""

    error: str
    code: int
    text: str
    status: int = 400
    suberror: str | None = None
    extra: JsonObject = field(default_factory=dict)

    def __str__(self) -> str:  # pragma: no cover - for logs
        return f"{self.error} AADSTS{self.code}"


def error_body(err: AadError, *, now: dt.datetime, correlation_id: str | None,
               error_uri_base: str) -> JsonObject:
    trace_id = str(uuid.uuid4())
    corr = correlation_id or str(uuid.uuid4())
    stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
    body: JsonObject = {
        "error": err.error,
        "error_description": (f"AADSTS{err.code}: {err.text}\r\nTrace ID: {trace_id}\r\n"
                              f"Correlation ID: {corr}\r\nTimestamp: {stamp}"),
        "error_codes": [err.code],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": corr,
        "error_uri": f"{error_uri_base}/error?code={err.code}",
    }
    if err.suberror:
        body["suberror"] = err.suberror
    body.update(err.extra)
    return body


def ca_blocked() -> AadError:
    return AadError("invalid_grant", 53003,
                    "Access has been blocked by Conditional Access policies. The access policy "
                    "does not allow token issuance.", suberror="message_only")


def missing(param: str) -> AadError:
    return AadError("invalid_request", 900144,
                    f"The request body must contain the following parameter: '{param}'.")
