"""The SMTP server's per-reply fault hook costs nothing while no fault is set.

Why: every reply of every send went through ``await faults.smtp_reply(...)`` (a coroutine
each) even on a tenant without faults; that is per-send work a bare aiosmtpd does not do.
The hook must still run as soon as a fault is set, on the same connection's next reply.
"""

from __future__ import annotations

import smtplib
import ssl
from pathlib import Path

from cloud_sim.faults import Faults
from cloud_sim.smtp_auth import AuthDecision, AuthVerdict
from cloud_sim.smtp_server import start_smtp


class _Nobody:
    def authorize_xoauth2(self, user: str, bearer_token: str) -> AuthDecision:
        return AuthDecision(AuthVerdict.BAD_TOKEN)

    def may_send_as(self, mailbox: str, from_address: str) -> bool:
        return False

    def mailbox_exists(self, address: str) -> bool:
        return False


def test_fault_hook_runs_only_while_a_fault_is_set(tmp_path: Path, monkeypatch) -> None:
    calls: list[int] = []
    original = Faults.smtp_reply

    async def counting(self: Faults, conn: object) -> bool:
        calls.append(1)
        return await original(self, conn)

    monkeypatch.setattr(Faults, "smtp_reply", counting)
    faults = Faults()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with start_smtp("127.0.0.1", 0, _Nobody(), ctx, tmp_path, faults=faults) as server:
        client = smtplib.SMTP(server.host, server.port, timeout=30)
        try:
            code, text = client.ehlo("printer.local")
            assert code == 250 and b"STARTTLS" in text and b"SMTPUTF8" in text
            assert calls == []  # banner and EHLO: no fault, no hook
            faults.set("latency", {"endpoint": "smtp", "ms": 1})
            assert client.noop()[0] == 250
            assert calls == [1]  # set mid-connection: the very next reply waits for it
        finally:
            client.close()
