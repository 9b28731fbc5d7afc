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
