"""Settings > General Settings > Fax Settings (fax models): receive a sample fax, Fax Server status.

There is no phone line in an emulator: Receive Sample Fax makes a fax arrive now, and the printer
forwards it by email through Web Config's Fax > Fax Server > Email Server Settings. The outcome
(Completed or an error code) is shown here and in Job Status with Fax as the job type.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from panel_tui.menu_tree import MenuNode
from panel_tui.messages import DeviceChanged
from panel_tui.screens.network_status import StatusScreen
from panel_tui.screens.base import PanelScreen
from panel_tui.ui.workers import reported


class FaxReceiveSampleScreen(PanelScreen):
    """Confirm, then a fax arrives and is forwarded; the job's outcome is shown."""

    HELP_KEY = "panel.help.fax_receive_sample"
    HINTS_KEY = "panel.hints.confirm"

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self.busy = False

    def compose_body(self) -> ComposeResult:
        yield Static(self.t("panel.fax.confirm"), id="fax-message", classes="message", markup=False)
        with Horizontal(classes="form-buttons"):
            yield Button(self.t("panel.fax.receive"), id="fax-receive", compact=True)
            yield Button(self.t("panel.common.close"), id="fax-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#fax-receive", Button).focus()

    @on(Button.Pressed, "#fax-close")
    def _close(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#fax-receive")
    def receive(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one("#fax-receive", Button).disabled = True
        self.query_one("#fax-message", Static).update(self.t("panel.fax.receiving"))
        self._receive_worker()

    @work(exclusive=True, group="panel-fax-receive", exit_on_error=False)
    @reported
    async def _receive_worker(self) -> None:
        from device_model.fax import fax_server_client

        message = self.query_one("#fax-message", Static)
        try:
            job = await fax_server_client(self.device).receive_sample()
        except OSError as exc:  # the job log could not be written (send failures end in the job)
            message.update(self.t("panel.fax.failed", reason=f"{type(exc).__name__}: {exc}"))
        else:
            outcome = self.t(job.result_label)
            entry = self.device.errors.for_job(job) if job.status == "error" else None
            if entry is not None:
                outcome = f"{outcome}\n{self.t(entry.status)}\n{self.t(entry.solution)}"
            message.update(self.t(fax_outcome_key(job.status, job.destination), to=job.destination, outcome=outcome))
        finally:
            self.busy = False
            self.query_one("#fax-receive", Button).disabled = False


def fax_outcome_key(status: str, destination: str) -> str:
    """The outcome line's catalog key: "forwarded to" only when the fax went somewhere.

    A job that failed or was cancelled forwarded nothing, so it must not read "Fax forwarded
    to -" (a new user took that for a send); with no Forward To there is no address to name.
    """
    if status not in ("error", "canceled"):
        return "panel.fax.done"
    return "panel.fax.not_forwarded_to" if destination else "panel.fax.not_forwarded"


class FaxServerStatusScreen(StatusScreen):
    """The Fax Server's email settings and sign-in at a glance (read-only)."""

    HELP_KEY = "panel.help.fax_server_status"

    def rows(self) -> list[tuple[str, str]]:
        from device_model.fax import fax_server_client

        fs = self.device.settings.fax_server
        status = fax_server_client(self.device).status()
        from panel_tui.ui.text import held_status_text

        signed = held_status_text(self.t, status) or self.t("webconfig.status.not_signed_in")
        rows = [
            (self.t("webconfig.email.auth_method"), self.t(f"webconfig.email.auth.{fs.auth_method}")),
            (self.t("webconfig.email.current_status"), signed if fs.auth_method == "oauth2" else "-"),
            (self.t("webconfig.email.sender"), fs.sender_address or "-"),
            (self.t("webconfig.email.smtp_server"), fs.smtp_server or "-"),
            (self.t("webconfig.email.smtp_port"), str(fs.smtp_port)),
            (self.t("webconfig.email.secure"), self.t(f"webconfig.email.secure.{fs.secure}")),
            (self.t("webconfig.fax.forward_to"), fs.forward_to or "-"),
        ]
        return rows

    def device_changed(self, message: DeviceChanged) -> None:
        super().device_changed(message)
