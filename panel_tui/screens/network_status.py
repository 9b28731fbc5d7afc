"""Network Status: Wired LAN/Wi-Fi Status, Wi-Fi Direct Status, Email Server Status, Print Status Sheet."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static

from panel_tui.menu_tree import MenuNode
from panel_tui.messages import DeviceChanged
from panel_tui.screens.base import PanelScreen
from panel_tui.ui.workers import reported
from panel_tui.widgets.facts import Facts, translate_rows


class StatusScreen(PanelScreen):
    """A read-only facts screen that follows device changes."""

    #: focused as the screen mounts (on_mount focuses it too): Textual's default, "*", focused
    #: the status bar's lock icon first and on_mount moved it on, a focus and a blur that
    #: restyled the icon and refreshed the bar before every page change's first frame
    AUTO_FOCUS = "#facts"

    def rows(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        yield Facts(self.rows(), id="facts")

    def on_mount(self) -> None:
        self.query_one("#facts").focus()

    def device_changed(self, message: DeviceChanged) -> None:
        if message.kind in ("settings", "signin", "email") and self.is_mounted:
            self.query_one("#facts", Facts).set_rows(self.rows())


class WiredWifiStatusScreen(StatusScreen):
    """Connection, IP address, mask, gateway, DNS, MAC: the IP is where Web Config is reached."""

    HELP_KEY = "panel.help.wired_wifi_status"

    def rows(self) -> list[tuple[str, str]]:
        return translate_rows(self.device.network_status().rows(), self.device.t)


class WifiDirectStatusScreen(StatusScreen):
    """Wi-Fi Direct is not simulated: the screen says it is off."""

    HELP_KEY = "panel.help.wifi_direct_status"

    def rows(self) -> list[tuple[str, str]]:
        net = self.device.network_status()
        return [
            (self.t("panel.wifi_direct.connection"), self.t("panel.wifi_direct.disabled")),
            (self.t("panel.wifi_direct.device_name"), net.device_name),
            (self.t("panel.wifi_direct.ssid"), self.t("status.not_set")),
            (self.t("panel.wifi_direct.note"), self.t("panel.wifi_direct.not_simulated")),
        ]


class EmailServerStatusScreen(StatusScreen):
    """The email server settings as they stand, including the authentication method."""

    HELP_KEY = "panel.help.email_server_status"

    def rows(self) -> list[tuple[str, str]]:
        return translate_rows(self.device.email_server_status().rows(), self.device.t)


class PrintStatusSheetScreen(PanelScreen):
    """Asks for confirmation, then "prints" the network status sheet as a PDF (a print job)."""

    HELP_KEY = "panel.help.print_status_sheet"
    HINTS_KEY = "panel.hints.confirm"

    class Printed(Message):
        def __init__(self, path: Path | None, error: str | None = None) -> None:
            super().__init__()
            self.path = path
            self.error = error

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self.result: Path | None = None
        self.state = "confirm"  # confirm | printing | done | failed
        self._error = ""

    def compose_body(self) -> ComposeResult:
        yield Static(self._message(), id="sheet-message", classes="message", markup=False)
        with Horizontal(classes="form-buttons", id="sheet-buttons"):
            yield Button(self.t("panel.sheet.print"), id="print", compact=True)
            yield Button(self.t("panel.common.cancel"), id="cancel", compact=True)

    def _message(self) -> str:
        if self.state == "printing":
            return self.t("panel.sheet.printing")
        if self.state == "done":
            return self.t("panel.sheet.done", folder=str(self.result.parent if self.result else ""),
                          file=self.result.name if self.result else "")
        if self.state == "failed":
            return self.t("panel.sheet.failed", reason=self._error)
        return self.t("panel.sheet.confirm")

    def on_mount(self) -> None:
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        print_button = self.query_one("#print", Button)
        cancel = self.query_one("#cancel", Button)
        print_button.display = self.state == "confirm"
        cancel.label = self.t("panel.common.close") if self.state in ("done", "failed") else self.t("panel.common.cancel")
        (print_button if print_button.display else cancel).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#print")
    def _print(self) -> None:
        self.state = "printing"
        self.query_one("#sheet-message", Static).update(self._message())
        self.query_one("#print", Button).display = False
        self._print_worker()

    @work(thread=True, exclusive=True, group="print-sheet", exit_on_error=False)
    @reported
    def _print_worker(self) -> None:
        """fpdf2 is slow to import and to render: keep it off the event loop."""
        try:
            path = self.device.print_status_sheet()
        except OSError as exc:  # the sheet or its print job could not be written: on screen
            self.post_message(self.Printed(None, str(exc)))
            return
        self.post_message(self.Printed(Path(path)))

    @on(Printed)
    def _printed(self, message: Printed) -> None:
        if message.path is not None:
            self.state, self.result = "done", message.path
        else:
            self.state, self._error = "failed", message.error or ""
        self.query_one("#sheet-message", Static).update(self._message())
        self._sync_buttons()
