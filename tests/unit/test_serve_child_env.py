"""A student's panel gets the student's terminal, not the trainer's: their TERM, their COLORTERM
(if their client sends it), a UTF-8 locale; from the server only what every panel shares."""

from __future__ import annotations

import pytest

from panel_tui.serve.child import _child_env


def test_the_trainers_colorterm_does_not_reach_a_students_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server started from a terminal with COLORTERM=truecolor gave a TERM=linux student
    24-bit colours and Unicode icons."""
    monkeypatch.setenv("COLORTERM", "truecolor")
    env = _child_env("linux", {})
    assert env["TERM"] == "linux"
    assert "COLORTERM" not in env
    assert _child_env("xterm-256color", {b"COLORTERM": b"truecolor"})["COLORTERM"] == "truecolor"


def test_the_trainers_escdelay_and_icons_reach_every_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's ESCDELAY for a slow link, set where the class server starts, is every
    panel's (it was dropped with the rest of the server's environment)."""
    monkeypatch.setenv("ESCDELAY", "100")
    monkeypatch.setenv("PANEL_TUI_ICONS", "ascii")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "nope")
    env = _child_env("xterm", {})
    assert env["ESCDELAY"] == "100" and env["PANEL_TUI_ICONS"] == "ascii"
    assert "AWS_SECRET_ACCESS_KEY" not in env
