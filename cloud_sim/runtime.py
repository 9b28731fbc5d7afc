"""start_tenant(): the whole simulated tenant in background threads, one call to start it,
one to stop it (see docs/CONTRACTS.md)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from cloud_sim.admin import TenantAdmin
from cloud_sim.ca import ensure_ca, server_ssl_context
from cloud_sim.clock import TenantClock
from cloud_sim.accounts import DefaultAccount, default_accounts
from cloud_sim.directory import Directory
from cloud_sim.fsutil import atomic_write_json, ensure_private_dir
from cloud_sim.store import Store
from cloud_sim.jsontypes import JsonObject

if TYPE_CHECKING:  # the servers are imported when they start (on demand: at the first connection)
    import ssl

    from cloud_sim.idp_http import IdpServer
    from cloud_sim.ondemand import Listening, Stoppable
    from cloud_sim.smtp_server import SmtpHandle

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class TenantHandle:
    """A running tenant. ``stop()`` is idempotent."""

    base_url: str
    verification_uri: str
    smtp_host: str
    smtp_port: int
    ca_cert_path: Path
    client_id: str
    tenant_domain: str
    tenant_id: str
    accounts: list[DefaultAccount]
    admin: TenantAdmin
    state_dir: Path
    preset: str
    _stoppers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopped: bool = field(default=False, repr=False)

    def authority(self, tenant: str = "organizations") -> str:
        return f"{self.base_url}/{tenant}"

    @property
    def running(self) -> bool:
        return not self._stopped

    def info(self) -> JsonObject:
        """Public facts for clients connecting to a running tenant (``GET /_sim/info``)."""
        return {
            "base_url": self.base_url, "authority": self.authority(),
            "verification_uri": self.verification_uri,
            "smtp_host": self.smtp_host, "smtp_port": self.smtp_port,
            "client_id": self.client_id, "tenant_domain": self.tenant_domain,
            "tenant_id": self.tenant_id, "simulated": True,
        }

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        for stop in reversed(self._stoppers):
            try:
                stop()
            except Exception:  # pragma: no cover - best effort on the way out
                log.exception("error while stopping the tenant")

    def __enter__(self) -> "TenantHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (0: a free port, without free_port's race)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=128)


def free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_tenant(state_dir: Path, *, preset: str = "prepared", bind: str = "127.0.0.1",
                 port_http: int = 0, port_smtp: int = 0, allow_remote: bool = False,
                 device_code_expires_in: int = 900, device_code_interval: int = 5,
                 smtp: bool = True, on_demand: bool = False) -> TenantHandle:
    """Start the identity platform (HTTPS) and Exchange SMTP; return once both answer.

    The preset applies only when the state dir is new; an existing tenant keeps its state.
    ``on_demand``: bind both ports now but build each server on its first connection
    (:mod:`cloud_sim.ondemand`; the panel's embedded tenant, to keep its memory small).
    """
    if not is_loopback(bind) and not allow_remote:
        raise ValueError(f"refusing to bind {bind}: only loopback unless allow_remote=True "
                         "(--allow-remote)")
    if preset not in ("fresh", "prepared"):
        raise ValueError(f"unknown preset {preset!r} (fresh or prepared)")
    state_dir = ensure_private_dir(Path(state_dir))
    extra = () if bind in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "::") else (bind,)
    ca_files = ensure_ca(state_dir, extra)
    ctx_box: list[ssl.SSLContext] = []
    ctx_lock = threading.Lock()

    def tls() -> ssl.SSLContext:
        """The servers' TLS context, shared; built by the first server (on_demand: ~0.9 MiB)."""
        with ctx_lock:
            if not ctx_box:
                ctx_box.append(server_ssl_context(ca_files))
            return ctx_box[0]

    if not on_demand:
        tls()

    store = Store(state_dir / "tenant.sqlite3")
    stoppers: list[Callable[[], None]] = [store.close]
    try:
        clock = TenantClock(lambda: float(store.get("clock_offset", 0.0)),
                            lambda v: store.put("clock_offset", float(v)))
        directory = Directory(store, clock, preset=preset)
        maildir_root = ensure_private_dir(state_dir / "maildir")
        from cloud_sim.maildir import clean_leftovers

        if clean_leftovers(maildir_root):
            log.info("removed unfinished deliveries (tmp/ files) from %s", maildir_root)
        # the SMTP server reads directory.message_size_limit per connection
        admin = TenantAdmin(directory, clock, maildir_root)
        from cloud_sim.faults import Faults

        faults = admin.faults = Faults(store)  # network faults, kept like the relay (cloud_sim.faults)
        from cloud_sim.relay import RelayHost

        relay = admin.relay = RelayHost(state_dir, store)  # a relay with its own CA (cloud_sim.relay)
        stoppers.append(relay.close)
        url_host = "127.0.0.1" if bind in ("0.0.0.0", "localhost") else (
            "::1" if bind == "::" else bind)
        url_host_fmt = f"[{url_host}]" if ":" in url_host else url_host
        http_port = port_http or free_port(bind if bind not in ("localhost",) else "127.0.0.1")
        base_url = f"https://{url_host_fmt}:{http_port}"
        verification_uri = f"{base_url}/devicelogin"
        admin_secret = secrets.token_urlsafe(32)
        info_box: list[TenantHandle] = []
        http_bind = "127.0.0.1" if bind == "localhost" else bind

        def serve_http(sock: socket.socket | None = None) -> IdpServer:
            from cloud_sim.idp import IdentityPlatform
            from cloud_sim.idp_http import IdpApp, IdpServer
            from cloud_sim.pages import SignInPages

            idp = IdentityPlatform(directory, base_url=base_url, verification_uri=verification_uri,
                                   device_code_expires_in=device_code_expires_in,
                                   device_code_interval=device_code_interval)
            app = IdpApp(idp, SignInPages(idp), admin, admin_secret, lambda: info_box[0].info(),
                         ca_cert=ca_files.ca_cert)
            server = IdpServer(http_bind, http_port, tls(), app, sock=sock)
            server.start()
            return server

        if on_demand:
            from cloud_sim.ondemand import OnDemand

            server: Stoppable = OnDemand(_listen(http_bind, http_port), serve_http, "cloud-sim-idp")
        else:
            server = serve_http()
        stoppers.append(server.stop)

        smtp_port = 0
        if smtp:
            smtp_bind = "127.0.0.1" if bind == "localhost" else bind

            def serve_smtp(sock: socket.socket | None = None) -> SmtpHandle:
                from cloud_sim.smtp_server import start_smtp

                return start_smtp(smtp_bind, port_smtp, directory, tls(), maildir_root,
                                  directory.message_size_limit, clock=clock.now, sock=sock,
                                  faults=faults)

            if on_demand:
                from cloud_sim.ondemand import OnDemand

                handle: Listening = OnDemand(_listen(smtp_bind, port_smtp), serve_smtp, "cloud-sim-smtp")
            else:
                if not port_smtp:
                    port_smtp = free_port(smtp_bind)
                handle = serve_smtp()
            stoppers.append(handle.stop)
            smtp_port = handle.port

        h = TenantHandle(
            base_url=base_url, verification_uri=verification_uri, smtp_host=url_host,
            smtp_port=smtp_port, ca_cert_path=ca_files.ca_cert, client_id=directory.client_id,
            tenant_domain=directory.domain, tenant_id=directory.tenant_id,
            accounts=default_accounts(directory.domain), admin=admin, state_dir=state_dir,
            preset=str(store.get("preset")))
        info_box.append(h)
        run_file = state_dir / "run.json"
        atomic_write_json(run_file, {**h.info(), "pid": os.getpid(),
                                     "ca_cert_path": str(ca_files.ca_cert),
                                     "admin_secret": admin_secret,
                                     "started": dt.datetime.now(dt.timezone.utc).isoformat()})
        stoppers.insert(1, lambda: _remove_run_file(run_file, admin_secret))
        stoppers.append(faults.release)  # first: hung connections let go before the servers stop
        h._stoppers = stoppers
        relay.restore()  # it ran when this tenant last stopped: it runs again, on its port
        log.info("simulated tenant %s at %s (SMTP %s:%s)", h.tenant_domain, base_url,
                 h.smtp_host, smtp_port)
        return h
    except BaseException:  # whatever stopped the start (Ctrl+C too): stop what started, raise it
        for stop in reversed(stoppers):
            try:
                stop()
            except Exception:  # best effort: the error that stopped the start is the one raised
                log.debug("cleanup after a failed start", exc_info=True)
        raise


def _remove_run_file(path: Path, secret: str) -> None:
    """Remove run.json only if it is still ours (another tenant may have started since)."""
    import json

    try:
        if json.loads(path.read_text()).get("admin_secret") == secret:
            path.unlink()
    except (OSError, ValueError):
        pass
