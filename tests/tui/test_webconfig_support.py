"""Shared helpers of the surface tests (Web Config, Cloud, Scan to Email); no tests here.

The fixtures (`tenant`, `live_device`) are in conftest.py.

The real stack: a simulated tenant on loopback (1 s device-code interval), a device whose email
client talks to it over HTTPS and SMTP, and the app wired to it through a ready ``CloudLink``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

from device_model import Device, DeviceProfile
from panel_tui.app import PanelApp
from panel_tui.cloud_link import CloudLink
from panel_tui.config import AppConfig

SERIAL = DeviceProfile.default().serial_number
PRINTER = "printer@contoso.onmicrosoft.com"
PRINTER_PW = "Contoso-Printer-2025"
ADMIN = "admin@contoso.onmicrosoft.com"


def linked_app(device: Device, tenant: Any) -> PanelApp:
    """The app with its cloud link ready on ``tenant`` (no embedded tenant of its own)."""
    app = PanelApp(device, AppConfig(state_dir=device.state_dir), tick=False, cloud=False)
    app.cloud_link = CloudLink.from_handle(device, app.config, tenant)
    return app


async def wait_until(pilot: Any, condition: Callable[[], Any], what: str, timeout: float = 30.0) -> None:
    """Let the app run until ``condition()`` holds (a deadline, not a timing assumption)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def log_in_webconfig(pilot: Any, app: PanelApp, password: str = SERIAL) -> None:
    """Guide step 2: Log in, the administrator password, OK."""
    await pilot.press("ctrl+l")
    await pilot.press(*password, "enter")
    await wait_until(pilot, lambda: getattr(app.screen, "logged_in", False), "the Web Config login")
    # Web Config opens on its status page; guide step 3 (the Basic page) is set directly here
    # (the keyboard walk to it is tests/acceptance/test_webconfig.py)
    if app.screen.page == "product_status":
        app.screen.open_page("network", "email_basic")
        await pilot.pause()


async def complete_sign_in(tenant: Any, code: str, upn: str = PRINTER, password: str = PRINTER_PW) -> Any:
    """Guide steps 8-11 in "another browser": the tenant's pages over HTTP, off the event loop."""
    from cloud_sim.signin import SignInClient

    def walk() -> Any:
        with SignInClient(tenant.base_url, tenant.ca_cert_path) as client:
            client.open()
            return client.sign_in(code, upn, password, accept=True, on_behalf_of_org=True)

    return await asyncio.to_thread(walk)


async def code_page_for_web_config(pilot: Any, app: PanelApp) -> tuple[Any, Any, Any]:
    """Guide steps 6-8: Web Config starts "Sign in with Microsoft" (Exchange Online) and shows a
    code; F4's sign-in pages open on the code page. Web Config's screen, the Cloud screen and its
    sign-in pane."""
    from panel_tui.cloud.screens import CloudScreen
    from panel_tui.cloud.signin_pane import SignInPane
    from panel_tui.webconfig.screens import WebConfigScreen

    await app.switch_mode("webconfig")
    web = app.screen
    assert isinstance(web, WebConfigScreen)
    web.begin_sign_in("exchange_online")
    await wait_until(pilot, lambda: web.attempt is not None and web.attempt.state == "waiting", "a code")
    await app.switch_mode("cloud")
    cloud = app.screen
    assert isinstance(cloud, CloudScreen)
    pane = cloud.query_one(SignInPane)
    await wait_until(pilot, lambda: pane.kind == "code", "the code page")
    return web, cloud, pane


def text_of(screen: Any, selector: str) -> str:
    """The text of one Static on ``screen`` (also while a dialog is on top of it)."""
    from textual.widgets import Static

    return str(screen.query_one(selector, Static).render())


async def press_button(pilot: Any, selector: str) -> None:
    """Keyboard only: wait until the widget is on screen and enabled, focus it, press Enter."""
    app = pilot.app

    def ready() -> bool:
        found = app.screen.query(selector)
        if not found:
            return False
        widget = found.first()
        if widget.display and not widget.disabled and widget.region.width == 0:
            # scrolled out of view (a slow first layout can leave it there): as a person would
            widget.scroll_visible(animate=False)
            return False
        # A Button ignores presses while its "-active" press effect (0.2 s) is still on, so a
        # second press of the same button right after the first would be dropped.
        return bool(widget.display and widget.region.width > 0 and not widget.disabled
                    and not widget.has_class("-active"))

    await wait_until(pilot, ready, f"{selector} on screen")
    app.screen.query_one(selector).focus()
    await pilot.press("enter")
