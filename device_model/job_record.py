"""A job as Job Status shows it and the log keeps it: kind, outcome, Epson code, server reply.

Apart from the log (``jobs.py``) so that screens and the email client can speak of a job
without the log's files and threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .i18n import Msg
from .jsontypes import JsonObject
from .storage import aware_datetime, bounded_int

JOB_KINDS = ("scan_to_email", "to_email", "print", "email", "notification", "connection_test", "scan", "fax")
#: "interrupted": the process died while the job was running (a mail may have gone out).
JOB_STATUSES = ("active", "completed", "canceled", "error", "interrupted")
#: Jobs that hand a message to a server: recorded on disk as soon as they start, so that a kill
#: between the server's acceptance and the log's write still leaves a record ("interrupted").
DELIVERY_KINDS = frozenset({"scan_to_email", "to_email", "email", "notification", "fax"})
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
    def list_label(self) -> Msg:
        """The Job Log list's Result cell: :attr:`result_label`, but one word for an interrupted
        job ("Interrupted"), whose full result ("... may have been delivered") would be cut at
        80x24 and squeeze the address; Job Details shows it in full, as it does a code's text."""
        if self.status == "interrupted":
            return Msg.of("device.job.status.interrupted_short")
        return self.result_label

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


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} is not text")
    return value[:_MAX_TEXT]


