"""A tester sets the guide's newer cases up and sees them where a person looks: the relay with its
own CA after the command that started it has ended, the F4 Admin centre's fault switches, and
F4 › Scenarios' step lines in Latvian."""

from __future__ import annotations

import re
from pathlib import Path

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal
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


def test_the_relay_runs_in_cloud_sim_serve_and_a_refused_handshake_prints_no_traceback(
        launch: Launch, tmp_path: Path, state_dir: Path) -> None:
    """`cloud-sim serve` in one terminal, the shipped relay script against it in another: the
    relay is the served tenant's, and its terminal shows no ConnectionResetError traceback when
    the printer refuses the relay's certificate."""
    tenant_dir = tmp_path / "tenant"
    sim = launch("cloud-sim", "--state-dir", str(tenant_dir), "serve", cols=120)
    sim.wait_for("Press Ctrl+C to stop.", timeout=60)
    url = sim.line("Verification URL").split()[-1].removesuffix("/devicelogin")
    ca = sim.line("CA certificate").split()[-1]
    run = launch("panel-tui-script", str(REPO / "docs/scripts/313-untrusted-relay.panel"), "--cloud", url,
                 "--cloud-ca", ca, "--state-dir", str(state_dir), cols=200)
    run.wait_for("3 checks: all passed", timeout=90)
    assert run.wait_exit() == 0
    status = launch("cloud-sim", "--state-dir", str(tenant_dir), "admin", "relay", cols=120)
    status.wait_for('"running": true')
    assert status.wait_exit() == 0
    screen = sim.text()
    assert "relay on 127.0.0.1:" in screen, screen
    assert "Traceback" not in screen and "ConnectionResetError" not in screen and " ERROR " not in screen, screen
    sim.press("ctrl+c")
    assert sim.wait_exit(timeout=30) in (0, 130)


def _admin_centre_faults(panel: Terminal) -> None:
    """F4, Shift+Tab to the tabs, → Admin centre, Enter, then Tab down to Network faults' endpoint."""
    panel.press("f4")
    panel.wait_for("Admin centre", "Enter code")  # F4 opens on the sign-in page's code field
    panel.press("shift+tab", "right")
    panel.wait_for(r"Tenant clock: \d{4}-", regex=True)  # the tenant's state is read: Enter goes in
    panel.press("enter", *["tab"] * 20)  # Security defaults ... +91 days, then the latency's endpoint


def test_a_tester_switches_network_faults_one_by_one_in_the_admin_centre(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Job/Status")
    _admin_centre_faults(panel)
    panel.wait_for("Network faults", "No network faults.", "Identity platform down", "SMTP 451", "Clear faults")
    panel.press("enter", "down", "enter")  # the endpoint: Exchange SMTP -> Identity platform
    panel.press("tab", "ctrl+u")
    panel.type("750")
    panel.press("enter")
    panel.wait_for("Active network faults:", "Identity platform 750 ms late")
    panel.press("tab", "tab", "enter")  # Identity platform down
    panel.wait_for("identity platform down (503, AADSTS90033)")
    panel.press("tab", "tab", "enter")  # SMTP 451
    panel.wait_for("MAIL FROM gets 451")
    panel.press("tab", "enter")  # Clear faults
    panel.wait_for("No network faults.")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def test_the_network_faults_section_speaks_latvian(launch: Launch) -> None:
    panel = launch("panel-tui", "--lang", "lv")
    panel.wait_for("Sākums")
    panel.press("f4")
    panel.wait_for("Administrēšanas centrs", "Ievadiet kodu")
    panel.press("shift+tab", "right")
    panel.wait_for(r"Nomnieka pulkstenis: \d{4}-", regex=True)
    clocks = panel.line("Nomnieka pulkstenis")  # both clocks on one line at 80 columns, times too
    assert re.search(r"\d\d:\d\d .*\d\d:\d\d$", clocks.rstrip()), clocks
    panel.press("enter", *["tab"] * 20)
    panel.wait_for("Tīkla kļūmes", "Tīkla kļūmju nav.", "Notīrīt kļūmes")
    panel.press("tab", "tab", "tab", "enter")  # SMTP 421... after endpoint, ms, Set: the platform down
    panel.wait_for("Aktīvās tīkla kļūmes:", "identitātes platforma nedarbojas")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def test_latvian_scenarios_tab_shows_its_step_lines_in_latvian(launch: Launch) -> None:
    panel = launch("panel-tui", "--lang", "lv")
    panel.wait_for("Sākums")
    panel.press("f4")
    panel.wait_for("Scenāriji", "Ievadiet kodu")  # F4 opens on the sign-in page's code field
    panel.press("shift+tab", "left")  # the tab bar, then Scenarios (the last tab)
    panel.wait_for("Pierakstīšanās saglabāta: skenēšana uz e-pastu izdodas")
    panel.press("tab")  # into its list, on the first scenario
    panel.press("enter")  # apply the first scenario: signed in and saved
    screen = panel.wait_for("Iestatīts.", timeout=60)
    for words in ("Sākt no sākumstāvokļa: nomnieks kā sagatavots", "Pierakstīties kā admin, tad OK",
                  "pierakstījies kā"):
        assert words in screen, screen
    panel.press("s")  # apply and send it: the lines at the end of the log
    screen = panel.wait_for("Kā gaidīts", timeout=60)
    for words in ("Skenēšana uz e-pastu adresātam", "Pārbaude: darbs dod Pabeigts"):
        assert words in screen, screen
    for english in ("baseline:", "sign-in admin", "scan-to-email", "expect job", "signed in as", "to user@"):
        assert english not in screen, screen
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
