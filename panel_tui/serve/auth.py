"""Who may join the class: a class password (stored only as a salted scrypt hash) or a key
from an ``authorized_keys`` file; and the server's host key, generated once and kept 0600.

The password never reaches a log, the screen or a file in clear: the trainer types it (or pipes
it in), the server keeps its hash in ``STATE/class-password.json`` (0600) and compares hashes in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from device_model.storage import atomic_write_json, ensure_dir

if TYPE_CHECKING:
    from asyncssh import SSHAuthorizedKeys, SSHKey

#: a stored class password: scheme, scrypt's n/r/p, salt and digest (hex); JSON-shaped, read
#: back from a file a person may have edited, so its values are checked where they are used
PasswordRecord = dict[str, object]

PASSWORD_FILE = "class-password.json"
HOST_KEY_FILE = "ssh_host_ed25519_key"
#: scrypt cost: ~30 ms and 16 MiB per check on a laptop; slows guessing, not a class of 30
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
#: shortest class password accepted (it is typed by 30 people; it guards a loopback or class LAN)
MIN_PASSWORD = 6


class AuthProblem(Exception):
    """A one-line reason the server cannot set up authentication."""


def hash_password(password: str, salt: bytes | None = None, **cost: int) -> PasswordRecord:
    """A storable record of ``password``: scrypt parameters, salt and digest (hex)."""
    params = {**SCRYPT, **cost}
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, dklen=32,
                            **params)
    return {"scheme": "scrypt", **params, "salt": salt.hex(), "hash": digest.hex()}


def check_password(record: PasswordRecord, password: str) -> bool:
    """True when ``password`` matches ``record`` (constant-time compare; a bad record is False)."""
    try:
        salt = bytes.fromhex(str(record["salt"]))
        expected = bytes.fromhex(str(record["hash"]))
        cost = {k: int(str(record[k])) for k in ("n", "r", "p")}
        actual = hash_password(password, salt, **cost)["hash"]
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(bytes.fromhex(actual), expected)


def store_password(root: Path, password: str) -> None:
    """Keep the class password's hash (0600) for this and later starts."""
    if len(password) < MIN_PASSWORD:
        raise AuthProblem(f"the class password needs at least {MIN_PASSWORD} characters")
    ensure_dir(Path(root))
    atomic_write_json(Path(root) / PASSWORD_FILE, hash_password(password))


def load_password(root: Path) -> PasswordRecord | None:
    """The stored class password record, or None when none was set (or it is unreadable)."""
    try:
        record = json.loads((Path(root) / PASSWORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "hash" in record else None


def host_key(root: Path) -> SSHKey:
    """The server's SSH host key: read from ``STATE/ssh_host_ed25519_key``, or made once (0600).

    Kept so that students' ``known_hosts`` stays valid across restarts of the server.
    """
    import asyncssh

    path = Path(root) / HOST_KEY_FILE
    if path.exists():
        os.chmod(path, 0o600)
        return asyncssh.read_private_key(str(path))
    ensure_dir(Path(root))
    key = asyncssh.generate_private_key("ssh-ed25519")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    return key


def authorized_keys(path: Path | None) -> SSHAuthorizedKeys | None:
    """The keys of ``--authorized-keys FILE`` (any of them may join under any student name)."""
    if path is None:
        return None
    import asyncssh

    try:
        return asyncssh.read_authorized_keys(str(path))
    except (OSError, ValueError) as exc:
        raise AuthProblem(f"cannot read --authorized-keys {path}: {exc}") from None
