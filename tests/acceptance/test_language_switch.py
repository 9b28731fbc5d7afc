"""Switching the panel's language: the screen shown is relabelled at once, and so are the screens
behind it and those opened later, both ways (English -> Latvian -> English)."""

from __future__ import annotations

from tests.acceptance.conftest import Launch


def test_language_switch_relabels_the_shown_screen_and_those_opened_later(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("right", "enter")  # Settings
    panel.wait_for("General Settings")
    panel.press("enter")
    panel.wait_for("Basic Settings")
    panel.press("enter")
    panel.wait_for("Date/Time Settings")
    panel.press("down", "enter")  # Language
    panel.wait_for("Latviešu")
    panel.press("down", "enter")  # Latviešu
    panel.wait_for("Pamatiestatījumi > Valoda/Language", "Bultiņas Pārvietot")  # the shown screen
    panel.press("escape")  # Basic Settings, hidden during the switch
    panel.wait_for("Datuma/laika iestatījumi")
    panel.press("escape", "escape", "escape")  # General Settings, Settings, Home
    panel.wait_for("Sākums", "Iestatījumi", "Skenēt")
    panel.wait_gone("Settings")
    panel.press("left", "enter")  # Scan: opened after the switch
    panel.wait_for("E-pasts", "netiek emulēts")
    panel.press("f5")
    panel.wait_for("Sākums")
    panel.press("right", "enter")  # and back to English the same way
    panel.wait_for("Vispārīgie iestatījumi")
    panel.press("enter")
    panel.wait_for("Pamatiestatījumi")
    panel.press("enter")
    panel.wait_for("Datuma/laika iestatījumi")
    panel.press("down", "enter")
    panel.wait_for("Latviešu")
    panel.press("up", "enter")  # English
    panel.wait_for("Basic Settings > Language", "Arrows")
    panel.press("escape")
    panel.wait_for("Date/Time Settings")
    panel.wait_gone("Datuma/laika")
