"""The committed sign-in's access tokens: msal's app over the device's token cache.

msal keeps the tokens; this decides when to ask it. The device clock decides staleness too
(msal reads wall time, the device clock may have travelled), a token msal would hand out from
its cache as is can be read on the event loop (:meth:`TokenSession.cached`), and every refusal
of the identity platform becomes Epson's code (361 expired, 370 sign in again, 311/313).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from ..i18n import Msg
from . import signin as _signin
from .failures import E_COMM, E_DNS, E_EXPIRED, E_NOT_SIGNED_IN, E_SIGN_IN_AGAIN, EmailSendError
from .profiles import EmailServiceProfile
from .redact import redact_text, remember_secret
from .signin import MsalApp, MsalCache, RequestCounter
from .token_store import TokenStore
from ..jsontypes import JsonObject

log = logging.getLogger(__name__)

#: Identity-platform errors that mean "sign in again" (370) rather than a passing fault (313).
SIGN_IN_AGAIN_ERRORS = frozenset(
    {"invalid_grant", "interaction_required", "consent_required", "invalid_client", "unauthorized_client",
     "login_required", "invalid_scope", "access_denied"}
)



class TokenSession:
    """The msal app of the committed sign-in (built on first use: discovery is network I/O)."""

    def __init__(
        self,
        store: TokenStore,
        now: Callable[[], datetime],
        profile_for: Callable[[str | None], EmailServiceProfile],
        on_expired: Callable[[], None],
        requests: RequestCounter,
    ) -> None:
        self.store = store
        self._now = now
        self._profile_for = profile_for
        self._on_expired = on_expired
        self._requests = requests
        self.lock = threading.Lock()
        self.app: MsalApp = None
        self.cache: MsalCache = None
        self.profile: EmailServiceProfile | None = None
        #: (msal app, account) of the last token msal handed out: lets :meth:`cached` look the
        #: account's access token up in that app's cache without a worker thread
        self._token_account: tuple[MsalApp, JsonObject] | None = None

    def forget(self) -> None:
        """New endpoints: the next token builds a new msal app."""
        with self.lock:
            self.app = self.cache = self.profile = None

    def commit(self, attempt: _signin.SignInAttempt, now: datetime) -> None:
        """Web Config's OK: the attempt's msal app and cache become the device's."""
        with self.lock:
            self.store.commit(attempt, now)
            self.app, self.cache, self.profile = attempt._app, attempt._cache, attempt.profile
            attempt.committed = True

    def sign_out(self) -> None:
        with self.lock:
            self.store.clear()
            self.app = self.cache = self.profile = None

    def ensure_app(self) -> tuple[MsalApp, MsalCache]:
        """The msal app over the committed token cache. Blocking on first use (discovery)."""
        with self.lock:
            if self.app is not None:
                return self.app, self.cache
            meta = self.store.meta
            if not meta:
                raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
            try:
                profile = self._profile_for(meta.get("service"))
            except LookupError:
                raise EmailSendError(
                    E_COMM, "", kind="no_profile", note=Msg.of("email.job.identity_unreachable")
                ) from None
            text = self.store.read_cache_text()
            if text is None:
                raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
            cache = _signin.new_token_cache(text)
            session = _signin.make_http_session(profile, self._requests)
            try:
                app = _signin.build_app(profile, cache, session)
            except Exception as exc:  # msal and the HTTP client raise many types: each is "unreachable"
                raise identity_error(exc) from exc
            self.app, self.cache, self.profile = app, cache, profile
            return app, cache

    def acquire(self, force_refresh: bool = False) -> str:
        """An SMTP.Send access token for the committed account. Blocking (msal).

        A token the device clock calls expired is refreshed on purpose.
        """
        meta = self.store.meta
        if not meta:
            raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
        app, cache = self.ensure_app()
        now = self._now()
        force = force_refresh or self.store.access_token_stale(now)
        accounts = app.get_accounts(username=meta.get("account"))
        if not accounts:
            raise EmailSendError(E_NOT_SIGNED_IN, "", kind="signin")
        scopes = list((self.profile or self._profile_for(meta.get("service"))).scopes)
        self._token_account = None
        from .httpclient import HTTP_EXCEPTIONS

        try:
            # http_exceptions: our client's network errors, which msal would otherwise name by
            # importing requests' (msal then falls back to a still-valid cached token on them)
            result = app.acquire_token_silent_with_error(scopes, accounts[0], force_refresh=force,
                                                         http_exceptions=HTTP_EXCEPTIONS)
        except Exception as exc:  # msal and the HTTP client raise many types: each is "unreachable"
            raise identity_error(exc) from exc
        if result is None:
            raise EmailSendError(E_NOT_SIGNED_IN, "no usable token in the cache", kind="signin")
        if "access_token" not in result:
            raise self._refused(result)
        for key in ("access_token", "refresh_token", "id_token"):
            remember_secret(result.get(key))
        if result.get("token_source") == "identity_provider":
            self.store.note_token(now, int(result.get("expires_in") or 3600))
        self.store.save_cache(cache)
        if isinstance(accounts[0], dict) and accounts[0].get("home_account_id"):
            self._token_account = (app, accounts[0])
        return str(result["access_token"])

    def _refused(self, result: JsonObject) -> EmailSendError:
        """The identity platform refused a refresh: 361, 370 or 313 (and the held sign-in
        reads "expired" when the grant is dead)."""
        code = _signin.aad_code_of(result)
        description = redact_text(str(result.get("error_description", result.get("error", ""))))
        description = description.splitlines()[0] if description else ""
        log.info("token refresh refused: %s", description)
        if code in _signin.EXPIRED_CODES:
            self.store.mark_expired()
            self._on_expired()
            return EmailSendError(E_EXPIRED, description, kind="signin_expired")
        if result.get("error") in SIGN_IN_AGAIN_ERRORS or code is not None:
            # The grant is dead (revoked, blocked, password changed): Web Config must offer
            # Sign In again, so the held sign-in no longer reads "Signed in" (but "Sign in again").
            self.store.mark_expired(sign_in_again=True)
            self._on_expired()
            return EmailSendError(E_SIGN_IN_AGAIN, description, kind="signin_again")
        return EmailSendError(E_COMM, description, kind="identity")

    def cached(self) -> str | None:
        """The committed account's access token if msal would hand it out from its cache as is.

        Non-blocking (no network, no file, no lock waited on), so sending can ask on the event
        loop and skip the worker-thread round trip of :meth:`acquire`. msal's cache stays the
        only store of tokens: this reads the entry msal's ``acquire_token_silent`` looks at
        first (same client, authority, account and scopes) and applies msal's rules (at least
        five minutes left, not due for a proactive refresh) and the device clock's. Anything
        else (no such entry, a refresh due, the app or account changed since the last token,
        sign-in expired) is None: the caller goes through msal in a thread.
        """
        remembered = self._token_account
        meta = self.store.meta
        if remembered is None or not meta or meta.get("expired"):
            return None
        app, account = remembered
        if app is not self.app or str(account.get("username", "")).lower() != str(meta.get("account", "")).lower():
            return None
        if self.store.access_token_stale(self._now()):
            return None
        profile = self.profile
        if profile is None:
            return None
        cache = app.token_cache
        query = {
            "client_id": app.client_id,
            "environment": app.authority.instance,
            "realm": app.authority.tenant,
            "home_account_id": account["home_account_id"],
        }
        now = time.time()
        entries = cache.search(cache.CredentialType.ACCESS_TOKEN, target=list(profile.scopes), query=query)
        try:
            entry = next(entries, None)  # msal's O(1) lookup by key comes first
        finally:
            entries.close()
        if entry is None or int(entry["expires_on"]) - now < 5 * 60:
            return None
        if "refresh_on" in entry and int(entry["refresh_on"]) < now:
            return None
        token = str(entry.get("secret") or "")
        if not token:
            return None
        remember_secret(token)
        return token


class MsalTokens:
    """The sender's :class:`~.sender.TokenProvider`: the cached token on the loop, else msal in
    a worker thread."""

    def __init__(self, username: str, cached: Callable[[], str | None], acquire: Callable[[bool], str]) -> None:
        self.username = username
        self._cached = cached
        self._acquire = acquire

    async def token(self, *, force_refresh: bool = False) -> str:
        if not force_refresh:
            cached = self._cached()
            if cached is not None:
                return cached
        return await asyncio.to_thread(self._acquire, force_refresh)


def short_reason(exc: BaseException) -> str:
    """A reason for a sign-in that could not start, without the library's long text."""
    text = f"{type(exc).__name__}"
    low = str(exc).lower()
    if "name or service not known" in low or "nameresolution" in low or "getaddrinfo" in low:
        text += ": name does not resolve"
    elif "certificate" in low:
        text += ": certificate not trusted"
    elif "refused" in low:
        text += ": connection refused"
    return text


def identity_error(exc: BaseException) -> EmailSendError:
    """Failures reaching the identity platform (msal, the HTTP client) -> 311 (DNS) or 313.

    No server answered, so there is no reply to keep: the printer's finding is a note (the
    exception text goes to the log, redacted).
    """
    text = redact_text(f"{type(exc).__name__}: {exc}")
    log.info("identity platform unreachable: %s", text)
    low = text.lower()
    if "name or service not known" in low or "nameresolution" in low or "temporary failure in name" in low:
        return EmailSendError(E_DNS, "", kind="dns", note=Msg.of("email.job.identity_dns"))
    return EmailSendError(E_COMM, "", kind="identity", note=Msg.of("email.job.identity_unreachable"))
