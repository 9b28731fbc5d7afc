"""Web Config's Current Status for a held sign-in the identity platform refused: the guide's
word for each code (361 "Expired", 370 "Sign in again"), the same on the panel's Email Server
Status and the status sheet, and the account wrapped at 80x24 where a person reads it (before
its parenthesis, after its "@"), never inside a word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from device_model import Device
from panel_tui.webconfig.screens import WebConfigScreen

from .conftest import make_app, make_oauth2_device
from .helpers import screen_text, static_text
from .test_webconfig_support import log_in_webconfig

ACCOUNT = "admin@contoso.onmicrosoft.com"


def held_refused(state_dir: Path, lang: str, sign_in_again: bool) -> Device:
    """A printer whose saved sign-in the identity platform refused (361, or 370 when
    ``sign_in_again``): the state the token refresh leaves, without a tenant."""
    device = make_oauth2_device(state_dir, lang=lang)
    store = device.email.store
    store.cache_path.parent.mkdir(parents=True, exist_ok=True)
    store.cache_path.write_text("{}", encoding="utf-8")
    store.meta = {"service": "exchange_online", "account": ACCOUNT, "committed_at": "2026-03-01T09:00:00+00:00",
                  "last_token_at": "2026-03-01T09:00:00+00:00", "expired": False}
    store.mark_expired(sign_in_again=sign_in_again)
    return device


CASES = [
    ("en", False, "Expired", "Expired"),
    ("en", True, "Sign in again", "Sign in again"),
    ("lv", False, "Derīguma termiņš beidzies", "Derīguma termiņš beidzies"),
    ("lv", True, "Atkārtoti jāpierakstās", "Atkārtoti jāpierakstās"),
]


@pytest.mark.parametrize(("lang", "again", "page_word", "panel_word"), CASES)
async def test_current_status_says_the_guides_word_and_wraps_between_words(
        tmp_path: Path, lang: str, again: bool, page_word: str, panel_word: str) -> None:
    device = held_refused(tmp_path / "state", lang, again)
    assert device.email.status().state == "expired"  # scripts and the Sign In button: unchanged
    # the panel's Email Server Status and the status sheet say the same word
    row = next(r for r in device.email_server_status().rows() if r.id == "signin_state")
    assert device.t(row.value) == panel_word
    assert device.t(device.email.status().msg) == panel_word
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        await pilot.pause()
        assert isinstance(app.screen, WebConfigScreen)
        await log_in_webconfig(pilot, app)
        await pilot.pause()
        assert static_text(app, "#eb-status").startswith(page_word)
        lines = screen_text(app).splitlines()
        shown = [ln for ln in lines if ACCOUNT.split("@")[1][:7] in ln or "@" in ln or page_word in ln]
        text = "\n".join(shown)
        # the address is whole on one line, or split right after its "@"
        assert ACCOUNT in text or re.search(r"admin@\s*\n.*contoso\.onmicrosoft\.com", text), text
        for word in ("onmicrosoft.co", "(admin@contoso.onmicrosoft.co"):
            assert not re.search(re.escape(word) + r"\s*$", text, re.M), text
