"""Where the device's email service lives, and the one place that knows it.

Three sources, one code path: the embedded simulated tenant (the default, started in a process
of its own after the first frame, see :meth:`CloudLink._start_child`), a tenant already running elsewhere
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
import os
import sqlite3
import sys
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
    import subprocess

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

#: ``PANEL_TUI_TENANT_IN_PROCESS=1``: the embedded tenant in the panel's own process, in a
#: thread, as before it had a process of its own (for debugging the tenant with the panel)
IN_PROCESS_ENV = "PANEL_TUI_TENANT_IN_PROCESS"
#: seconds the embedded tenant's process may take to say that it serves (Python, imports, keys)
CHILD_START_TIMEOUT = 60.0
#: seconds a quitting panel waits for the tenant's process to stop by itself, then signals it
CHILD_STOP_TIMEOUT = 5.0
#: the tenant process's stderr (its log), in the tenant's state dir; never the panel's terminal
CHILD_LOG = "cloud-sim.log"
#: ``config.tenant_options`` (``cloud_sim.start_tenant`` keywords) as ``cloud-sim serve`` options
CHILD_OPTIONS = {
    "device_code_interval": "--device-code-interval",
    "device_code_expires_in": "--device-code-expires-in",
    "port_http": "--port-http",
    "port_smtp": "--port-smtp",
    "bind": "--bind",
}

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
            _signal(proc, "terminate")
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
        """The embedded tenant in its own process (``python -m cloud_sim serve --child``).

        Why a process: the tenant stands in for Microsoft's cloud, which is not part of a
        printer, and its imports (cryptography for its CA and signing keys, sqlite3, the HTTP
        and SMTP servers, jinja2) took the panel's memory to 1.6x a bare Textual app before a
        walk began; in a child they run on the other core while the panel paints, and the panel
        reaches the tenant exactly as ``--cloud URL --cloud-ca`` reaches one someone started.

        The child prints one ready line (no polling); its stderr goes to ``STATE/tenant/
        cloud-sim.log``. It ends with the panel however the panel ends: it watches its stdin,
        whose write end only this process holds, and stops at end of file (``kill -9`` of the
        panel included); :meth:`stop` closes that pipe and waits. When this process holds the
        tenant dir's lock (the panel's ``claim_state_dir``), the child is handed that lock
        rather than fighting it; otherwise (tests) the child takes it.
        """
        import subprocess

        from cloud_sim.cli import LOCK_FILE
        from cloud_sim.fsutil import StateLock, ensure_private_dir

        tdir = ensure_private_dir(Path(self.config.state_dir).resolve() / "tenant")
        argv = self._child_argv(tdir)
        lock_fd = StateLock.held_fd(tdir / LOCK_FILE)
        if lock_fd is not None:
            argv += ["--lock-fd", str(lock_fd)]
        log_fd = os.open(tdir / CHILD_LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_fd,
                pass_fds=() if lock_fd is None else (lock_fd,), cwd=tdir, env=_child_env(),
                start_new_session=True,  # a terminal's signals (hang-up, Ctrl+C) are the panel's
            )
        finally:
            os.close(log_fd)
        ready = _read_ready(self._proc, tdir / CHILD_LOG, CHILD_START_TIMEOUT)
        base = str(ready["base_url"]).rstrip("/")
        ca = Path(str(ready["ca_cert_path"]))
        self.info = _tenant_info(base, ca, ready, client_id=str(ready.get("client_id") or ""))
        self.admin = _remote_admin(base, ca)
        if self.admin is None:
            raise RuntimeError(f"the tenant's admin secret is missing ({tdir / 'run.json'})")
        threading.Thread(target=self._watch_child, args=(self._proc, tdir / CHILD_LOG),
                         name="tenant-watch", daemon=True).start()

    def _watch_child(self, proc: subprocess.Popen[bytes], log_path: Path) -> None:
        """A tenant process that ends on its own (killed, crashed) makes the link failed, with
        its exit status and the last line of its log, instead of a "ready" that answers nothing."""
        code = proc.wait()
        if self._stopping or self._proc is not proc:
            return
        log.warning("the tenant's process ended (%s)", code)
        self._set_state(FAILED, f"the tenant's process ended ({code}): {_last_line(log_path)}")

    def _child_argv(self, tdir: Path) -> list[str]:
        """``cloud-sim serve`` for this config: the preset and the tests' tenant options."""
        preset = self.config.tenant_preset or "prepared"
        argv = [sys.executable, "-P", "-m", "cloud_sim", "serve", "--state-dir", str(tdir),
                "--preset", preset, "--child"]
        options = dict(self.config.tenant_options)
        if options.pop("on_demand", True):
            # each server (and http.server, aiosmtpd, jinja2, ...) is built by its first
            # connection: the tenant is ready sooner and smaller until someone signs in
            argv.append("--on-demand")
        for key, flag in CHILD_OPTIONS.items():
            if key in options:
                argv += [flag, str(options.pop(key))]
        if options:
            raise ValueError(f"tenant options the tenant's process does not take: {', '.join(sorted(options))}")
        return argv

    def _stop_child(self) -> None:
        """End the tenant's process: end of file on its stdin (it stops cleanly: run.json
        removed, servers closed), then SIGTERM and SIGKILL if it does not end in time."""
        import subprocess

        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            for how, wait in (("", CHILD_STOP_TIMEOUT), ("terminate", 2.0), ("kill", 5.0)):
                if how:
                    log.warning("the tenant's process did not stop: %s", how)
                    _signal(proc, how)
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        finally:
            if proc.stdout is not None:
                proc.stdout.close()

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
        self.info = _tenant_info(base, ca, info, client_id=self.config.client_id or info.get("client_id", ""))
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


def _tenant_info(base: str, ca: Path | None, info: JsonObject, *, client_id: str) -> TenantInfo:
    """What the surfaces need, from a running tenant's ``/_sim/info`` facts (the embedded
    tenant's process says the same facts in its ready line)."""
    host = urlsplit(base).hostname or "127.0.0.1"
    domain = str(info.get("tenant_domain") or "")
    return TenantInfo(
        base_url=base,
        verification_uri=str(info.get("verification_uri") or f"{base}/devicelogin"),
        ca_cert_path=ca,
        client_id=client_id,
        tenant_domain=domain,
        smtp_host=str(info.get("smtp_host") or host),
        smtp_port=int(str(info.get("smtp_port") or SMTP_PORT)),
        accounts=_default_hints(domain),
    )


def _child_env() -> dict[str, str]:
    """The panel's environment, with the folder that holds ``cloud_sim`` first on the path
    (the child runs with ``-P``: its working directory, the tenant's state, is not on it)."""
    import cloud_sim  # light: its names are lazy

    env = dict(os.environ)
    root = str(Path(cloud_sim.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _read_ready(proc: subprocess.Popen[bytes], log_path: Path, timeout: float) -> JsonObject:
    """Wait for the tenant process's ready line (``cloud-sim-ready {json}``); its facts.

    Blocks on the pipe (no polling) up to ``timeout``. A process that ends or says something
    else first is a RuntimeError naming its exit status and the last line of its log.
    """
    import selectors
    import time

    from cloud_sim.cli import READY

    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _signal(proc, "kill")
                raise RuntimeError(f"the tenant's process did not start within {timeout:.0f} s")
            if not selector.select(remaining):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                code = proc.wait()
                raise RuntimeError(f"the tenant's process ended ({code}) before serving: {_last_line(log_path)}")
            data += chunk
    word, _, rest = data.partition(b"\n")[0].decode("utf-8", "replace").partition(" ")
    try:
        ready = json.loads(rest) if word == READY else None
    except ValueError:
        ready = None
    if not isinstance(ready, dict):
        raise RuntimeError(f"the tenant's process said {word[:80]!r}, not that it serves")
    return ready


def _last_line(path: Path) -> str:
    """The last non-empty line of a log (why a process ended), or a dash."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - 4096))
            lines = [line for line in fh.read().decode("utf-8", "replace").splitlines() if line.strip()]
    except OSError:
        return "-"
    return lines[-1][:300] if lines else "-"


def _signal(proc: subprocess.Popen[bytes], how: str) -> None:
    """``proc.terminate()`` or ``proc.kill()``, quiet if it has just ended."""
    try:
        getattr(proc, how)()
    except OSError:
        pass


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
