"""The identity platform's routes: discovery, device code, token, authorize, sign-in pages,
userinfo and the admin API, each answered as Microsoft answers (HTTP plumbing:
:mod:`cloud_sim.http_base`)."""

from __future__ import annotations

import hmac
import json
import logging
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import parse_qs, urlsplit

from cloud_sim.errors import AadError
from cloud_sim.http_base import _PAGE_HEADERS, TenantRequestHandler
from cloud_sim.jsontypes import JsonObject

if TYPE_CHECKING:
    from cloud_sim.page_render import PageView

log = logging.getLogger(__name__)

_STATIC = {"signin.css": "text/css; charset=utf-8", "favicon.ico": "image/x-icon"}
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
#: unexpired, unused device codes one app may hold (more: 429 AADSTS50196). Every device of a
#: tenant signs in with the same app (Epson's client id), so a class or a fleet signing in at
#: once must fit; a client asking in a loop still stops here, long before the database fills
MAX_PENDING_DEVICE_CODES = 500
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



def _no_constant(name: str) -> NoReturn:
    """JSON's non-standard Infinity/NaN: refused like any other invalid JSON."""
    raise ValueError(f"{name} is not JSON")


class IdpHandler(TenantRequestHandler):
    """One connection's requests, routed by path (see ``_ROUTES``)."""

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
        if path == "/ca.pem" and app.ca_cert is not None:
            # only the certificate: the CA's key stays in the state dir (ca-key.pem)
            self._send(200, app.ca_cert.read_bytes(), "application/x-pem-file",
                       {"Content-Disposition": 'attachment; filename="class-ca.pem"'})
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

    def _page(self, view: PageView) -> None:
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
        from cloud_sim.auth_code import RedirectError

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
        from cloud_sim.auth_code import redirect_uri_registered

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
        args: JsonObject = {}
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
