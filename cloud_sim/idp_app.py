"""What the identity platform's HTTP front serves besides the flows: Microsoft's discovery
document, the signing keys and OpenID Connect userinfo, for one tenant's authorities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cloud_sim.admin import TenantAdmin
from cloud_sim.idp import KNOWN_TENANTS, MSA_TENANT_ID, IdentityPlatform
from cloud_sim.pages import SignInPages
from cloud_sim.tokens import GRAPH_AUDIENCE, subject
from cloud_sim.jsontypes import JsonObject

GRAPH_AUDIENCES = (GRAPH_AUDIENCE, "https://graph.microsoft.com")


class IdpApp:
    """What the handler needs: the platform, the pages, the admin API and its secret."""

    def __init__(self, idp: IdentityPlatform, pages: SignInPages, admin: TenantAdmin,
                 admin_secret: str, info: Callable[[], JsonObject],
                 ca_cert: Path | None = None):
        self.idp = idp
        #: the tenant's CA certificate (never its key), offered on the sign-in help page so a
        #: student's browser or the class's machines can trust the tenant's TLS
        self.ca_cert = ca_cert
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

    def discovery(self, tenant: str) -> JsonObject:
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

    def jwks(self, tenant: str) -> JsonObject:
        return self.idp.dir.keys.jwks(issuer=self.issuer(tenant))

    def userinfo(self, authorization: str) -> JsonObject | None:
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
        info: JsonObject = {
            "sub": subject(user.oid, str(claims.get("appid", ""))),
            "name": user.display_name, "family_name": family or user.display_name,
            "given_name": given, "picture": "https://graph.microsoft.com/v1.0/me/photo/$value",
        }
        if "email" in str(claims.get("scp", "")).split():
            info["email"] = user.upn
        return info
