"""Email Server > Basic shows the rows of the Authentication Method chosen, restyling only those
rows (a class set on the page restyled its ~60 widgets: OAuth2 chosen cost ~60 % of the key)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.widgets import Select

from device_model import Device
from panel_tui.webconfig.screens import WebConfigScreen

from .conftest import make_app
from .test_webconfig_support import log_in_webconfig

ROWS = {"oauth2-only": "-oauth2", "basic-auth-only": "-basic-auth", "pop-only": "-pop"}
SHOWN = {
    "oauth2": {"oauth2-only"},
    "smtp_auth": {"basic-auth-only"},
    "pop_before_smtp": {"basic-auth-only", "pop-only"},
    "off": set(),
}


async def test_each_method_shows_its_rows_and_restyles_only_them(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        assert isinstance(screen, WebConfigScreen)
        await log_in_webconfig(pilot, app)
        page = screen.query_one("EmailBasicPage")
        styled: list[Any] = []
        real_apply = Stylesheet.apply

        def apply(self: Stylesheet, node: Any, *args: Any, **kwargs: Any) -> Any:
            styled.append(node)
            return real_apply(self, node, *args, **kwargs)

        monkeypatch.setattr(Stylesheet, "apply", apply)
        for method in ("oauth2", "pop_before_smtp", "smtp_auth", "off", "oauth2"):
            styled.clear()
            screen.query_one("#eb-auth-method", Select).value = method
            await pilot.pause()
            await pilot.pause()
            for row_class, page_class in ROWS.items():
                rows = list(page.query(f".{row_class}"))
                assert rows, row_class
                shown = row_class in SHOWN[method]
                assert page.has_class(page_class) == shown
                for row in rows:
                    if row.has_class("-none") or row.has_class("-empty"):
                        continue  # hidden for a reason of its own (no Current Status yet)
                    assert row.display == shown, (method, row.id)
            # the rows, not the page's other widgets (a focus or two may restyle their own)
            method_rows = set(page.query(".oauth2-only, .basic-auth-only, .pop-only"))
            assert len([n for n in styled if n not in method_rows]) <= 6, (method, styled)
        # shown rows take room on the page: OAuth2's Sign In row is laid out
        assert screen.query_one("#row-signin").region.height > 0
