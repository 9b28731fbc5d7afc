"""Network > Email Server > Connection Test, with Epson's messages (REFERENCE.md §1)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from panel_tui.ui.host import host
from panel_tui.ui.text import describe_error, tr


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
        self.query_one("#ct-start", Button).disabled = True
        self.query_one("#ct-result", Static).update(tr(self, "webconfig.connection_test.running"))
        self._run()

    @work(exclusive=True, group="webconfig-connection-test", exit_on_error=False)
    async def _run(self) -> None:
        result = self.query_one("#ct-result", Static)
        try:
            msg = await host(self).device.email.connection_test()
            result.update(tr(self, msg))
        except Exception as exc:  # a test that could not even start (no service yet): said here
            result.update(describe_error(self, exc))
        finally:
            self.query_one("#ct-start", Button).disabled = False
