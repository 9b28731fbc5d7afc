"""The embedded simulated tenant runs in a process of its own, and never outlives its panel.

A person sees no difference (no extra command, the same F4 Cloud); what `ps` shows is one more
process under the panel, which ends when the panel ends however it ends: Ctrl+Q, or `kill -9`.
The panel still owns its state dir: a second panel, or `cloud-sim` on its tenant, is refused
naming the panel.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from tests.acceptance.conftest import Launch
from tests.acceptance.test_processes import run
from tests.acceptance.terminal import Terminal


def children(pid: int) -> list[int]:
    """The processes `pid` started (what `ps --ppid PID` lists)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return found


def command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def gone(pid: int) -> bool:
    """Ended (a zombie waiting for its reaper counts as ended: it runs nothing, holds nothing)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except OSError:
        return True


def wait_gone(pid: int, seconds: float) -> float:
    """Seconds until `pid` ended; fails naming it if it is still running after `seconds`."""
    start = time.monotonic()
    while not gone(pid):
        assert time.monotonic() - start < seconds, f"the tenant's process {pid} ({command(pid)}) is still running"
        time.sleep(0.02)
    return time.monotonic() - start


def tenant_ready(t: Terminal) -> int:
    """F4 until the Cloud header says the tenant is ready, back to the panel (F2); the pid of
    the panel's tenant process."""
    t.wait_for("Home", "Settings")
    t.press("f4")
    t.wait_for("contoso.onmicrosoft.com  ready")
    t.press("f2")
    t.wait_for("Home")
    tenants = [p for p in children(t.child.pid) if "cloud_sim serve" in command(p)]
    assert len(tenants) == 1, [command(p) for p in children(t.child.pid)]
    return tenants[0]


def running(home: Path, tenant_dir: Path) -> bool:
    """What `cloud-sim info` says: is a tenant serving this state dir?"""
    proc = run(home, "cloud-sim", "info", "--state-dir", str(tenant_dir))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout).get("running", True) is not False


def test_quitting_the_panel_stops_its_tenant(launch: Launch, home: Path, state_dir: Path) -> None:
    t = launch("panel-tui")
    tenant = tenant_ready(t)
    assert running(home, state_dir / "tenant")
    t.press("ctrl+q")
    assert t.wait_exit() == 0
    wait_gone(tenant, 1.0)  # the panel waited for it: gone by the time the panel has exited
    assert not running(home, state_dir / "tenant")  # stopped cleanly (its run.json removed)
    # its log went to the state dir, never onto the panel's terminal
    assert (state_dir / "tenant" / "cloud-sim.log").read_text().strip()
    assert b"cloud_sim" not in bytes(t.output)


def test_kill_9_of_the_panel_ends_its_tenant(launch: Launch, home: Path, state_dir: Path) -> None:
    t = launch("panel-tui")
    tenant = tenant_ready(t)
    os.kill(t.child.pid, signal.SIGKILL)
    t.wait_exit()
    wait_gone(tenant, 5.0)
    assert not running(home, state_dir / "tenant")  # it stopped by itself, cleanly

    again = launch("panel-tui")  # the state dir is free again, the tenant starts again
    tenant_ready(again)
    again.press("ctrl+q")
    assert again.wait_exit() == 0


def test_a_second_panel_is_refused_while_the_tenant_runs(launch: Launch, home: Path, state_dir: Path) -> None:
    first = launch("panel-tui")
    tenant = tenant_ready(first)
    pid = str(first.child.pid)

    second = launch("panel-tui", cols=300)  # the message holds two long paths: keep it on one line
    assert second.wait_exit() == 2
    screen = second.text()
    assert f"pid {pid}" in screen and "panel-tui --state-dir" in screen, screen
    assert "Traceback" not in screen

    # the tenant's own server on the panel's tenant dir: refused naming the panel, not its child
    proc = run(home, "cloud-sim", "--state-dir", str(state_dir / "tenant"))
    assert proc.returncode == 2 and f"pid {pid} (panel-tui" in proc.stderr, proc.stderr
    assert str(tenant) not in proc.stderr
    assert not gone(tenant)  # the refused ones changed nothing

    first.press("ctrl+q")
    assert first.wait_exit() == 0
    wait_gone(tenant, 1.0)
