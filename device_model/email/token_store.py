"""The device's committed sign-in: what Web Config's **OK** saved (guide step 12).

A finished :class:`~.signin.SignInAttempt` becomes the printer's only here
(:meth:`TokenStore.commit`): msal's token cache and the account, 0600 and atomic.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..i18n import Msg
from ..storage import atomic_write_bytes, ensure_dir, load_document, write_document
from .signin import REFRESH_MARGIN, REFRESH_TOKEN_INACTIVITY, SIGNED_IN, MsalCache, SignInAttempt
from ..jsontypes import JsonObject

log = logging.getLogger(__name__)

SIGNIN_SCHEMA = 1


@dataclass
class SignInStatus:
    """What the device holds after OK: ``state`` is signed_in | not_signed_in | expired.

    ``sign_in_again`` tells the two dead grants apart, as the guide's codes do: an expired one
    (361, "expired") and a revoked or blocked one (370, "sign in again"); both are ``expired``
    to scripts and to the Sign In button, but a person is shown the guide's word for each.
    """

    state: str
    account: str | None = None
    service: str | None = None
    signed_in_at: datetime | None = None
    sign_in_again: bool = False

    @property
    def word(self) -> str:
        """The state's word: ``sign_in_again`` for a 370 grant, else ``state``."""
        return "sign_in_again" if self.state == "expired" and self.sign_in_again else self.state

    @property
    def msg(self) -> Msg:
        return Msg.of(f"email.status.{self.word}")


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
        self.meta: JsonObject | None = None
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
        again = state == "expired" and bool(meta.get("expired")) and meta.get("sign_in_again") is True
        return SignInStatus(state, meta.get("account"), meta.get("service"), _parse_time(meta.get("committed_at")),
                            again)

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

    def save_cache(self, cache: MsalCache) -> None:
        """Persist the cache after msal changed it (a refresh rotates the refresh token)."""
        with self._lock:
            if self.meta is None:
                return
            if cache.has_state_changed:  # msal's SerializableTokenCache tracks its changes
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
                sign_in_again=False,
            )
            write_document(self.meta_path, SIGNIN_SCHEMA, self.meta)

    def mark_expired(self, sign_in_again: bool = False) -> None:
        """The identity platform refused the refresh token: expired (AADSTS700082, 361), or
        revoked or blocked (``sign_in_again``, 370): what the status then says."""
        with self._lock:
            if self.meta is None:
                return
            self.meta["expired"] = True
            self.meta["sign_in_again"] = sign_in_again
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


def _parse_time(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None
