"""The tenant's persistent state in SQLite (``state_dir/tenant.sqlite3``).

One connection, one lock: the identity platform's handler threads, the SMTP server's thread
and the admin API all go through here, and SQLite's own locking is not needed for a single
process. WAL keeps reads cheap. Secrets (passwords, refresh tokens, device codes) are stored
hashed; access tokens only by their ``jti``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

#: the state dir's layout (``meta.schema_version``): 2 added the personal accounts, 3 the
#: authority each device code was asked at
SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    upn TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL, oid TEXT NOT NULL,
    password_hash TEXT NOT NULL, smtp_auth INTEGER, tokens_valid_from REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS ca_policies (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, users TEXT NOT NULL,
    block_device_code_flow INTEGER NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS consents (
    client_id TEXT NOT NULL, principal TEXT NOT NULL, granted REAL NOT NULL,
    PRIMARY KEY (client_id, principal));
CREATE TABLE IF NOT EXISTS device_codes (
    code_hash TEXT PRIMARY KEY, user_code TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL,
    scope TEXT NOT NULL, created REAL NOT NULL, expires REAL NOT NULL,
    status TEXT NOT NULL, upn TEXT, error TEXT, authority TEXT NOT NULL DEFAULT 'common');
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token_hash TEXT PRIMARY KEY, upn TEXT NOT NULL, client_id TEXT NOT NULL,
    scope TEXT NOT NULL, issued REAL NOT NULL, last_used REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS auth_codes (
    code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL, upn TEXT NOT NULL, nonce TEXT, code_challenge TEXT,
    challenge_method TEXT, expires REAL NOT NULL, redeemed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS access_tokens (
    jti TEXT PRIMARY KEY, upn TEXT NOT NULL, issued REAL NOT NULL, expires REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0);
"""


class StoreSchemaError(ValueError):
    """The file is a readable SQLite database, but not a tenant's (another program's, or
    tables without our columns). Not moved aside like a damaged file: it may be someone's
    data, so the tenant refuses to start with one line saying why."""


#: columns that :meth:`Store._migrate` adds to an older tenant's tables: their absence is age,
#: not a foreign database
MIGRATED_COLUMNS: dict[str, set[str]] = {"device_codes": {"authority"}}


def _q(name: str) -> str:
    return name.replace("'", "''")


def _check_schema(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a database whose tables are not (a subset of) ours with a one-line error."""
    have = {r[0]: {c[1] for c in db.execute(f"PRAGMA table_info('{_q(r[0])}')").fetchall()}
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                "AND name NOT LIKE 'sqlite_%'").fetchall()}
    if not have:
        return  # new or empty: ours to create
    ref = sqlite3.connect(":memory:")
    try:
        ref.executescript(_SCHEMA)
        want = {r[0]: {c[1] for c in ref.execute(f"PRAGMA table_info('{_q(r[0])}')").fetchall()}
                for r in ref.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        ref.close()
    if "meta" not in have:
        raise StoreSchemaError(f"{path} is not a cloud-sim tenant database (tables: "
                               f"{', '.join(sorted(have))[:120]}); move it away or use another "
                               f"--state-dir")
    for table, cols in want.items():
        missing_cols = cols - have.get(table, cols) - MIGRATED_COLUMNS.get(table, set())
        if missing_cols:
            missing = ", ".join(sorted(missing_cols))
            raise StoreSchemaError(f"{path} has a table {table!r} without the columns "
                                   f"{missing}; it is not a cloud-sim tenant database this "
                                   f"version can use (move it away or use another --state-dir)")


def hash_secret(value: str) -> str:
    """A lookup hash for high-entropy secrets (refresh tokens, device codes)."""
    return hashlib.sha256(value.encode()).hexdigest()


#: scrypt's cost for passwords people choose (set through the admin API or a sign-in page):
#: about 50 ms and 16 MiB each, the usual interactive-login setting; a tenant setting
#: (``password_scrypt_n``, :meth:`Directory.set_password_cost`) may change it
PASSWORD_SCRYPT_N = 2**14
#: scrypt's cost for the simulator's own accounts (printer@, admin@, user@ and the personal
#: ones), whose passwords are published in the docs and on the sign-in pages' hints: 16x
#: cheaper (~3 ms, 1 MiB), so that sign-ins are not mostly key stretching
SIMULATOR_SCRYPT_N = 2**10


def hash_password(password: str, n: int = PASSWORD_SCRYPT_N) -> str:
    """A salted scrypt hash; ``n`` (a power of two) is stored in it, so checking needs no setting."""
    salt = secrets.token_bytes(16)
    dk = hashlib.scrypt(password.encode(), salt=salt, n=n, r=8, p=1, dklen=32, maxmem=256 * n * 8 + (1 << 20))
    return f"scrypt${n}$8$1${salt.hex()}${dk.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, dk = stored.split("$")
        if not 2 <= int(n) <= 2**20 or not 1 <= int(r) <= 16 or not 1 <= int(p) <= 4:
            return False  # not a cost we ever set: never run it
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(dk) // 2, maxmem=256 * int(n) * int(r) + (1 << 20))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), dk)


class Store:
    """Thread-safe access to the tenant database."""

    def __init__(self, path: Path):
        self.path = Path(path)
        new = not self.path.exists()
        if new:
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        os.chmod(self.path, 0o600)
        self._lock = threading.RLock()
        #: bumped by every write (``execute``, ``put``, a transaction's end): a value computed
        #: from the store under one generation is still true while the generation is unchanged.
        #: One process owns a tenant's store (the state dir's lock), so no write goes unseen.
        self.generation = 0
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            # an unreadable database is moved aside (kept for inspection), never fatal
            import logging
            import time

            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            logging.getLogger(__name__).warning("tenant database %s is unreadable (%s); moved "
                                                "to %s and starting a new tenant",
                                                self.path, exc, aside)
            try:
                self._db.close()
            except sqlite3.Error:  # it is being moved aside anyway
                pass
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
            self._open()
        for suffix in ("-wal", "-shm"):
            side = Path(str(self.path) + suffix)
            if side.exists():
                os.chmod(side, 0o600)

    def _open(self) -> None:
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            try:  # before anything writes (even the journal mode): it may be someone's data
                _check_schema(self._db, self.path)
            except StoreSchemaError:
                self._db.close()
                raise
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._migrate()
            self._db.execute("SELECT count(*) FROM meta").fetchone()

    def _migrate(self) -> None:
        """Bring an older state dir's tables up to :data:`SCHEMA_VERSION` (columns only; the
        rows the directory owns are added by :class:`cloud_sim.directory.Directory`)."""
        cols = {r["name"] for r in self._db.execute("PRAGMA table_info(device_codes)")}
        if "authority" not in cols:  # schema < 3: codes asked before were taken anywhere
            self._db.execute("ALTER TABLE device_codes ADD COLUMN authority TEXT NOT NULL "
                             "DEFAULT 'common'")

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- raw helpers (params: SQLite's own values; a meta value: whatever JSON holds, its type
    # known to the caller that names the key, hence Any) ------------------------------------
    def execute(self, sql: str, params: Iterable[object] = ()) -> sqlite3.Cursor:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(params))
            finally:
                self.generation += 1  # after the write: a reader that saw the old one re-reads

    def one(self, sql: str, params: Iterable[object] = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchone()

    def all(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def transaction(self):
        """``with store.transaction():`` - one atomic unit under the lock."""
        return _Tx(self)

    # -- meta --------------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        row = self.one("SELECT value FROM meta WHERE key=?", (key,))
        return default if row is None else json.loads(row["value"])

    def put(self, key: str, value: object) -> None:
        self.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                     (key, json.dumps(value)))

    def secret(self, key: str) -> str:
        """A persistent random secret (created on first use)."""
        with self._lock:
            value = self.get(key)
            if value is None:
                value = secrets.token_urlsafe(32)
                self.put(key, value)
            return value


class _Tx:
    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> Store:
        self.store._lock.acquire()
        self.store._db.execute("BEGIN IMMEDIATE")
        return self.store

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.store._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store.generation += 1  # a rollback undoes writes seen inside the transaction
            self.store._lock.release()
