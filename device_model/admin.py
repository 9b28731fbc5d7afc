"""The administrator lock: password, Lock Setting, panel session and Operation Time Out.

The password starts as the device's serial number (Epson's factory default) and is only ever
stored as an scrypt hash with a random salt. The lock is active when a password is registered and
Lock Setting is On; then the items in ``DeviceProfile.locked_items`` need a login. A login lasts
until logout or until the panel has been idle for the Operation Time Out (measured on the device
clock, checked on every query, so advancing the clock in a test ends the session).

Wrong passwords are counted (persisted, so a restart does not reset them); after
``FREE_ATTEMPTS`` failures each further try must wait, doubling up to ``MAX_DELAY`` seconds.
Web Config's login uses :meth:`AdminLock.verify`, which shares the same counter.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

from .clock import Clock
from .i18n import Msg
from .profile import DeviceProfile
from .settings import Settings
from .storage import aware_datetime, bounded_int, read_state, write_document
from .field_checks import check_admin_password
from .validation import ValidationError
from .jsontypes import JsonObject

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
FREE_ATTEMPTS = 3
BASE_DELAY = 30  # seconds after the FREE_ATTEMPTS-th failure
MAX_DELAY = 600
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
MAX_DOUBLINGS = 5  # 30 s * 2**5 > MAX_DELAY already
MAX_FAILURES = 1_000_000
#: Bounds on a stored scrypt record: what hashlib accepts and finishes in well under a second.
#: A record outside them is a damaged file (moved aside, factory password back, reported),
#: not a password that can never match.
SCRYPT_MAX_N, SCRYPT_MAX_R, SCRYPT_MAX_P, SCRYPT_MAX_MEM = 2**20, 32, 16, 64 * 1024 * 1024


def throttle_now() -> datetime:
    """The time the wrong-password throttle runs on: the real UTC clock, not the device clock.

    Why: the device clock is a training tool that anyone at the panel can move (F4 time
    travel, scenarios); a throttle measured on it could be skipped by moving it. The real clock
    also survives a restart, so the wait persists in ``admin.json`` as a real UTC time.
    Tests replace this function (``monkeypatch.setattr(admin, "throttle_now", ...)``).
    """
    return datetime.now(timezone.utc)


def _parse_scrypt_record(record: JsonObject) -> JsonObject:
    n = bounded_int(record.get("n"), 2, SCRYPT_MAX_N, "scrypt n")
    r = bounded_int(record.get("r"), 1, SCRYPT_MAX_R, "scrypt r")
    p = bounded_int(record.get("p"), 1, SCRYPT_MAX_P, "scrypt p")
    if n & (n - 1) or 128 * n * r * p > SCRYPT_MAX_MEM:
        raise ValueError("scrypt parameters out of range")
    salt, digest = record.get("salt"), record.get("hash")
    if not isinstance(salt, str) or not isinstance(digest, str) or len(salt) > 256 or not 32 <= len(digest) <= 256:
        raise ValueError("bad scrypt salt or hash")
    bytes.fromhex(salt), bytes.fromhex(digest)
    return {"alg": "scrypt", "n": n, "r": r, "p": p, "salt": salt, "hash": digest}


def _parse_state(data: JsonObject) -> tuple[JsonObject, bool, int, datetime | None]:
    """(password record, registered, failures, throttled until) from admin.json, all bounded."""
    record = data["password"]
    if not isinstance(record, dict) or record.get("alg") not in ("scrypt", "factory"):
        raise ValueError("bad password record")
    record = _parse_scrypt_record(record) if record["alg"] == "scrypt" else dict(FACTORY_RECORD)
    registered = data.get("registered", True)
    if not isinstance(registered, bool):
        raise TypeError("registered is not true/false")
    # an out-of-range count is clamped, not a reason to set the file (and the password) aside
    failures = min(max(bounded_int(data.get("failures", 0), -(10**6000), 10**6000, "failures"), 0), MAX_FAILURES)
    until = data.get("throttled_until")
    # unbounded: a far-future throttle is cut to the longest wait by retry_after, not set aside
    throttled_until = aware_datetime(until, "throttled_until", bounded=False) if until else None
    return record, registered, failures, throttled_until


class AdminError(Exception):
    """An admin operation was refused; ``msg`` says why (translatable)."""

    def __init__(self, msg: Msg) -> None:
        self.msg = msg
        super().__init__(msg.key)


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login: ``status`` is "ok", "wrong", "throttled" or "empty".

    "empty" (nothing typed) is not a wrong password: it asks for one and does not count toward
    the lock-out (an Enter pressed by mistake must not make the admin wait).

    ``retry_after`` is the number of seconds (device clock) before another try is accepted;
    ``message`` is what to show (None on success).
    """

    status: str
    retry_after: int = 0
    message: Msg | None = None
    failures: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


#: The record for "the factory password" (the serial number, printed on the device itself): no
#: hash is computed at first start, which keeps the panel's cold start free of a ~50 ms scrypt.
FACTORY_RECORD: JsonObject = {"alg": "factory"}


def hash_password(password: str, salt: bytes | None = None) -> JsonObject:
    """scrypt hash record (hex) of ``password``; a new random salt unless one is given."""
    import hashlib
    import secrets

    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_LEN
    )
    return {"alg": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex(), "hash": digest.hex()}


def check_password(password: str, record: JsonObject, factory_password: str = "") -> bool:
    """Constant-time comparison of ``password`` against a :func:`hash_password` record
    (or, for :data:`FACTORY_RECORD`, against the factory password)."""
    import hashlib  # here, not at the top: hmac/hashlib load OpenSSL's digests (~2 ms, 0.6 MiB)
    import hmac

    if record.get("alg") == "factory":
        return bool(factory_password) and hmac.compare_digest(
            password.encode("utf-8"), factory_password.encode("utf-8"))
    try:
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(record["salt"]),
            n=int(record["n"]),
            r=int(record["r"]),
            p=int(record["p"]),
            dklen=len(bytes.fromhex(record["hash"])),
        )
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), str(record["hash"]))


class AdminHost(Protocol):
    """What the lock needs of its device (the ``Device``): typed here so that the lock does not
    import the device that owns it."""

    profile: DeviceProfile
    clock: Clock

    @property
    def settings(self) -> Settings: ...

    def update(self, section: str, **values: object) -> None: ...

    def emit(self, kind: str, detail: object = None) -> None: ...

    def report_problem(self, msg: Msg) -> None: ...

    def report_unwritable(self, exc: OSError) -> None: ...


class AdminLock:
    """Admin password, lock state and the panel's admin session (see module docstring)."""

    def __init__(self, device: AdminHost, path: Path) -> None:
        self._device = device
        self._path = Path(path)
        self._lock = threading.RLock()
        self._logged_in = False
        self._last_activity: datetime | None = None
        self._record: JsonObject = {}
        self._registered = device.profile.default_password_registered
        self._failures = 0
        self._throttled_until: datetime | None = None
        self._load()

    # -- persistence ------------------------------------------------------------------------
    def _load(self) -> None:
        state = read_state(self._path, SCHEMA_VERSION, _parse_state, self._device.report_problem, kind="admin")
        if state is not None:
            self._record, self._registered, self._failures, self._throttled_until = state
            return
        self._record = dict(FACTORY_RECORD)
        self._registered = self._device.profile.default_password_registered
        self._failures = 0
        self._throttled_until = None
        self._save()

    def _save(self) -> None:
        try:
            write_document(
                self._path,
                SCHEMA_VERSION,
                {
                    "password": self._record,
                    "registered": self._registered,
                    "failures": self._failures,
                    "throttled_until": self._throttled_until.isoformat() if self._throttled_until else None,
                },
            )
        except OSError as exc:  # a state dir that refuses writes must not stop a login
            self._device.report_unwritable(exc)

    # -- state ------------------------------------------------------------------------------
    @property
    def password_registered(self) -> bool:
        """Whether an admin password is registered (the factory serial counts on most models)."""
        return self._registered

    @property
    def lock_setting(self) -> bool:
        return self._device.settings.admin.lock_setting

    @property
    def lock_active(self) -> bool:
        """Password registered and Lock Setting On: locked items need a login."""
        return self._registered and self.lock_setting

    @property
    def logged_in(self) -> bool:
        """Whether the panel's admin session is open (ends on logout or Operation Time Out)."""
        self.expire_if_idle()
        return self._logged_in

    @property
    def unlocked(self) -> bool:
        """Whether locked items are reachable now: lock inactive, or logged in."""
        return not self.lock_active or self.logged_in

    def is_locked(self, item_id: str) -> bool:
        """Whether menu item ``item_id`` needs a login right now (padlock shown)."""
        return self._device.profile.is_locked_item(item_id) and not self.unlocked

    def retry_after(self) -> int:
        """Seconds until a password try is accepted again (0 when not throttled)."""
        with self._lock:
            if self._throttled_until is None:
                return 0
            now = throttle_now()
            if self._throttled_until > now + timedelta(seconds=MAX_DELAY):
                # the real clock went back (or a file said year 9999): never wait more than
                # MAX_DELAY from now, else the admin would be locked out for good
                self._throttled_until = now + timedelta(seconds=MAX_DELAY)
            remaining = (self._throttled_until - now).total_seconds()
            return min(MAX_DELAY, max(0, int(remaining + 0.999)))

    @property
    def failures(self) -> int:
        """Consecutive wrong passwords so far."""
        return self._failures

    # -- session ----------------------------------------------------------------------------
    def touch(self) -> None:
        """Record panel activity (each key press) so Operation Time Out counts from now."""
        with self._lock:
            if self._logged_in:
                self._last_activity = self._device.clock.now()

    def expire_if_idle(self) -> bool:
        """End the session if idle for the Operation Time Out; True if it just ended."""
        basic = self._device.settings.basic
        with self._lock:
            if not self._logged_in or not basic.operation_timeout_on or self._last_activity is None:
                return False
            idle = self._device.clock.now() - self._last_activity
            if idle < timedelta(minutes=basic.operation_timeout_minutes):
                return False
            self._logged_in = False
            self._last_activity = None
        log.info("admin session ended by Operation Time Out")
        self._device.emit("admin", "timeout")
        return True

    def _attempt(self, password: str) -> LoginResult:
        with self._lock:
            wait = self.retry_after()
            if wait > 0:
                return LoginResult("throttled", wait, Msg.of("admin.throttled", count=wait), self._failures)
            if not password:
                return LoginResult("empty", 0, Msg.of("admin.password_needed"), self._failures)
            if check_password(password, self._record, self._device.profile.default_admin_password):
                self._failures = 0
                self._throttled_until = None
                self._save()
                return LoginResult("ok")
            self._failures = min(self._failures + 1, MAX_FAILURES)
            delay = 0
            if self._failures >= FREE_ATTEMPTS:
                doublings = min(self._failures - FREE_ATTEMPTS, MAX_DOUBLINGS)  # 2**huge: minutes, GBs
                delay = min(MAX_DELAY, BASE_DELAY * 2**doublings)
                self._throttled_until = throttle_now() + timedelta(seconds=delay)
            self._save()
            log.info("wrong admin password (failure %d)", self._failures)
            return LoginResult("wrong", delay, Msg.of("admin.wrong_password"), self._failures)

    def login(self, password: str) -> LoginResult:
        """Open the panel's admin session if ``password`` is right (and not throttled)."""
        result = self._attempt(password)
        if result.ok:
            with self._lock:
                self._logged_in = True
                self._last_activity = self._device.clock.now()
            self._device.emit("admin", "login")
        return result

    def verify(self, password: str) -> LoginResult:
        """Check the password for Web Config's login: same counter and throttling, no panel session."""
        return self._attempt(password)

    def logout(self) -> None:
        """End the panel's admin session (the lock icon shows locked again)."""
        with self._lock:
            was = self._logged_in
            self._logged_in = False
            self._last_activity = None
        if was:
            self._device.emit("admin", "logout")

    # -- password and lock ------------------------------------------------------------------
    def _require_admin(self) -> None:
        if self.lock_active and not self.logged_in:
            raise AdminError(Msg.of("admin.login_required"))

    def register_password(self, new: str) -> None:
        """Register a password where none is registered (ValidationError on a bad new password)."""
        if self._registered:
            raise AdminError(Msg.of("admin.already_registered"))
        err = check_admin_password(new)
        if err:
            raise ValidationError({"new_password": err})
        with self._lock:
            self._record = hash_password(new)
            self._registered = True
            self._save()
        self._device.emit("admin", "password")

    def change_password(self, old: str, new: str) -> None:
        """Change the password: ``old`` must be right (counted like a login), ``new`` 8–20 chars."""
        err = check_admin_password(new)
        if err:
            raise ValidationError({"new_password": err})
        result = self._attempt(old)
        if not result.ok:
            assert result.message is not None
            raise AdminError(result.message)
        with self._lock:
            self._record = hash_password(new)
            self._registered = True
            self._save()
        self._device.emit("admin", "password")

    def reset_password(self) -> None:
        """Restore the factory password (the serial number); needs a login while locked."""
        self._require_admin()
        with self._lock:
            self._record = dict(FACTORY_RECORD)
            self._registered = self._device.profile.default_password_registered
            self._failures = 0
            self._throttled_until = None
            self._save()
        self._device.emit("admin", "password")

    def restore_factory_state(self) -> None:
        """Restore Default Settings: factory password, no failures, session ended."""
        with self._lock:
            self._record = dict(FACTORY_RECORD)
            self._registered = self._device.profile.default_password_registered
            self._failures = 0
            self._throttled_until = None
            self._logged_in = False
            self._last_activity = None
            self._save()
        self._device.emit("admin", "password")

    def set_lock(self, on: bool) -> None:
        """Lock Setting On/Off (saved with the settings; needs a login while locked)."""
        if on and not self._registered:
            raise AdminError(Msg.of("admin.register_first"))
        self._require_admin()
        self._device.update("admin", lock_setting=bool(on))
        if on:
            self.touch()
        self._device.emit("admin", "lock")
