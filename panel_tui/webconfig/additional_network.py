"""Network > Additional Network: the second interface of models that have one.

Shows the interface's status and which network email goes out on. Choosing the additional
network while the Email Server uses OAuth2 is refused with Epson's message, and the page says the
guide's note (p. 5): the additional network does not support OAuth 2.0; use the standard one.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Select, Static

from panel_tui.ui.host import host
from panel_tui.ui.text import tr
from panel_tui.webconfig.field_errors import clear_field_errors, show_field_errors
from panel_tui.webconfig.fields import compose_rows
from panel_tui.widgets.form import FieldSpec

#: Network used for email (the Email Server's ``network`` setting)
NETWORK = FieldSpec("network", "addnet.email_network", widget_id="an-network",
                    choices=tuple((f"addnet.network.{n}", n) for n in ("standard", "additional")))


class AdditionalNetworkPage(VerticalScroll, can_focus=False):
    """Status rows, the guide's note, and Network used for email (log-in required)."""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.additional_network"), classes="page-title", markup=False)
        yield Static(id="an-rows", markup=False)
        yield Static(t("addnet.guide_note"), classes="page-note", markup=False)
        yield from compose_rows((NETWORK,), t)
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ok"), id="an-ok", compact=True)
        yield Static(id="an-result", classes="page-result", markup=False)

    def on_mount(self) -> None:
        self.load_settings()

    def _show_rows(self) -> None:
        from device_model.additional_network import status_rows

        device = host(self).device
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=24, style="bold")  # the values start where the fields below do
        grid.add_column(ratio=1)
        for row in status_rows(device)[:-2]:  # network and OAuth2 are the field and note below
            value = row.value if isinstance(row.value, str) else device.t(row.value)
            grid.add_row(Text(device.t(row.label)), Text(value))
        self.query_one("#an-rows", Static).update(grid)

    def load_settings(self) -> None:
        """What the printer holds now (a page left without OK forgets its edits)."""
        self._show_rows()
        network = host(self).device.settings.email_server.network
        self.query_one("#an-network", Select).value = network
        clear_field_errors(self, ("an-network",))
        self.query_one("#an-result", Static).update("")

    @on(Button.Pressed, "#an-ok")
    def press_ok(self) -> None:
        from device_model.validation import ValidationError

        result = self.query_one("#an-result", Static)
        network = self.query_one("#an-network", Select).value
        try:
            host(self).device.update("email_server", network=network)
        except ValidationError as exc:
            msg = exc.errors.get("network")
            if msg is not None:
                show_field_errors(self, {"an-network": tr(self, msg)})
            else:
                clear_field_errors(self, ("an-network",))
            result.update(tr(self, "webconfig.email.invalid"))
            result.set_class(True, "-error")
            return
        clear_field_errors(self, ("an-network",))
        result.set_class(False, "-error")
        result.update(tr(self, "webconfig.email.saved"))
        self._show_rows()
