"""Network > Email Server > Connection Test, with Epson's messages (REFERENCE.md §1)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from panel_tui.ui import busy
from panel_tui.ui.host import host
from panel_tui.ui.text import tr
from panel_tui.ui.workers import reported


class ConnectionTestPage(Vertical):
    """Runs the device's connection test against the configured email server."""

    def compose(self) -> ComposeResult:
        yield Static(tr(self, "webconfig.nav.connection_test"), classes="page-title", markup=False)
        yield Static(tr(self, "webconfig.connection_test.intro"), classes="page-note", markup=False)
        with Horizontal(classes="button-row"):
            yield Button(tr(self, "webconfig.connection_test.start"), id="ct-start", compact=True)
        yield Static(id="ct-result", classes="page-result", markup=False)

    @on(Button.Pressed, "#ct-start")
    def start_test(self) -> None:
        busy.hold(self.query_one("#ct-start", Button))
        self.query_one("#ct-result", Static).update(tr(self, "webconfig.connection_test.running"))
        self._run()

    @work(exclusive=True, group="webconfig-connection-test", exit_on_error=False)
    @reported
    async def _run(self) -> None:
        """The device answers every outcome, no server set included, with Epson's message;
        anything raised is a bug, said by the app (@reported)."""
        result = self.query_one("#ct-result", Static)
        try:
            msg = await host(self).device.email.connection_test()
            result.update(tr(self, msg))
        finally:
            busy.release(self.query_one("#ct-start", Button))
