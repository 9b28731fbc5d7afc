"""Network Status > Additional Network Status (models with an additional network only)."""

from __future__ import annotations

from panel_tui.screens.network_status import StatusScreen
from panel_tui.widgets.facts import translate_rows


class AdditionalNetworkStatusScreen(StatusScreen):
    """The second interface's addresses, which network email uses, and the guide's note that
    the additional network does not support OAuth 2.0."""

    HELP_KEY = "panel.help.additional_network_status"

    def rows(self) -> list[tuple[str, str]]:
        from device_model.additional_network import status_rows

        rows = translate_rows(status_rows(self.device), self.device.t)
        return rows + [("", self.t("addnet.guide_note"))]
