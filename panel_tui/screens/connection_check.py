"""Connection Check: the network (Network Settings) and the email server (Advanced > Email Server)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from panel_tui.menu_tree import MenuNode
from panel_tui.screens.base import PanelScreen
from panel_tui.ui.workers import reported


class _CheckScreen(PanelScreen):
    """Start button, then the result message; Esc goes back."""

    HINTS_KEY = "panel.hints.confirm"
    INTRO_KEY = ""

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self.result_text = ""

    def compose_body(self) -> ComposeResult:
        yield Static(self.t(self.INTRO_KEY), id="check-intro", classes="message", markup=False)
        yield Static(self.result_text, id="check-result", classes="message", markup=False)
        with Horizontal(classes="form-buttons"):
            yield Button(self.t("panel.check.start"), id="check-start", compact=True)
            yield Button(self.t("panel.common.close"), id="check-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#check-start", Button).focus()

    @on(Button.Pressed, "#check-close")
    def _close(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#check-start")
    def _start(self) -> None:
        self.query_one("#check-start", Button).disabled = True
        self.query_one("#check-result", Static).update(self.t("panel.check.running"))
        self.run_check()

    def show_result(self, text: str) -> None:
        self.result_text = text
        self.query_one("#check-result", Static).update(text)
        start = self.query_one("#check-start", Button)
        start.disabled = False
        start.focus()

    def run_check(self) -> None:
        raise NotImplementedError


class NetworkConnectionCheckScreen(_CheckScreen):
    """Network Settings > Connection Check: the simulated link is up or it is not."""

    HELP_KEY = "panel.help.connection_check"
    INTRO_KEY = "panel.check.network_intro"

    def run_check(self) -> None:
        status = self.device.network_status()
        if status.connected:
            self.show_result(self.t("panel.check.network_ok", ip=status.ip))
        else:
            self.show_result(self.t("panel.check.network_failed"))


class EmailConnectionCheckScreen(_CheckScreen):
    """Email Server > Connection Check: the same test as Web Config's Connection Test."""

    HELP_KEY = "panel.help.email_connection_check"
    INTRO_KEY = "panel.check.email_intro"

    def run_check(self) -> None:
        self._run()

    @work(exclusive=True, group="panel-email-check", exit_on_error=False)
    @reported
    async def _run(self) -> None:
        """The device answers every outcome with Epson's message; anything raised is a bug,
        said by the app (@reported)."""
        msg = await self.device.email.connection_test()
        self.show_result(self.device.t(msg))
