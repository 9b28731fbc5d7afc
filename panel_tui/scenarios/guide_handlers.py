"""How the engine carries out the guide's Print Admin Serverless and refused-setting steps
(:class:`~panel_tui.scenarios.catalog.PasSignIn` and its kin; registered in the engine's table)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from device_model.i18n import Msg
from panel_tui.scenarios.checks import job_result, result_text
from panel_tui.scenarios.checks import translate as _t
from panel_tui.scenarios.step_support import SIGN_IN_GRACE, SIGN_IN_TIMEOUT
from panel_tui.scenarios.tenant_ops import StepError, coerce_settings
from panel_tui.scenarios.steps import (
    DeleteRelayCa,
    ImportRelayCa,
    PasSend,
    PasSignIn,
    PasSignOut,
    Relay,
    RelayStop,
    SettingsRefused,
)

#: what the Email Server sends From through the relay (the relay takes any address)
RELAY_SENDER = "scanner@relay.example"


def _pas_user(session: Any, user_id: str) -> Any:
    from device_model.pas import pas_for

    pas = pas_for(session.device)
    user = pas.users.get(user_id)
    if user is None:
        raise StepError(f"no Print Admin Serverless user {user_id!r} (known: {', '.join(pas.users)})")
    return pas, user


async def pas_sign_out(session: Any, step: PasSignOut) -> tuple[bool, str, Msg]:
    from device_model.pas import pas_for

    pas = pas_for(session.device)
    for user in pas.users.values():
        pas.client(user).sign_out()
    return True, "no Print Admin Serverless user holds a sign-in", Msg.of("scenarios.outcome.pas_signed_out")


async def pas_sign_in(session: Any, step: PasSignIn) -> tuple[bool, str, Msg]:
    """The user's To Email sign-in: the device asks for a code, the browser part walks the
    tenant's pages as ``account``; a finished sign-in is kept for this user only."""
    from cloud_sim.signin import SignInClient

    pas, user = _pas_user(session, step.user)
    client = pas.client(user)
    upn = session.upn(step.account)
    pw = session.password(upn)
    attempt = await asyncio.to_thread(client.begin_sign_in, None)
    session.attempt = attempt
    if attempt.state != "waiting":
        raise StepError(f"sign-in could not start: {_t(session.device, attempt.error)}")
    attempt.start()

    def browser() -> Any:
        with SignInClient(session.tenant.base_url, session.tenant.ca_cert_path) as c:
            return c.sign_in(attempt.user_code, upn, pw, accept=True, on_behalf_of_org=step.org)

    try:
        page = await asyncio.to_thread(browser)
    except BaseException:
        attempt.cancel()
        raise
    state = await asyncio.to_thread(attempt.wait, SIGN_IN_TIMEOUT if page.kind == "done" else SIGN_IN_GRACE)
    if state == "waiting":
        attempt.cancel()
        state = attempt.state
    if state != "signed_in":
        why = _t(session.device, attempt.error) if attempt.error is not None else (page.message or page.kind)
        code = attempt.aad_code or page.error_code
        if code and f"AADSTS{code}" not in why:
            why += f" (AADSTS{code})"
        text = f"user {user.id}'s sign-in as {upn} ended {state}: {why}"
        if step.may_fail:
            return True, text, Msg.of("scenarios.outcome.pas_sign_in_ended", user=user.id, upn=upn,
                                      state=Msg.of(f"scenarios.word.attempt.{state}"), why=why)
        raise StepError(text)
    client.commit_sign_in(attempt)
    return (True, f"user {user.id} signed in as {attempt.account} (kept for this user only)",
            Msg.of("scenarios.outcome.pas_signed_in", user=user.id, account=attempt.account))


async def pas_send(session: Any, step: PasSend) -> tuple[bool, str, Msg]:
    pas, user = _pas_user(session, step.user)
    job = await pas.client(user).scan_to_email(step.to)
    session.job = job
    text = f"user {user.id}'s To Email job {job.id} to {job.destination}: {result_text(job_result(job))}"
    extra = f" ({job.reply.splitlines()[0]})" if job.reply else ""
    return True, text + extra, Msg.of("scenarios.outcome.pas_job", user=user.id, id=job.id, to=job.destination,
                                      result=job.result_label, extra=extra)


async def settings_refused(session: Any, step: SettingsRefused) -> tuple[bool, str, Msg]:
    from device_model.validation import ValidationError

    values = coerce_settings(step.section, step.values)
    try:
        session.device.update(step.section, **values)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {_t(session.device, m)}" for k, m in exc.errors.items())
        return True, f"refused as expected: {problems}", Msg.of("scenarios.outcome.refused", problems=problems)
    return (False, f"{step.section}: the device accepted {values} (it should refuse)",
            Msg.of("scenarios.outcome.not_refused", section=step.section, values=values))


def _relay_call(session: Any, method: str) -> dict[str, Any]:
    """The tenant's relay operation (``cloud_sim.relay``, through the admin table: in-process or
    over HTTPS alike); blocking. The relay lives in the tenant's process, so it outlives this run."""
    from cloud_sim.operations import wire_args

    try:
        state = session.tenant.admin.dispatch(*wire_args(method, {}))
    except (AttributeError, KeyError, ValueError) as exc:
        raise StepError(f"this tenant has no relay ({exc})") from None
    if not isinstance(state, dict):
        raise StepError(f"the tenant's relay answered {type(state).__name__}, not its state")
    return state


async def relay(session: Any, step: Relay) -> tuple[bool, str, Msg]:
    from device_model.trust import parse_pem

    dev = session.device
    state = await asyncio.to_thread(_relay_call, session, "relay_start")
    port, ca_pem = int(state["port"]), Path(str(state["ca_cert_path"]))
    for cert in parse_pem(ca_pem.read_bytes()):  # a CA imported by an earlier run is forgotten
        dev.trust.delete(cert.id)
    dev.update("email_server", auth_method="off", email_service=None, sender_address=RELAY_SENDER,
               smtp_server=str(state.get("host") or "127.0.0.1"), smtp_port=port, secure="starttls")
    return (True, f"relay on 127.0.0.1:{port} (STARTTLS, its own CA {ca_pem}); the printer does not trust it",
            Msg.of("scenarios.outcome.relay_started", port=port, ca=str(ca_pem)))


async def import_relay_ca(session: Any, step: ImportRelayCa) -> tuple[bool, str, Msg]:
    from device_model.trust import TrustError

    state = await asyncio.to_thread(_relay_call, session, "relay_state")
    if not state.get("running"):
        raise StepError("no relay is running (a relay step first)")
    try:
        imported = session.device.trust.import_file(Path(str(state["ca_cert_path"])))
    except TrustError as exc:
        raise StepError(_t(session.device, exc.msg)) from None
    subjects = ", ".join(c.subject for c in imported)
    return True, f"CA certificate imported: {subjects}", Msg.of("scenarios.outcome.ca_imported", subjects=subjects)


async def relay_stop(session: Any, step: RelayStop) -> tuple[bool, str, Msg]:
    await asyncio.to_thread(_relay_call, session, "relay_stop")
    return True, "relay stopped (nothing listens on its port now)", Msg.of("scenarios.outcome.relay_stopped")


async def delete_relay_ca(session: Any, step: DeleteRelayCa) -> tuple[bool, str, Msg]:
    from device_model.trust import parse_pem

    state = await asyncio.to_thread(_relay_call, session, "relay_state")
    pem = Path(str(state["ca_cert_path"]))
    if not pem.is_file():
        raise StepError("the relay has no CA yet (relay start first)")
    gone = [cert.subject for cert in parse_pem(pem.read_bytes()) if session.device.trust.delete(cert.id)]
    if not gone:
        return (True, "the relay's CA certificate was not imported (nothing to delete)",
                Msg.of("scenarios.outcome.ca_not_imported"))
    subjects = ", ".join(gone)
    return True, f"CA certificate deleted: {subjects}", Msg.of("scenarios.outcome.ca_deleted", subjects=subjects)


HANDLERS: dict[type, Callable[[Any, Any], Any]] = {
    Relay: relay,
    ImportRelayCa: import_relay_ca,
    RelayStop: relay_stop,
    DeleteRelayCa: delete_relay_ca,
    PasSignOut: pas_sign_out,
    PasSignIn: pas_sign_in,
    PasSend: pas_send,
    SettingsRefused: settings_refused,
}
