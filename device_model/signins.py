"""Every sign-in of the device that is waiting for its code to be entered.

The device has more than one email client on some models: Network > Email Server's, the Fax
Server's (Web Config > Fax > Fax Server > Email Server Settings) and one per Print Admin
Serverless user ("To Email"). Each starts its own device-code sign-in, and a person enters the
code on Microsoft's page (the panel's F4 Cloud surface) whichever one started it; so the page
must know about all of them and say where the code came from. Clients not made yet have no
sign-in, so none is made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: where a sign-in was started: Network > Email Server, the Fax Server, a PAS user's To Email
EMAIL_SERVER = "email_server"
FAX_SERVER = "fax_server"
PAS = "pas"


@dataclass(frozen=True)
class WaitingSignIn:
    """A sign-in waiting for its code: where it was started, the code, and whose it is (PAS)."""

    where: str
    code: str
    attempt: Any
    user: str = ""  # the PAS user's name (To Email); "" for the device's own clients


def _waiting(attempt: Any) -> bool:
    return attempt is not None and getattr(attempt, "state", None) == "waiting" and bool(
        getattr(attempt, "user_code", ""))


def waiting_signins(device: Any) -> list[WaitingSignIn]:
    """The device's sign-ins waiting for a code, newest first (the latest to expire)."""
    found: list[WaitingSignIn] = []
    email = getattr(device, "email", None)
    attempt = getattr(email, "pending", None)
    if _waiting(attempt):
        found.append(WaitingSignIn(EMAIL_SERVER, attempt.user_code, attempt))
    fax = getattr(device, "_fax_server_email", None)  # made by device_model.fax on first use
    attempt = getattr(fax, "pending", None)
    if _waiting(attempt):
        found.append(WaitingSignIn(FAX_SERVER, attempt.user_code, attempt))
    pas = getattr(device, "_pas", None)  # made by device_model.pas on first use
    if pas is not None:
        for client in pas.clients():
            attempt = client.pending
            if _waiting(attempt):
                found.append(WaitingSignIn(PAS, attempt.user_code, attempt, client.user.name))
    found.sort(key=_expiry, reverse=True)
    return found


def _expiry(waiting: WaitingSignIn) -> float:
    when = getattr(waiting.attempt, "expires_at", None)
    return when.timestamp() if when is not None else 0.0


def newest_waiting_signin(device: Any) -> WaitingSignIn | None:
    """The sign-in whose code the sign-in page offers (the newest started), or None."""
    found = waiting_signins(device)
    return found[0] if found else None


def code_finished(device: Any, code: str) -> bool:
    """Microsoft's page said the sign-in with ``code`` is done (the emulator's own pages saw
    it): the client that waits for it asks for its tokens now (``SignInAttempt.poll_now``).
    True when a waiting sign-in had that code."""
    wanted = code.strip().upper()
    found = False
    for waiting in waiting_signins(device):
        if wanted and waiting.code.upper() == wanted:
            poll_now = getattr(waiting.attempt, "poll_now", None)
            if poll_now is not None:
                poll_now()
                found = True
    return found
