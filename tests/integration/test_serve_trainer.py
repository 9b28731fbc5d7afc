"""The class tenant and the trainer's view: a student's printer signs in to the one class tenant
with the student's own account, the trainer's table follows the guide's steps, and a pushed
scenario reaches the student's next scan (361 for everyone, 370 for one)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest

from cloud_sim.signin import SignInClient
from device_model.device import Device
from device_model.email import EmailServiceProfile
from panel_tui.tenant_info import fetch_sim_info
from tests.integration.serve_helpers import BIN, ClassServerProcess, Student, wait_no_panel

pytestmark = pytest.mark.integration
STUDENT_PASSWORD = "Contoso-Student-2025"


@pytest.fixture
def server(tmp_path: Path):
    s = ClassServerProcess(tmp_path / "class")
    yield s
    assert s.stop() == 0


def serve(*args: str) -> str:
    out = subprocess.run([str(BIN / "panel-tui"), "serve", *args], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def status(root: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in serve("status", "--state-dir", str(root), "--json").splitlines()]
    return {r["name"]: r for r in rows}


def class_device(server: ClassServerProcess, name: str) -> Device:
    """The student's printer, as their panel builds it (the panel itself has ended)."""
    url = re.search(r"Sign-in page: (\S+)/devicelogin", "".join(server.lines)).group(1)
    ca = server.root / "class-ca.pem"
    info = fetch_sim_info(url, ca)
    dev = Device(server.root / "students" / name)
    dev.email.set_profile(EmailServiceProfile.simulated(url, int(info["smtp_port"]), info["client_id"], ca))
    dev.update("email_server", auth_method="oauth2", email_service="exchange_online",
               smtp_server="smtp.office365.com", smtp_port=587, secure="starttls", sender_address="")
    return dev


def sign_in_as_student(dev: Device, url: str, ca: Path, upn: str) -> None:
    attempt = dev.email.begin_sign_in()
    assert attempt.state == "waiting", attempt.error
    pages: list = []
    t = threading.Thread(target=lambda: pages.append(
        SignInClient(url, ca).sign_in(attempt.user_code, upn, STUDENT_PASSWORD)), daemon=True)
    t.start()
    assert attempt.wait(timeout=60) == "signed_in", (attempt.error, pages)
    t.join(30)
    dev.email.commit_sign_in(attempt)


async def test_students_progress_and_pushed_scenarios(server: ClassServerProcess) -> None:
    root = server.root
    ann = await Student.connect(server.port, "ann")
    await ann.wait_for("Home")
    # F4 Cloud shows the class tenant's sign-in page, the same URL the server printed
    url = re.search(r"Sign-in page: (\S+)", "".join(server.lines)).group(1)
    await ann.press("f4")
    await ann.wait_for(url)
    # the class tenant's admin centre and mailboxes are the trainer's (no --student-admin)
    await ann.press("\x1b[Z", "\x1b[C", "\x1b[C")  # Shift+Tab to the tabs, Right, Right
    await ann.wait_for("Your trainer reads the class's mailboxes")
    assert status(root)["ann"]["connected"] is True
    assert status(root)["ann"]["step"] == "connected"
    await ann.close()
    await wait_no_panel(root / "students" / "ann")
    assert status(root)["ann"]["connected"] is False

    dev = class_device(server, "ann")
    base = url.removesuffix("/devicelogin")
    sign_in_as_student(dev, base, root / "class-ca.pem", "ann@contoso.onmicrosoft.com")
    job = await dev.email.scan_to_email("ann@contoso.onmicrosoft.com")
    assert job.status == "completed", (job.code, job.reply)
    row = status(root)["ann"]
    assert (row["signed_in"], row["ok_pressed"], row["scan_sent"], row["step"]) == (True, True, True, "scan sent")
    table = serve("status", "--state-dir", str(root))
    assert "1 of 1 students have sent their first scan" in table

    # one student: sessions revoked -> 370
    assert "ann" in serve("push", "revoke", "--student", "ann", "--state-dir", str(root))
    job = await dev.email.scan_to_email("ann@contoso.onmicrosoft.com")
    assert job.code == 370, (job.status, job.code, job.reply)
    assert status(root)["ann"]["last_error"] == "370"

    # everyone: the sign-in expires -> 361
    sign_in_as_student(dev, base, root / "class-ca.pem", "ann@contoso.onmicrosoft.com")
    serve("push", "expire", "--state-dir", str(root))
    job = await dev.email.scan_to_email("ann@contoso.onmicrosoft.com")
    assert job.code == 361, (job.status, job.code, job.reply)


def test_the_sign_in_url_stays_the_same_across_restarts(tmp_path: Path) -> None:
    import socket

    with socket.socket() as a, socket.socket() as b:
        a.bind(("127.0.0.1", 0))
        port = a.getsockname()[1]
        try:
            b.bind(("127.0.0.1", port + 1))
        except OSError:
            pytest.skip("the port after a free one is taken")
    urls = []
    for _ in range(2):
        s = ClassServerProcess(tmp_path / "class", "--tenant-port", str(port))
        urls.append(re.search(r"Sign-in page: (\S+)", "".join(s.lines)).group(1))
        assert s.stop() == 0
    assert urls == [f"https://127.0.0.1:{port}/devicelogin"] * 2


async def test_a_dead_server_leaves_no_student_connected(tmp_path: Path) -> None:
    """`serve ssh` ended by its terminal closing (SIGHUP) or by kill -9: its students' panels end
    with it, and neither `serve status` (the trainer's table reads the same) nor a restarted
    server says they are still connected (the list kept the dead panels' pids). A pid the
    system gave to another program since is not a student's panel either."""
    import os
    import signal

    from tests.integration.serve_helpers import wait_no_panel

    root = tmp_path / "class"
    for sig in (signal.SIGHUP, signal.SIGKILL):
        s = ClassServerProcess(root)
        liga = await Student.connect(s.port, "liga")
        await liga.wait_for("Home")
        assert status(root)["liga"]["connected"] is True
        os.kill(s.proc.pid, sig)
        s.proc.wait(timeout=30)
        await wait_no_panel(root / "students", timeout=15)
        await liga.close()
        assert status(root)["liga"]["connected"] is False, sig
    # kill -9 left liga's (dead) session in the list: a new server starts with none
    assert "liga" in (root / "sessions.json").read_text()
    s = ClassServerProcess(root)
    try:
        assert json.loads((root / "sessions.json").read_text()) == {"sessions": []}
    finally:
        assert s.stop() == 0
    # a live pid that is not liga's panel (this test's own process) is not liga connected
    (root / "sessions.json").write_text(json.dumps({"sessions": [{"name": "liga", "since": 0,
                                                                  "pid": os.getpid()}]}))
    assert status(root)["liga"]["connected"] is False
