"""Ctrl+J opens Job Status from every panel screen, not only from Scan > Email, and Home's Job
Status tile names the key (as the Web Config tile names F3): a person who learned it after a
scan finds it working on Home and in the Settings menus too, and Esc comes back to where it was.

Only keys pressed and the screen read back, through the installed console script.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch

TERM = "xterm-16color"

WORDS = {
    "en": {"home": "Home", "tile": "Job/Status (Ctrl+J)", "active": "Active", "log": "Log",
           "settings_menu": "General Settings"},
    "lv": {"home": "Sākums", "tile": "Darba statuss (Ctrl+J)", "active": "Aktīvie", "log": "Žurnāls",
           "settings_menu": "Vispārīgie iestatījumi"},
}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_ctrl_j_opens_job_status_from_home_and_a_settings_menu(launch: Launch, lang: str) -> None:
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang, term=TERM)
    t.wait_for(w["home"], w["tile"])  # the tile says which key opens it from anywhere
    t.press("ctrl+j")
    t.wait_for(w["active"], w["log"])
    t.press("ctrl+j")  # on Job Status: nothing (not a second one that needs a second Esc)
    t.press("escape")
    t.wait_for(w["tile"])  # back on Home
    t.press("enter")  # Home's cursor is on Settings
    t.wait_for(w["settings_menu"])
    t.wait_gone(w["tile"])
    t.press("ctrl+j")
    t.wait_for(w["active"], w["log"])
    t.press("escape")
    t.wait_for(w["settings_menu"])  # back in the menu it was opened from
    t.wait_gone(w["log"])
