"""The job queue and job history (Job Status > Active and Log).

Email jobs finish on worker threads (aiosmtplib on the panel's loop, msal in threads), so the log
is guarded by a lock and every change fires a ``DeviceEvent("jobs", job_id)``, which may arrive
off the UI loop. Each entry keeps the error code, the time, the destination and the server's
exact reply, never a token (DESIGN.md §4): replies pass through :func:`redact.redact_text`.

On disk: ``joblog.json`` is a snapshot (finished jobs newest first, at most ``MAX_LOG``, and the
delivery jobs running), and ``joblog.journal`` the changes since, one JSON line each: a delivery
job's start before its message is handed over, every finish after. Why a journal: a job costs
one ``write()`` of one line instead of rewriting and fsyncing the whole log on the send's
critical path. A ``write()`` that returned is in the kernel and survives ``kill -9``; the
fsync for power loss runs on a background thread a moment later, batched across jobs. The
journal is folded into the snapshot every ``2 * MAX_LOG`` lines (in that thread); a start
replays it and rewrites nothing. Reads are bounded: the snapshot's newest ``MAX_LOG`` entries are taken from its first
bytes whatever its size, and only the journal's last bytes are read, so start-up does not
grow with either file.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

from .i18n import Msg
from .job_files import FLUSHER, SNAPSHOT_READ_LIMIT, read_journal_tail, salvage
from .job_record import DELIVERY_KINDS, JOB_KINDS, JOB_STATUSES, MAX_ID, Job
from .jsontypes import JsonObject
from .redact import redact_text
from .storage import BAD_CONTENT, bounded_int, ensure_dir, read_state, write_document

__all__ = ["DELIVERY_KINDS", "JOB_KINDS", "JOB_STATUSES", "MAX_LOG", "Job", "JobLog"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MAX_LOG = 200


class JobLog:
    """Active jobs and the persisted log (newest first). Thread-safe."""

    def __init__(
        self,
        path: Path,
        now: Callable[[], datetime],
        emit: Callable[[str, object], None],
        report_problem: Callable[[Msg], None],
        max_log: int = MAX_LOG,
    ) -> None:
        self._path = Path(path)
        self._now = now
        self._emit = emit
        self._max = max_log
        self._journal = self._path.with_suffix(".journal")
        self._lock = threading.RLock()
        self._active: list[Job] = []
        self._log: list[Job] = []
        self._fd: int | None = None  # the journal, opened for appending on the first change
        self._appended = 0  # lines in the journal since the last snapshot
        self._compact_every = 2 * max(1, max_log)
        self._salvaged = False
        loaded = self._read_snapshot(report_problem)
        next_id = 1
        pending: list[Job] = []
        if loaded is not None:
            self._log, pending, next_id = loaded
        replayed = self._replay(pending)
        interrupted = [dataclasses.replace(job, status="interrupted", finished=None) for job in pending]
        next_id = max([next_id] + [j.id + 1 for j in self._log + interrupted])
        if interrupted:  # jobs a kill cut short: logged now, newest first, and saved at once
            self._log[:0] = sorted(interrupted, key=lambda j: j.id, reverse=True)
        del self._log[self._max :]
        self._ids = itertools.count(next_id)
        self._next_id = next_id
        # Nothing is rewritten at start-up: the journal is replayed the same way at every start
        # (a kill-cut job shows "interrupted" each time) until this process's own jobs fold it
        # in. A start with a salvaged huge log folds it in at its first job.
        self._appended = self._compact_every if self._salvaged else replayed

    def _read_snapshot(self, report_problem: Callable[[Msg], None]) -> tuple[list[Job], list[Job], int] | None:
        """The snapshot, read in bounded time: a file over the read limit gives its newest entries."""
        try:
            size = self._path.stat().st_size
        except OSError:
            size = 0
        if size > SNAPSHOT_READ_LIMIT:
            data = salvage(self._path, self._max, 512 << 10)  # usually enough for MAX_LOG entries
            if data is None or len(data["log"]) < self._max:
                data = salvage(self._path, self._max, SNAPSHOT_READ_LIMIT)
            if data is not None:
                try:
                    self._salvaged = True
                    return self._parse(data)
                except BAD_CONTENT as exc:
                    log.warning("the large job log %s is unusable: %s", self._path, exc)
        return read_state(self._path, SCHEMA_VERSION, self._parse, report_problem, kind="jobs")

    def _replay(self, pending: list[Job]) -> int:
        """Apply the journal's lines to the snapshot just read; return how many applied.

        Idempotent (a kill between writing the snapshot and emptying the journal replays lines
        the snapshot already holds). A line that does not parse (the last one, torn by a power
        cut) is skipped.
        """
        try:
            raw = read_journal_tail(self._journal)
        except FileNotFoundError:
            return 0
        except OSError as exc:
            log.error("cannot read the job journal %s: %s", self._journal, exc)
            return 0
        applied = 0
        logged = {j.id for j in self._log}
        for line in raw.splitlines():
            try:
                rec = json.loads(line)
                op = rec["op"]
                if op == "clear":
                    self._log.clear()
                    logged.clear()
                    applied += 1
                    continue
                job = Job.from_dict(rec["job"])
            except (*BAD_CONTENT, UnicodeDecodeError) as exc:
                log.warning("skipped a damaged line of %s: %s", self._journal, exc)
                continue
            applied += 1
            if op == "start":
                if job.id not in logged and all(p.id != job.id for p in pending):
                    pending.append(job)
            elif op == "finish":
                pending[:] = [p for p in pending if p.id != job.id]
                if job.id not in logged:
                    logged.add(job.id)
                    self._log.insert(0, job)
        self._log.sort(key=lambda j: j.id, reverse=True)
        return applied

    def _parse(self, data: JsonObject) -> tuple[list[Job], list[Job], int]:
        """(log, interrupted jobs, next id) from the file's data; raises on any bad value."""
        entries, active = data.get("log", []), data.get("active", [])
        if not isinstance(entries, list) or not isinstance(active, list):
            raise TypeError("log is not a list")
        logged = [Job.from_dict(d) for d in entries[: self._max]]
        interrupted = [
            dataclasses.replace(job, status="interrupted", finished=None)
            for job in (Job.from_dict(d) for d in active[: self._max])
        ]
        next_id = bounded_int(data.get("next_id", 1), 1, MAX_ID, "next_id")
        return logged, interrupted, next_id

    # -- queries ----------------------------------------------------------------------------
    @property
    def active(self) -> list[Job]:
        """Running jobs, oldest first (a copy)."""
        with self._lock:
            return list(self._active)

    @property
    def log(self) -> list[Job]:
        """Finished jobs, newest first (a copy)."""
        with self._lock:
            return list(self._log)

    def get(self, job_id: int) -> Job | None:
        """The current state of a job, active or logged."""
        with self._lock:
            for job in itertools.chain(self._active, self._log):
                if job.id == job_id:
                    return job
        return None

    # -- changes ----------------------------------------------------------------------------
    def start(self, kind: str, destination: str = "", **details: str) -> Job:
        """Register a running job (shown in Job Status > Active)."""
        with self._lock:
            job_id = next(self._ids)
            self._next_id = job_id + 1
            job = Job(job_id, kind, destination, self._now(), details={k: redact_text(str(v)) for k, v in details.items()})
            self._active.append(job)
            if kind in DELIVERY_KINDS:
                self._append_locked("start", job)  # recorded before any message is handed over
        self._emit("jobs", job.id)
        return job

    def update(self, job: Job | int, **details: str) -> Job | None:
        """Add or change details of an active job (progress text)."""
        job_id = job if isinstance(job, int) else job.id
        with self._lock:
            for i, cur in enumerate(self._active):
                if cur.id == job_id:
                    merged = dict(cur.details)
                    merged.update({k: redact_text(str(v)) for k, v in details.items()})
                    self._active[i] = dataclasses.replace(cur, details=merged)
                    new = self._active[i]
                    break
            else:
                return None
        self._emit("jobs", job_id)
        return new

    def finish(
        self,
        job: Job | int,
        status: str = "completed",
        code: int | None = None,
        reply: str = "",
        **details: str,
    ) -> Job:
        """Move a job to the log with its outcome and persist the log; returns the finished job.

        Finishing a job twice returns the logged one unchanged.
        """
        if status not in JOB_STATUSES or status == "active":
            raise ValueError(f"bad final status {status!r}")
        job_id = job if isinstance(job, int) else job.id
        with self._lock:
            current = next((j for j in self._active if j.id == job_id), None)
            if current is None:
                logged = next((j for j in self._log if j.id == job_id), None)
                if logged is not None:
                    return logged
                if isinstance(job, Job):
                    current = job  # finished before it was ever registered: still log it
                else:
                    raise KeyError(job_id)
            else:
                self._active.remove(current)
            merged = dict(current.details)
            merged.update({k: redact_text(str(v)) for k, v in details.items()})
            done = dataclasses.replace(
                current,
                finished=self._now(),
                status=status,
                code=code,
                reply=redact_text(reply),
                details=merged,
            )
            self._log.insert(0, done)
            del self._log[self._max :]
            self._append_locked("finish", done)
        self._emit("jobs", job_id)
        return done

    def cancel(self, job: Job | int) -> Job:
        """Cancel an active job (logged as "Canceled")."""
        return self.finish(job, "canceled")

    def record(self, kind: str, destination: str = "", status: str = "completed", code: int | None = None,
               reply: str = "", **details: str) -> Job:
        """Start and finish in one step (e.g. a status sheet print)."""
        return self.finish(self.start(kind, destination, **details), status, code, reply)

    def clear(self) -> None:
        """Forget the log (System Administration > Clear Internal Memory Data)."""
        with self._lock:
            self._log.clear()
            self._save_locked()
        self._emit("jobs", None)

    def _append_locked(self, op: str, job: Job) -> None:
        """One journal line, written with one ``write()``; fsync'd later by the flusher."""
        line = json.dumps({"op": op, "job": job.to_dict()}, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")) + "\n"
        try:
            if self._fd is None:
                ensure_dir(self._journal.parent)
                self._fd = os.open(self._journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT
                                   | getattr(os, "O_CLOEXEC", 0), 0o600)
                os.fchmod(self._fd, 0o600)
            os.write(self._fd, line.encode("utf-8"))
        except OSError as exc:  # a full disk must not kill the job that just finished
            log.error("cannot write the job journal: %s", exc)
            return
        self._appended += 1
        FLUSHER.mark(self)

    def _flush(self) -> None:
        """On the flusher thread: the journal to disk, and a new snapshot when it grew long."""
        fd = self._fd
        if fd is not None:
            try:
                os.fdatasync(fd)
            except OSError as exc:
                log.error("cannot sync the job journal: %s", exc)
        if self._appended >= self._compact_every:
            with self._lock:
                if self._appended >= self._compact_every:
                    self._save_locked()

    def sync(self) -> None:
        """Write everything pending to disk now (tests; a clean shutdown)."""
        self._flush()

    def compact(self) -> None:
        """Fold the journal into the snapshot now (the start-up does it too)."""
        with self._lock:
            self._save_locked()

    def close(self) -> None:
        """Sync and close the journal (a new change reopens it)."""
        with self._lock:
            self._flush()
            fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def _save_locked(self) -> None:
        """The snapshot (atomic, fsync'd), then an empty journal: the two never disagree."""
        try:
            write_document(
                self._path, SCHEMA_VERSION,
                {"next_id": self._next_id, "log": [j.to_dict() for j in self._log],
                 "active": [j.to_dict() for j in self._active if j.kind in DELIVERY_KINDS]},
                pretty=False,
            )
        except OSError as exc:  # a full disk must not kill the job that just finished
            log.error("cannot save the job log: %s", exc)
            return
        try:
            if self._fd is not None:
                os.ftruncate(self._fd, 0)
            else:
                self._journal.unlink(missing_ok=True)
            self._appended = 0
        except OSError as exc:
            log.error("cannot empty the job journal: %s", exc)

