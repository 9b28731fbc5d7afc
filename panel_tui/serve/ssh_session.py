"""One student's SSH session: their panel in a pseudo-terminal, wired to one SSH channel.

The child runs in its own session with the PTY as controlling terminal (a resize reaches it as
SIGWINCH); keys go in unchanged and output comes back unchanged. Ending it hangs the session
up, then terminates and kills it if it lingers, and always reaps it (:func:`stop_child`).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import asyncssh

from panel_tui.class_options import ClassOptions
from panel_tui.serve.child import (
    _become_session_leader,
    _child_env,
    _set_winsize,
    stop_child,
    trimmed,
)
from panel_tui.serve.students import (
    RESERVED_NAMES,
    note_class_language,
    said,
    start_language,
    student_dir,
    student_name,
)

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from panel_tui.serve.auth import PasswordRecord

log = logging.getLogger("panel_tui.serve.ssh")

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
    password: PasswordRecord | None = None
    authorized_keys: asyncssh.SSHAuthorizedKeys | None = None
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



class ClassServer(Protocol):
    """What a session needs of its server (``panel_tui.serve.ssh.ClassServer``)."""

    options: ServeOptions
    sessions: dict[str, StudentSession]
    _checker: Executor

    def register(self, session: StudentSession) -> StudentSession | None: ...

    def forget(self, session: StudentSession) -> None: ...

    def _publish(self) -> None: ...


class StudentSession(asyncssh.SSHServerSession):  # type: ignore[misc]
    """One student's panel in a PTY, wired to one SSH channel."""

    def __init__(self, server: ClassServer, login: str) -> None:
        self.server = server
        self.login = login
        self.name = student_name(login)
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term_type = "xterm-256color"
        self.size = (80, 24)
        self.has_pty = False
        #: the panel's ``--lang``: the student's word (``ssh -t ann@host lv``), else the class's
        #: unless the student chose another on their printer (:func:`students.start_language`)
        self.lang = server.options.lang
        #: the language the student asked for as the SSH command, if any
        self.asked_lang: str | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.master: int | None = None
        self.last_input = time.monotonic()
        self.started = time.time()
        self._ending: asyncio.Task[None] | None = None
        self._closed = False
        #: keys the PTY could not take yet (see _flush)
        self._pending = bytearray()

    # -- asyncssh callbacks ---------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:  # type: ignore[override]
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: Mapping[int, int]) -> bool:
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
            self.lang = self.asked_lang = word
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        asyncio.get_running_loop().create_task(self._start())

    def data_received(self, data: bytes, datatype: int | None) -> None:
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

    def speaks(self) -> str | None:
        """The language of the server's lines to this student, the one their panel speaks: the
        one they asked for; else, before their panel starts, the class's ``--lang`` (the panel
        will start in it, unless they chose another on their printer); else the one their printer keeps (their last session's, or what they
        switched to in this one); else English. A Latvian student in a class without ``--lang``
        was told "the class is full" or "connected again" in English beside a Latvian panel."""
        if self.asked_lang:
            return self.asked_lang
        from device_model.device import saved_language

        try:
            state_dir = student_dir(self.server.options.root, self.login)
        except ValueError:  # BadStudentName: no dir of theirs to read
            return self.lang
        if self.proc is None:
            starting = start_language(state_dir, self.lang)
            if starting:
                return starting
        return saved_language(state_dir) or self.lang

    # -- the child --------------------------------------------------------------------------

    async def _start(self) -> None:
        if not self.has_pty:
            self._refuse(said(self.speaks(), "serve.session.no_terminal"))
            return
        opts = self.server.options
        if self.name in RESERVED_NAMES:
            self._refuse(said(self.speaks(), "serve.session.reserved", name=repr(self.name)))
            return
        old = self.server.sessions.get(self.name)
        if old is None and len(self.server.sessions) >= opts.max_sessions:
            self._refuse(said(self.speaks(), "serve.session.full", max=opts.max_sessions))
            return
        replaced = self.server.register(self)
        if replaced is not None:
            await replaced.end(said(replaced.speaks(), "serve.session.replaced"))
        if self._closed:
            self.server.forget(self)
            return
        try:
            account = ""
            if opts.on_student is not None:
                # the tenant hashes the new account's password (scrypt): on the same one thread
                account = await asyncio.get_running_loop().run_in_executor(
                    self.server._checker, trimmed, opts.on_student, self.name)
            self._spawn(student_dir(opts.root, self.login), account)
        # any failure here (the tenant's database making the account, the state dir, the
        # process) ends this one student's session with a line and a log entry: the server,
        # and every other student's panel, carry on
        except Exception as exc:  # noqa: BLE001
            self.server.forget(self)
            log.warning("cannot start a panel for %s: %s", self.name, exc)
            self._refuse(said(self.speaks(), "serve.session.cannot_start"))
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
        lang = self.asked_lang or start_language(state_dir, self.lang)
        if lang:
            argv += ["--lang", lang]
            if not self.asked_lang:
                note_class_language(state_dir, lang)
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
            if not self._closed and self.chan is not None:
                try:
                    self.chan.write(data)
                except (OSError, asyncssh.Error):  # the client just went away
                    pass
            return
        asyncio.get_running_loop().create_task(self.end(None))

    def _refuse(self, message: str) -> None:
        if self.chan is None:
            return
        try:
            self.chan.write_stderr(f"panel-tui serve: {message}\r\n".encode())
            self.chan.exit(2)
        except (OSError, asyncssh.Error):  # the client is already gone: nobody to tell
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
                    if not self._closed and self.chan is not None:
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
        if not self._closed and self.chan is not None:
            try:
                if message:
                    self.chan.write_stderr(f"\r\npanel-tui serve: {message}\r\n".encode())
                self.chan.exit(code if code >= 0 else 128 - code)
            except (OSError, asyncssh.Error):  # the client is already gone
                pass
