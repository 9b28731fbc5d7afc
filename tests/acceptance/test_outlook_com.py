"""Outlook.com at 80×24, as a person sets it up: Web Config's Email service reads "Outlook.com"
(as the guide names it), fills in smtp-mail.outlook.com, and the personal account signs in on
Microsoft's pages without any organisation consent; then Scan to Email completes.

Nothing here imports the app: keys in, screen out.
"""

from __future__ import annotations

import re

from tests.acceptance.conftest import Launch

PRINTER_PASSWORD = "X4ZB012345"
SOMEONE = "someone@outlook.com"
SOMEONE_PASSWORD = "Outlook-Someone-2025"
USER = "user@contoso.onmicrosoft.com"


def test_outlook_com_sign_in_and_scan_to_email(launch: Launch) -> None:
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("NWS_EMAIL_BASIC", "Email Server")
    t.press("ctrl+l")
    t.wait_for("Administrator Login")
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_for("Log out", "Authentication Method")
    t.press("enter")  # Authentication Method's list
    t.wait_for("OAuth2")
    t.press("down", "down", "down", "enter")
    t.wait_for("Current Status", "Sign In")
    t.press("tab", "enter")  # Email service's list
    screen = t.wait_for("Outlook.com")
    assert "personal use" not in screen  # the guide's option reads "Outlook.com"
    t.press("down", "enter")
    t.wait_for("smtp-mail.outlook.com")
    t.press("tab", "enter")  # Sign In
    t.wait_for("Email service: Outlook.com", "Sign in with Microsoft")
    t.press("enter")
    screen = t.wait_for(r"Code: [A-Z0-9]{6,}", regex=True)
    code = re.search(r"Code: ([A-Z0-9]{6,})", screen)
    assert code is not None

    t.press("f4")
    t.wait_for("Enter code", code.group(1))
    t.press("enter")
    t.wait_for("Enter your email, phone, or Skype", f"{SOMEONE}  {SOMEONE_PASSWORD}  (personal account")
    t.type(SOMEONE)
    t.press("enter")
    t.wait_for("Enter password")
    t.type(SOMEONE_PASSWORD)
    t.press("enter")
    screen = t.wait_for("Permissions requested", "Accept")
    assert "Consent on behalf of your organization" not in screen  # a personal account
    t.press("enter")  # Accept
    t.wait_for("You have signed in")

    t.press("f3")
    t.wait_for(f"Signed in: {SOMEONE}")
    t.press("enter")  # Close
    t.press("ctrl+o")
    t.wait_for("Setup complete. The settings and the sign-in were sent")

    t.press("f2")
    t.wait_for("Home", "Scan")
    t.press("left", "enter")
    t.wait_for("Email")
    t.press("enter")
    t.wait_for("Scan > Email", "name@example.com")
    t.type(USER)
    t.press("enter")
    t.wait_for("Completed")
