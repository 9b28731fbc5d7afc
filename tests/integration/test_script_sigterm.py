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
