"""The identity platform's HTTPS front: routing, form parsing, Microsoft-shaped replies.

A stdlib ThreadingHTTPServer; the TLS handshake happens in each connection's own thread
(not in ``accept``), so a client that connects and stalls cannot block the others. Every
failure, including garbage requests and our own bugs, becomes a Microsoft-shaped JSON error;
the server never dies on input.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from cloud_sim.admin import TenantAdmin
from cloud_sim.errors import AadError, error_body
from cloud_sim.idp import KNOWN_TENANTS, MSA_TENANT_ID, IdentityPlatform
from cloud_sim.pages import SignInPages
from cloud_sim.tokens import GRAPH_AUDIENCE, subject

log = logging.getLogger(__name__)

GRAPH_AUDIENCES = (GRAPH_AUDIENCE, "https://graph.microsoft.com")
_STATIC = {"signin.css": "text/css; charset=utf-8", "favicon.ico": "image/x-icon"}
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
#: what ``/error?code=`` explains (the error_uri of every error and the pages' details link)
_ERROR_HELP = {
    50011: "The redirect URI specified in the request does not match the redirect URIs "
           "configured for the application.",
    50020: "User account from identity provider does not exist in tenant and cannot access "
           "the application in that tenant.",
    50034: "The user account does not exist in the directory.",
    50196: "The server terminated an operation because it encountered a client request loop.",
    50053: "The account is locked because the user tried to sign in too many times with an "
           "incorrect user ID or password.",
    50126: "Error validating credentials due to invalid username or password.",
    50173: "The provided grant has expired due to it being revoked (sessions revoked or "
           "password changed).",
    53003: "Access has been blocked by Conditional Access policies.",
    65001: "The user or administrator has not consented to use the application.",
    65004: "User declined to consent to access the app.",
    70011: "The provided value for the input parameter 'scope' is not valid.",
    70016: "Authorization is pending: the device keeps polling.",
    70018: "Invalid verification code: the code entered is not known.",
    70020: "The device code has expired.",
    90094: "The grant requires admin permission.",
    700016: "Application was not found in the directory.",
    700082: "The refresh token has expired due to inactivity.",
    7000218: "The request body must contain the parameter 'client_assertion' or "
             "'client_secret' (public client flows are off).",
}
MAX_BODY = 64 * 1024
#: a too-large body up to this size is read away, so the client sees our 413 and not a reset
MAX_DRAIN = 64 * 1024 * 1024
#: how long a body may stall (a Content-Length longer than what is sent): then a clean 400
BODY_TIMEOUT = 30.0
#: how long a connection may stay silent (TLS handshake, headers, keep-alive) before it is cut
CONNECTION_TIMEOUT = 30.0
#: unexpired, unused device codes one app may hold (more: 429 AADSTS50196)
MAX_PENDING_DEVICE_CODES = 50
#: concurrent connections (one handler thread each); more are closed at once
MAX_HANDLERS = 64
_TENANT = r"(?P<tenant>[A-Za-z0-9.\-]{1,100})"
_ROUTES = [
    ("discovery", re.compile(rf"^/{_TENANT}/v2\.0/\.well-known/openid-configuration$")),
    ("devicecode", re.compile(rf"^/{_TENANT}/oauth2/v2\.0/devicecode$")),
    ("token", re.compile(rf"^/{_TENANT}/oauth2/v2\.0/token$")),
    ("keys", re.compile(rf"^/{_TENANT}/discovery/v2\.0/keys$")),
    # the v1 path, where libraries validating v1 access tokens (sts.windows.net) look
    ("keys", re.compile(rf"^/{_TENANT}/discovery/keys$")),
    ("authorize", re.compile(rf"^/{_TENANT}/oauth2/v2\.0/authorize$")),
    ("logout", re.compile(rf"^/{_TENANT}/oauth2/v2\.0/logout$")),
    ("kerberos", re.compile(rf"^/{_TENANT}/kerberos$")),
]


def _no_constant(name: str) -> Any:
    """JSON's non-standard Infinity/NaN: refused like any other invalid JSON."""
    raise ValueError(f"{name} is not JSON")


class _TlsThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, addr, handler, ssl_context: ssl.SSLContext, family: int,
                 sock: socket.socket | None = None):
        self.address_family = family
        self.ssl_context = ssl_context
        self._conns = set()
        self._conns_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_HANDLERS)
        super().__init__(addr, handler, bind_and_activate=sock is None)
        if sock is not None:  # already bound and listening (cloud_sim.ondemand)
            self.socket.close()
            self.socket = sock
            self.server_address = sock.getsockname()
            self.server_name, self.server_port = str(addr[0]), self.server_address[1]

    def close_connections(self) -> None:
        """Cut keep-alive connections so no handler outlives the tenant's database."""
        with self._conns_lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def process_request(self, request, client_address):
        """One thread per connection, but at most MAX_HANDLERS at once: a flood of slow
        connections is refused (closed) instead of growing threads without bound."""
        if not self._slots.acquire(blocking=False):
            log.warning("too many connections (%d); refusing %s", MAX_HANDLERS, client_address)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def finish_request(self, request, client_address):  # runs in the connection's thread
        request.settimeout(CONNECTION_TIMEOUT)  # a silent client is dropped, freeing its slot
        try:  # a response written in pieces must not wait ~40 ms for the client's delayed ACK
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.debug("TLS handshake with %s failed: %s", client_address, exc)
            return
        with self._conns_lock:  # wrap_socket detached `request`: track the TLS socket
            self._conns.add(tls)
        try:
            super().finish_request(tls, client_address)
        finally:
            with self._conns_lock:
                self._conns.discard(tls)
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], OSError):  # resets, timeouts, TLS alerts: routine
            log.debug("connection from %s ended: %s", client_address, sys.exc_info()[1])
            return
        log.exception("unhandled error serving %s", client_address)


class IdpServer:
    """Owns the listening socket and the serving thread."""

    def __init__(self, host: str, port: int, ssl_context: ssl.SSLContext, app: "IdpApp",
                 sock: socket.socket | None = None):
        """``sock``: serve this already listening socket instead of binding ``host:port``."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        handler = type("BoundHandler", (_Handler,), {"app": app})
        self._server = _TlsThreadingServer((host, port), handler, ssl_context, family,
                                           sock=sock)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2},
                                        name="cloud-sim-idp", daemon=True)
        self._stopped = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5)


class IdpApp:
    """What the handler needs: the platform, the pages, the admin API and its secret."""

    def __init__(self, idp: IdentityPlatform, pages: SignInPages, admin: TenantAdmin,
                 admin_secret: str, info: Callable[[], dict[str, Any]]):
        self.idp = idp
        self.pages = pages
        self.admin = admin
        self.admin_secret = admin_secret
        self.info = info

    def authority_path(self, tenant: str) -> str:
        """The path segment discovery's endpoints use: Microsoft resolves a domain to the
        tenant id; ``common``, ``organizations`` and ``consumers`` stay as they are."""
        t = tenant.lower()
        return t if t in KNOWN_TENANTS else self.idp.dir.tenant_id

    def issuer(self, tenant: str) -> str:
        """The ``issuer`` Microsoft's discovery returns for this authority: the tenant's for a
        tenant, the ``{tenantid}`` template for the multi-tenant authorities, the Microsoft
        account tenant's for ``consumers``."""
        t = self.authority_path(tenant)
        base = self.idp.base_url
        if t == "consumers":
            return f"{base}/{MSA_TENANT_ID}/v2.0"
        if t in KNOWN_TENANTS:
            return f"{base}/{{tenantid}}/v2.0"
        return self.idp.issuer()

    def discovery(self, tenant: str) -> dict[str, Any]:
        base = self.idp.base_url
        t = self.authority_path(tenant)
        return {
            "token_endpoint": f"{base}/{t}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "jwks_uri": f"{base}/{t}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": self.issuer(tenant),
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{base}/oidc/userinfo",
            "authorization_endpoint": f"{base}/{t}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/{t}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/{t}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
                                 "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat",
                                 "auth_time", "acr", "nonce", "preferred_username", "name",
                                 "tid", "ver", "at_hash", "c_hash", "email"],
            "kerberos_endpoint": f"{base}/{t}/kerberos",
            "tenant_region_scope": None if t in KNOWN_TENANTS else "EU",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }

    def jwks(self, tenant: str) -> dict[str, Any]:
        return self.idp.dir.keys.jwks(issuer=self.issuer(tenant))

    def userinfo(self, authorization: str) -> dict[str, Any] | None:
        """The OpenID Connect userinfo claims for a Microsoft Graph access token of this
        tenant (as ``graph.microsoft.com/oidc/userinfo``), or None (401)."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        d = self.idp.dir
        claims = d.validate_access_token(token.strip(), audiences=GRAPH_AUDIENCES,
                                         scope="openid")
        user = d.user(str(claims.get("upn", ""))) if claims else None
        if claims is None or user is None or claims.get("oid") != user.oid:
            return None
        given, _, family = user.display_name.partition(" ")
        info: dict[str, Any] = {
            "sub": subject(user.oid, str(claims.get("appid", ""))),
            "name": user.display_name, "family_name": family or user.display_name,
            "given_name": given, "picture": "https://graph.microsoft.com/v1.0/me/photo/$value",
        }
        if "email" in str(claims.get("scp", "")).split():
            info["email"] = user.upn
        return info


class _Handler(BaseHTTPRequestHandler):
    app: IdpApp
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
        if not hasattr(self, "_corr"):
            self._corr = str(uuid.uuid4())
        self.close_connection = True
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # always answer with a status line and headers
        status = code if 400 <= code < 600 else 400
        try:
            self._send_error(AadError("invalid_request", 90014,
                                      f"The request is not a valid HTTP request ({status} "
                                      f"{message or ''}).".replace(" )", ")"), status=status))
        except Exception:  # pragma: no cover - the peer is gone
            pass

    def _dispatch(self, method: str) -> None:
        self._corr = self.headers.get("client-request-id") or str(uuid.uuid4())
        self._body: bytes | None = None
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
        if getattr(self, "_body", None) is not None:
            return self._body  # type: ignore[return-value]
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
                 urlsplit(getattr(self, "path", "") or "").path)
        self._json(body, err.status)

    def _check_pending_codes(self, form: dict[str, str]) -> None:
        """At most MAX_PENDING_DEVICE_CODES unexpired, unused codes per app: a client asking in
        a loop gets Microsoft's throttling reply instead of filling the database."""
        idp = self.app.idp
        idp.check_client(form.get("client_id"))
        row = idp.dir.store.one(
            "SELECT count(*) AS n FROM device_codes WHERE client_id=? AND status='pending' "
            "AND expires>?", (form.get("client_id"), idp.dir.clock.timestamp()))
        if row is not None and row["n"] >= MAX_PENDING_DEVICE_CODES:
            raise AadError("invalid_request", 50196,
                           "The server terminated an operation because it encountered a client "
                           "request loop. Please contact your app vendor.", status=429)

    def _post_only(self, method: str) -> None:
        if method != "POST":
            raise AadError("invalid_request", 900561,
                           f"The endpoint only accepts POST, OPTIONS requests. Received a "
                           f"{method} request.")

    # -- routes ------------------------------------------------------------------------------
    def _route(self, method: str, path: str) -> None:
        app = self.app
        if path in ("/devicelogin", "/devicelogin/"):
            if method == "POST":
                view = app.pages.post(self._form())
            else:
                view = app.pages.start()
            self._page(view)
            return
        if path == "/devicelogin/help":
            self._page(app.pages.help())
            return
        if path == "/favicon.ico" or path.startswith("/static/"):
            name = path.rsplit("/", 1)[1]
            if name not in _STATIC:
                raise AadError("invalid_request", 90056,
                               f"The requested endpoint '{path[:100]}' does not exist.",
                               status=404)
            data = (Path(__file__).parent / "static" / name).read_bytes()
            self._send(200, data, _STATIC[name],
                       {"Cache-Control": "public, max-age=86400", "Pragma": ""})
            return
        if path == "/_sim/info":
            self._json(app.info())
            return
        if path == "/oidc/userinfo":
            self._userinfo(method)
            return
        if path.startswith("/_sim/admin/"):
            self._admin(method, path[len("/_sim/admin/"):])
            return
        if path == "/error":
            self._error_lookup()
            return
        if path in ("/", ""):
            self._html('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                       '<link rel="icon" href="/favicon.ico"><title>cloud-sim</title></head>'
                       '<body><p>Simulated Microsoft 365 tenant. <a href="/devicelogin">Device '
                       'sign-in</a></p></body></html>')
            return
        for name, rx in _ROUTES:
            m = rx.match(path)
            if not m:
                continue
            tenant = m.group("tenant")
            app.idp.check_tenant(tenant)
            if name == "discovery":
                self._json(app.discovery(tenant))
            elif name == "keys":
                self._json(app.jwks(tenant) if "/v2.0/" in path else app.idp.dir.keys.jwks())
            elif name == "devicecode":
                self._post_only(method)
                form = self._form()
                self._check_pending_codes(form)
                self._json(app.idp.device_authorization(form, tenant))
            elif name == "token":
                self._post_only(method)
                self._json(app.idp.token(self._form()))
            elif name == "authorize":
                self._authorize(method, tenant)
            elif name == "kerberos":  # a KDC proxy for Windows sign-in: nothing a client here sends
                self._post_only(method)
                raise AadError("invalid_request", 90014,
                               "The request is not a valid Kerberos KDC proxy message.")
            else:
                self._logout()
            return
        raise AadError("invalid_request", 90056,
                       f"The requested endpoint '{path[:100]}' does not exist.", status=404)

    def _page(self, view: Any) -> None:
        if view.kind == "redirect" and view.form is not None:
            import base64
            import hashlib

            from cloud_sim.pages import FORM_POST_SCRIPT

            digest = base64.b64encode(hashlib.sha256(FORM_POST_SCRIPT.encode()).digest())
            csp = _PAGE_HEADERS["Content-Security-Policy"].replace(
                "form-action", f"script-src 'sha256-{digest.decode()}'; form-action")
            self._send(200, self.app.pages.render_form_post(view).encode("utf-8"),
                       "text/html; charset=utf-8",
                       {**_PAGE_HEADERS, "Content-Security-Policy": csp})
            return
        if view.kind == "redirect":
            self._redirect_to(view.location)
            return
        self._html(self.app.pages.render(view), view.status)

    def _redirect_to(self, location: str) -> None:
        self._send(302, b"", "text/html; charset=utf-8", {"Location": location, **_PAGE_HEADERS})

    def _authorize(self, method: str, tenant: str) -> None:
        """The authorization code flow's start: the sign-in pages, then back to the app."""
        from cloud_sim.idp import RedirectError

        if method == "POST":
            params = self._form()
        else:
            params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query,
                                                   keep_blank_values=True).items()}
        pages = self.app.pages
        try:
            req = self.app.idp.authorize_request(params, tenant)
        except RedirectError as err:
            self._page(pages.redirect(err.redirect))
            return
        except AadError as err:  # no good redirect URI: Microsoft shows it on a page
            self._page(pages.request_error(err.code, err.text))
            return
        self._page(pages.authorize(req))

    def _logout(self) -> None:
        from cloud_sim.idp import redirect_uri_registered

        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        target = query.get("post_logout_redirect_uri", "")
        if target and redirect_uri_registered(target):
            self._redirect_to(target)
            return
        from cloud_sim.pages import PageView

        self._page(PageView("done", "You signed out of your account",
                            "It's a good idea to close all browser windows.", reason="signed_out"))

    def _error_lookup(self) -> None:
        import html

        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        code = query.get("code", "")
        text = _ERROR_HELP.get(int(code)) if code.isdigit() and len(code) < 10 else None
        body = (f"<p><strong>AADSTS{html.escape(code)}</strong>: {html.escape(text)}</p>"
                if text else "<p>See the error code in the error_description.</p>")
        self._html('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                   '<link rel="icon" href="/favicon.ico"><link rel="stylesheet" '
                   'href="/static/signin.css"><title>Error code lookup</title></head><body>'
                   '<main class="card"><h1>Error code lookup</h1>'
                   f'{body}<p><small>Simulated tenant (cloud-sim).</small></p></main></body>'
                   '</html>')

    def _userinfo(self, method: str) -> None:
        """Microsoft Graph's userinfo: GET or POST with a Graph access token; Graph's 401."""
        if method == "POST":
            self._read_body()
        info = self.app.userinfo(self.headers.get("Authorization", ""))
        if info is not None:
            self._json(info)
            return
        now = self.app.idp.dir.clock.now().strftime("%Y-%m-%dT%H:%M:%S")
        body = {"error": {"code": "InvalidAuthenticationToken",
                          "message": "Access token validation failure."
                          if self.headers.get("Authorization") else
                          "Access token is empty.",
                          "innerError": {"date": now, "request-id": str(uuid.uuid4()),
                                         "client-request-id": self._corr}}}
        self._send(401, json.dumps(body).encode(), "application/json; charset=utf-8",
                   {"WWW-Authenticate": 'Bearer realm="", authorization_uri="'
                    f'{self.app.idp.base_url}/common/oauth2/authorize", '
                    'client_id="00000003-0000-0000-c000-000000000000"'})

    def _admin(self, method: str, op: str) -> None:
        auth = self.headers.get("Authorization", "")
        expected = f"Bearer {self.app.admin_secret}"
        if not hmac.compare_digest(auth.encode(), expected.encode()):
            self._json({"error": "unauthorized", "error_description":
                        "The admin API needs the bearer secret from run.json."}, 401)
            return
        args: dict[str, Any] = {}
        if method == "POST":
            raw = self._read_body()
            if raw:
                try:
                    args = json.loads(raw, parse_constant=_no_constant)
                except (ValueError, RecursionError):  # also Infinity/NaN and deep nesting
                    self._json({"error": "invalid_request",
                                "error_description": "The body is not JSON."}, 400)
                    return
                if not isinstance(args, dict):
                    self._json({"error": "invalid_request",
                                "error_description": "The body must be a JSON object."}, 400)
                    return
        else:
            args = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        try:
            result = self.app.admin.dispatch(op, args)
        except KeyError as exc:
            self._json({"error": "not_found", "error_description": str(exc.args[0] if exc.args
                                                                         else exc)}, 404)
            return
        except (ValueError, TypeError) as exc:
            self._json({"error": "invalid_request", "error_description": str(exc)}, 400)
            return
        self._json(result)
