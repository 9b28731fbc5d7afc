"""A whole class at once: N students over SSH, each with their own account on the one class
tenant, walk sign-in → OK → Scan to Email at the same time; all complete, and the trainer's
table says so. Long: runs only with SERVE_CLASS_STUDENTS=N (e.g. 30); prints time and memory
per student."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import WORDS, scan_to_email, sign_in_with_microsoft, web_config_basic_page
from tests.acceptance.terminal import Terminal
from tests.integration.serve_helpers import BIN, PASSWORD, ClassServerProcess

CLIENT = str(Path(__file__).with_name("ssh_client.py"))
STUDENTS = int(os.environ.get("SERVE_CLASS_STUDENTS", "0"))
STUDENT_PASSWORD = "Contoso-Student-2025"

pytestmark = pytest.mark.skipif(not STUDENTS, reason="a whole class: set SERVE_CLASS_STUDENTS=N")


def start_the_sign_in(t: Terminal, w: dict[str, str]) -> str:
    """Guide steps 2-7 as in journeys, waiting for each list to open (a loaded machine)."""
    web_config_basic_page(t, w)
    t.press("enter")  # Authentication Method's list
    t.wait_for("POP before SMTP", timeout=120)
    t.press("down", "down", "down")
    t.press("enter")
    t.wait_for("OAuth2", "Email service", "Sign In", timeout=120)
    t.press("tab")  # Email service: Microsoft Exchange Online is already chosen
    return sign_in_with_microsoft(t)


def sign_in_as(t: Terminal, w: dict[str, str], code: str, upn: str) -> None:
    """Guide steps 8-12 with the student's own account (consent for themselves), then OK."""
    t.press("f4")
    t.wait_for(w["enter_code"], code, timeout=120)
    t.press("enter")
    t.wait_for(w["account_page"], timeout=120)
    t.type(upn)
    t.press("enter")
    t.wait_for(w["password_page"], timeout=120)
    t.type(STUDENT_PASSWORD)
    t.press("enter")
    screen = t.wait_for(rf"{w['permissions']}|{w['signed_in_page']}", regex=True, timeout=120)
    if w["permissions"] in screen:
        t.press("tab", "enter")  # Accept, for themselves only
        t.wait_for(w["signed_in_page"], timeout=120)
    t.press("f3")
    t.wait_for(f"Signed in: {upn}", timeout=120)
    t.press("enter")
    t.wait_for("Current Status")
    t.press("ctrl+o")
    t.wait_for(w["setup_complete"], timeout=120)


def mem_mib(pid: int, field: str = "Pss:") -> float:
    """A process's PSS (its share of shared pages counted once across the class) or RSS."""
    name = "smaps_rollup" if field == "Pss:" else "status"
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def test_a_class_walks_the_guide_at_once(launch: Launch, tmp_path: Path) -> None:
    server = ClassServerProcess(tmp_path / "class", "--max-sessions", str(STUDENTS))
    w = WORDS["en"]
    errors: list[str] = []
    durations: list[float] = []
    try:
        start = time.monotonic()
        terminals = [launch("python", CLIENT, str(server.port), f"s{i:02d}", PASSWORD)
                     for i in range(STUDENTS)]

        def walk(i: int, t: Terminal) -> None:
            began = time.monotonic()
            try:
                t.wait_for("Home", "Job/Status", timeout=120)
                code = start_the_sign_in(t, w)
                sign_in_as(t, w, code, f"s{i:02d}@contoso.onmicrosoft.com")
                screen = scan_to_email(t, w)
                assert w["completed"] in screen, screen
                durations.append(time.monotonic() - began)
            except BaseException as exc:  # reported below, with the others
                errors.append(f"s{i:02d}: {exc}"[:2000])

        threads = [threading.Thread(target=walk, args=(i, t)) for i, t in enumerate(terminals)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        took = time.monotonic() - start
        assert not errors, "\n".join(errors)
        sessions = json.loads((server.root / "sessions.json").read_text())["sessions"]
        panels = sorted(mem_mib(s["pid"]) for s in sessions)
        rss = sorted(mem_mib(s["pid"], "VmRSS:") for s in sessions)
        out = subprocess.run([str(BIN / "panel-tui"), "serve", "status", "--state-dir",
                              str(server.root)], capture_output=True, text=True, timeout=60)
        assert f"{STUDENTS} of {STUDENTS} students have sent their first scan" in out.stdout, out.stdout
        print(f"\n{STUDENTS} students: all done in {took:.0f} s (each {min(durations):.0f}–"
              f"{max(durations):.0f} s); panel PSS median {panels[len(panels) // 2]:.1f} MiB "
              f"(RSS {rss[len(rss) // 2]:.1f}), server + tenant PSS {mem_mib(server.proc.pid):.1f} MiB "
              f"(÷{STUDENTS}: {mem_mib(server.proc.pid) / STUDENTS:.1f} each)")
        for t in terminals:
            t.press("ctrl+q")
    finally:
        assert server.stop() == 0
