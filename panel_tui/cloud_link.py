"""Where the device's email service lives, and the one place that knows it.

Three sources, one code path: the embedded simulated tenant (the default, started in a process
of its own after the first frame, see :mod:`panel_tui.tenant_process`), a tenant already running elsewhere
(``--cloud URL``), or real Microsoft (``--email-service exchange-online|outlook.com``). Each ends
in the same thing: an ``EmailServiceProfile`` handed to ``device.email.set_profile``. Only the
endpoints and the CA differ; the device never learns which one it got.

The link also carries what the Cloud surface needs (the tenant's URLs, CA, default accounts and
an admin API when there is one) and one clock operation that moves the tenant and the device
together, so that a trainer's "+91 days" means the same thing on both sides.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from panel_tui.config import AppConfig
from panel_tui.tenant_info import DefaultAccountHint, TenantInfo, fetch_sim_info, info_from_facts, remote_admin

if TYPE_CHECKING:  # pragma: no cover - typing only
    import subprocess

    from textual.message_pump import MessagePump

    from cloud_sim import TenantHandle
    from cloud_sim.admin import TenantAdmin
    from device_model import Device
    from device_model.email import EmailServiceProfile
    from panel_tui.remote_admin import RemoteTenantAdmin

log = logging.getLogger(__name__)

#: What asking the tenant's admin may raise, embedded or remote; the Cloud panes say it on the
#: pane: a refused or malformed request (ValueError, KeyError), its files and a remote tenant's
#: HTTPS (OSError: requests' errors are OSErrors too), the embedded tenant's SQLite store.
#: ``ADMIN_FAILURES`` is read through the module's ``__getattr__``: sqlite3.Error is in it when
#: sqlite3 is loaded, which an embedded tenant (the only one that can raise it) always does
#: first; the panel with its tenant in its own process never loads sqlite3 (≈ 1.4 MiB).
_ADMIN_FAILURES_BASE: tuple[type[Exception], ...] = (OSError, ValueError, LookupError)

#: seconds between the first frame and the start of the embedded tenant (see ``PanelApp.on_mount``)
START_DELAY = 0.05

#: ``PANEL_TUI_TENANT_IN_PROCESS=1``: the embedded tenant in the panel's own process, in a
#: thread, as before it had a process of its own (for debugging the tenant with the panel)
IN_PROCESS_ENV = "PANEL_TUI_TENANT_IN_PROCESS"
if os.environ.get(IN_PROCESS_ENV, "") == "1":
    import sqlite3  # noqa: F401  (in ADMIN_FAILURES before a Cloud pane can read it)


def __getattr__(name: str) -> tuple[type[Exception], ...]:
    """``ADMIN_FAILURES``: what asking the tenant's admin may raise, as loaded now."""
    if name == "ADMIN_FAILURES":
        sqlite3 = sys.modules.get("sqlite3")
        return _ADMIN_FAILURES_BASE + ((sqlite3.Error,) if sqlite3 is not None else ())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        #: an in-process ``TenantHandle`` (tests' ``from_handle``, ``PANEL_TUI_TENANT_IN_PROCESS``);
        #: None when the embedded tenant runs in its own process, and in the other modes
        self.handle: TenantHandle | None = None
        #: the embedded tenant's own process (None until started, and in the other modes)
        self._proc: subprocess.Popen[bytes] | None = None
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

    def start_again(self) -> bool:
        """Start the embedded tenant again after its process ended or failed to start (F4's
        "Start again"); False when there is nothing to start again (not failed, not embedded)."""
        if self.state != FAILED or self.mode != EMBEDDED or self._stopping or self.handle is not None:
            return False
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self._stop_child()
        self._thread = None
        self.state = IDLE
        self.start()
        return True

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
            self._stop_child()  # a tenant process that started but cannot be used: not left running
            self._set_state(FAILED, f"{type(exc).__name__}: {exc}")
            return
        self._set_state(READY)

    def stop(self) -> None:
        """Stop the embedded tenant (idempotent; waits for a start in progress)."""
        self._stopping = True
        proc = self._proc
        if proc is not None and self.state != READY:
            # still starting: SIGTERM makes it stop as soon as it serves, instead of the
            # panel's quit waiting for its start and then for its stop
            from panel_tui.tenant_process import signal_quietly

            signal_quietly(proc, "terminate")
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self._stop_handle()

    @property
    def tenant_pid(self) -> int | None:
        """The pid of the embedded tenant's own process while it runs (None otherwise)."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def _stop_handle(self) -> None:
        self._stop_child()
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
        if os.environ.get(IN_PROCESS_ENV, "") == "1":
            self._start_in_process()
        else:
            self._start_child()

    def _start_in_process(self) -> None:
        from cloud_sim import start_tenant  # heavy (cryptography, aiosmtpd): only now

        state_dir = Path(self.config.state_dir) / "tenant"
        preset = self.config.tenant_preset or "prepared"
        kwargs = dict(self.config.tenant_options)
        # Ports, URLs and CA at once; each server (and http.server, aiosmtpd, ...) is built by
        # its first connection: a panel session that never signs in or sends keeps ~3 MiB less.
        kwargs.setdefault("on_demand", True)
        handle = start_tenant(state_dir, preset=preset, **kwargs)  # type: ignore[arg-type]  # tests' and benches' own options
        self.adopt_handle(handle)

    def _start_child(self) -> None:
        """The embedded tenant in its own process (:mod:`panel_tui.tenant_process` says why
        and how); the link reaches it as ``--cloud URL --cloud-ca`` reaches one someone started."""
        from cloud_sim.fsutil import ensure_private_dir
        from panel_tui import tenant_process

        tdir = ensure_private_dir(Path(self.config.state_dir).resolve() / "tenant")
        log_path = tdir / tenant_process.CHILD_LOG
        preset = self.config.tenant_preset or "prepared"
        self._proc = tenant_process.spawn(tdir, preset, self.config.tenant_options)
        ready = tenant_process.read_ready(self._proc, log_path, tenant_process.CHILD_START_TIMEOUT)
        base = str(ready["base_url"]).rstrip("/")
        ca = Path(str(ready["ca_cert_path"]))
        self.info = info_from_facts(base, ca, ready, client_id=str(ready.get("client_id") or ""))
        self.admin = remote_admin(base, ca)
        if self.admin is None:
            raise RuntimeError(f"the tenant's admin secret is missing ({tdir / 'run.json'})")
        threading.Thread(target=self._watch_child, args=(self._proc, log_path),
                         name="tenant-watch", daemon=True).start()

    def _watch_child(self, proc: subprocess.Popen[bytes], log_path: Path) -> None:
        """A tenant process that ends on its own (killed, crashed) makes the link failed, with
        its exit status and the last line of its log, instead of a "ready" that answers nothing."""
        code = proc.wait()
        if self._stopping or self._proc is not proc:
            return
        log.warning("the tenant's process ended (%s)", code)
        from panel_tui.tenant_process import last_line

        self._set_state(FAILED, f"the tenant's process ended ({code}): {last_line(log_path)}")

    def _stop_child(self) -> None:
        """End the tenant's process, if there is one (see :func:`panel_tui.tenant_process.stop`)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            from panel_tui import tenant_process

            tenant_process.stop(proc)

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
        ca = Path(self.config.cloud_ca) if self.config.cloud_ca else None
        info = fetch_sim_info(base, ca)
        self.info = info_from_facts(base, ca, info, client_id=self.config.client_id or info.get("client_id", ""))
        self.admin = remote_admin(base, self.info.ca_cert_path)

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


def _loopback_addr(host: str) -> str:
    """An address to connect to for the tenant's SMTP (names shown to users map to it)."""
    return host or "127.0.0.1"
