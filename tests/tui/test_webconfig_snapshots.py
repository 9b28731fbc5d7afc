"""Snapshots (80x24): the Sign In window showing a code, and Email Server Status when signed in.

The sign-in's changing parts (code, URL port, expiry) are set directly with a fixed attempt, and
the device clock is frozen, so the pictures are stable.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from device_model.email import SignInStatus
from panel_tui import menu_tree
from panel_tui.screens.registry import open_node
from panel_tui.webconfig.signin import SignInModal

from .conftest import make_app, make_oauth2_device

PRINTER = "printer@contoso.onmicrosoft.com"


def _waiting_attempt() -> Any:
    return SimpleNamespace(
        state="waiting",
        user_code="FQ7K-M2XD",
        verification_uri="https://microsoft.com/devicelogin",
        expires_at=datetime(2026, 3, 2, 9, 45, tzinfo=timezone.utc),
        account=None,
        error=None,
        aad_code=None,
        cancel=lambda: None,
    )


class _SignedInEmail:
    """The device's email client as it stands after OK (state set directly, no network)."""

    def status(self) -> SignInStatus:
        return SignInStatus("signed_in", PRINTER, "exchange_online")


def test_sign_in_window_shows_code(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state", sender=PRINTER))

    async def run_before(pilot: Any) -> None:
        await app.switch_mode("webconfig")
        screen = app.screen
        screen.logged_in = True
        screen.open_page("network", "email_basic")
        await pilot.pause()
        screen.set_attempt(_waiting_attempt())
        await app.push_screen(SignInModal("exchange_online", screen.session))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_basic_page_waiting_for_sign_in(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state", sender=PRINTER))

    async def run_before(pilot: Any) -> None:
        await app.switch_mode("webconfig")
        screen = app.screen
        screen.logged_in = True
        screen.open_page("network", "email_basic")
        await pilot.pause()
        screen.set_attempt(_waiting_attempt())
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_email_server_status_signed_in(snap_compare: Any, tmp_path: Path) -> None:
    device = make_oauth2_device(tmp_path / "state", sender=PRINTER)
    device.email = _SignedInEmail()
    app = make_app(device)

    async def run_before(pilot: Any) -> None:
        open_node(app, menu_tree.find("email_server_status"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
