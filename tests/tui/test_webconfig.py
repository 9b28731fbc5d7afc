"""Web Config over the real stack: log in, the OAuth2 page, the code, completion, OK (issue 4).

Guide steps 2-12 through the Web Config surface, the sign-in finished on the tenant's own pages
over HTTP (as a browser would), then the panel's Email Server Status and a Scan to Email whose
message lands in the tenant's Maildir From the signed-in address with its PDF.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select

from device_model import Device
from panel_tui.scan.screens import ScanScreen
from panel_tui.webconfig.screens import WebConfigScreen
from panel_tui.webconfig.signin import SignInModal

from .helpers import screen_text, static_text
from .test_webconfig_support import text_of
from .test_webconfig_support import (
    press_button,
    ADMIN,
    PRINTER,
    SERIAL,
    complete_sign_in,
    linked_app,
    log_in_webconfig,
    wait_until,
)


async def test_login_wrong_password_then_right(live_device: Device, tenant: Any) -> None:
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        assert isinstance(screen, WebConfigScreen)
        text = screen_text(app)
        # Web Config opens on its status page, as a printer's does
        assert "https://192.168.1.37/PRESENTATION/ADVANCED/INFO_PRTINFO/TOP" in text
        assert "Product Status" in text
        await pilot.press("ctrl+l")
        await pilot.press(*"wrong-pw", "enter")
        await wait_until(pilot, lambda: "incorrect" in static_text(app, "#login-message"), "the wrong-password message")
        assert not screen.logged_in
        await pilot.press(*SERIAL, "enter")
        await wait_until(pilot, lambda: screen.logged_in, "login")
        assert app.screen is screen
        assert "Product Status" in screen_text(app)  # the first page after Log in, too
        assert "Administrator" in screen_text(app)
        assert not live_device.admin.logged_in  # Web Config's session is not the panel's


async def test_signin_ok_status_and_scan_to_email(live_device: Device, tenant: Any) -> None:
    device = live_device
    app = linked_app(device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        assert isinstance(screen, WebConfigScreen)
        await log_in_webconfig(pilot, app)

        # steps 3-5: Network > Email Server > Basic, OAuth2, Microsoft Exchange Online
        screen.query_one("#eb-auth-method", Select).value = "oauth2"
        await pilot.pause()
        assert screen.query_one("#eb-smtp-server", Input).value == "smtp.office365.com"
        assert screen.query_one("#eb-smtp-port", Input).value == "587"
        assert screen.query_one("#eb-secure", Select).value == "starttls"
        screen.query_one("#eb-sender", Input).value = PRINTER
        assert not screen.query_one("#row-status").display  # no Current Status before a sign-in

        # step 6: Sign In, then "Sign in with Microsoft"
        await press_button(pilot, "#eb-sign-in")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInModal), "the Sign In window")
        await press_button(pilot, "#signin-start")
        await wait_until(
            pilot,
            lambda: screen.attempt is not None and screen.attempt.state == "waiting",
            "a device code",
        )
        code = screen.attempt.user_code
        # step 7: the code and the URL are shown
        assert code and code in static_text(app, "#signin-code")
        assert static_text(app, "#signin-url") == tenant.verification_uri
        assert "Waiting" in text_of(screen, "#eb-status-note")  # not a Current Status yet

        # steps 8-11 in the browser; the page updates by itself
        page = await complete_sign_in(tenant, code)
        assert page.kind == "done", page
        await wait_until(pilot, lambda: screen.attempt.state == "signed_in", "the sign-in to finish")
        await pilot.pause()
        assert f"Signed in: {PRINTER}" in static_text(app, "#signin-state")
        assert device.email.status().state == "not_signed_in"  # not the printer's before OK

        await pilot.press("escape")
        assert app.screen is screen
        assert f"Signed in: {PRINTER}" in static_text(app, "#eb-status")
        # as on the printer: no word that OK is still needed (trainer hints are off)
        assert "not saved" not in static_text(app, "#eb-status-note")

        # step 12: OK sends the settings and the sign-in to the printer
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "Setup complete" in static_text(app, "#eb-result")
        status = device.email.status()
        assert (status.state, status.account) == ("signed_in", PRINTER)
        assert device.settings.email_server.auth_method == "oauth2"
        assert device.settings.email_server.email_service == "exchange_online"
        assert f"Signed in: {PRINTER}" in static_text(app, "#eb-status")

        # a test email from the Basic page, then Network > Email Server > Connection Test
        to = screen.query_one("#eb-test-to", Input)
        to.value = ADMIN
        to.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Completed" in static_text(app, "#eb-test-result"), "the test email", 60)
        screen.open_page("network", "connection_test")
        await pilot.pause()
        assert "NWS_EMAIL_CONNECTIONTEST" in screen_text(app)
        await press_button(pilot, "#ct-start")
        await wait_until(
            pilot, lambda: "successful" in static_text(app, "#ct-result"), "the connection test", 60
        )

        # checking the status on the panel (guide p. 7)
        await app.switch_mode("panel")
        from panel_tui.screens.registry import open_node
        from panel_tui import menu_tree

        open_node(app, menu_tree.find("email_server_status"))
        await pilot.pause()
        text = screen_text(app)
        assert "OAuth2" in text and "Signed in" in text and PRINTER in text

        # Scan to Email from the panel: Active, then Log Completed; the mail is in the Maildir
        await app.push_screen(ScanScreen())
        await pilot.pause()
        scan = app.screen
        assert isinstance(scan, ScanScreen)
        scan.query_one("#scan-to", Input).value = ADMIN
        await pilot.press("enter")
        await wait_until(pilot, lambda: scan.last_job is not None, "the Scan to Email job", timeout=60)
        job = scan.last_job
        assert job.status == "completed", (job.code, job.reply)
        assert "Completed" in static_text(app, "#scan-result")
        assert device.jobs.log[0].kind == "scan_to_email" and not device.jobs.active

        messages = tenant.admin.messages(ADMIN)
        assert len(messages) == 2  # the test email and the scan
        (message,) = [m for m in messages if list(m.iter_attachments())]
        assert PRINTER in str(message["From"])
        attachments = list(message.iter_attachments())
        assert attachments and attachments[0].get_content_type() == "application/pdf"
        assert attachments[0].get_content().startswith(b"%PDF")


async def test_ok_shows_validation_messages_at_fields(live_device: Device, tenant: Any) -> None:
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        await log_in_webconfig(pilot, app)
        screen.query_one("#eb-auth-method", Select).value = "smtp_auth"
        screen.query_one("#eb-sender", Input).value = ".bad(address"
        screen.query_one("#eb-smtp-server", Input).value = "smtp.example.com"
        screen.query_one("#eb-smtp-port", Input).value = "0"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert static_text(app, "#eb-sender-error")
        assert static_text(app, "#eb-smtp-port-error")
        assert "not sent" in static_text(app, "#eb-result")
        assert live_device.settings.email_server.auth_method == "off"  # nothing saved


async def test_ok_with_odd_digits_in_the_port_is_a_field_message_not_a_crash(live_device: Device, tenant: Any) -> None:
    """"5²" passes str.isdigit() but not int(); Arabic-Indic digits and 5000 digits likewise."""
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        await log_in_webconfig(pilot, app)
        screen.query_one("#eb-auth-method", Select).value = "smtp_auth"
        screen.query_one("#eb-smtp-server", Input).value = "smtp.example.com"
        for port in ("58²", "\u0665\u0668\u0667", "9" * 5000):
            screen.query_one("#eb-smtp-port", Input).value = port
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert static_text(app, "#eb-smtp-port-error")
        assert app.is_running and live_device.settings.email_server.auth_method == "off"


async def test_cancel_and_signed_in_but_not_saved(live_device: Device, tenant: Any) -> None:
    """Cancel stops waiting; a finished sign-in left without OK gives 360 (guide: not saved)."""
    device = live_device
    app = linked_app(device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        await log_in_webconfig(pilot, app)
        screen.query_one("#eb-auth-method", Select).value = "oauth2"
        screen.query_one("#eb-sender", Input).value = PRINTER
        await pilot.press("ctrl+o")  # OAuth2 settings saved, no sign-in yet
        await pilot.pause()
        screen.begin_sign_in("exchange_online")
        await wait_until(pilot, lambda: screen.attempt is not None and screen.attempt.state == "waiting", "a code")
        cancel = screen.query_one("#eb-sign-in-cancel")
        await wait_until(pilot, lambda: cancel.display and cancel.region.width > 0, "the Cancel button")
        cancel.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.attempt.state == "cancelled", "the cancel")
        assert "cancelled" in static_text(app, "#eb-status-note")

        screen.begin_sign_in("exchange_online")
        await wait_until(pilot, lambda: screen.attempt is not None and screen.attempt.state == "waiting", "a new code")
        page = await complete_sign_in(tenant, screen.attempt.user_code)
        assert page.kind == "done"
        await wait_until(pilot, lambda: screen.attempt.state == "signed_in", "the sign-in")
        # no OK: the printer holds no sign-in, so sending gives 360 and the guide's message
        job = await device.email.scan_to_email(ADMIN)
        assert job.code == 360
        await app.switch_mode("panel")
        await app.push_screen(ScanScreen())
        scan = app.screen
        scan.query_one("#scan-to", Input).value = ADMIN
        await pilot.press("enter")
        await wait_until(pilot, lambda: scan.last_job is not None, "the job")
        assert "you must sign in to your email service" in static_text(app, "#scan-result")


async def test_conditional_access_advice_on_53003(live_device: Device, tenant: Any) -> None:
    tenant.admin.add_conditional_access_policy("Block printer", users=(PRINTER,))
    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        await log_in_webconfig(pilot, app)
        screen.query_one("#eb-auth-method", Select).value = "oauth2"
        await pilot.pause()
        await press_button(pilot, "#eb-sign-in")
        await press_button(pilot, "#signin-start")
        await wait_until(pilot, lambda: screen.attempt is not None and screen.attempt.state == "waiting", "a code")
        page = await complete_sign_in(tenant, screen.attempt.user_code)
        assert page.error_code == 53003
        await wait_until(pilot, lambda: screen.attempt.state == "failed", "the failure", timeout=60)
        await pilot.pause()
        assert "Conditional Access policies in Entra ID" in static_text(app, "#signin-state")


async def test_code_expiry_updates_the_page(tmp_path: Any, live_device: Device) -> None:
    """Nobody enters the code: when it expires, the Sign In window and the page say so."""
    from cloud_sim import start_tenant

    short = start_tenant(tmp_path / "short", device_code_expires_in=2, device_code_interval=1)
    try:
        app = linked_app(live_device, short)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.switch_mode("webconfig")
            screen = app.screen
            await log_in_webconfig(pilot, app)
            screen.query_one("#eb-auth-method", Select).value = "oauth2"
            await pilot.pause()
            await press_button(pilot, "#eb-sign-in")
            await press_button(pilot, "#signin-start")
            await wait_until(pilot, lambda: screen.attempt is not None and screen.attempt.state != "waiting", "expiry")
            assert screen.attempt.state == "expired"
            await pilot.pause()
            assert "expired" in static_text(app, "#signin-state")
            await pilot.press("escape")
            assert "expired" in static_text(app, "#eb-status-note")
            assert live_device.email.status().state == "not_signed_in"
    finally:
        short.stop()


async def test_language_switch_keeps_the_session(tmp_path: Any) -> None:
    from .conftest import make_app, make_oauth2_device
    from .test_webconfig_snapshots import PRINTER, _waiting_attempt

    device = make_oauth2_device(tmp_path / "state", sender=PRINTER)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        await log_in_webconfig(pilot, app)
        screen.set_attempt(_waiting_attempt())
        device.update("basic", language="lv")
        await wait_until(pilot, lambda: "Gaida pierakstīšanos" in screen_text(app), "the Latvian page")
        assert screen.logged_in and screen.attempt.user_code == "FQ7K-M2XD"
        assert "Tab Tālāk  ←→ Cilnes" in screen_text(app)
