"""The pytest plugin: *.panel scripts as tests (one per script or per case), JUnit failure
messages with the server's reply, and the panel_device / tenant / mailbox fixtures."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def pytest_run(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=where,
                          capture_output=True, text=True, timeout=300)


def test_scripts_with_cases_become_junit_testcases_with_the_reply(tmp_path: Path) -> None:
    (tmp_path / "codes.panel").write_text(
        "baseline\nsign-in admin\n"
        "case sends\nscan-to-email user@contoso.onmicrosoft.com\nexpect job completed\n"
        "expect mail to=user@contoso.onmicrosoft.com subject~Scan attachment~\\.pdf$\n"
        "case wrong-code\ntenant smtp-auth off\nscan-to-email user@contoso.onmicrosoft.com\nexpect job 361\n")
    (tmp_path / "plain.panel").write_text("expect status not_signed_in\n")
    proc = pytest_run(tmp_path, ".", "-n", "2", "--junitxml=out.xml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    cases = {tc.get("name"): tc for tc in ET.parse(tmp_path / "out.xml").iter("testcase")}
    assert set(cases) == {"sends", "wrong-code", "plain"}
    assert cases["sends"].find("failure") is None and cases["plain"].find("failure") is None
    failure = cases["wrong-code"].find("failure")
    assert failure is not None
    message = failure.get("message", "")
    assert message.startswith("line 10: FAIL expect job 361: job 1: expected 361, got 312 (535 5.7.139"), message
    assert "codes.panel:2: ok    sign-in admin" in (failure.text or "")  # the prelude's steps, then the case's
    assert "Traceback" not in proc.stdout


def test_a_malformed_script_is_one_failing_test(tmp_path: Path) -> None:
    (tmp_path / "bad.panel").write_text("scenaro 361-expired\n")
    proc = pytest_run(tmp_path, ".", "-q")
    assert proc.returncode == 1
    assert "bad.panel:1: unknown command 'scenaro' (did you mean 'scenario'?)" in proc.stdout


def test_fixtures_for_testers_writing_python(tmp_path: Path) -> None:
    (tmp_path / "test_by_hand.py").write_text('''
from panel_tui.scenarios import catalog

async def test_send(panel_session, panel_device, mailbox, tenant, tmp_path):
    assert panel_device.state_dir == tmp_path / "state" and tenant.state_dir == tmp_path / "state" / "tenant"
    await panel_session.step(catalog.Baseline())
    await panel_session.step(catalog.SignIn("admin"))
    outcome = await panel_session.step(catalog.SendScan("user@contoso.onmicrosoft.com"))
    assert ": completed (250 " in outcome.text, outcome.text
    msg = mailbox.newest(to="user@contoso.onmicrosoft.com")
    (name, size), = mailbox.attachments(msg)
    assert name.endswith(".pdf") and size > 1000
''')
    proc = pytest_run(tmp_path, "-q", "-o", "asyncio_mode=auto")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_documented_python_example_passes_as_written_in_a_plain_folder(tmp_path: Path) -> None:
    """docs/SCENARIOS.md's ``test_scan_arrives``, copied verbatim into a folder with no pytest
    settings: no ``asyncio_mode`` flag, no ``baseline`` (SignIn sets Email Server > Basic)."""
    import re

    root = Path(__file__).resolve().parents[2]
    blocks = re.findall(r"```python\n(.*?)```", (root / "docs" / "SCENARIOS.md").read_text("utf-8"), re.DOTALL)
    example, = [b for b in blocks if "def test_scan_arrives" in b]
    (tmp_path / "test_mine.py").write_text(example)
    proc = pytest_run(tmp_path, "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_the_shipped_scripts_as_tests_with_xdist(tmp_path: Path) -> None:
    """`pytest docs/scripts --junitxml=out.xml -n 2`: one testcase per script or case (the long
    all-error-codes script is left to tests/acceptance/test_tester_scripts.py)."""
    root = Path(__file__).resolve().parents[2]
    proc = pytest_run(root, "docs/scripts", "-n", "2", "-k", "not all-error-codes", f"--junitxml={tmp_path / 'o.xml'}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = sorted(tc.get("name") for tc in ET.parse(tmp_path / "o.xml").iter("testcase"))
    assert names == sorted(["expired-361", "slow-network", "server-never-answers", "connection-reset", "server-busy-then-back",
                            "service-unavailable", "identity-platform-down", "attachment-too-large-on-the-printer",
                            # the guide's compatible-models cases, one script each
                            "pas-need-admin-approval", "pas-361-one-user", "additional-network-refused-for-oauth2",
                            "oauth2-refused-on-the-additional-network", "313-untrusted-relay", "relay-ca-imported"])
