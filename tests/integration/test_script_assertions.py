"""Assertions on the server's reply, the delivered mail and the panel; scan options (the
printer's own 314)."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel_tui.scenarios import cli

pytestmark = pytest.mark.integration


def run(tmp_path: Path, text: str) -> tuple[int, str]:
    f = tmp_path / "a.panel"
    f.write_text(text)
    out: list[str] = []
    rc = cli.main(["run", str(f)], out=out.append, err=out.append)
    return rc, "\n".join(out)


def test_reply_mail_and_panel_assertions_hold(tmp_path: Path) -> None:
    rc, out = run(tmp_path, "baseline\nsign-in admin\nexpect mail none\n"
                            "scan-to-email user@contoso.onmicrosoft.com --dpi 300 --pages 2\n"
                            "expect job completed\nexpect reply ~ '^250 2\\.0\\.0 OK'\nexpect panel ~ completed\n"
                            "expect mail to=user@contoso.onmicrosoft.com from=admin@contoso.onmicrosoft.com "
                            "subject~Scan 'attachment~\\.pdf$' size>1000 size<10000000\n"
                            "tenant revoke-sessions admin\nscan-to-email user@contoso.onmicrosoft.com\n"
                            "expect job 370\nexpect reply ~ AADSTS50173\nexpect panel ~ \"sign in\"\n")
    assert rc == 0, out


def test_failed_assertions_say_what_was_there(tmp_path: Path) -> None:
    rc, out = run(tmp_path, "scenario 312-smtp-auth-off --send\nexpect reply ~ '5\\.7\\.3'\n"
                            "expect mail to=user@contoso.onmicrosoft.com\nexpect panel ~ expired\n")
    assert rc == 1, out
    assert "FAIL expect reply ~ 5\\.7\\.3: reply: expected ~ 5\\.7\\.3, got 535 5.7.139" in out
    assert "FAIL expect mail to=user@contoso.onmicrosoft.com: no mail was delivered in this script" in out
    assert "FAIL expect panel ~ expired: panel: expected ~ expired, got Error 312" in out


def test_scan_options_give_the_printers_own_314(tmp_path: Path) -> None:
    rc, out = run(tmp_path, "scenario ok-signed-in\n"
                            "scan-to-email user@contoso.onmicrosoft.com --dpi 600 --pages 3 --size 1\n"
                            "expect job 314\nexpect reply ~ Attached File Max Size\nexpect mail none\n"
                            "scan-to-email user@contoso.onmicrosoft.com --dpi 200 --pages 1 --size 1\n"
                            "expect job completed\n")
    assert rc == 0, out
