"""What a worker could not do is said where the person looks, and the panel goes on.

The panel catches only the failures it expects (a file that cannot be written, a tenant that
does not answer) and says them on the screen; anything else is a bug the app reports.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.acceptance.conftest import Launch


def test_a_status_sheet_that_cannot_be_written_is_said_and_the_panel_goes_on(
    launch: Launch, state_dir: Path
) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    prints = state_dir / "prints"
    if prints.is_dir():
        shutil.rmtree(prints)
    prints.write_text("not a folder")  # as a full or read-only disk would: the PDF cannot be written
    panel.press("down", "right", "up", "enter")
    panel.wait_for("General Settings")
    panel.press("enter")
    panel.wait_for("Network Settings")
    panel.press("down", "down", "enter")
    panel.wait_for("Network Status")
    panel.press("down", "down", "enter")
    panel.wait_for("Print Status Sheet")
    panel.press("up", "enter")
    panel.wait_for("Print the network status sheet?")
    panel.press("enter")
    panel.wait_for("The status sheet could not be printed")
    panel.press("enter")
    panel.wait_gone("could not be printed")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
