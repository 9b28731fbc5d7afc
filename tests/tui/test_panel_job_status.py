"""Job/Status: the log with results and codes, details from the error catalog, live updates."""

from __future__ import annotations

import threading

from textual.widgets import DataTable

from device_model import Device
from panel_tui.screens.job_status import JobDetailScreen, JobStatusScreen

from .conftest import make_app
from .helpers import screen_text
from .test_webconfig_support import wait_until

REPLY = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."


async def test_log_rows_and_error_details(device: Device) -> None:
    device.jobs.record("print", "Status Sheet")
    device.jobs.record("scan_to_email", "printer@contoso.onmicrosoft.com", status="error", code=312, reply=REPLY)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("left", "down", "enter")  # Job/Status tile
        assert isinstance(app.screen, JobStatusScreen)
        text = screen_text(app)
        assert "Error 312" in text and "Completed" in text and "Status Sheet" in text
        await pilot.press("enter")  # newest row first: the failed scan
        assert isinstance(app.screen, JobDetailScreen)
        text = screen_text(app).replace("\n", " ")
        assert device.t(device.errors.get(312).status) in text
        assert "SmtpClientAuthentication" in text
        await pilot.press("escape")
        assert isinstance(app.screen, JobStatusScreen)


async def test_job_events_from_another_thread_update_the_table(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobStatusScreen())
        table = app.screen.query_one("#log-table", DataTable)
        assert table.row_count == 1  # "No jobs"
        # The empty log on screen first: until the screen is laid out, "No jobs" is absent too.
        await wait_until(pilot, lambda: "No jobs" in screen_text(app), "the empty log")
        worker = threading.Thread(target=device.jobs.record, args=("print", "Status Sheet"))
        worker.start()
        worker.join()
        # The event crosses threads with call_soon_threadsafe; let the loop run until the row shows.
        await wait_until(pilot, lambda: "Status Sheet" in screen_text(app), "the new row")
        assert table.row_count == 1 and "No jobs" not in screen_text(app)


async def test_details_show_a_long_reply_whole_and_verbatim_at_80x24(device: Device) -> None:
    """The reply is on screen without scrolling, wrapped, and "[...]" in it is text, not markup."""
    reply = ("535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be "
             "authenticated successfully. Contact your administrator. [red]x[/red] "
             "[BN0PR00MB0000.namprd00.prod.outlook.com 2026-11-28T01:33:50.561Z 08DDF405530C89E1] END-OF-REPLY")
    device.jobs.record("scan_to_email", "user@contoso.onmicrosoft.com", status="error", code=312, reply=reply,
                       server="smtp.office365.com:587", auth="oauth2", account="admin@contoso.onmicrosoft.com",
                       subject="Scanned document")
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobStatusScreen())
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, JobDetailScreen)
        await pilot.pause()
        text = " ".join(screen_text(app).replace("█", " ").split())
        assert "Server's reply, verbatim:" in text
        assert "[red]x[/red]" in text and "END-OF-REPLY" in text
        assert device.t(device.errors.get(312).solution).split()[-1] in text
