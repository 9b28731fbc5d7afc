"""Network Security > CA Certificate over a real TLS relay: a relay with its own CA (aiosmtpd with
STARTTLS on loopback) gives 313 until its CA is imported, delivers after, and 313 again after the
CA is deleted. Nothing faked: the device's own aiosmtplib session against the relay."""

from __future__ import annotations

import asyncio
import socket
import ssl
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from device_model import Device
from device_model.trust import TrustError

RELAY_SENDER = "scanner@relay.example"
RECIPIENT = "office@relay.example"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 2.0.0 OK queued"


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[tuple[int, Path, _Inbox]]:
    """A relay with its own CA (not the tenant's): STARTTLS required, no authentication."""
    from aiosmtpd.controller import Controller

    from cloud_sim.ca import ensure_ca

    (tmp_path / "relay-ca").mkdir(mode=0o700)
    files = ensure_ca(tmp_path / "relay-ca")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(files.server_cert, files.server_key)
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=ctx, require_starttls=True)
    controller.start()
    try:
        yield port, files.ca_cert, inbox
    finally:
        controller.stop()


def _device(tmp_path: Path, port: int) -> Device:
    device = Device(tmp_path / "device")
    device.update("email_server", auth_method="off", sender_address=RELAY_SENDER, smtp_server="127.0.0.1",
                  smtp_port=port, secure="starttls")
    return device


def test_imported_ca_makes_the_relay_work_and_deleting_it_gives_313(tmp_path: Path, relay: Any) -> None:
    port, ca_pem, inbox = relay
    device = _device(tmp_path, port)

    async def send() -> Any:
        return await device.email.send(RECIPIENT, "Scan", "scanned page")

    job = asyncio.run(send())
    assert (job.status, job.code) == ("error", 313)  # untrusted: the device does not know this CA
    assert job.details.get("error") == "tls_verify", job  # the printer's finding: untrusted certificate
    assert not inbox.messages

    imported = device.trust.import_file(ca_pem)
    assert [c.subject for c in device.trust.list()] == [imported[0].subject]
    store = tmp_path / "device" / "ca_certificates"
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in store.iterdir())

    job = asyncio.run(send())
    assert (job.status, job.code) == ("completed", None), job.reply
    assert inbox.messages and inbox.messages[0].mail_from == RELAY_SENDER

    assert device.trust.delete(imported[0].id)
    job = asyncio.run(send())
    assert (job.status, job.code) == ("error", 313)


def test_bad_pem_gets_a_clear_message(tmp_path: Path) -> None:
    device = Device(tmp_path)
    cases = {
        "hello": "trust.not_pem",
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n": "trust.bad_pem",
    }
    for text, key in cases.items():
        with pytest.raises(TrustError) as info:
            device.trust.import_pem(text)
        assert info.value.msg.key == key
        assert "PEM" in device.t(info.value.msg) or "certificate" in device.t(info.value.msg)
    with pytest.raises(TrustError) as info:
        device.trust.import_file(tmp_path / "missing.pem")
    assert info.value.msg.key == "trust.unreadable"
    assert device.trust.list() == []
