"""Web Config's "Log in" dialog: the administrator password (guide step 2)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from panel_tui.webconfig.common import tr


class LoginModal(ModalScreen[bool]):
    """Asks for the administrator password; dismisses with True once it is accepted.

    The device throttles wrong passwords (each failure makes the next try wait longer); the
    dialog shows the device's answer as it is.
    """

    CSS_PATH = "webconfig.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="login-dialog", classes="dialog"):
            yield Static(tr(self, "webconfig.login.title"), classes="dialog-title", markup=False)
            yield Label(tr(self, "webconfig.login.password"), markup=False)
            yield Input(password=True, id="login-password", compact=True)
            yield Static(id="login-message", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr(self, "webconfig.ok"), id="login-ok", compact=True)
                yield Button(tr(self, "webconfig.cancel"), id="login-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    @on(Button.Pressed, "#login-ok")
    def _submit(self) -> None:
        password = self.query_one("#login-password", Input).value
        self.query_one("#login-ok", Button).disabled = True
        self._verify(password)

    @work(thread=True, exclusive=True, group="webconfig-login")
    def _verify(self, password: str) -> None:
        # verify() may sleep to throttle repeated failures: keep it off the event loop
        result = _verify_admin(self.app.device, password)
        self.app.call_from_thread(self._verified, result)

    def _verified(self, result: Any) -> None:
        ok, message = _interpret(self, result)
        if ok:
            self.dismiss(True)
            return
        self.query_one("#login-ok", Button).disabled = False
        self.query_one("#login-message", Static).update(message)
        field = self.query_one("#login-password", Input)
        field.value = ""
        field.focus()

    @on(Button.Pressed, "#login-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def _verify_admin(device: Any, password: str) -> Any:
    admin = device.admin
    if hasattr(admin, "verify"):
        return admin.verify(password)
    return admin.login(password)


def _interpret(node: Any, result: Any) -> tuple[bool, str]:
    """(accepted, message) from whatever the admin lock answered (bool or a LoginResult)."""
    if isinstance(result, bool):
        return result, "" if result else tr(node, "webconfig.login.wrong")
    ok = bool(getattr(result, "ok", False) or getattr(result, "success", False))
    if ok:
        return True, ""
    msg = getattr(result, "message", None) or getattr(result, "msg", None)
    wait = getattr(result, "retry_after", None) or getattr(result, "wait_seconds", None)
    if msg is not None:
        return False, tr(node, msg)
    if wait:
        return False, tr(node, "webconfig.login.throttled", seconds=int(wait))
    return False, tr(node, "webconfig.login.wrong")


class LogoutModal(ModalScreen[bool]):
    """"Log out?" with Cancel focused: the header's Log out button sits next to the pages' last
    button in the Tab order (Connection Test's Start), so one stray Tab + Enter must not end the
    session and lose a sign-in not yet sent with OK."""

    CSS_PATH = "webconfig.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="logout-dialog", classes="dialog"):
            yield Static(tr(self, "webconfig.logout.title"), classes="dialog-title", markup=False)
            yield Static(tr(self, "webconfig.logout.question"), id="logout-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr(self, "webconfig.logout.button"), id="logout-yes", compact=True)
                yield Button(tr(self, "webconfig.cancel"), id="logout-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#logout-cancel", Button).focus()

    @on(Button.Pressed, "#logout-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#logout-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
