"""The README's commands work as typed after its first command: pytest is not in that `.venv`
(a new user ran the system pytest on docs/scripts, found 0 tests and exit 5)."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_scripts_as_tests_install_the_test_extra_and_use_the_venvs_pytest() -> None:
    lines = [line.strip() for line in README.splitlines()]
    run = next(line for line in lines if "docs/scripts --junitxml" in line)
    assert run.startswith(".venv/bin/python -m pytest docs/scripts"), run
    before = lines[:lines.index(run)]
    assert ".venv/bin/pip install -q -c constraints.txt -e '.[test]'" in before[-3:], before[-3:]


def test_the_class_join_line_shows_the_latvian_word() -> None:
    assert "ssh -t -p 2222 NAME@192.0.2.10 lv" in README
