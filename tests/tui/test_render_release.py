"""What the person no longer sees keeps no drawn lines (each ~5 KiB with Textual's caches):
a Web Config page switched away from, a surface left for another, an F4 tab left. Shown again,
each is drawn exactly as before."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget

from device_model import Device

from .conftest import make_app
from .helpers import screen_text
from .test_webconfig_support import linked_app, log_in_webconfig, wait_until


def _drawn_lines(root: Widget) -> int:
    """The lines ``root`` and its widgets keep from their last paint (Textual's styles cache)."""
    return sum(len(w._styles_cache._cache) for w in (root, *root.walk_children(Widget)))



async def _leave_and_come_back(app: Any, pilot: Any, surface: str, shown: str) -> None:
    """F2 to the panel: the surface lets go of every line it drew; back: drawn again, the same."""
    left = app.screen
    await app.switch_mode("panel")
    await wait_until(pilot, lambda: _drawn_lines(left) == 0, "the surface left to let go of its lines")
    await app.switch_mode(surface)
    await wait_until(pilot, lambda: screen_text(app) == shown, "the page drawn again, the same")

async def test_web_config_page_and_surface_left_keep_no_lines(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        web = app.screen
        await log_in_webconfig(pilot, app)  # ends on Network > Email Server > Basic
        await pilot.pause()
        basic = web.query_one("#page-email-basic")
        assert _drawn_lines(basic) > 20
        shown_basic = screen_text(app)

        web.open_page("network", "connection_test")
        await wait_until(pilot, lambda: "Connection Test" in screen_text(app), "the Connection Test page")
        await wait_until(pilot, lambda: _drawn_lines(basic) == 0, "the page left to let go of its lines")
        shown_test = screen_text(app)

        await _leave_and_come_back(app, pilot, "webconfig", shown_test)
        web.open_page("network", "email_basic")
        await wait_until(pilot, lambda: screen_text(app) == shown_basic, "Basic drawn again, the same")


async def test_a_dialog_over_web_config_keeps_its_lines(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        web = app.screen
        await pilot.pause()
        before = _drawn_lines(web)
        await pilot.press("ctrl+l")  # the Log in dialog: Web Config still shows around it
        await pilot.pause()
        await pilot.pause()
        assert app.screen is not web
        assert before > 0 and _drawn_lines(web) > before // 2  # not let go (a few lines change)


async def test_cloud_tabs_and_surface_left_keep_no_lines(live_device: Device, tenant: Any) -> None:
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        cloud = app.screen
        signin = cloud.query_one("#cloud-signin")
        await wait_until(pilot, lambda: _drawn_lines(signin) > 5, "the sign-in page drawn")
        cloud.show_tab("mail")
        await wait_until(pilot, lambda: _drawn_lines(cloud.query_one("#cloud-mail")) > 5, "Mailboxes drawn")
        await wait_until(pilot, lambda: _drawn_lines(signin) == 0, "the tab left to let go of its lines")
        shown_mail = screen_text(app)

        await _leave_and_come_back(app, pilot, "cloud", shown_mail)


async def test_field_message_lines_are_made_when_a_field_first_has_a_message(device: Device) -> None:
    """Basic's nine message lines are not built with the page (≈ 25 KiB a widget); a refused OK
    puts each message on the line right under its field's row, as before."""
    from textual.widgets import Input, Select

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        web = app.screen
        await log_in_webconfig(pilot, app)
        page = web.query_one("#page-email-basic")
        assert not page.query(".field-error")
        web.query_one("#eb-auth-method", Select).value = "smtp_auth"
        web.query_one("#eb-sender", Input).value = ".bad(address"
        web.query_one("#eb-smtp-server", Input).value = "smtp.example.com"
        web.query_one("#eb-smtp-port", Input).value = "0"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: len(page.query(".field-error.-shown")) == 2, "two field messages")
        for field in ("eb-sender", "eb-smtp-port"):
            row = web.query_one(f"#{field}").parent
            siblings = list(row.parent.children)
            assert siblings[siblings.index(row) + 1].id == f"{field}-error"
        shown = screen_text(app)
        assert "not sent" in shown.lower() or "nav nosūt" in shown.lower()
        web.query_one("#eb-sender", Input).value = "printer@example.com"
        web.query_one("#eb-smtp-port", Input).value = "587"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: not page.query(".field-error.-shown"), "the messages cleared")
