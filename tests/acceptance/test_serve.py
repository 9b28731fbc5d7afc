"""A student in a class: over SSH (the class server's own panel per student), on the class
tenant, walks the guide from Home to a mail in the mailbox, and the trainer's table says so."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import (
    WORDS,
    check_status_on_the_panel,
    scan_to_email_arrives,
    step_1_read_the_ip,
    step_12_send_it_to_the_printer,
    steps_2_to_7_start_the_sign_in,
    steps_8_to_11_sign_in_at_microsoft,
)
from tests.integration.serve_helpers import BIN, PASSWORD, ClassServerProcess

CLIENT = str(Path(__file__).with_name("ssh_client.py"))


def test_a_student_walks_the_guide_over_ssh_and_the_trainer_sees_it(launch: Launch, tmp_path: Path) -> None:
    """With --student-admin the whole guide ends in the student's F4 mailbox (by default F4's
    admin centre and mailboxes are the trainer's: tests/integration/test_serve_trainer.py)."""
    server = ClassServerProcess(tmp_path / "class", "--student-admin")
    try:
        w = WORDS["en"]
        t = launch("python", CLIENT, str(server.port), "ann", PASSWORD)
        t.wait_for("Home", "Job/Status")
        ip = step_1_read_the_ip(t, w)
        code = steps_2_to_7_start_the_sign_in(t, w, ip)
        steps_8_to_11_sign_in_at_microsoft(t, w, code)
        step_12_send_it_to_the_printer(t, w)
        check_status_on_the_panel(t, w)
        scan_to_email_arrives(t, w)
        out = subprocess.run([str(BIN / "panel-tui"), "serve", "status", "--json", "--state-dir",
                              str(server.root)], capture_output=True, text=True, timeout=30)
        row = json.loads(out.stdout.splitlines()[0])
        assert (row["name"], row["connected"], row["step"]) == ("ann", True, "scan sent"), row
        t.press("ctrl+q")
        assert t.wait_exit() == 0
    finally:
        assert server.stop() == 0


def test_a_student_is_told_their_own_account_and_who_holds_the_admin_centre(launch: Launch, tmp_path: Path) -> None:
    """A student signs in as NAME@domain, so F4's hint names that account, not the tenant's
    admin; without --student-admin the Admin centre and Mailboxes say in plain words that the
    trainer holds them (no "admin access", no --cloud-ca PATH)."""
    server = ClassServerProcess(tmp_path / "class")
    try:
        w = WORDS["en"]
        t = launch("python", CLIENT, str(server.port), "ann", PASSWORD)
        t.wait_for("Home", "Job/Status")
        code = steps_2_to_7_start_the_sign_in(t, w, step_1_read_the_ip(t, w))
        t.press("f4")
        t.wait_for(w["enter_code"], code)
        t.press("enter")
        screen = t.wait_for(w["account_page"], "Your account in the class tenant:",
                            "ann@contoso.onmicrosoft.com  Contoso-Student-2025")
        assert "admin@" not in screen, screen
        t.press("shift+tab", "right")  # the tab bar: Admin centre
        screen = t.wait_for("Your trainer controls these settings for the class")
        assert "--cloud-ca" not in screen and "admin access" not in screen, screen
        t.press("right")  # Mailboxes
        t.wait_for("Your trainer reads the class's mailboxes")
        t.press("right")  # Scenarios
        t.wait_for("Your trainer pushes scenarios to the class")
        t.press("ctrl+q")
        assert t.wait_exit() == 0
    finally:
        assert server.stop() == 0


def test_the_trainers_aids_reach_every_students_panel(launch: Launch, tmp_path: Path) -> None:
    """serve ssh --guided --show-keys: a student's panel shows the guide's next step and the keys
    they press (the trainer projects one student's screen)."""
    server = ClassServerProcess(tmp_path / "class", "--guided", "--show-keys")
    try:
        t = launch("python", CLIENT, str(server.port), "ann", PASSWORD)
        t.wait_for("Home", "Next step: F3 Web Config, Ctrl+L: log in as administrator")
        t.press("down", "down")
        t.wait_for("Down ×2")  # a key pressed again in a row is counted
        t.press("ctrl+q")
        assert t.wait_exit() == 0
    finally:
        assert server.stop() == 0
