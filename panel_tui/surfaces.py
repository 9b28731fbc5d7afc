"""The app's three surfaces (Textual modes) and its palette's scenario commands, made when first asked for.

Each surface's screen module is imported by its factory, not by :mod:`panel_tui.app`: the
first frame needs only the Panel's Home, and Web Config and Cloud load when F3 or F4 first
shows them (the same for the command palette's "Scenario: ..." provider). Kept apart from the
app so that its module holds the app's life cycle, not the list of what it can show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen


def home_screen() -> Screen[None]:
    from panel_tui.screens.home import HomeScreen

    return HomeScreen()


def webconfig_screen() -> Screen[None]:
    from panel_tui.ui.textual_fixes import styled_with_current_css
    from panel_tui.webconfig.screens import WebConfigScreen

    return styled_with_current_css(WebConfigScreen())


def cloud_screen() -> Screen[None]:
    from panel_tui.cloud.screens import CloudScreen
    from panel_tui.ui.textual_fixes import styled_with_current_css

    return styled_with_current_css(CloudScreen())


def scenario_commands() -> type[Provider]:
    """The command palette's "Scenario: ..." provider, imported when the palette opens."""
    from panel_tui import scenario_runner

    return scenario_runner.scenario_commands()


#: ``PanelApp.MODES``: each surface's name and the factory of its first screen
SURFACES = {
    "panel": home_screen,
    "webconfig": webconfig_screen,
    "cloud": cloud_screen,
}
