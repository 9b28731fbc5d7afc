"""The command palette's own entries (Ctrl+P): the three surfaces, Home, Help and Quit, in the
device's language. Scenarios add theirs (`panel_tui.scenario_runner.scenario_commands`)."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import App, SystemCommand

from panel_tui.ui.host import host


def system_commands(app: App[None]) -> Iterator[SystemCommand]:
    """What `PanelApp.get_system_commands` offers instead of Textual's defaults."""
    panel = host(app)
    t = panel.t
    for mode in ("panel", "webconfig", "cloud"):
        yield SystemCommand(t(f"panel.command.{mode}"), t(f"panel.command.{mode}_help"),
                            lambda mode=mode: panel.action_surface(mode))
    yield SystemCommand(t("panel.command.home"), t("panel.command.home_help"), panel.go_home)
    yield SystemCommand(t("panel.command.help"), t("panel.command.help_help"), panel.action_help)
    aids = panel.aids
    yield SystemCommand(t("panel.command.keys"), t("panel.command.keys_help"), aids.toggle_keys)
    yield SystemCommand(t("panel.command.guided"), t("panel.command.guided_help"), aids.toggle_guided)
    yield SystemCommand(t("panel.command.contrast"), t("panel.command.contrast_help"),
                        lambda: aids.set_high_contrast(app.theme != "high-contrast"))
    yield SystemCommand(t("panel.command.quit"), t("panel.command.quit_help"), app.exit)
