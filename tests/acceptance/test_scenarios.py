"""A tester sets the guide's newer cases up and sees them where a person looks: the relay with its
own CA after the command that started it has ended, the F4 Admin centre's fault switches, and
F4 › Scenarios' step lines in Latvian."""

from __future__ import annotations

from pathlib import Path

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import WORDS, scan_to_email

REPO = Path(__file__).resolve().parents[2]


def test_the_relay_a_scenario_started_is_there_for_the_panel_opened_after(launch: Launch, state_dir: Path) -> None:
    setup = launch("panel-tui", "scenarios", "apply", "313-untrusted-relay", "--state-dir", str(state_dir), cols=200)
    setup.wait_for("313-untrusted-relay: set up", timeout=60)
    assert setup.wait_exit() == 0

    panel = launch("panel-tui")
    panel.wait_for("Job/Status")
    screen = scan_to_email(panel, WORDS["en"], to="office@relay.example")
    assert "313" in screen, screen
    panel.press("f5")
    panel.wait_for("Job/Status")
    panel.press("down", "left", "enter")  # Home: Settings -> Web Config -> Job/Status tile
    panel.wait_for("Error 313")
    panel.press("enter")
    # the relay answered and its certificate was refused (not "connection refused": no relay)
    panel.wait_for("Job Details", "is not trusted")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
