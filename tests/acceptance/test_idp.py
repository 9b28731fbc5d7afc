"""The identity platform as a person meets it in F4: the permission Microsoft asks for on the
consent page reads the same in the panel as in a browser ("Send emails from mailboxes using SMTP
AUTH"), in English and in Latvian."""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.test_cloud import ADMIN, ADMIN_PASSWORD, web_config_code

PAGES = {
    "en": ("Home", "Enter code", "Enter your email, phone, or Skype", "Enter password",
           "Permissions requested", "Send emails from mailboxes using SMTP AUTH"),
    "lv": ("Sākums", "Ievadiet kodu", "E-pasts, tālrunis vai Skype", "Ievadiet paroli",
           "Pieprasītās atļaujas", "sūtīt e-pastus no pastkastēm, izmantojot SMTP AUTH"),
}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_consent_page_names_the_smtp_permission_as_microsoft_does(launch: Launch, lang: str) -> None:
    home, enter_code, account, password, consent, permission = PAGES[lang]
    t = launch("panel-tui", "--lang", lang)
    t.wait_for(home)
    code = web_config_code(t, lang)
    t.press("f4")
    t.wait_for(enter_code, code)
    t.press("enter")
    t.wait_for(account)
    t.type(ADMIN)
    t.press("enter")
    t.wait_for(password)
    t.type(ADMIN_PASSWORD)
    t.press("enter")
    screen = t.wait_for(consent, permission)
    assert "SMTP.Send" not in screen and "Send email as you" not in screen
