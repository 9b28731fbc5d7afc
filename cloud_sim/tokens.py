"""Access tokens and id_tokens shaped like Microsoft's.

Access tokens are HS256 JWTs signed with a secret kept in the tenant store: only this tenant
ever validates them (its SMTP server), so a shared secret is enough, and they are padded with
Microsoft's usual claims so that they are 2-3 KB, the size that breaks naive SMTP servers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from typing import Any

SMTP_AUDIENCE = "https://outlook.office.com"
SMTP_AUDIENCES = {SMTP_AUDIENCE, "https://outlook.office365.com", "00000002-0000-0ff1-ce00-000000000000"}
SMTP_SCOPE = "SMTP.Send"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json_part(obj: dict[str, Any]) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def encode_hs256(claims: dict[str, Any], key: str, kid: str) -> str:
    header = {"typ": "JWT", "nonce": b64url(secrets.token_bytes(32)), "alg": "HS256",
              "x5t": kid, "kid": kid}
    signing_input = f"{_json_part(header)}.{_json_part(claims)}"
    sig = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(sig)}"


def decode_hs256(token: str, key: str) -> dict[str, Any] | None:
    """The claims if the signature is ours, else None (never raises on garbage)."""
    try:
        head, body, sig = token.split(".")
        expected = hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(b64url_decode(sig), expected):
            return None
        if json.loads(b64url_decode(head)).get("alg") != "HS256":
            return None
        claims = json.loads(b64url_decode(body))
        return claims if isinstance(claims, dict) else None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def unsigned_jwt(claims: dict[str, Any]) -> str:
    """An id_token as msal accepts it over a TLS-verified channel (signature not checked)."""
    return f"{_json_part({'typ': 'JWT', 'alg': 'none'})}.{_json_part(claims)}."


def client_info(oid: str, tenant_id: str) -> str:
    return b64url(json.dumps({"uid": oid, "utid": tenant_id}).encode())


def access_token_claims(*, upn: str, name: str, oid: str, tenant_id: str, client_id: str,
                        app_name: str, scopes: list[str], iat: int, exp: int, jti: str,
                        issuer_host: str, roles: list[str]) -> dict[str, Any]:
    given, _, family = name.partition(" ")
    return {
        "aud": SMTP_AUDIENCE,
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
        "issuer_host": issuer_host,
    }


def id_token_claims(*, upn: str, name: str, oid: str, tenant_id: str, client_id: str,
                    issuer: str, wall_now: int) -> dict[str, Any]:
    """id_token times are wall-clock based: msal checks them against ``time.time()``."""
    return {
        "aud": client_id, "iss": issuer,
        "iat": wall_now, "nbf": wall_now, "exp": wall_now + 3600,
        "name": name, "oid": oid, "preferred_username": upn,
        "rh": "0." + b64url(secrets.token_bytes(24)) + ".",
        "sub": b64url(hashlib.sha256(f"{oid}:{client_id}:id".encode()).digest()),
        "tid": tenant_id, "uti": b64url(secrets.token_bytes(16)), "ver": "2.0",
    }
