"""Owner-only files and directories for the tenant's state.

cloud_sim must not import device_model, so it keeps its own small equivalent of
``atomic_write_bytes``: a crash never leaves a half-written key or run file behind.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700: it holds keys and tokens."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` atomically (temp file, fsync, rename, fsync dir)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:  # cleaned up on any way out (Ctrl+C too), then raised again
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_json(path: Path, obj: object, mode: int = 0o600) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode(), mode)


# -- one owner per state dir ---------------------------------------------------------------------
# A copy of device_model/storage.py's StateLock: the two packages must not import each other.


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

    #: the locks this process holds, by the lock file's real path: a child process that serves
    #: the same state dir on this process's behalf (the panel's tenant) is handed the fd
    _held: dict[str, int] = {}

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        #: False for a lock adopted from the parent (:meth:`adopt`): its record is the parent's
        self._owns_record = True

    @classmethod
    def held_fd(cls, path: Path) -> int | None:
        """The fd of this process's lock on ``path``, if this process holds it (else None)."""
        return cls._held.get(os.path.realpath(path))

    @classmethod
    def adopt(cls, path: Path, fd: int) -> StateLock:
        """The lock the parent holds on ``path``, inherited as ``fd`` (``cloud-sim serve --lock-fd``).

        Why: a panel owns its tenant's state dir and runs the tenant in a child process; the
        child shares the parent's lock (one open file description: a ``flock`` is per
        description) instead of fighting for it, so anyone else is still refused naming the
        panel, and the lock ends when both have ended. OSError if ``fd`` is not that lock.
        """
        import fcntl

        if not os.path.samestat(os.fstat(fd), os.stat(path)):
            raise OSError(f"fd {fd} is not the lock file {path}")
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the description's own lock: no wait
        lock = cls(path)
        lock._fd, lock._owns_record = fd, False
        cls._held[os.path.realpath(path)] = fd
        return lock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, command: str = "") -> StateLock:
        """Take the lock or raise :class:`StateDirBusy`; OSError when the dir is unusable."""
        import fcntl

        if self._fd is not None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
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
            logging.getLogger(__name__).warning("cannot record the lock holder in %s: %s", self.path, exc)
        self._fd = fd
        self._held[os.path.realpath(self.path)] = fd
        return self

    def release(self) -> None:
        """Give the lock up (the process's end does the same)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            if self._held.get(os.path.realpath(self.path)) == fd:
                del self._held[os.path.realpath(self.path)]
            if self._owns_record:
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
