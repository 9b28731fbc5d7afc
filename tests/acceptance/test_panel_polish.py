"""Panel stumbles a new user met on the README's walks at 80×24 (English and Latvian, 16
colours): Lock Setting locking the panel without the password, the Latvian Job Log wider than
the screen, the password window's hint naming a button it does not have, two example domains
in one language, the lock icon and the clock in the status bar.

Only keys pressed and the screen read back, through the installed console script.
"""

from __future__ import annotations

import re

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import PRINTER_PASSWORD
from tests.acceptance.terminal import Terminal, key_bytes

TERM = "xterm-16color"

WORDS = {
    "en": {
        "settings": "Settings",
        "general": "General Settings",
        "sysadmin": "System Administration",
        "security": "Security Settings",
        "admin_settings": "Admin Settings",
        "admin_password": "Admin Password",
        "lock_setting": "Lock Setting",
        "save": "Save",
        "on": "On",
        "ask_to_lock": "the lock on.",  # (the window wraps the sentence before it)
        "wrong": "The administrator password is incorrect.",
        "locked": "Locked",
        "unlocked": "Unlocked",
        "logged_out": "Logged out",
        "keypad_title": "Administrator Password",
        "home": "Home",
        "scan_email": "Email",
        "to": "To",
        "job_log_result": "Result",
        "not_set": "Not set",
        "scan_to_email": "Scan to Email",
    },
    "lv": {
        "settings": "Iestatījumi",
        "general": "Vispārīgie iestatījumi",
        "sysadmin": "Sistēmas administrēšana",
        "security": "Drošības iestatījumi",
        "admin_settings": "Administratora iestatījumi",
        "admin_password": "Administratora parole",
        "lock_setting": "Bloķēšanas iestatījums",
        "save": "Saglabāt",
        "on": "Ieslēgts",
        "ask_to_lock": "Lai ieslēgtu bloķēšanu,",
        "wrong": "Administratora parole nav pareiza.",
        "locked": "Bloķēts",
        "unlocked": "Atbloķēts",
        "logged_out": "Administrators ir izrakstījies",
        "keypad_title": "Administratora parole",
        "home": "Sākums",
        "scan_email": "E-pasts",
        "to": "Kam",
        "job_log_result": "Rezultāts",
        "not_set": "Neiestatīts",
        "scan_to_email": "Skenēt uz e-pastu",
    },
}

LANGS = ["en", "lv"]


def _status_bar(t: Terminal) -> str:
    return t.text().splitlines()[0]


def open_lock_setting(t: Terminal, w: dict[str, str]) -> None:
    """Settings > General Settings > System Administration > Security Settings > Admin Settings
    > Lock Setting, as the README's walk names it."""
    t.wait_for(w["settings"])
    t.press("enter")
    t.wait_for(w["general"])
    t.press("enter")
    t.wait_for(w["sysadmin"])
    t.press("down", "down", "down", "down", "down", "enter")
    t.wait_for(w["security"])
    t.press("enter")
    t.wait_for(w["admin_settings"])
    t.press("enter")
    t.wait_for(w["lock_setting"])
    t.press("down", "enter")
    t.wait_for(w["lock_setting"], w["save"])


def choose_on_and_save(t: Terminal, w: dict[str, str]) -> None:
    t.press("enter")  # the list of choices
    t.press("up", "enter")  # On
    t.wait_until(lambda: any(line.strip().startswith(w["lock_setting"]) and line.split()[-2:-1] == [w["on"]]
                             for line in t.text().splitlines()), "Lock Setting shows On")
    t.press("ctrl+s")


@pytest.mark.parametrize("lang", LANGS)
def test_lock_setting_asks_for_the_password_and_goes_back_to_its_menu(launch: Launch, lang: str) -> None:
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang, term=TERM)
    open_lock_setting(t, w)
    choose_on_and_save(t, w)
    t.wait_for(w["ask_to_lock"])
    assert w["locked"] not in _status_bar(t), t.text()  # nothing is locked before the password
    t.press("escape")  # changed their mind: the form stays, the lock stays off
    t.wait_gone(w["ask_to_lock"])
    t.wait_for(w["lock_setting"], w["save"])
    assert w["locked"] not in _status_bar(t) and w["unlocked"] not in _status_bar(t), t.text()

    t.press("ctrl+s")
    t.wait_for(w["ask_to_lock"])
    t.type("wrong-password")
    t.press("enter")
    t.wait_for(w["wrong"])  # refused, said so, still asking
    assert w["locked"] not in _status_bar(t), t.text()
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_gone(w["ask_to_lock"])
    # back in Admin Settings (where Save was pressed from), logged in: the icon says Unlocked
    t.wait_for(w["admin_password"], w["lock_setting"])
    t.wait_until(lambda: w["unlocked"] in _status_bar(t), "the lock icon says Unlocked")
    assert t.line(w["admin_password"]).strip().startswith(w["admin_password"]), t.text()
    assert w["home"] not in t.text().splitlines()[1], t.text()


def test_latvian_password_window_names_its_ok_button_as_the_button_says(launch: Launch) -> None:
    """The hint said "Enter (OK)" above a button reading "Labi": one word for one button (the
    guide's Latvian says OK for the printer's OK)."""
    w = WORDS["lv"]
    t = launch("panel-tui", "--lang", "lv", term=TERM)
    open_lock_setting(t, w)
    choose_on_and_save(t, w)
    screen = t.wait_for(w["keypad_title"], "Atcelt")
    words = " ".join(line.replace("█", " ") for line in screen.splitlines()).split()
    said = " ".join(words)  # the window's text as one line, however it wraps
    assert "Enter (" in said, screen
    named = said.split("Enter (", 1)[1].split(")", 1)[0]
    buttons = [line for line in screen.splitlines() if line.replace("█", "").split()[-1:] == ["Atcelt"]]
    assert buttons and named in buttons[-1].split(), (named, screen)


def scan_to(t: Terminal, w: dict[str, str], address: str) -> None:
    """Home > Scan > Email, the address in To, Start; waits for the job's end."""
    t.press("f5")
    t.wait_for(w["home"])
    t.press("left", "enter")
    t.wait_for(w["scan_email"])
    t.press("enter")
    t.wait_for(w["to"])
    t.type(address)
    t.press("enter")
    t.wait_for(w["not_set"])  # a new printer has no email server: the job ends at once


@pytest.mark.parametrize("lang", LANGS)
def test_job_log_fits_80_columns_and_shows_a_long_address_whole(launch: Launch, lang: str) -> None:
    """The Latvian log's columns were wider than the screen: a scroll bar appeared and the
    result ("Neiestatīts") was cut; then the address was cut ("printer@contoso.onmicrosoft.c…").
    The columns fit, the result is whole, and an address too long for its column goes on
    under itself (after the @), whole."""
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang, term=TERM)
    t.wait_for(w["home"])
    addresses = ("printer@contoso.onmicrosoft.com", "scans.accounting@contoso.onmicrosoft.com")
    for address in addresses:
        scan_to(t, w, address)
    t.press("ctrl+j")  # Job Status: the log
    screen = t.wait_for(w["job_log_result"], w["scan_to_email"])
    t.settle(0.3)
    screen = t.text()
    lines = screen.splitlines()
    header = t.line(w["job_log_result"])
    assert header.rstrip().endswith(w["job_log_result"]) and len(header.rstrip()) <= 78, screen
    assert "…" not in screen, screen
    rows = [i for i, line in enumerate(lines) if w["scan_to_email"] in line]
    assert len(rows) == 2, screen
    for i, address in zip(rows, reversed(addresses)):  # the newest first
        assert lines[i].rstrip().endswith(w["not_set"]), screen
        local = address.split("@")[0]
        col = lines[i].index(local)
        shown = lines[i][col:].split()[0]
        if shown != address:  # the rest of it on the row's next line, in the same column
            shown += lines[i + 1][col:].split()[0]
        assert shown == address, screen
    assert not lines[rows[-1] + 2].strip(), f"a horizontal scroll bar under the rows:\n{screen}"

CLOCK = re.compile(r"\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}$")
LOCK_GLYPH = re.compile(r"\[.\] ")


def _bar_layout(t: Terminal) -> tuple[int, int]:
    """(column of the lock icon's glyph, column where the clock starts) on the status bar;
    fails when the clock is cut or gone."""
    bar = _status_bar(t).rstrip()
    clock = CLOCK.search(bar)
    glyph = LOCK_GLYPH.search(bar)
    assert clock and glyph, f"the clock or the lock icon left the bar: {bar!r}\n{t.text()}"
    return glyph.start(), clock.start()


@pytest.mark.parametrize("lang", LANGS)
def test_logging_in_and_out_keeps_the_lock_icon_and_the_clock_in_place(launch: Launch, lang: str) -> None:
    """Locked and Unlocked are words of different lengths (Bloķēts, Atbloķēts): the icon keeps
    one place and the whole clock stays on the bar through a log-out and a log-in."""
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang, term=TERM)
    open_lock_setting(t, w)
    choose_on_and_save(t, w)
    t.wait_for(w["ask_to_lock"])
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_until(lambda: w["unlocked"] in _status_bar(t), "logged in")
    t.settle()
    where = _bar_layout(t)
    t.press("f5")
    t.wait_for(w["home"])
    t.press("down", "right", "up", "up")  # over the top right tile to the lock icon
    t.wait_for(f"> [ ] {w['unlocked']} <")
    assert _bar_layout(t) == where, t.text()  # focused: markers, same place
    t.press("enter")  # log out
    t.wait_for(w["logged_out"])
    t.wait_until(lambda: w["unlocked"] not in _status_bar(t), "logged out")
    t.settle()
    assert _bar_layout(t) == where, t.text()
    t.press("up", "enter")  # log in again
    t.wait_for(w["keypad_title"])
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_until(lambda: w["unlocked"] in _status_bar(t), "logged in again")
    t.settle()
    assert _bar_layout(t) == where, t.text()


def test_up_and_enter_typed_quickly_on_home_reach_the_lock_icon(launch: Launch) -> None:
    """Up from the top tiles then Enter at once (a quick typist, a key-repeat, tmux
    send-keys) opened Settings: the Enter reached the tiles before the focus moved to the icon."""
    w = WORDS["en"]
    t = launch("panel-tui", term=TERM)
    open_lock_setting(t, w)
    choose_on_and_save(t, w)
    t.wait_for(w["ask_to_lock"])
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_until(lambda: w["unlocked"] in _status_bar(t), "logged in")
    t.press("f5")
    t.wait_for("Job/Status")
    t.child.send(key_bytes("up") + key_bytes("enter"))  # in one write: log out
    t.wait_for(w["logged_out"])
    t.wait_until(lambda: w["unlocked"] not in _status_bar(t), "logged out")
    t.wait_for("> Settings <")  # logging out gives the focus back to the tiles
    t.child.send(key_bytes("up") + key_bytes("enter"))  # log in
    t.wait_for(w["keypad_title"], "Esc Cancel")
    assert "General Settings" not in t.text(), t.text()
