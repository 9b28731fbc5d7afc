"""SMTP AUTH (LOGIN) and Off through the device's sender, against a plain local aiosmtpd server.

Exchange only takes XOAUTH2, so the tenant cannot show a successful basic login; a tiny
in-process server (the fake layer) shows the SMTP AUTH and Off paths send, and that a wrong
password and a too-large message map to 312 and 314.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from device_model.device import Device


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 2.0.0 OK queued"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"scanner" and auth_data.password == b"S3cret-pass"
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    port = _free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port, auth_require_tls=False, authenticator=_authenticator,
                     data_size_limit=200_000)
    ctl.start()
    try:
        yield port, inbox
    finally:
        ctl.stop()


def _device(tmp_path: Path, port: int, **values: Any) -> Device:
    dev = Device(tmp_path / "dev")
    settings = dict(auth_method="smtp_auth", smtp_server="127.0.0.1", smtp_port=port, secure="none",
                    account="scanner", password="S3cret-pass", sender_address="scanner@example.test")
    settings.update(values)
    dev.update("email_server", **settings)
    return dev


async def test_smtp_auth_login_sends(tmp_path: Path, server: tuple[int, _Inbox]) -> None:
    port, inbox = server
    dev = _device(tmp_path, port)
    job = await dev.email.send("to@example.test", "Hi", "Body", [("a.txt", b"hello", "text/plain")])
    assert job.status == "completed", job
    assert job.reply.startswith("250")
    (env,) = inbox.messages
    assert env.mail_from == "scanner@example.test" and env.rcpt_tos == ["to@example.test"]
    assert b"S3cret-pass" not in env.content
    assert (await dev.email.connection_test()).key == "email.conntest.ok"


async def test_wrong_password_is_312(tmp_path: Path, server: tuple[int, _Inbox]) -> None:
    port, inbox = server
    dev = _device(tmp_path, port, password="wrong-pass")
    job = await dev.email.send("to@example.test", "Hi", "Body")
    assert (job.status, job.code) == ("error", 312)
    assert job.reply.startswith("535")
    assert "wrong-pass" not in job.reply and inbox.messages == []
    assert (await dev.email.connection_test()).key == "email.conntest.auth"


async def test_auth_off_sends(tmp_path: Path, server: tuple[int, _Inbox]) -> None:
    port, inbox = server
    dev = _device(tmp_path, port, auth_method="off", account="", password="")
    job = await dev.email.send("to@example.test", "Hi", "Body")
    assert job.status == "completed", job
    assert len(inbox.messages) == 1


async def test_server_size_is_314(tmp_path: Path, server: tuple[int, _Inbox]) -> None:
    port, inbox = server
    dev = _device(tmp_path, port)
    job = await dev.email.send("to@example.test", "Big", "Body", [("big.bin", b"x" * 300_000, "application/octet-stream")])
    assert (job.status, job.code) == ("error", 314)
    assert inbox.messages == []


async def test_starttls_on_a_server_without_it_is_313(tmp_path: Path, server: tuple[int, _Inbox]) -> None:
    port, _ = server
    dev = _device(tmp_path, port, secure="starttls")
    job = await dev.email.send("to@example.test", "Hi", "Body")
    assert (job.status, job.code) == ("error", 313)
    assert (await dev.email.connection_test()).key == "email.conntest.change_none"


class _Pop3Handler:
    """Just enough POP3 for POP before SMTP: USER, PASS, QUIT."""

    @staticmethod
    def serve(conn: socket.socket, logins: list[str]) -> None:
        f = conn.makefile("rwb")
        f.write(b"+OK POP3 ready\r\n")
        f.flush()
        user = ""
        for raw in f:
            cmd, _, arg = raw.decode().strip().partition(" ")
            cmd = cmd.upper()
            if cmd == "USER":
                user = arg
                f.write(b"+OK\r\n")
            elif cmd == "PASS":
                ok = (user, arg) == ("scanner", "S3cret-pass")
                if ok:
                    logins.append(user)
                f.write(b"+OK logged in\r\n" if ok else b"-ERR [AUTH] Authentication failed\r\n")
            elif cmd == "QUIT":
                f.write(b"+OK bye\r\n")
                f.flush()
                break
            else:
                f.write(b"-ERR unknown\r\n")
            f.flush()
        conn.close()


@pytest.fixture
def pop3() -> Iterator[tuple[int, list[str]]]:
    import threading

    logins: list[str] = []
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    port = srv.getsockname()[1]

    def loop() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=_Pop3Handler.serve, args=(conn, logins), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    try:
        yield port, logins
    finally:
        srv.close()


async def test_pop_before_smtp(tmp_path: Path, server: tuple[int, _Inbox], pop3: tuple[int, list[str]]) -> None:
    port, inbox = server
    pop_port, logins = pop3
    dev = _device(tmp_path, port, auth_method="pop_before_smtp", pop3_server="127.0.0.1", pop3_port=pop_port)
    job = await dev.email.send("to@example.test", "Hi", "Body")
    assert job.status == "completed", job
    assert logins == ["scanner"] and len(inbox.messages) == 1
    dev.update("email_server", password="wrong-pass")
    job = await dev.email.send("to@example.test", "Hi", "Body")
    assert (job.status, job.code) == ("error", 312)
    assert "Authentication failed" in job.reply and "wrong-pass" not in job.reply
    dev.update("email_server", pop3_port=_free_port())
    job = await dev.email.send("to@example.test", "Hi", "Body")
    assert (job.status, job.code) == ("error", 313)
