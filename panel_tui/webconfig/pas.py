"""Device Management > Print Admin Serverless (models with it): the printer's users and the
sender mode of To Email ("User's email address", guide p. 9, or the Email Server's address)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Select, Static

from panel_tui.ui.host import host
from panel_tui.ui.text import tr
from panel_tui.webconfig.fields import compose_rows
from panel_tui.widgets.form import FieldSpec

#: Sender's Email Address of To Email: the user's own, or the Email Server's
SENDER = FieldSpec("sender_mode", "webconfig.email.sender", widget_id="pas-sender",
                   choices=tuple((f"webconfig.pas.sender.{m}", m) for m in ("user", "device")))


class PasPage(VerticalScroll, can_focus=False):
    """Users (read-only here: kept as data in the state dir) and Sender's Email Address."""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.pas"), classes="page-title", markup=False)
        yield Static(t("webconfig.pas.intro"), classes="page-note", markup=False)
        yield from compose_rows((SENDER,), t)  # either choice is valid: never a message
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ok"), id="pas-ok", compact=True)
        yield Static(id="pas-result", classes="page-result", markup=False)
        yield Static(t("webconfig.pas.users"), classes="page-subtitle", markup=False)
        yield Static(id="pas-users", markup=False)

    def on_mount(self) -> None:
        self.load_settings()

    def load_settings(self) -> None:
        from device_model.pas import pas_for

        pas = pas_for(host(self).device)
        self.query_one("#pas-sender", Select).value = pas.sender_mode
        grid = Table.grid(padding=(0, 1))
        for _ in range(3):
            grid.add_column()
        for user in pas.users.values():
            signed = pas.client(user).status().state == "signed_in"
            state = tr(self, "webconfig.status.signed_in_account", account=user.email) if signed else user.email
            grid.add_row(Text(user.id), Text(user.name), Text(state))  # data, never markup
        self.query_one("#pas-users", Static).update(grid)
        self.query_one("#pas-result", Static).update("")

    @on(Button.Pressed, "#pas-ok")
    def press_ok(self) -> None:
        from device_model.pas import pas_for

        pas_for(host(self).device).set_sender_mode(str(self.query_one("#pas-sender", Select).value))
        self.query_one("#pas-result", Static).update(tr(self, "webconfig.email.saved"))
