"""Simple Web Config pages: "log in first" and "not emulated"."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from panel_tui.webconfig.common import tr


class LoginRequiredPage(Vertical):
    """What a Network page shows before the administrator has logged in (guide step 2)."""

    def compose(self) -> ComposeResult:
        yield Static(tr(self, "webconfig.login.required"), classes="page-note")
        yield Button(tr(self, "webconfig.login.button"), id="page-login", compact=True)

    @on(Button.Pressed, "#page-login")
    def _login(self) -> None:
        self.screen.action_toggle_login()  # type: ignore[attr-defined]


class NotEmulatedPage(Vertical):
    """Pages of the real Web Config that this emulator does not reproduce."""

    def compose(self) -> ComposeResult:
        yield Static(id="not-emulated-title", classes="page-title")
        yield Static(tr(self, "webconfig.not_emulated"), classes="page-note")

    def show(self, title: str) -> None:
        self.query_one("#not-emulated-title", Static).update(title)
