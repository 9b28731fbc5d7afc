"""Scripts and scenarios are hermetic: what an earlier run did cannot change a later result."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from panel_tui.scenarios import cli, script

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def run(tmp_path: Path, text: str, *args: str) -> tuple[int, list[str]]:
    f = tmp_path / f"s{time.monotonic_ns()}.panel"
    f.write_text(text)
    out: list[str] = []
    rc = cli.main(["run", str(f), *args], out=out.append, err=out.append)
    return rc, out


def test_baseline_is_a_full_reset(tmp_path: Path) -> None:
    """Consent, a changed password, settings and old jobs do not survive `baseline`."""
    state = tmp_path / "state"
    rc, out = run(tmp_path, "scenario ok-signed-in --send\n"
                            "tenant set-password admin Changed-Passw0rd-1\ntenant consent grant\n"
                            "set network.device_name CHANGED\nset email_server.smtp_port 2525\n", "--state-dir", str(state))
    assert rc == 0, "\n".join(out)
    # a new run on the same dir: baseline, and the default password signs in again
    rc, out = run(tmp_path, "baseline\nexpect status not_signed_in\nexpect job completed\n"
                            "sign-in admin\nscan-to-email user@contoso.onmicrosoft.com\nexpect job completed\n",
                  "--state-dir", str(state))
    text = "\n".join(out)
    assert rc == 1, text  # only the "expect job" before any send of this run fails
    assert ":3: FAIL expect job completed: no job has run in this script yet" in text
    assert ":4: ok   sign-in admin" in text and ":6: ok   expect job completed" in text
    from device_model import Device

    dev = Device(state)
    assert dev.settings.network.device_name != "CHANGED"
    assert [j.code for j in dev.jobs.log] == [None]  # only this run's job


def test_expect_job_ignores_jobs_of_earlier_runs(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert run(tmp_path, "scenario 361-expired --send\n", "--state-dir", str(state))[0] == 0
    rc, out = run(tmp_path, "expect job 361\n", "--state-dir", str(state))
    assert rc == script.EXIT_EXPECT_FAILED, "\n".join(out)


def test_without_state_dir_each_run_starts_from_factory(tmp_path: Path) -> None:
    rc, out = run(tmp_path, "expect status not_signed_in\nset email_server.smtp_port 2525\n")
    assert rc == 0, "\n".join(out)
    rc, out = run(tmp_path, "expect status not_signed_in\nexpect job completed\n")
    assert rc == 1 and any("no job has run" in line for line in out)


def test_runs_started_at_once_on_one_dir_exactly_one_wins(tmp_path: Path) -> None:
    state = tmp_path / "state"
    f = tmp_path / "slow.panel"
    f.write_text("scenario ok-signed-in --send\nsign-in admin\nsign-in admin\n")
    procs = [subprocess.Popen([str(BIN / "panel-tui-script"), str(f), "--state-dir", str(state)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(rc for rc, _, _ in results)
    assert codes == [0, 2, 2], results
    winner = next(p.pid for p, (rc, _, _) in zip(procs, results) if rc == 0)
    for rc, _, err in results:
        if rc == 2:
            lines = err.strip().splitlines()
            assert len(lines) == 1, err
            assert f"in use by pid {winner} (panel-tui-script" in lines[0], err
            assert "Traceback" not in err


def test_a_script_against_a_running_tenant(tmp_path: Path) -> None:
    """--cloud URL --cloud-ca PATH: the tenant cloud-sim runs; faults and baseline act on it."""
    from cloud_sim import start_tenant

    handle = start_tenant(tmp_path / "tenant", device_code_interval=1)
    try:
        rc, out = run(tmp_path, "fault smtp 451\nscenario ok-signed-in --send\n"
                                "fault smtp 421\nscan-to-email user@contoso.onmicrosoft.com\nexpect reply ~ ^421\n",
                      "--cloud", handle.base_url, "--cloud-ca", str(handle.ca_cert_path))
        assert rc == 0, "\n".join(out)
        assert handle.admin.dispatch("faults", {}) == [{"kind": "smtp", "code": 421}]  # it is the same tenant
        rc, out = run(tmp_path, "baseline\n", "--cloud", handle.base_url)
        assert rc == 2 and "--cloud needs --cloud-ca PATH" in out[-1]
    finally:
        handle.stop()
