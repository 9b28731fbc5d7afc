"""Job log: active and log lists, persistence, bounds, events, thread safety, no secrets."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from device_model import Device, FrozenClock
from device_model.jobs import JobLog


def test_job_lifecycle_and_persistence(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    events = []
    dev.subscribe(events.append)
    job = dev.jobs.start("scan_to_email", "someone@contoso.com")
    assert dev.jobs.active == [job] and job.status == "active"
    dev.clock.advance(timedelta(seconds=3))
    done = dev.jobs.finish(job, "error", code=312,
                           reply="535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.")
    assert dev.jobs.active == []
    assert done.code == 312 and done.finished - done.started == timedelta(seconds=3)
    second = dev.jobs.record("print", "Network Status Sheet")
    assert [j.id for j in dev.jobs.log] == [second.id, done.id]  # newest first
    assert [e.kind for e in events].count("jobs") == 4  # start, finish, record (start+finish)
    again = Device(tmp_path, clock=FrozenClock())
    assert again.jobs.log == dev.jobs.log
    assert again.jobs.start("email", "x@y.z").id > second.id  # ids keep counting
    assert dev.t(done.result_label) == "Error 312"
    assert dev.t(second.result_label) == "Completed"
    assert dev.t(dev.jobs.cancel(dev.jobs.start("scan", "")).result_label) == "Canceled"


def test_log_is_bounded(tmp_path: Path) -> None:
    clock = FrozenClock()
    log = JobLog(tmp_path / "j.json", clock.now, lambda *a: None, lambda m: None, max_log=5)
    for i in range(8):
        log.record("print", f"doc{i}")
    assert [j.destination for j in log.log] == [f"doc{i}" for i in range(7, 2, -1)]
    log2 = JobLog(tmp_path / "j.json", clock.now, lambda *a: None, lambda m: None, max_log=5)
    assert len(log2.log) == 5


def test_finish_twice_returns_logged(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    job = dev.jobs.start("email", "a@b.c")
    first = dev.jobs.finish(job, "completed")
    assert dev.jobs.finish(job, "error", code=313) == first
    assert len(dev.jobs.log) == 1


def test_tokens_never_kept_in_reply_or_details(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlLmNvbSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    job = dev.jobs.start("email", "a@b.c", note=f"Bearer {token}")
    done = dev.jobs.finish(job, "error", code=312, reply=f"535 5.7.3 Authentication unsuccessful {token}")
    text = (tmp_path / "joblog.json").read_text()
    assert token not in text and "eyJ0eXAi" not in text
    assert done.reply.startswith("535 5.7.3 Authentication unsuccessful")


def test_jobs_finish_from_many_threads(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    jobs = [dev.jobs.start("email", f"u{i}@x.y") for i in range(40)]
    threads = [threading.Thread(target=dev.jobs.finish, args=(j, "completed")) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert dev.jobs.active == []
    assert sorted(j.id for j in dev.jobs.log) == sorted(j.id for j in jobs)
    assert len(Device(tmp_path, clock=FrozenClock()).jobs.log) == 40
