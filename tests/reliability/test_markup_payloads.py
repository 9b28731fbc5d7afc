"""Markup in outside text: every screen that shows data from a user, a file or a server.

Textual renders strings as markup unless told otherwise, so a value such as ``[/]`` (a closing
tag with nothing to close) stops the app with ``MarkupError`` and ``[red]x[/red]`` is drawn red.
The rule the panel follows: what came from outside is shown as text. These tests put payloads in
every free-text setting, every field of a job record and a device notice, then open every
screen the menu tree and the Home tiles lead to, and every Web Config page: each opens, the app
keeps running, and each payload that the screen shows is on it literally.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen

from device_model import Device
from device_model.i18n import Msg
from panel_tui.screens import registry
from tests.reliability.conftest import record_count
from tests.tui.conftest import make_app, make_device
from tests.tui.helpers import screen_text

#: A closing tag with nothing to close (MarkupError), a style that would be applied, a link.
ACCOUNT = "[/]acc[red]x[/red]"
PROXY_USER = "[/]proxy[b]"
REPLY = "535 5.7.3 [/] Authentication [red]unsuccessful[/red] [link=http://x]y[/link]"
DESTINATION = "[/]dest@contoso.onmicrosoft.com"
SUBJECT = "[bold]Scanned[/] document [/]"
SERVER = "[/]smtp.example:587"

#: screen id -> payloads that screen must show literally
SHOWN: dict[str, tuple[str, ...]] = {
    "email_server_status": (ACCOUNT,),
    "email_server_settings": (ACCOUNT,),
    "job_status": (DESTINATION,),
}


def _hostile_device(tmp_path: Path) -> Device:
    device = make_device(tmp_path / "state")
    device.update("email_server", auth_method="smtp_auth", account=ACCOUNT)
    device.update("network", proxy_user=PROXY_USER)
    device.jobs.record("scan_to_email", DESTINATION, status="error", code=312, reply=REPLY,
                       server=SERVER, auth="smtp_auth", account=ACCOUNT, subject=SUBJECT)
    return device


@pytest.mark.parametrize("screen_id", sorted(registry.SCREENS))
async def test_every_panel_screen_shows_payloads_as_text(tmp_path: Path, screen_id: str) -> None:
    device = _hostile_device(tmp_path)
    cls = registry.screen_class(screen_id)
    assert cls is not None, screen_id
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(cls())
        await pilot.pause()
        text = screen_text(app)
        for payload in SHOWN.get(screen_id, ()):
            assert payload in text, (screen_id, payload)
    # run_test re-raises anything that stopped the app (a MarkupError included)


async def test_job_details_show_every_recorded_field_as_text(tmp_path: Path) -> None:
    device = _hostile_device(tmp_path)
    cls = registry.screen_class("job_status")
    app = make_app(device)
    async with app.run_test(size=(100, 60)) as pilot:
        await app.push_screen(cls())
        await pilot.pause()
        assert DESTINATION in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        text = " ".join(screen_text(app).replace("█", " ").split())
        for payload in (DESTINATION, REPLY, SUBJECT, SERVER):
            assert payload in text, payload


async def test_a_device_notice_with_markup_is_shown_as_text(tmp_path: Path) -> None:
    """A state file found bad while running is reported in a toast; its details are data."""
    device = _hostile_device(tmp_path)
    app = make_app(device)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        device.report_problem(Msg.of("device.problem.corrupt_file", file="[/]tokens[red].json",
                                     reason="[/]", moved_to="[/]x", kind="email"))
        for _ in range(20):
            await pilot.pause(0.05)
            if "tokens" in screen_text(app):
                break
        assert "[/]tokens[red].json" in screen_text(app), screen_text(app)


async def test_every_web_config_page_shows_payloads_as_text(tmp_path: Path) -> None:
    from panel_tui.webconfig.screens import EMULATED, NAV, WebConfigScreen

    device = _hostile_device(tmp_path)
    app = make_app(device)
    opened = 0
    async with app.run_test(size=(80, 24)) as pilot:
        screen = WebConfigScreen()
        await app.push_screen(screen)
        await pilot.pause()
        screen.logged_in = True  # the admin pages show their fields, not the login prompt
        for tab, pages in NAV.items():
            for page, _code in pages:
                screen.open_page(tab, page)
                await pilot.pause()
                opened += 1
                if page == "email_basic":
                    assert ACCOUNT in screen_text(app) or ACCOUNT in str(screen.query("Input").results())
        assert set(EMULATED) <= {p for pages in NAV.values() for p, _ in pages}
    record_count("web config pages opened with payloads", opened)
