"""A mail relay on this machine with its own CA, hosted by the tenant's process.

The guide's CA Certificate page (Network Security > CA Certificate) matters when the printer
sends through a server whose certificate no public CA signed: a relay in the office. This is
that relay: SMTP with STARTTLS required and no authentication, its certificate issued by a CA of
its own (``STATE/relay/ca.pem``, not the tenant's CA), keeping nothing it accepts (a real relay
would pass the message on).

It lives where the tenant lives (``cloud-sim serve``, the panel's embedded tenant), switched by
the admin operations ``relay-start`` / ``relay-stop`` / ``relay``; whether it runs and on which
port is kept in the tenant's database, so a restarted tenant brings it back on the same port
and a panel started after ``panel-tui scenarios apply 313-untrusted-relay`` meets it.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: the tenant database's key for the relay's wanted state: ``{"running": bool, "port": int}``
STORE_KEY = "relay"
#: the relay's folder in the tenant's state dir (its CA and server certificate)
RELAY_DIR = "relay"
HOST = "127.0.0.1"


class _RelayInbox:
    """The relay's aiosmtpd handler: accepts every message and keeps nothing."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "250 2.0.0 OK queued"

    async def handle_exception(self, error: Exception) -> str:
        """A client that refuses the relay's certificate resets the TLS handshake: that is the
        CA Certificate lesson working, not a fault of the relay, so it is not logged as one
        (aiosmtpd would log a traceback). Any other exception is logged as aiosmtpd does."""
        from aiosmtpd.smtp import TLSSetupException

        if isinstance(error, TLSSetupException) and isinstance(error.__cause__, ConnectionResetError):
            log.debug("relay: the client ended the TLS handshake (it does not trust the relay's CA)")
            return "421 4.7.0 TLS handshake not completed"
        log.error("relay: SMTP session exception", exc_info=error)
        return f"500 Error: ({type(error).__name__}) {error}"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class RelayHost:
    """The tenant's relay: started and stopped by the admin API, its wish kept in ``store``."""

    def __init__(self, state_dir: Path, store: Any) -> None:
        self._dir = Path(state_dir) / RELAY_DIR
        self._store = store
        self._lock = threading.Lock()
        self._controller: Any = None
        self._port = 0

    # -- what the tenant's database says ---------------------------------------------------
    def _wanted(self) -> dict[str, Any]:
        value = self._store.get(STORE_KEY)
        return dict(value) if isinstance(value, dict) else {"running": False, "port": 0}

    def restore(self) -> None:
        """At the tenant's start: run the relay again if it ran when the tenant stopped."""
        if self._wanted().get("running"):
            try:
                self.start()
            except OSError as exc:  # the tenant still starts; the state says why not
                log.warning("the relay did not start again: %s", exc)

    # -- the admin operations ----------------------------------------------------------------
    def ca_cert_path(self) -> Path:
        return self._dir / "ca.pem"

    def start(self) -> dict[str, Any]:
        """Run the relay (idempotent): on the port it had before when that port is free."""
        with self._lock:
            if self._controller is None:
                self._controller, self._port = self._serve()
            self._store.put(STORE_KEY, {"running": True, "port": self._port})
        return self.state()

    def stop(self) -> dict[str, Any]:
        """Stop the relay and remember that it is stopped (idempotent)."""
        with self._lock:
            self._shutdown()
            self._store.put(STORE_KEY, {"running": False, "port": self._wanted().get("port", 0)})
        return self.state()

    def close(self) -> None:
        """The tenant stops: the relay stops with it, and the database keeps the wish."""
        with self._lock:
            self._shutdown()

    def state(self) -> dict[str, Any]:
        running = self._controller is not None
        return {"running": running, "host": HOST, "port": self._port if running else 0,
                "ca_cert_path": str(self.ca_cert_path()), "starttls": True, "authentication": False}

    # -- serving -----------------------------------------------------------------------------
    def _serve(self) -> tuple[Any, int]:
        import ssl

        from aiosmtpd.controller import Controller

        from cloud_sim.ca import ensure_ca
        from cloud_sim.fsutil import ensure_private_dir

        files = ensure_ca(ensure_private_dir(self._dir))
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(files.server_cert, files.server_key)
        before = int(self._wanted().get("port") or 0)
        port = before if before and _port_free(before) else _free_port()
        controller = Controller(_RelayInbox(), hostname=HOST, port=port, tls_context=ctx,
                                require_starttls=True, ready_timeout=10)
        controller.start()
        log.info("relay on %s:%s (STARTTLS, its own CA %s)", HOST, port, files.ca_cert)
        return controller, port

    def _shutdown(self) -> None:
        if self._controller is not None:
            try:
                self._controller.stop()
            finally:
                self._controller = None
                self._port = 0
