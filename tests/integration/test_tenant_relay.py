"""The relay with its own CA lives in the tenant's process (cloud_sim.relay): a scenario applied
by one command leaves it to the panel started next, a restarted tenant brings it back on its
port, a baseline stops it, and a printer refusing its certificate logs no traceback."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from cloud_sim import start_tenant
from device_model import Device
from device_model.email import EmailServiceProfile
from panel_tui.scenarios import catalog, engine

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def _device(state: Path, tenant: object) -> Device:
    device = Device(state)
    device.email.set_profile(EmailServiceProfile.from_tenant(tenant), warm_up=False)
    return device


async def test_the_relay_outlives_the_command_that_applied_the_scenario(tmp_path: Path) -> None:
    state = tmp_path / "state"
    done = subprocess.run([str(BIN / "panel-tui"), "scenarios", "apply", "313-untrusted-relay", "--state-dir",
                           str(state)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with start_tenant(state / "tenant", device_code_interval=1) as tenant:  # as the next panel starts it
        relay = tenant.admin.relay_state()
        assert relay["running"], relay
        device = _device(state, tenant)
        assert device.settings.email_server.smtp_port == relay["port"]  # the port the scenario set
        job = await device.email.scan_to_email("office@relay.example")
        assert (job.code, job.details.get("error")) == (313, "tls_verify"), job  # met, and not trusted
        device.trust.import_file(Path(relay["ca_cert_path"]))
        job = await device.email.scan_to_email("office@relay.example")
        assert job.status == "completed", job


async def test_a_baseline_stops_the_relay_and_the_stop_is_kept(tmp_path: Path) -> None:
    with start_tenant(tmp_path / "tenant", device_code_interval=1) as tenant:
        device = _device(tmp_path, tenant)
        await engine.apply(catalog.get("313-untrusted-relay"), device, tenant)
        assert tenant.admin.relay_state()["running"]
        await engine.Session(device, tenant).step(catalog.Baseline())
        assert not tenant.admin.relay_state()["running"]
    with start_tenant(tmp_path / "tenant", device_code_interval=1) as tenant:
        assert not tenant.admin.relay_state()["running"]


async def test_a_refused_tls_handshake_is_not_logged_as_an_error(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    """The printer that does not trust the relay's CA ends the handshake: aiosmtpd would log a
    ConnectionResetError traceback at ERROR for what is the lesson working."""
    with start_tenant(tmp_path / "tenant", device_code_interval=1) as tenant:
        device = _device(tmp_path, tenant)
        caplog.set_level(logging.DEBUG)
        result = await engine.run(catalog.get("313-untrusted-relay"), device, tenant)
        assert result.ok, [(o.label, o.text) for o in result.failures]
        noisy = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert noisy == [], [(r.name, r.getMessage(), r.exc_info) for r in noisy]
