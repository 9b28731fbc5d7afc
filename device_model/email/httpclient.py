"""The HTTP client msal talks to the identity platform through: the standard library's.

msal takes any object with ``get``/``post`` (``msal.oauth2cli.http.HttpClient``), and the
device's needs are small: HTTPS to one identity platform, verified against exactly the CA the
service profile trusts, a connection kept alive per host (msal polls every few seconds while a
person signs in), a timeout (msal sets none) and a count of requests for the bench and tests.
``requests`` did this too, but with urllib3, charset_normalizer, idna and certifi it added
≈ 6 MiB to the panel's process for nothing the device uses (``bench/README.md``).

Errors are the standard library's: socket and TLS errors are ``OSError``; anything
``http.client`` raises that is not (a malformed reply) is raised as :class:`HttpError`, an
``OSError`` too, so ``HTTP_EXCEPTIONS`` is what msal's silent refresh may treat as a network
error (its ``http_exceptions=``) and the callers map to 311/313 as before.
"""

from __future__ import annotations

import http.client
import json
import select
import ssl
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

#: what a request through :class:`HttpSession` raises for a network or protocol failure
HTTP_EXCEPTIONS: tuple[type[BaseException], ...] = (OSError,)


class HttpError(OSError):
    """An HTTP failure that is not a socket's: a malformed reply, or an error status raised
    by :meth:`HttpResponse.raise_for_status`."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class HttpResponse:
    """What msal reads of a response: ``status_code``, ``text``, ``headers``."""

    def __init__(self, method: str, url: str, status_code: int, reason: str,
                 headers: Mapping[str, str], body: bytes) -> None:
        self.method = method
        self.url = url
        self.status_code = status_code
        self.reason = reason
        #: lower-case names; a repeated header is joined with ", " (as msal expects)
        self.headers: dict[str, str] = dict(headers)
        self.content = body

    @property
    def text(self) -> str:
        return self.content.decode(_charset(self.headers.get("content-type", "")), errors="replace")

    def json(self) -> Any:  # Any: whatever JSON the server sent
        return json.loads(self.text)

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            # the path only: a query may carry a code; the body is never put in an error
            raise HttpError(f"HTTP {self.status_code} {self.reason} for {self.method} "
                            f"{urlsplit(self.url).path}", self.status_code)

    def __repr__(self) -> str:
        return f"<HttpResponse {self.status_code}>"


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip('"').strip()
            try:
                "".encode(charset)
            except LookupError:
                break
            return charset
    return "utf-8"


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Did the server close a kept-alive connection while it was idle? (A readable socket
    with no request outstanding means end of file or junk: either way, not reusable.)"""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class HttpSession:
    """Keep-alive HTTPS (and HTTP) requests with the ``requests``-like surface msal calls.

    One connection per scheme, host and port, reused while the server keeps it open; a
    connection found closed before a request is replaced, and a request that fails on a
    reused connection before any reply is sent once more on a new one (a server may close
    an idle connection just as a request goes out). Thread-safe: each host's connection is
    used by one request at a time (msal's poll and a send's refresh may overlap).
    """

    def __init__(self, *, ca_path: str | Path | None = None, timeout: float | None = None,
                 on_request: Callable[[str, str], None] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self._ca_path = str(ca_path) if ca_path is not None else None
        self._context: ssl.SSLContext | None = None
        self.timeout = timeout
        self._on_request = on_request
        self.headers: dict[str, str] = dict(headers or {})
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        self._host_locks: dict[tuple[str, str, int], threading.Lock] = {}

    # -- msal's interface -----------------------------------------------------------------

    def get(self, url: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None, timeout: float | None = None,
            **_ignored: object) -> HttpResponse:
        return self.request("GET", url, params=params, headers=headers, timeout=timeout)

    def post(self, url: str, params: Mapping[str, Any] | None = None,
             data: Mapping[str, Any] | str | bytes | None = None,
             headers: Mapping[str, str] | None = None, timeout: float | None = None,
             json_body: object = None, **_ignored: object) -> HttpResponse:
        return self.request("POST", url, params=params, data=data, headers=headers, timeout=timeout,
                            json_body=json_body)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for conn in idle.values():
            conn.close()

    # -- the request ----------------------------------------------------------------------

    def request(self, method: str, url: str, *, params: Mapping[str, Any] | None = None,
                data: Mapping[str, Any] | str | bytes | None = None,
                headers: Mapping[str, str] | None = None, timeout: float | None = None,
                json_body: object = None) -> HttpResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise HttpError(f"not an HTTP address: {scheme}://{parts.hostname or ''}")
        port = parts.port or (443 if scheme == "https" else 80)
        key = (scheme, parts.hostname, port)
        target = parts.path or "/"
        query = parts.query
        if params:
            query = "&".join(q for q in (query, urlencode(params, doseq=True)) if q)
        if query:
            target += "?" + query
        send_headers = {"Accept-Encoding": "identity", **self.headers, **(headers or {})}
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            send_headers.setdefault("Content-Type", "application/json")
        elif isinstance(data, Mapping):
            body = urlencode(data, doseq=True).encode("utf-8")
            send_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif isinstance(data, str):
            body = data.encode("utf-8")
        elif data is not None:
            body = bytes(data)
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b""
        wait = timeout if timeout is not None else self.timeout
        if self._on_request is not None:
            self._on_request(method, parts.path)
        with self._host_lock(key):
            conn, reused = self._connection(key, wait)
            try:
                response = self._exchange(conn, method, target, body, send_headers)
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as exc:
                conn.close()
                if not reused or (method not in ("GET", "HEAD") and not isinstance(exc, BrokenPipeError)):
                    raise
                conn, reused = self._connection(key, wait, fresh=True)
                try:
                    response = self._exchange(conn, method, target, body, send_headers)
                except BaseException:
                    conn.close()
                    raise
            except http.client.HTTPException as exc:
                conn.close()
                raise HttpError(f"{type(exc).__name__}: {exc}") from exc
            except BaseException:
                conn.close()
                raise
            status, reason, reply_headers, content, keep = response
            if keep:
                with self._lock:
                    self._idle[key] = conn
            else:
                conn.close()
        return HttpResponse(method, url, status, reason, reply_headers, content)

    def _host_lock(self, key: tuple[str, str, int]) -> threading.Lock:
        with self._lock:
            lock = self._host_locks.get(key)
            if lock is None:
                lock = self._host_locks[key] = threading.Lock()
            return lock

    def _connection(self, key: tuple[str, str, int], timeout: float | None,
                    fresh: bool = False) -> tuple[http.client.HTTPConnection, bool]:
        """The host's idle connection if still open, else a new one (not yet connected)."""
        with self._lock:
            conn = None if fresh else self._idle.pop(key, None)
        if conn is not None:
            if not _dropped(conn):
                if conn.sock is not None:
                    conn.sock.settimeout(timeout)
                conn.timeout = timeout
                return conn, True
            conn.close()
        scheme, host, port = key
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=self._tls()), False
        return http.client.HTTPConnection(host, port, timeout=timeout), False

    def _tls(self) -> ssl.SSLContext:
        """Verify against the profile's CA alone (or the system's store), made once per session."""
        if self._context is None:
            ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self._ca_path)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            self._context = ctx
        return self._context

    @staticmethod
    def _exchange(conn: http.client.HTTPConnection, method: str, target: str, body: bytes | None,
                  headers: Mapping[str, str]) -> tuple[int, str, dict[str, str], bytes, bool]:
        conn.request(method, target, body=body, headers=dict(headers))
        reply = conn.getresponse()
        content = reply.read()
        merged: dict[str, str] = {}
        for name, value in reply.getheaders():
            low = name.lower()
            merged[low] = f"{merged[low]}, {value}" if low in merged else value
        return reply.status, reply.reason, merged, content, not reply.will_close
