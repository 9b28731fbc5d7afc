"""The admin password's lock-out as both password dialogs say it (panel keypad, Web Config log in).

One wording for both (the device's ``admin.*`` messages): a trial user met "Too many wrong
passwords ... 28 s" on the panel and "Too many incorrect passwords ... 25 seconds" in Web
Config for the same throttle. And the wait counts down while the dialog is open: the number
stood still (25 s later it still said 18), so nobody could tell when to try again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from device_model.i18n import Msg
from panel_tui.ui.host import host

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.timer import Timer
    from textual.widgets import Input

    from device_model.admin import LoginResult


def lockout_line(node: DOMNode, seconds: int) -> str:
    """"Try again in N seconds" while the lock-out lasts, "try again now" once it is over."""
    if seconds > 0:
        return host(node).device.t(Msg.of("admin.throttled", count=seconds))
    return host(node).device.t("admin.throttle_over")


def answer_lead(node: DOMNode, result: LoginResult) -> str:
    """The first line of the dialog's answer to a refused password (the lock-out line follows).

    A try during the lock-out says the password was not checked, so that the right password
    typed too early is not taken for a wrong one; an empty field asks for the password.
    """
    device = host(node).device
    if result.status == "throttled":
        return device.t("admin.not_checked")
    if result.message is not None:
        return device.t(result.message)
    return device.t("admin.wrong_password")


class LockoutCountdown:
    """Redraws a dialog's lock-out line once a second while the lock-out lasts, then stops.

    The timer runs only during the wait (no wake-ups on an idle dialog); it is the dialog's, so
    it ends with it.
    """

    def __init__(self, owner: DOMNode, redraw: Callable[[int], None]) -> None:
        self._owner = owner
        self._redraw = redraw
        self._timer: Timer | None = None

    @property
    def running(self) -> bool:
        return self._timer is not None

    def follow(self, seconds: int) -> None:
        """After an answer that says to wait ``seconds``: count down from it (if not already)."""
        if seconds > 0 and self._timer is None:
            self._timer = self._owner.set_interval(1.0, self._tick, name="lockout-countdown")

    def _tick(self) -> None:
        wait = host(self._owner).device.admin.retry_after()
        self._redraw(wait)
        if wait <= 0 and self._timer is not None:
            self._timer.stop()
            self._timer = None


def keep_selected(field: Input) -> None:
    """A password not checked (the lock-out) stays in its field, selected: Enter once the wait
    is over tries it, and typing replaces it. Each try used to be added to the one before (6,
    then 12, then 18 dots), so the right password sent after the wait was wrong, and the wait
    began again."""
    from textual.widgets.input import Selection

    field.selection = Selection(0, len(field.value))


def wait_on_opening(owner: DOMNode, countdown: LockoutCountdown, redraw: Callable[[int], None]) -> None:
    """A dialog opened during the lock-out says so at once and counts down (reopened, it showed
    a plain log-in until a password was sent)."""
    wait = host(owner).device.admin.retry_after()
    if wait > 0:
        redraw(wait)
        countdown.follow(wait)
