"""The job queue and job history (Job Status > Active and Log).

Email jobs finish on worker threads (aiosmtplib on the panel's loop, msal in threads), so the log
is guarded by a lock and every change fires a ``DeviceEvent("jobs", job_id)``, which may arrive
off the UI loop. Finished jobs are persisted newest first in ``state_dir/joblog.json``, bounded to
``MAX_LOG`` entries. Each entry keeps the error code, the time, the destination and the server's
exact reply, never a token (DESIGN.md §4): replies pass through :func:`redact.redact_text`.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from .i18n import Msg
from .redact import redact_text
from .storage import aware_datetime, bounded_int, read_state, write_document
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
        self._lock = threading.RLock()
        self._active: list[Job] = []
        self._log: list[Job] = []
        loaded = read_state(self._path, SCHEMA_VERSION, self._parse, report_problem, kind="jobs")
        next_id = 1
        interrupted: list[Job] = []
        if loaded is not None:
            self._log, interrupted, next_id = loaded
        next_id = max([next_id] + [j.id + 1 for j in self._log + interrupted])
        if interrupted:  # jobs a kill cut short: logged now, newest first, and saved at once
            self._log[:0] = sorted(interrupted, key=lambda j: j.id, reverse=True)
            del self._log[self._max :]
        self._ids = itertools.count(next_id)
        self._next_id = next_id
        if interrupted:
            with self._lock:
                self._save_locked()

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
                self._save_locked()  # on disk before any message is handed over
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
            self._save_locked()
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

    def _save_locked(self) -> None:
        try:
            write_document(
                self._path, SCHEMA_VERSION,
                {"next_id": self._next_id, "log": [j.to_dict() for j in self._log],
                 "active": [j.to_dict() for j in self._active if j.kind in DELIVERY_KINDS]},
                pretty=False,
            )
        except OSError as exc:  # a full disk must not kill the job that just finished
            log.error("cannot save the job log: %s", exc)
