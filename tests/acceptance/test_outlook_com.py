"""Outlook.com at 80×24, as a person sets it up: Web Config's Email service reads "Outlook.com"
(as the guide names it), fills in smtp-mail.outlook.com, and the personal account signs in on
Microsoft's pages without any organisation consent; then Scan to Email completes.

Nothing here imports the app: keys in, screen out.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import WORDS, choose_oauth2, scan_to_email, sign_in_with_microsoft, web_config_basic_page

SOMEONE = "someone@outlook.com"
SOMEONE_PASSWORD = "Outlook-Someone-2025"
USER = "user@contoso.onmicrosoft.com"


def test_outlook_com_sign_in_and_scan_to_email(launch: Launch) -> None:
    t = launch("panel-tui")
    t.wait_for("Home")
    web_config_basic_page(t, WORDS["en"])
    choose_oauth2(t)
    t.press("tab", "enter")  # Email service's list
    screen = t.wait_for("Outlook.com")
    assert "personal use" not in screen  # the guide's option reads "Outlook.com"
    t.press("down", "enter")
    t.wait_for("smtp-mail.outlook.com")
    code = sign_in_with_microsoft(t)
    t.wait_for("Email service: Outlook.com")

    t.press("f4")
    t.wait_for("Enter code", code)
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

    assert "Completed" in scan_to_email(t, WORDS["en"], to=USER)


ADMIN = "admin@contoso.onmicrosoft.com"
WRONG_KIND = {
    # (Email service, the account of the other kind, what Microsoft's page says, in en and lv)
    "outlook_com": (True, ADMIN, {"en": "That Microsoft account doesn't exist",
                                  "lv": "Šāds Microsoft konts nepastāv"}),
    "exchange": (False, SOMEONE, {"en": "You can't sign in here with a personal account",
                                  "lv": "Šeit nevar pierakstīties ar personīgo kontu"}),
}


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize("service", ["outlook_com", "exchange"])
def test_the_other_kind_of_account_is_refused_on_the_account_page(launch: Launch, service: str,
                                                                  lang: str) -> None:
    """Outlook.com signs in at /consumers (personal accounts only), Exchange Online at
    /organizations (work accounts only): the account page says so, in the panel's language,
    and the right account still signs in with the same code."""
    outlook, wrong, said = WRONG_KIND[service]
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang)
    t.wait_for(w["home"])
    web_config_basic_page(t, w)
    choose_oauth2(t)
    if outlook:
        t.press("tab", "enter")  # Email service's list
        t.wait_for("Outlook.com")
        t.press("down", "enter")
        t.wait_for("smtp-mail.outlook.com")
    else:
        t.press("tab")  # Email service: Microsoft Exchange Online is already chosen
    code = sign_in_with_microsoft(t)
    t.press("f4")
    t.wait_for(w["enter_code"], code)
    t.press("enter")
    t.wait_for(w["account_page"])
    t.type(wrong)
    t.press("enter")
    t.wait_for(said[lang])
    right = ADMIN if outlook is False else SOMEONE
    t.type(right)
    t.press("enter")
    t.wait_for(w["password_page"], right)
