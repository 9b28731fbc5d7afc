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
