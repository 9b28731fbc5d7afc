"""The processes as a person (or a CI job, or an ssh session) meets them.

One owner per state dir, a panel that never outlives its terminal, one-line errors with exit
status 2 instead of tracebacks, quiet Ctrl+C and closed pipes, and a way back to factory state
(from the shell and from System Administration > Restore Default Settings).
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch, user_env
from tests.acceptance.terminal import BIN, Terminal

#: the emulated printer's factory administrator password (its serial number)
ADMIN_PASSWORD = "X4ZB012345"


def run(home: Path, *argv: str, stdin: int | None = subprocess.DEVNULL, timeout: float = 60,
        input: str | None = None) -> subprocess.CompletedProcess[str]:
    """An installed console script run from a shell, without a terminal (a pipe, a CI job)."""
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], env=user_env(home), cwd=home, text=True,
                          capture_output=True, timeout=timeout, input=input,
                          stdin=None if input is not None else stdin)


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit 2 with a single line on stderr and no traceback; returns that line."""
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def go_home(t: Terminal) -> None:
    """Back to Home from wherever the panel is."""
    for _ in range(6):
        if " Home" in t.text().splitlines()[1]:
            return
        t.press("escape")
    t.wait_for(" Home")


def open_settings(t: Terminal) -> None:
    """Home > Settings (top right, whichever tile had the cursor; never up into the status bar)."""
    t.press("down", "right", "up", "enter")


def open_system_administration(t: Terminal, general: str = "General Settings",
                               system: str = "System Administration") -> None:
    """Home > Settings > General Settings > System Administration (the last item)."""
    open_settings(t)
    t.wait_for(general)
    t.press("enter")
    t.wait_for(system)
    t.press("up", "enter")


def print_status_sheet(t: Terminal) -> None:
    """Home > Settings > General Settings > Network Settings > Network Status > Print Status Sheet."""
    ask_for_status_sheet(t)
    t.wait_for("was printed")
    t.press("enter")
    go_home(t)


def ask_for_status_sheet(t: Terminal) -> None:
    """The walk to Print Status Sheet and Enter on its question; the outcome is the caller's."""
    open_settings(t)
    t.wait_for("General Settings")
    t.press("enter")
    t.wait_for("Network Settings")
    t.press("down", "down", "enter")
    t.wait_for("Network Status")
    t.press("down", "down", "enter")
    t.wait_for("Print Status Sheet")
    t.press("up", "enter")
    t.wait_for("Print the network status sheet?")
    t.press("enter")


def turn_lock_on(t: Terminal) -> None:
    """System Administration > Security Settings > Admin Settings > Lock Setting: On."""
    open_system_administration(t)
    t.wait_for("Security Settings")
    t.press("down", "down", "enter")  # first item, whatever the wrap
    t.wait_for("Admin Settings")
    t.press("enter")
    t.wait_for("Lock Setting")
    t.press("up", "enter")
    t.wait_for("Lock Setting", "Save")
    t.press("space")
    t.wait_for("On")
    t.press("up", "enter")  # On; the cursor stays on the field
    t.press("tab", "enter")  # Save
    t.wait_for("Administrator Password")  # turning the lock on asks for it
    t.type(ADMIN_PASSWORD)
    t.press("enter")
    t.wait_for("Unlocked")
    go_home(t)
    t.press("down", "right", "up", "up", "enter")  # over the top right tile to the lock icon: log out
    t.wait_for("Logged out")
    t.wait_gone("Unlocked")


def job_log(t: Terminal) -> str:
    """Home > Job/Status: the log as shown."""
    t.press("down", "left", "enter")
    screen = t.wait_for("Job Status", "Result")
    t.press("escape")
    go_home(t)
    return screen


# -- one owner per state dir ------------------------------------------------------------------------


def test_second_panel_is_refused_naming_the_first(launch: Launch, home: Path, state_dir: Path) -> None:
    first = launch("panel-tui")
    first.wait_for("Home", "Settings")
    pid = str(first.child.pid)

    second = launch("panel-tui", cols=300)  # the message holds two long paths: keep it on one line
    assert second.wait_exit() == 2
    screen = second.text()
    assert f"pid {pid}" in screen and "panel-tui --state-dir" in screen, screen
    assert "Traceback" not in screen

    # a script, a scenario and the tenant's own server are refused the same way
    script = state_dir.parent / "s.txt"
    script.write_text("baseline\n")
    for argv in (("panel-tui-script", str(script), "--state-dir", str(state_dir)),
                 ("panel-tui", "scenarios", "apply", "361-expired", "--state-dir", str(state_dir)),
                 ("cloud-sim", "--state-dir", str(state_dir / "tenant")),
                 ("panel-tui", "reset", "--state-dir", str(state_dir), "--yes")):
        proc = run(home, *argv)
        assert f"pid {pid}" in proc.stderr and proc.returncode == 2, (argv, proc.returncode, proc.stderr)
        assert "Traceback" not in proc.stderr

    # reading needs no lock
    proc = run(home, "panel-tui", "scenarios", "list")
    assert proc.returncode == 0 and "361-expired" in proc.stdout

    first.press("ctrl+q")
    assert first.wait_exit() == 0
    again = launch("panel-tui")
    again.wait_for("Home", "Settings")


def test_a_killed_panels_lock_is_taken_over(launch: Launch) -> None:
    first = launch("panel-tui")
    first.wait_for("Home", "Settings")
    os.kill(first.child.pid, signal.SIGKILL)
    first.wait_exit()

    second = launch("panel-tui")
    second.wait_for("Home", "Settings")
    second.press("ctrl+q")
    assert second.wait_exit() == 0


# -- a terminal, and only while it lasts -------------------------------------------------------------


def test_no_terminal_is_refused_in_one_line(home: Path, state_dir: Path) -> None:
    # on this machine, through a pipe: "use ssh -t" would confuse a local user
    proc = run(home, "panel-tui", "--state-dir", str(state_dir))
    assert one_line_error(proc) == ("panel-tui: needs a terminal (run it in a terminal window, without "
                                    "redirecting its input or output)")
    assert not state_dir.exists()  # refused before touching anything


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "panel-tui: needs a terminal (use ssh -t)"),
    ("lv", "panel-tui: vajadzīgs terminālis (izmantojiet ssh -t)"),
])
def test_no_terminal_over_ssh_says_ssh_t(home: Path, state_dir: Path, lang: str, line: str) -> None:
    # ssh host panel-tui --lang lv (no -t): stdin and stdout are pipes, the shell is an SSH one
    proc = subprocess.run([str(BIN / "panel-tui"), "--state-dir", str(state_dir), "--lang", lang],
                          env=user_env(home, SSH_CONNECTION="192.0.2.1 50000 192.0.2.10 22"), cwd=home,
                          text=True, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert one_line_error(proc) == line
    assert not state_dir.exists()


def test_the_panel_ends_when_its_terminal_goes_away(home: Path, state_dir: Path) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(BIN / "panel-tui"), "--state-dir", str(state_dir)],
                            stdin=slave, stdout=slave, stderr=slave, env=user_env(home), cwd=home,
                            start_new_session=True)
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + 30
        while b"Settings" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
        assert b"Settings" in seen, seen[-400:]
        os.close(master)  # the terminal window is closed / the ssh connection drops
        master = -1
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail("panel-tui kept running after its terminal went away")
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- bad state dirs: one line, exit 2 ------------------------------------------------------------------


def _bad_dirs(tmp: Path) -> dict[str, Path]:
    afile = tmp / "a-file"
    afile.write_text("not a dir\n")
    dirs = {"a file": afile, "under a file": afile / "state", "cannot be created": Path("/proc/panel-tui-state")}
    if os.geteuid() != 0:  # root may write anywhere
        ro = tmp / "read-only"
        ro.mkdir()
        ro.chmod(0o500)
        dirs["read-only"] = ro
    return dirs


@pytest.mark.parametrize("command", ["panel-tui-script", "scenarios", "cloud-sim", "reset"])
def test_a_bad_state_dir_is_one_line_and_exit_2(command: str, home: Path, tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("baseline\n")
    for what, bad in _bad_dirs(tmp_path).items():
        argv = {
            "panel-tui-script": ("panel-tui-script", str(script), "--state-dir", str(bad)),
            "scenarios": ("panel-tui", "scenarios", "apply", "361-expired", "--state-dir", str(bad)),
            "cloud-sim": ("cloud-sim", "--state-dir", str(bad)),
            "reset": ("panel-tui", "reset", "--state-dir", str(bad), "--yes"),
        }[command]
        proc = run(home, *argv)
        if command == "reset" and not bad.exists():  # nothing there is nothing to reset
            assert proc.returncode == 0 and "nothing to reset" in proc.stdout, (what, proc.stdout)
            continue
        line = one_line_error(proc)
        assert "state dir" in line and str(bad) in line, (what, line)


def test_a_bad_state_dir_for_the_panel_is_one_line_on_screen(launch: Launch, tmp_path: Path) -> None:
    for what, bad in _bad_dirs(tmp_path).items():
        panel = launch("panel-tui", "--state-dir", str(bad), cols=240)  # the long path on one line
        assert panel.wait_exit() == 2, what
        screen = panel.text()
        assert "Traceback" not in screen, screen
        assert f"panel-tui: cannot use the state dir {bad}" in screen, screen
        assert len(screen.strip().splitlines()) == 1, screen


# -- pipes and Ctrl+C -----------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [("panel-tui", "--help"), ("panel-tui", "scenarios", "list"),
                                  ("panel-tui", "scenarios", "list", "-v"), ("panel-tui-script", "--help"),
                                  ("cloud-sim", "--help"), ("panel-tui", "reset", "--help")])
def test_output_into_a_closed_pipe_is_quiet(argv: tuple[str, ...], home: Path) -> None:
    # `| head -1` at its worst: the reader is gone before the first byte is written
    proc = subprocess.Popen([str(BIN / argv[0]), *argv[1:]], env=user_env(home), cwd=home,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=30)
    assert err == "", err
    assert proc.returncode in (0, 141)


def test_head_shows_the_first_line(home: Path) -> None:
    for cmd, first in (("panel-tui scenarios list", "ok-signed-in"), ("panel-tui --help", "usage: panel-tui"),
                       ("cloud-sim --help", "usage: cloud-sim")):
        proc = subprocess.run(["bash", "-c", f"{cmd} | head -1"], env=user_env(home), cwd=home,
                              capture_output=True, text=True, timeout=30)
        assert proc.stdout.startswith(first) and proc.stdout.count("\n") == 1, proc.stdout
        assert proc.stderr == "", proc.stderr


def test_ctrl_c_in_a_script_is_quiet_130(launch: Launch) -> None:
    script = launch("panel-tui-script", "-")  # reading the script from the terminal
    script.pump(1.0)
    script.press("ctrl+c")
    assert script.wait_exit() == 130
    assert "Traceback" not in script.text(), script.text()


# -- back to factory -------------------------------------------------------------------------------


def test_reset_from_the_shell_leaves_a_factory_device(launch: Launch, state_dir: Path) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    print_status_sheet(panel)
    turn_lock_on(panel)
    assert "Network Status Sheet" in job_log(panel)
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0

    reset = launch("panel-tui", "reset", "--state-dir", str(state_dir))  # a person at a terminal
    reset.wait_for("This erases in", "Restore factory state? [y/N]")
    reset.type("y\r")
    reset.wait_for("factory state restored")
    assert reset.wait_exit() == 0
    assert (state_dir / "prints").is_dir()  # printed paper stays printed

    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    assert "Locked" not in panel.text()
    log = job_log(panel)
    assert "Network Status Sheet" not in log and "No jobs" in log, log
    open_system_administration(panel)  # no password asked: the lock is off again
    panel.wait_for("Security Settings", "Restore Default Settings")


def test_reset_without_a_terminal_needs_yes(home: Path, state_dir: Path) -> None:
    state_dir.mkdir()
    (state_dir / "joblog.json").write_text("{}")
    proc = run(home, "panel-tui", "reset", "--state-dir", str(state_dir))
    assert "--yes" in one_line_error(proc)
    assert (state_dir / "joblog.json").exists()
    proc = run(home, "panel-tui", "reset", "--state-dir", str(state_dir), "--yes")
    assert proc.returncode == 0 and not (state_dir / "joblog.json").exists(), proc.stderr


def test_restore_default_settings_from_the_panel(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    print_status_sheet(panel)
    turn_lock_on(panel)

    open_system_administration(panel)
    panel.wait_for("Administrator Password")  # behind the admin lock
    panel.type(ADMIN_PASSWORD)
    panel.press("enter")
    panel.wait_for("Security Settings", "Restore Default Settings")
    panel.press("up", "enter")
    panel.wait_for("Restore all settings to their defaults?", "OK", "Cancel")
    panel.press("enter")
    panel.wait_for(" Home", "Default settings restored")
    assert "Locked" not in panel.text().splitlines()[0]
    log = job_log(panel)
    assert "Network Status Sheet" not in log and "No jobs" in log, log

    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
    again = launch("panel-tui")  # and it stays so
    again.wait_for("Home", "Settings")
    assert "Locked" not in again.text()


def test_restore_default_settings_in_latvian(launch: Launch) -> None:
    panel = launch("panel-tui", "--lang", "lv")
    panel.wait_for("Iestatījumi")
    open_system_administration(panel, "Vispārīgie iestatījumi", "Sistēmas administrēšana")
    panel.wait_for("Atjaunot noklusējuma iestatījumus")
    panel.press("up", "enter")
    panel.wait_for("Atjaunot visiem iestatījumiem noklusējuma vērtības?")
    panel.press("tab", "enter")  # Cancel
    panel.wait_gone("Atjaunot visiem")
    panel.press("enter")  # the cursor stays on the item
    panel.wait_for("Atjaunot visiem iestatījumiem noklusējuma vērtības?")
    panel.press("enter")  # OK
    panel.wait_for("Noklusējuma", "atjaunoti")  # said in the language it was asked in
    panel.wait_for("Settings")  # and the device speaks its factory language again


# -- the tenant preset meets an existing tenant --------------------------------------------------------


def test_tenant_preset_on_an_existing_tenant_says_so(launch: Launch, home: Path, state_dir: Path) -> None:
    proc = run(home, "panel-tui", "reset", "--state-dir", str(state_dir), "--tenant-preset", "prepared", "--yes")
    assert proc.returncode == 0, proc.stderr
    panel = launch("panel-tui", "--tenant-preset", "fresh")
    panel.wait_for("exists", "keeps", "--tenant-preset")  # a toast: words wrap anywhere
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
    # the way out it names: a reset with that preset
    proc = run(home, "panel-tui", "reset", "--state-dir", str(state_dir), "--tenant-preset", "fresh", "--yes")
    assert proc.returncode == 0, proc.stderr
    state = run(home, "cloud-sim", "--state-dir", str(state_dir / "tenant"), "admin", "state")
    assert '"preset": "fresh"' in state.stdout, state.stdout


def test_tenant_preset_notice_in_latvian(launch: Launch, home: Path, state_dir: Path) -> None:
    run(home, "panel-tui", "reset", "--state-dir", str(state_dir), "--tenant", "--yes")
    panel = launch("panel-tui", "--tenant-preset", "fresh", "--lang", "lv")
    panel.wait_for("pastāv", "saglabā", "nomnieks")


def test_ctrl_c_in_the_panel_quits_with_130_in_both_languages(launch: Launch) -> None:
    """The README's exit statuses promise 130 for Ctrl+C: it quits, from Home and from a
    field, with no English "Do you want to quit?" notice showing its markup tags."""
    for lang, home in (("en", "Home"), ("lv", "Sākums")):
        panel = launch("panel-tui", "--lang", lang)
        panel.wait_for(home)
        panel.press("f3", "ctrl+l")  # a field has the cursor (its "copy" must not take Ctrl+C)
        panel.pump(1.0)
        panel.press("ctrl+c")
        assert panel.wait_exit() == 130, panel.text()
        assert "[b]" not in panel.text() and "Traceback" not in panel.text(), panel.text()
