"""F4's sign-in page with an empty email and Enter: Microsoft's page says "Enter a valid email
address, phone number, or Skype name." and stays on the account page (it did nothing, silently)."""

from __future__ import annotations

from typing import Any

import pytest

from device_model import Device
from .helpers import static_text
from .test_webconfig_support import code_page_for_web_config, linked_app, wait_until


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Enter a valid email address, phone number, or Skype name."),
    ("lv", "Ievadiet derīgu e-pasta adresi, tālruņa numuru vai Skype vārdu."),
])
async def test_an_empty_account_is_asked_for_again(live_device: Device, tenant: Any, lang: str,
                                                   message: str) -> None:
    live_device.update("basic", language=lang)
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        _, _, pane = await code_page_for_web_config(pilot, app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.kind == "account", "the account page")
        await pilot.press("enter")
        await wait_until(pilot, lambda: static_text(app, "#ms-error") != "", "a message", timeout=10)
        assert static_text(app, "#ms-error") == message
        assert pane.kind == "account"
