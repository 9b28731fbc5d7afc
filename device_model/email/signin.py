"""OAuth 2.0 device-code sign-in with msal, and the device's committed token store.

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
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from ..i18n import Msg
from ..storage import atomic_write_bytes, ensure_dir, load_document, write_document
from .profiles import EmailServiceProfile
from .redact import redact_text, remember_secret

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


def aad_code_of(result: dict[str, Any] | None) -> int | None:
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


def signin_error_msg(result: dict[str, Any]) -> Msg:
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

    def hook(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.count += 1
            try:
                from urllib.parse import urlsplit

                self.paths.append(f"{response.request.method} {urlsplit(response.request.url).path}")
            except Exception:
                pass
        return response


def make_http_session(profile: EmailServiceProfile, counter: RequestCounter | None = None) -> Any:
    """A ``requests.Session`` for msal that trusts exactly the profile's CA.

    ``trust_env = False``: with ``REQUESTS_CA_BUNDLE`` set in the environment requests would
    ignore ``verify`` (REFERENCE.md §4), and proxies from the environment are not the device's.
    """
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = str(profile.ca_path) if profile.ca_path is not None else True
    if counter is not None:
        session.hooks["response"].append(counter.hook)
    return session


def new_token_cache(serialized: str | None = None) -> Any:
    """An msal ``SerializableTokenCache``, optionally loaded from its JSON."""
    import msal

    cache = msal.SerializableTokenCache()
    if serialized:
        cache.deserialize(serialized)
    return cache


def build_app(profile: EmailServiceProfile, cache: Any, session: Any) -> Any:
    """Construct msal's ``PublicClientApplication``. Blocking: fetches the discovery document."""
    import msal

    return msal.PublicClientApplication(
        profile.client_id,
        authority=profile.authority,
        instance_discovery=profile.instance_discovery,
        http_client=session,
        token_cache=cache,
    )


def account_name(result: dict[str, Any]) -> str:
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
        clock: Any,
        app: Any = None,
        cache: Any = None,
        flow: dict[str, Any] | None = None,
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
        cls, *, service: str, profile: EmailServiceProfile, clock: Any, error: Msg, aad_code: int | None = None
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

    def snapshot(self) -> dict[str, Any]:
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

    def _set(self, state: str, **fields: Any) -> bool:
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
            except Exception:
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

    def _exit_condition(self, flow: dict[str, Any]) -> bool:
        return self._cancel.is_set() or float(flow.get("expires_at", 0)) < time.time()

    def _poll(self) -> None:
        assert self._flow is not None and self._app is not None
        try:
            result = self._app.acquire_token_by_device_flow(self._flow, exit_condition=self._exit_condition)
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


# -- the committed store -----------------------------------------------------------------------

SIGNIN_SCHEMA = 1


@dataclass
class SignInStatus:
    """What the device holds after OK: ``state`` is signed_in | not_signed_in | expired."""

    state: str
    account: str | None = None
    service: str | None = None
    signed_in_at: datetime | None = None

    @property
    def msg(self) -> Msg:
        return Msg.of(f"email.status.{self.state}")


class TokenStore:
    """The device's committed sign-in: ``state_dir/email/token_cache.json`` and ``signin.json``.

    Both files are 0600 and written atomically. ``signin.json`` holds no secret: the service,
    the account, when it was committed, and the device-clock bookkeeping that lets the device
    decide ``force_refresh`` itself (msal reads wall time; the device clock may have travelled).
    """

    def __init__(self, state_dir: Path, report: Callable[[Msg], None] | None = None) -> None:
        self.dir = Path(state_dir) / "email"
        self.cache_path = self.dir / "token_cache.json"
        self.meta_path = self.dir / "signin.json"
        self.problems: list[Msg] = []
        #: where problems found later (at a send) go too, so a running panel can show them
        self._report = report
        self._lock = threading.RLock()
        self.meta: dict[str, Any] | None = None
        loaded = load_document(self.meta_path, SIGNIN_SCHEMA, kind="email sign-in")
        if loaded.problem is not None:
            self._problem(loaded.problem)
        if loaded.data and loaded.data.get("account") and self.cache_path.exists():
            self.meta = loaded.data
            # a cache of the wrong shape must read "not signed in" now, not fail every send later
            self.read_cache_text()

    def _problem(self, msg: Msg) -> None:
        self.problems.append(msg)
        if self._report is not None:
            self._report(msg)

    # -- reading ----------------------------------------------------------------------

    def read_cache_text(self) -> str | None:
        """The serialized msal cache, or None (missing or unreadable: moved aside, logged)."""
        try:
            from ..storage import MAX_STATE_FILE

            if self.cache_path.stat().st_size > MAX_STATE_FILE:  # bounded: never parsed
                raise ValueError("larger than a token cache ever is")
            text = self.cache_path.read_text("utf-8")
            doc = json.loads(text)
            # msal's cache is an object of objects; anything else fails every send (AttributeError)
            if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
                raise TypeError("not an msal token cache")
            return text
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, RecursionError) as exc:
            from ..storage import move_aside

            moved = move_aside(self.cache_path)
            log.error("token cache unreadable (%s); moved aside to %s", type(exc).__name__, moved)
            self._problem(
                Msg(
                    "device.problem.corrupt_file",
                    {"file": self.cache_path.name, "moved_to": moved.name if moved else "-",
                     "reason": type(exc).__name__, "kind": "email token cache"},
                )
            )
            with self._lock:
                self.meta = None
            return None

    def status(self, now: datetime) -> SignInStatus:
        with self._lock:
            meta = dict(self.meta) if self.meta else None
        if not meta:
            return SignInStatus("not_signed_in")
        state = "signed_in"
        last = _parse_time(meta.get("last_token_at"))
        if meta.get("expired") or (last is not None and now - last > REFRESH_TOKEN_INACTIVITY):
            state = "expired"
        return SignInStatus(state, meta.get("account"), meta.get("service"), _parse_time(meta.get("committed_at")))

    def access_token_stale(self, now: datetime) -> bool:
        """True when the device clock says the cached access token is (nearly) expired."""
        with self._lock:
            at = _parse_time((self.meta or {}).get("at_expires_at"))
        return at is None or now >= at - REFRESH_MARGIN

    # -- writing ----------------------------------------------------------------------

    def commit(self, attempt: SignInAttempt, now: datetime) -> None:
        """Make a finished sign-in the device's (Web Config OK): cache + account to disk."""
        if attempt.state != SIGNED_IN or attempt._cache is None:
            raise ValueError("only a finished, successful sign-in can be saved")
        with self._lock:
            ensure_dir(self.dir)
            atomic_write_bytes(self.cache_path, attempt._cache.serialize().encode("utf-8"))
            received = attempt._token_received_at or now
            expires_in = attempt._token_expires_in or 3600
            self.meta = {
                "service": attempt.service,
                "account": attempt.account,
                "client_id": attempt.profile.client_id,
                "authority": attempt.profile.authority,
                "committed_at": now.isoformat(),
                "last_token_at": received.isoformat(),
                "at_expires_at": (received + timedelta(seconds=expires_in)).isoformat(),
                "expired": False,
            }
            write_document(self.meta_path, SIGNIN_SCHEMA, self.meta)

    def save_cache(self, cache: Any) -> None:
        """Persist the cache after msal changed it (a refresh rotates the refresh token)."""
        with self._lock:
            if self.meta is None:
                return
            if getattr(cache, "has_state_changed", True):
                atomic_write_bytes(self.cache_path, cache.serialize().encode("utf-8"))
                cache.has_state_changed = False

    def note_token(self, now: datetime, expires_in: int) -> None:
        """A token came from the identity platform: record when it expires on the device clock."""
        with self._lock:
            if self.meta is None:
                return
            self.meta.update(
                last_token_at=now.isoformat(),
                at_expires_at=(now + timedelta(seconds=int(expires_in))).isoformat(),
                expired=False,
            )
            write_document(self.meta_path, SIGNIN_SCHEMA, self.meta)

    def mark_expired(self) -> None:
        """The identity platform said the refresh token expired (AADSTS700082)."""
        with self._lock:
            if self.meta is None:
                return
            self.meta["expired"] = True
            write_document(self.meta_path, SIGNIN_SCHEMA, self.meta)

    def clear(self) -> None:
        """Sign out: forget the account and delete the token cache."""
        with self._lock:
            self.meta = None
            for p in (self.cache_path, self.meta_path):
                try:
                    p.unlink()
                except FileNotFoundError:
                    pass


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None
