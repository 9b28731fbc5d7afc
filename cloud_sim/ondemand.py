"""Listen now, build the server on its first connection (socket activation, as inetd does).

Why: the panel embeds the tenant in its own process, and most panel sessions never sign in
or send mail. The listening sockets are bound at start (ports, URLs and the CA are known and
published at once), but the HTTPS and SMTP servers, with the libraries behind them
(http.server, email, aiosmtpd, attrs: ~3 MiB of resident memory), are imported and started
by the first connection to their port. That connection waits in the listen backlog meanwhile
(a few tens of milliseconds, once) and is then served like any other.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
from typing import Callable, Protocol

log = logging.getLogger(__name__)


class Stoppable(Protocol):
    """A running server: the identity platform's HTTPS server, or the SMTP handle."""

    def stop(self) -> None: ...


class Listening(Stoppable, Protocol):
    """A server (or an ``OnDemand`` standing for it) and the port it listens on."""

    port: int


class OnDemand:
    """A bound listening socket whose server ``start(sock)`` is built on the first connection.

    ``start`` gets the socket and returns an object with ``stop()``; it runs in this helper's
    thread. ``stop()`` stops that server, or just closes the socket if none was needed.
    """

    def __init__(self, sock: socket.socket, start: Callable[[socket.socket], Stoppable], name: str) -> None:
        self.sock = sock
        self.port: int = sock.getsockname()[1]
        self._start = start
        self._server: Stoppable | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._wait, name=f"{name}-on-demand", daemon=True)
        self._thread.start()

    @property
    def started(self) -> bool:
        """True once a connection has built the server."""
        return self._server is not None

    def _wait(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self.sock, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            sel.select()
        with self._lock:
            if self._stopped:
                return
            try:
                self._server = self._start(self.sock)
            except Exception:  # any reason the server cannot be built: clients are refused
                log.exception("cannot start the server on port %d", self.port)
                self.sock.close()  # clients get "refused" rather than a hang

    def stop(self) -> None:
        """Stop the server (or release the unused port); idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            server = self._server
        try:
            self._wake_w.send(b"x")
        except OSError:  # pragma: no cover
            pass
        self._thread.join(timeout=30)
        try:
            if server is not None:
                server.stop()
        finally:
            self.sock.close()
            self._wake_r.close()
            self._wake_w.close()
