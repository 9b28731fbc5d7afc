"""What Web Config says about the sign-in: Current Status, its note, and the signed-in account.

The pending sign-in (``SignInSession``) comes first; without one, what the printer holds (after
an earlier OK). Shared by the Basic page; the Sign In dialog words the same states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

from panel_tui.ui.host import host
from panel_tui.ui.text import held_status_text, signin_outcome_text, tr, trainer_hints_on

if TYPE_CHECKING:
    from panel_tui.webconfig.session import SignInSession

def signed_in_account(node: DOMNode, session: SignInSession) -> str:
    """The account of the pending sign-in, else the one the printer holds ("" if none)."""
    attempt = session.attempt
    if attempt is not None and attempt.state == "signed_in":
        return attempt.account or ""
    status = host(node).device.email.status()
    if status.state in ("signed_in", "expired"):
        return status.account or ""
    return ""


def status_texts(node: DOMNode, session: SignInSession) -> tuple[str, str, bool]:
    """(Current Status, a note, whether Cancel is offered); Current Status "" = not shown.

    As on the printer: no Current Status until signed in (the guide's "no Current Status
    and a Sign In button: sign in"), and "Signed in" with no word about OK (the guide's
    "Current Status is Signed in, but OK was not clicked" trap). The explanations a class
    needs are shown only with the device's trainer-hints setting on.
    """
    hints = trainer_hints_on(node)
    attempt = session.attempt
    state = session.state
    if attempt is not None and state == "signed_in":
        return (
            tr(node, "webconfig.status.signed_in_account", account=attempt.account or ""),
            tr(node, "webconfig.status.not_saved") if hints else "",
            False,
        )
    if state == "waiting":
        note = tr(node, "webconfig.status.waiting")
        if hints:
            note += " " + tr(node, "webconfig.status.waiting_note")
        return "", note, True
    if session.starting:
        return "", tr(node, "webconfig.status.starting"), False
    note = ""
    if attempt is not None and state in ("failed", "expired", "cancelled"):
        note = signin_outcome_text(node, attempt)
    status = host(node).device.email.status()
    return held_status_text(lambda key, **p: tr(node, key, **p), status), note, False
