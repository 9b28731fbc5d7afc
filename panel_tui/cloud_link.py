"""Where the device's email service lives, and the one place that knows it.

Three sources, one code path: the embedded simulated tenant (the default, started in a thread
after the first frame so start-up stays fast), a tenant already running elsewhere
(``--cloud URL``), or real Microsoft (``--email-service exchange-online|outlook.com``). Each ends
in the same thing: an ``EmailServiceProfile`` handed to ``device.email.set_profile``. Only the
endpoints and the CA differ; the device never learns which one it got.

The link also carries what the Cloud surface needs (the tenant's URLs, CA, default accounts and
an admin API when there is one) and one clock operation that moves the tenant and the device
together, so that a trainer's "+91 days" means the same thing on both sides.
"""

from __future__ import annotations

import gc
import json
import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual.message import Message

from panel_tui.config import AppConfig

if TYPE_CHECKING:  # pragma: no cover - typing only
    import ssl

    from textual.message_pump import MessagePump

    from cloud_sim import TenantHandle
    from cloud_sim.admin import TenantAdmin
    from cloud_sim.jsontypes import JsonObject
    from device_model import Device
    from device_model.email import EmailServiceProfile
    from panel_tui.remote_admin import RemoteTenantAdmin

log = logging.getLogger(__name__)

#: What asking the tenant's admin may raise, embedded or remote; the Cloud panes say it on the
#: pane: a refused or malformed request (ValueError, KeyError), its files and a remote tenant's
#: HTTPS (OSError: requests' errors are OSErrors too), the embedded tenant's SQLite store.
ADMIN_FAILURES: tuple[type[Exception], ...] = (OSError, ValueError, LookupError, sqlite3.Error)

#: the SMTP submission port when a remote tenant does not say (Microsoft's endpoints, used with
#: ``--email-service``, are the device's email profiles: ``device_model.email.profiles``)
SMTP_PORT = 587
#: seconds between the first frame and the start of the embedded tenant (see ``PanelApp.on_mount``)
START_DELAY = 0.05

STARTING = "starting"
READY = "ready"
FAILED = "failed"
IDLE = "idle"

EMBEDDED = "embedded"
REMOTE = "remote"
MICROSOFT = "microsoft"


class CloudLinkStatus(Message):
    """The link changed state: the UI shows it (Web Config's sign-in, the Cloud surface)."""

    def __init__(self, state: str, mode: str, error: str | None = None) -> None:
        super().__init__()
        self.state = state
        self.mode = mode
        #: a short, token-free reason when ``state == "failed"``
        self.error = error


@dataclass
class DefaultAccountHint:
    """A default tenant account, shown as a prefilled hint on the Cloud sign-in pages."""

    username: str
    password: str
    role: str
    display_name: str = ""


@dataclass
class TenantInfo:
    """What the surfaces need to know about the tenant, whatever its source."""

    base_url: str = ""
    verification_uri: str = ""
    ca_cert_path: Path | None = None
    client_id: str = ""
    tenant_domain: str = ""
    smtp_host: str = ""
    smtp_port: int = SMTP_PORT
    accounts: list[DefaultAccountHint] = field(default_factory=list)


class CloudLink:
    """Owns the tenant connection for one app run; see the module docstring.

    Thread-safety: :meth:`start` runs the slow part in a daemon thread; each state change is
    posted from there as a :class:`CloudLinkStatus` to the app (``post_message`` is thread-safe).
    """

    def __init__(self, device: Device, config: AppConfig) -> None:
        self.device = device
        self.config = config
        self.mode = self._pick_mode(config)
        self.state = IDLE
        self.error: str | None = None
        self.info = TenantInfo()
        #: the embedded ``TenantHandle`` (None in the other modes)
        self.handle: TenantHandle | None = None
        #: the tenant's admin API (embedded: ``handle.admin``; remote: over HTTPS if offered)
        self.admin: TenantAdmin | RemoteTenantAdmin | None = None
        #: a Cloud surface had to create this link (the app was started without one)
        self.owned_by_surface = False
        #: False for a tenant someone else started (and stops)
        self._owns_handle = True
        #: where state changes are posted (the app), None: nowhere
        self._target: MessagePump | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    # -- wiring -------------------------------------------------------------------------

    @staticmethod
    def _pick_mode(config: AppConfig) -> str:
        if config.cloud_url:
            return REMOTE
        service = config.email_service
        if service and service != "simulated" and config.client_id:
            return MICROSOFT
        return EMBEDDED

    def _set_state(self, state: str, error: str | None = None) -> None:
        self.state = state
        self.error = error
        if self._target is not None:
            self._target.post_message(CloudLinkStatus(state, self.mode, error))

    # -- life cycle ---------------------------------------------------------------------

    def start(self, target: MessagePump | None = None) -> None:
        """Start connecting in a daemon thread; returns at once.

        With ``target`` (the app), every state change is posted to it as a
        :class:`CloudLinkStatus`. Idempotent.
        """
        if target is not None:
            self._target = target
        if self._thread is not None or self.state != IDLE:
            return
        self._set_state(STARTING)
        self._thread = threading.Thread(target=self._run_then_collect, name="cloud-link", daemon=True)
        self._thread.start()

    def start_blocking(self) -> None:
        """Connect in the calling thread (CLI tools and tests)."""
        self._set_state(STARTING)
        self._run()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the start thread has finished; True when the link is ready."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state == READY

    def _run_then_collect(self) -> None:
        """:meth:`_run`, then one full garbage collection (the thread of :meth:`start`).

        The tenant is the panel's last piece of start-up work. Collecting once now (~20 ms, still
        within start-up) makes everything alive so far the collector's baseline; otherwise its
        first full collection came a second or so later, as a ~20 ms pause on a key press.
        """
        self._run()
        gc.collect()

    def _run(self) -> None:
        try:
            if self.mode == EMBEDDED:
                self._start_embedded()
            elif self.mode == REMOTE:
                self._connect_remote()
            else:
                self._use_microsoft()
            if self._stopping:
                self._stop_handle()
                return
            self._apply_profile()
        except Exception as exc:  # shown to the user; the panel keeps working without email
            log.warning("cloud link failed: %s", type(exc).__name__, exc_info=True)
            self._set_state(FAILED, f"{type(exc).__name__}: {exc}")
            return
        self._set_state(READY)

    def stop(self) -> None:
        """Stop the embedded tenant (idempotent; waits for a start in progress)."""
        self._stopping = True
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self._stop_handle()

    def _stop_handle(self) -> None:
        if not self._owns_handle:
            return
        handle, self.handle = self.handle, None
        if handle is not None:
            try:
                handle.stop()
            except Exception:  # a tenant that fails to stop must not keep the panel from exiting
                log.exception("stopping the embedded tenant failed")

    # -- the three sources --------------------------------------------------------------

    def _start_embedded(self) -> None:
        from cloud_sim import start_tenant  # heavy (cryptography, aiosmtpd): only now

        state_dir = Path(self.config.state_dir) / "tenant"
        preset = self.config.tenant_preset or "prepared"
        kwargs = dict(self.config.tenant_options)
        # Ports, URLs and CA at once; each server (and http.server, aiosmtpd, ...) is built by
        # its first connection: a panel session that never signs in or sends keeps ~3 MiB less.
        kwargs.setdefault("on_demand", True)
        handle = start_tenant(state_dir, preset=preset, **kwargs)  # type: ignore[arg-type]  # tests' and benches' own options
        self.adopt_handle(handle)

    @classmethod
    def from_handle(cls, device: Device, config: AppConfig, handle: TenantHandle) -> CloudLink:
        """A ready link to a tenant someone else started and stops (tests, benchmarks).

        The device gets its profile at once; :meth:`stop` leaves the tenant running.
        """
        link = cls(device, config)
        link.mode = EMBEDDED
        link.adopt_handle(handle)
        link._owns_handle = False
        link._apply_profile()
        link.state = READY
        return link

    def adopt_handle(self, handle: TenantHandle) -> None:
        """Use an already started ``TenantHandle`` (tests start one with short intervals)."""
        self.handle = handle
        self.admin = handle.admin
        self.info = TenantInfo(
            base_url=handle.base_url,
            verification_uri=handle.verification_uri,
            ca_cert_path=Path(handle.ca_cert_path),
            client_id=handle.client_id,
            tenant_domain=handle.tenant_domain,
            smtp_host=handle.smtp_host,
            smtp_port=int(handle.smtp_port),
            accounts=[
                DefaultAccountHint(a.username, a.password, a.role, a.display_name)
                for a in handle.accounts
            ],
        )

    def _connect_remote(self) -> None:
        base = str(self.config.cloud_url).rstrip("/")
        ca = self.config.cloud_ca
        info = fetch_sim_info(base, Path(ca) if ca else None)
        host = urlsplit(base).hostname or "127.0.0.1"
        self.info = TenantInfo(
            base_url=base,
            verification_uri=info.get("verification_uri") or f"{base}/devicelogin",
            ca_cert_path=Path(ca) if ca else None,
            client_id=self.config.client_id or info.get("client_id", ""),
            tenant_domain=info.get("tenant_domain", ""),
            smtp_host=info.get("smtp_host") or host,
            smtp_port=int(info.get("smtp_port") or SMTP_PORT),
            accounts=_default_hints(info.get("tenant_domain", "")),
        )
        self.admin = _remote_admin(base, self.info.ca_cert_path)

    def _use_microsoft(self) -> None:
        from device_model.email.profiles import MICROSOFT_DEVICE_LOGIN, microsoft_profile

        profile = microsoft_profile(str(self.config.email_service), str(self.config.client_id),
                                    tenant=self.config.tenant)
        self.info = TenantInfo(
            base_url=profile.authority,
            verification_uri=MICROSOFT_DEVICE_LOGIN,
            ca_cert_path=None,
            client_id=str(self.config.client_id),
            smtp_host=profile.smtp_host,
            smtp_port=profile.smtp_port,
        )

    # -- the profile --------------------------------------------------------------------

    def build_profile(self) -> EmailServiceProfile:
        """The device's ``EmailServiceProfile`` for the current source.

        One profile: the device derives the other email service from it (``for_service``), so
        the user's choice in Web Config decides between Exchange Online and Outlook.com.
        """
        from device_model.email import EmailServiceProfile

        if self.mode == MICROSOFT:
            return EmailServiceProfile.microsoft(
                self.info.client_id,
                tenant=self.config.tenant,
                service=str(self.config.email_service),
            )
        if self.info.ca_cert_path is None:
            raise ValueError("the tenant's CA certificate is unknown: give --cloud-ca PATH")
        profile = EmailServiceProfile.simulated(
            base_url=self.info.base_url,
            smtp_port=self.info.smtp_port,
            client_id=self.info.client_id,
            ca_cert_path=self.info.ca_cert_path,
            smtp_host=_loopback_addr(self.info.smtp_host),
        )
        tenant = self.config.tenant
        return profile.with_tenant(tenant) if tenant else profile

    def _apply_profile(self) -> None:
        self.device.email.set_profile(self.build_profile())

    # -- clock --------------------------------------------------------------------------

    def advance_clock(self, delta: timedelta) -> None:
        """Time travel: move the tenant's and the device's clocks together.

        The device clock's range is checked first (``ClockRangeError``), so a refused step moves
        neither clock and the two stay in step.
        """
        from device_model.clock import check_offset

        check_offset(self.device.clock.offset + delta)
        if self.admin is not None:
            self.admin.advance_clock(delta)
        self.device.clock.advance(delta)


def _default_hints(domain: str) -> list[DefaultAccountHint]:
    """A running tenant does not publish passwords; its default accounts are documented."""
    if not domain:
        return []
    from cloud_sim.accounts import default_accounts

    return [
        DefaultAccountHint(a.username, a.password, a.role, a.display_name)
        for a in default_accounts(domain)
    ]


def _loopback_addr(host: str) -> str:
    """An address to connect to for the tenant's SMTP (names shown to users map to it)."""
    return host or "127.0.0.1"


def _ssl_context(ca: Path | None) -> ssl.SSLContext:
    import ssl  # only for --cloud URL: keeps the panel's start-up free of it

    return ssl.create_default_context(cafile=str(ca) if ca else None)


def fetch_sim_info(base_url: str, ca: Path | None, timeout: float = 10.0) -> JsonObject:
    """Read ``{url}/_sim/info`` (client id, SMTP port, accounts) from a running tenant."""
    import urllib.request

    request = urllib.request.Request(f"{base_url}/_sim/info", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout, context=_ssl_context(ca)) as reply:
        info = json.loads(reply.read().decode("utf-8"))
    if not isinstance(info, dict):
        raise ValueError(f"{base_url}/_sim/info: not a JSON object")
    return info


def _remote_admin(base_url: str, ca: Path | None) -> RemoteTenantAdmin | None:
    """The tenant's admin API over HTTPS when its secret is readable (same machine); else None."""
    from panel_tui.remote_admin import RemoteTenantAdmin, find_admin_secret

    secret = find_admin_secret(base_url, ca)
    if secret is None:
        return None
    return RemoteTenantAdmin(base_url, ca, secret)
