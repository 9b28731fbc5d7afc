"""start_tenant(on_demand=True), as the panel embeds it: ports bound at once, each server built by
its first connection, and stopping works whether or not a server was ever needed."""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import urllib.request
from pathlib import Path

from cloud_sim import start_tenant


def _port_free(port: int) -> bool:
    """Nothing listens there (SO_REUSEADDR: a closed connection's TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
    return True


def test_first_connections_build_the_servers(tmp_path: Path) -> None:
    handle = start_tenant(tmp_path / "tenant", on_demand=True)
    try:
        ctx = ssl.create_default_context(cafile=str(handle.ca_cert_path))
        with urllib.request.urlopen(f"{handle.base_url}/_sim/info", context=ctx, timeout=20) as reply:
            assert json.loads(reply.read())["client_id"] == handle.client_id
        with smtplib.SMTP(handle.smtp_host, handle.smtp_port, timeout=20) as smtp:
            assert smtp.ehlo()[0] == 250
            smtp.starttls(context=ctx)
            assert "AUTH LOGIN XOAUTH2" in smtp.ehlo()[1].decode()
    finally:
        handle.stop()
    http_port = int(handle.base_url.rsplit(":", 1)[1])
    assert _port_free(http_port) and _port_free(handle.smtp_port)


def test_stop_releases_ports_never_used(tmp_path: Path) -> None:
    handle = start_tenant(tmp_path / "tenant", on_demand=True)
    http_port = int(handle.base_url.rsplit(":", 1)[1])
    assert not _port_free(http_port) and not _port_free(handle.smtp_port)  # listening already
    handle.stop()
    handle.stop()  # idempotent
    assert _port_free(http_port) and _port_free(handle.smtp_port)
