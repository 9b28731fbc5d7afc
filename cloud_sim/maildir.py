"""Delivered mail of the simulated tenant: one Maildir per mailbox.

Why Maildir: it is the one mail store every mail tool reads (mutt -f, Thunderbird's
import, ``python -m mailbox``...), writes are atomic (tmp/ then rename into new/), and
concurrent deliveries need no locks. Layout::

    maildir_root/
        printer@contoso.onmicrosoft.com/{cur,new,tmp}/   one per tenant mailbox (lower-case UPN)
        _outbound/{cur,new,tmp}/                         mail for recipients outside the tenant

Directories are 0700 and messages 0600, as every state file of the tenant.
"""

from __future__ import annotations

import email.policy
import mailbox
import os
import re
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

OUTBOUND = "_outbound"

# A mailbox directory name: an address, lower-case, no path tricks.
_SAFE_NAME = re.compile(r"^[a-z0-9._%+\-']+@[a-z0-9.\-]+$")


@dataclass(frozen=True)
class MessageInfo:
    """One delivered message, as ``cloud-sim mail list`` shows it."""

    key: str
    delivered: datetime  # when it landed (file mtime, UTC)
    from_: str
    to: str
    subject: str
    size: int
    path: Path


def mailbox_dir(root: Path, upn: str) -> Path:
    """The Maildir of ``upn`` (or of :data:`OUTBOUND`) under ``root``.

    Raises ValueError for a name that is not a plain address, so a recipient like
    ``../../x`` can never escape ``root``.
    """
    name = upn.strip().lower()
    if name != OUTBOUND and not _SAFE_NAME.match(name):
        raise ValueError(f"not a mailbox name: {upn!r}")
    if name.startswith(".") or ".." in name:
        raise ValueError(f"not a mailbox name: {upn!r}")
    return Path(root) / name


def _ensure_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:  # pragma: no cover - e.g. not the owner
        pass


def deliver(root: Path, upn: str, data: bytes) -> Path:
    """Store ``data`` (a whole RFC 5322 message) in the Maildir of ``upn``; return its file.

    Atomic: written to tmp/ and renamed into new/. Written here rather than by
    ``mailbox.Maildir.add``, which creates its tmp/ file under the umask (0644): the file is
    0600 from its first byte, so no moment exposes the message to other users.
    """
    root = Path(root)
    _ensure_dir(root)
    box_path = mailbox_dir(root, upn)
    for sub in ("", "tmp", "new", "cur"):
        _ensure_dir(box_path / sub)
    global _counter
    _counter += 1
    now = time.time()
    key = (f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{_counter}"
           f"R{secrets.token_hex(4)}.{_HOST}")
    tmp = box_path / "tmp" / key
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        path = box_path / "new" / key
        os.rename(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def clean_leftovers(root: Path) -> int:
    """Remove tmp/ files a killed delivery left (never acknowledged, so never delivered) and
    put every message back to 0600; return how many tmp/ files went. Run at the tenant's start.
    """
    root = Path(root)
    removed = 0
    if not root.is_dir():
        return 0
    for box in root.iterdir():
        if not box.is_dir() or box.is_symlink():
            continue
        for sub in ("tmp", "new", "cur"):
            folder = box / sub
            if not folder.is_dir() or folder.is_symlink():
                continue
            for entry in folder.iterdir():
                try:
                    if not entry.is_file() or entry.is_symlink():
                        continue
                    if sub == "tmp":
                        entry.unlink()
                        removed += 1
                    elif entry.stat().st_mode & 0o077:
                        os.chmod(entry, 0o600)
                except OSError:  # pragma: no cover - raced with a reader
                    continue
    return removed


_counter = 0
_HOST = re.sub(r"[^A-Za-z0-9.\-]", "_", socket.gethostname() or "localhost")


def _open(root: Path, upn: str) -> mailbox.Maildir | None:
    path = mailbox_dir(root, upn)
    if not (path / "new").is_dir() and not (path / "cur").is_dir():
        return None
    return mailbox.Maildir(path, factory=None, create=False)


def _file_of(box: mailbox.Maildir, key: str) -> Path:
    return Path(box._path) / box._lookup(key)  # type: ignore[attr-defined]


def list_messages(root: Path, upn: str) -> list[MessageInfo]:
    """The messages in ``upn``'s Maildir, oldest first. An unknown mailbox has none."""
    box = _open(Path(root), upn)
    if box is None:
        return []
    parser = BytesParser(policy=email.policy.compat32)
    infos: list[MessageInfo] = []
    for key in box.keys():
        try:
            path = _file_of(box, key)
            with open(path, "rb") as fh:
                head = parser.parse(fh, headersonly=True)
            stat = path.stat()
        except (FileNotFoundError, KeyError):
            continue  # removed meanwhile
        infos.append(
            MessageInfo(
                key=key,
                delivered=datetime.fromtimestamp(stat.st_mtime, timezone.utc),
                from_=str(head.get("From", "")),
                to=str(head.get("To", "")),
                subject=str(head.get("Subject", "")),
                size=stat.st_size,
                path=path,
            )
        )
    infos.sort(key=lambda i: (i.delivered, i.key))
    return infos


def read_message(root: Path, upn: str, key: str) -> EmailMessage:
    """One message of ``upn``'s Maildir by key. Raises KeyError when there is none."""
    box = _open(Path(root), upn)
    if box is None:
        raise KeyError(key)
    path = _file_of(box, key)
    with open(path, "rb") as fh:
        msg = BytesParser(policy=email.policy.default).parse(fh)
    assert isinstance(msg, EmailMessage)
    return msg


def read_messages(root: Path, upn: str) -> list[EmailMessage]:
    """All messages of ``upn``'s Maildir, oldest first (for ``TenantAdmin.messages``)."""
    out: list[EmailMessage] = []
    for info in list_messages(root, upn):
        try:
            out.append(read_message(root, upn, info.key))
        except (KeyError, FileNotFoundError):
            continue
    return out


def list_mailboxes(root: Path) -> list[str]:
    """Names of the Maildirs under ``root`` (addresses, and ``_outbound`` if any)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "new").is_dir())
