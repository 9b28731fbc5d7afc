"""Scan to Email from the panel's Scan tile (issue 4): address check, 360 without a sign-in,
and a real delivery into the tenant's Maildir with the job in Job Status > Log."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Select

from device_model import Device
from panel_tui.scan.screens import ScanScreen
from panel_tui.screens.registry import open_item

from .conftest import make_app, make_device, make_oauth2_device, set_oauth2
from .helpers import static_text
from .test_webconfig_support import (
    press_button,
    ADMIN,
    PRINTER,
    complete_sign_in,
    linked_app,
    wait_until,
)


async def test_scan_tile_opens_scan_to_email_and_checks_the_address(tmp_path: Path) -> None:
    app = make_app(make_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        open_item(app, "scan")
        await pilot.pause()
        await pilot.press("enter")  # Scan lists its destinations; Email is the first
        assert isinstance(app.screen, ScanScreen)
        assert app.screen.query_one("#scan-to", Input).has_focus
        await pilot.press(*"not-an-address", "enter")
        assert "valid email address" in static_text(app, "#scan-result")
        assert app.device.jobs.log == [] or all(j.kind != "scan_to_email" for j in app.device.jobs.log)


async def test_scan_refuses_an_address_too_long_for_a_mail_server(tmp_path: Path) -> None:
    """A pasted 206-character address with a 131-character local part is refused before any
    job runs, saying the limits (64 before the @, 254 in all), in the panel's language."""
    long_local = "a" * 131 + "@contoso.onmicrosoft.com"
    too_long = "b" * 60 + "@" + "c" * 190 + ".com"
    for lang, word in (("en", "too long"), ("lv", "par garu")):
        device = make_device(tmp_path / lang)
        device.update("basic", language=lang)
        app = make_app(device)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(ScanScreen())
            for address in (long_local, too_long):
                app.screen.query_one("#scan-to", Input).value = address
                await pilot.press("enter")
                await pilot.pause()
                assert word in static_text(app, "#scan-result"), static_text(app, "#scan-result")
            assert all(j.kind != "scan_to_email" for j in app.device.jobs.log)


async def test_the_same_result_twice_reads_as_a_new_job(tmp_path: Path) -> None:
    """360 twice in a row: the result names each job's number, so a person sees a new job ran."""
    device = make_oauth2_device(tmp_path / "state", sender=PRINTER)  # nobody signed in
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ScanScreen())
        scan = app.screen
        shown = []
        for _ in range(2):
            scan.query_one("#scan-to", Input).value = ADMIN
            await pilot.press("enter")
            await wait_until(pilot, lambda: "360" in static_text(app, "#scan-result"), "360")
            shown.append(static_text(app, "#scan-result"))
            jobs = [j for j in app.device.jobs.log if j.kind == "scan_to_email"]
            assert f"Job {max(j.id for j in jobs)}," in shown[-1], shown[-1]
            await wait_until(pilot, lambda: not scan.query_one("#scan-start").disabled, "Start again")
        assert shown[0] != shown[1]


async def test_scan_without_sign_in_gives_360_and_the_guides_message(tmp_path: Path) -> None:
    device = make_oauth2_device(tmp_path / "state", sender=PRINTER)  # nobody signed in
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ScanScreen())
        scan = app.screen
        scan.query_one("#scan-to", Input).value = ADMIN
        await pilot.press("enter")
        await wait_until(pilot, lambda: scan.last_job is not None, "the job")
        assert scan.last_job.code == 360
        text = static_text(app, "#scan-result")
        assert "360" in text
        assert "To use this feature, you must sign in to your email service." in text
        entry = device.jobs.log[0]
        assert (entry.kind, entry.code, entry.destination) == ("scan_to_email", 360, ADMIN)


async def test_scan_to_email_lands_in_the_maildir(live_device: Device, tenant: Any) -> None:
    """Signed in (and saved with OK), a Scan to Email is delivered From the signed-in address."""
    device = live_device
    set_oauth2(device, PRINTER)
    app = linked_app(device, tenant)  # gives the device its profile
    attempt = await asyncio.to_thread(device.email.begin_sign_in, "exchange_online")
    assert attempt.state == "waiting"
    async with app.run_test(size=(80, 24)) as pilot:
        page = await complete_sign_in(tenant, attempt.user_code)
        assert page.kind == "done"
        assert await asyncio.to_thread(attempt.wait) == "signed_in"
        device.email.commit_sign_in(attempt)

        await app.push_screen(ScanScreen())
        scan = app.screen
        await pilot.press(*ADMIN)
        await press_button(pilot, "#scan-start")
        await wait_until(pilot, lambda: scan.last_job is not None, "the job", timeout=60)
        assert scan.last_job.status == "completed", scan.last_job.reply
        assert "Completed" in static_text(app, "#scan-result")
        assert device.jobs.active == []
        assert device.jobs.log[0].kind == "scan_to_email"

        await pilot.press("ctrl+j")  # Job Status from the Scan screen
        await pilot.pause()
        assert type(app.screen).__name__ == "JobStatusScreen"

        # the Cloud surface's mailbox viewer shows the delivery with its attachment
        await app.switch_mode("cloud")
        await pilot.pause()
        cloud = app.screen
        cloud.show_tab("mail")
        await pilot.pause()
        cloud.query_one("#mail-box", Select).value = ADMIN
        table = cloud.query_one("#mail-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1, "the message in the viewer")
        date, subject, attachments = table.get_row_at(0)
        assert str(attachments).endswith(".pdf")
        assert PRINTER in static_text(app, "#mail-detail")  # From, under the list

    (message,) = tenant.admin.messages(ADMIN)
    assert PRINTER in str(message["From"])
    (pdf,) = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    maildir = tenant.admin.maildir(ADMIN)
    assert any((maildir / "new").iterdir())


async def test_scan_to_email_opened_again_is_a_new_page(tmp_path: Path) -> None:
    """The page is kept when left (built once: its Enter was the slowest key of a Scan to
    Email), so opening it again must look new: no earlier result, the default Resolution and
    Pages, the cursor in To with the address used last."""
    app = make_app(make_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        open_item(app, "scan")
        await pilot.pause()
        await pilot.press("enter")
        first = app.screen
        assert isinstance(first, ScanScreen)
        await pilot.press(*"not-an-address", "enter")
        assert "valid email address" in static_text(app, "#scan-result")
        first.query_one("#scan-resolution", Select).value = 600
        first.query_one("#scan-pages", Select).value = 3
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # Email again
        await pilot.pause()
        again = app.screen
        assert isinstance(again, ScanScreen)
        assert static_text(app, "#scan-result") == ""
        assert again.query_one("#scan-resolution", Select).value == 200
        assert again.query_one("#scan-pages", Select).value == 1
        to = again.query_one("#scan-to", Input)
        assert to.has_focus and to.value == ""  # nothing was sent: no address used last
        await pilot.press(*"someone@example.com", "enter")  # sent (no server set: an error)
        await wait_until(pilot, lambda: "Sending" not in static_text(app, "#scan-result"), "the job ends")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert to.value == "someone@example.com"  # the address used last, selected
        await pilot.press(*"other@example.com")
        assert to.value == "other@example.com"  # typing replaces it, as on a new page
