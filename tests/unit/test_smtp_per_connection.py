"""Per-connection and per-reply work of the simulated Exchange SMTP server.

Why: the tenant is held to a bare aiosmtpd's send throughput (bench/cloud_sim_load.py), so
work it adds on every connection or reply must stay small, without dropping any behaviour:
- every reply went through ``await faults.smtp_reply(...)`` (a coroutine each) even on a
  tenant without faults; the hook must still run as soon as a fault is set, on the same
  connection's next reply;
- aiosmtpd's constructor looks its command and AUTH methods up with ``inspect.getmembers``
  over every attribute of the connection; the connection lists only those methods, and its
  tables must still hold every command and mechanism.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import smtplib
import ssl
from pathlib import Path

from cloud_sim.faults import Faults
from cloud_sim.smtp_auth import AuthDecision, AuthVerdict
from cloud_sim.smtp_delivery import DeliveryHandler
from cloud_sim.smtp_server import start_smtp
from cloud_sim.smtp_session import ExchangeSMTP
from cloud_sim.smtp_state import ServerState


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


def test_a_connection_finds_its_methods_without_walking_every_attribute(tmp_path: Path) -> None:
    state = ServerState(_Nobody(), tmp_path, 1000, "BN0PR00MB0000.namprd00.prod.outlook.com",
                        lambda: dt.datetime.now(dt.timezone.utc))
    loop = asyncio.new_event_loop()
    try:
        conn = ExchangeSMTP(DeliveryHandler(state), state, hostname=state.hostname,
                            tls_context=ssl.create_default_context(ssl.Purpose.CLIENT_AUTH),
                            auth_exclude_mechanism=["PLAIN"], loop=loop)
    finally:
        loop.close()
        state.executor.shutdown()
    # what aiosmtpd's constructor walks: the hooks only, not ~170 attributes
    assert all(n.startswith(("smtp_", "auth_")) for n in dir(conn))
    # and its tables hold everything a full walk would have found
    every = {n for n, _ in inspect.getmembers(type(conn))}
    assert set(conn._smtp_methods) == {n[5:] for n in every if n.startswith("smtp_")}
    assert set(conn._auth_methods) == {n[5:] for n in every if n.startswith("auth_")} - {"PLAIN"}
    assert {"EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT", "QUIT"} <= set(conn._smtp_methods)
    assert set(conn._auth_methods) == {"LOGIN"}
