"""Web Config as a trainer walks the guide's steps 2-7 at 80×24, keyboard only, in English and
Latvian: F3, Log in, the status page, Network > Email Server > Basic, OAuth2, Sign In, the code.

What a person reads decides: each language's words are the ones its screens must show (the
Latvian Web Config keeps in English only what the Latvian guide quotes in English).
"""

from __future__ import annotations

import re

import pytest

from tests.acceptance.conftest import Launch

SERIAL = "X4ZB012345"

#: What each language's screens say (only what a person reads)
WORDS = {
    "en": {
        "status_page": "Product Status",
        "login_title": "Administrator Login",
        "logout": "Log out",
        "last_tab": "Device Management",
        "connection_test": "Connection Test",
        "login_required": "Log in as administrator",
        "code": r"Code: [A-Z0-9]{6,}",
        "keys": ("c Copy the code", "u Copy the URL"),
        "logout_question": "Log out of Web Config?",
        "cancel": "Cancel",
        "recipient": "Recipient",
        "send": "Send",
        "not_english": (),
    },
    "lv": {
        "status_page": "Produkta statuss",
        "login_title": "Administratora pierakstīšanās",
        "logout": "Izrakstīties",
        "last_tab": "Ierīces pārvaldība",
        "connection_test": "Savienojuma pārbaude",
        "login_required": "Piesakieties kā administrators",
        "code": r"Kods: [A-Z0-9]{6,}",
        "keys": ("c Kopēt kodu", "u Kopēt URL"),
        "logout_question": "Izrakstīties no Web Config?",
        "cancel": "Atcelt",
        "recipient": "Saņēmējs",
        "send": "Sūtīt",
        # English words the Latvian guide does not quote: never on a Latvian screen
        "not_english": ("Cancel", "Close", "Log out", "Not signed in", "Copy code", "Product Status", "Sender's"),
    },
}


def _log_in(panel, w: dict) -> None:
    """F3 opens Web Config on its status page; Ctrl+L, the password, Enter (guide step 2)."""
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    screen = panel.wait_for(w["status_page"], SERIAL, "Log in")
    # every tab is readable at 80 columns (the strip wraps, it does not run off the edge)
    assert w["last_tab"] in screen, screen
    panel.press("ctrl+l")
    panel.wait_for(w["login_title"])
    panel.type(SERIAL)
    panel.press("enter")
    # the first page after Log in is still the status page, not a settings page
    panel.wait_for(w["logout"], w["status_page"])


def _to_network_tab(panel, w: dict) -> str:
    """Right from Status to the Network tab (menu keeps the cursor): Email Server > Basic."""
    for _ in range(3):
        panel.press("right")
    return panel.wait_for("Email Server", "Basic", w["connection_test"], "Authentication Method")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_log_in_navigate_to_basic_choose_oauth2_and_get_a_code(launch: Launch, lang: str) -> None:
    w = WORDS[lang]
    panel = launch("panel-tui", "--lang", lang)
    _log_in(panel, w)
    _to_network_tab(panel, w)
    panel.press("enter")  # Basic: the cursor moves into the page (Authentication Method)
    panel.press("enter")  # open the list
    panel.press("down", "down", "down", "enter")  # OAuth2
    screen = panel.wait_for("OAuth2", "Microsoft Exchange Online", "Sign In")
    # the guide's "no Current Status and a Sign In button: sign in": as on the printer
    assert "Current Status" not in screen, screen
    # what a step needs is on screen: the OK button and Send Test Email's Send, no scrolling
    assert panel.line("OK").strip().endswith("OK"), screen
    assert panel.line(w["recipient"]).rstrip().endswith(w["send"]), screen
    panel.press("tab", "tab")  # Email service, then Sign In
    panel.press("enter")
    panel.wait_for("Sign in with Microsoft")
    panel.press("enter")
    screen = panel.wait_for("devicelogin", *w["keys"])
    assert re.search(w["code"], screen), screen
    for word in w["not_english"]:
        assert word not in screen, (word, screen)
    panel.press("escape")
    screen = panel.wait_for("Email Server > Basic")
    for word in w["not_english"]:
        assert word not in screen, (word, screen)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_connection_test_tab_enter_does_not_log_out(launch: Launch, lang: str) -> None:
    w = WORDS[lang]
    panel = launch("panel-tui", "--lang", lang)
    _log_in(panel, w)
    _to_network_tab(panel, w)
    panel.press("down", "enter")  # Connection Test; the cursor on Start
    panel.wait_for(w["connection_test"], "Start" if lang == "en" else "Sākt")
    panel.press("tab", "enter")  # a stray Tab + Enter lands on Log out ...
    screen = panel.wait_for(w["logout_question"], w["cancel"])  # ... which asks first
    panel.press("enter")  # the question's cursor is on Cancel
    screen = panel.wait_gone(w["logout_question"])
    assert w["logout"] in screen and w["login_required"] not in screen, screen


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_after_a_connection_test_start_keeps_the_cursor_and_esc_goes_to_the_left_menu(launch: Launch, lang: str) -> None:
    """Start is disabled while the test runs; when it is back the cursor is on it again, so
    Enter tests again and Esc goes to the left menu (README), not out of Web Config to the
    Panel, where the next keys would change the panel's settings."""
    from tests.acceptance.journeys import _menu_has_cursor

    w = WORDS[lang]
    start = "Start" if lang == "en" else "Sākt"
    panel = launch("panel-tui", "--lang", lang)
    _log_in(panel, w)
    _to_network_tab(panel, w)
    panel.press("down", "enter")  # Connection Test; the cursor on Start
    panel.wait_for(w["connection_test"], start)
    panel.wait_until(lambda: not _menu_has_cursor(panel), "the cursor is on Start")
    before = panel.text()
    panel.press("enter")  # Start: no SMTP server is set, the device says so
    panel.wait_until(lambda: panel.text() != before and "..." not in panel.text(), "the test's answer")
    panel.settle(0.3)
    panel.press("escape")
    panel.wait_until(lambda: _menu_has_cursor(panel), "Esc: the left menu has the cursor")
    screen = panel.text()
    assert w["connection_test"] in screen and w["logout"] in screen, screen  # still in Web Config
