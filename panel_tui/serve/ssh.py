"""``panel-tui serve ssh``: an SSH server (asyncssh) that gives each connection its own panel.

Each session runs ``python -m panel_tui --state-dir STATE/students/<name> --cloud URL
--cloud-ca CA`` in a pseudo-terminal of the client's size (the child's controlling terminal, so
a resize reaches it as SIGWINCH and the panel redraws). Bytes go both ways unchanged: Ctrl+C is
byte 0x03 for the panel, not a signal for the server. When the connection drops, the child gets
SIGHUP (the panel's own hang-up path: it exits and its state is already on disk), then SIGTERM
and SIGKILL if it lingers, and is always reaped: no orphan, no zombie. A student who reconnects
gets their own state dir again; a second connection under the same name takes the session over
(the first one is ended cleanly), so a dropped Wi-Fi never locks a student out.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import logging
import os
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import asyncssh

from panel_tui.class_options import ClassOptions
from panel_tui.serve.auth import check_password
from panel_tui.serve.students import RESERVED_NAMES, BadStudentName, student_dir, student_name

log = logging.getLogger(__name__)

#: seconds a panel has to end after SIGHUP (it saves and exits), then after SIGTERM
HANGUP_GRACE = 5.0
TERM_GRACE = 2.0
#: keys waiting for a panel that does not read them, at most (then they are dropped)
MAX_PENDING = 1 << 20
#: the languages a student may ask for as the SSH command (``ssh -t ann@host lv``)
LANGS = ("en", "lv")


@dataclass
class ServeOptions:
    """What every session of one server shares."""

    root: Path
    cloud_url: str = ""
    cloud_ca: Path | None = None
    password: dict[str, Any] | None = None
    authorized_keys: Any = None
    max_sessions: int = 40
    idle_timeout: float = 0.0
    lang: str | None = None
    #: called with the student's name before their panel starts: makes and returns the
    #: student's account in the class tenant (their F4 sign-in hint names it)
    on_student: Callable[[str], str] | None = None
    #: the student accounts' password, shown beside the account in F4's hint
    student_password: str = ""
    #: the trainer's choices for every panel (guided mode, key overlay, theme)
    panel_options: ClassOptions = field(default_factory=ClassOptions)
    #: the command that runs a student's panel (tests and benchmarks may wrap it)
    panel_command: list[str] = field(default_factory=lambda: [sys.executable, "-m", "panel_tui"])


class ClassServer:
    """The sessions of one ``serve ssh`` run: at most one per student name."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.sessions: dict[str, StudentSession] = {}
        self._acceptor: Any = None
        self._idle_task: asyncio.Task[None] | None = None
        import secrets
        from concurrent.futures import ThreadPoolExecutor

        self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="class-password")
        self._memo_key = secrets.token_bytes(32)
        self._accepted: set[bytes] = set()

    # -- life cycle ---------------------------------------------------------------------

    async def start(self, host: str, port: int, host_key: Any) -> int:
        """Listen on ``host:port`` (0: a free port); returns the port."""
        self._acceptor = await asyncssh.create_server(
            lambda: StudentAuth(self), host, port,
            server_host_keys=[host_key],
            encoding=None,
            line_editor=False,
            allow_scp=False,
            agent_forwarding=False,
            x11_forwarding=False,
            keepalive_interval=30,
            keepalive_count_max=3,
            login_timeout=60,
        )
        if self.options.idle_timeout > 0:
            self._idle_task = asyncio.get_running_loop().create_task(self._reap_idle())
        return int(self._acceptor.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and end every session (each child saved and reaped)."""
        if self._idle_task is not None:
            self._idle_task.cancel()
        if self._acceptor is not None:
            self._acceptor.close()
        await asyncio.gather(*(s.end("the class server is stopping")
                               for s in list(self.sessions.values())), return_exceptions=True)

    async def _reap_idle(self) -> None:
        limit = self.options.idle_timeout
        while True:
            await asyncio.sleep(min(30.0, max(limit / 4, 0.2)))
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if now - session.last_input > limit:
                    minutes = max(1, round(limit / 60))
                    await session.end(f"no key pressed for {minutes} min: session ended, your "
                                      "printer is kept; connect again to carry on")

    # -- sessions -----------------------------------------------------------------------

    async def check_password(self, record: dict[str, Any], password: str) -> bool:
        """The class password check, off the event loop (scrypt: ~30 ms, 16 MiB), one at a time.

        One at a time and remembered once right: thirty students logging in at once cost one
        scrypt's memory, not thirty (glibc keeps each thread's freed 16 MiB in its arena). The
        memo holds a keyed digest of the accepted password, never the password itself.
        """
        import hashlib
        import hmac

        tag = hmac.new(self._memo_key, password.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        if tag in self._accepted:
            return True
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(self._checker, _trimmed, check_password, record, password)
        if ok:
            self._accepted.add(tag)
        return ok

    def register(self, session: StudentSession) -> StudentSession | None:
        """Make ``session`` the student's; returns the one it replaces (to be ended)."""
        old = self.sessions.get(session.name)
        self.sessions[session.name] = session
        self._publish()
        return old if old is not session else None

    def forget(self, session: StudentSession) -> None:
        if self.sessions.get(session.name) is session:
            del self.sessions[session.name]
            self._publish()

    def _publish(self) -> None:
        """Who is connected, for the trainer's view (``STATE/sessions.json``)."""
        from panel_tui.serve.trainer import write_sessions

        try:
            write_sessions(self.options.root, [
                {"name": s.name, "since": s.started,
                 "pid": s.proc.pid if s.proc is not None else None}
                for s in self.sessions.values()])
        except OSError as exc:
            log.warning("cannot write the class's sessions file: %s", exc)


class StudentAuth(asyncssh.SSHServer):
    """Authentication for one connection: the class password or an authorized key."""

    def __init__(self, server: ClassServer) -> None:
        self.server = server
        self.conn: Any = None
        self.login = ""

    def connection_made(self, conn: Any) -> None:
        self.conn = conn

    def begin_auth(self, username: str) -> bool:
        self.login = username
        try:
            student_name(username)
        except BadStudentName:
            return True  # never authenticates: no password or key is accepted for it
        if self.server.options.authorized_keys is not None:
            self.conn.set_authorized_keys(self.server.options.authorized_keys)
        return True

    def password_auth_supported(self) -> bool:
        return self.server.options.password is not None

    async def validate_password(self, username: str, password: str) -> bool:
        record = self.server.options.password
        if record is None:
            return False
        try:
            student_name(username)
        except BadStudentName:
            return False
        return await self.server.check_password(record, password)

    def public_key_auth_supported(self) -> bool:
        return self.server.options.authorized_keys is not None

    def session_requested(self) -> Any:
        return StudentSession(self.server, self.login)

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False  # no port forwarding into the class machine

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str,
                             orig_port: int) -> bool:
        return False


class StudentSession(asyncssh.SSHServerSession):  # type: ignore[misc]
    """One student's panel in a PTY, wired to one SSH channel."""

    def __init__(self, server: ClassServer, login: str) -> None:
        self.server = server
        self.login = login
        self.name = student_name(login)
        self.chan: Any = None
        self.term_type = "xterm-256color"
        self.size = (80, 24)
        self.has_pty = False
        self.lang = server.options.lang
        self.proc: subprocess.Popen[bytes] | None = None
        self.master: int | None = None
        self.last_input = time.monotonic()
        self.started = time.time()
        self._ending: asyncio.Task[None] | None = None
        self._closed = False
        #: keys the PTY could not take yet (see _flush)
        self._pending = bytearray()

    # -- asyncssh callbacks ---------------------------------------------------------------

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: Any) -> bool:
        self.has_pty = True
        if term_type:
            self.term_type = term_type
        cols, rows = int(term_size[0] or 80), int(term_size[1] or 24)
        self.size = (cols, rows)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        """``ssh -t ann@host lv``: the panel's language; nothing else is run."""
        word = command.strip().lower().removeprefix("--lang").strip()
        if word and word not in LANGS:
            return False
        if word:
            self.lang = word
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        asyncio.get_running_loop().create_task(self._start())

    def data_received(self, data: bytes, datatype: Any) -> None:
        self.last_input = time.monotonic()
        if self.master is None:
            return
        if self._pending:  # keys already waiting: keep their order
            self._pending += data
            return
        self._pending = bytearray(data)
        self._flush()

    def _flush(self) -> None:
        """Write waiting keys to the panel; what the PTY cannot take now waits for it (a paste
        larger than the terminal's buffer is neither lost nor blocking the other students)."""
        if self.master is None:
            self._pending.clear()
            return
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                written = os.write(self.master, self._pending)
                del self._pending[:written]
        except BlockingIOError:
            if len(self._pending) > MAX_PENDING:  # a panel that reads nothing: drop, never hoard
                self._pending.clear()
            else:
                loop.add_writer(self.master, self._flush)
                return
        except OSError:
            self._pending.clear()
        loop.remove_writer(self.master)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (int(width or self.size[0]), int(height or self.size[1]))
        if self.master is not None:
            _set_winsize(self.master, *self.size)

    def break_received(self, msec: int) -> bool:
        self.data_received(b"\x03", None)
        return True

    def signal_received(self, signal_name: str) -> None:
        if signal_name == "INT":
            self.data_received(b"\x03", None)

    def eof_received(self) -> bool:
        return True  # keep the channel open until the panel ends

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        asyncio.get_running_loop().create_task(self.end(None))

    # -- the child --------------------------------------------------------------------------

    async def _start(self) -> None:
        if not self.has_pty:
            self._refuse("the panel needs a terminal: use ssh -t")
            return
        opts = self.server.options
        if self.name in RESERVED_NAMES:
            self._refuse(f"{self.name!r} is one of the class tenant's own accounts; connect "
                         "with your own name")
            return
        old = self.server.sessions.get(self.name)
        if old is None and len(self.server.sessions) >= opts.max_sessions:
            self._refuse(f"the class is full ({opts.max_sessions} sessions); try again later")
            return
        replaced = self.server.register(self)
        if replaced is not None:
            await replaced.end("you connected again from another window: this one is closed")
        if self._closed:
            self.server.forget(self)
            return
        try:
            account = ""
            if opts.on_student is not None:
                # the tenant hashes the new account's password (scrypt): on the same one thread
                account = await asyncio.get_running_loop().run_in_executor(
                    self.server._checker, _trimmed, opts.on_student, self.name)
            self._spawn(student_dir(opts.root, self.login), account)
        except Exception as exc:  # shown to the student as one line, logged for the trainer
            self.server.forget(self)
            log.warning("cannot start a panel for %s: %s", self.name, exc)
            self._refuse("the panel could not start; tell the trainer")
            return
        self.server._publish()
        log.info("%s connected (pid %s)", self.name, self.proc.pid if self.proc else "?")

    def _spawn(self, state_dir: Path, account: str = "") -> None:
        from device_model.storage import ensure_dir

        ensure_dir(state_dir.parent)
        ensure_dir(state_dir)
        opts = self.server.options
        argv = [*opts.panel_command, "--state-dir", str(state_dir)]
        if opts.cloud_url:
            argv += ["--cloud", opts.cloud_url]
            if opts.cloud_ca is not None:
                argv += ["--cloud-ca", str(opts.cloud_ca)]
        if self.lang:
            argv += ["--lang", self.lang]
        master, slave = os.openpty()
        _set_winsize(slave, *self.size)
        env = _child_env(self.term_type, self.chan.get_environment() if self.chan else {})
        env.update(replace(opts.panel_options, student=account,
                           student_password=opts.student_password if account else "").environ())
        try:
            self.proc = subprocess.Popen(
                argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=str(state_dir),
                close_fds=True, preexec_fn=_become_session_leader,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        asyncio.get_running_loop().add_reader(master, self._pump)

    def _pump(self) -> None:
        """Panel output → the student's terminal; at end of output the panel has ended."""
        assert self.master is not None
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError as exc:
            if exc.errno not in (errno.EIO, errno.EBADF):
                log.warning("reading %s's panel: %s", self.name, exc)
            data = b""
        if data:
            if not self._closed:
                try:
                    self.chan.write(data)
                except Exception:
                    pass
            return
        asyncio.get_running_loop().create_task(self.end(None))

    def _refuse(self, message: str) -> None:
        try:
            self.chan.write_stderr(f"panel-tui serve: {message}\r\n".encode())
            self.chan.exit(2)
        except Exception:
            pass

    async def end(self, message: str | None) -> None:
        """End the panel (saved, reaped) and the channel; idempotent, concurrent calls share it."""
        if self._ending is None:
            self._ending = asyncio.get_running_loop().create_task(self._end(message))
        await asyncio.shield(self._ending)

    async def _end(self, message: str | None) -> None:
        proc = self.proc
        code = await stop_child(proc) if proc is not None else 2
        if self.master is not None:
            loop = asyncio.get_running_loop()
            try:
                # what the panel wrote while leaving (the terminal restored) still goes out
                while True:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        break
                    if not self._closed:
                        self.chan.write(chunk)
            except OSError:
                pass
            loop.remove_reader(self.master)
            loop.remove_writer(self.master)
            os.close(self.master)
            self.master = None
        self.server.forget(self)
        if proc is not None:
            log.info("%s's panel ended (%s)", self.name, code)
        if not self._closed:
            try:
                if message:
                    self.chan.write_stderr(f"\r\npanel-tui serve: {message}\r\n".encode())
                self.chan.exit(code if code >= 0 else 128 - code)
            except Exception:
                pass


_T = TypeVar("_T")


def _trimmed(fn: Callable[..., _T], *args: object) -> _T:
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


#: environment variables of the server that a student's panel keeps
KEEP_ENV = ("PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV", "TZ")


def _child_env(term_type: str, client_env: Any) -> dict[str, str]:
    """A small, predictable environment: the client's TERM and (UTF-8) locale, nothing secret."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env["TERM"] = term_type or "xterm-256color"
    lang = ""
    try:
        lang = str(dict(client_env or {}).get("LANG", ""))
    except Exception:
        pass
    env["LANG"] = lang if lang and "utf" in lang.lower() and lang.isprintable() else "C.UTF-8"
    colorterm = os.environ.get("COLORTERM")
    if colorterm:
        env["COLORTERM"] = colorterm
    return env
