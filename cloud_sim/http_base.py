"""The tenant's HTTP plumbing: bounded bodies, forms, Microsoft-shaped replies and errors.

The server never dies on input: a body too large, too slow or malformed, a bad request line and
our own bugs all become Microsoft-shaped JSON errors (:class:`~cloud_sim.errors.AadError`).
"""

from __future__ import annotations

import json
import logging
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cloud_sim.errors import AadError, error_body
from cloud_sim.idp_app import IdpApp

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
#: a too-large body up to this size is read away, so the client sees our 413 and not a reset
MAX_DRAIN = 64 * 1024 * 1024
#: how long a body may stall (a Content-Length longer than what is sent): then a clean 400
BODY_TIMEOUT = 30.0
#: the sign-in pages' security headers (no scripts, no framing; forms post to us, and the
#: authorization code flow's redirect after a post goes to a loopback app)
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self' http://localhost:* http://127.0.0.1:* "
        "http://[::1]:* https://localhost:* https://127.0.0.1:* "
        "https://login.microsoftonline.com"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}

class TenantRequestHandler(BaseHTTPRequestHandler):
    """Every request ends in a reply: a Microsoft-shaped JSON error for anything that fails,
    including garbage requests and bugs (subclasses route in :meth:`_route`)."""

    app: IdpApp
    # set per request by _dispatch; these defaults serve the stdlib's own early errors
    # (a bad request line reaches send_error before any of them is set)
    _corr = ""
    _body: bytes | None = None
    path = ""
    request_version = "HTTP/0.9"
    protocol_version = "HTTP/1.1"
    server_version = "cloud-sim"
    sys_version = ""
    timeout = None  # the server's finish_request sets CONNECTION_TIMEOUT on the socket

    def log_message(self, fmt: str, *args: Any) -> None:  # no query strings, no bodies
        log.debug("%s %s", self.address_string(), fmt % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    # -- plumbing ----------------------------------------------------------------------------
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's own errors (bad request line, headers...) in Microsoft's shape."""
        if not self._corr:
            self._corr = str(uuid.uuid4())
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # always answer with a status line and headers
        status = code if 400 <= code < 600 else 400
        try:
            self._send_error(AadError("invalid_request", 90014,
                                      f"The request is not a valid HTTP request ({status} "
                                      f"{message or ''}).".replace(" )", ")"), status=status))
        except OSError:  # pragma: no cover - the peer is gone
            pass

    def _route(self, method: str, path: str) -> None:
        raise NotImplementedError  # pragma: no cover - the subclass routes

    def _dispatch(self, method: str) -> None:
        self._corr = self.headers.get("client-request-id") or str(uuid.uuid4())
        self._body = None
        faults = self.app.admin.faults  # cloud_sim.faults: latency, hang, reset, down
        if faults is not None and faults.http(self, urlsplit(self.path).path):
            return
        try:
            self._route(method, urlsplit(self.path).path)
        except AadError as err:
            self._send_error(err)
        except Exception:  # the server never dies on input; log the path only
            log.exception("internal error on %s %s", method, urlsplit(self.path).path)
            self._send_error(AadError("server_error", 90033,
                                      "A transient error has occurred. Please try again.",
                                      status=500))
        finally:
            if self._body is None and not self.close_connection:
                try:  # an unread body would be parsed as the next request
                    self._read_body()
                except AadError:
                    self.close_connection = True

    def _read_body(self) -> bytes:
        if self._body is not None:
            return self._body
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise AadError("invalid_request", 90014,
                           "The request body must be sent with a Content-Length.")
        try:
            length = int(length_text or 0)
        except ValueError:
            self.close_connection = True
            raise AadError("invalid_request", 90014, "The Content-Length header is not valid.")
        try:
            self.connection.settimeout(BODY_TIMEOUT)
        except OSError:
            pass
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            if 0 < length <= MAX_DRAIN:  # read it away so the client sees our reply
                remaining = length
                try:
                    while remaining > 0:
                        chunk = self.rfile.read(min(remaining, 65536))
                        if not chunk:
                            break
                        remaining -= len(chunk)
                except OSError:  # stalled or gone: the reply below may still reach it
                    pass
            raise AadError("invalid_request", 90014, "The request body is too large.", status=413)
        try:
            body = self.rfile.read(length) if length else b""
        except OSError:  # a stalled body (socket timeout) or a reset mid-body
            body = None
        if body is None or len(body) < length:
            self.close_connection = True
            self._body = b""
            raise AadError("invalid_request", 90014,
                           "The request body is shorter than its Content-Length.")
        self._body = body
        return self._body

    def _form(self) -> dict[str, str]:
        """The urlencoded form; anything else reads as an empty form (-> missing parameter)."""
        raw = self._read_body()
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return {}
        try:
            text = raw.decode("utf-8")
            parsed = parse_qs(text, keep_blank_values=True, strict_parsing=False,
                              max_num_fields=100)
        except (UnicodeDecodeError, ValueError):
            raise AadError("invalid_request", 90014,
                           "The request body is not a valid form (application/x-www-form-"
                           "urlencoded, UTF-8).")
        return {k: v[0] for k, v in parsed.items()}

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        merged = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache",
                  "x-ms-request-id": str(uuid.uuid4()), "client-request-id": self._corr,
                  **(headers or {})}
        if self.close_connection:  # say so: a client that reuses the connection would get no reply
            merged["Connection"] = "close"
        for k, v in merged.items():
            if v:
                self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, obj: Any, status: int = 200) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json; charset=utf-8")

    def _html(self, text: str, status: int = 200) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8", _PAGE_HEADERS)

    def _send_error(self, err: AadError) -> None:
        body = error_body(err, now=self.app.idp.dir.clock.now(), correlation_id=self._corr,
                          error_uri_base=self.app.idp.base_url)
        log.info("AADSTS%s %s on %s", err.code, err.error,
                 urlsplit(self.path or "").path)
        self._json(body, err.status)

    def _post_only(self, method: str) -> None:
        if method != "POST":
            raise AadError("invalid_request", 900561,
                           f"The endpoint only accepts POST, OPTIONS requests. Received a "
                           f"{method} request.")
