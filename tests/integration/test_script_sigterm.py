"""A script stopped with SIGTERM (a timeout, a CI runner giving up) cleans up as after Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def test_sigterm_stops_the_tenant_and_removes_the_temporary_state_dir(tmp_path: Path) -> None:
    script = tmp_path / "slow.panel"
    # a send to an SMTP server 60 s late: long enough to be stopped while it runs
    script.write_text("scenario ok-signed-in\nfault latency smtp 60000\nscan-to-email user@contoso.onmicrosoft.com\n")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([str(BIN / "panel-tui-script"), str(script)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # "state dir ...; simulated tenant ..." once it is up
        assert "state dir" in first, first
        while "fault latency" not in (line := proc.stdout.readline()):  # the send is under way
            assert line, "the script ended early"
        made = [p for p in tmp.iterdir() if p.name.startswith("panel-tui-script-")]
        assert made, "the script's temporary state dir"
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert rc == 128 + signal.SIGTERM
    assert not any(p.name.startswith("panel-tui-script-") for p in tmp.iterdir()), list(tmp.iterdir())


def test_sigterm_during_scenarios_run_writes_the_reports_and_exits_143(tmp_path: Path) -> None:
    """``panel-tui scenarios run`` stopped by a CI's kill or timeout: the interrupted case is in
    the JSON lines (its summary) and in a whole JUnit report, the step under way marked as
    interrupted, and the status is 143. Before, SIGTERM ended it at once: no summary, no report,
    the temporary state dir left behind."""
    import json
    import xml.etree.ElementTree as ET

    script = tmp_path / "slow.panel"
    script.write_text("case quick\nscenario ok-signed-in\n"
                      "case slow\nscenario ok-signed-in\nfault latency smtp 60000\n"
                      "scan-to-email user@contoso.onmicrosoft.com\n")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    junit = tmp_path / "report.xml"
    tmp_path.chmod(0o755)
    proc = subprocess.Popen([str(BIN / "panel-tui"), "scenarios", "run", str(script), "--json",
                             "--junit", str(junit)], env={**os.environ, "TMPDIR": str(tmp)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events = []
    try:
        assert proc.stdout is not None
        while not (events and events[-1]["event"] == "step" and "fault latency" in events[-1]["step"]):
            line = proc.stdout.readline()
            assert line, "the run ended early"
            events.append(json.loads(line))
        time.sleep(0.5)  # the send is under way
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143
    events += [json.loads(line) for line in rest.splitlines()]
    last = events[-2:]
    assert last[0]["event"] == "error" and last[0]["line"] == 6
    assert last[0]["text"] == "interrupted (SIGTERM)"
    assert last[1]["event"] == "summary" and last[1]["exit"] == 143 and last[1]["case"] == "slow"
    assert "interrupted at line 6 (SIGTERM)" in last[1]["text"]
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("errors") == "1"
    quick, slow = suite.findall("testcase")
    assert quick.find("error") is None
    error = slow.find("error")
    assert error is not None and "interrupted (SIGTERM)" in error.get("message", "")
    assert not any(p.name.startswith("panel-tui-script-") for p in tmp.iterdir()), list(tmp.iterdir())
    # the report's directory (a CI's workspace) is not made owner-only, nothing is left beside it
    assert tmp_path.stat().st_mode & 0o777 == 0o755
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
