"""The tenant's token signing keys: RS256, published at ``jwks_uri`` as Microsoft publishes.

Each key is a 2048-bit RSA key pair with a self-signed certificate (as Microsoft's signing
keys are); its ``kid`` is the certificate's SHA-1 thumbprint (``x5t``), base64url. The keys
live in the tenant store (``tenant.sqlite3``, 0600) and are reused across restarts, so a
client that cached the JWKS keeps validating. A rollover (``rotate()``) makes a new key the
signing key; the old one stays published for :data:`ROLLOVER_GRACE` on the tenant clock, so
tokens signed just before the rollover still validate, then disappears.

``cryptography`` is imported only when a key is actually used (issuing, verifying or
publishing): the panel embeds the tenant and must not pay for them at start-up.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from typing import TYPE_CHECKING, Callable, Iterable
from cloud_sim.jsontypes import JsonObject

if TYPE_CHECKING:  # pragma: no cover
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

    from cloud_sim.store import Store

#: how long a rolled-over key stays in the JWKS (tenant clock)
ROLLOVER_GRACE = 14 * 24 * 3600
STORE_KEY = "signing_keys"
CERT_SUBJECT = "accounts.accesscontrol.windows.net"
CERT_DAYS = 5 * 365


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class SigningKeys:
    """The key set of one tenant. Thread-safe; loaded keys are cached by ``kid``."""

    def __init__(self, store: "Store", now: Callable[[], float]):
        self._store = store
        self._now = now
        self._lock = threading.Lock()
        self._private: dict[str, PrivateKeyTypes] = {}  # by kid
        self._public: dict[str, PublicKeyTypes] = {}  # by kid
        #: the records as last read (verify needs them on every SMTP AUTH and token request);
        #: only this object writes them, and it forgets this copy when it does
        self._seen: list[JsonObject] | None = None

    # -- records ----------------------------------------------------------------------------
    def _records(self) -> list[JsonObject]:
        """The records, fresh from the store (callers in a transaction may change them)."""
        value = self._store.get(STORE_KEY) or []
        records = value if isinstance(value, list) else []
        self._seen = [dict(r) for r in records]
        return records

    def _records_read(self) -> list[JsonObject]:
        """The records for reading only: the copy from the last read, without a query."""
        seen = self._seen
        return seen if seen is not None else self._records()

    def _published(self, records: Iterable[JsonObject]) -> list[JsonObject]:
        now = self._now()
        return [r for r in records
                if r.get("retired") is None or now < float(r["retired"]) + ROLLOVER_GRACE]

    def _current_record(self) -> JsonObject:
        records = self._records_read()
        live = [r for r in records if r.get("retired") is None]
        if live:
            return live[-1]
        with self._lock, self._store.transaction():
            records = self._records()  # another thread may have made it meanwhile
            live = [r for r in records if r.get("retired") is None]
            if live:
                return live[-1]
            rec = _new_record(self._now())
            self._store.put(STORE_KEY, records + [rec])
            self._seen = None
            return rec

    # -- what the identity platform does with them ------------------------------------------
    def current_kid(self) -> str:
        return self._current_record()["kid"]

    def sign(self, claims: JsonObject, *, x5t: bool = False) -> str:
        """A compact JWS (RS256) with the current key. The header is Microsoft's: ``typ``,
        ``alg``, ``x5t`` (access tokens of v1 resources) and ``kid``, in that order."""
        rec = self._current_record()
        key = self._private_key(rec)
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        head: JsonObject = {"typ": "JWT", "alg": "RS256"}
        if x5t:
            head["x5t"] = rec["kid"]
        head["kid"] = rec["kid"]
        signing_input = f"{_json_part(head)}.{_json_part(claims)}"
        sig = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(sig)}"

    def jwks(self, issuer: str | None = None) -> JsonObject:
        """``{"keys": [...]}`` as ``login.microsoftonline.com/.../discovery/v2.0/keys``."""
        self._current_record()  # a tenant always publishes at least one key
        keys = []
        for rec in reversed(self._published(self._records())):  # newest first
            pub = self._public_key(rec)
            numbers = pub.public_numbers()
            jwk: JsonObject = {
                "kty": "RSA", "use": "sig", "kid": rec["kid"], "x5t": rec["kid"],
                "n": _int_b64(numbers.n), "e": _int_b64(numbers.e), "x5c": [rec["cert"]],
                "cloud_instance_name": "microsoftonline.com",
            }
            if issuer:
                jwk["issuer"] = issuer
            keys.append(jwk)
        return {"keys": keys}

    def rotate(self) -> JsonObject:
        """Key rollover: a new signing key; the previous ones retire (still published for the
        grace period). Returns the new and the retired key ids."""
        with self._lock, self._store.transaction():
            now = self._now()
            records = self._records()
            retired = []
            for r in records:
                if r.get("retired") is None:
                    r["retired"] = now
                    retired.append(r["kid"])
            rec = _new_record(now)
            # forget keys long past their grace period
            records = [r for r in records if r.get("retired") is None
                       or now < float(r["retired"]) + 2 * ROLLOVER_GRACE]
            self._store.put(STORE_KEY, records + [rec])
            self._seen = None
        return {"kid": rec["kid"], "retired": retired,
                "grace_days": ROLLOVER_GRACE // 86400}

    def summary(self) -> list[JsonObject]:
        """The keys as the admin sees them (no key material; creates none, imports nothing)."""
        now = self._now()
        return [{"kid": r["kid"], "created": r.get("created"), "retired": r.get("retired"),
                 "signing": r.get("retired") is None,
                 "published": r.get("retired") is None
                 or now < float(r["retired"]) + ROLLOVER_GRACE}
                for r in self._records()]

    def verify(self, token: str, *, audience: Iterable[str], issuer: str) -> JsonObject | None:
        """The claims of a token signed by a published key of this tenant for ``audience`` and
        ``issuer``, else None. Times are the caller's (the tenant clock), not checked here.
        Never raises on garbage.

        Checked here rather than by PyJWT (which the tests use to read tokens as a client
        would): PyJWT validates base64 one character at a time in Python, about 0.9 ms for an
        access token, paid on every SMTP AUTH. The checks are the same: compact form, RS256,
        a published ``kid``, the signature, ``aud``/``iss``/``exp``/``nbf`` present, the
        audience one of ``audience``, the issuer ``issuer``.
        """
        from cryptography.exceptions import InvalidSignature

        try:
            if not isinstance(token, str) or len(token) > 16384 or not _COMPACT_JWS.match(token):
                return None
            head_b64, body_b64, sig_b64 = token.split(".")
            header = json.loads(_b64decode(head_b64))
            if not isinstance(header, dict) or header.get("alg") != "RS256":
                return None
            kid = header.get("kid")
            rec = next((r for r in self._published(self._records_read()) if r["kid"] == kid), None)
            if rec is None:
                return None
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding

            self._public_key(rec).verify(_b64decode(sig_b64), f"{head_b64}.{body_b64}".encode("ascii"),
                                         padding.PKCS1v15(), hashes.SHA256())
            claims = json.loads(_b64decode(body_b64))
            if not isinstance(claims, dict) or any(k not in claims for k in ("aud", "iss", "exp", "nbf")):
                return None
            aud = claims["aud"]
            auds = [aud] if isinstance(aud, str) else aud
            if not isinstance(auds, list) or not all(isinstance(a, str) for a in auds):
                return None
            if not set(auds) & set(audience) or claims["iss"] != issuer:
                return None
        except (InvalidSignature, ValueError, TypeError, KeyError, RecursionError):
            return None
        return claims

    def published_until(self, token: str) -> float:
        """Until when (tenant clock) the key that signed ``token`` stays published: infinity
        for a key not retired, the end of its grace period for a retired one, now for an
        unknown key or garbage. What a cached verdict on a token may not outlive."""
        try:
            kid = json.loads(_b64decode(token.split(".", 1)[0])).get("kid")
        except (ValueError, TypeError, AttributeError, RecursionError):
            return self._now()
        for rec in self._records_read():
            if rec["kid"] == kid:
                retired = rec.get("retired")
                return float("inf") if retired is None else float(retired) + ROLLOVER_GRACE
        return self._now()

    # -- loaded key objects -----------------------------------------------------------------
    def _private_key(self, rec: JsonObject) -> PrivateKeyTypes:
        key = self._private.get(rec["kid"])
        if key is None:
            from cryptography.hazmat.primitives.serialization import load_pem_private_key

            key = load_pem_private_key(rec["key"].encode("ascii"), None)
            self._private[rec["kid"]] = key
        return key

    def _public_key(self, rec: JsonObject) -> PublicKeyTypes:
        key = self._public.get(rec["kid"])
        if key is None:
            from cryptography import x509

            cert = x509.load_der_x509_certificate(base64.b64decode(rec["cert"]))
            key = cert.public_key()
            self._public[rec["kid"]] = key
        return key


#: three base64url segments (the alphabet checked once, in C)
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _json_part(obj: JsonObject) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def _new_record(now: float) -> JsonObject:
    """A new RSA key pair and its self-signed certificate (the ``x5c`` Microsoft publishes)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CERT_SUBJECT)])
    start = dt.datetime.fromtimestamp(now, dt.timezone.utc) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=CERT_DAYS))
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return {"kid": b64url(hashlib.sha1(der).digest()), "key": pem.decode("ascii"),
            "cert": base64.b64encode(der).decode("ascii"), "created": now, "retired": None}
