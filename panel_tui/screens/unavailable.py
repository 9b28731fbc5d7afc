"""A screen for what is not built yet: never a dead key, always a message and a way back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from panel_tui.menu_tree import MenuNode
from panel_tui.screens.base import PanelScreen, crumb_labels


class NotAvailableScreen(PanelScreen):
    """A menu item or tile whose behaviour the emulator does not have yet."""

    HELP_KEY = "panel.help.not_available"

    def __init__(self, label_key: str, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self.label_key = label_key

    def crumbs(self) -> list[str]:
        if self.node is not None:
            return crumb_labels(self.panel, self.node)
        return [self.t(self.label_key)]

    def compose_body(self) -> ComposeResult:
        yield Static(
            self.t("panel.not_available.text", item=self.t(self.label_key)),
            id="not-available",
            classes="message", markup=False,
        )

