"""One email job, from Job Status > Active to the job log: compose, connect, send, log.

Composing and connecting overlap: the SMTP session (resolve, TCP, TLS, EHLO, AUTH with a token
fetched from msal's cache) is opened while the document is made. Errors keep a fixed
precedence all the same: settings (360; "not set" when there is no server at all) first, then
the composed message (314, the printer's own limit), then the connection (311/312/313,
361/370, and 314 when the server refuses the size).

What the job keeps: ``reply`` is only ever a server's words, verbatim; the printer's own finding
(nothing answered, or it refused the job itself) goes to the ``note`` details, rebuilt as a
catalog message by ``Job.note`` so Job Details shows it in the device's language.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from ..i18n import Msg
from ..jobs import Job, JobLog
from .failures import E_COMM, EmailSendError, not_set_error, size_error
from .message import Attachment, build_message
from .redact import redact_text
from .sender import SendConfig, TokenProvider, deliver, discard_session, open_authenticated

log = logging.getLogger(__name__)

#: what a job sends: (subject, body, attachments), made once the job is Active
Composer = Callable[[], Awaitable[tuple[str, str, Sequence[object]]]]
#: the device's settings as one send's configuration, token provider and From address
Preparer = Callable[[], tuple[SendConfig, "TokenProvider | None", str]]


async def run_email_job(
    jobs: JobLog, now: Callable[[], datetime], prepare: Preparer, to: str | Sequence[str], kind: str,
    compose: Composer,
) -> Job:
    """Run one email job (see the module docstring); returns the finished job."""
    destination = to if isinstance(to, str) else ", ".join(to)
    job = jobs.start(kind, destination)
    details: dict[str, str] = {}
    session: asyncio.Task[object] | None = None
    try:
        cfg, tokens, sender = prepare()
        details["auth"] = cfg.auth_method
        if sender:
            details["sender"] = sender  # Exchange's send-as refusal (5.7.60) does not say which one
        if cfg.smtp_server.strip():
            details["server"] = f"{cfg.smtp_server}:{cfg.smtp_port}"
        if tokens is not None:
            details["account"] = tokens.username
        if not cfg.smtp_server.strip():
            raise not_set_error()
        session = asyncio.create_task(open_authenticated(cfg, tokens))
        await asyncio.sleep(0)  # let it start connecting before composing keeps the loop busy
        subject, body, attachments = await compose()
        details["subject"] = subject
        files = [Attachment.coerce(a) for a in attachments]
        total = sum(len(a.data) for a in files)
        if cfg.max_bytes is not None and total > cfg.max_bytes:
            raise size_error(total, cfg.max_bytes)
        message = build_message(sender=sender, to=to, subject=subject, body=body, attachments=files, date=now())
        cfg.max_bytes = None  # the attachment limit is checked above; SIZE is the server's
        pending, session = session, None
        logged: list[Job] = []

        async def log_completed(reply: str) -> None:
            # Accepted: the job goes to the log while the connection says QUIT (deliver runs
            # this beside it and returns once both are over). Finishing is one append to the
            # job journal (one write(), ~0.1 ms; the journal's flusher thread fsyncs it), done
            # here on the loop: a worker thread's hop and its fight for the GIL with the QUIT
            # round trip cost more than the write.
            if reply and not reply[:3].isdigit():
                reply = f"250 {reply}"
            logged.append(jobs.finish(job, "completed", None, reply, **details))

        await deliver(message, cfg, tokens, session=pending, on_accepted=log_completed)
        return logged[0]
    except EmailSendError as err:
        details["error"] = err.kind
        details.update(note_details(err.note))
        log.info("email job %s failed: %s %s", job.id, err.code, err.reply or (err.note and err.note.key))
        return await asyncio.to_thread(jobs.finish, job, "error", err.code, err.reply, **details)
    except asyncio.CancelledError:
        await asyncio.shield(asyncio.to_thread(jobs.cancel, job))
        raise
    except Exception as exc:  # a bug must still end the job, with a code the panel knows
        log.exception("email job %s crashed", job.id)
        return await asyncio.to_thread(
            jobs.finish, job, "error", E_COMM, redact_text(f"{type(exc).__name__}: {exc}"), **details
        )
    finally:
        if session is not None:
            await discard_session(session)


def note_details(note: Msg | None) -> dict[str, str]:
    """The printer's own finding as job details: ``note`` (the catalog key), ``note.<param>``.

    Job details are plain strings (the job log is JSON); Job Details rebuilds the Msg with
    :attr:`device_model.jobs.Job.note` and shows it in the device's language at that moment.
    """
    if note is None:
        return {}
    out = {"note": note.key}
    out.update({f"note.{k}": str(v) for k, v in note.params.items()})
    return out


def local_hostname(device_name: str) -> str:
    """EHLO name: the device name (no reverse DNS lookup, which is slow on a closed network)."""
    name = re.sub(r"[^A-Za-z0-9-]", "-", device_name or "printer").strip("-") or "printer"
    return name[:63]
