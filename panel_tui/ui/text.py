"""Texts every surface words the same way: catalog lookups, errors, job and sign-in outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

from panel_tui.ui.host import host

if TYPE_CHECKING:
    from collections.abc import Callable

    from device_model.email import SignInAttempt, SignInStatus
    from device_model.i18n import Msg
    from device_model.jobs import Job


def tr(node: DOMNode, key: str | Msg, **params: object) -> str:
    """Translate ``key`` (a catalog key or a ``Msg``) in the device's current language."""
    return host(node).device.t(key, **params)


def describe_error(node: DOMNode, exc: BaseException) -> str:
    """A user-facing text for an exception: its ``Msg`` when it carries one, else its type.

    Never includes tokens: the device's exceptions carry translatable ``Msg`` objects and the
    fallback shows only the exception's class and its (token-free) text.
    """
    # Every exception may reach here (a worker's failure), so its ``msg`` is looked up, not assumed.
    msg = getattr(exc, "msg", None)
    if msg is not None and not isinstance(msg, str):
        return tr(node, msg)
    if isinstance(msg, str) and "." in msg and " " not in msg:
        return tr(node, msg)
    return tr(node, "webconfig.error.unexpected", detail=f"{type(exc).__name__}: {exc}")


def job_outcome_text(node: DOMNode, job: Job) -> str:
    """A finished job as the panel words it: "Completed", or the code with its message.

    For an error the panel message of the code (e.g. 360's "you must sign in ...") or its status
    text is shown with the solution; the server's reply stays in Job Status > Log details.
    """
    head = tr(node, job.result_label)
    if job.status != "error":
        return head
    entry = host(node).device.errors.for_job(job)
    if entry is None:
        return head
    text = tr(node, entry.panel_message) if entry.panel_message else tr(node, entry.status)
    # no reply when the printer never reached the server (360: not signed in): say so truthfully
    key = "webconfig.job.failed" if job.reply else "webconfig.job.failed_no_reply"
    return tr(node, key, result=head, message=text, solution=tr(node, entry.solution))


def signin_outcome_text(node: DOMNode, attempt: SignInAttempt) -> str:
    """Why a sign-in ended without success, with the guide's Conditional Access advice."""
    if attempt.state == "expired":
        return tr(node, "webconfig.signin.expired")
    if attempt.state == "cancelled":
        return tr(node, "webconfig.signin.cancelled")
    error = attempt.error
    text = tr(node, error) if error is not None else tr(node, "webconfig.signin.failed")
    if attempt.aad_code == 53003:
        text = f"{text}\n{tr(node, 'webconfig.signin.conditional_access')}"
    return text


def held_account(node: DOMNode) -> str:
    """The account of the sign-in the device holds (saved with OK), or ""."""
    return host(node).device.email.status().account or ""


def trainer_hints_on(node: DOMNode) -> bool:
    """Whether the device's trainer-hints setting is on (the guide's traps explained)."""
    return bool(host(node).device.settings.basic.trainer_hints)


#: Current Status of a held sign-in, by its word (:attr:`SignInStatus.word`): the guide says
#: "expired" for 361 and "sign in again" for 370, and so does the page
HELD_KEYS = {
    "signed_in": "webconfig.status.signed_in_account",
    "expired": "webconfig.status.expired",
    "sign_in_again": "webconfig.status.sign_in_again",
}


def held_status_text(t: Callable[..., str], status: SignInStatus) -> str:
    """Current Status of what the printer (or the Fax Server) holds; "" when not signed in."""
    key = HELD_KEYS.get(status.word)
    return t(key, account=status.account or "") if key else ""
