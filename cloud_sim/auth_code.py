"""The authorization code flow (with PKCE) of the identity platform: ``/authorize``
requests, the codes the sign-in pages hand back, and their redemption at the token endpoint.

A part of :class:`cloud_sim.idp.IdentityPlatform` (its base class): the flow uses the
platform's tenant and client checks, scopes and token issuing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from cloud_sim.errors import AadError, missing
from cloud_sim.store import hash_secret
from cloud_sim.jsontypes import JsonObject

if TYPE_CHECKING:
    from cloud_sim.accounts import User
    from cloud_sim.directory import Directory

AUTH_CODE_LIFETIME = 600
RESPONSE_MODES = ("query", "fragment", "form_post")
#: the app's registered redirect URI besides loopback (any port), as for a desktop app
NATIVE_CLIENT_URI = "https://login.microsoftonline.com/common/oauth2/nativeclient"

@dataclass(frozen=True)
class Redirect:
    """Where the browser goes back to the app: a URL, or (``form_post``) a form posted there."""

    location: str
    form: dict[str, str] | None = None


@dataclass(frozen=True)
class AuthRequest:
    """A validated ``/authorize`` request (authorization code flow, PKCE optional)."""

    client_id: str
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    response_mode: str = "query"
    #: where the sign-in started (common, organizations, consumers or the tenant's id)
    authority: str = "common"

    def redirect(self, **params: str) -> Redirect:
        """The answer to the app: ``params`` (and ``state``) in the query, the fragment or a
        posted form, as ``response_mode`` asked."""
        if self.state is not None:
            params["state"] = self.state
        if self.response_mode == "form_post":
            return Redirect(self.redirect_uri, params)
        if self.response_mode == "fragment":
            return Redirect(f"{self.redirect_uri.split('#')[0]}#{urlencode(params)}")
        sep = "&" if urlsplit(self.redirect_uri).query else "?"
        return Redirect(f"{self.redirect_uri}{sep}{urlencode(params)}")


class RedirectError(Exception):
    """An ``/authorize`` error that goes back to the (valid) redirect URI, not on a page."""

    def __init__(self, redirect: Redirect):
        super().__init__(redirect.location)
        self.redirect = redirect


def redirect_uri_registered(uri: str) -> bool:
    """Loopback (http, any port and path) or the native-client URI, as a desktop app's
    registration has them."""
    if uri == NATIVE_CLIENT_URI:
        return True
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and not parts.fragment
            and parts.hostname in ("localhost", "127.0.0.1", "::1"))


class AuthorizationCodeFlow:
    """``/authorize`` and the ``authorization_code`` grant (see the module docstring)."""

    # the platform's own (IdentityPlatform); declared for the type checker only
    if TYPE_CHECKING:
        dir: Directory
        base_url: str

        def check_client(self, client_id: str | None) -> None: ...

        def parse_scope(self, scope: str | None) -> list[str]: ...

        def authority_of(self, tenant: str) -> str: ...

        def bad_credentials(self, upn: str | None) -> AadError: ...

        def issue(self, user: User, client_id: str, scopes: list[str], **kw: Any) -> JsonObject: ...

    def authorize_request(self, params: dict[str, str], tenant: str = "common") -> AuthRequest:
        """Validate an ``/authorize`` request. Errors before the redirect URI is known good
        are :class:`AadError` (shown on a page, as Microsoft does); later ones are
        :class:`RedirectError` (sent back to the app)."""
        client_id = params.get("client_id")
        if not client_id:
            raise missing("client_id")
        if client_id != self.dir.client_id:
            self.check_client(client_id)  # 700016
        redirect_uri = params.get("redirect_uri") or ""
        if not redirect_uri_registered(redirect_uri):
            raise AadError("invalid_request", 50011,
                           f"The redirect URI '{redirect_uri[:200]}' specified in the request "
                           "does not match the redirect URIs configured for the application "
                           f"'{client_id}'. Make sure the redirect URI sent in the request "
                           "matches one added to your application in the Azure portal.")
        state = params.get("state")
        mode = params.get("response_mode") or "query"
        base = AuthRequest(client_id, redirect_uri, "", state, None, None, None,
                           mode if mode in RESPONSE_MODES else "query")

        def back(error: str, code: int, text: str) -> RedirectError:
            return RedirectError(base.redirect(
                error=error, error_description=f"AADSTS{code}: {text}",
                error_uri=f"{self.base_url}/error?code={code}"))

        if params.get("response_type") != "code":
            rtype = params.get("response_type") or ""
            raise back("unsupported_response_type", 700054,
                       f"response_type '{rtype[:40]}' is not enabled for the application."
                       if rtype else "The request body must contain the following parameter: "
                       "'response_type'.")
        if mode not in RESPONSE_MODES:
            raise back("invalid_request", 900144,
                       f"The provided value for the input parameter 'response_mode' is not "
                       f"valid: '{mode[:40]}'. Expected 'query', 'fragment' or 'form_post'.")
        try:
            scopes = self.parse_scope(params.get("scope"))
        except AadError as err:
            raise back(err.error, err.code, err.text) from None
        challenge = params.get("code_challenge") or None
        method = params.get("code_challenge_method") or ("plain" if challenge else None)
        if challenge and method not in ("S256", "plain"):
            raise back("invalid_request", 50148,
                       "The code_challenge_method is not supported. Use S256 or plain.")
        if method and not challenge:
            raise back("invalid_request", 50148,
                       "The code_challenge parameter is required when code_challenge_method "
                       "is given.")
        return AuthRequest(client_id, redirect_uri, " ".join(scopes), state,
                           params.get("nonce") or None, challenge, method, mode,
                           self.authority_of(tenant))

    def authorization_code(self, req: AuthRequest, upn: str) -> str:
        """The code the sign-in pages send back to the app's redirect URI."""
        code = "1.AQ" + secrets.token_urlsafe(240)
        self.dir.store.execute(
            "INSERT INTO auth_codes(code_hash, client_id, redirect_uri, scope, upn, nonce,"
            " code_challenge, challenge_method, expires) VALUES(?,?,?,?,?,?,?,?,?)",
            (hash_secret(code), req.client_id, req.redirect_uri, req.scope, upn, req.nonce,
             req.code_challenge, req.code_challenge_method,
             self.dir.clock.timestamp() + AUTH_CODE_LIFETIME))
        return code

    def _auth_code_grant(self, form: dict[str, str]) -> JsonObject:
        self.check_client(form.get("client_id"))
        code = form.get("code")
        if not code:
            raise missing("code")
        if not form.get("redirect_uri"):
            raise missing("redirect_uri")
        store = self.dir.store
        with store.transaction():
            row = store.one("SELECT * FROM auth_codes WHERE code_hash=?", (hash_secret(code),))
            if row is None or row["client_id"] != form["client_id"]:
                raise AadError("invalid_grant", 9002313,
                               "Invalid request. Request is malformed or invalid.")
            if row["redeemed"]:
                raise AadError("invalid_grant", 54005,
                               "OAuth2 Authorization code was already redeemed, please retry "
                               "with a new valid code or use an existing refresh token.")
            if self.dir.clock.timestamp() >= row["expires"]:
                raise AadError("invalid_grant", 70008,
                               "The provided authorization code or refresh token has expired "
                               "due to inactivity. Send a new interactive authorization "
                               "request for this user and resource.")
            if form["redirect_uri"] != row["redirect_uri"]:
                raise AadError("invalid_grant", 500112,
                               "The reply address does not match the reply address provided "
                               "when requesting Authorization code.")
            if row["code_challenge"]:
                verifier = form.get("code_verifier") or ""
                if not verifier:
                    raise missing("code_verifier")
                if row["challenge_method"] == "S256":
                    derived = base64.urlsafe_b64encode(
                        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                else:
                    derived = verifier
                if not hmac.compare_digest(derived.encode(), row["code_challenge"].encode()):
                    raise AadError("invalid_grant", 501481,
                                   "The Code_Verifier does not match the code_challenge "
                                   "supplied in the authorization request.")
            store.execute("UPDATE auth_codes SET redeemed=1 WHERE code_hash=?",
                          (hash_secret(code),))
            store.execute("DELETE FROM auth_codes WHERE expires < ?",
                          (self.dir.clock.timestamp() - 86400,))
        user = self.dir.user(row["upn"])
        if user is None:
            raise self.bad_credentials(row["upn"])
        return self.issue(user, row["client_id"], row["scope"].split(), nonce=row["nonce"])
