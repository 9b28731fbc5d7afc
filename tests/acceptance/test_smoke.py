"""The first thing anyone does: start the panel from the README and quit it."""

from __future__ import annotations

from tests.acceptance.conftest import Launch


def test_panel_starts_on_home_and_quits_cleanly(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Scan", "Settings", "Job/Status")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
