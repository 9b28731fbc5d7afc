"""`panel-tui serve ssh`: students connect with an SSH client (asyncssh, no system ssh), each
gets their own panel and state dir, and nothing is left running when they leave."""

from __future__ import annotations

import asyncio
import re
import stat
from pathlib import Path

import asyncssh
import pytest

from tests.integration.serve_helpers import ClassServerProcess, Student, panels_of, wait_no_panel

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path):
    s = ClassServerProcess(tmp_path / "class")
    yield s
    assert s.stop() == 0
    assert not panels_of(tmp_path / "class" / "students")


async def test_student_sees_home_presses_keys_resizes_and_leaves_nothing_running(
        server: ClassServerProcess) -> None:
    ann = await Student.connect(server.port, "ann")
    await ann.wait_for("Home", "Scan", "Settings", "F4 Cloud")
    assert len(ann.screen.display[0]) == 80
    await ann.press("f1")
    await ann.wait_for("Esc")
    await ann.press("escape")
    await ann.wait_for("Home", "Job/Status")
    # a wider window: the panel redraws at the new size (the clock moves to the right edge)
    await ann.resize(100, 30)
    deadline = asyncio.get_running_loop().time() + 15
    while asyncio.get_running_loop().time() < deadline:
        top = ann.screen.display[0]
        if top.rstrip().endswith(tuple("0123456789")) and len(top.rstrip()) > 85:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(ann.text())
    # Ctrl+C ends her panel with 130 (README), not the class server: she joins again
    await ann.press("ctrl+c")
    assert await ann.wait_exit() == 130
    await ann.close()
    await wait_no_panel(server.root / "students" / "ann")
    assert (server.root / "students" / "ann").is_dir()
    again = await Student.connect(server.port, "ann")
    await again.wait_for("Home", "Scan")
    await again.close()
    await wait_no_panel(server.root / "students" / "ann")


async def test_two_students_have_their_own_printers_and_come_back_to_theirs(
        server: ClassServerProcess) -> None:
    ann = await Student.connect(server.port, "Ann")
    bob = await Student.connect(server.port, "bob", command="lv")  # ssh -t bob@host lv
    await asyncio.gather(ann.wait_for("Home", "Scan"), bob.wait_for("Sākums", "Mākonis"))
    students = server.root / "students"
    assert panels_of(students / "ann") and panels_of(students / "bob")
    assert set(panels_of(students / "ann")).isdisjoint(panels_of(students / "bob"))
    # Ctrl+Q in the panel ends the session with the panel's own status
    await ann.press("ctrl+q")
    assert await ann.wait_exit() == 0
    await wait_no_panel(students / "ann")
    assert panels_of(students / "bob")
    # ann again: the same printer (her state dir), not a busy or a new one
    again = await Student.connect(server.port, "ann")
    await again.wait_for("Home", "Scan")
    assert sorted(p.name for p in students.iterdir()) == ["ann", "bob"]
    await again.close()
    await bob.close()
    await wait_no_panel(students)


def test_the_join_line_says_how_to_join_in_latvian(server: ClassServerProcess) -> None:
    join = re.search(r"Join: (ssh -t -p \d+ YOURNAME@\S+)   \((.*)\)", "".join(server.lines))
    assert join is not None, server.lines
    assert f"{join.group(1)} lv" in join.group(2)


def test_a_latvian_class_join_line_offers_english(tmp_path: Path) -> None:
    """With ``--lang lv`` every printer starts in Latvian: the join line offers the other one."""
    s = ClassServerProcess(tmp_path / "class", "--lang", "lv")
    try:
        join = re.search(r"Join: (ssh -t -p \d+ YOURNAME@\S+)   \((.*)\)", "".join(s.lines))
        assert join is not None, s.lines
        assert f"in English: {join.group(1)} en" in join.group(2)
    finally:
        assert s.stop() == 0


async def test_same_name_again_takes_the_session_over(server: ClassServerProcess) -> None:
    first = await Student.connect(server.port, "cara")
    await first.wait_for("Home")
    second = await Student.connect(server.port, "cara")
    await second.wait_for("Home", "Scan")
    await first.wait_exit()
    assert b"connected again" in first.stderr
    assert len(panels_of(server.root / "students" / "cara")) == 1
    await second.close()
    await first.close()


async def test_wrong_password_and_unusable_names_are_refused(server: ClassServerProcess) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await Student.connect(server.port, "ann", password="not-the-class-password")
    with pytest.raises(asyncssh.PermissionDenied):
        await Student.connect(server.port, "...")
    assert not (server.root / "students").exists() or not any((server.root / "students").iterdir())


async def test_the_tenants_own_account_names_are_not_student_names(server: ClassServerProcess) -> None:
    admin = await Student.connect(server.port, "Admin")
    assert await admin.wait_exit() == 2
    assert b"connect with your own name" in admin.stderr
    await admin.close()
    assert not (server.root / "students" / "admin").exists()


async def test_without_a_terminal_the_student_is_told_to_use_ssh_t(server: ClassServerProcess) -> None:
    async with asyncssh.connect("127.0.0.1", server.port, username="dan", password="class-pass-42",
                                known_hosts=None, client_keys=None, agent_path=None) as conn:
        result = await conn.run(None, term_type=None, encoding="utf-8", timeout=15)
    assert result.exit_status == 2
    assert "ssh -t" in result.stderr
    assert not panels_of(server.root / "students" / "dan")


async def test_without_a_terminal_a_latvian_student_is_told_in_latvian(server: ClassServerProcess) -> None:
    """``ssh NAME@host lv`` without -t: the refusal in the language the student asked for."""
    async with asyncssh.connect("127.0.0.1", server.port, username="eva", password="class-pass-42",
                                known_hosts=None, client_keys=None, agent_path=None) as conn:
        result = await conn.run("lv", term_type=None, encoding="utf-8", timeout=15)
    assert result.exit_status == 2
    assert result.stderr.strip() == "panel-tui serve: panelim vajadzīgs terminālis: izmantojiet ssh -t"


async def test_a_student_whose_printer_speaks_latvian_is_told_in_latvian(
        server: ClassServerProcess) -> None:
    """No ``lv`` word and no class ``--lang``, but fia's printer (her state dir from an earlier
    session) was left in Latvian: the server's lines to her are Latvian too (her choice wins)."""
    from device_model import Device

    Device(server.root / "students" / "fia").update("basic", language="lv")
    async with asyncssh.connect("127.0.0.1", server.port, username="fia", password="class-pass-42",
                                known_hosts=None, client_keys=None, agent_path=None) as conn:
        result = await conn.run(None, term_type=None, encoding="utf-8", timeout=15)
    assert result.exit_status == 2
    assert result.stderr.strip() == "panel-tui serve: panelim vajadzīgs terminālis: izmantojiet ssh -t"
    # what she asks for as the SSH command still wins over what her printer keeps
    async with asyncssh.connect("127.0.0.1", server.port, username="fia", password="class-pass-42",
                                known_hosts=None, client_keys=None, agent_path=None) as conn:
        result = await conn.run("en", term_type=None, encoding="utf-8", timeout=15)
    assert "ssh -t" in result.stderr and "vajadzīgs" not in result.stderr


async def test_a_student_taken_over_is_told_in_her_printers_language(server: ClassServerProcess) -> None:
    """Her panel speaks Latvian (her printer kept it), so "connected again" is Latvian too."""
    from device_model import Device

    Device(server.root / "students" / "hana").update("basic", language="lv")
    first = await Student.connect(server.port, "hana")
    await first.wait_for("Sākums")
    second = await Student.connect(server.port, "hana")
    await second.wait_for("Sākums")
    await first.wait_exit()
    assert "jūs pieslēdzāties vēlreiz" in first.stderr.decode()
    await second.close()
    await first.close()


async def test_a_latvian_class_refuses_in_latvian_whatever_a_printer_kept(tmp_path: Path) -> None:
    """With the class's ``--lang lv`` a panel starts in Latvian whatever its printer kept, so the
    lines before it starts are Latvian too (gus's printer was left in English)."""
    from device_model import Device

    s = ClassServerProcess(tmp_path / "class", "--lang", "lv")
    try:
        Device(s.root / "students" / "gus").update("basic", language="en")
        async with asyncssh.connect("127.0.0.1", s.port, username="gus", password="class-pass-42",
                                    known_hosts=None, client_keys=None, agent_path=None) as conn:
            result = await conn.run(None, term_type=None, encoding="utf-8", timeout=15)
        assert result.stderr.strip() == "panel-tui serve: panelim vajadzīgs terminālis: izmantojiet ssh -t"
    finally:
        assert s.stop() == 0


def test_the_host_key_is_kept_private_and_the_password_only_as_a_hash(
        server: ClassServerProcess) -> None:
    key = server.root / "ssh_host_ed25519_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    stored = (server.root / "class-password.json").read_text()
    assert "class-pass-42" not in stored and "scrypt" in stored
    assert stat.S_IMODE((server.root / "class-password.json").stat().st_mode) == 0o600
    assert not any("class-pass-42" in line for line in server.lines)


async def test_a_full_class_and_an_idle_student(tmp_path: Path) -> None:
    s = ClassServerProcess(tmp_path / "class", "--max-sessions", "1", "--idle-timeout", "0.05")
    try:
        ann = await Student.connect(s.port, "ann")
        await ann.wait_for("Home")
        bob = await Student.connect(s.port, "bob")
        assert await bob.wait_exit() == 2
        assert b"class is full" in bob.stderr
        await bob.close()
        # ann presses nothing for 3 s (the limit): her session ends, her printer stays
        assert await ann.wait_exit(timeout=15) is not None
        assert b"no key pressed" in ann.stderr
        await wait_no_panel(s.root / "students" / "ann")
        assert (s.root / "students" / "ann").is_dir()
        await ann.close()
    finally:
        assert s.stop() == 0


async def test_many_students_at_once(server: ClassServerProcess) -> None:
    """SERVE_STUDENTS=30 for a full class (default 3, to stay fast): each on their own Home."""
    import os

    n = int(os.environ.get("SERVE_STUDENTS", "3"))
    students = await asyncio.gather(*(Student.connect(server.port, f"s{i:02d}") for i in range(n)))
    await asyncio.gather(*(s.wait_for("Home", "Job/Status", timeout=30 + 3 * n) for s in students))
    assert len({tuple(panels_of(server.root / "students" / f"s{i:02d}")) for i in range(n)}) == n
    await asyncio.gather(*(s.close() for s in students))
    await wait_no_panel(server.root / "students", timeout=15 + n)


async def test_a_killed_server_leaves_no_panel_running(tmp_path: Path) -> None:
    """kill -9 of the server closes each panel's terminal: the panels hang up and end."""
    import os
    import signal

    s = ClassServerProcess(tmp_path / "class")
    ann = await Student.connect(s.port, "ann")
    await ann.wait_for("Home")
    assert panels_of(s.root / "students" / "ann")
    os.kill(s.proc.pid, signal.SIGKILL)
    s.proc.wait(timeout=10)
    await wait_no_panel(s.root / "students", timeout=15)
    await ann.close()
    # and the class starts again on the same dir (no lock left behind)
    again = ClassServerProcess(tmp_path / "class")
    assert again.stop() == 0


async def test_a_student_who_chose_english_in_a_latvian_class_comes_back_to_english(tmp_path: Path) -> None:
    """The class's ``--lang lv`` starts a new printer in Latvian; a student who then switches
    her printer to English (Basic Settings > Language) gets English when she connects again,
    not the class's Latvian (every start used to overwrite her choice); a printer she left in
    the class's language follows the class."""
    from device_model import Device

    s = ClassServerProcess(tmp_path / "class", "--lang", "lv")
    try:
        for name in ("ieva", "juris"):
            student = await Student.connect(s.port, name)
            await student.wait_for("Sākums")
            await student.press("ctrl+c")
            await student.wait_exit()
            await student.close()
            await wait_no_panel(s.root / "students" / name)
        Device(s.root / "students" / "ieva").update("basic", language="en")  # her choice
        ieva = await Student.connect(s.port, "ieva")
        await ieva.wait_for("Home", "Scan")
        juris = await Student.connect(s.port, "juris")
        await juris.wait_for("Sākums")
        for student in (ieva, juris):
            await student.close()
        await wait_no_panel(s.root / "students" / "ieva")
        await wait_no_panel(s.root / "students" / "juris")
    finally:
        assert s.stop() == 0
