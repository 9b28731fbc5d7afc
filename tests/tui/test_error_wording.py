"""The scan screen (and Web Config's send results) words a failed job's code as Job Details and the
guide's error table do, in English and Latvian: it had words of its own for 311-315 ("Could not
find the email server." beside Job Details' "A DNS error occurred.") and for 361, and a trainer
comparing with the guide asked which was the printer's text. 360 keeps the guide's own message
("To use this feature, you must sign in ..."), which the guide quotes beside its table."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_model.errors import ERROR_CODES
from device_model.i18n import translate
from panel_tui.screens.job_status import JobDetailScreen
from panel_tui.ui.text import job_outcome_text

from .conftest import make_app, make_device
from .helpers import screen_text


def flat(text: str) -> str:
    return " ".join(text.replace("█", " ").replace("▀", " ").replace("▄", " ").split())


@pytest.mark.parametrize("lang", ["en", "lv"])
async def test_the_scan_screen_words_a_code_as_job_details_and_the_guide(tmp_path: Path, lang: str) -> None:
    device = make_device(tmp_path, lang=lang)
    jobs = {code: device.jobs.record("scan_to_email", "user@contoso.onmicrosoft.com", status="error",
                                     code=code, reply="550 5.0.0 Test")
            for code in ERROR_CODES}
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        for code, job in jobs.items():
            status = translate(lang, f"error.{code}.status")
            said = job_outcome_text(app.screen, job)
            message = said.split(": ", 1)[1].split("\n")[0]
            if code == 360:  # the guide's message for it, quoted in both guides
                assert message == translate(lang, "error.360.panel"), message
            else:
                assert message.startswith(status), (code, message, status)
            await app.push_screen(JobDetailScreen(job))
            await pilot.pause()
            assert status in flat(screen_text(app)), (code, status)
            app.pop_screen()
            await pilot.pause()
