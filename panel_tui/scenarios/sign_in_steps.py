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


def basic_page(session: Any, upn: str) -> tuple[str, Msg] | None:
    """Guide steps 3-5 on a printer whose Email Server is not set yet; None when it is OAuth2.

    Web Config shows Sign In only with Authentication Method OAuth2, and a factory printer (every
    script run and the pytest fixtures start from one, docs/SCENARIOS.md) has it Off with no SMTP
    server: a ``sign-in`` there would save a sign-in the printer never sends with, and the scan
    would end "Not set". So, as a person walking the guide does, the Basic page is set first
    (OAuth2, the account's service, the service's server) and the outcome says so. A printer set
    to another method on purpose (SMTP AUTH, POP before SMTP, or Off with a server such as the
    relay) is not changed behind the tester's back: the step stops and names the fix.
    """
    from cloud_sim.accounts import PERSONAL_DOMAIN
    from device_model.email.profiles import EXCHANGE_ONLINE, OUTLOOK_COM, SERVICE_ENDPOINTS

    dev = session.device
    es = dev.settings.email_server
    if es.auth_method == "oauth2":
        return None
    if es.auth_method != "off" or es.smtp_server.strip():
        method = Msg.of(f"webconfig.email.auth.{es.auth_method}")
        server = f" ({es.smtp_server})" if es.smtp_server.strip() else ""
        raise StepError(_t(dev, Msg.of("scenarios.error.sign_in_needs_oauth2", method=method, server=server)))
    service = OUTLOOK_COM if upn.lower().endswith(f"@{PERSONAL_DOMAIN}") else EXCHANGE_ONLINE
    ends = SERVICE_ENDPOINTS[service]
    dev.update("email_server", auth_method="oauth2", email_service=service, smtp_server=ends.smtp_host,
               smtp_port=ends.smtp_port, secure=ends.secure)
    where = f"{ends.smtp_host}:{ends.smtp_port} {ends.secure.upper()}"
    return (f"Email Server > Basic set first (guide steps 3-5: OAuth2, {ends.display_name}, {where}); ",
            Msg.of("scenarios.outcome.basic_page", service=Msg.of(f"webconfig.email.service.{service}"),
                   server=where))


def _with_basic(basic: tuple[str, Msg] | None, text: str, words: Msg) -> tuple[str, Msg]:
    """The sign-in's outcome, after what the Basic page got (when sign-in set it)."""
    if basic is None:
        return text, words
    return basic[0] + text, Msg.of("scenarios.outcome.with_basic_page", basic=basic[1], rest=words)


async def sign_in(session: Any, step: SignIn) -> tuple[bool, str, Msg]:
    from cloud_sim.signin import SignInClient

    dev = session.device
    upn = session.upn(step.account)
    pw = session.password(upn)
    basic = basic_page(session, upn)
    attempt = await asyncio.to_thread(dev.email.begin_sign_in, None)
    session.attempt = attempt
    if attempt.state != "waiting":
        why = _t(dev, attempt.error)
        if attempt.aad_code and f"AADSTS{attempt.aad_code}" not in why:
            why += f" (AADSTS{attempt.aad_code})"
        text = f"sign-in could not start: {why}"
        if step.may_fail or not step.accept:
            return True, *_with_basic(basic, text, Msg.of("scenarios.outcome.sign_in_not_started", why=why))
        raise StepError((basic[0] if basic else "") + text)
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
        words = Msg.of("scenarios.outcome.sign_in_ended", upn=upn,
                       state=Msg.of(f"scenarios.word.attempt.{state}"), why=why)
        if step.may_fail or not step.accept:
            return True, *_with_basic(basic, text, words)
        raise StepError((basic[0] if basic else "") + text)
    if step.commit:
        dev.email.commit_sign_in(attempt)
        return (True, *_with_basic(basic, f"signed in as {attempt.account}, saved with OK",
                                   Msg.of("scenarios.outcome.signed_in_ok", account=attempt.account)))
    return (True, *_with_basic(basic, f"signed in as {attempt.account}, not saved (no OK in Web Config)",
                               Msg.of("scenarios.outcome.signed_in_no_ok", account=attempt.account)))


async def commit(session: Any, step: Commit) -> tuple[bool, str, Msg]:
    if session.attempt is None or session.attempt.state != "signed_in":
        raise StepError("there is no finished sign-in to save (use sign-in --no-commit first)")
    session.device.email.commit_sign_in(session.attempt)
    return (True, f"saved the sign-in of {session.attempt.account}",
            Msg.of("scenarios.outcome.committed", account=session.attempt.account))


async def sign_out(session: Any, step: SignOut) -> tuple[bool, str, Msg]:
    session.device.email.sign_out()
    return True, "the device holds no sign-in", Msg.of("scenarios.outcome.signed_out")
