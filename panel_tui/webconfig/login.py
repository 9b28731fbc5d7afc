"""Web Config's "Log in" dialog: the administrator password (guide step 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from panel_tui.ui.host import host
from panel_tui.ui.lockout import LockoutCountdown, answer_lead, keep_selected, lockout_line, wait_on_opening
from panel_tui.ui.text import tr
from panel_tui.ui.typeahead import TypeAheadInput
from panel_tui.ui.workers import call_in_ui, reported

if TYPE_CHECKING:
    from device_model.admin import LoginResult


class LoginModal(ModalScreen[bool]):
    """Asks for the administrator password; dismisses with True once it is accepted.

    The device throttles wrong passwords (each failure makes the next try wait longer); the
    dialog shows the device's answer, in the panel keypad's words, and the wait counting down.
    Keys typed while a password is checked are kept (:class:`TypeAheadInput`): after a wrong one
    they are the field's new text, as in a browser. A password tried during the wait is not
    checked and stays in the field (the message says so); an empty one asks for the password.
    """

    def __init__(self) -> None:
        super().__init__()
        #: the answer's first line; the lock-out's line follows while it lasts
        self._lead = ""
        self._countdown = LockoutCountdown(self, self._show_wait)

    CSS_PATH = "../ui/web_page.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="login-dialog", classes="dialog"):
            yield Static(tr(self, "webconfig.login.title"), classes="dialog-title", markup=False)
            yield Label(tr(self, "webconfig.login.password"), markup=False)
            yield TypeAheadInput(password=True, id="login-password", compact=True)
            yield Static(id="login-message", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr(self, "webconfig.ok"), id="login-ok", compact=True)
                yield Button(tr(self, "webconfig.cancel"), id="login-cancel", compact=True)
        # the dialog covers the page's key hints: its own keys take their line
        yield Static(tr(self, "webconfig.login.keys"), classes="key-hints", markup=False)

    def on_mount(self) -> None:
        self.query_one("#login-password", Input).focus()
        wait_on_opening(self, self._countdown, self._show_wait)

    @on(Input.Submitted, "#login-password")
    @on(Button.Pressed, "#login-ok")
    def _submit(self) -> None:
        field = self.query_one("#login-password", TypeAheadInput)
        field.hold()  # OK pressed (not Enter): keys typed from now on wait for the answer too
        self.query_one("#login-ok", Button).disabled = True
        self._verify(field.value)

    @work(thread=True, exclusive=True, group="webconfig-login", exit_on_error=False)
    @reported
    def _verify(self, password: str) -> None:
        # verify() may sleep to throttle repeated failures: keep it off the event loop
        result = host(self).device.admin.verify(password)
        call_in_ui(self, self._verified, result)

    def _verified(self, result: LoginResult) -> None:
        field = self.query_one("#login-password", TypeAheadInput)
        if result.ok:
            field.release(keep=False)  # logged in: what was typed after Enter has no field now
            self.dismiss(True)
            return
        self.query_one("#login-ok", Button).disabled = False
        self._lead = answer_lead(self, result)
        wait = int(result.retry_after)
        self._show_wait(wait)
        self._countdown.follow(wait)
        if result.status == "wrong":
            field.value = ""
        elif result.status == "throttled":
            keep_selected(field)
        field.focus()
        # typed since Enter: the field's new text (an Enter among it tries again); not checked
        # (the lock-out): the password stays, and keys typed since go on after it
        field.release()

    def _show_wait(self, seconds: int) -> None:
        """The answer, with the lock-out's line under it while (and just after) it lasts."""
        lines = [self._lead] if self._lead else []
        if seconds > 0 or self._countdown.running:
            lines.append(lockout_line(self, seconds))
        note = self.query_one("#login-message", Static)
        note.update("\n".join(lines))
        note.add_class("-shown")

    @on(Button.Pressed, "#login-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class LogoutModal(ModalScreen[bool]):
    """"Log out?" with Cancel focused when the header's Log out button asked: it sits next to the
    pages' last button in the Tab order (Connection Test's Start), so one stray Tab + Enter must
    not end the session and lose a sign-in not yet sent with OK. Asked with Ctrl+L, a key pressed
    for this, Log out has the cursor: Enter logs out (Enter there on Cancel did nothing, and a
    person who had asked to log out saw no change)."""

    CSS_PATH = "../ui/web_page.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, *, asked_with_key: bool = False) -> None:
        super().__init__()
        self._asked_with_key = asked_with_key

    def compose(self) -> ComposeResult:
        with Vertical(id="logout-dialog", classes="dialog"):
            yield Static(tr(self, "webconfig.logout.title"), classes="dialog-title", markup=False)
            yield Static(tr(self, "webconfig.logout.question"), id="logout-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr(self, "webconfig.logout.button"), id="logout-yes", compact=True)
                yield Button(tr(self, "webconfig.cancel"), id="logout-cancel", compact=True)
        yield Static(tr(self, "webconfig.logout.keys"), classes="key-hints", markup=False)

    def on_mount(self) -> None:
        self.query_one("#logout-yes" if self._asked_with_key else "#logout-cancel", Button).focus()

    @on(Button.Pressed, "#logout-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#logout-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
