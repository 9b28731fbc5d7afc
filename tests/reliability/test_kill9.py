"""kill -9 at random moments while the device writes: nothing acknowledged is lost.

Each round starts ``kill_worker.py`` on the same state dir, lets it work for a random few
milliseconds and kills it with SIGKILL (no cleanup runs). Then a fresh ``Device`` must start
without any problem and keep every promise the worker printed: the last acknowledged setting
(or the one in flight), every finished job as completed, every started email job (completed or
"interrupted"), the clock offset; and no temp file may be left, every file 0600, every dir 0700.
20 rounds by default; ``RELIABILITY_SCALE=N`` runs 20×N.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from device_model import Device
from tests.reliability.conftest import SCALE, record_count

ROUNDS = 20 * SCALE
WORKER = Path(__file__).with_name("kill_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(state: Path, start: int, delay: float) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, str(WORKER), str(state), str(start)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.strip() == "READY", (first, proc.stderr.read() if proc.stderr else "")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, err
    return out.splitlines()


def _check_modes_and_leftovers(state: Path) -> None:
    for path in [state, *state.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_dir():
            assert mode == 0o700, f"{path} is {oct(mode)}"
        else:
            assert mode == 0o600, f"{path} is {oct(mode)}"
            assert not path.name.endswith(".tmp"), f"leftover {path}"
            assert ".corrupt-" not in path.name, f"something was found damaged: {path}"


def test_kill_9_loses_nothing_acknowledged(tmp_path: Path) -> None:
    state = tmp_path / "state"
    rng = random.Random(9)
    leftovers_seen = interrupted_seen = acked = 0
    for round_no in range(ROUNDS):
        lines = _run_and_kill(state, round_no * 100_000, rng.uniform(0.0, 0.12))
        acked += len(lines)
        leftovers_seen += sum(1 for p in state.rglob("*.tmp"))
        dev = Device(state)
        assert [dev.t(p) for p in dev.startup_problems] == []
        _check_modes_and_leftovers(state)

        words = [line.split() for line in lines if line.strip()]
        setting = [int(w[1]) for w in words if w[0] in ("SET", "SETTING")]
        sets = [int(w[1]) for w in words if w[0] == "SET"]
        if sets:
            allowed = {sets[-1], setting[-1]}
            assert dev.settings.network.proxy_port in allowed
        logged = {job.id: job for job in dev.jobs.log}
        oldest = min(logged) if len(logged) >= 200 else 0
        for word, value in ((w[0], int(w[1])) for w in words if w[0] in ("STARTED", "DONE")):
            if value < oldest:
                continue
            assert value in logged, f"{word} job {value} is missing after the kill"
            if word == "DONE":
                assert logged[value].status == "completed"
            else:
                assert logged[value].status in ("completed", "interrupted")
                interrupted_seen += logged[value].status == "interrupted"
        clocks = [float(w[1]) for w in words if w[0] == "CLOCK"]
        if clocks:
            assert dev.clock.offset.total_seconds() >= clocks[-1]
        del dev
    record_count("kill -9 rounds", ROUNDS)
    record_count("kill -9 acknowledged lines checked", acked)
    record_count("kill -9 temp files found (and cleaned at start)", leftovers_seen)
    record_count("kill -9 jobs shown interrupted", interrupted_seen)
