"""The identity platform's HTTPS server turns Nagle off on every connection.

Without TCP_NODELAY a response written in two pieces waits for the client's delayed ACK, about
40 ms per request on Linux (bench/idp_latency.py shows it); the SMTP server already set it.
"""

from __future__ import annotations

import queue
import socket
import ssl

from cloud_sim.idp_http import IdpServer


class _RecordingContext:
    """Stands in for the TLS context: notes the accepted socket's option, then fails the handshake."""

    def __init__(self) -> None:
        self.seen: queue.Queue[int] = queue.Queue()

    def wrap_socket(self, sock: socket.socket, server_side: bool = False) -> ssl.SSLSocket:
        self.seen.put(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        raise ssl.SSLError("test: no handshake")


def test_accepted_connections_have_tcp_nodelay() -> None:
    ctx = _RecordingContext()
    server = IdpServer("127.0.0.1", 0, ctx, app=None)  # type: ignore[arg-type]
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5):
            assert ctx.seen.get(timeout=5) != 0
    finally:
        server.stop()
