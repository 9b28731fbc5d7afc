"""Web Config's pending OAuth2 sign-in: a plain object the page, the dialog and OK share.

A finished sign-in is only the printer's after OK (guide step 12), so it waits here. The
session does no I/O and never blocks: the Web Config screen asks the device for a code in a
thread worker and hands the result to :meth:`SignInSession.begun`; from then on the attempt
polls in its own thread and every change reaches the screen as the device's ``"signin"``
event, which re-renders from :attr:`SignInSession.attempt`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.signal import Signal

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from device_model import Device
    from device_model.email import SignInAttempt


class SignInSession:
    """The sign-in of one Web Config session: none, starting, waiting, or finished-not-saved."""

    def __init__(self, device: Device, owner: DOMNode, ask_for_code: Callable[[str], None]) -> None:
        self.device = device
        #: "Sign in with Microsoft" for a service: the owner's thread worker asks for a code
        self.ask_for_code = ask_for_code
        #: published after every change: the Basic page and the Sign In dialog subscribe
        self.changed: Signal[SignInSession] = Signal(owner, "signin-session")
        #: the pending attempt (None: none started, or it was sent to the printer with OK)
        self.attempt: SignInAttempt | None = None
        #: a request for a code is on its way to the identity platform
        self.starting = False
        #: why the last start failed (shown in the dialog), or None
        self.begin_error: str | None = None

    def announce(self) -> None:
        """Tell the page and the dialog to show the session as it is now."""
        self.changed.publish(self)

    @property
    def state(self) -> str | None:
        """The pending attempt's state ("waiting", "signed_in", ...), None without one."""
        return self.attempt.state if self.attempt is not None else None

    @property
    def waiting(self) -> bool:
        return self.state == "waiting"

    @property
    def signed_in(self) -> bool:
        """A finished sign-in that OK has not sent to the printer yet."""
        return self.state == "signed_in"

    def start(self) -> None:
        """A code was asked for: forget the previous attempt and any earlier error."""
        self.attempt = None
        self.begin_error = None
        self.starting = True

    def refuse(self, reason: str) -> None:
        """A code could not be asked for (the tenant is not ready, or the request failed)."""
        self.starting = False
        self.begin_error = reason

    def begun(self, attempt: SignInAttempt) -> None:
        """The device's attempt: a code to show (its poll runs in its own thread from now)."""
        self.starting = False
        self.begin_error = None
        self.attempt = attempt

    def cancel(self) -> bool:
        """Cancel: stop waiting for the code to be entered; True when one was waiting."""
        if self.attempt is None or not self.waiting:
            return False
        self.attempt.cancel()
        return True

    def commit(self) -> bool:
        """Send the pending sign-in to the printer (part of OK); True when one was sent."""
        if self.attempt is None or not self.signed_in:
            return False
        self.device.email.commit_sign_in(self.attempt)
        self.attempt = None
        return True

    def end(self) -> None:
        """Log out or leave: what OK has not sent is lost, as when closing the browser."""
        self.cancel()
        self.attempt = None
        self.starting = False
        self.begin_error = None
