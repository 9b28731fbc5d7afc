"""Web Config page details a person meets: the Fax Server's Sender's Email Address follows its
sign-in as Network > Email Server > Basic's does; every page keeps its fields' width whether it
scrolls or not."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from textual.widgets import Input, Select

from device_model import Device, models
from device_model.clock import FrozenClock

from .conftest import FROZEN_AT, make_app
from .helpers import screen_text
from .test_webconfig_support import wait_until

ACCOUNT = "admin@contoso.onmicrosoft.com"


def _device(tmp_path: Path, model: str = "am-c4000", lang: str = "en") -> Device:
    device = Device(tmp_path / "state", profile=models.get(model), clock=FrozenClock(FROZEN_AT))
    if lang != "en":
        device.update("basic", language=lang)
    return device


async def _fax_page_signed_in(tmp_path: Path, typed: str) -> tuple[str, str | None]:
    """The Fax Server page with OAuth2, ``typed`` in Sender's Email Address, then a finished
    sign-in: (what the field shows, what OK would save)."""
    app = make_app(_device(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        await pilot.pause()
        screen = app.screen
        screen.logged_in = True
        screen.open_page("fax", "fax_server_email")
        await wait_until(pilot, lambda: "Forward To" in screen_text(app), "the Fax Server page")
        page = screen.query_one("#page-fax-server-email")
        page.query_one("#fs-auth-method", Select).value = "oauth2"
        await pilot.pause()
        page.query_one("#fs-sender", Input).value = typed
        page.attempt = SimpleNamespace(state="signed_in", account=ACCOUNT)  # what the worker sets
        page.refresh_status()
        await pilot.pause()
        return page.query_one("#fs-sender", Input).value, page.values()["sender_address"]


async def test_fax_server_sign_in_fills_an_empty_sender(tmp_path: Path) -> None:
    assert await _fax_page_signed_in(tmp_path, "") == (ACCOUNT, ACCOUNT)


async def test_fax_server_sign_in_keeps_a_typed_sender(tmp_path: Path) -> None:
    typed = "fax@contoso.onmicrosoft.com"
    assert await _fax_page_signed_in(tmp_path, typed) == (typed, typed)


async def test_panel_form_messages_stay_under_their_fields_after_web_config(tmp_path: Path) -> None:
    """Web Config's page CSS is the app's once Web Config has opened; the panel's own forms keep
    their field messages where they were (under the field, not under the label)."""
    from panel_tui import menu_tree
    from panel_tui.screens.settings_forms import EmailServerSettingsScreen

    async def message_padding(visit_web_config: bool) -> int:
        app = make_app(_device(tmp_path / str(visit_web_config), "wf-c5890"))
        async with app.run_test(size=(80, 24)) as pilot:
            if visit_web_config:
                await app.switch_mode("webconfig")
                await pilot.pause()
                await app.switch_mode("panel")
                await pilot.pause()
            await app.push_screen(EmailServerSettingsScreen(menu_tree.find("server_settings")))
            app.screen.query_one("#field-smtp_port", Input).value = "70000"
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.screen.query_one("#error-smtp_port").display, "the message")
            return app.screen.query_one("#error-smtp_port").styles.padding.left

    assert await message_padding(True) == await message_padding(False)
