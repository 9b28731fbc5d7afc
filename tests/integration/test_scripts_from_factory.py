"""Scripts that start from the factory printer, as the README says every run does: a tester who
writes ``sign-in admin`` without ``baseline`` gets the printer signed in *and* able to send
(Email Server > Basic set as guide steps 3-5 do), and a scan on a printer with no email server
is reported with the panel's word, "Not set"."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel_tui.scenarios import cli

pytestmark = pytest.mark.integration


def run(tmp_path: Path, text: str) -> tuple[int, str]:
    f = tmp_path / "mine.panel"
    f.write_text(text)
    out: list[str] = []
    rc = cli.main(["run", str(f)], out=out.append, err=out.append)
    return rc, "\n".join(out)


def test_the_trials_script_without_baseline_gives_361_and_370(tmp_path: Path) -> None:
    """The trial's first script, written from the README alone (no ``baseline``)."""
    rc, out = run(tmp_path, "case expired\nsign-in admin\nadvance 91d\n"
                            "scan-to-email printer@contoso.onmicrosoft.com\nexpect job 361\n"
                            "case revoked\nsign-in admin\ntenant revoke-sessions admin\n"
                            "scan-to-email printer@contoso.onmicrosoft.com\nexpect job 370\n")
    assert rc == 0, out
    assert ("mine.panel:2: ok   sign-in admin: Email Server > Basic set first (guide steps 3-5: OAuth2, "
            "Microsoft Exchange Online, smtp.office365.com:587 STARTTLS); signed in as admin@contoso.onmicrosoft.com, "
            "saved with OK") in out


def test_a_scan_with_no_email_server_is_not_set(tmp_path: Path) -> None:
    rc, out = run(tmp_path, "scan-to-email printer@contoso.onmicrosoft.com\nexpect job 361\nexpect job not-set\n")
    assert rc == 1, out
    assert ("mine.panel:1: ok   scan-to-email printer@contoso.onmicrosoft.com: job 1 to printer@contoso.onmicrosoft.com: "
            "Not set (No email server is set") in out
    assert "FAIL expect job 361: job 1: expected 361, got Not set (No email server is set" in out
    assert "mine.panel:3: ok   expect job not-set: job 1: Not set" in out
    assert ": error" not in out


def test_sign_in_leaves_a_method_set_on_purpose_and_names_the_fix(tmp_path: Path) -> None:
    rc, out = run(tmp_path, "set email_server.auth_method smtp_auth\nsign-in admin\n")
    assert rc == 2, out
    assert ("mine.panel:2: ERROR sign-in admin: Web Config shows Sign In only with Authentication Method OAuth2, "
            "and the Email Server uses SMTP AUTH: start the script with baseline, or set email_server.auth_method "
            "oauth2 first") in out
