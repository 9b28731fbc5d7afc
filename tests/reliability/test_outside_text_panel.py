"""A person meets markup-like text on the installed panel: it is shown as typed, nothing stops.

Before, an SMTP account named ``[/]acc[red]x`` (saved in settings.json, so on every visit)
stopped the app at Network Status > Email Server Status, and typing ``[/]a[red]b@contoso.com``
into Scan > Email's To stopped it at Start (``MarkupError``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch

pytestmark = pytest.mark.acceptance

ACCOUNT = "[/]acc[red]x"
TO = "[/]a[red]b@contoso.com"


def test_markup_in_a_saved_account_and_a_typed_address_is_shown_as_text(launch: Launch, state_dir: Path) -> None:
    state_dir.mkdir(mode=0o700)
    settings = {"email_server": {"auth_method": "smtp_auth", "account": ACCOUNT}}
    (state_dir / "settings.json").write_text(json.dumps({"schema_version": 1, "data": settings}))
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("enter")  # Settings
    panel.wait_for("General Settings")
    panel.press("enter")
    panel.wait_for("Network Settings")
    panel.press("down", "down", "enter")
    panel.wait_for("Network Status")
    panel.press("down", "down", "enter")
    panel.wait_for("Email Server Status")
    panel.press("down", "down", "enter")
    panel.wait_for(ACCOUNT, "SMTP AUTH")

    panel.press("f5")
    panel.wait_for("Home")
    panel.press("left", "enter")  # Scan
    panel.wait_for("Email")
    panel.press("enter")
    panel.wait_for("To")
    panel.type(TO)
    panel.press("enter")  # Start
    panel.wait_for(TO)
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
