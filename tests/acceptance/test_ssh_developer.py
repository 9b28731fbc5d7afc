"""A developer over SSH: `panel-tui --no-mouse`, TERM=xterm-16color, 80×24, keyboard only.

Every panel screen is reached with keys alone (Home, Scan's destinations, the Settings tree
down to each Network Status screen, Job/Status, the lock icon, F1 help, F2/F3/F4 surfaces),
and the focused row stays readable in 16 colours. English and Latvian where labels matter.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal
from tests.acceptance.test_panel import PASSWORD, assert_readable, cells_of, contrast, turn_lock_on

TERM = "xterm-16color"

LABELS = {
    "en": {
        "job_status": "Job/Status", "settings": "Settings", "general": "General Settings",
        "network": "Network Settings", "network_status": "Network Status",
        "screens": [
            ("Wired LAN/Wi-Fi Status", "IP Address"),
            ("Wi-Fi Direct Status", "Wi-Fi Direct is not simulated."),
            ("Email Server Status", "Authentication Method"),
            ("Print Status Sheet", "Print the network status sheet?"),
        ],
        "scan": ["Email", "Network Folder/FTP", "Cloud", "Memory Device", "Computer"],
        "jobs": "Log", "help": "Help", "home_help": "F5 goes Home",
    },
    "lv": {
        "job_status": "Darba statuss", "settings": "Iestatījumi", "general": "Vispārīgie iestatījumi",
        "network": "Tīkla iestatījumi", "network_status": "Tīkla statuss",
        "screens": [
            ("Vadu LAN/Wi-Fi statuss", "IP adrese"),
            ("Wi-Fi Direct statuss", "Wi-Fi Direct netiek simulēts."),
            ("E-pasta servera statuss", "Autentifikācijas metode"),
            ("Drukāt statusa lapu", "Drukāt tīkla statusa lapu?"),
        ],
        "scan": ["E-pasts", "Tīkla mape/FTP", "Mākonis", "Atmiņas ierīce", "Dators"],
        "jobs": "Žurnāls", "help": "Palīdzība", "home_help": "F5 atver sākuma ekrānu",
    },
}


def developer(launch: Launch, lang: str) -> Terminal:
    t = launch("panel-tui", "--no-mouse", "--lang", lang, term=TERM)
    t.wait_for(LABELS[lang]["job_status"])
    return t


def focused_row(t: Terminal, needle: str) -> int:
    for row, line in enumerate(t.text().splitlines()):
        if needle in line:
            return row
    raise AssertionError(f"{needle!r} not on screen:\n{t.text()}")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_settings_tree_down_to_every_network_status_screen(launch: Launch, lang: str) -> None:
    words = LABELS[lang]
    t = developer(launch, lang)
    t.press("enter")  # Settings, the current tile
    t.wait_for(words["general"])
    t.press("enter")
    t.wait_for(words["network"])
    t.press("down", "down", "enter")
    t.wait_for(words["network_status"])
    t.press("down", "down", "enter")
    for index, (label, content) in enumerate(words["screens"]):
        t.wait_for(*(label for label, _ in words["screens"]))
        t.press(*(["down"] * index))
        t.settle()
        # the focused row: every cell readable on xterm's palette, and the row is marked
        row = focused_row(t, label)
        cells = [c for c in t.cells(row) if c.char.strip()]
        assert min(contrast(c) for c in cells) >= 4.5, (label, cells[0])
        other = words["screens"][(index + 1) % 4][0]
        assert (cells[0].bg, cells[0].reverse) != (
            cells_of(t, other)[0].bg, cells_of(t, other)[0].reverse
        ), "the focused row looks like the others"
        t.press("enter")
        t.wait_for(content)
        t.press("escape")
        t.wait_gone(content)
        t.press(*(["up"] * index))
    t.press("f5")
    t.wait_for(words["job_status"])


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_home_scan_job_status_help_and_the_other_surfaces(launch: Launch, lang: str) -> None:
    words = LABELS[lang]
    t = developer(launch, lang)
    assert_readable(t, words["settings"])  # the current tile, focused
    t.press("left", "enter")  # Scan
    t.wait_for(*words["scan"])
    t.press("escape")
    t.wait_gone(words["scan"][1])
    t.press("down", "enter")  # Job/Status
    t.wait_for(words["jobs"])
    t.press("f1")
    t.wait_for(words["help"], words["home_help"])
    t.press("escape")
    t.wait_gone(words["home_help"])
    t.press("f3")
    t.wait_for("EPSON", "https://")
    t.press("f4")
    t.wait_for("Microsoft 365")
    t.press("f2")
    t.wait_for(words["jobs"])  # the panel as it was left
    t.press("f5")
    t.wait_for(words["job_status"], words["settings"])
    t.press("ctrl+q")
    assert t.wait_exit() == 0


def test_lock_icon_login_and_logout_by_keyboard(launch: Launch) -> None:
    t = developer(launch, "en")
    turn_lock_on(t)
    t.press("up")
    t.wait_for("> [#] Locked <")
    assert_readable(t, "[#] Locked")
    t.press("enter")
    t.wait_for("Administrator Password")
    t.type(PASSWORD)
    t.press("enter")
    t.wait_for("[ ] Unlocked")
    t.wait_gone("> [ ] Unlocked <", timeout=5)
    t.press("up", "enter")  # back to the icon: log out
    t.wait_for("Logged out")
    t.wait_for("[#] Locked")
    t.wait_gone("> [#] Locked <", timeout=5)
    t.press("enter")  # the tiles have focus again: Settings opens
    t.wait_for("General Settings")
