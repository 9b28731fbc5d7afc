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
import logging
import time
from typing import TYPE_CHECKING

import asyncssh

from panel_tui.serve.auth import check_password
from panel_tui.serve.child import stop_child, trimmed
from panel_tui.serve.ssh_session import ServeOptions, StudentSession
from panel_tui.serve.students import BadStudentName, said, student_name

if TYPE_CHECKING:
    from panel_tui.serve.auth import PasswordRecord

log = logging.getLogger(__name__)


class ClassServer:
    """The sessions of one ``serve ssh`` run: at most one per student name."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.sessions: dict[str, StudentSession] = {}
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._idle_task: asyncio.Task[None] | None = None
        import secrets
        from concurrent.futures import ThreadPoolExecutor

        self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="class-password")
        self._memo_key = secrets.token_bytes(32)
        self._accepted: set[bytes] = set()

    # -- life cycle ---------------------------------------------------------------------

    async def start(self, host: str, port: int, host_key: asyncssh.SSHKey) -> int:
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
        # no session yet: the list a server that died left behind (its terminal closed, kill -9)
        # named students whose panels ended with it, and the trainer's table showed them connected
        self._publish()
        if self.options.idle_timeout > 0:
            self._idle_task = asyncio.get_running_loop().create_task(self._reap_idle())
        return int(self._acceptor.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and end every session (each child saved and reaped)."""
        if self._idle_task is not None:
            self._idle_task.cancel()
        if self._acceptor is not None:
            self._acceptor.close()
        await asyncio.gather(*(s.end(said(s.speaks(), "serve.session.stopping"))
                               for s in list(self.sessions.values())), return_exceptions=True)

    async def _reap_idle(self) -> None:
        limit = self.options.idle_timeout
        while True:
            await asyncio.sleep(min(30.0, max(limit / 4, 0.2)))
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if now - session.last_input > limit:
                    minutes = max(1, round(limit / 60))
                    await session.end(said(session.speaks(), "serve.session.idle", minutes=minutes))

    # -- sessions -----------------------------------------------------------------------

    async def check_password(self, record: PasswordRecord, password: str) -> bool:
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
        ok = await loop.run_in_executor(self._checker, trimmed, check_password, record, password)
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
        self.conn: asyncssh.SSHServerConnection | None = None
        self.login = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn

    def begin_auth(self, username: str) -> bool:
        self.login = username
        try:
            student_name(username)
        except BadStudentName:
            return True  # never authenticates: no password or key is accepted for it
        if self.server.options.authorized_keys is not None and self.conn is not None:
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

    def session_requested(self) -> StudentSession:
        return StudentSession(self.server, self.login)

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False  # no port forwarding into the class machine

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str,
                             orig_port: int) -> bool:
        return False


__all__ = ["ClassServer", "ServeOptions", "StudentAuth", "StudentSession", "stop_child"]
