"""F3 and F4 switch surfaces at once, and keys typed right after go to the surface shown:
a person presses F3 and starts typing without waiting for a repaint."""

from __future__ import annotations

from tests.acceptance.conftest import Launch


def test_keys_typed_right_after_f3_go_to_web_config(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("f3", "ctrl+l", pause=0)  # Log in, before Web Config has been drawn
    panel.wait_for("Administrator Login")
    panel.type("X4ZB012345", pause=0)
    panel.press("enter")
    panel.wait_for("Log out")


def test_escape_right_after_f4_returns_to_the_panel_and_stays(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("enter")  # Settings
    panel.wait_for("General Settings")
    panel.press("f4", "escape", pause=0)  # a change of mind before the Cloud surface is drawn
    panel.settle(0.5)
    panel.wait_for("General Settings")
    panel.press("f3", "f4", "f2", pause=0)
    panel.settle(0.5)
    panel.wait_for("General Settings")


def test_arrows_right_after_f3_walk_web_configs_tabs(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("f3", "right", "right", "right", pause=0)  # Status > Print > Scan/Copy > Network
    panel.wait_for("NWS_EMAIL_BASIC", "Log in as administrator")
    panel.press("escape")
    panel.wait_for("Home", "Settings")
