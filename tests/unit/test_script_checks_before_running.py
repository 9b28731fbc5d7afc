"""`panel-tui-script --check` catches what it can before anything runs (trial 3, finding 9): an
account the tenant does not have, an error code the guide does not have, a scenario id typo
(with the id it was meant to be); and the run's words read as written (`1 check`, `tenant
revoke-sessions admin`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_model.i18n import translate
from panel_tui.scenarios import script
from panel_tui.scenarios.runner import run_file


def check(tmp_path: Path, text: str) -> tuple[int, str]:
    f = tmp_path / "mine.panel"
    f.write_text(text)
    out: list[str] = []
    rc = run_file(f, check_only=True, out=out.append, err=out.append)
    return rc, "\n".join(out)


def test_check_finds_unknown_accounts_codes_and_scenario_typos(tmp_path: Path) -> None:
    rc, out = check(tmp_path, "sign-in admn\nexpect job 999\nscenario 361-expird\ntenant revoke-sessions admn\n"
                              "pas sign-in 1002 usr\ntenant smtp-auth --mailbox printr off\nexpect job 315\n")
    assert rc == script.EXIT_ERROR, out
    assert ("mine.panel:1: no such account 'admn' (did you mean 'admin'?); default accounts: admin, printer, user, "
            "someone, or a full address") in out
    assert "mine.panel:2: the guide has no error code 999; codes: 311, 312, 313, 314, 360, 361, 370, or completed, not-set" in out
    assert ("mine.panel:3: unknown scenario '361-expird' (did you mean '361-expired'?); panel-tui scenarios list "
            "shows them all") in out
    assert "mine.panel:4: no such account 'admn' (did you mean 'admin'?)" in out
    assert "mine.panel:5: no such account 'usr' (did you mean 'user'?)" in out
    assert "mine.panel:6: no such account 'printr' (did you mean 'printer'?)" in out
    assert "mine.panel:7: no job here ends with 315" in out
    assert "known: ok-signed-in" not in out  # a typo names one id, not all 25


def test_check_passes_what_the_run_accepts(tmp_path: Path) -> None:
    rc, out = check(tmp_path, "sign-in\nsign-in PRINTER\nsign-in someone@outlook.com\nsign-in bob@example.com\n"
                              "expect job 361\nexpect job completed\nexpect job not-set\nscenario 361-expired\n"
                              "tenant set-password user New-Pass-2026\n")
    assert rc == script.EXIT_OK, out


@pytest.mark.parametrize("line,shown", [
    ("tenant revoke-sessions admin", "tenant revoke-sessions admin"),
    ("tenant smtp-auth --mailbox printer off", "tenant smtp-auth --mailbox printer off"),
    ("tenant set-password admin 'Secret Pass-1'", "tenant set-password admin ********"),
    ("tenant security-defaults on", "tenant security-defaults on"),
])
def test_tenant_lines_are_echoed_as_written(line: str, shown: str) -> None:
    step, = script.parse(line)[0].steps
    assert step.describe() == shown


def test_one_check_is_one_check() -> None:
    assert translate("en", "scenarios.run.checks", count=1) == "1 check"
    assert translate("en", "scenarios.run.steps", count=1) == "1 step"
    assert translate("en", "scenarios.run.checks", count=2) == "2 checks"
    assert translate("lv", "scenarios.run.checks", count=1) == "1 pārbaude"
