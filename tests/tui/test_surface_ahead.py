"""The Cloud surface built ahead, in the keyboard's pauses once Web Config has been opened
(`PanelApp.prepare_surface`, a step of `panel_tui.ui.warm_up`): the first F4 only lays it out
and draws it, and it shows what one built on the key shows.

The first F4 built ~90 widgets before its first frame, the slowest key of the guide walk
(``bench/walk.py``: 79 ms against the bare app's 33 ms page change).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Input

from device_model import Device
from panel_tui.app import PanelApp
from panel_tui.cloud.signin_pane import SignInPane
from panel_tui.ui import warm_up
from panel_tui.ui.warm_up import QUIET, START_AFTER, WarmUp

from .conftest import SERIAL, make_app, make_device
from .helpers import screen_text
from .test_cloud_snapshots import _ready_link
from .test_webconfig_support import linked_app, wait_until


def _composed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The widgets composed from now on, by class name."""
    made: list[str] = []
    real = Widget._compose

    async def compose(self: Widget) -> None:
        made.append(type(self).__name__)
        await real(self)

    monkeypatch.setattr(Widget, "_compose", compose)
    return made


async def _warm_up(pilot: Any, app: PanelApp) -> None:
    """The warm-up's steps, as the idle polls run them once Web Config has been opened."""
    for ready, step, _quiet, surface in warm_up.steps(app):
        if surface in ("webconfig", "cloud"):
            assert ready()
            step()
    for _ in range(4):  # the surface composes and mounts in its own message loop
        await pilot.pause()


async def test_once_web_config_was_opened_the_first_f4_builds_nothing(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(make_device(tmp_path / "state"))
    app.cloud_link = _ready_link(app.device, app.config)
    asked: list[object] = []
    monkeypatch.setattr(SignInPane, "_run_step", lambda self, step: asked.append(step))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await _warm_up(pilot, app)
        assert asked == [], "the code page is asked for when F4 shows the surface, not when it is built"
        made = _composed(monkeypatch)
        await pilot.press("f4")
        await pilot.pause()
        assert type(app.screen).__name__ == "CloudScreen"
        assert made == [], f"F4 composed {made}"
        assert len(asked) == 1, "F4 asks for the code page, once"


async def test_a_surface_built_ahead_holds_no_key_typed_in_web_config(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The sign-in pages hold keys until their page arrives only once the surface is shown: built
    ahead with a ready tenant, they held every key typed in Web Config for 10 s."""
    app = make_app(make_device(tmp_path / "state"))
    app.cloud_link = _ready_link(app.device, app.config)
    monkeypatch.setattr(SignInPane, "_run_step", lambda self, step: None)  # a page never coming
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        web = app.screen
        await _warm_up(pilot, app)
        assert app.key_gate._holds == []
        tab = web.tab
        await pilot.press("right")
        await pilot.pause()
        assert web.tab != tab, "the key reached Web Config at once"


async def test_a_person_who_never_reads_the_ip_address_gets_no_surface_built(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The panel's menus and Home only: neither Web Config nor Cloud is built ahead."""
    monkeypatch.delitem(sys.modules, "panel_tui.screens.network_status", raising=False)  # (other tests')
    app = make_app(make_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")  # Settings > General Settings
        await pilot.pause()
        now = [0.0]
        warm = WarmUp(app, lambda: 60.0, clock=lambda: now[0])
        now[0] = START_AFTER + QUIET
        for _ in range(10):
            warm.poll()
        await pilot.pause()
        assert app._prepared_surfaces == {}
        assert "cloud" not in app._screen_stacks and "webconfig" not in app._screen_stacks


@pytest.mark.parametrize("lang", ["en", "lv"])
async def test_the_sign_in_started_while_it_waits_is_on_its_code_page_as_on_one_built_on_f4(
        live_device: Device, tenant: Any, lang: str) -> None:
    """Guide steps 6-8 with the surface built ahead (the language switched meanwhile, once): F4
    shows the code page with Web Config's code in the field and the cursor in it, the screen
    reading as the one built on F4 reads."""
    shown: dict[bool, str] = {}
    for ahead in (False, True):
        app = linked_app(live_device, tenant)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.switch_mode("webconfig")
            web = app.screen
            if ahead:
                await _warm_up(pilot, app)
                assert "cloud" in app._prepared_surfaces
            if live_device.language != lang:
                live_device.update("basic", language=lang)
                await pilot.pause()
            web.begin_sign_in("exchange_online")
            await wait_until(pilot, lambda: web.attempt is not None and web.attempt.state == "waiting", "a code")
            if ahead:
                pane = app._prepared_surfaces["cloud"].query_one(SignInPane)
                assert pane.kind == "start" and pane._client is None, "no page asked for before F4"
            await pilot.press("f4")
            cloud = app.screen
            pane = cloud.query_one(SignInPane)
            await wait_until(pilot, lambda: pane.kind == "code", "the code page")
            await pilot.pause()
            field = cloud.query_one("#ms-input", Input)
            assert field.value == web.attempt.user_code
            assert app.focused is field
            shown[ahead] = screen_text(app).replace(web.attempt.user_code, "CODE")
            web.attempt.cancel()
        live_device.update("basic", language="en")
    assert shown[True] == shown[False]


async def test_once_the_panel_shows_network_status_the_first_f3_builds_nothing(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Guide step 1 reads the IP in Network Status: Web Config is where it goes next."""
    monkeypatch.delitem(sys.modules, "panel_tui.screens.network_status", raising=False)  # (other tests')
    app = make_app(make_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        # Settings > General Settings > Network Settings > Network Status (its menu: no page yet)
        await pilot.press("enter", "enter", "down", "down", "enter", "down", "down", "enter")
        await pilot.pause()
        assert "network_status" in repr(getattr(app.screen, "node", None)), app.screen
        for ready, step, _quiet, surface in warm_up.steps(app):
            if surface == "webconfig":
                assert ready()
                step()
            elif surface == "cloud":  # once Web Config has been opened
                assert not ready()
        for _ in range(4):
            await pilot.pause()
        assert "webconfig" in app._prepared_surfaces and "cloud" not in app._prepared_surfaces
        made = _composed(monkeypatch)
        await pilot.press("f3")
        await pilot.pause()
        assert type(app.screen).__name__ == "WebConfigScreen"
        assert made == [], f"F3 composed {made}"
        assert app.focused is app.screen.query_one("#wc-nav")


@pytest.mark.parametrize("change", ["ip", "language", "theme"])
async def test_web_config_built_ahead_shows_what_one_built_on_f3_shows(tmp_path: Path, change: str) -> None:
    """Changed while it waited (the printer's IP address, the language, the theme): F3 shows
    the printer as it is now, as a Web Config built on the key does."""
    shown: dict[bool, str] = {}
    for ahead in (False, True):
        device = make_device(tmp_path / f"state-{ahead}")
        app = make_app(device)
        async with app.run_test(size=(80, 24)) as pilot:
            if ahead:
                assert app.prepare_surface("webconfig")
                for _ in range(4):
                    await pilot.pause()
            if change == "ip":
                device.update("network", dhcp=False, ip="10.20.30.40", subnet_mask="255.255.255.0",
                              gateway="10.20.30.1")
            elif change == "language":
                device.update("basic", language="lv")
            else:
                app.theme = "textual-light"
            await pilot.pause()
            await pilot.press("f3")
            await pilot.pause()
            await pilot.pause()
            shown[ahead] = app.export_screenshot()  # the text and its colours
            assert app.focused is app.screen.query_one("#wc-nav")
    if change == "ip":
        assert "10.20.30.40" in shown[False]
    assert shown[True] == shown[False]


@pytest.mark.parametrize("change", ["none", "language", "admin"])
async def test_scan_to_email_built_ahead_from_the_scan_list_is_the_page_built_on_enter(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """The Scan list opened: Scan > Email (its one emulated destination) is built in the next
    pause, and Enter on Email composes nothing; what it shows (the language, the padlock of an
    administrator who logged in meanwhile) is what the page built on Enter shows."""
    from panel_tui.scan.screens import SCAN_EMAIL

    shown: dict[bool, str] = {}
    for ahead in (False, True):
        device = make_device(tmp_path / f"state-{ahead}")
        app = make_app(device)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("left", "enter")  # Home > Scan
            await pilot.pause()
            if ahead:
                for ready, step, _quiet, surface in warm_up.steps(app):
                    if surface == "scan-email":
                        assert ready()
                        step()
                for _ in range(4):
                    await pilot.pause()
                assert app.get_screen(SCAN_EMAIL).is_mounted
            if change == "language":
                device.update("basic", language="lv")
            elif change == "admin":
                device.admin.login(SERIAL)
            await pilot.pause()
            made = _composed(monkeypatch)
            await pilot.press("enter")  # Email
            await pilot.pause()
            await pilot.pause()
            assert type(app.screen).__name__ == "ScanScreen"
            if ahead and change != "language":  # a language switch recomposes it, as any page
                assert made == [], f"Enter composed {made}"
            monkeypatch.undo()
            assert app.focused is app.screen.query_one("#scan-to")
            shown[ahead] = app.export_screenshot()
    assert shown[True] == shown[False]


@pytest.mark.parametrize("before", ["built ahead", "shown before"])
async def test_a_scenario_from_the_palette_opens_a_cloud_surface_built_ahead_on_its_tab(
        live_device: Device, tenant: Any, before: str) -> None:
    """The palette's "Scenario: ..." opens the Cloud surface on its Scenarios tab, the list
    focused, whether the surface was built ahead (on the sign-in tab) or is made by it."""
    from textual.widgets import OptionList, TabbedContent

    from .test_scenarios_ui import finished

    app = linked_app(live_device, tenant)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        if before == "built ahead":
            await _warm_up(pilot, app)
            assert "cloud" in app._prepared_surfaces
        else:
            await app.switch_mode("cloud")
            await pilot.pause()
        await app.switch_mode("panel")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Scenario: 91 days")
        await wait_until(pilot, lambda: "Scenario: 91 days without sending" in screen_text(app), "the palette entry")
        await pilot.press("enter")
        await wait_until(pilot, lambda: finished(app), "361-expired to be set up", timeout=60)
        cloud = app.screen
        assert type(cloud).__name__ == "CloudScreen"
        assert cloud.query_one("#cloud-tabs", TabbedContent).active == "cloud-scenarios"
        assert app.focused is cloud.query_one("#scn-list", OptionList)


async def test_f3_while_web_config_is_still_being_built_ahead_shows_it_whole(tmp_path: Path) -> None:
    """F3 right after the build began (a fast typist): the surface being built is shown once
    built, as one built on the key."""
    shown: dict[bool, str] = {}
    for ahead in (False, True):
        app = make_app(make_device(tmp_path / f"state-{ahead}"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            if ahead:
                assert app.prepare_surface("webconfig")
            await pilot.press("f3")  # no pause: its widgets are not composed yet
            await pilot.pause()
            await pilot.pause()
            assert app.focused is app.screen.query_one("#wc-nav")
            shown[ahead] = app.export_screenshot()
    assert shown[True] == shown[False]


async def test_a_tenant_ready_while_the_cloud_surface_waits_is_visited_when_f4_shows_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built while the tenant was still starting: its readiness, heard while hidden, opens the
    sign-in pages only when F4 shows them (once), as on a surface built on F4."""
    from panel_tui.cloud_link import CloudLinkStatus

    app = make_app(make_device(tmp_path / "state"))
    app.cloud_link = link = _ready_link(app.device, app.config)
    link.state = "starting"
    asked: list[object] = []
    monkeypatch.setattr(SignInPane, "_run_step", lambda self, step: asked.append(step))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await _warm_up(pilot, app)
        link.state = "ready"
        app.link_events.publish(CloudLinkStatus("ready", link.mode))
        await pilot.pause()
        assert asked == [] and app.key_gate._holds == []
        await pilot.press("f4")
        await pilot.pause()
        await pilot.pause()
        assert len(asked) == 1


@pytest.mark.parametrize("mode", ["cloud", "webconfig"])
async def test_quitting_while_a_surface_is_built_ahead_ends_cleanly(tmp_path: Path, mode: str) -> None:
    """Ctrl+Q in the keyboard pause that builds a surface ahead: Textual closed the half-built
    screen as a stray node, its tab bar's Mount then found its tabs gone, and the panel ended
    with a traceback and status 1 (seen in CI as `test_a_scanner_names_its_tabs_as_a_scanner`)."""
    app = make_app(make_device(tmp_path / "state"))
    app.cloud_link = _ready_link(app.device, app.config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.prepare_surface(mode)
        await pilot.press("ctrl+q")  # at once: the screen is still composing and mounting
        # the app's own way out (a Pilot context's end shuts the app down another way)
        for _ in range(250):
            if not app.is_running:
                break
            await asyncio.sleep(0.02)
        assert not app.is_running
    assert app.return_code == 0
    assert app._exception is None
