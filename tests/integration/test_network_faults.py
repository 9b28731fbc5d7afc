"""Network faults through the device: each fault's code as the printer reports it, and the
faults switched from a script and from `cloud-sim admin` (the catalog's fault scenarios run in
test_scenarios.py's test_every_scenario_gives_its_code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from panel_tui.scenarios import catalog, cli

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def test_every_fault_kind_has_a_scenario() -> None:
    kinds = {step.kind for sc in catalog.SCENARIOS for step in sc.steps if isinstance(step, catalog.Fault)}
    assert kinds == {"latency", "hang", "reset", "smtp", "idp-down"}


def test_smtp_temporary_failures_from_a_script_and_the_device_recovers(tmp_path: Path) -> None:
    f = tmp_path / "busy.panel"
    f.write_text("scenario ok-signed-in\nfault smtp 451 --times 1\n"
                 "scan-to-email user@contoso.onmicrosoft.com\nexpect job 313\nexpect reply ~ '^451 4\\.7\\.500'\n"
                 "scan-to-email user@contoso.onmicrosoft.com\nexpect job completed\n"
                 "fault smtp 421\nscan-to-email user@contoso.onmicrosoft.com\nexpect job 313\nexpect reply ~ ^421\n"
                 "fault clear\nfault reset smtp 100\nscan-to-email user@contoso.onmicrosoft.com\nexpect job 313\n"
                 "expect reply ~ 'closed the connection'\nexpect mail to=user@contoso.onmicrosoft.com\n")
    out: list[str] = []
    rc = cli.main(["run", str(f)], out=out.append, err=out.append)
    assert rc == 0, "\n".join(out)


def test_a_malformed_fault_line_is_a_parse_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.panel"
    f.write_text("fault latency moon 3\nfault smtp 550\n")
    out: list[str] = []
    assert cli.main(["run", str(f)], out=out.append, err=out.append) == 2
    assert f"{f}:1: unknown endpoint 'moon'" in out[0] and f"{f}:2: fault smtp takes 421 or 451" in "\n".join(out)


def test_cloud_sim_admin_switches_faults_of_a_running_tenant(tmp_path: Path) -> None:
    import requests

    from cloud_sim import start_tenant

    tdir = tmp_path / "tenant"
    handle = start_tenant(tdir)
    try:
        def admin(*words: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([str(BIN / "cloud-sim"), "admin", "--state-dir", str(tdir), *words],
                                  capture_output=True, text=True, timeout=60)

        proc = admin("fault", "idp-down")
        assert proc.returncode == 0 and "503 temporarily_unavailable" in proc.stdout, proc.stderr
        reply = requests.get(f"{handle.base_url}/organizations/v2.0/.well-known/openid-configuration",
                             verify=str(handle.ca_cert_path), timeout=10)
        assert reply.status_code == 503
        body = reply.json()
        assert body["error"] == "temporarily_unavailable" and body["error_description"].startswith("AADSTS90033")
        assert json.loads(admin("faults").stdout) == [{"kind": "idp-down"}]
        bad = admin("fault", "latency", "moon", "3")
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown endpoint" in bad.stderr
        assert admin("fault", "clear").returncode == 0
        assert requests.get(f"{handle.base_url}/organizations/v2.0/.well-known/openid-configuration",
                            verify=str(handle.ca_cert_path), timeout=10).status_code == 200
    finally:
        handle.stop()
    stopped = subprocess.run([str(BIN / "cloud-sim"), "admin", "--state-dir", str(tdir), "faults"],
                             capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 2 and "network faults are switched on a running tenant" in stopped.stderr


def test_apply_keeps_the_fault_for_the_panel_opened_afterwards(tmp_path: Path) -> None:
    """`scenarios apply 313-smtp-no-answer --state-dir DIR` said "set up", but the fault lived
    in the memory of the tenant apply started, and `panel-tui --state-dir DIR` (a new tenant
    process on DIR/tenant) sent as if nothing were wrong. The fault is kept like the relay, until
    a `fault clear` (or a baseline) lifts it, also across restarts."""
    import asyncio

    from cloud_sim import start_tenant
    from device_model import Device
    from device_model.email import EmailServiceProfile
    from panel_tui.scenarios.environment import DEVICE_CODE_INTERVAL

    state = tmp_path / "d"
    out: list[str] = []
    rc = cli.main(["apply", "313-smtp-no-answer", "--state-dir", str(state)], out=out.append, err=out.append)
    assert rc == 0 and out[-1] == "313-smtp-no-answer: set up", "\n".join(out)

    def scan_as_the_panel_does() -> tuple[object, list[object]]:
        handle = start_tenant(state / "tenant", device_code_interval=DEVICE_CODE_INTERVAL)
        try:
            device = Device(state)
            device.email.set_profile(EmailServiceProfile.from_tenant(handle), warm_up=False)
            device.update("network", smtp_timeout_s=2)  # the printer's 20 s, shortened
            job = asyncio.run(device.email.scan_to_email("printer@contoso.onmicrosoft.com"))
            faults = handle.admin.dispatch("faults", {})
            if job.code == 313:
                handle.admin.dispatch("fault-clear", {})
            return job.code, faults
        finally:
            handle.stop()

    code, faults = scan_as_the_panel_does()
    assert code == 313 and faults == [{"kind": "hang", "endpoint": "smtp"}]
    code, faults = scan_as_the_panel_does()  # cleared: the next start has no fault
    assert code is None and faults == []
