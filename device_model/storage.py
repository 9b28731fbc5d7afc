"""Crash-safe persistence of the device's state files.

A printer loses power at any moment; a half-written settings file must never be what the next
start finds. Every write goes to a temporary file in the same directory, is fsynced, renamed over
the target with ``os.replace`` (atomic on POSIX) and the directory is fsynced. State files are
0600 and state directories 0700 because they hold the SMTP password and (for the email client)
OAuth tokens.

Loading is the mirror image: a file that is unreadable, not JSON, not an object or of an unknown
``schema_version`` is moved aside to ``<name>.corrupt-<timestamp>`` (never overwritten in place),
a :class:`~device_model.i18n.Msg` describing it is returned, and the caller falls back to defaults.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar

from .i18n import Msg
from .jsontypes import JsonObject

T = TypeVar("T")

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_dir(path: Path, mode: int = DIR_MODE) -> Path:
    """Create ``path`` (and parents) if needed and make it ``mode`` (0700): owner-only."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    try:
        os.chmod(path, mode)
    except OSError as exc:  # e.g. a directory we do not own; still usable
        log.warning("cannot chmod %s: %s", path, exc)
    return path


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# cloud_sim/fsutil.py has its own copy: device_model and cloud_sim must not import each other.
def atomic_write_bytes(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Replace ``path`` with ``data`` atomically; the file ends up with permissions ``mode``."""
    path = Path(path)
    ensure_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:  # cleaned up on any way out (Ctrl+C too), then raised again
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = FILE_MODE) -> None:
    """UTF-8 text variant of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def atomic_write_json(path: Path, obj: object, mode: int = FILE_MODE, *, pretty: bool = True) -> None:
    """Write ``obj`` as stable JSON (sorted keys) atomically.

    ``pretty=False`` is for documents rewritten on a hot path (the job log after every job):
    ``indent`` makes ``json`` fall back to its pure-Python encoder, ~5x slower and holding
    the GIL while the SMTP session and the panel wait.
    """
    if pretty:
        text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)
    else:
        text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    atomic_write_text(path, text + "\n", mode)


def move_aside(path: Path, now: float | None = None) -> Path | None:
    """Rename a bad file to ``<name>.corrupt-<UTC timestamp>`` (unique); return the new path."""
    path = Path(path)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now if now is not None else time.time()))
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    try:
        os.replace(path, target)
    except OSError as exc:
        log.error("cannot move bad file %s aside: %s", path, exc)
        return None
    _fsync_dir(path.parent)
    return target


def _parse_int(text: str) -> int | float:
    """JSON integers; one too long for ``int()`` (over 4300 digits) reads as an infinity, so the
    field's own bound check refuses that one value instead of the whole file failing to parse."""
    if len(text) > 4000:
        return float("-inf") if text.startswith("-") else float("inf")
    return int(text)


#: The largest state file read (settings, admin, clock, sign-in, token cache, job log snapshot):
#: ours stay far below it; anything larger is set aside unread.
MAX_STATE_FILE = 8 << 20


@dataclass
class LoadResult:
    """What :func:`load_document` found: the data (None = use defaults) and any problem."""

    data: JsonObject | None
    problem: Msg | None = None
    moved_to: Path | None = None


def load_document(path: Path, schema_version: int, *, kind: str = "") -> LoadResult:
    """Load a JSON document written by :func:`write_document`.

    Missing file: ``LoadResult(None)`` without a problem (first start). Anything wrong: the file is
    moved aside and ``problem`` is ``Msg("device.problem.corrupt_file", file=..., moved_to=...,
    reason=...)``; ``data`` is None so the caller uses its defaults. Never raises for bad content.
    """
    path = Path(path)
    if not path.exists():
        return LoadResult(None)
    reason: str
    try:
        size = path.stat().st_size
        if size > MAX_STATE_FILE:  # never parsed: start-up must not grow with a file's size
            raise ValueError(f"{size} bytes, more than a state file ever holds ({MAX_STATE_FILE})")
        raw = path.read_bytes()
        doc = json.loads(raw.decode("utf-8"), parse_int=_parse_int)
        if not isinstance(doc, dict):
            reason = "not a JSON object"
        elif doc.get("schema_version") != schema_version:
            reason = f"schema_version {doc.get('schema_version')!r}, expected {schema_version}"
        elif not isinstance(doc.get("data"), dict):
            reason = "no data object"
        else:
            return LoadResult(doc["data"])
    except (OSError, ValueError, RecursionError) as exc:
        # ValueError covers bad UTF-8, bad JSON and integer literals too long to convert;
        # RecursionError a document nested thousands deep
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
    if isinstance(path, Path) and path.is_dir():
        reason = "is a directory"
    moved = move_aside(path)
    log.error("state file %s is unusable (%s); moved to %s, using defaults", path, reason, moved)
    problem = Msg(
        "device.problem.corrupt_file",
        {"file": path.name, "moved_to": moved.name if moved else "-", "reason": reason, "kind": kind},
    )
    return LoadResult(None, problem, moved)


#: What a parser may raise for content that is well-formed JSON but not a valid state document.
BAD_CONTENT = (KeyError, ValueError, TypeError, OverflowError, AttributeError, IndexError, RecursionError)


def read_state(
    path: Path,
    schema_version: int,
    parse: Callable[[JsonObject], T],
    report: Callable[[Msg], None],
    *,
    kind: str = "",
) -> T | None:
    """The one reader of the device's state files: load, check, and on any fault set the file aside.

    ``parse`` turns the document's data into the caller's value and checks every type and bound
    (it raises one of :data:`BAD_CONTENT` for anything it cannot use). A missing file gives
    None silently; an unreadable, malformed or out-of-range one is moved aside, ``report`` gets
    one ``device.problem.corrupt_file`` message, and None is returned so the caller uses its
    defaults. Why one reader: every file then fails the same safe way, and a value that got past
    the check is one the rest of the device can do arithmetic on without raising.
    """
    result = load_document(path, schema_version, kind=kind)
    if result.problem:
        report(result.problem)
    if result.data is None:
        return None
    try:
        return parse(result.data)
    except BAD_CONTENT as exc:
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
    moved = move_aside(path)
    log.error("state file %s holds unusable values (%s); moved to %s, using defaults", path, reason, moved)
    report(Msg("device.problem.corrupt_file",
               {"file": Path(path).name, "moved_to": moved.name if moved else "-", "reason": reason, "kind": kind}))
    return None


def bounded_int(value: object, lo: int, hi: int, name: str = "value") -> int:
    """``value`` as an int in ``lo..hi`` (ValueError otherwise): JSON ints only, no floats or bools."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is not an integer")
    if not lo <= value <= hi:
        raise ValueError(f"{name} out of range")
    return value


def bounded_float(value: object, lo: float, hi: float, name: str = "value") -> float:
    """``value`` as a finite number in ``lo..hi`` (ValueError otherwise; NaN and infinities too)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} is not a number")
    if isinstance(value, int) and not lo <= value <= hi:  # before float(): a huge int overflows
        raise ValueError(f"{name} out of range")
    number = float(value)
    if not lo <= number <= hi:  # False for NaN too
        raise ValueError(f"{name} out of range")
    return number


def aware_datetime(value: object, name: str = "time", *, bounded: bool = True) -> datetime:
    """An ISO 8601 time as an aware datetime; a naive one is taken as UTC (older files).

    ``bounded``: the year must be 1971–9000, so that shifting the time into any time zone for
    display (or adding a timeout) cannot overflow ``datetime``.
    """
    if not isinstance(value, str) or len(value) > 64:
        raise TypeError(f"{name} is not a time")
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if bounded and not 1971 <= when.year <= 9000:
        raise ValueError(f"{name} out of range")
    return when


def chmod_quietly(path: Path, mode: int) -> None:
    """Make ``path`` ``mode`` if it exists and is not already (a file we do not own: logged)."""
    try:
        st = os.stat(path, follow_symlinks=False)
        if stat.S_IMODE(st.st_mode) != mode and not stat.S_ISLNK(st.st_mode):
            os.chmod(path, mode)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot chmod %s: %s", path, exc)


_LEFTOVER_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


def clean_leftovers(directory: Path) -> list[str]:
    """Remove temp files a killed :func:`atomic_write_bytes` left in ``directory``; return names.

    Only names of the ``.<target>.<random>.tmp`` shape that ``tempfile.mkstemp`` made for us are
    touched. Safe because one process owns a state dir at a time (:class:`StateLock`) and a
    temp file is never read back: the rename that would have published it never happened.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if _LEFTOVER_TMP.match(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed.append(entry.name)
            except OSError as exc:
                log.warning("cannot remove leftover %s: %s", entry.path, exc)
    if removed:
        log.info("removed %d leftover temp file(s) in %s", len(removed), directory)
    return removed


def write_document(path: Path, schema_version: int, data: JsonObject, *, pretty: bool = True) -> None:
    """Persist ``data`` wrapped as ``{"schema_version": N, "data": {...}}`` atomically, 0600."""
    atomic_write_json(path, {"schema_version": schema_version, "data": data}, pretty=pretty)


# -- one owner per state dir ---------------------------------------------------------------------
# cloud_sim/fsutil.py has its own copy (StateLock): device_model and cloud_sim must not import
# each other.


class StateDirBusy(Exception):
    """Another live process holds the state dir's lock; ``pid`` and ``command`` name it."""

    def __init__(self, path: Path, pid: int | None, command: str) -> None:
        self.path, self.pid, self.command = Path(path), pid, command
        who = f"pid {pid}" if pid else "another process"
        if command:
            who += f" ({command})"
        super().__init__(f"{self.path.parent} is in use by {who}")


class StateLock:
    """An exclusive ``fcntl.flock`` on ``<dir>/<name>``, held for the owning process's life.

    Why flock and not a pid file: the check and the taking are one system call, so two
    processes starting at once cannot both win; and the kernel drops the lock when its holder
    dies (even by ``kill -9``), so a stale lock never needs cleaning up. The file records the
    holder's pid and command line so that a refused process can say who is in the way.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, command: str = "") -> StateLock:
        """Take the lock or raise :class:`StateDirBusy`; OSError when the dir is unusable."""
        import fcntl

        if self._fd is not None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, holder = read_lock_holder(fd)
            os.close(fd)
            raise StateDirBusy(self.path, pid, holder) from None
        except BaseException:  # cleaned up on any way out (Ctrl+C too), then raised again
            os.close(fd)
            raise
        record = json.dumps({"pid": os.getpid(), "command": command}).encode("utf-8")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, record + b"\n", 0)
        except OSError as exc:  # still locked; only the holder's name is missing
            log.warning("cannot record the lock holder in %s: %s", self.path, exc)
        self._fd = fd
        return self

    def release(self) -> None:
        """Give the lock up (the process's end does the same)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
            os.close(fd)

    def __enter__(self) -> StateLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def read_lock_holder(fd: int) -> tuple[int | None, str]:
    """The pid and command line a lock holder recorded (None, "" when unknown)."""
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode("utf-8") or "{}")
        return (int(info["pid"]) if info.get("pid") else None), str(info.get("command") or "")
    except (OSError, ValueError, TypeError, KeyError):
        return None, ""


def command_line(argv: list[str] | None = None) -> str:
    """This process's command as a person typed it (program name without its path)."""
    import sys

    words = list(sys.argv if argv is None else argv)
    if words:
        words[0] = os.path.basename(words[0])
    return " ".join(words)[:300]
