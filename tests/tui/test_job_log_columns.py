"""Job Status's list fits 80 columns in every language, however long its cells: the columns
are fitted to the screen instead of a horizontal scroll bar cutting off the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from panel_tui.screens.job_status import JobStatusScreen

from .conftest import make_app, make_device
from .helpers import screen_text


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize("jobs", [2, 30])
async def test_the_log_fits_the_screen_with_the_longest_cells(tmp_path: Path, lang: str, jobs: int) -> None:
    """The longest type (Connection Test), address and result (Interrupted — may have been
    delivered), with a few rows and with a vertical scroll bar."""
    device = make_device(tmp_path / "state", lang=lang)
    for _ in range(jobs):
        device.jobs.record("connection_test", "someone.with.a.long.name@contoso.onmicrosoft.com", status="interrupted")
    device.jobs.record("scan_to_email", "printer@contoso.onmicrosoft.com", status="error", code=370)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobStatusScreen())
        await pilot.pause()
        table = app.screen.query_one("#log-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width, (
            table.virtual_size, table.scrollable_content_region, screen_text(app))
        error = device.t("device.job.status.error_code", code=370)
        assert error in screen_text(app)  # a short result is never cut


@pytest.mark.parametrize("lang", ["en", "lv"])
async def test_an_empty_log_says_so_in_full(tmp_path: Path, lang: str) -> None:
    device = make_device(tmp_path / "state", lang=lang)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobStatusScreen())
        await pilot.pause()
        assert device.t("panel.jobs.none") in screen_text(app)


@pytest.mark.parametrize(("lang", "word", "full"), [
    ("en", "Interrupted", "Interrupted — may have been delivered"),
    ("lv", "Pārtraukts", "Pārtraukts — iespējams, piegādāts"),
])
async def test_an_interrupted_job_is_readable_in_the_log_and_in_full_in_its_details(
        tmp_path: Path, lang: str, word: str, full: str) -> None:
    """After a kill -9 mid-job and a restart: the Log says the short word whole (never
    "Interrupted — may have been de…"), the address keeps its room, and Enter shows the full
    result, as the other results' details do."""
    from panel_tui.screens.job_status import JobDetailScreen

    device = make_device(tmp_path / "state", lang=lang)
    device.jobs.record("scan_to_email", "printer@contoso.onmicrosoft.com", status="error", code=314)
    device.jobs.record("scan_to_email", "printer@contoso.onmicrosoft.com", status="interrupted")
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobStatusScreen())
        await pilot.pause()
        text = screen_text(app)
        assert "…" not in text, text
        assert word in text and "contoso.onmicrosoft.com" in text, text  # the domain whole
        await app.push_screen(JobDetailScreen(device.jobs.log[0]))
        await pilot.pause()
        assert full in screen_text(app)


@pytest.mark.parametrize("lang", ["en", "lv"])
async def test_printer_status_does_not_scroll_the_screen(tmp_path: Path, lang: str) -> None:
    """Job/Status > Printer Status (Tab, Right): four facts; the screen scrolled by the tab bars'
    rows (a scrollbar on the key line, the clock two columns to the left)."""
    from textual.widgets import TabbedContent

    app = make_app(make_device(tmp_path / "state", lang=lang))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobStatusScreen())
        await pilot.pause()
        app.screen.query_one("#job-tabs", TabbedContent).active = "tab-printer"
        await pilot.pause()
        await pilot.pause()
        assert app.screen.max_scroll_y == 0, screen_text(app)
        assert "▇" not in screen_text(app)
