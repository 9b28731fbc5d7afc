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
import os
import re
import secrets
import socket
import stat
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import BinaryIO

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
    attachments: tuple[str, ...] = ()  # file names; filled by list_page only
    date: str = ""  # the Date header as sent


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


#: Maildirs known to have their tmp/, new/ and cur/ (and the root its 0700 mode): made once per
#: mailbox, not on every message (10 syscalls each). One deleted while the tenant runs is made
#: again when a delivery finds it gone (ENOENT).
_made: set[Path] = set()


def _make_maildir(root: Path, box_path: Path) -> None:
    _ensure_dir(root)
    for sub in ("", "tmp", "new", "cur"):
        _ensure_dir(box_path / sub)
    _made.add(box_path)


def deliver(root: Path, upn: str, data: bytes) -> Path:
    """Store ``data`` (a whole RFC 5322 message) in the Maildir of ``upn``; return its file.

    Atomic: written to tmp/ and renamed into new/. Written here rather than by
    ``mailbox.Maildir.add``, which creates its tmp/ file under the umask (0644): the file is
    0600 from its first byte, so no moment exposes the message to other users.
    """
    root = Path(root)
    box_path = mailbox_dir(root, upn)
    if box_path not in _made:
        _make_maildir(root, box_path)
    global _counter
    _counter += 1
    now = time.time()
    key = (f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{_counter}"
           f"R{secrets.token_hex(4)}.{_HOST}")
    tmp = box_path / "tmp" / key
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileNotFoundError:  # the Maildir (or its tmp/) was removed since: made again
        _make_maildir(root, box_path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        path = box_path / "new" / key
        try:
            os.rename(tmp, path)
        except FileNotFoundError:  # new/ removed while writing (tmp/ still here): made again
            if not tmp.exists():
                raise
            _make_maildir(root, box_path)
            os.rename(tmp, path)
    except BaseException:  # cleaned up on any way out (Ctrl+C too), then raised again
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


def _scan(box_path: Path) -> list[tuple[int, str, str]]:
    """(delivery time in microseconds, file name, folder) of every message in new/ and cur/: one
    directory listing each, no stat and no read per message.

    Why: the listing is what a 100 000-message mailbox costs; ``mailbox.Maildir`` re-lists and
    stats on lookups, which made reading every message of a mailbox quadratic. A Maildir file
    name starts with its delivery time, ``<seconds>.M<microseconds>P<pid>...`` (ours and
    Dovecot's) or ``<seconds>.<anything>`` (qmail's); the info after ":" is not part of the key.
    A name without a time is stat'ed for its mtime.
    """
    out: list[tuple[int, str, str]] = []
    add = out.append  # (the key and the path are made later, for the messages read)
    for sub in ("new", "cur"):
        folder = os.path.join(box_path, sub)
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:  # the hot loop at 100 000 messages: string operations only
            if name[:1] == ".":
                continue
            sec, _, rest = name.partition(".")
            if sec.isdigit():
                when = int(sec) * 1_000_000
                if rest[:1] == "M":
                    usec = rest[1:].partition("P")[0]
                    if usec.isdigit() and len(usec) <= 6:
                        when += int(usec)
            else:
                try:
                    st = os.stat(os.path.join(folder, name), follow_symlinks=False)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                when = int(st.st_mtime * 1_000_000)
            add((when, name, folder))
    return out


_HEADERS_END = re.compile(rb"\r?\n\r?\n")


def _read_head(fh: BinaryIO) -> bytes:
    """The message's header block only (up to the first empty line, at most 1 MiB)."""
    buf = b""
    while len(buf) < 1 << 20:
        chunk = fh.read(16384)
        if not chunk:
            break
        start = max(0, len(buf) - 3)
        buf += chunk
        m = _HEADERS_END.search(buf, start)
        if m:
            return buf[: m.start() + 1]
    return buf


def _info(name: str, folder: str, *, attachments: bool = False) -> MessageInfo | None:
    """One message's listing row: headers only (and, asked for, its attachments' names)."""
    key, path = name.partition(":")[0], os.path.join(folder, name)
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if attachments:
                msg = BytesParser(policy=email.policy.compat32).parse(fh)
                names = tuple(_attachment_names(msg))
            else:
                msg = BytesHeaderParser(policy=email.policy.compat32).parsebytes(_read_head(fh))
                names = ()
    except OSError:
        return None  # removed meanwhile
    return MessageInfo(
        key=key,
        delivered=datetime.fromtimestamp(st.st_mtime, timezone.utc),
        from_=_header_text(msg, "From"),
        to=_header_text(msg, "To"),
        subject=_header_text(msg, "Subject"),
        size=st.st_size,
        path=Path(path),
        attachments=names,
        date=_header_text(msg, "Date"),
    )


def _header_text(msg: Message, name: str) -> str:
    """A header as a person reads it: RFC 2047 words (``=?utf-8?q?...?=``) decoded."""
    try:
        return _decoded(str(msg.get(name, "") or ""))
    except Exception:  # a malformed header
        return ""


def _decoded(value: str) -> str:
    if "=?" not in value:
        return value
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(value)))
    except Exception:  # a broken encoded word: the raw text
        return value


def _attachment_names(msg: Message) -> list[str]:
    """File names (or content types) of the parts a mail client lists as attachments."""
    out: list[str] = []
    if not msg.is_multipart():
        return out
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            name = part.get_filename()
        except Exception:  # a malformed filename parameter: named by its type below
            name = None
        disposition = str(part.get("Content-Disposition", "") or "").strip().lower()
        if name or disposition.startswith("attachment"):
            out.append(_decoded(str(name)) if name else part.get_content_type())
    return out


def list_messages(root: Path, upn: str) -> list[MessageInfo]:
    """The messages in ``upn``'s Maildir, oldest first (headers only). An unknown mailbox has none."""
    infos = [i for _, name, folder in sorted(_scan(mailbox_dir(Path(root), upn)))
             if (i := _info(name, folder)) is not None]
    return infos


def last_delivery(root: Path, upn: str) -> float | None:
    """When mail last landed in ``upn``'s Maildir (epoch seconds), None when it holds none.

    Read from the new/ directory's mtime (each delivery renames a file into it), not from the
    messages: two stats, whatever the mailbox's size.
    """
    box = mailbox_dir(Path(root), upn)
    times: list[float] = []
    for sub in ("new", "cur"):
        try:
            with os.scandir(box / sub) as it:
                if any(not e.name.startswith(".") for e in it):
                    times.append(os.stat(box / sub).st_mtime)
        except OSError:
            continue
    return max(times) if times else None


def list_page(root: Path, upn: str, offset: int = 0, limit: int = 50) -> tuple[int, list[MessageInfo]]:
    """One page of ``upn``'s messages, newest first, with their attachments' names; and the total.

    The mailbox is listed once and only the page's messages are opened, so a page costs the same
    at 10 and at 100 000 messages, but for the listing itself.
    """
    entries = _scan(mailbox_dir(Path(root), upn))
    offset, limit = max(0, int(offset)), max(0, int(limit))
    if offset + limit < len(entries):
        import heapq

        chosen = heapq.nlargest(offset + limit, entries)[offset:]
    else:
        chosen = sorted(entries, reverse=True)[offset:offset + limit]
    page = [i for _, name, folder in chosen if (i := _info(name, folder, attachments=True)) is not None]
    return len(entries), page


def _find(box_path: Path, key: str) -> Path:
    """The file of ``key`` (new/ or cur/, any info suffix) without listing the whole Maildir."""
    if not key or "/" in key or key.startswith("."):
        raise KeyError(key)
    path = box_path / "new" / key
    if path.is_file():
        return path
    cur = box_path / "cur"
    if (cur / key).is_file():
        return cur / key
    try:
        with os.scandir(cur) as it:
            for entry in it:
                if entry.name.split(":", 1)[0] == key:
                    return Path(entry.path)
    except OSError:
        pass
    raise KeyError(key)


def _parse_file(path: Path | str) -> EmailMessage:
    with open(path, "rb") as fh:
        msg = BytesParser(policy=email.policy.default).parse(fh)
    assert isinstance(msg, EmailMessage)
    return msg


def read_message(root: Path, upn: str, key: str) -> EmailMessage:
    """One message of ``upn``'s Maildir by key. Raises KeyError when there is none."""
    return _parse_file(_find(mailbox_dir(Path(root), upn), key))


def read_messages(root: Path, upn: str) -> list[EmailMessage]:
    """All messages of ``upn``'s Maildir, oldest first (for ``TenantAdmin.messages``)."""
    out: list[EmailMessage] = []
    for _, name, folder in sorted(_scan(mailbox_dir(Path(root), upn))):
        try:
            out.append(_parse_file(os.path.join(folder, name)))
        except OSError:  # removed meanwhile
            continue
    return out


def list_mailboxes(root: Path) -> list[str]:
    """Names of the Maildirs under ``root`` (addresses, and ``_outbound`` if any)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "new").is_dir())
