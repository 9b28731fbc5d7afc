"""The Fax Server's and Print Admin Serverless users' sign-ins, as a person meets them at 80x24:
whoever started a sign-in, F4's sign-in page has its code and says where it was started."""

from __future__ import annotations

import re

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal

FAX_MODEL = ("--model", "am-c4000")
ADMIN_PASSWORD = "X7QA020406"


def _code_on(screen: str) -> str:
    match = re.search(r"(?:Enter code|Ievadiet kodu) ([A-Z0-9]{6,})", screen)
    assert match, screen
    return match.group(1)


def _fax_server_sign_in(panel: Terminal) -> str:
    """Web Config > Fax > Fax Server > Email Server Settings: OAuth2, Sign In; the code shown."""
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    panel.wait_for("EPSON AM-C4000 Series", "Log in")
    panel.press("ctrl+l")
    panel.type(ADMIN_PASSWORD)
    panel.press("enter")
    panel.wait_for("Log out")
    panel.press("right", "right", "right")
    panel.wait_for("Fax Server > Email Server Settings")
    panel.press("enter", "enter", "down", "down", "enter")  # Authentication Method: OAuth2
    panel.wait_for("Microsoft Exchange Online", "Sign In")
    panel.press("tab", "tab", "enter")  # Sign In
    return _code_on(panel.wait_for(r"Enter code [A-Z0-9]{6,} at", regex=True))


def test_f4_offers_the_fax_servers_waiting_code_and_says_where_it_was_started(launch: Launch) -> None:
    panel = launch("panel-tui", *FAX_MODEL)
    code = _fax_server_sign_in(panel)
    panel.press("f4")
    screen = panel.wait_for("Enter code", code, "for the Fax Server (Fax > Fax Server >")
    assert "Network > Email Server > Basic" not in screen
    panel.press("enter")  # the code is in the field: Next
    panel.wait_for("Sign in", "Email, phone, or Skype")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def _email_server_oauth2(panel: Terminal) -> None:
    """Web Config > Network > Email Server > Basic: OAuth2, OK (the guide walk's settings, before
    its sign-in: what Print Admin Serverless's To Email needs first); back to the panel."""
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    panel.wait_for("EPSON AM-C4000 Series", "Log in")
    panel.press("ctrl+l")
    panel.wait_for("Administrator Login")
    panel.settle()  # the password field has the focus: nothing typed is lost under load
    panel.type(ADMIN_PASSWORD)
    panel.press("enter")
    panel.wait_for("Log out")
    panel.press("right", "right", "right", "right")  # Status > Print > Scan/Copy > Fax > Network
    panel.wait_for("Email Server > Basic", "Authentication Method")
    panel.press("enter", "enter", "down", "down", "down", "enter")  # Authentication Method: OAuth2
    panel.wait_for("Microsoft Exchange Online", "Sign In")
    panel.press("ctrl+o")
    panel.wait_for("Setup complete")
    panel.press("f2")


def test_f4_offers_a_pas_users_to_email_code(launch: Launch) -> None:
    """An ordinary user's To Email on the panel starts a sign-in; F4 has the same code and names
    the user (the page in the panel and F4 are two doors to the same sign-in)."""
    panel = launch("panel-tui", *FAX_MODEL)
    _email_server_oauth2(panel)
    panel.wait_for("Print Admin Serverless")
    panel.press("left", "down", "down", "enter")  # Home opens on Settings; the fifth tile is under Scan
    panel.wait_for("User ID")
    panel.type("1002")
    panel.press("tab")
    panel.type("user-1002")
    panel.press("enter")
    panel.wait_for("To Email")
    panel.press("enter")
    screen = panel.wait_for("The code of your To Email sign-in is filled in")
    match = re.search(r"\b([A-Z0-9]{9})\b", screen)
    assert match, screen
    code = match.group(1)
    # Microsoft's page keeps the margin of the panel's lines above it
    indents = {words: len(row) - len(row.lstrip()) for words in ("Logged in:", "/devicelogin", "Enter code", code)
               if (row := panel.line(words))}
    assert set(indents.values()) == {2} and len(indents) == 4, (indents, screen)
    panel.press("f4")
    screen = panel.wait_for("Microsoft 365 (simulated", "Enter code", code, "Ordinary User's To Email sign-in")
    assert "Network > Email Server > Basic" not in screen
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def test_fax_server_status_names_the_account_and_the_sender_shows_whole(launch: Launch) -> None:
    """Fax Server walk steps 2-4: after the sign-in Current Status names the account and an empty
    Sender's Email Address is filled with it (both as Network > Email Server > Basic does); OK
    sends it, and the address reads from its first character."""
    panel = launch("panel-tui", *FAX_MODEL)
    _fax_server_sign_in(panel)
    panel.press("f4")
    panel.wait_for("for the Fax Server (Fax > Fax Server >")
    panel.press("enter")
    panel.wait_for("Email, phone, or Skype")
    panel.type("admin@contoso.onmicrosoft.com")
    panel.press("enter")
    panel.wait_for("Enter password")
    panel.type("Contoso-Admin-2025")
    panel.press("enter")
    panel.wait_for("Permissions requested")
    panel.press("space", "tab", "enter")  # Consent on behalf of your organization, Accept
    panel.wait_for("You have signed in")
    panel.press("f3")
    screen = panel.wait_for("Current Status", "admin@contoso.onmicrosoft.com")
    assert "Waiting" not in screen
    panel.wait_until(lambda: "admin@contoso.onmicrosoft.com" in panel.line("Sender's Email Address"),
                     "the signed-in account fills Sender's Email Address")
    panel.press("tab")  # Sender's Email Address: nothing to type
    panel.press("ctrl+o")
    panel.wait_for("Setup complete")
    panel.press("tab")  # on to SMTP Server Address: the address left behind reads whole
    panel.settle()
    sender = panel.line("Sender's Email Address")
    assert "admin@contoso.onmicrosoft.com" in sender, panel.text()
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def test_f1_on_the_fax_settings_menu_says_what_its_items_do(launch: Launch) -> None:
    """Settings > General Settings > Fax Settings: F1 explains the sample fax and the Fax Server
    (not only the help every menu shares), in English and in Latvian."""
    for lang, menu, help_text, general, basic in (
        ("en", "Receive Sample Fax", "Fax Settings (fax models). Receive Sample Fax: there is",
         "General Settings", "Basic Settings"),
        ("lv", "Saņemt faksa paraugu", "Faksa iestatījumi (faksa modeļiem). Saņemt faksa",
         "Vispārīgie iestatījumi", "Pamatiestatījumi"),
    ):
        panel = launch("panel-tui", *FAX_MODEL, "--lang", lang)
        panel.wait_for("Print Admin Serverless")
        # each menu on screen before the next key: a key pressed while a menu opens is lost
        panel.press("enter")  # Home opens on Settings
        panel.wait_for(general)
        panel.press("enter")  # General Settings
        panel.wait_for(basic)
        panel.press("down", "down", "down", "down", "down", "enter")  # Fax Settings
        panel.wait_for(menu)
        panel.press("f1")
        panel.wait_for(help_text, "Fax > Fax Server >")
        panel.press("ctrl+q")
        assert panel.wait_exit() == 0
