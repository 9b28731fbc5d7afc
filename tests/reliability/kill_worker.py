"""The process the kill -9 harness kills: a device busy with settings, jobs and its clock.

It prints what the device acknowledged, one line each, flushed, *after* the call returned: a
line on stdout is a promise the next start must keep. ``SETTING v`` comes before the write
(the value may or may not have landed), ``SET v`` after it.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from device_model import Device, FrozenClock


def main() -> None:
    state, start = Path(sys.argv[1]), int(sys.argv[2])
    dev = Device(state, clock=FrozenClock()) if len(sys.argv) > 3 else Device(state)
    print("READY", flush=True)
    i = start
    while True:
        i += 1
        port = 1024 + i % 60000
        print(f"SETTING {port}", flush=True)
        dev.update("network", proxy_port=port)
        print(f"SET {port}", flush=True)
        job = dev.jobs.start("email", f"user{i}@example.lv")
        print(f"STARTED {job.id}", flush=True)  # on disk before a message would be handed over
        dev.jobs.finish(job, "completed")
        print(f"DONE {job.id}", flush=True)
        dev.jobs.record("print", "status sheet")
        dev.clock.advance(timedelta(seconds=1))
        print(f"CLOCK {dev.clock.offset.total_seconds()}", flush=True)


if __name__ == "__main__":
    main()
