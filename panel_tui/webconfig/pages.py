"""Simple Web Config pages: Product Status, "log in first", "not emulated", Trainer Hints."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from panel_tui.ui.widgets import TickBox
from panel_tui.ui.host import host
from panel_tui.ui.text import tr, trainer_hints_on


def device_ip(node: DOMNode) -> str:
    """The IP shown at Wired LAN/Wi-Fi Status: Web Config is reached there (guide step 1)."""
    return host(node).device.network_status().ip or "0.0.0.0"


class LoginRequiredPage(Vertical):
    """What a Network page shows before the administrator has logged in (guide step 2)."""

    def compose(self) -> ComposeResult:
        yield Static(tr(self, "webconfig.login.required"), classes="page-note", markup=False)
        yield Button(tr(self, "webconfig.login.button"), id="page-login", compact=True)

    @on(Button.Pressed, "#page-login")
    def _login(self) -> None:
        self.screen.action_toggle_login()  # type: ignore[attr-defined]


class NotEmulatedPage(Vertical):
    """Pages of the real Web Config that this emulator does not reproduce."""

    def compose(self) -> ComposeResult:
        yield Static(id="not-emulated-title", classes="page-title", markup=False)
        yield Static(tr(self, "webconfig.not_emulated"), id="not-emulated-note", classes="page-note", markup=False)

    def show(self, title: str, working: list[str]) -> None:
        """The page's title and the pages that do work here ("Tab > page", one a line)."""
        self.query_one("#not-emulated-title", Static).update(title)
        note = tr(self, "webconfig.not_emulated")
        self.query_one("#not-emulated-note", Static).update("\n".join([note, *(f"  {page}" for page in working)]))


class ProductStatusPage(VerticalScroll, can_focus=False):
    """Status > Product Status: the page Web Config opens on, before and after Log in.

    A real printer's Web Config opens on its status page, not on a settings page, so the guide's
    step 3 (Network tab > Email Server > Basic) is a step a person really takes here.
    """

    def compose(self) -> ComposeResult:
        yield Static(tr(self, "webconfig.nav.product_status"), classes="page-title", markup=False)
        yield Static(id="ps-rows", markup=False)
        yield Static(id="ps-next", classes="page-note", markup=False)

    def on_mount(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        device = host(self).device
        profile = device.profile
        ip = device_ip(self)
        rows = [
            # a scanner is no printer: its status row says Scanner Status (unverified wording)
            ("webconfig.status_page.printer_status" if profile.has("print") else "webconfig.status_page.scanner_status",
             tr(self, "webconfig.status_page.available")),
            ("webconfig.status_page.model", profile.model),
            ("webconfig.status_page.serial", profile.serial_number),
            ("webconfig.status_page.firmware", profile.firmware_version),
            ("webconfig.status_page.mac", profile.mac_address),
            ("webconfig.status_page.ip", ip),
        ]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=24, style="bold")  # the values start where other pages' fields do
        grid.add_column(ratio=1)
        for key, value in rows:
            grid.add_row(Text(tr(self, key)), Text(value))  # values are data, never markup
        grid.add_row(Text(""), Text(""))
        self.query_one("#ps-rows", Static).update(grid)
        self.query_one("#ps-next", Static).update(tr(self, "webconfig.status_page.next"))


class TrainerHintsPage(Vertical):
    """Device Management > Trainer Hints: an emulator setting, off by default.

    A real printer never explains its traps (a sign-in not yet sent with OK, OK without a
    sign-in); the guide teaches them. With this off, Web Config shows what a printer shows; a
    trainer may turn the hints on for a class. Saved in the device's Basic settings.
    """

    def compose(self) -> ComposeResult:
        yield Static(tr(self, "webconfig.nav.trainer_hints"), classes="page-title", markup=False)
        yield Static(tr(self, "webconfig.trainer_hints.intro"), classes="page-note", markup=False)
        yield TickBox(tr(self, "webconfig.trainer_hints.show"), id="th-show", compact=True)
        with Horizontal(classes="button-row"):
            yield Button(tr(self, "webconfig.ok"), id="th-ok", compact=True)
        yield Static(id="th-result", classes="page-result", markup=False)

    def load_settings(self) -> None:
        self.query_one("#th-show", TickBox).value = trainer_hints_on(self)
        self.query_one("#th-result", Static).update("")

    @on(Button.Pressed, "#th-ok")
    def press_ok(self) -> None:
        value = self.query_one("#th-show", TickBox).value
        host(self).device.update("basic", trainer_hints=bool(value))
        self.query_one("#th-result", Static).update(tr(self, "webconfig.trainer_hints.saved"))

