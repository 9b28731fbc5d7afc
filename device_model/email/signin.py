"""OAuth 2.0 device-code sign-in with msal (the committed result: :mod:`.token_store`).

The guide's steps 6-12: Web Config asks the identity platform for a code, the administrator
completes the sign-in elsewhere, and only Web Config's **OK** makes the result the printer's.
So a finished sign-in lives in its :class:`SignInAttempt` (its own msal app and in-memory
token cache) until :meth:`TokenStore.commit` writes the cache (0600, atomic) and the account.
That keeps the guide's trouble case "Signed in, but not saved to the printer" reproducible.

Everything msal does is blocking network I/O (constructing the app fetches the discovery
document); those functions say so and have ``async`` twins that run them in a thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..i18n import Msg
from .profiles import EmailServiceProfile
from .redact import redact_text, remember_secret
from ..jsontypes import JsonObject

if TYPE_CHECKING:
    from ..clock import Clock
    from .httpclient import HttpSession

#: msal's objects (``PublicClientApplication``, ``SerializableTokenCache``) are untyped, and
#: msal is imported only when a sign-in or a send needs it (not in the panel's first frame):
#: so these names stand for ``Any``.
MsalApp = Any
MsalCache = Any

log = logging.getLogger(__name__)

WAITING = "waiting"
SIGNED_IN = "signed_in"
FAILED = "failed"
EXPIRED = "expired"
CANCELLED = "cancelled"
FINISHED_STATES = frozenset({SIGNED_IN, FAILED, EXPIRED, CANCELLED})

#: msal refreshes an access token with under 5 minutes left; the device does the same on its clock.
REFRESH_MARGIN = timedelta(minutes=5)
#: Microsoft's refresh-token inactivity limit: past it the status shows "Expired".
REFRESH_TOKEN_INACTIVITY = timedelta(days=90)

_AADSTS = re.compile(r"AADSTS(\d+)")

#: Identity-platform codes that mean "the refresh token expired through inactivity" (361).
EXPIRED_CODES = frozenset({700082, 70008})


def aad_code_of(result: JsonObject | None) -> int | None:
    """The AADSTS number of an error response (``error_codes`` or the description)."""
    if not result:
        return None
    codes = result.get("error_codes")
    if isinstance(codes, list) and codes:
        try:
            return int(codes[0])
        except (TypeError, ValueError):
            pass
    m = _AADSTS.search(str(result.get("error_description", "")))
    return int(m.group(1)) if m else None


def signin_error_msg(result: JsonObject) -> Msg:
    """What Web Config shows for a failed device-code sign-in (guide: Troubleshooting)."""
    code = aad_code_of(result)
    error = result.get("error", "")
    description = redact_text(str(result.get("error_description", error)).split("\r\n")[0])
    if code == 53003:
        return Msg.of("email.signin.ca_blocked")
    if code == 530035:
        return Msg.of("email.signin.security_defaults")
    if code in (65001, 90094, 90095):
        return Msg.of("email.signin.consent_required", code=code)
    if code == 65004:
        return Msg.of("email.signin.consent_declined", code=code)
    if code == 7000218:
        return Msg.of("email.signin.public_client_off")
    if code == 700016:
        return Msg.of("email.signin.unknown_app")
    if code in (50076, 50079):
        return Msg.of("email.signin.mfa_required", code=code)
    if error == "authorization_declined":
        return Msg.of("email.signin.declined")
    if error == "expired_token" or code in (70019, 70020):
        return Msg.of("email.signin.expired")
    if code is not None:
        return Msg.of("email.signin.generic", code=code, description=description)
    return Msg.of("email.signin.generic_nocode", description=description)


# -- msal plumbing (blocking) ---------------------------------------------------------------


class RequestCounter:
    """Counts HTTP requests a session sends to the identity platform (bench and tests)."""

    def __init__(self) -> None:
        from collections import deque

        self._lock = threading.Lock()
        self.count = 0
        #: the most recent requests as "METHOD /path" (no query, no body: nothing secret)
        self.paths: deque[str] = deque(maxlen=200)

    def note(self, method: str, path: str) -> None:
        """One request about to go out (:class:`~.httpclient.HttpSession`'s ``on_request``)."""
        with self._lock:
            self.count += 1
            self.paths.append(f"{method} {path}")


def make_http_session(profile: EmailServiceProfile, counter: RequestCounter | None = None) -> HttpSession:
    """The HTTP client msal uses (:mod:`.httpclient`): it trusts exactly the profile's CA.

    No proxy or CA bundle from the environment (``REQUESTS_CA_BUNDLE``...): the printer's
    identity platform is reached as its profile says. msal sets no timeout, and an identity
    platform that accepts and never answers would hang the sign-in and every send for ever, so
    the printer gives up after ``IDENTITY_TIMEOUT`` as it does with SMTP (313).
    """
    from .httpclient import HttpSession

    return HttpSession(ca_path=profile.ca_path, timeout=IDENTITY_TIMEOUT,
                       on_request=counter.note if counter is not None else None)


#: seconds the device waits for the identity platform (connect, and each read), like SMTP's
IDENTITY_TIMEOUT = 20.0


def new_token_cache(serialized: str | None = None) -> MsalCache:
    """An msal ``SerializableTokenCache``, optionally loaded from its JSON."""
    from .msal_import import import_msal

    msal = import_msal()

    cache = msal.SerializableTokenCache()
    if serialized:
        cache.deserialize(serialized)
    return cache


def build_app(profile: EmailServiceProfile, cache: MsalCache, session: HttpSession) -> MsalApp:
    """Construct msal's ``PublicClientApplication``. Blocking: fetches the discovery document."""
    from .msal_import import import_msal

    msal = import_msal()

    return msal.PublicClientApplication(
        profile.client_id,
        authority=profile.authority,
        instance_discovery=profile.instance_discovery,
        http_client=session,
        token_cache=cache,
    )


def account_name(result: JsonObject) -> str:
    """The signed-in user's address from a token response (id_token claims)."""
    claims = result.get("id_token_claims") or {}
    return str(claims.get("preferred_username") or claims.get("upn") or claims.get("email") or "")


# -- the attempt -----------------------------------------------------------------------------


class SignInAttempt:
    """One "Sign in with Microsoft" in Web Config: the code to show and the pending result.

    Create it with :meth:`TokenStore`'s owner (``EmailClient.begin_sign_in``). ``wait()`` blocks
    while msal polls; ``cancel()`` ends the wait within a second (msal checks ``exit_condition``
    between its one-second sleeps). The access and refresh tokens stay inside the attempt's
    private token cache until ``commit_sign_in``.
    """

    def __init__(
        self,
        *,
        service: str,
        profile: EmailServiceProfile,
        clock: Clock,
        app: MsalApp = None,
        cache: MsalCache = None,
        flow: JsonObject | None = None,
        notify: Callable[[SignInAttempt], None] | None = None,
        counter: RequestCounter | None = None,
    ) -> None:
        self.id = os.urandom(6).hex()
        self.service = service
        self.profile = profile
        self._clock = clock
        self._app = app
        self._cache = cache
        self._flow = flow
        self._notify = notify
        self.counter = counter
        self._cancel = threading.Event()
        #: someone saw the sign-in finish on Microsoft's page: ask for the tokens now
        self._nudge = threading.Event()
        self._done = threading.Event()
        self._state_lock = threading.RLock()
        self._poller: threading.Thread | None = None
        self.state: str = WAITING
        self.account: str | None = None
        self.error: Msg | None = None
        self.aad_code: int | None = None
        self.committed = False
        self._token_expires_in: int | None = None
        self._token_received_at: datetime | None = None
        flow = flow or {}
        self.user_code: str = str(flow.get("user_code", ""))
        self.verification_uri: str = str(flow.get("verification_uri", ""))
        self.message: str = str(flow.get("message", ""))
        seconds_left = float(flow.get("expires_at", time.time())) - time.time()
        self.expires_at: datetime = clock.now() + timedelta(seconds=max(0.0, seconds_left))
        if flow.get("device_code"):
            remember_secret(str(flow["device_code"]))

    # -- construction -----------------------------------------------------------------

    @classmethod
    def failed(
        cls, *, service: str, profile: EmailServiceProfile, clock: Clock, error: Msg, aad_code: int | None = None
    ) -> SignInAttempt:
        """An attempt that could not even get a code (tenant unreachable, AADSTS7000218 ...)."""
        attempt = cls(service=service, profile=profile, clock=clock)
        attempt._set(FAILED, error=error, aad_code=aad_code)
        return attempt

    # -- state ------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def instructions(self) -> Msg:
        """The translatable "open {uri} and enter {code}" line for Web Config."""
        return Msg.of("email.signin.message", uri=self.verification_uri, code=self.user_code)

    def status_msg(self) -> Msg:
        """One line for the page: waiting / signed in as / the error."""
        if self.state == WAITING:
            return Msg.of("email.signin.waiting", uri=self.verification_uri, code=self.user_code)
        if self.state == SIGNED_IN:
            return Msg.of("email.signin.committed") if self.committed else Msg.of(
                "email.signin.signed_in", account=self.account or ""
            )
        if self.state == CANCELLED:
            return Msg.of("email.signin.cancelled")
        if self.state == EXPIRED:
            return Msg.of("email.signin.expired")
        return self.error or Msg.of("email.signin.generic_nocode", description="")

    def snapshot(self) -> JsonObject:
        """Secret-free facts for events, logs and tests."""
        return {
            "id": self.id,
            "service": self.service,
            "state": self.state,
            "user_code": self.user_code,
            "verification_uri": self.verification_uri,
            "expires_at": self.expires_at.isoformat(),
            "account": self.account,
            "aad_code": self.aad_code,
            "committed": self.committed,
        }

    def __repr__(self) -> str:  # never the flow or the result (they hold the device code/tokens)
        return f"SignInAttempt(id={self.id!r}, service={self.service!r}, state={self.state!r}, account={self.account!r})"

    def _set(self, state: str, **fields: object) -> bool:
        """Move to ``state`` (with ``fields``) unless already finished; notify. Thread-safe.

        The first finishing state wins: a Cancel is final even if msal's poll, still sleeping,
        comes back with tokens a moment later.
        """
        with self._state_lock:
            if self._done.is_set():
                return False
            for name, value in fields.items():
                setattr(self, name, value)
            self.state = state
            if state in FINISHED_STATES:
                self._done.set()
        log.info("sign-in %s: %s%s", self.id, state, f" (AADSTS{self.aad_code})" if self.aad_code else "")
        if self._notify is not None:
            try:
                self._notify(self)
            except Exception:  # a broken listener must not stop the sign-in
                log.exception("sign-in listener failed")
        return True

    # -- waiting ----------------------------------------------------------------------

    def start(self) -> None:
        """Start msal's polling in a daemon thread (idempotent); ``wait`` calls it."""
        with self._state_lock:
            if self._poller is not None or self._flow is None or self._done.is_set():
                return
            self._poller = threading.Thread(target=self._poll, name=f"signin-{self.id}", daemon=True)
            self._poller.start()

    def wait(self, timeout: float | None = None) -> str:
        """Block until the sign-in finishes (or ``timeout`` seconds pass); return the state.

        Blocking. msal's ``acquire_token_by_device_flow`` polls in one background thread
        (started on the first call), so any number of callers may wait, each with its own
        timeout; the sign-in itself ends at the latest when the code expires.
        """
        self.start()
        self._done.wait(timeout)
        return self.state

    async def wait_async(self, timeout: float | None = None) -> str:
        """``wait()`` in a worker thread."""
        return await asyncio.to_thread(self.wait, timeout)

    def cancel(self) -> None:
        """Web Config's Cancel: the attempt is cancelled at once; msal's poll stops within ~1 s."""
        self._cancel.set()
        if self._flow is not None:
            self._flow["expires_at"] = 0  # msal's own documented way to stop polling
        self._set(CANCELLED)

    def poll_now(self) -> None:
        """Ask the identity platform for the tokens now, not after the rest of the interval.

        For the emulator's own sign-in pages (the panel's F4), which see the person finish:
        the printer then says "Signed in" (and guided mode moves on) at once instead of up to
        the tenant's polling interval (5 s) later. One extra poll, as after a pause; a browser
        sign-in still waits for the next regular poll, as on a printer.
        """
        if not self.done:
            self._nudge.set()

    def _exit_condition(self, flow: JsonObject) -> bool:
        return (self._cancel.is_set() or self._nudge.is_set()
                or float(flow.get("expires_at", 0)) < time.time())

    def _acquire(self) -> JsonObject:
        """msal's polling loop, left early and entered again (polling at once) on a nudge."""
        assert self._flow is not None and self._app is not None
        while True:
            result = self._app.acquire_token_by_device_flow(self._flow, exit_condition=self._exit_condition)
            nudged = self._nudge.is_set()
            self._nudge.clear()
            pending = result.get("error") in ("authorization_pending", "slow_down")
            if not (nudged and pending) or self._cancel.is_set() or float(self._flow.get("expires_at", 0)) < time.time():
                return result

    def _poll(self) -> None:
        assert self._flow is not None and self._app is not None
        try:
            result = self._acquire()
        except Exception as exc:  # network trouble while polling
            log.warning("sign-in %s: polling failed: %s", self.id, redact_text(str(exc)))
            self._set(FAILED, error=Msg.of("email.signin.unreachable", detail=type(exc).__name__))
            return
        if "access_token" in result:
            for key in ("access_token", "refresh_token", "id_token"):
                remember_secret(result.get(key))
            self._set(
                SIGNED_IN,
                account=account_name(result),
                _token_expires_in=int(result.get("expires_in") or 3600),
                _token_received_at=self._clock.now(),
            )
            return
        error = result.get("error", "")
        aad = aad_code_of(result)
        if self._cancel.is_set():
            self._set(CANCELLED)
        elif error in ("authorization_pending", "slow_down", "expired_token") or aad in (70019, 70020):
            self._set(EXPIRED, aad_code=aad, error=Msg.of("email.signin.expired"))
        else:
            log.info("sign-in %s failed: %s", self.id, redact_text(str(result.get("error_description", error))))
            self._set(FAILED, aad_code=aad, error=signin_error_msg(result))
