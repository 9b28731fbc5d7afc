"""How the engine carries out the device's own sign-in steps: ``sign-in``, ``commit``, ``sign-out``.

The device's Web Config "Sign in with Microsoft": the device asks for a code, the browser part
walks the tenant's sign-in pages as an account, and OK saves it. ``session`` is the engine's
``Session`` (typed loosely, as in guide_handlers: the engine imports this module). Kept apart from
:mod:`panel_tui.scenarios.engine` (the session and its table of handlers, which registers these)
like :mod:`panel_tui.scenarios.guide_handlers`: each step kind's handler can grow without the
session growing with it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from device_model.i18n import Msg
from panel_tui.scenarios.checks import translate as _t
from panel_tui.scenarios.step_support import SIGN_IN_GRACE, SIGN_IN_TIMEOUT
from panel_tui.scenarios.steps import Commit, SignIn, SignOut
from panel_tui.scenarios.tenant_ops import StepError

if TYPE_CHECKING:
    from cloud_sim.signin import Page


async def sign_in(session: Any, step: SignIn) -> tuple[bool, str, Msg]:
    from cloud_sim.signin import SignInClient

    dev = session.device
    upn = session.upn(step.account)
    pw = session.password(upn)
    attempt = await asyncio.to_thread(dev.email.begin_sign_in, None)
    session.attempt = attempt
    if attempt.state != "waiting":
        why = _t(dev, attempt.error)
        if attempt.aad_code and f"AADSTS{attempt.aad_code}" not in why:
            why += f" (AADSTS{attempt.aad_code})"
        text = f"sign-in could not start: {why}"
        if step.may_fail or not step.accept:
            return True, text, Msg.of("scenarios.outcome.sign_in_not_started", why=why)
        raise StepError(text)
    attempt.start()

    def browser() -> Page:
        with SignInClient(session.tenant.base_url, session.tenant.ca_cert_path) as c:
            return c.sign_in(attempt.user_code, upn, pw, accept=step.accept, on_behalf_of_org=True)

    try:
        page = await asyncio.to_thread(browser)
    except BaseException:
        attempt.cancel()  # the device would otherwise poll until the code expires
        raise
    finished = page.kind == "done"
    state = await asyncio.to_thread(attempt.wait, SIGN_IN_TIMEOUT if finished else SIGN_IN_GRACE)
    if state == "waiting":
        attempt.cancel()
        state = attempt.state
    if state != "signed_in":
        why = _t(dev, attempt.error) if attempt.error is not None else (page.message or page.kind)
        code = attempt.aad_code or page.error_code
        if code and f"AADSTS{code}" not in why:
            why += f" (AADSTS{code})"
        text = f"sign-in as {upn} ended {state}: {why}"
        if step.may_fail or not step.accept:
            return True, text, Msg.of("scenarios.outcome.sign_in_ended", upn=upn,
                                      state=Msg.of(f"scenarios.word.attempt.{state}"), why=why)
        raise StepError(text)
    if step.commit:
        dev.email.commit_sign_in(attempt)
        return (True, f"signed in as {attempt.account}, saved with OK",
                Msg.of("scenarios.outcome.signed_in_ok", account=attempt.account))
    return (True, f"signed in as {attempt.account}, not saved (no OK in Web Config)",
            Msg.of("scenarios.outcome.signed_in_no_ok", account=attempt.account))


async def commit(session: Any, step: Commit) -> tuple[bool, str, Msg]:
    if session.attempt is None or session.attempt.state != "signed_in":
        raise StepError("there is no finished sign-in to save (use sign-in --no-commit first)")
    session.device.email.commit_sign_in(session.attempt)
    return (True, f"saved the sign-in of {session.attempt.account}",
            Msg.of("scenarios.outcome.committed", account=session.attempt.account))


async def sign_out(session: Any, step: SignOut) -> tuple[bool, str, Msg]:
    session.device.email.sign_out()
    return True, "the device holds no sign-in", Msg.of("scenarios.outcome.signed_out")
