"""The identity platform's HTTPS front: routing, form parsing, Microsoft-shaped replies.

A stdlib ThreadingHTTPServer; the TLS handshake happens in each connection's own thread
(not in ``accept``), so a client that connects and stalls cannot block the others. Every
failure, including garbage requests and our own bugs, becomes a Microsoft-shaped JSON error;
the server never dies on input.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from http.server import ThreadingHTTPServer

from cloud_sim.idp_app import IdpApp as IdpApp  # re-exported: the runtime builds both from here
from cloud_sim.idp_handler import IdpHandler

log = logging.getLogger(__name__)

#: how long a connection may stay silent (TLS handshake, headers, keep-alive) before it is cut
CONNECTION_TIMEOUT = 30.0
#: concurrent connections (one handler thread each). A connection beyond them waits in the
#: accept queue (the kernel's backlog behind it) until one ends, at most QUEUE_WAIT seconds,
#: then is closed: a class of devices polling at once is served, a flood stays bounded
MAX_HANDLERS = 512
QUEUE_WAIT = CONNECTION_TIMEOUT
class _TlsThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, addr, handler, ssl_context: ssl.SSLContext, family: int,
                 sock: socket.socket | None = None):
        self.address_family = family
        self.ssl_context = ssl_context
        self._conns = set()
        self._conns_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_HANDLERS)
        #: set by IdpServer.stop: a connection waiting for a slot is closed, not served
        self.stopping = threading.Event()
        super().__init__(addr, handler, bind_and_activate=sock is None)
        if sock is not None:  # already bound and listening (cloud_sim.ondemand)
            self.socket.close()
            self.socket = sock
            self.server_address = sock.getsockname()
            self.server_name, self.server_port = str(addr[0]), self.server_address[1]

    def close_connections(self) -> None:
        """Cut keep-alive connections so no handler outlives the tenant's database."""
        with self._conns_lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def process_request(self, request, client_address):
        """One thread per connection, at most MAX_HANDLERS at once. When all are busy the
        accept loop waits for one to end (backpressure: later connections queue in the
        listen backlog) rather than refusing; after QUEUE_WAIT seconds, or when the server
        stops, the waiting connection is closed instead."""
        if not self._slots.acquire(blocking=False):
            deadline = time.monotonic() + QUEUE_WAIT
            while not self._slots.acquire(timeout=0.05):
                if self.stopping.is_set() or time.monotonic() > deadline:
                    log.warning("all %d connections busy for %.0f s; closing %s",
                                MAX_HANDLERS, QUEUE_WAIT, client_address)
                    self.shutdown_request(request)
                    return
        try:
            super().process_request(request, client_address)
        except BaseException:  # cleaned up on any way out (Ctrl+C too), then raised again
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def finish_request(self, request, client_address):  # runs in the connection's thread
        request.settimeout(CONNECTION_TIMEOUT)  # a silent client is dropped, freeing its slot
        try:  # a response written in pieces must not wait ~40 ms for the client's delayed ACK
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.debug("TLS handshake with %s failed: %s", client_address, exc)
            return
        with self._conns_lock:  # wrap_socket detached `request`: track the TLS socket
            self._conns.add(tls)
        try:
            super().finish_request(tls, client_address)
        finally:
            with self._conns_lock:
                self._conns.discard(tls)
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], OSError):  # resets, timeouts, TLS alerts: routine
            log.debug("connection from %s ended: %s", client_address, sys.exc_info()[1])
            return
        log.exception("unhandled error serving %s", client_address)


class IdpServer:
    """Owns the listening socket and the serving thread."""

    def __init__(self, host: str, port: int, ssl_context: ssl.SSLContext, app: "IdpApp",
                 sock: socket.socket | None = None):
        """``sock``: serve this already listening socket instead of binding ``host:port``."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        handler = type("BoundHandler", (IdpHandler,), {"app": app})
        self._server = _TlsThreadingServer((host, port), handler, ssl_context, family,
                                           sock=sock)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2},
                                        name="cloud-sim-idp", daemon=True)
        self._stopped = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5)
