"""A student's panel process seen from the class server: its environment and terminal size, how it
becomes a session leader, how it is ended, and giving scrypt's buffers back to the OS.

Kept apart from :mod:`panel_tui.serve.ssh_session` (the SSH side of a session) so each stays small.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

#: seconds a panel has to end after SIGHUP (it saves and exits), then after SIGTERM
HANGUP_GRACE = 5.0
TERM_GRACE = 2.0

_T = TypeVar("_T")


def trimmed(fn: Callable[..., _T], *args: object) -> _T:
    """``fn(*args)``, then give the freed scrypt buffers back to the OS (glibc keeps them)."""
    try:
        return fn(*args)
    finally:
        _malloc_trim()


def _malloc_trim() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        pass


async def stop_child(proc: subprocess.Popen[bytes]) -> int:
    """Hang up the panel's session, then terminate, then kill; always reap. Returns its status."""
    for sig, grace in ((signal.SIGHUP, HANGUP_GRACE), (signal.SIGTERM, TERM_GRACE),
                       (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            proc.send_signal(sig)
        deadline = time.monotonic() + grace
        while proc.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    code = proc.poll()
    if code is None:  # pragma: no cover - SIGKILL always ends a process we started
        code = proc.wait()
    return int(code)


def _become_session_leader() -> None:  # pragma: no cover - runs in the child before exec
    """The child's own session, with the PTY (its stdin) as controlling terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _set_winsize(fd: int, cols: int, rows: int) -> None:
    cols = max(1, min(int(cols), 1000))
    rows = max(1, min(int(rows), 1000))
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    except OSError:
        pass


#: environment variables of the server that a student's panel keeps: the trainer's
#: ``ESCDELAY`` (a slow class network, README) and ``PANEL_TUI_ICONS`` are for every panel
KEEP_ENV = ("PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV", "TZ",
            "ESCDELAY", "PANEL_TUI_ICONS")


def _child_env(term_type: str, client_env: Mapping[object, object]) -> dict[str, str]:
    """A small, predictable environment: the client's TERM and (UTF-8) locale, nothing secret."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env["TERM"] = term_type or "xterm-256color"
    # the client's environment comes as str or bytes keys and values (asyncssh passes them on)
    raw = client_env.get("LANG", client_env.get(b"LANG", ""))
    lang = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    env["LANG"] = lang if lang and "utf" in lang.lower() and lang.isprintable() else "C.UTF-8"
    # the student's terminal's colours, never the trainer's: a server started from a terminal
    # that sets COLORTERM=truecolor gave a TERM=linux student 24-bit colours and Unicode icons
    raw = client_env.get("COLORTERM", client_env.get(b"COLORTERM", ""))
    colorterm = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if colorterm and colorterm.isprintable():
        env["COLORTERM"] = colorterm
    return env
