"""F4's account and password pages at 80×24 lists every default account of the simulated tenant, in English
and in Latvian: the Latvian hint ran to seven lines and pushed the last account
(someone@outlook.com) below the screen's bottom line.

Nothing here imports the app: keys in, screen out.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal
from tests.acceptance.journeys import WORDS, choose_oauth2, sign_in_with_microsoft, web_config_basic_page

ACCOUNTS = ("admin@contoso.onmicrosoft.com", "user@contoso.onmicrosoft.com", "printer@contoso.onmicrosoft.com",
            "someone@outlook.com")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_the_account_and_password_pages_show_every_default_account(launch: Launch, lang: str) -> None:
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang)
    t.wait_for(w["home"])
    web_config_basic_page(t, w)
    choose_oauth2(t)
    t.press("tab")  # Email service: Microsoft Exchange Online is already chosen
    code = sign_in_with_microsoft(t)
    t.press("f4")
    t.wait_for(w["enter_code"], code)
    t.press("enter")
    t.wait_for(w["account_page"], ACCOUNTS[0])
    _every_account_shown(t)
    t.type(ACCOUNTS[0])
    t.press("enter")
    t.wait_for(w["password_page"], ACCOUNTS[0])
    _every_account_shown(t)


def _every_account_shown(t: Terminal) -> None:
    t.settle(0.3)
    screen = t.text()
    missing = [a for a in ACCOUNTS if a not in screen]
    assert not missing, f"{missing} not on the screen:\n{screen}"
