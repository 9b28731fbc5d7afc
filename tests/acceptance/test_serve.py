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
