"""Claiming a panel's state dir for one run: the device's lock, and its embedded tenant's.

Every command that runs a device on a state dir (the panel, ``panel-tui reset``, scenario
runs) claims it the same way, with the same one-line refusal naming the holder; kept apart
from :mod:`panel_tui.cli` (the panel's options and start) so that those commands share it
without the panel's command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: the lock file of a device state dir (held by whoever runs the device) and of a tenant's
DEVICE_LOCK = "panel-tui.lock"
TENANT_LOCK = "cloud-sim.lock"


class StateDirProblem(Exception):
    """The state dir cannot be used: the message is one line for stderr."""


def claim_state_dir(state_dir: Path, *, tenant: bool) -> list[Any]:
    """Check the state dir and take its locks (device, and the embedded tenant's) for this process.

    Raises :class:`StateDirProblem` with a one-line reason: not a directory, not writable, or in
    use by another process (named by pid and command line). The locks are released when the
    process ends, however it ends. Also finishes a factory reset that a kill cut short, before
    the tenant's lock is taken (that reset may replace the tenant's dir).
    """
    import os

    from device_model import reset, storage

    state_dir = Path(state_dir)
    try:
        storage.ensure_dir(state_dir)
    except FileExistsError:
        raise StateDirProblem(f"cannot use the state dir {state_dir}: it is not a directory") from None
    except OSError as exc:
        raise StateDirProblem(f"cannot use the state dir {state_dir}: {exc.strerror or exc}") from None
    if not os.access(state_dir, os.W_OK | os.X_OK):
        raise StateDirProblem(f"cannot use the state dir {state_dir}: it is not writable")
    command = storage.command_line()
    locks: list[Any] = []
    try:
        locks.append(storage.StateLock(state_dir / DEVICE_LOCK).acquire(command))
        reset.finish_pending(state_dir)
        if tenant:
            tdir = state_dir / reset.TENANT_DIR
            storage.ensure_dir(tdir)
            locks.append(_take_tenant_lock(tdir / TENANT_LOCK, command))
    except OSError as exc:
        for lock in locks:
            lock.release()
        raise StateDirProblem(f"cannot use the state dir {state_dir}: {exc.strerror or exc}") from None
    except Exception as exc:  # StateDirBusy (either package's)
        for lock in locks:
            lock.release()
        if type(exc).__name__ != "StateDirBusy":
            raise
        raise StateDirProblem(f"{_name_the_owner(exc)}; close it first, or use another --state-dir") from None
    return locks


#: seconds a start waits for the tenant's lock while its recorded holder is gone: a panel killed
#: with ``kill -9`` leaves its tenant's process (which shares the panel's lock) to stop by itself
TENANT_LOCK_WAIT = 5.0


def _take_tenant_lock(path: Path, command: str) -> Any:
    """The embedded tenant's lock; a lock whose recorded holder has died is waited for briefly.

    Why: the panel's tenant runs in a child process that holds the panel's lock with it. When
    the panel is killed, the child notices (its stdin ends) and stops within a moment, so a
    panel started right after would otherwise be refused by a lock about to be free.
    """
    import time

    from cloud_sim.fsutil import StateDirBusy, StateLock

    deadline = time.monotonic() + TENANT_LOCK_WAIT
    while True:
        try:
            return StateLock(path).acquire(command)
        except StateDirBusy as busy:
            if busy.pid is None or time.monotonic() > deadline or _alive(busy.pid):
                raise  # refused, naming the holder
            time.sleep(0.02)  # the holder is gone: its tenant's process is stopping


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _name_the_owner(busy: Any, wait: float = 1.0) -> str:
    """The refusal naming the lock's holder. Two runs started at once: the winner takes the lock
    and only then writes its pid, so the loser may read an empty record; it re-reads briefly."""
    import json
    import time

    deadline = time.monotonic() + wait
    while getattr(busy, "pid", 1) is None and time.monotonic() < deadline:
        time.sleep(0.02)
        try:
            info = json.loads(Path(busy.path).read_text("utf-8") or "{}")
            pid = int(info["pid"])
        except (OSError, ValueError, TypeError, KeyError):
            continue
        return str(type(busy)(busy.path, pid, str(info.get("command") or "")))
    return str(busy)
