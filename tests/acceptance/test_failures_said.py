"""What a worker could not do is said where the person looks, and the panel goes on.

The panel catches only the failures it expects (a file that cannot be written, a tenant that
does not answer) and says them on the screen; anything else is a bug the app reports.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.acceptance.conftest import Launch
from tests.acceptance.test_processes import ask_for_status_sheet


def test_a_status_sheet_that_cannot_be_written_is_said_and_the_panel_goes_on(
    launch: Launch, state_dir: Path
) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    prints = state_dir / "prints"
    if prints.is_dir():
        shutil.rmtree(prints)
    prints.write_text("not a folder")  # as a full or read-only disk would: the PDF cannot be written
    ask_for_status_sheet(panel)
    panel.wait_for("The status sheet could not be printed")
    panel.press("enter")
    panel.wait_gone("could not be printed")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
