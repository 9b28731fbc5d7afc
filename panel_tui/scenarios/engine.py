"""Run scenario steps against a real Device and a real (simulated) tenant.

``apply(scenario, device, tenant)`` sets a scenario up (everything before its final send) and
``run(...)`` also sends and checks the expected code. Both are coroutines: sending is
asyncio (aiosmtplib), while msal, the sign-in pages and the tenant's admin API block and run
in worker threads, so a Textual app can await them from its loop as well as the CLI can.

``tenant`` is anything shaped like ``cloud_sim.TenantHandle``: ``base_url``, ``ca_cert_path``,
``accounts`` (default accounts with passwords) and ``admin`` (``TenantAdmin`` or the panel's
``RemoteTenantAdmin``: the same method names). Outcomes never carry a secret: passwords are
masked, tokens and device codes are never read, job replies are the device's redacted ones.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from device_model.i18n import Msg
from panel_tui.scenarios import checks, sign_in_steps
from panel_tui.scenarios.seams import TenantLike
from panel_tui.scenarios.checks import job_result, result_text
from panel_tui.scenarios.guide_handlers import HANDLERS as GUIDE_HANDLERS
from panel_tui.scenarios.outcomes import ScenarioResult, StepOutcome
from panel_tui.scenarios.step_support import free_port
from panel_tui.scenarios.checks import translate as _t
from panel_tui.scenarios.catalog import Scenario
from panel_tui.scenarios.steps import (
    BASELINE_EMAIL_SERVER,
    BASELINE_SCAN,
    FREE_PORT,
    Advance,
    Baseline,
    Commit,
    Fault,
    ReceiveFax,
    SendScan,
    SettingsRefused,
    Settings,
    SignIn,
    SignOut,
    Step,
    Tenant,
)
from panel_tui.scenarios.expectations import EXPECT_STEPS
from panel_tui.scenarios.tenant_ops import StepError, apply_fault, coerce_settings, run_op, tenant_ops

__all__ = ["Session", "StepError", "StepOutcome", "ScenarioResult", "apply", "run", "coerce_settings", "job_result",
           "tenant_ops"]

if TYPE_CHECKING:
    from device_model import Device
    from device_model.email.signin import SignInAttempt
    from device_model.jobs import Job

log = logging.getLogger(__name__)

#: the steps that are checks (a script's summary counts them): the ``expect`` steps
CHECK_STEPS = (*EXPECT_STEPS, SettingsRefused)


# -- the session ---------------------------------------------------------------------------------


class Session:
    """Carries steps out one by one on one device and one tenant; keeps what steps share.

    Shared state: the pending sign-in attempt (for ``Commit``), passwords changed by
    ``set-password`` (so a later ``SignIn`` uses the new one) and the newest job.
    """

    def __init__(self, device: Device, tenant: TenantLike, *, on_outcome: Callable[[StepOutcome], None] | None = None):
        self.device = device
        self.tenant = tenant
        self.on_outcome = on_outcome
        self.passwords: dict[str, str] = {}
        self.attempt: SignInAttempt | None = None
        #: the newest job this session sent: ``expect`` never looks at jobs of earlier runs
        self.job: Job | None = None
        #: Message-IDs delivered before this session's first send: ``expect mail`` skips them
        self.mail_before: set[str] | None = None

    # -- helpers --------------------------------------------------------------------------

    def upn(self, who: str) -> str:
        """``admin`` -> ``admin@contoso.onmicrosoft.com``; a full UPN passes unchanged."""
        who = str(who).strip()
        if "@" in who:
            return who
        for acct in self.tenant.accounts:
            if acct.username.split("@", 1)[0].lower() == who.lower():
                return str(acct.username)
        known = ", ".join(a.username.split("@", 1)[0] for a in self.tenant.accounts)
        raise StepError(f"no such account {who!r} (default accounts: {known})")

    def password(self, upn: str) -> str:
        if upn.lower() in self.passwords:
            return self.passwords[upn.lower()]
        for acct in self.tenant.accounts:
            if acct.username.lower() == upn.lower():
                return str(acct.password)
        raise StepError(f"the password of {upn} is unknown (only default accounts can sign in here)")

    # -- running --------------------------------------------------------------------------

    async def run_steps(self, steps: Iterable[Step]) -> list[StepOutcome]:
        out = []
        for step in steps:
            out.append(await self.step(step))
        return out

    async def step(self, step: Step) -> StepOutcome:
        """Carry one step out. Expectations report failures; other failures raise StepError."""
        handler = _HANDLERS.get(type(step))
        if handler is None:
            raise StepError(f"unknown step {step!r}")
        try:
            # a handler answers (ok, English text) or (ok, text, the same in a Msg for the panel)
            ok, text, *words = await handler(self, step)
        except StepError:
            raise
        except Exception as exc:  # whatever failed (device, msal, tenant): one line, never a traceback
            raise StepError(_describe_error(exc)) from exc
        outcome = StepOutcome(step, ok, text, is_check=isinstance(step, CHECK_STEPS), msg=words[0] if words else None)
        log.info("scenario step %s: %s", step.describe(), "ok" if ok else "FAILED")
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    # -- handlers -------------------------------------------------------------------------

    async def _baseline(self, step: Baseline) -> tuple[bool, str, Msg]:
        """A full reset: the tenant as prepared (no faults) and the device as from the factory
        (its language kept), then set up as after guide steps 4-5. Nothing an earlier run did
        (consent, passwords, settings, jobs) can change what follows."""
        await self._tenant(Tenant("reset"))
        await asyncio.to_thread(self._clear_faults)
        dev = self.device
        if self.attempt is not None and not self.attempt.done:
            self.attempt.cancel()
        self.attempt = None
        self.job = None
        language = dev.settings.basic.language
        dev.email.sign_out()
        dev.jobs.clear()
        dev.restore_default_settings()
        if language != dev.settings.basic.language:
            dev.update("basic", language=language)
        dev.update("email_server", **BASELINE_EMAIL_SERVER)
        dev.update("scan", **BASELINE_SCAN)
        server = f"{BASELINE_EMAIL_SERVER['smtp_server']}:{BASELINE_EMAIL_SERVER['smtp_port']}"
        return True, ("tenant as prepared, no faults, no relay; device as from the factory, signed out, "
                      f"OAuth2 / Exchange Online, {server} STARTTLS"), Msg.of("scenarios.outcome.baseline", server=server)

    def _clear_faults(self) -> None:
        """No network faults, and no relay (cloud_sim.relay: a relay scenario starts its own)."""
        from cloud_sim.operations import wire_args

        try:
            self.tenant.admin.dispatch("fault-clear", {})
        except (AttributeError, KeyError):  # a tenant without network faults
            pass
        try:
            self.tenant.admin.dispatch(*wire_args("relay_stop", {}))
        except (AttributeError, KeyError, ValueError):  # a tenant without a relay
            pass

    async def _fault(self, step: Fault) -> tuple[bool, str, Msg]:
        from panel_tui.scenarios.wording import fault_words

        text = await asyncio.to_thread(apply_fault, self, step)
        return True, text, fault_words(step.kind, dict(step.args))

    async def _tenant(self, step: Tenant) -> tuple[bool, str, Msg]:
        from panel_tui.scenarios.wording import on_off

        text = await asyncio.to_thread(run_op, self, step.op, dict(step.args))
        args = {k: (on_off(v, step.op) if isinstance(v, bool) or (k == "value" and v is None) else v)
                for k, v in step.args.items()}
        if "upn" in args:
            args["upn"] = self.upn(str(args["upn"]))
        if "password" in args:
            args["password"] = "********"
        if step.op == "ca-add":
            dcf = step.args.get("block_device_code_flow")
            args["what"] = Msg.of("scenarios.word.ca_blocks_dcf" if dcf else "scenarios.word.ca_blocks_refresh")
        return True, text, Msg.of(f"scenarios.outcome.tenant.{step.op}", **args)

    async def _advance(self, step: Advance) -> tuple[bool, str, Msg]:
        try:
            delta = timedelta(days=step.days, hours=step.hours, minutes=step.minutes)
        except OverflowError:
            raise StepError("the device clock cannot move that far") from None
        if delta.total_seconds() <= 0:
            raise StepError("time only moves forward: give a positive duration")
        if step.device:  # checked before either clock moves, so a refusal changes nothing
            from device_model.clock import ClockRangeError, check_offset

            try:
                check_offset(self.device.clock.offset + delta)
            except (ClockRangeError, OverflowError) as exc:
                raise StepError(f"the device clock cannot move {_duration(delta)}: {exc}") from None
        done = []
        if step.tenant:
            await asyncio.to_thread(self.tenant.admin.advance_clock, delta)
            done.append("tenant")
        if step.device:
            self.device.clock.advance(delta)
            done.append("device")
        which = "both" if len(done) == 2 else done[0]
        return (True, f"{' and '.join(done)} clock moved {_duration(delta)} forward",
                Msg.of(f"scenarios.outcome.advanced_{which}", duration=_duration(delta)))

    async def _settings(self, step: Settings) -> tuple[bool, str]:
        from device_model.validation import ValidationError

        values = coerce_settings(step.section, step.values)
        values = {k: (free_port() if v == FREE_PORT else v) for k, v in values.items()}
        try:
            self.device.update(step.section, **values)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {_t(self.device, m)}" for k, m in exc.errors.items())
            raise StepError(f"the device refused the settings: {problems}") from None
        shown = ", ".join(f"{k}={'********' if k == 'password' else v}" for k, v in values.items())
        return True, f"{step.section}: {shown}"

    async def _send_scan(self, step: SendScan) -> tuple[bool, str, Msg]:
        if self.mail_before is None:
            self.mail_before = await asyncio.to_thread(checks.message_ids, self.tenant.admin)
        if step.max_size_mb is not None:
            self.device.update("scan", attached_file_max_size_mb=int(step.max_size_mb))
        job = await self.device.email.scan_to_email(step.to, pages=step.pages, dpi=step.dpi)
        self.job = job
        text = f"job {job.id} to {job.destination}: {result_text(job_result(job))}"
        extra = ""
        if job.reply:
            extra = f" ({job.reply.splitlines()[0]})"
        elif getattr(job, "note", None) is not None:  # no server answered: the printer's finding
            extra = f" ({_t(self.device, job.note)})"
        return True, text + extra, job_words(job, extra)

    async def _receive_fax(self, step: ReceiveFax) -> tuple[bool, str, Msg]:
        from device_model.fax import fax_server_client

        if self.mail_before is None:
            self.mail_before = await asyncio.to_thread(checks.message_ids, self.tenant.admin)
        job = await fax_server_client(self.device).receive_sample()
        self.job = job
        key = fax_job_key(job)
        verb = "forwarded to" if key == "scenarios.outcome.fax_job" else "not forwarded to"
        text = f"fax job {job.id} {verb} {job.destination or '-'}: {result_text(job_result(job))}"
        extra = f" ({job.reply.splitlines()[0]})" if job.reply else ""
        return True, text + extra, job_words(job, extra, key)


#: each step's handler; a handler takes its own step type (the table pairs them)
_HANDLERS: dict[type, Callable[[Session, Step], Awaitable[tuple[object, ...]]]] = {  # type: ignore[dict-item]
    Baseline: Session._baseline,
    SignIn: sign_in_steps.sign_in,
    Commit: sign_in_steps.commit,
    SignOut: sign_in_steps.sign_out,
    Tenant: Session._tenant,
    Advance: Session._advance,
    Settings: Session._settings,
    SendScan: Session._send_scan,
    ReceiveFax: Session._receive_fax,
    Fault: Session._fault,
    **checks.CHECKS,
}


def fax_job_key(job: Job) -> str:
    """A fax job's outcome line: "forwarded to" only when it went out (a 360 forwarded nothing,
    as the panel's Receive Sample Fax says too)."""
    return "scenarios.outcome.fax_job_failed" if job.status in ("error", "canceled") else "scenarios.outcome.fax_job"


def job_words(job: Job, extra: str, key: str = "scenarios.outcome.job") -> Msg:
    """A sent job's outcome in the panel's words: its id, where to, its result as Job Status
    says it, and the server's reply (or the printer's finding) verbatim."""
    return Msg.of(key, id=job.id, to=job.destination or "-", result=job.result_label, extra=extra)


def _duration(delta: timedelta) -> str:
    secs = int(delta.total_seconds())
    days, rest = divmod(secs, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (minutes, "m")) if v]
    return " ".join(parts) or f"{secs}s"


def _describe_error(exc: BaseException) -> str:
    """One line for an unexpected failure; redacted, since a reply could echo what was sent."""
    from device_model.redact import redact_text

    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    return redact_text(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


# -- the API -------------------------------------------------------------------------------------


async def apply(scenario: Scenario, device: Device, tenant: TenantLike, *, send: bool = False,
                on_outcome: Callable[[StepOutcome], None] | None = None) -> ScenarioResult:
    """Set the scenario up on ``device`` and ``tenant``: every step before its final send.

    With ``send=True`` the final send and its check run too (that is :func:`run`). A step that
    cannot be carried out raises :class:`StepError`; a failed check is in the result.
    """
    session = Session(device, tenant, on_outcome=on_outcome)
    steps = scenario.steps if send else scenario.setup
    result = ScenarioResult(scenario.id)
    for step in steps:
        result.outcomes.append(await session.step(step))
    result.job = session.job
    return result


async def run(scenario: Scenario, device: Device, tenant: TenantLike, *,
              on_outcome: Callable[[StepOutcome], None] | None = None) -> ScenarioResult:
    """Set up, send and check: ``result.ok`` says whether the job gave ``scenario.code``."""
    return await apply(scenario, device, tenant, send=True, on_outcome=on_outcome)


# the guide's Print Admin Serverless and refused-setting steps: their handlers live in a module of
# their own and join this table
_HANDLERS.update(GUIDE_HANDLERS)
