"""The model decides what the panel and Web Config show: a feature a model lacks is absent (not
a "not available" screen); the additional network's status and its OAuth2 refusal; snapshots of
the new screens at 80x24 in English and Latvian."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from device_model import Device, models
from device_model.clock import FrozenClock
from panel_tui import menu_tree
from panel_tui.screens.additional_network import AdditionalNetworkStatusScreen
from panel_tui.screens.menu import MenuScreen
from panel_tui.webconfig.screens import WebConfigScreen

from .conftest import FROZEN_AT, make_app
from .helpers import screen_text
from .test_webconfig_support import wait_until


def model_device(tmp_path: Path, model_id: str, lang: str = "en") -> Device:
    device = Device(tmp_path / "state", profile=models.get(model_id), clock=FrozenClock(FROZEN_AT))
    if lang != "en":
        device.update("basic", language=lang)
    return device


async def _menu_ids(device: Device, node_id: str) -> list[str]:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = MenuScreen(menu_tree.find(node_id))
        await app.push_screen(screen)
        await pilot.pause()
        return [n.id for n in screen.items()]


async def test_menu_follows_the_model(tmp_path: Path) -> None:
    default = await _menu_ids(model_device(tmp_path / "a", "wf-c5890"), "general_settings")
    full = await _menu_ids(model_device(tmp_path / "b", "am-c4000"), "general_settings")
    assert "fax_settings" not in default and "fax_settings" in full
    status = await _menu_ids(model_device(tmp_path / "c", "wf-c879r"), "network_status")
    assert status[-1] == "additional_network_status"
    assert "additional_network_status" not in await _menu_ids(model_device(tmp_path / "d", "wf-c5890"), "network_status")


async def test_a_scanner_has_no_printer_parts(tmp_path: Path) -> None:
    """DS-C490 (a scanner): no Printer Settings in Settings, no Print Status Sheet, no Print tab in
    Web Config, and Product Status says Scanner Status, not Printer Status (EN and LV)."""
    settings = await _menu_ids(model_device(tmp_path / "a", "ds-c490"), "settings")
    assert "printer_settings" not in settings and "scan_settings" in settings
    assert "print_status_sheet" not in await _menu_ids(model_device(tmp_path / "b", "ds-c490"), "network_status")
    assert "printer_settings" in await _menu_ids(model_device(tmp_path / "c", "wf-c5890"), "general_settings")

    for lang, printer, scanner in (("en", "Printer Status", "Scanner Status"), ("lv", "Printera statuss", "Skenera statuss")):
        async def check(app, pilot) -> None:  # type: ignore[no-untyped-def]
            screen = app.screen
            assert "print" not in screen.tabs() and "scan_copy" in screen.tabs()
            screen.open_page("status", "product_status")
            await pilot.pause()
            text = screen_text(app)
            assert scanner in text and printer not in text  # noqa: B023 - run before the loop goes on

        await _webconfig(model_device(tmp_path / f"wc-{lang}", "ds-c490", lang), check)


async def _webconfig(device: Device, pilot_fn) -> None:  # type: ignore[no-untyped-def]
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        await pilot.pause()
        await pilot_fn(app, pilot)


async def test_webconfig_tabs_and_pages_follow_the_model(tmp_path: Path) -> None:
    async def check_default(app, pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert "fax" not in screen.tabs()
        screen.open_page("network", "email_basic")
        assert "additional_network" not in [p for p, _ in screen.nav_pages()]
        assert "WF-C5890" in screen_text(app)

    async def check_full(app, pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert "fax" in screen.tabs()
        screen.open_page("network", "email_basic")
        assert "additional_network" in [p for p, _ in screen.nav_pages()]
        assert "AM-C4000" in screen_text(app)  # Web Config's header names the model

    await _webconfig(model_device(tmp_path / "a", "wf-c5890"), check_default)
    await _webconfig(model_device(tmp_path / "b", "am-c4000"), check_full)


async def test_additional_network_refuses_oauth2_with_the_guides_note(tmp_path: Path) -> None:
    device = model_device(tmp_path, "wf-c879r")
    device.update("email_server", auth_method="oauth2", email_service="exchange_online")

    async def walk(app, pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert isinstance(screen, WebConfigScreen)
        screen.logged_in = True
        screen.open_page("network", "additional_network")
        await wait_until(pilot, lambda: "10.20.30.41" in screen_text(app), "the additional network page")
        assert "The additional network does not" in screen_text(app)  # the guide's note
        screen.query_one("#an-network", Select).value = "additional"
        screen.action_ok()
        await wait_until(pilot, lambda: "OAuth2 cannot be used" in screen_text(app),
                         "Epson's refusal")
        assert device.settings.email_server.network == "standard"
        app.action_help()
        await wait_until(pilot, lambda: "Network used for email" in screen_text(app), "the page's own F1 help")

    await _webconfig(device, walk)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_additional_network_status_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(model_device(tmp_path, "wf-c879r", lang))

    async def open_status(pilot: Pilot) -> None:
        await pilot.app.push_screen(AdditionalNetworkStatusScreen(menu_tree.find("additional_network_status")))

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_status)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_additional_network_page_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(model_device(tmp_path, "wf-c879r", lang))

    async def open_page(pilot: Pilot) -> None:
        await pilot.app.switch_mode("webconfig")
        await pilot.pause()
        screen = pilot.app.screen
        screen.logged_in = True
        screen.open_page("network", "additional_network")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_page)


async def test_ca_certificate_page_imports_lists_and_deletes(tmp_path: Path) -> None:
    """Network Security > CA Certificate, every model: a bad file is refused with a message, a
    CA file is listed after Import, Delete removes it."""
    from textual.widgets import Input

    from cloud_sim.ca import ensure_ca

    (tmp_path / "relay").mkdir(mode=0o700)
    ca_pem = ensure_ca(tmp_path / "relay").ca_cert
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes")
    device = model_device(tmp_path, "wf-c5890")

    async def walk(app, pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        screen.logged_in = True
        screen.open_page("network_security", "ca_certificate")
        await wait_until(pilot, lambda: "No CA certificates imported" in screen_text(app), "the empty list")
        field = screen.query_one("#ca-file", Input)
        field.value = str(bad)
        screen.action_ok()
        await wait_until(pilot, lambda: "This is not a PEM certificate" in screen_text(app), "the bad-PEM message")
        assert device.trust.list() == []
        field.value = str(ca_pem)
        screen.action_ok()
        await wait_until(pilot, lambda: "Imported:" in screen_text(app), "the import message")
        subject = device.trust.list()[0].subject
        assert subject in screen_text(app)
        screen.query_one("#ca-list").focus()
        screen.query_one("#ca-list").highlighted = 0
        from textual.widgets import Button

        screen.query_one("#ca-delete", Button).press()
        await wait_until(pilot, lambda: "Deleted:" in screen_text(app), "the delete message")
        assert device.trust.list() == []

    await _webconfig(device, walk)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_ca_certificate_page_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(model_device(tmp_path, "wf-c5890", lang))

    async def open_page(pilot: Pilot) -> None:
        await pilot.app.switch_mode("webconfig")
        await pilot.pause()
        screen = pilot.app.screen
        screen.logged_in = True
        screen.open_page("network_security", "ca_certificate")
        await pilot.pause()
        from textual.widgets import Input

        screen.query_one("#ca-file", Input).value = "/home/trainer/relay-ca.txt"
        screen.query_one("#ca-result").update(pilot.app.device.t("trust.not_pem"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_page)


async def test_fax_server_page_is_its_own_email_server(tmp_path: Path) -> None:
    """Fax > Fax Server > Email Server Settings: OAuth2 shows its own Current Status and Sign In;
    OK saves the fax_server section and leaves Network > Email Server alone."""
    from textual.widgets import Input

    device = model_device(tmp_path, "am-c4000")

    async def walk(app, pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        screen.logged_in = True
        screen.switch_tab("fax")
        await wait_until(pilot, lambda: "Forward To" in screen_text(app), "the Fax Server page")
        assert screen.page == "fax_server_email"
        screen.query_one("#fs-auth-method", Select).value = "oauth2"
        await wait_until(pilot, lambda: screen.query_one("#fs-smtp-server", Input).value == "smtp.office365.com",
                         "the service's server filled in")
        assert "Not signed in" in screen_text(app) and "Sign In" in screen_text(app)
        screen.query_one("#fs-sender", Input).value = "fax@contoso.onmicrosoft.com"
        screen.query_one("#fs-forward-to", Input).value = "not an address"
        screen.action_ok()
        await wait_until(pilot, lambda: "not sent" in screen_text(app), "the field messages")
        assert device.settings.fax_server.auth_method == "off"
        screen.query_one("#fs-forward-to", Input).value = "faxes@provider.example"
        screen.action_ok()
        await wait_until(pilot, lambda: device.settings.fax_server.auth_method == "oauth2", "the saved settings")
        assert device.settings.fax_server.forward_to == "faxes@provider.example"
        assert device.settings.email_server.auth_method == "off"  # Network > Email Server untouched
        app.action_help()
        await wait_until(pilot, lambda: "Internet fax provider" in screen_text(app), "the page's F1 help")

    await _webconfig(device, walk)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_fax_server_page_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    device = model_device(tmp_path, "am-c4000", lang)
    device.update("fax_server", auth_method="oauth2", email_service="exchange_online", smtp_server="smtp.office365.com",
                  smtp_port=587, secure="starttls", sender_address="fax@contoso.onmicrosoft.com",
                  forward_to="faxes@provider.example")
    app = make_app(device)

    async def open_page(pilot: Pilot) -> None:
        await pilot.app.switch_mode("webconfig")
        await pilot.pause()
        screen = pilot.app.screen
        screen.logged_in = True
        screen.open_page("fax", "fax_server_email")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_page)


async def test_panel_fax_menu_receives_a_sample_fax(tmp_path: Path) -> None:
    """Settings > General Settings > Fax Settings > Receive Sample Fax: with no Fax Server set,
    the forward ends "Not set", says it was not forwarded and points at Web Config's Fax >
    Fax Server > Email Server Settings; Job Status has a Fax job; F1 explains the screen."""
    from panel_tui.screens.fax import FaxReceiveSampleScreen

    device = model_device(tmp_path, "am-c4000")
    assert [n.id for n in menu_tree.find("fax_settings").children] == ["fax_receive_sample", "fax_server_status"]
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(FaxReceiveSampleScreen(menu_tree.find("fax_receive_sample")))
        await wait_until(pilot, lambda: "A sample fax will arrive" in screen_text(app), "the confirmation")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "The fax was not forwarded" in screen_text(app), "the outcome")
        text = screen_text(app)
        # nothing went anywhere: no "forwarded to -"; the advice names the Fax Server's own page
        assert "forwarded to" not in text
        assert "Fax > Fax Server > Email Server" in text and "Network > Email Server" not in text
        job = device.jobs.log[0]
        assert job.kind == "fax" and job.status == "error"
        app.action_help()
        await wait_until(pilot, lambda: "no phone line" in screen_text(app), "F1 help")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_fax_receive_sample_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    from panel_tui.screens.fax import FaxReceiveSampleScreen

    app = make_app(model_device(tmp_path, "am-c4000", lang))

    async def open_screen(pilot: Pilot) -> None:
        await pilot.app.push_screen(FaxReceiveSampleScreen(menu_tree.find("fax_receive_sample")))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_screen)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_fax_settings_menu_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Settings > General Settings > Fax Settings on a fax model with a Fax Server: both items."""
    from panel_tui.screens.menu import MenuScreen

    app = make_app(model_device(tmp_path, "am-c4000", lang))

    async def open_screen(pilot: Pilot) -> None:
        await pilot.app.push_screen(MenuScreen(menu_tree.find("fax_settings")))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_screen)


async def test_pas_login_and_to_email_needs_the_users_own_sign_in(tmp_path: Path) -> None:
    """Home > Print Admin Serverless (PAS models only): a wrong password is refused; a user logs
    in by ID and password; To Email opens Microsoft's pages in the panel with the user's code
    filled in (no tenant here: the pages say why they cannot open)."""
    from textual.widgets import Input

    from panel_tui.screens.home import model_tiles
    from panel_tui.screens.pas import PasScreen

    assert model_tiles(models.default()) == ()
    device = model_device(tmp_path, "am-c4000")
    assert [t for t, _ in model_tiles(device.profile)] == ["pas", "fax_settings"]
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = PasScreen()
        await app.push_screen(screen)
        await wait_until(pilot, lambda: "User ID" in screen_text(app), "the PAS login")
        screen.query_one("#pas-id", Input).value = "1002"
        screen.query_one("#pas-password", Input).value = "nope"
        screen.log_in()
        await wait_until(pilot, lambda: "is incorrect" in screen_text(app), "the refusal")
        screen.query_one("#pas-password", Input).value = "user-1002"
        screen.log_in()
        await wait_until(pilot, lambda: "Ordinary User" in screen_text(app), "the PAS menu")
        app.action_help()
        await wait_until(pilot, lambda: getattr(app.screen, "key", "") == "panel.help.pas", "F1 help")
        await wait_until(pilot, lambda: "Epson Print Admin" in screen_text(app), "the help text")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_pas_login_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    from panel_tui.screens.pas import PasScreen

    app = make_app(model_device(tmp_path, "am-c4000", lang))

    async def open_screen(pilot: Pilot) -> None:
        await pilot.app.push_screen(PasScreen())
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_screen)


async def test_webconfig_pas_page_sets_the_sender_mode(tmp_path: Path) -> None:
    from device_model.pas import pas_for

    device = model_device(tmp_path, "am-c4000")

    async def walk(app, pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        screen.logged_in = True
        screen.open_page("device_management", "pas")
        await wait_until(pilot, lambda: "Ordinary User" in screen_text(app), "the users")
        screen.query_one("#pas-sender", Select).value = "device"
        screen.action_ok()
        await wait_until(pilot, lambda: pas_for(device).sender_mode == "device", "the saved mode")

    await _webconfig(device, walk)
    plain = model_device(tmp_path / "plain", "wf-c5890")

    async def absent(app, pilot) -> None:  # type: ignore[no-untyped-def]
        app.screen.open_page("device_management", "email_notification")
        assert "pas" not in [p for p, _ in app.screen.nav_pages()]

    await _webconfig(plain, absent)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_webconfig_pas_page_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(model_device(tmp_path, "am-c4000", lang))

    async def open_page(pilot: Pilot) -> None:
        await pilot.app.switch_mode("webconfig")
        await pilot.pause()
        screen = pilot.app.screen
        screen.logged_in = True
        screen.open_page("device_management", "pas")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_page)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_fax_server_status_snapshot(snap_compare, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    from panel_tui.screens.fax import FaxServerStatusScreen

    device = model_device(tmp_path, "am-c4000", lang)
    device.update("fax_server", auth_method="oauth2", email_service="exchange_online", smtp_server="smtp.office365.com",
                  smtp_port=587, secure="starttls", sender_address="fax@contoso.onmicrosoft.com",
                  forward_to="faxes@provider.example")
    app = make_app(device)

    async def open_screen(pilot: Pilot) -> None:
        await pilot.app.push_screen(FaxServerStatusScreen(menu_tree.find("fax_server_status")))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_screen)


@pytest.mark.parametrize(("model_id", "lang", "label"), [("am-c4000", "en", "Fax"), ("wf-c879r", "lv", "Fakss")])
async def test_a_fax_model_has_a_fax_tile_on_home(tmp_path: Path, model_id: str, lang: str, label: str) -> None:
    """A fax MFP's Home has Fax (after the tiles every model has): Enter on it opens the fax
    screens, Receive Sample Fax first. The default model has no Fax tile."""
    from panel_tui.screens.home import HomeScreen, TileGrid

    app = make_app(model_device(tmp_path / model_id, model_id, lang))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = app.screen.query_one(TileGrid)
        ids = [t.tile_id for t in grid.tiles]
        assert ids[-1] == "fax_settings" and ids[:4] == ["scan", "settings", "job_status", "webconfig"]
        assert label in screen_text(app)
        grid.select_tile("fax_settings")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MenuScreen), "the fax menu")
        assert [n.id for n in app.screen.items()][0] == "fax_receive_sample"
    app = make_app(model_device(tmp_path / "default", "wf-c5890"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "fax_settings" not in [t.tile_id for t in app.screen.query_one(TileGrid).tiles]


async def test_lock_setting_locks_what_the_model_says(tmp_path: Path) -> None:
    """What Lock Setting locks differs by model (REFERENCE.md): the DS-C490 scanner's model data
    adds Scan Settings (as Epson's scanners lock Scanner Settings): with the lock on it carries
    the padlock and asks for the password; on the printers it stays open."""
    from panel_tui.screens.base import is_locked
    from panel_tui.screens.keypad import KeypadScreen

    scanner = model_device(tmp_path / "scanner", "ds-c490")
    printer = model_device(tmp_path / "printer", "wf-c5890")
    for device in (scanner, printer):
        device.update("admin", lock_setting=True)
    node = menu_tree.find("scan_settings")
    assert is_locked(scanner, node) and not is_locked(printer, node)
    assert is_locked(printer, menu_tree.find("network_settings"))  # every model's lock stays

    app = make_app(scanner)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(MenuScreen(menu_tree.find("settings")))
        await wait_until(pilot, lambda: "Scan Settings" in screen_text(app), "the scanner's Settings")
        line = next(line for line in screen_text(app).splitlines() if "Scan Settings" in line)
        assert "locked" in line
        app.open_item("scan_settings")
        await wait_until(pilot, lambda: isinstance(app.screen, KeypadScreen), "the password keypad")
        await pilot.pause()  # let the keypad mount before the app ends
