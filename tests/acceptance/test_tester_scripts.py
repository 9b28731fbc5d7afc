"""A tester reproduces the guide's error codes without the mouse or the panel: scenarios and
scripts from the command line, then the code where a person looks for it (Job Status)."""

from __future__ import annotations

from pathlib import Path

from tests.acceptance.conftest import Launch

REPO = Path(__file__).resolve().parents[2]


def test_tester_lists_the_scenarios_in_english_and_latvian(launch: Launch) -> None:
    listing = launch("panel-tui", "scenarios", "list", rows=60)
    listing.wait_for("361-expired", "370-revoked", "314-too-large")
    assert listing.wait_exit() == 0
    lv = launch("panel-tui", "scenarios", "list", "--lang", "lv", rows=60)
    screen = lv.wait_for("361-expired")
    assert lv.wait_exit() == 0
    assert "Signed in and saved" not in screen, "the Latvian list must not fall back to English"


def test_tester_runs_the_shipped_script_of_every_error_code(launch: Launch, state_dir: Path) -> None:
    script = launch("panel-tui-script", str(REPO / "docs/scripts/all-error-codes.panel"), "--state-dir", str(state_dir), cols=200)
    script.wait_for("15 checks: all passed", timeout=120)
    assert script.wait_exit() == 0


def test_a_failed_expect_fails_the_script_with_exit_1(launch: Launch, tmp_path: Path, state_dir: Path) -> None:
    wrong = tmp_path / "wrong.panel"
    wrong.write_text("scenario 361-expired --send\nexpect job completed\n")
    script = launch("panel-tui-script", str(wrong), "--state-dir", str(state_dir), cols=200)
    script.wait_for("FAIL", "expect job completed")
    assert script.wait_exit(timeout=60) == 1


def test_tester_applies_a_scenario_then_reads_the_code_in_job_status(launch: Launch, state_dir: Path) -> None:
    setup = launch("panel-tui", "scenarios", "apply", "361-expired", "--send", "--state-dir", str(state_dir))
    setup.wait_for("361-expired: passed", timeout=60)
    assert setup.wait_exit() == 0

    panel = launch("panel-tui")
    panel.wait_for("Job/Status")
    panel.press("down", "left", "enter")  # Home: Settings -> Web Config -> Job/Status tile
    panel.wait_for("Scan to Email", "Error 361")
    panel.press("enter")
    panel.wait_for("Job Details", "Server's reply, verbatim:", "AADSTS700082")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def test_ssl_tls_against_the_starttls_port_prints_no_raw_bytes(launch: Launch, tmp_path: Path) -> None:
    """313 "SSL/TLS against the STARTTLS port": the outcome lines only, no server log of raw TLS bytes."""
    f = tmp_path / "tls.panel"
    f.write_text("scenario ok-signed-in\nset email_server.secure ssl_tls\n"
                 "scan-to-email user@contoso.onmicrosoft.com\nexpect job 313\n")
    script = launch("panel-tui-script", str(f), cols=200)
    screen = script.wait_for("1 check: all passed", timeout=60)
    assert script.wait_exit() == 0
    assert "unrecognised" not in screen and "Traceback" not in screen


def test_tester_gets_json_lines_and_sees_the_fault_scenarios(launch: Launch, tmp_path: Path) -> None:
    f = tmp_path / "busy.panel"
    f.write_text("scenario 313-smtp-busy --send\n")
    script = launch("panel-tui-script", str(f), "--json", "--junit", str(tmp_path / "j.xml"), cols=200)
    screen = script.wait_for('"event": "summary"', timeout=60)
    assert script.wait_exit() == 0
    assert '"text": "job 1 to user@contoso.onmicrosoft.com: 313 (451 4.7.500 Server busy.' in screen
    assert 'testcase classname="panel.busy" name="busy"' in (tmp_path / "j.xml").read_text()
    listing = launch("panel-tui", "scenarios", "list", cols=120)
    listing.wait_for("313-smtp-no-answer", "360-identity-down", "ok-slow-network")
    assert listing.wait_exit() == 0


def test_a_script_runs_against_the_cloud_sim_a_tester_started(launch: Launch, tmp_path: Path,
                                                               state_dir: Path) -> None:
    """`cloud-sim serve` in one terminal, `panel-tui-script --cloud URL --cloud-ca PATH` in another:
    the script's fault and send act on that running tenant (its own admin command sees the fault)."""
    tenant_dir = tmp_path / "tenant"
    sim = launch("cloud-sim", "--state-dir", str(tenant_dir), "serve", cols=120)
    sim.wait_for("Press Ctrl+C to stop.", timeout=60)
    url = sim.line("Verification URL").split()[-1].removesuffix("/devicelogin")
    ca = sim.line("CA certificate").split()[-1]
    script = tmp_path / "busy.panel"
    script.write_text("scenario ok-signed-in\nfault smtp 451\nscan-to-email user@contoso.onmicrosoft.com\n"
                      "expect job 313\nexpect reply ~ \"^451 4\\.7\\.500\"\n")
    run = launch("panel-tui-script", str(script), "--cloud", url, "--cloud-ca", ca, "--state-dir", str(state_dir),
                 cols=200)
    run.wait_for(f"simulated tenant {url}", timeout=30)
    run.wait_for("2 checks: all passed", timeout=90)
    assert run.wait_exit() == 0
    faults = launch("cloud-sim", "--state-dir", str(tenant_dir), "admin", "faults", cols=120)
    faults.wait_for('"code": 451')
    assert faults.wait_exit() == 0
    sim.press("ctrl+c")
    assert sim.wait_exit(timeout=30) in (0, 130)
    assert "Traceback" not in sim.text()


def test_the_summary_speaks_the_printers_language_or_lang(launch: Launch, tmp_path: Path, state_dir: Path) -> None:
    """`scenarios run` ended in English ("all passed", "interrupted ... not finished") on a
    Latvian printer and with --lang lv: its summary and interrupt lines speak the printer's saved
    language, or --lang's (the step lines keep the script words, as SCENARIOS.md says)."""
    panel = launch("panel-tui", "--lang", "lv")  # the printer in state_dir now speaks Latvian
    panel.wait_for("Web Config (F3)", "Iziet")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
    quick = tmp_path / "quick.panel"
    quick.write_text("scenario ok-signed-in\nexpect status signed_in\n")
    run = launch("panel-tui", "scenarios", "run", str(quick), "--state-dir", str(state_dir), cols=200)
    run.wait_for("visas izdevās", timeout=90)
    assert "all passed" not in run.text(), run.text()
    assert run.wait_exit() == 0

    slow = tmp_path / "slow.panel"  # a send to an SMTP server 60 s late: stopped while it runs
    slow.write_text("scenario ok-signed-in\nfault latency smtp 60000\nscan-to-email user@contoso.onmicrosoft.com\n")
    run = launch("panel-tui", "scenarios", "run", str(slow), "--lang", "lv", cols=200)  # a factory printer
    run.wait_for("fault latency", timeout=90)
    run.pump(0.5)
    run.press("ctrl+c")
    run.wait_for("ERROR scan-to-email user@contoso.onmicrosoft.com: pārtraukts (Ctrl+C)",
                 "pārtraukts 3. rindā (Ctrl+C), nav pabeigts")
    assert run.wait_exit() == 130
