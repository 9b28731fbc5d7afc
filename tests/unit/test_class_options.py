"""The trainer's choices reach a panel through PANEL_TUI_* (serve ssh's pty, serve web's
session command), and guided mode's next step follows the device's events."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from panel_tui.class_options import ClassOptions
from panel_tui.guided import GuideProgress


def test_options_round_trip_through_the_environment() -> None:
    opts = ClassOptions(student="ann@contoso.onmicrosoft.com", student_password="pw", guided=True,
                        show_keys=True, theme="high-contrast")
    assert ClassOptions.from_environ(opts.environ()) == opts
    assert ClassOptions().environ() == {}
    assert ClassOptions.from_environ({"PANEL_TUI_THEME": "rainbow", "PANEL_TUI_GUIDED": "no"}) == ClassOptions()


def test_web_session_command_carries_the_aids(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("textual_serve")
    from panel_tui.serve import web_session
    from panel_tui.serve.web import session_command

    argv = shlex.split(session_command(tmp_path, "https://x", tmp_path / "ca.pem", "lv",
                                       ClassOptions(guided=True, theme="high-contrast")))
    assert argv[argv.index("--env") + 1] == "PANEL_TUI_GUIDED=1"
    ran: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda _exe, args: ran.append(args))
    monkeypatch.delenv("PANEL_TUI_GUIDED", raising=False)
    monkeypatch.delenv("PANEL_TUI_THEME", raising=False)
    web_session.main(argv[3:])
    assert os.environ["PANEL_TUI_GUIDED"] == "1" and os.environ["PANEL_TUI_THEME"] == "high-contrast"
    assert "--env" not in ran[0] and ran[0][-2:] == ["--lang", "lv"]


def test_guide_moves_on_with_the_devices_events() -> None:
    g = GuideProgress()
    assert g.next_step == "login"
    assert g.hear("webconfig", "login") and g.next_step == "oauth2"
    assert g.hear("signin", {"state": "waiting", "user_code": "ABC123"}) and g.next_step == "signin"
    assert g.hear("signin", {"state": "signed_in", "user_code": "ABC123"}) and g.next_step == "ok"
    assert g.hear("signin", {"state": "signed_in", "event": "committed"}) and g.next_step == "conntest"
    assert not g.hear("conntest", "email.conntest.auth") and g.next_step == "conntest"
    assert g.hear("conntest", "email.conntest.ok") and g.next_step == "scan"
    g.done.add("scan")
    assert g.next_step is None
    # the furthest step counts: logging in again after OK does not send the student back
    assert not g.hear("webconfig", "login")


async def test_connection_test_is_a_device_event(tmp_path: Path) -> None:
    """Guided mode hears Web Config's Connection Test through the device's events."""
    from device_model import Device

    device = Device(tmp_path / "state")
    heard: list[tuple[str, object]] = []
    device.subscribe(lambda e: heard.append((e.kind, e.detail)))
    msg = await device.email.connection_test()
    assert ("conntest", msg.key) in heard
