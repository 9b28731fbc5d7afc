"""The claims of access tokens and id_tokens, shaped like Microsoft's.

Both are RS256 JWTs signed with the tenant's keys (:mod:`cloud_sim.keys`). Access tokens are
v1.0 tokens (Exchange Online and Microsoft Graph are v1 resources, whatever endpoint issued
them), padded with Microsoft's usual claims so that they are 2-3 KB, the size that breaks
naive SMTP servers; id_tokens are v2.0.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid

from cloud_sim.jsontypes import JsonObject

SMTP_AUDIENCE = "https://outlook.office.com"
SMTP_AUDIENCES = {SMTP_AUDIENCE, "https://outlook.office365.com", "00000002-0000-0ff1-ce00-000000000000"}
SMTP_SCOPE = "SMTP.Send"
#: Microsoft Graph: the resource of a token requested with OpenID Connect scopes only (the
#: token the userinfo endpoint takes)
GRAPH_AUDIENCE = "00000003-0000-0000-c000-000000000000"
GRAPH_SCOPES = ("openid", "profile", "email", "User.Read")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def client_info(oid: str, tenant_id: str) -> str:
    return b64url(json.dumps({"uid": oid, "utid": tenant_id}).encode())


def access_token_claims(*, upn: str, name: str, oid: str, tenant_id: str, client_id: str,
                        app_name: str, scopes: list[str], iat: int, exp: int, jti: str,
                        roles: list[str], audience: str = SMTP_AUDIENCE) -> JsonObject:
    given, _, family = name.partition(" ")
    return {
        "aud": audience,
        "iss": f"https://sts.windows.net/{tenant_id}/",
        "iat": iat, "nbf": iat, "exp": exp,
        "acct": 0, "acr": "1",
        "aio": b64url(secrets.token_bytes(150)),
        "amr": ["pwd"],
        "app_displayname": app_name,
        "appid": client_id, "appidacr": "0",
        "enfpolids": [],
        "family_name": family or name, "given_name": given,
        "idtyp": "user", "ipaddr": "127.0.0.1",
        "name": name, "oid": oid,
        "platf": "14",
        "puid": secrets.token_hex(8).upper(),
        "rh": "0." + b64url(secrets.token_bytes(64)) + ".",
        "scp": " ".join(scopes),
        "sid": str(uuid.uuid4()),
        "signin_state": ["kmsi"],
        "sub": b64url(hashlib.sha256(f"{oid}:{client_id}".encode()).digest()),
        "tid": tenant_id,
        "unique_name": upn, "upn": upn,
        "uti": b64url(secrets.token_bytes(16)),
        "ver": "1.0",
        "wids": roles + ["b79fbf4d-3ef9-4689-8143-76b194e85509"],
        "xms_cc": ["CP1"],
        "xms_ftd": b64url(secrets.token_bytes(48)),
        "xms_idrel": "1 8",
        "xms_st": {"sub": b64url(secrets.token_bytes(32))},
        "xms_tcdt": 1600000000,
        "xms_tdbr": "EU",
        "jti": jti,
    }


def subject(oid: str, client_id: str) -> str:
    """The pairwise ``sub`` of a user for an app: the id_token's and userinfo's."""
    return b64url(hashlib.sha256(f"{oid}:{client_id}:id".encode()).digest())


def id_token_claims(*, upn: str, name: str, oid: str, tenant_id: str, client_id: str,
                    issuer: str, wall_now: int, nonce: str | None = None) -> JsonObject:
    """id_token times are wall-clock based: msal checks them against ``time.time()``."""
    claims: JsonObject = {
        "aud": client_id, "iss": issuer,
        "iat": wall_now, "nbf": wall_now, "exp": wall_now + 3600,
        "aio": b64url(secrets.token_bytes(90)),
        "name": name,
    }
    if nonce:
        claims["nonce"] = nonce
    claims.update({
        "oid": oid, "preferred_username": upn,
        "rh": "0." + b64url(secrets.token_bytes(24)) + ".",
        "sub": subject(oid, client_id),
        "tid": tenant_id, "uti": b64url(secrets.token_bytes(16)), "ver": "2.0",
    })
    return claims
