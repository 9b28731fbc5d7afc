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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from .i18n import Msg
from .redact import redact_text
from .storage import BAD_CONTENT, aware_datetime, bounded_int, ensure_dir, read_state, write_document
from .jsontypes import JsonObject

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MAX_LOG = 200

JOB_KINDS = ("scan_to_email", "print", "email", "notification", "connection_test", "scan", "fax")
#: "interrupted": the process died while the job was running (a mail may have gone out).
JOB_STATUSES = ("active", "completed", "canceled", "error", "interrupted")
#: Jobs that hand a message to a server: recorded on disk as soon as they start, so that a kill
#: between the server's acceptance and the log's write still leaves a record ("interrupted").
DELIVERY_KINDS = frozenset({"scan_to_email", "email", "notification", "fax"})
MAX_ID = 2**53  # what any JSON reader keeps exactly
_MAX_TEXT = 4000
#: the most of the snapshot read whole; a larger one (a log kept by another version, say) gives
#: its newest entries from its first bytes (see :func:`_salvage`)
SNAPSHOT_READ_LIMIT = 4 << 20
#: the most of the journal read at start-up: its last bytes (a longer one is cut short by a
#: kill between two compactions only if jobs carry huge replies)
JOURNAL_READ_LIMIT = 4 << 20


@dataclass(frozen=True)
class Job:
    """One job. Frozen: :meth:`JobLog.finish` returns the finished copy.

    ``code`` is the Epson error code (311–315, 360, 361, 370) when ``status == "error"``;
    ``reply`` is the server's reply (e.g. ``535 5.7.139 Authentication unsuccessful ...``);
    ``details`` holds extra facts for the job details screen (strings only, never secrets).
    """

    id: int
    kind: str
    destination: str
    started: datetime
    finished: datetime | None = None
    status: str = "active"
    code: int | None = None
    reply: str = ""
    details: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def result_label(self) -> Msg:
        """What the Log column shows: "Completed", "Canceled", the error code, or "Active".

        A job that never started because no email server is set shows "Not set" (the word
        Epson's status pages use for an empty setting), not an error code the printer never
        met.
        """
        if self.status == "error" and self.code is not None:
            return Msg.of("device.job.status.error_code", code=self.code)
        if self.status == "error" and self.details.get("error") == "not_set":
            return Msg.of("device.job.status.not_set")
        return Msg.of(f"device.job.status.{self.status}")

    @property
    def note(self) -> Msg | None:
        """The printer's own finding (no server said anything), rebuilt from the details.

        The email client stores it as ``note`` (a catalog key) and ``note.<param>`` details,
        so it is shown in whatever language the device speaks when Job Details opens.
        """
        key = self.details.get("note")
        if not key:
            return None
        params = {k[5:]: v for k, v in self.details.items() if k.startswith("note.")}
        return Msg.of(key, **params)

    @property
    def kind_label(self) -> Msg:
        return Msg.of(f"device.job.kind.{self.kind}")

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "kind": self.kind,
            "destination": self.destination,
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "status": self.status,
            "code": self.code,
            "reply": self.reply,
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, d: JsonObject) -> "Job":
        """A job from the log file, every type and bound checked (see ``storage.read_state``)."""
        if not isinstance(d, dict):
            raise TypeError("job entry is not an object")
        details = d.get("details") or {}
        if not isinstance(details, dict):
            raise TypeError("job details are not an object")
        status = _text(d.get("status", "completed"), "status")
        if status not in JOB_STATUSES:
            raise ValueError(f"unknown job status {status[:20]!r}")
        return cls(
            id=bounded_int(d["id"], 1, MAX_ID, "id"),
            kind=_text(d["kind"], "kind")[:64],
            destination=_text(d.get("destination", ""), "destination"),
            started=aware_datetime(d["started"], "started"),
            finished=aware_datetime(d["finished"], "finished") if d.get("finished") else None,
            status=status,
            code=bounded_int(d["code"], 0, 99999, "code") if d.get("code") is not None else None,
            reply=_text(d.get("reply", ""), "reply"),
            details={_text(k, "detail"): _text(v, "detail") for k, v in details.items()},
        )


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} is not text")
    return value[:_MAX_TEXT]


class JobLog:
    """Active jobs and the persisted log (newest first). Thread-safe."""

    def __init__(
        self,
        path: Path,
        now: Callable[[], datetime],
        emit: Callable[[str, Any], None],
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
            data = _salvage(self._path, self._max, 512 << 10)  # usually enough for MAX_LOG entries
            if data is None or len(data["log"]) < self._max:
                data = _salvage(self._path, self._max, SNAPSHOT_READ_LIMIT)
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
            with open(self._journal, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > JOURNAL_READ_LIMIT:
                    fh.seek(size - JOURNAL_READ_LIMIT)
                    fh.readline()  # a line cut by the seek
                raw = fh.read()
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
        _FLUSHER.mark(self)

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


def journal_finished(path: Path) -> list[dict[str, Any]]:
    """Jobs finished since the snapshot, newest first, as JSON objects: the journal beside
    ``joblog.json`` read without a ``Device`` (bounded, damaged lines skipped), for tools that
    read a state dir they do not own (the class trainer's progress table)."""
    journal = Path(path).with_suffix(".journal")
    try:
        with open(journal, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > JOURNAL_READ_LIMIT:
                fh.seek(size - JOURNAL_READ_LIMIT)
                fh.readline()
            raw = fh.read()
    except OSError:
        return []
    out: list[dict[str, Any]] = []
    for line in raw.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and rec.get("op") == "finish" and isinstance(rec.get("job"), dict):
            out.append(rec["job"])
    out.reverse()
    return out


class _Flusher:
    """One daemon thread for every job log: fsyncs journals a moment after their writes,
    batching the jobs that finished meanwhile, and compacts them; never on a job's path."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._dirty: dict[int, JobLog] = {}
        self._thread: threading.Thread | None = None

    def mark(self, job_log: JobLog) -> None:
        with self._cv:
            self._dirty[id(job_log)] = job_log
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="joblog-fsync", daemon=True)
                self._thread.start()
            self._cv.notify()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._dirty:
                    self._cv.wait()
                batch = list(self._dirty.values())
                self._dirty.clear()
            for job_log in batch:
                try:
                    job_log._flush()
                except Exception:  # pragma: no cover - logged; the next job retries
                    log.exception("job journal flush failed")
            del batch, job_log


_FLUSHER = _Flusher()


def _salvage(path: Path, limit: int, nbytes: int) -> dict[str, Any] | None:
    """The newest ``limit`` entries of an oversized snapshot, parsed from its first ``nbytes``.

    The snapshot is written with sorted keys, newest entry first (``{"data":{"active":[...],
    "log":[...],"next_id":N},...}``), so its first bytes hold what the log keeps. None when they
    do not look like one.
    """
    import re

    try:
        with open(path, "rb") as fh:
            text = fh.read(nbytes).decode("utf-8", "ignore")
    except OSError:
        return None
    dec = json.JSONDecoder()
    ws = re.compile(r"[ \t\r\n]*")

    def skip(i: int) -> int:
        return ws.match(text, i).end()  # type: ignore[union-attr]

    m = re.match(r'\s*\{\s*"data"\s*:\s*\{', text)
    if not m:
        return None
    out: dict[str, Any] = {}
    i = m.end()
    try:
        while True:
            i = skip(i)
            if text[i] == "}":
                break
            key, i = dec.raw_decode(text, i)
            i = skip(i)
            if text[i] != ":":
                break
            i = skip(i + 1)
            if key != "log":
                out[key], i = dec.raw_decode(text, i)
            else:
                entries: list[Any] = []
                out["log"] = entries
                if text[i] != "[":
                    break
                i += 1
                while len(entries) < limit:
                    i = skip(i)
                    if text[i] == "]":
                        i += 1
                        break
                    entry, i = dec.raw_decode(text, i)
                    entries.append(entry)
                    i = skip(i)
                    if text[i] == ",":
                        i += 1
                if len(entries) >= limit:
                    break
            i = skip(i)
            if text[i] == ",":
                i += 1
    except (IndexError, ValueError):  # the read limit cut the document: keep what was read
        pass
    if not isinstance(out.get("log"), list):
        return None
    if not isinstance(out.get("next_id"), int):
        out.pop("next_id", None)
    return out
