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
    text = (tmp_path / "joblog.journal").read_text()
    assert "535 5.7.3" in text and token not in text and "eyJ0eXAi" not in text
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


# -- the journal and bounded reads ------------------------------------------------------------


def _entry(i: int) -> dict:
    return {"id": i, "kind": "print", "destination": f"job {i}", "started": "2026-03-02T09:30:00+00:00",
            "finished": "2026-03-02T09:30:01+00:00", "status": "completed", "code": None, "reply": "",
            "details": {}}


def test_a_huge_log_gives_its_newest_entries_without_being_parsed_whole(tmp_path: Path) -> None:
    """A log kept by another version (tens of thousands of entries): its newest 200 come from
    its first bytes; a whole-file parse would have failed on the damaged end."""
    import json

    from device_model import job_files
    from device_model import jobs as jobs_mod

    n = 30_000
    doc = json.dumps({"data": {"active": [], "log": [_entry(i) for i in range(n, 0, -1)], "next_id": n + 1},
                      "schema_version": 1}, sort_keys=True, separators=(",", ":"))
    assert len(doc) > job_files.SNAPSHOT_READ_LIMIT
    (tmp_path / "joblog.json").write_text(doc[: len(doc) - 100] + "\0garbage")  # the end is damaged
    dev = Device(tmp_path, clock=FrozenClock())
    assert [dev.t(p) for p in dev.startup_problems] == []
    log = dev.jobs.log
    assert len(log) == jobs_mod.MAX_LOG and log[0].id == n and log[-1].id == n - jobs_mod.MAX_LOG + 1
    assert dev.jobs.record("print", "next").id == n + 1
    dev.jobs.compact()
    assert (tmp_path / "joblog.json").stat().st_size < job_files.SNAPSHOT_READ_LIMIT // 10  # cut to 200


def test_the_journal_is_replayed_and_a_torn_line_skipped(tmp_path: Path) -> None:
    """What a kill -9 leaves: finished jobs only in the journal, a started one never finished,
    a last line cut short. The next start shows them all (the started one interrupted)."""
    dev = Device(tmp_path, clock=FrozenClock())
    done = dev.jobs.record("print", "sheet")
    sending = dev.jobs.start("email", "a@b.c")
    assert not (tmp_path / "joblog.json").exists()  # nothing rewritten per job
    with open(tmp_path / "joblog.journal", "a") as fh:
        fh.write('{"op":"finish","job":{"id":')  # torn
    dev2 = Device(tmp_path, clock=FrozenClock())
    assert [(j.id, j.status) for j in dev2.jobs.log] == [(sending.id, "interrupted"), (done.id, "completed")]
    assert [dev2.t(p) for p in dev2.startup_problems] == []
    assert not (tmp_path / "joblog.json").exists()  # a start rewrites nothing
    dev3 = Device(tmp_path, clock=FrozenClock())  # replaying twice changes nothing
    assert [(j.id, j.status) for j in dev3.jobs.log] == [(sending.id, "interrupted"), (done.id, "completed")]


def test_the_journal_is_folded_in_as_it_grows(tmp_path: Path) -> None:
    from device_model.jobs import JobLog

    log = JobLog(tmp_path / "joblog.json", FrozenClock().now, lambda *a: None, lambda m: None, max_log=5)
    for i in range(9):
        log.record("print", f"j{i}")
    log.sync()
    assert not (tmp_path / "joblog.json").exists()  # under 2 x max_log lines: only the journal
    log.record("print", "j9")
    log.sync()  # the flusher's work, done now
    assert (tmp_path / "joblog.json").exists() and (tmp_path / "joblog.journal").stat().st_size == 0
    log.close()
    again = JobLog(tmp_path / "joblog.json", FrozenClock().now, lambda *a: None, lambda m: None, max_log=5)
    assert [j.destination for j in again.log] == [f"j{i}" for i in range(9, 4, -1)]


def test_only_the_end_of_a_long_journal_is_read(tmp_path: Path, monkeypatch) -> None:
    import json

    from device_model import job_files

    lines = [json.dumps({"op": "finish", "job": _entry(i)}) for i in range(1, 41)]
    (tmp_path / "joblog.journal").write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(job_files, "JOURNAL_READ_LIMIT", 3 * len(lines[-1]) + 10)
    dev = Device(tmp_path, clock=FrozenClock())
    assert [j.id for j in dev.jobs.log] == [40, 39, 38]  # the last lines only; the cut one skipped
    assert [dev.t(p) for p in dev.startup_problems] == []


def test_no_structure_grows_with_jobs(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    for i in range(450):
        dev.jobs.record("print", f"j{i}")
    dev.jobs.sync()
    assert len(dev.jobs.log) == 200 and dev.jobs.active == []
    assert len((tmp_path / "joblog.journal").read_text().splitlines()) <= 400
