"""Class server details: student names never leave the students' dir, the class password is
kept only as a salted hash, the host key is made once and kept private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from panel_tui.serve import auth
from panel_tui.serve.students import BadStudentName, student_dir, student_name


@pytest.mark.parametrize("login, name", [
    ("ann", "ann"), ("Ann", "ann"), ("Jānis Bērziņš", "janis-berzins"), ("../bob", "bob"),
    ("a/b", "a-b"), ("-rf", "rf"), (".hidden", "hidden"), ("x" * 99, "x" * 32),
    ("o'brien", "o-brien"), ("a\x00b", "a-b"),
])
def test_student_names_are_safe_directory_names(login: str, name: str) -> None:
    assert student_name(login) == name


@pytest.mark.parametrize("login", ["", "...", "/", "..", "💥", "-", "\x00"])
def test_names_with_nothing_usable_are_refused(login: str) -> None:
    with pytest.raises(BadStudentName):
        student_name(login)


@pytest.mark.parametrize("login", ["../../etc", "..", "a/../../b", "/root", "ann/../bob"])
def test_no_name_reaches_outside_the_students_dir(tmp_path: Path, login: str) -> None:
    try:
        path = student_dir(tmp_path, login)
    except BadStudentName:
        return
    assert path.parent == (tmp_path / "students").resolve()


def test_the_class_password_is_a_salted_hash(tmp_path: Path) -> None:
    auth.store_password(tmp_path, "secret-class")
    record = auth.load_password(tmp_path)
    assert record is not None and "secret-class" not in (tmp_path / auth.PASSWORD_FILE).read_text()
    assert auth.check_password(record, "secret-class")
    assert not auth.check_password(record, "secret-clasS")
    assert not auth.check_password({"hash": "zz"}, "secret-class")
    assert auth.hash_password("x", n=2)["hash"] != auth.hash_password("x", n=2)["hash"]  # salted
    with pytest.raises(auth.AuthProblem):
        auth.store_password(tmp_path, "short")


def test_the_host_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = auth.host_key(tmp_path)
    path = tmp_path / auth.HOST_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = auth.host_key(tmp_path)
    assert first.export_public_key() == again.export_public_key()


@pytest.mark.parametrize("junk", ["", "null", "[]", '{"data": []}', '{"data": {"log": [1, null, "x"]}}',
                                  '{"sessions": [1, "a", null]}', "\x00\xff", '{"data": {"log": {}}}'])
def test_the_trainers_table_survives_damaged_files(tmp_path: Path, junk: str) -> None:
    from panel_tui.serve.trainer import format_table, progress

    ann = tmp_path / "students" / "ann"
    (ann / "email").mkdir(parents=True)
    (tmp_path / "tenant").mkdir()
    for path in (ann / "joblog.json", ann / "email" / "signin.json", tmp_path / "sessions.json",
                 tmp_path / "tenant" / "tenant.sqlite3"):
        path.write_text(junk, encoding="utf-8", errors="surrogateescape")
    rows = progress(tmp_path)
    assert [r.name for r in rows] == ["ann"] and rows[0].step == "-"
    assert "0 of 1" in format_table(rows)


def test_serve_refuses_what_it_cannot_do_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from device_model.storage import StateLock
    from panel_tui.serve.cli import main

    assert main(["ssh", "--state-dir", str(tmp_path), "--bind", "0.0.0.0"]) == 2
    assert "only loopback unless --allow-remote" in capsys.readouterr().err
    assert main(["web", "--state-dir", str(tmp_path), "--bind", "192.0.2.1"]) == 2
    assert "only loopback unless --allow-remote" in capsys.readouterr().err
    assert main(["ssh", "--state-dir", str(tmp_path), "--port", "0"]) == 2
    assert "set a class password (--set-password) or give --authorized-keys" in capsys.readouterr().err
    assert main(["ssh", "--state-dir", str(tmp_path), "--authorized-keys", str(tmp_path / "nope")]) == 2
    assert "cannot read --authorized-keys" in capsys.readouterr().err
    lock = StateLock(tmp_path / "serve.lock").acquire("another class server")
    try:
        assert main(["ssh", "--state-dir", str(tmp_path)]) == 2
        assert "a class server already runs there" in capsys.readouterr().err
    finally:
        lock.release()
    assert main(["push", "expire", "--student", "ann", "--state-dir", str(tmp_path)]) == 2
    assert "acts on the whole class" in capsys.readouterr().err


@pytest.mark.parametrize("compacted", [False, True], ids=["journal", "snapshot"])
def test_the_trainers_table_shows_the_latest_error(tmp_path: Path, compacted: bool) -> None:
    """anna gets 314, then 370 (her Job Log shows 370 above 314): the table says 370, whether
    the jobs are still in the journal or already folded into the snapshot."""
    from datetime import datetime, timezone

    from device_model.jobs import JobLog
    from panel_tui.serve.trainer import progress

    ann = tmp_path / "students" / "ann"
    ann.mkdir(parents=True)
    jobs = JobLog(ann / "joblog.json", lambda: datetime.now(timezone.utc), lambda *_: None, lambda _m: None)
    jobs.record("scan_to_email", "anna@contoso.onmicrosoft.com", "error", code=314)
    jobs.record("scan_to_email", "anna@contoso.onmicrosoft.com", "error", code=370)
    if compacted:
        jobs.compact()
    jobs.close()
    assert [j.code for j in jobs.log] == [370, 314]  # what her Job Log shows, newest first
    assert progress(tmp_path)[0].last_error == "370"


def test_serve_status_with_no_students_says_which_class_dir_it_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Trial 3: `panel-tui serve status` (no --state-dir) while the class ran with --state-dir
    elsewhere printed "0 of 0 students ..." and nothing on where it looked."""
    from panel_tui.serve import cli

    monkeypatch.setattr(cli, "default_root", lambda: tmp_path / "state" / "class")  # the panel's state dir + /class
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "0 of 0 students have sent their first scan"
    assert out[-1] == (f"No students in {tmp_path / 'state' / 'class'} (the default class dir): for a class "
                       "started with --state-dir DIR, give the same --state-dir DIR.")
    assert cli.main(["status", "--state-dir", str(tmp_path / "c"), "--json"]) == 0
    got = capsys.readouterr()
    assert got.out == "" and got.err == f"No students in {tmp_path / 'c'}.\n"  # JSON Lines stay JSON
