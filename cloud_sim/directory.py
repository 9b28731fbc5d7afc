"""The tenant's directory: users and roles, settings, Conditional Access, consent grants,
and the SMTP authorizer that Exchange Online asks (the :mod:`cloud_sim.smtp_auth` seam).

Besides the organisation's work accounts it holds personal Microsoft accounts (Outlook.com,
role :data:`cloud_sim.accounts.PERSONAL`): they sign in at the ``/consumers`` authority and send through
``smtp-mail.outlook.com``. None of the organisation's switches (security defaults, SMTP AUTH,
Conditional Access, admin consent) apply to them, as none of a tenant's settings apply to a
personal account at Microsoft.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from cloud_sim.accounts import (APP_NAME, CLIENT_ID, DEFAULT_MESSAGE_SIZE_LIMIT, ORG_PRINCIPAL,
                                TENANT_DOMAIN, USER, CaPolicy, User, default_accounts, personal_accounts,
                                user_from_row)
from cloud_sim.clock import TenantClock
from cloud_sim.smtp_auth import AuthDecision, AuthVerdict
from cloud_sim.store import (PASSWORD_SCRYPT_N, SCHEMA_VERSION, SIMULATOR_SCRYPT_N, Store, hash_password,
                             verify_password)
from cloud_sim.keys import SigningKeys
from cloud_sim.tokens import SMTP_AUDIENCES, SMTP_SCOPE
from cloud_sim.jsontypes import JsonObject

log = logging.getLogger(__name__)

#: XOAUTH2 verdicts kept at most (one per device and token; forgotten all at once beyond)
_AUTH_CACHE_SIZE = 4096


class Directory:
    """Everything the tenant knows about who may do what. Thread-safe through the store."""

    def __init__(self, store: Store, clock: TenantClock, *, domain: str = TENANT_DOMAIN,
                 preset: str = "prepared"):
        self.store = store
        self.clock = clock
        self.domain = store.get("tenant_domain") or domain
        self.client_id = CLIENT_ID
        self.app_name = APP_NAME
        with store.transaction():
            if store.get("tenant_id") is None:
                self._create(preset)
            else:
                if int(store.get("schema_version") or 1) < 2:
                    self._add_personal_accounts()
                if int(store.get("schema_version") or 1) < SCHEMA_VERSION:
                    store.put("schema_version", SCHEMA_VERSION)
        self.tenant_id: str = store.get("tenant_id")
        #: the token signing keys (loaded, and cryptography imported, on first use)
        self.keys = SigningKeys(store, clock.timestamp)
        #: values read from the store, each with the store generation it was read under
        #: (see :meth:`_memo`)
        self._memos: dict[str, tuple[int, Any]] = {}
        #: XOAUTH2 verdicts by (user, token): (store generation, valid from, valid until,
        #: verdict); see :meth:`cached_xoauth2`
        self._auth_cache: dict[tuple[str, str], tuple[int, float, float, AuthDecision]] = {}

    def _memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, read again only after the store changed (any write bumps its
        generation). Every SMTP connection and delivery asks for the same few values; reading
        them from memory keeps the SMTP server's loop off the store's lock and SQLite."""
        generation = self.store.generation  # read before computing: a write meanwhile re-reads
        hit = self._memos.get(name)
        if hit is not None and hit[0] == generation:
            return hit[1]
        value = compute()
        self._memos[name] = (generation, value)
        return value

    # -- creation ----------------------------------------------------------------------------
    def _create(self, preset: str) -> None:
        if preset not in ("fresh", "prepared"):
            raise ValueError(f"unknown preset {preset!r} (fresh or prepared)")
        s = self.store
        s.put("schema_version", SCHEMA_VERSION)
        s.put("tenant_id", str(uuid.uuid4()))
        s.put("tenant_domain", self.domain)
        s.put("preset", preset)
        s.put("clock_offset", 0.0)
        s.put("public_client_flows", True)
        s.put("message_size_limit", DEFAULT_MESSAGE_SIZE_LIMIT)
        s.put("security_defaults", preset == "fresh")
        s.put("org_smtp_auth", preset == "prepared")
        for acct in default_accounts(self.domain):
            smtp = True if (preset == "prepared" and acct.username.startswith("printer@")) else None
            s.execute("INSERT INTO users(upn, display_name, role, oid, password_hash, smtp_auth)"
                      " VALUES(?,?,?,?,?,?)",
                      (acct.username, acct.display_name, acct.role, str(uuid.uuid4()),
                       hash_password(acct.password, SIMULATOR_SCRYPT_N), _tri(smtp)))

    def _add_personal_accounts(self) -> None:
        """A state dir made before personal accounts existed gets them (schema 1 -> 2)."""
        for acct in personal_accounts():
            if self.store.one("SELECT 1 FROM users WHERE upn=?", (acct.username,)) is None:
                self.store.execute(
                    "INSERT INTO users(upn, display_name, role, oid, password_hash)"
                    " VALUES(?,?,?,?,?)",
                    (acct.username, acct.display_name, acct.role, str(uuid.uuid4()),
                     hash_password(acct.password, SIMULATOR_SCRYPT_N)))
        self.store.put("schema_version", 2)

    # -- users -------------------------------------------------------------------------------
    def user(self, upn: str) -> User | None:
        row = self.store.one("SELECT * FROM users WHERE upn=?", ((upn or "").strip().lower(),))
        return None if row is None else user_from_row(row)

    def users(self) -> list[User]:
        return [user_from_row(r) for r in self.store.all("SELECT * FROM users ORDER BY upn")]

    def check_password(self, upn: str, password: str) -> bool:
        row = self.store.one("SELECT password_hash FROM users WHERE upn=?", (upn.lower(),))
        return row is not None and verify_password(password, row["password_hash"])

    def set_password(self, upn: str, password: str) -> None:
        """Changing a password revokes the user's refresh tokens, as Entra ID does."""
        if not password:
            raise ValueError("password must not be empty")
        self._require(upn)
        self.store.execute("UPDATE users SET password_hash=? WHERE upn=?",
                           (hash_password(password, self.password_cost()), upn.lower()))
        self.revoke_sessions(upn)

    def add_user(self, upn: str, password: str, *, display_name: str = "",
                 role: str = USER) -> User:
        upn = upn.strip().lower()
        if "@" not in upn:
            upn = f"{upn}@{self.domain}"
        self.store.execute("INSERT INTO users(upn, display_name, role, oid, password_hash)"
                           " VALUES(?,?,?,?,?)",
                           (upn, display_name or upn.split("@")[0], role, str(uuid.uuid4()),
                            hash_password(password, self.password_cost())))
        return self.user(upn)  # type: ignore[return-value]

    def password_cost(self) -> int:
        """scrypt's N for passwords set from now on (the simulator's own accounts use
        ``SIMULATOR_SCRYPT_N``); a tenant setting, ``PASSWORD_SCRYPT_N`` unless changed."""
        return int(self.store.get("password_scrypt_n") or PASSWORD_SCRYPT_N)

    def set_password_cost(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 2**10 or n > 2**20 or n & (n - 1):
            raise ValueError("the scrypt cost is a power of two from 1024 to 1048576")
        self.store.put("password_scrypt_n", n)

    def revoke_sessions(self, upn: str) -> None:
        """Revoke-MgUserSignInSession: refresh and access tokens issued so far stop working."""
        self._require(upn)
        now = self.clock.timestamp()
        with self.store.transaction() as s:
            s.execute("UPDATE users SET tokens_valid_from=? WHERE upn=?", (now, upn.lower()))
            s.execute("UPDATE refresh_tokens SET revoked=1 WHERE upn=?", (upn.lower(),))
            s.execute("UPDATE access_tokens SET revoked=1 WHERE upn=?", (upn.lower(),))

    def _require(self, upn: str) -> User:
        user = self.user(upn)
        if user is None:
            raise KeyError(f"no such user: {upn}")
        return user

    # -- settings ----------------------------------------------------------------------------
    def setting(self, key: str) -> Any:
        # Any: a setting is whatever JSON value the store keeps under `key`; callers know which
        return self.store.get(key)

    def set_setting(self, key: str, value: object) -> None:
        self.store.put(key, value)

    def set_mailbox_smtp_auth(self, upn: str, value: bool | None) -> None:
        self._require(upn)
        self.store.execute("UPDATE users SET smtp_auth=? WHERE upn=?", (_tri(value), upn.lower()))

    def settings(self) -> JsonObject:
        return {k: self.store.get(k) for k in (
            "preset", "security_defaults", "org_smtp_auth", "public_client_flows",
            "message_size_limit")}

    # -- Conditional Access ------------------------------------------------------------------
    def add_policy(self, name: str, users: tuple[str, ...] | list[str] = ("all",),
                   block_device_code_flow: bool = False) -> str:
        if isinstance(users, str):
            users = (users,)
        norm = tuple(u.strip().lower() for u in users if u.strip()) or ("all",)
        pid = str(uuid.uuid4())
        self.store.execute("INSERT INTO ca_policies VALUES(?,?,?,?,?)",
                           (pid, name, ",".join(norm), int(block_device_code_flow),
                            self.clock.timestamp()))
        return pid

    def remove_policy(self, pid: str) -> None:
        cur = self.store.execute("DELETE FROM ca_policies WHERE id=?", (pid,))
        if cur.rowcount == 0:
            raise KeyError(f"no such Conditional Access policy: {pid}")

    def policies(self) -> list[CaPolicy]:
        return [CaPolicy(r["id"], r["name"], tuple(r["users"].split(",")),
                         bool(r["block_device_code_flow"]))
                for r in self.store.all("SELECT * FROM ca_policies ORDER BY created")]

    def blocking_policy(self, upn: str, *, device_code_flow: bool = True) -> CaPolicy | None:
        """The first policy that blocks this user's sign-in.

        Device code sign-ins and the refresh tokens from them are "protected" by the
        authentication-flows condition, so both kinds of policy block both; an authorization
        code sign-in in a browser (``device_code_flow=False``) only meets the policies that
        are not about the device code flow. A personal account is outside
        the organisation: its policies never apply.
        """
        user = self.user(upn)
        if user is not None and user.is_personal:
            return None
        for p in self.policies():
            if p.applies_to(upn) and (device_code_flow or not p.block_device_code_flow):
                return p
        return None

    # -- consent -----------------------------------------------------------------------------
    def has_consent(self, client_id: str, upn: str) -> bool:
        row = self.store.one("SELECT 1 FROM consents WHERE client_id=? AND principal IN (?, ?)",
                             (client_id, ORG_PRINCIPAL, upn.lower()))
        return row is not None

    def has_admin_consent(self, client_id: str | None = None) -> bool:
        return self.store.one("SELECT 1 FROM consents WHERE client_id=? AND principal=?",
                              (client_id or self.client_id, ORG_PRINCIPAL)) is not None

    def grant_consent(self, client_id: str, upn: str | None = None) -> None:
        """Admin consent when ``upn`` is None, else consent for that user only."""
        self.store.execute("INSERT OR REPLACE INTO consents VALUES(?,?,?)",
                           (client_id, ORG_PRINCIPAL if upn is None else upn.lower(),
                            self.clock.timestamp()))

    def revoke_consent(self, client_id: str, upn: str | None = None) -> None:
        """Without ``upn``: withdraw every grant for the app (org-wide and per user)."""
        if upn is None:
            self.store.execute("DELETE FROM consents WHERE client_id=?", (client_id,))
        else:
            self.store.execute("DELETE FROM consents WHERE client_id=? AND principal=?",
                               (client_id, upn.lower()))

    # -- Exchange Online's questions (SmtpAuthorizer) ----------------------------------------
    def validate_access_token(self, token: str, *, audiences: Iterable[str] = SMTP_AUDIENCES,
                              scope: str = SMTP_SCOPE) -> JsonObject | None:
        """Claims of a live access token of this tenant (signed by one of its published
        keys, its issuer, for ``audiences`` with ``scope``), else None."""
        claims = self._signed_claims(token, audiences, scope)
        if claims is None:
            return None
        row = self.store.one("SELECT revoked FROM access_tokens WHERE jti=?",
                             (str(claims.get("jti")),))
        if row is None or row["revoked"]:
            return None
        return claims

    def _signed_claims(self, token: str, audiences: Iterable[str], scope: str) -> JsonObject | None:
        """The claims if signature, issuer, audience, scope and times are right (no query)."""
        claims = self.keys.verify(token, audience=audiences,
                                  issuer=f"https://sts.windows.net/{self.tenant_id}/")
        if not claims or claims.get("tid") != self.tenant_id:
            return None
        if scope not in str(claims.get("scp", "")).split():
            return None
        now = self.clock.timestamp()
        try:
            if not (float(claims["nbf"]) - 300 <= now < float(claims["exp"])):
                return None
        except (KeyError, TypeError, ValueError):
            return None
        return claims

    def cached_xoauth2(self, user: str, bearer_token: str) -> AuthDecision | None:
        """The verdict on this token for ``user`` from memory, if :meth:`authorize_xoauth2`
        judged it since the store last changed; else None (ask :meth:`authorize_xoauth2`).

        Never touches the store or the disk, so the SMTP server asks it on its own loop, without
        a hop to a worker thread: a device sends many messages with one access token. What a
        verdict depends on is either in the store (the token's revocation, the account, the
        switches, the policies, the signing keys, the clock's offset: any write forgets every
        cached verdict) or is time, checked here on every call (``nbf``/``exp`` and the
        signing key's grace period).
        """
        hit = self._auth_cache.get(((user or "").strip().lower(), bearer_token or ""))
        if hit is None or hit[0] != self.store.generation:
            return None
        _, valid_from, valid_until, decision = hit
        if not valid_from <= self.clock.timestamp() < valid_until:
            return AuthDecision(AuthVerdict.BAD_TOKEN)
        return decision

    def authorize_xoauth2(self, user: str, bearer_token: str) -> AuthDecision:
        """The verdict on one SMTP AUTH: from memory when this token was judged since the store
        last changed (:meth:`cached_xoauth2`), else two queries (the token's row with its
        account and the tenant's switches; the policies only when any exist), the signing keys
        and the clock from memory. Every send asks this, so it stays cheap."""
        decision = self.cached_xoauth2(user, bearer_token)
        if decision is not None:
            return decision
        generation = self.store.generation  # before reading: a write meanwhile is not missed
        claims = self._signed_claims(bearer_token or "", SMTP_AUDIENCES, SMTP_SCOPE)
        if claims is None:  # not ours, or not now: judged again each time (nothing to keep)
            return AuthDecision(AuthVerdict.BAD_TOKEN)
        decision = self._judge_xoauth2(user, claims)
        if len(self._auth_cache) >= _AUTH_CACHE_SIZE:
            self._auth_cache.clear()
        valid_until = min(float(claims["exp"]), self.keys.published_until(bearer_token))
        self._auth_cache[((user or "").strip().lower(), bearer_token)] = (
            generation, float(claims["nbf"]) - 300, valid_until, decision)
        return decision

    def _judge_xoauth2(self, user: str, claims: JsonObject) -> AuthDecision:
        """The verdict for a token whose signature, audience, scope and times are right."""
        upn = str(claims.get("upn", "")).lower()
        if upn != (user or "").strip().lower():
            return AuthDecision(AuthVerdict.BAD_TOKEN)
        row = self.store.one(
            "SELECT a.revoked AS token_revoked, u.*,"
            " (SELECT value FROM meta WHERE key='security_defaults') AS m_security_defaults,"
            " (SELECT value FROM meta WHERE key='org_smtp_auth') AS m_org_smtp_auth,"
            " EXISTS(SELECT 1 FROM ca_policies) AS m_policies"
            " FROM access_tokens a LEFT JOIN users u ON u.upn=? WHERE a.jti=?",
            (upn, str(claims.get("jti"))))
        if row is None or row["token_revoked"] or row["upn"] is None:
            return AuthDecision(AuthVerdict.BAD_TOKEN)
        account = user_from_row(row)
        if account.is_personal:  # Outlook.com: no organisation, no switches
            return AuthDecision(AuthVerdict.OK, mailbox=upn)
        if _meta_value(row["m_security_defaults"]):
            return AuthDecision(AuthVerdict.SECURITY_DEFAULTS)
        if account.smtp_auth is False:
            return AuthDecision(AuthVerdict.SMTP_AUTH_DISABLED_MAILBOX)
        if account.smtp_auth is None and not _meta_value(row["m_org_smtp_auth"]):
            return AuthDecision(AuthVerdict.SMTP_AUTH_DISABLED_TENANT)
        if row["m_policies"] and any(p.applies_to(upn) for p in self.policies()):
            return AuthDecision(AuthVerdict.CONDITIONAL_ACCESS)
        return AuthDecision(AuthVerdict.OK, mailbox=upn)

    def basic_auth_verdict(self, user: str, password: str = "") -> AuthVerdict:
        """Why AUTH LOGIN with ``password`` fails for ``user``.

        Exchange Online no longer takes passwords for client submission, so a password never
        succeeds; but Exchange names the switch that refused SMTP AUTH before it looks at the
        password, then tells a wrong password (535 5.7.3) from a right one (550 5.7.30). A
        tester choosing "SMTP AUTH" on the device should see those replies. Outlook.com
        refuses basic auth for every personal account.
        """
        account = self.user((user or "").strip().lower())
        if account is None:
            return AuthVerdict.BAD_TOKEN
        if account.is_personal:
            return AuthVerdict.BASIC_AUTH_DISABLED_PERSONAL
        if self.store.get("security_defaults"):
            return AuthVerdict.SECURITY_DEFAULTS
        if account.smtp_auth is False:
            return AuthVerdict.SMTP_AUTH_DISABLED_MAILBOX
        if account.smtp_auth is None and not self.store.get("org_smtp_auth"):
            return AuthVerdict.SMTP_AUTH_DISABLED_TENANT
        if not password or not self.check_password(account.upn, password):
            return AuthVerdict.BAD_TOKEN
        return AuthVerdict.BASIC_AUTH_RETIRED

    def may_send_as(self, mailbox: str, from_address: str) -> bool:
        return (mailbox or "").strip().lower() == (from_address or "").strip().lower()

    def mailbox_exists(self, address: str) -> bool:
        """Asked for every recipient of every message: the mailboxes are read once per change
        of the store (:meth:`_memo`)."""
        mailboxes = self._memo("mailboxes", lambda: frozenset(
            r["upn"] for r in self.store.all("SELECT upn FROM users")))
        return (address or "").strip().lower() in mailboxes

    def message_size_limit(self) -> int:
        """Read by the SMTP server for each new connection, on its loop: from memory while the
        store is unchanged (:meth:`_memo`)."""
        return self._memo("message_size_limit", lambda: int(
            self.store.get("message_size_limit") or DEFAULT_MESSAGE_SIZE_LIMIT))


def _meta_value(raw: str | None) -> object:
    """A ``meta`` value as :meth:`Store.get` returns it (JSON text; None when absent)."""
    import json

    return None if raw is None else json.loads(raw)


def _tri(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))
