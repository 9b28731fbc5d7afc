"""`panel-tui scenarios ...` and `panel-tui --scenario ID`: the scenarios from the panel's command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from panel_tui import cli

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from panel_tui.cli import main
code = None
try:
    code = main({argv!r})
except SystemExit as exc:
    code = exc.code
print("CODE:" + str(code))
print("HEAVY:" + ",".join(sorted(m for m in ("textual", "msal", "aiosmtplib", "cloud_sim") if m in sys.modules)))
"""


def probe(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE.format(argv=list(argv))], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_scenarios_list_passes_through_without_textual() -> None:
    proc = probe("scenarios", "list", "--lang", "lv")
    assert "CODE:0" in proc.stdout, proc.stderr
    assert "HEAVY:\n" in proc.stdout or proc.stdout.rstrip().endswith("HEAVY:")
    assert "361-expired" in proc.stdout and "314-too-large" in proc.stdout
    assert "(361)" in proc.stdout  # the Latvian titles keep the code


def test_scenarios_subcommand_calls_the_scenarios_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main(argv: Any) -> int:
        seen.append(list(argv))
        return 7

    monkeypatch.setattr("panel_tui.scenarios.cli.main", fake_main)
    assert cli.main(["scenarios", "apply", "361-expired", "--send", "--state-dir", "/nonexistent"]) == 7
    assert seen == [["apply", "361-expired", "--send", "--state-dir", "/nonexistent"]]


def test_scenarios_errors_keep_their_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenarios", "apply", "no-such-scenario"]) == 2
    assert "unknown scenario 'no-such-scenario'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli.main(["scenarios"])  # a command is required
    assert exc.value.code == 2


def test_scenarios_verbose_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenarios", "list", "-v"]) == 0
    out = capsys.readouterr().out
    assert "- baseline" in out and "- scan-to-email" in out


def test_help_mentions_scenarios_and_stays_light() -> None:
    proc = probe("--help")
    assert "CODE:0" in proc.stdout
    assert proc.stdout.rstrip().endswith("HEAVY:")
    assert "--scenario ID" in proc.stdout and "panel-tui scenarios" in proc.stdout


def test_option_named_like_the_subcommand_only_as_first_word(tmp_path: Path) -> None:
    # "scenarios" later on the line is not the subcommand: argparse refuses it as usual
    proc = probe("--state-dir", str(tmp_path), "scenarios")
    assert "CODE:2" in proc.stdout
    assert "unrecognized arguments: scenarios" in proc.stderr


def test_unknown_scenario_is_refused_before_the_panel_starts(tmp_path: Path) -> None:
    proc = probe("--state-dir", str(tmp_path), "--scenario", "362-nope")
    assert "CODE:2" in proc.stdout
    assert "unknown scenario '362-nope'" in proc.stderr and "361-expired" in proc.stderr
    assert proc.stdout.rstrip().endswith("HEAVY:")  # refused before Textual was imported


def test_scenario_option_reaches_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from panel_tui.app import PanelApp

    started: list[tuple[str | None, Path]] = []

    def fake_run(self: PanelApp, **kwargs: Any) -> None:
        started.append((self.startup_scenario, self.config.state_dir))

    monkeypatch.setattr(PanelApp, "run", fake_run)
    monkeypatch.setattr(cli, "has_terminal", lambda: True)
    assert cli.main(["--state-dir", str(tmp_path), "--scenario", "361-expired"]) == 0
    assert started == [("361-expired", tmp_path)]
    started.clear()
    assert cli.main(["--state-dir", str(tmp_path)]) == 0
    assert started == [(None, tmp_path)]


def test_scenario_is_not_a_config_file_option(tmp_path: Path) -> None:
    config, args = cli.parse(["--state-dir", str(tmp_path), "--scenario", "313-unreachable"])
    assert args.scenario == "313-unreachable"
    assert not hasattr(config, "scenario")
    assert cli.load_config(["--state-dir", str(tmp_path)]).state_dir == tmp_path


@pytest.mark.parametrize("argv", [
    ["panel-tui-script", "--bogus", "x.panel"],
    ["panel-tui-script"],
    ["panel-tui-script", "/nonexistent/x.panel"],
    ["panel-tui", "scenarios", "run"],
    ["panel-tui", "scenarios", "apply", "no-such-id"],
    ["panel-tui", "scenarios", "list", "--lang", "de"],
])
def test_usage_and_environment_errors_are_one_line_and_exit_2(argv: list[str]) -> None:
    exe = Path(sys.executable).parent / argv[0]
    proc = subprocess.run([str(exe), *argv[1:]], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
