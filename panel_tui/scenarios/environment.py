"""The device and the embedded tenant for the command line, laid out as the panel keeps them.

Device state in ``DIR``, the tenant in ``DIR/tenant`` (as ``panel_tui.cloud_link`` does), so a
tester can set a scenario up here and open ``panel-tui --state-dir DIR`` to see it on the
panel, in Web Config and in Job Status. Only loopback; the tenant is stopped on the way out.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from cloud_sim.accounts import DefaultAccount
    from cloud_sim.runtime import TenantHandle
    from device_model import Device
    from panel_tui.remote_admin import RemoteTenantAdmin

#: the CLI does not wait 5 s between polls like Entra ID: scenarios sign in many times
DEVICE_CODE_INTERVAL = 1


class EnvironmentProblem(Exception):
    """The environment could not be set up (state dir in use, tenant would not start)."""


@dataclass
class Environment:
    state_dir: Path
    device: Device
    tenant: Union[TenantHandle, RunningTenant]


@dataclass
class RunningTenant:
    """A tenant already running (``cloud-sim``), as the engine needs it: its admin API over HTTPS
    with the admin secret from its ``run.json`` (so only on the tenant's machine)."""

    base_url: str
    ca_cert_path: Path
    client_id: str
    smtp_host: str
    smtp_port: int
    accounts: list[DefaultAccount]
    admin: RemoteTenantAdmin


def connect_tenant(url: str, ca: Path) -> RunningTenant:
    """The running tenant at ``url`` (its CA at ``ca``), or EnvironmentProblem saying why not."""
    from cloud_sim.accounts import default_accounts
    from cloud_sim.httpclient import HttpSession
    from panel_tui.remote_admin import RemoteTenantAdmin, find_admin_secret

    base = url.rstrip("/")
    ca = Path(ca).expanduser()
    if not ca.is_file():
        raise EnvironmentProblem(f"--cloud-ca {ca}: no such file (cloud-sim info prints ca_cert_path)")
    session = HttpSession(ca_path=ca)
    try:
        info = session.get(f"{base}/_sim/info", timeout=10).json()
    except (OSError, ValueError) as exc:
        raise EnvironmentProblem(f"no simulated tenant answers at {base}: {type(exc).__name__}") from None
    finally:
        session.close()
    secret = find_admin_secret(base, ca)
    if secret is None:
        raise EnvironmentProblem(f"cannot administer the tenant at {base}: its run.json (beside {ca}) is not "
                                 "readable here; run scripts on the tenant's machine")
    host = info.get("smtp_host") or "127.0.0.1"
    return RunningTenant(base, ca, str(info.get("client_id", "")), str(host), int(info.get("smtp_port") or 587),
                         default_accounts(str(info.get("tenant_domain") or "contoso.onmicrosoft.com")),
                         RemoteTenantAdmin(base, ca, secret))


def tenant_dir(state_dir: Path) -> Path:
    return Path(state_dir) / "tenant"


def running_tenant_pid(state_dir: Path) -> int | None:
    """The pid of another live process that runs the tenant of this state dir, else None."""
    try:
        info = json.loads((tenant_dir(state_dir) / "run.json").read_text("utf-8"))
        pid = int(info.get("pid"))
    except (OSError, ValueError, TypeError, AttributeError, RecursionError):  # [] / null / too deep
        return None
    if not 0 < pid < 2**22:  # os.kill(-1, 0) would ask about every process; a huge one overflows
        return None
    if pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


@contextlib.contextmanager
def environment(state_dir: Path | None = None, *, keep: bool = False, preset: str = "prepared",
                out: Callable[[str], None] = print, cloud: str | None = None,
                cloud_ca: Path | None = None) -> Iterator[Environment]:
    """Start the tenant in ``state_dir/tenant`` (or use the one running at ``cloud``), build the
    Device on ``state_dir``; clean up after."""
    if cloud:
        if cloud_ca is None:
            raise EnvironmentProblem("--cloud needs --cloud-ca PATH (cloud-sim info prints ca_cert_path)")
        running = connect_tenant(cloud, cloud_ca)
    temporary = state_dir is None
    if temporary:
        state_dir = Path(tempfile.mkdtemp(prefix="panel-tui-script-"))
    state_dir = Path(state_dir).expanduser()
    from panel_tui.state_claim import StateDirProblem, claim_state_dir

    try:  # one owner per state dir: a panel (or another script) on it would lose our changes
        locks = claim_state_dir(state_dir, tenant=not cloud)
    except StateDirProblem as exc:
        raise EnvironmentProblem(str(exc)) from None
    pid = None if cloud else running_tenant_pid(state_dir)
    if pid is not None:
        for lock in locks:
            lock.release()
        raise EnvironmentProblem(f"a tenant is already running for {state_dir} (pid {pid}); "
                                 "close the panel using this state dir first")
    handle = None
    try:
        from cloud_sim import start_tenant
        from device_model import Device, models
        from device_model.email import EmailServiceProfile

        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if cloud:
            tenant: TenantHandle | RunningTenant = running
        else:
            try:
                handle = start_tenant(tenant_dir(state_dir), preset=preset, device_code_interval=DEVICE_CODE_INTERVAL)
            except (OSError, ValueError) as exc:
                raise EnvironmentProblem(f"the simulated tenant did not start: {exc}") from None
            tenant = handle
        device = Device(state_dir, profile=models.for_state_dir(state_dir))
        device.email.set_profile(EmailServiceProfile.from_tenant(tenant), warm_up=False)
        out(f"state dir {state_dir}; simulated tenant {tenant.base_url} (SMTP {tenant.smtp_host}:{tenant.smtp_port})")
        yield Environment(state_dir, device, tenant)
    finally:
        if handle is not None:
            handle.stop()
        for lock in locks:
            lock.release()
        if temporary:
            if keep:
                out(f"kept the state dir: panel-tui --state-dir {state_dir}")
            else:
                shutil.rmtree(state_dir, ignore_errors=True)
