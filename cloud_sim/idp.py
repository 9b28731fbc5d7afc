"""The identity platform's protocol logic: device authorization, the token endpoint's
device_code and refresh_token grants, and the state changes the sign-in pages make.

No HTTP here: :mod:`cloud_sim.idp_http` parses requests and turns :class:`AadError` into
Microsoft's error bodies; :mod:`cloud_sim.pages` renders the browser side.
"""

from __future__ import annotations

import logging
import random
import secrets
import sqlite3
import time
import uuid
from dataclasses import dataclass


from cloud_sim.auth_code import AuthorizationCodeFlow
from cloud_sim.auth_code import AuthRequest as AuthRequest  # re-exported for the sign-in pages
from cloud_sim.auth_code import Redirect as Redirect  # re-exported for the sign-in pages
from cloud_sim.accounts import ROLE_TEMPLATE_IDS, User, new_user_code, utc
from cloud_sim.directory import Directory
from cloud_sim.errors import AadError, ca_blocked, missing
from cloud_sim.store import hash_secret
from cloud_sim.tokens import (GRAPH_AUDIENCE, GRAPH_SCOPES, SMTP_AUDIENCE, access_token_claims,
                              client_info, id_token_claims)
from cloud_sim.jsontypes import JsonObject

log = logging.getLogger(__name__)

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}
RESOURCE_SCOPES = {f"{SMTP_AUDIENCE}/SMTP.Send", f"{SMTP_AUDIENCE}/.default",
                   "https://outlook.office365.com/SMTP.Send"}
REFRESH_INACTIVITY = 90 * 24 * 3600
KNOWN_TENANTS = {"common", "organizations", "consumers"}
#: the Microsoft account ("consumers") tenant: personal accounts' tokens are issued by it,
#: whichever authority (``/consumers`` or ``/common``) they signed in at
MSA_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"


def authority_accepts(authority: str, *, personal: bool) -> bool:
    """Whether an account may sign in at this authority, as Microsoft decides: ``/common``
    takes both kinds, ``/consumers`` only personal (Microsoft) accounts, ``/organizations``
    and a tenant (by domain or id) only work accounts."""
    if authority == "common":
        return True
    return personal == (authority == "consumers")


@dataclass
class DeviceCodeRow:
    user_code: str
    client_id: str
    scope: str
    created: float
    expires: float
    status: str  # pending | approved | declined | denied | redeemed
    upn: str | None
    error: str | None
    #: the authority the device asked at (common, organizations, consumers or the tenant's
    #: id): who may sign in with this code
    authority: str = "common"


class IdentityPlatform(AuthorizationCodeFlow):
    """One tenant's identity platform (the authorization code flow: :mod:`cloud_sim.auth_code`)."""

    def __init__(self, directory: Directory, *, base_url: str, verification_uri: str,
                 device_code_expires_in: int = 900, device_code_interval: int = 5):
        self.dir = directory
        self.base_url = base_url
        self.verification_uri = verification_uri
        self.expires_in = device_code_expires_in
        self.interval = device_code_interval

    # -- tenants and clients -----------------------------------------------------------------
    def check_tenant(self, tenant: str) -> None:
        t = tenant.lower()
        if t in KNOWN_TENANTS or t == self.dir.domain or t == self.dir.tenant_id:
            return
        raise AadError("invalid_request", 90002,
                       f"Tenant '{tenant}' not found. Check to make sure you have the correct "
                       "tenant ID and are signing into the correct cloud. Check with your "
                       "subscription administrator, this may happen if there are no active "
                       "subscriptions for the tenant.")

    def authority_of(self, tenant: str) -> str:
        """The authority a request came in at: ``common``, ``organizations`` and ``consumers``
        as they are, this tenant's domain resolved to its id."""
        t = tenant.lower()
        return t if t in KNOWN_TENANTS else self.dir.tenant_id

    def issuer(self, user: User | None = None) -> str:
        """The id_token issuer: the tenant's, or for a personal account the Microsoft account
        tenant's (what ``/consumers`` discovery advertises)."""
        return f"{self.base_url}/{self.token_tenant(user)}/v2.0"

    def token_tenant(self, user: User | None) -> str:
        """The ``tid`` of a user's tokens: personal accounts live in the Microsoft account
        tenant, not in this organisation."""
        return MSA_TENANT_ID if user is not None and user.is_personal else self.dir.tenant_id

    def check_client(self, client_id: str | None) -> None:
        if not client_id:
            raise missing("client_id")
        if client_id != self.dir.client_id:
            raise AadError("unauthorized_client", 700016,
                           f"Application with identifier '{client_id}' was not found in the "
                           f"directory '{self.dir.domain}'. This can happen if the application "
                           "has not been installed by the administrator of the tenant or "
                           "consented to by any user in the tenant. You may have sent your "
                           "authentication request to the wrong tenant.")
        if not self.dir.setting("public_client_flows"):
            raise AadError("invalid_client", 7000218,
                           "The request body must contain the following parameter: "
                           "'client_assertion' or 'client_secret'.", status=401)

    def parse_scope(self, scope: str | None) -> list[str]:
        if not scope or not scope.strip():
            raise AadError("invalid_request", 900144,
                           "The request body must contain the following parameter: 'scope'.")
        scopes = scope.split()
        bad = [s for s in scopes if s not in OIDC_SCOPES and s not in RESOURCE_SCOPES]
        if bad:
            raise AadError("invalid_scope", 70011,
                           f"The provided request must include a 'scope' input parameter. The "
                           f"provided value for the input parameter 'scope' is not valid. The "
                           f"scope '{' '.join(bad)}' is not valid.")
        return scopes

    # -- device authorization ----------------------------------------------------------------
    def device_authorization(self, form: dict[str, str], tenant: str = "common") -> JsonObject:
        """A new device code, remembering the authority (``tenant`` of the request path): the
        sign-in pages refuse accounts that authority does not take."""
        self.check_client(form.get("client_id"))
        scopes = self.parse_scope(form.get("scope"))
        device_code = "DAQABIQEAAAB" + secrets.token_urlsafe(160)
        now = self.dir.clock.timestamp()
        for _ in range(10):
            user_code = new_user_code()
            try:
                self.dir.store.execute(
                    "INSERT INTO device_codes(code_hash, user_code, client_id, scope, created,"
                    " expires, status, authority) VALUES(?,?,?,?,?,?, 'pending', ?)",
                    (hash_secret(device_code), user_code, form["client_id"], " ".join(scopes),
                     now, now + self.expires_in, self.authority_of(tenant)))
                break
            except sqlite3.IntegrityError:  # unique user code collision: try another
                continue
        else:  # pragma: no cover
            raise RuntimeError("could not allocate a user code")
        return {
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": self.verification_uri,
            "expires_in": self.expires_in,
            "interval": self.interval,
            "message": (f"To sign in, use a web browser to open the page {self.verification_uri} "
                        f"and enter the code {user_code} to authenticate."),
        }

    def find_user_code(self, user_code: str) -> DeviceCodeRow | None:
        code = "".join((user_code or "").split()).upper().replace("-", "")
        row = self.dir.store.one("SELECT * FROM device_codes WHERE user_code=?", (code,))
        if row is None:
            return None
        return DeviceCodeRow(row["user_code"], row["client_id"], row["scope"], row["created"],
                             row["expires"], row["status"], row["upn"], row["error"],
                             row["authority"] or "common")

    def code_expired(self, row: DeviceCodeRow) -> bool:
        return self.dir.clock.timestamp() >= row.expires

    def settle_user_code(self, user_code: str, status: str, *, upn: str | None = None,
                         error: str | None = None) -> None:
        """Record the browser side's outcome; the next poll reports it."""
        self.dir.store.execute(
            "UPDATE device_codes SET status=?, upn=?, error=? WHERE user_code=? AND status='pending'",
            (status, upn, error, user_code))

    # -- token endpoint ----------------------------------------------------------------------
    def token(self, form: dict[str, str]) -> JsonObject:
        grant = form.get("grant_type")
        if not grant:
            raise missing("grant_type")
        if grant == DEVICE_CODE_GRANT:
            return self._device_code_grant(form)
        if grant == "refresh_token":
            return self._refresh_grant(form)
        if grant == "authorization_code":
            return self._auth_code_grant(form)
        raise AadError("unsupported_grant_type", 70003,
                       f"The app requested an unsupported grant type '{grant}'.")

    def _device_code_grant(self, form: dict[str, str]) -> JsonObject:
        self.check_client(form.get("client_id"))
        code = form.get("device_code")
        if not code:
            raise missing("device_code")
        store = self.dir.store
        with store.transaction():
            row = store.one("SELECT * FROM device_codes WHERE code_hash=?", (hash_secret(code),))
            if row is None or row["client_id"] != form["client_id"]:
                raise AadError("bad_verification_code", 70000,
                               "The provided value for the input parameter 'device_code' is "
                               "not valid.")
            status = row["status"]
            if status == "redeemed":
                raise AadError("invalid_grant", 54005,
                               "OAuth2 Authorization code was already redeemed, please retry "
                               "with a new valid code or use an existing refresh token.")
            if status == "pending" and self.dir.clock.timestamp() >= row["expires"]:
                raise AadError("expired_token", 70020,
                               "The provided value for the input parameter 'device_code' is "
                               "not valid. This device code has expired.")
            if status == "pending":
                raise AadError("authorization_pending", 70016,
                               "OAuth 2.0 device flow error. Authorization is pending. "
                               "Continue polling.")
            if status == "declined":
                raise AadError("authorization_declined", 65004,
                               "User declined to consent to access the app.")
            if status == "denied":
                raise self._denied_error(row["error"], row["client_id"])
            # approved
            store.execute("UPDATE device_codes SET status='redeemed' WHERE code_hash=?",
                          (hash_secret(code),))
            upn, scope, client_id = row["upn"], row["scope"], row["client_id"]
        user = self.dir.user(upn)
        if user is None:  # deleted meanwhile
            raise self.bad_credentials(upn)
        return self.issue(user, client_id, scope.split())

    def _denied_error(self, error: str | None, client_id: str) -> AadError:
        if error == "53003":
            return ca_blocked()
        if error == "65001":
            return self.no_consent(client_id)
        return AadError("invalid_grant", 50126,
                        "Error validating credentials due to invalid username or password.")

    def _refresh_grant(self, form: dict[str, str]) -> JsonObject:
        self.check_client(form.get("client_id"))
        token = form.get("refresh_token")
        if not token:
            raise missing("refresh_token")
        scopes = self.parse_scope(form.get("scope") or "openid profile offline_access "
                                  f"{SMTP_AUDIENCE}/SMTP.Send")
        store = self.dir.store
        now = self.dir.clock.timestamp()
        row = store.one("SELECT * FROM refresh_tokens WHERE token_hash=?", (hash_secret(token),))
        if row is None or row["client_id"] != form["client_id"]:
            raise AadError("invalid_grant", 9002313,
                           "Invalid request. Request is malformed or invalid.")
        user = self.dir.user(row["upn"])
        if row["revoked"] or user is None or row["issued"] < user.tokens_valid_from:
            valid_from = utc(user.tokens_valid_from if user else now)
            raise AadError("invalid_grant", 50173,
                           "The provided grant has expired due to it being revoked, a fresh "
                           "auth token is needed. The user might have changed or reset their "
                           f"password. The grant was issued on '{_iso(row['issued'])}' and the "
                           "TokensValidFrom date (before which tokens are not valid) for this "
                           f"user is '{valid_from.strftime('%Y-%m-%dT%H:%M:%S.0000000Z')}'.",
                           suberror="bad_token")
        inactive = now - row["last_used"]
        if inactive > REFRESH_INACTIVITY:
            days = int(inactive // 86400)
            rest = int(inactive % 86400)
            raise AadError("invalid_grant", 700082,
                           "The refresh token has expired due to inactivity. The token was "
                           f"issued on {_iso(row['issued'])} and was inactive for "
                           f"{days}.{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}.",
                           suberror="bad_token")
        if self.dir.blocking_policy(user.upn) is not None:
            raise ca_blocked()
        if not self.dir.has_consent(row["client_id"], user.upn):
            raise self.no_consent(row["client_id"])
        store.execute("UPDATE refresh_tokens SET last_used=? WHERE token_hash=?",
                      (now, hash_secret(token)))
        return self.issue(user, row["client_id"], scopes)

    # -- issuing -----------------------------------------------------------------------------
    def issue(self, user: User, client_id: str, scopes: list[str], *,
              nonce: str | None = None) -> JsonObject:
        """Mint an access token (tenant clock, 60-90 min), a rotated refresh token and an
        id_token (wall clock, see :mod:`cloud_sim.tokens`), all RS256 with the tenant's
        current key.

        The access token is for Exchange Online when a resource scope was asked for; with
        OpenID Connect scopes only it is for Microsoft Graph (``openid profile email
        User.Read``), the token the userinfo endpoint takes, as Microsoft does."""
        now = self.dir.clock.timestamp()
        iat = int(now)
        lifetime = random.randint(3600, 5400)
        jti = str(uuid.uuid4())
        resource = [s.rsplit("/", 1)[1] for s in scopes if s not in OIDC_SCOPES]
        resource = ["SMTP.Send" if r == ".default" else r for r in resource]
        roles = [ROLE_TEMPLATE_IDS[user.role]] if user.role in ROLE_TEMPLATE_IDS else []
        if resource:
            audience, granted = SMTP_AUDIENCE, resource
            scope_text = " ".join(f"{SMTP_AUDIENCE}/{r}" for r in resource)
        else:
            audience = GRAPH_AUDIENCE
            granted = [s for s in GRAPH_SCOPES if s in scopes or s == "User.Read"]
            scope_text = " ".join(s if s in OIDC_SCOPES else f"https://graph.microsoft.com/{s}"
                                  for s in granted)
        claims = access_token_claims(
            upn=user.upn, name=user.display_name, oid=user.oid, tenant_id=self.dir.tenant_id,
            client_id=client_id, app_name=self.dir.app_name, scopes=granted, iat=iat,
            exp=iat + lifetime, jti=jti, roles=roles, audience=audience)
        access_token = self.dir.keys.sign(claims, x5t=True)
        body: JsonObject = {
            "token_type": "Bearer",
            "scope": scope_text,
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access_token,
        }
        store = self.dir.store
        with store.transaction():
            store.execute("INSERT INTO access_tokens(jti, upn, issued, expires) VALUES(?,?,?,?)",
                          (jti, user.upn, now, iat + lifetime))
            if "offline_access" in scopes:
                refresh = "1.AQ" + secrets.token_urlsafe(300)
                store.execute("INSERT INTO refresh_tokens(token_hash, upn, client_id, scope,"
                              " issued, last_used) VALUES(?,?,?,?,?,?)",
                              (hash_secret(refresh), user.upn, client_id, " ".join(scopes),
                               now, now))
                body["refresh_token"] = refresh
            # keep the table small: forget access tokens long expired
            store.execute("DELETE FROM access_tokens WHERE expires < ?", (now - 86400,))
        if "openid" in scopes:
            body["id_token"] = self.dir.keys.sign(id_token_claims(
                upn=user.upn, name=user.display_name, oid=user.oid,
                tenant_id=self.token_tenant(user), client_id=client_id,
                issuer=self.issuer(user), wall_now=int(time.time()), nonce=nonce))
        body["client_info"] = client_info(user.oid, self.token_tenant(user))
        return body

    # -- errors shared with the pages --------------------------------------------------------
    def bad_credentials(self, upn: str | None) -> AadError:
        return AadError("invalid_grant", 50126,
                        "Error validating credentials due to invalid username or password.")

    def no_consent(self, client_id: str) -> AadError:
        return AadError("invalid_grant", 65001,
                        f"The user or administrator has not consented to use the application "
                        f"with ID '{client_id}' named '{self.dir.app_name}'. Send an "
                        "interactive authorization request for this user and resource.",
                        suberror="consent_required")


def _iso(ts: float) -> str:
    return utc(ts).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
