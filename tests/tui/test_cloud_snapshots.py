"""Snapshot (80x24): the Cloud surface's "Permissions requested" page for an administrator.

The page is set directly (no tenant), with a link that stands for a ready embedded tenant, so
the picture has no changing ports or codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloud_sim.signin import Page
from panel_tui.cloud.signin_pane import SignInPane
from panel_tui.cloud_link import CloudLink
from panel_tui.tenant_info import DefaultAccountHint, TenantInfo

from .conftest import make_app, make_device

PRINTER = "printer@contoso.onmicrosoft.com"


def _ready_link(device: Any, config: Any) -> CloudLink:
    link = CloudLink(device, config)
    link.state = "ready"
    link.info = TenantInfo(
        base_url="https://login.microsoftonline.com",
        verification_uri="https://microsoft.com/devicelogin",
        client_id="00000000-0000-0000-0000-000000000000",
        tenant_domain="contoso.onmicrosoft.com",
        accounts=[DefaultAccountHint(PRINTER, "Contoso-Printer-2025", "Global Administrator")],
    )
    return link


def test_permissions_requested_page(snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SignInPane, "restart", lambda self: None)  # no tenant to open
    app = make_app(make_device(tmp_path / "state"))
    app.cloud_link = _ready_link(app.device, app.config)

    async def run_before(pilot: Any) -> None:
        await app.switch_mode("cloud")
        await pilot.pause()
        pane = app.screen.query_one(SignInPane)
        pane._account = PRINTER
        pane.show_page(
            Page(
                kind="consent",
                title="Permissions requested",
                message="Epson Printer Email (simulated)",
                error_code=None,
                show_org_consent=True,
                account=PRINTER,
            )
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
