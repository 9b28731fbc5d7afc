"""Device start-up against the size of its job log (and the journal beside it).

Usage: ``.venv/bin/python bench/state_files.py [--runs 5]``

Times ``Device(state_dir)`` (every state file read and checked, the job journal folded in) in
this process, on state dirs whose job log holds:

* nothing (a new device);
* 200 finished jobs (what the device keeps);
* 100 000 finished jobs in ``joblog.json`` (a log kept by another version or tool: ~30 MB);
* 399 journal lines not yet folded in (the most a kill -9 can leave between two compactions).

Prints the median start-up (wall and CPU; the ratio is of CPU time, steadier on a shared
machine) and the peak memory one more start allocated (tracemalloc). Aim: start-up independent of the file's size (ratio ~1 at 100 000).
The 100 000-entry and journal cases are rebuilt before each run (a start folds them in).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _entry(i: int) -> dict:
    return {"id": i, "kind": "scan_to_email", "destination": "user@contoso.onmicrosoft.com",
            "started": "2026-03-02T09:30:00+00:00", "finished": "2026-03-02T09:30:01+00:00",
            "status": "completed", "code": None, "reply": "250 2.0.0 OK <1234@contoso>",
            "details": {"server": "smtp.office365.com:587", "auth": "oauth2",
                        "account": "printer@contoso.onmicrosoft.com"}}


def _snapshot(n: int) -> bytes:
    return json.dumps({"data": {"active": [], "log": [_entry(i) for i in range(n, 0, -1)], "next_id": n + 1},
                       "schema_version": 1}, sort_keys=True, separators=(",", ":")).encode()


def _journal(n: int) -> bytes:
    return "".join(json.dumps({"op": "finish", "job": _entry(i)}, separators=(",", ":")) + "\n"
                   for i in range(1, n + 1)).encode()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    from device_model import Device

    cases = {
        "new device": {},
        "200 jobs": {"joblog.json": _snapshot(200)},
        "100 000 jobs": {"joblog.json": _snapshot(100_000)},
        "399 journal lines": {"joblog.json": _snapshot(200), "joblog.journal": _journal(399)},
    }
    Device(Path(tempfile.mkdtemp(prefix="state-bench-warm-")))  # imports, catalogs
    results: dict[str, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory(prefix="state-bench-") as tmp:
        for name, files in cases.items():
            times: list[float] = []
            cpus: list[float] = []
            peak = 0
            for run in range(args.runs + 1):
                state = Path(tmp) / f"{name.replace(' ', '_')}-{run}"
                shutil.rmtree(state, ignore_errors=True)
                state.mkdir(mode=0o700)
                for fname, data in files.items():
                    (state / fname).write_bytes(data)
                    (state / fname).chmod(0o600)
                traced = run == args.runs  # the last start only: tracemalloc slows what it watches
                if traced:
                    tracemalloc.start()
                t0, c0 = time.perf_counter(), time.process_time()
                dev = Device(state)
                if traced:
                    peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
                else:
                    times.append(time.perf_counter() - t0)
                    cpus.append(time.process_time() - c0)
                assert not dev.startup_problems, [dev.t(p) for p in dev.startup_problems]
                jobs = len(dev.jobs.log)
                del dev
            size = sum(len(d) for d in files.values())
            results[name] = (statistics.median(cpus), peak, jobs)
            print(f"{name:<18} files {size / 1e6:7.2f} MB   start {statistics.median(times) * 1000:7.1f} ms "
                  f"(CPU {results[name][0] * 1000:6.1f} ms)   "
                  f"peak alloc {peak / 2**20:6.2f} MiB   jobs shown {jobs}", flush=True)
    base, kept = results["new device"][0], results["200 jobs"][0]
    print()
    for name, (t, _, _) in results.items():
        print(f"{name:<18} start-up CPU ratio to a new device: {t / base:5.2f}, to one with 200 jobs: {t / kept:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
