"""The ``expect`` steps: what a tester checks after a step, each as ``(ok, text)``.

Every check looks only at what this session did (its newest job, the mail delivered since its
first send), so a state dir that already has jobs or mail cannot make a check pass. A failed
check says what was expected and what was there, with the server's reply where there is one;
never a token or a password (replies are the device's redacted ones).
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from panel_tui.scenarios.expectations import (
    ATTEMPT_STATES,
    SIGN_IN_STATES,
    ExpectJob,
    ExpectMail,
    ExpectPanel,
    ExpectReply,
    ExpectSignIn,
    ExpectStatus,
)
from panel_tui.scenarios.seams import TenantAdminLike
from panel_tui.scenarios.tenant_ops import StepError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from device_model import Device
    from device_model.i18n import Msg
    from device_model.jobs import Job
    from panel_tui.scenarios.seams import SessionLike as Session


#: the result of a job that never started because no email server is set (``expect job not-set``)
NOT_SET = "not_set"


def job_result(job: Job) -> int | str:
    """The job's result as checks compare it: its error code, or its status word.

    A job the printer never started because no email server is set is ``not_set``, as the
    panel's Log says "Not set" (job_record.result_label): it is not an error the printer met.
    """
    if job.status == "error" and job.code is not None:
        return int(job.code)
    if job.status == "error" and (job.details or {}).get("error") == "not_set":
        return NOT_SET
    return str(job.status)


def result_text(result: int | str) -> str:
    """A result in a step line: ``361``, ``completed``, or "Not set" (the panel's and README's
    word for a printer without an email server)."""
    return "Not set" if result == NOT_SET else str(result)


def translate(device: Device, msg: Msg | None) -> str:
    if msg is None:
        return ""
    return device.t(msg)  # never raises: an unknown key shows as the key


def reply_of(device: Device, job: Job) -> str:
    """The server's reply (first line), or the printer's own finding when no server answered."""
    if job.reply:
        return str(job.reply.splitlines()[0])
    note = getattr(job, "note", None)
    return translate(device, note) if note is not None else ""


def _no_job(session: Session) -> tuple[bool, str, Msg] | None:
    if session.job is not None:
        return None
    return False, "no job has run in this script yet", _m("scenarios.outcome.no_job")


def _m(key: str, **params: object) -> Msg:
    """An outcome's words for the panel (``wording``); the text beside it stays English."""
    from device_model.i18n import Msg

    return Msg.of(key, **params)


async def expect_job(session: Session, step: ExpectJob) -> tuple[bool, str, Msg]:
    if (missing := _no_job(session)) is not None:
        return missing
    job = session.job
    got = job_result(job)
    if str(got) == str(step.expected):
        return True, f"job {job.id}: {result_text(got)}", _m("scenarios.outcome.expect_job_ok", id=job.id, result=job.result_label)
    reply = reply_of(session.device, job)
    extra = f" ({reply})" if reply else ""
    from panel_tui.scenarios.wording import result_word

    return (False, f"job {job.id}: expected {result_text(step.expected)}, got {result_text(got)}" + extra,
            _m("scenarios.outcome.expect_job_failed", id=job.id, expected=result_word(step.expected),
               result=job.result_label, extra=extra))


async def expect_reply(session: Session, step: ExpectReply) -> tuple[bool, str, Msg]:
    if (missing := _no_job(session)) is not None:
        return missing
    reply = reply_of(session.device, session.job)
    if re.search(step.pattern, reply):
        return True, f"reply: {reply}", _m("scenarios.outcome.expect_reply_ok", reply=reply)
    return (False, f"reply: expected ~ {step.pattern}, got {reply or '(none)'}",
            _m("scenarios.outcome.expect_reply_failed", pattern=step.pattern, reply=reply or "-"))


def panel_text(device: Device, job: Job) -> str:
    """What the panel shows for a job: the Log column, the status text, the solution and the
    message shown when it fails (Job Details), in the device's language, one line."""
    from device_model.errors import ErrorCatalog

    parts = [translate(device, job.result_label)]
    entry = ErrorCatalog().for_job(job)
    if entry is not None:
        parts += [translate(device, entry.status), translate(device, entry.solution)]
        if entry.panel_message is not None:
            parts.append(translate(device, entry.panel_message))
    note = getattr(job, "note", None)
    if note is not None:
        parts.append(translate(device, note))
    return " | ".join(p for p in parts if p)


async def expect_panel(session: Session, step: ExpectPanel) -> tuple[bool, str, Msg]:
    if (missing := _no_job(session)) is not None:
        return missing
    shown = panel_text(session.device, session.job)
    if re.search(step.pattern, shown, re.IGNORECASE):
        return True, f"panel: {shown}", _m("scenarios.outcome.expect_panel_ok", shown=shown)
    return (False, f"panel: expected ~ {step.pattern}, got {shown}",
            _m("scenarios.outcome.expect_panel_failed", pattern=step.pattern, shown=shown))


async def expect_status(session: Session, step: ExpectStatus) -> tuple[bool, str, Msg]:
    if step.state not in SIGN_IN_STATES:
        raise StepError(f"unknown status {step.state!r} (one of {', '.join(SIGN_IN_STATES)})")
    st = session.device.email.status()
    who = f" ({st.account})" if st.account else ""
    got = _m(f"scenarios.word.status.{st.state}")
    if st.state == step.state:
        return True, f"status {st.state}{who}", _m("scenarios.outcome.expect_status_ok", state=got, who=who)
    return (False, f"status: expected {step.state}, got {st.state}{who}",
            _m("scenarios.outcome.expect_status_failed", expected=_m(f"scenarios.word.status.{step.state}"),
               state=got, who=who))


async def expect_sign_in(session: Session, step: ExpectSignIn) -> tuple[bool, str, Msg]:
    if step.state not in ATTEMPT_STATES:
        raise StepError(f"unknown sign-in state {step.state!r} (one of {', '.join(ATTEMPT_STATES)})")
    attempt = session.attempt
    if attempt is None:
        return False, "no sign-in has been tried yet", _m("scenarios.outcome.no_sign_in")
    code = f" AADSTS{attempt.aad_code}" if attempt.aad_code else ""
    got = f"{attempt.state}{code}"
    ok = attempt.state == step.state and (step.aad_code is None or attempt.aad_code == step.aad_code)
    want_code = f" AADSTS{step.aad_code}" if step.aad_code else ""
    want = step.state + want_code
    words = _m("scenarios.outcome.expect_sign_in_ok" if ok else "scenarios.outcome.expect_sign_in_failed",
               state=_m(f"scenarios.word.attempt.{attempt.state}"), code=code,
               expected=_m(f"scenarios.word.attempt.{step.state}"), expected_code=want_code)
    return ok, (f"sign-in {got}" if ok else f"sign-in: expected {want}, got {got}"), words


# -- mail ----------------------------------------------------------------------------------------


def _messages(admin: TenantAdminLike) -> list[EmailMessage]:
    """Every delivered message (``email.message.EmailMessage``) of every mailbox, oldest first
    (``mail_list`` names their files: the tenant runs on this machine)."""
    import email.policy
    from email.parser import BytesParser

    parser = BytesParser(policy=email.policy.default)
    out: list[EmailMessage] = []
    from cloud_sim.operations import wire_args

    listed = admin.dispatch(*wire_args("mail_list", {"upn": None}))
    if not isinstance(listed, list):
        raise StepError("expect mail needs a tenant whose mailboxes this machine can read")
    for info in sorted(listed, key=lambda i: str(i.get("delivered", ""))):
        try:
            with open(str(info["path"]), "rb") as fh:
                msg = parser.parse(fh)
        except (OSError, KeyError):
            continue  # removed meanwhile
        if isinstance(msg, EmailMessage):  # always, with policy.default
            out.append(msg)
    return out


def message_ids(admin: TenantAdminLike) -> set[str]:
    """The Message-IDs already delivered (so ``expect mail`` can skip them); empty if unreadable."""
    try:
        return {str(m.get("Message-ID", "")) for m in _messages(admin)}
    except StepError:
        return set()


def _attachments(msg: EmailMessage) -> list[tuple[str, int]]:
    out = []
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        out.append((str(part.get_filename() or ""), len(payload)))
    return out


def _matches(msg: EmailMessage, field: str, op: str, value: str) -> bool:
    if field == "size":
        size = len(msg.as_bytes())
        return size < int(value) if op == "<" else size > int(value) if op == ">" else size == int(value)
    if field == "attachment":
        files = _attachments(msg)
        if op == "=":
            return any(name.lower() == value.lower() for name, _ in files)
        if op == "~":
            return any(re.search(value, name) for name, _ in files)
        return any((n < int(value)) if op == "<" else (n > int(value)) for _, n in files)
    text = str(msg.get(field, ""))
    if op == "~":
        return re.search(value, text, re.IGNORECASE) is not None
    if field in ("to", "from"):
        return value.lower() in text.lower()  # "Printer <printer@...>" has the address in it
    return text == value


def _describe(msg: EmailMessage) -> str:
    files = ", ".join(f"{n} ({b} bytes)" for n, b in _attachments(msg)) or "no attachment"
    return f"to {msg.get('To', '')}, from {msg.get('From', '')}, subject {msg.get('Subject', '')!r}, {files}"


async def expect_mail(session: Session, step: ExpectMail) -> tuple[bool, str, Msg]:
    import asyncio

    before = session.mail_before or set()
    messages = [m for m in await asyncio.to_thread(_messages, session.tenant.admin)
                if str(m.get("Message-ID", "")) not in before]
    if step.count == 0:
        if not messages:
            return True, "no mail delivered in this script", _m("scenarios.outcome.no_mail")
        described = _describe(messages[-1])
        return (False, f"expected no mail, got {len(messages)}: {described}",
                _m("scenarios.outcome.mail_unexpected", n=len(messages), mail=described))
    for msg in reversed(messages):
        if all(_matches(msg, f, op, v) for f, op, v in step.conditions):
            return True, f"mail {_describe(msg)}", _m("scenarios.outcome.mail_ok", mail=_describe(msg))
    if not messages:
        return False, "no mail was delivered in this script", _m("scenarios.outcome.no_mail_at_all")
    described = _describe(messages[-1])
    return (False, f"no delivered mail matches; newest: {described}",
            _m("scenarios.outcome.mail_no_match", mail=described))


#: each ``expect`` step's check (the engine runs a step by its type)
CHECKS: dict[type, Callable[[Session, Any], Awaitable[tuple[bool, str, Msg]]]] = {
    ExpectJob: expect_job,
    ExpectStatus: expect_status,
    ExpectSignIn: expect_sign_in,
    ExpectReply: expect_reply,
    ExpectPanel: expect_panel,
    ExpectMail: expect_mail,
}
