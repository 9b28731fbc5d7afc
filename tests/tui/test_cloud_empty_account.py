"""F4's sign-in page with an empty email and Enter: Microsoft's page says "Enter a valid email
address, phone number, or Skype name." and stays on the account page (it did nothing, silently)."""

from __future__ import annotations

from typing import Any

import pytest

from device_model import Device
from panel_tui.cloud.screens import CloudScreen
from panel_tui.cloud.signin_pane import SignInPane

from .helpers import static_text
from .test_webconfig_support import linked_app, wait_until


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Enter a valid email address, phone number, or Skype name."),
    ("lv", "Ievadiet derīgu e-pasta adresi, tālruņa numuru vai Skype vārdu."),
])
async def test_an_empty_account_is_asked_for_again(live_device: Device, tenant: Any, lang: str,
                                                   message: str) -> None:
    live_device.update("basic", language=lang)
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        web = app.screen
        web.begin_sign_in("exchange_online")
        await wait_until(pilot, lambda: web.attempt is not None and web.attempt.state == "waiting", "a code")
        await app.switch_mode("cloud")
        cloud = app.screen
        assert isinstance(cloud, CloudScreen)
        pane = cloud.query_one(SignInPane)
        await wait_until(pilot, lambda: pane.kind == "code", "the code page")
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.kind == "account", "the account page")
        await pilot.press("enter")
        await wait_until(pilot, lambda: static_text(app, "#ms-error") != "", "a message", timeout=10)
        assert static_text(app, "#ms-error") == message
        assert pane.kind == "account"
