"""What a keyboard-only walk of the real app at 80x24 ran into (trainer, guide steps, tester).

Each test fails without its fix: focus lost or invisible in Web Config and the Cloud surface,
the signed-in account cut off in Current Status, the Cloud sign-in page's input and button,
and untranslated labels in the job details.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.widgets import Button, Input, Select
from textual.widgets._select import SelectCurrent

from device_model import Device
from panel_tui.cloud.signin_pane import SignInPane
from panel_tui.screens.job_status import JobDetailScreen, JobStatusScreen
from panel_tui.webconfig.screens import WebConfigScreen

from .conftest import SERIAL, make_app, make_device
from .helpers import screen_text

ACCOUNT = "admin@contoso.onmicrosoft.com"


async def _webconfig_logged_in(app: Any, pilot: Any) -> WebConfigScreen:
    await app.switch_mode("webconfig")
    screen = app.screen
    assert isinstance(screen, WebConfigScreen)
    screen.open_page("network", "email_basic")  # Web Config opens on its status page
    await pilot.pause()
    # guide step 2 as a user does it: Tab to the page's "Log in", Enter, the password, Enter
    while app.focused is None or app.focused.id != "page-login":
        await pilot.press("tab")
    await pilot.press("enter")
    await pilot.press(*SERIAL, "enter")
    await pilot.pause()
    await pilot.pause()
    assert screen.logged_in
    return screen


async def test_webconfig_login_and_logout_keep_a_visible_focus(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _webconfig_logged_in(app, pilot)
        # the "Log in" button that had focus is gone: the cursor is on step 4's field
        assert app.focused is not None and app.focused.id == "eb-auth-method"
        await pilot.press("ctrl+l")  # log out from a field of the page: asked first
        await pilot.press("enter")  # Ctrl+L's question opens on Log out
        await pilot.pause()
        await pilot.pause()
        assert not screen.logged_in
        assert app.focused is not None and app.focused in screen.focus_chain
        assert app.focused.id == "page-login"


async def test_scrolling_pages_are_not_invisible_focus_stops(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _webconfig_logged_in(app, pilot)
        # OAuth2 makes the page longer than 80x24: it scrolls, and a scrolling page could be
        # focused (with nothing to show for it)
        screen.query_one("#eb-auth-method", Select).value = "oauth2"
        await pilot.pause()
        await pilot.pause()
        ids = [w.id for w in screen.focus_chain]
        assert "page-email-basic" not in ids
        # Tab from the menu goes straight to the first field
        screen.query_one("#wc-nav").focus()
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "eb-auth-method"
        await app.switch_mode("cloud")
        await pilot.pause()
        ids = [w.id for w in app.screen.focus_chain]
        assert "signin-pane" not in ids
        app.screen.show_tab("admin")
        await pilot.pause()
        ids = [w.id for w in app.screen.focus_chain]
        assert "admin-pane" not in ids


async def test_a_focused_select_can_be_seen(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _webconfig_logged_in(app, pilot)
        method = screen.query_one("#eb-auth-method", Select)
        secure = screen.query_one("#eb-secure", Select)
        assert app.focused is method
        focused_style = method.query_one(SelectCurrent).rich_style
        blurred_style = secure.query_one(SelectCurrent).rich_style
        assert focused_style.bgcolor != blurred_style.bgcolor
        assert focused_style.bold


@dataclass
class _Attempt:
    state: str
    account: str
    user_code: str = ""


async def test_current_status_shows_the_whole_signed_in_account(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _webconfig_logged_in(app, pilot)
        screen.query_one("#eb-auth-method", Select).value = "oauth2"
        screen.set_attempt(_Attempt("signed_in", ACCOUNT))
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "Signed in:" in text
        assert ACCOUNT in text  # was cut to "Signed in:" at 80x24


@dataclass(frozen=True)
class _Page:
    kind: str
    title: str = ""
    message: str = ""
    error_code: int | None = None
    show_org_consent: bool = False
    error_text: str = ""
    account: str = ""
    reason: str = ""
    app: str = ""


async def test_cloud_signin_input_cursor_and_sign_in_button(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        await pilot.pause()
        pane = app.screen.query_one(SignInPane)
        field = pane.query_one("#ms-input", Input)
        pane.show_page(_Page("code", title="Enter code"))
        await pilot.pause()
        field.value = "83LZDSM3W"
        field.cursor_position = len(field.value)
        pane.show_page(_Page("account", title="Sign in", account="printer@contoso.onmicrosoft.com"))
        await pilot.pause()
        # a new page's field starts empty: what the person types is all there is (no code left in it)
        assert field.value == "" and field.cursor_position == 0
        pane.show_page(_Page("password", title="Enter password", account=ACCOUNT))
        await pilot.pause()
        await pilot.pause()
        button = pane.query_one("#ms-next", Button)
        # "Sign In", as the vendor guide's step 10 (and the Latvian page) says it
        assert str(button.label) == "Sign In"
        assert button.region.width >= len("Sign In")
        assert "Sign In" in screen_text(app)


async def test_job_details_label_every_row_in_both_languages(tmp_path: Any) -> None:
    for lang, labels, raw in (
        ("en", ("SMTP Server", "Authentication Method", "Signed-in Account"), ("server", "auth", "account")),
        ("lv", ("SMTP serveris", "Autentifikācijas metode", "Pierakstīšanās konts"), ("server", "auth", "account")),
    ):
        device = make_device(tmp_path / lang, lang=lang)
        device.jobs.record(
            "scan_to_email", "user@contoso.onmicrosoft.com", status="error", code=361,
            reply="AADSTS700082: The refresh token has expired due to inactivity.",
            server="smtp.office365.com:587", auth="oauth2", account=ACCOUNT, error="signin_expired",
        )
        app = make_app(device)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(JobStatusScreen())
            await pilot.pause()
            await pilot.press("enter")
            assert isinstance(app.screen, JobDetailScreen)
            text = screen_text(app)
            for label in labels:
                assert label in text, (lang, label)
            assert "OAuth2" in text and "oauth2" not in text
            assert "signin_expired" not in text
            lines = [line.strip(" █▀▄") for line in text.splitlines()]
            for key in raw:
                assert not any(line.startswith(key + " ") for line in lines), (lang, key)


async def test_scan_outcome_only_points_to_a_reply_that_exists(device: Device) -> None:
    from panel_tui.ui.text import job_outcome_text

    no_reply = device.jobs.record("scan_to_email", "user@contoso.onmicrosoft.com", status="error", code=360)
    with_reply = device.jobs.record(
        "scan_to_email", "user@contoso.onmicrosoft.com", status="error", code=312,
        reply="535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
    )
    app = make_app(device)
    async with app.run_test(size=(80, 24)):
        text = job_outcome_text(app.screen, no_reply)
        assert "must sign in to your email service" in text
        assert "reply" not in text  # 360: the printer never reached a server
        assert "Job Status > Log" in text
        assert "The server's reply is in Job Status > Log." in job_outcome_text(app.screen, with_reply)


async def test_admin_centre_says_what_a_button_did_where_the_user_looks(tmp_path: Any) -> None:
    from cloud_sim import start_tenant
    from device_model import DeviceProfile

    from .test_webconfig_support import linked_app, press_button, wait_until

    tenant = start_tenant(tmp_path / "tenant", preset="prepared", device_code_interval=1)
    try:
        device = Device(tmp_path / "device", profile=DeviceProfile.default())
        app = linked_app(device, tenant)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.switch_mode("cloud")
            await pilot.pause()
            app.screen.show_tab("admin")
            pane = app.screen.query_one("#admin-pane")
            await wait_until(pilot, lambda: pane._state.get("users"), "the tenant's state")
            await press_button(pilot, "#adm-revoke-sessions")

            def toasts() -> list[str]:
                return [str(n.message) for n in app._notifications]

            await wait_until(pilot, lambda: any("Sessions revoked" in m for m in toasts()), "the toast")
            # and the result line says it too, on screen in the 80x24 pane
            result = pane.query_one("#adm-result")
            assert pane.region.y <= result.region.y < pane.region.bottom and result.region.height
    finally:
        tenant.stop()


async def test_scan_screen_hints_only_promise_keys_that_work_there(tmp_path: Any) -> None:
    from panel_tui.scan.screens import ScanScreen

    for lang in ("en", "lv"):
        device = make_device(tmp_path / lang, lang=lang)
        app = make_app(device)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("left", "enter", "enter")  # the Scan tile, Email
            assert isinstance(app.screen, ScanScreen)
            assert isinstance(app.focused, Input)
            await pilot.press("h")  # a letter of the address, not Home
            assert isinstance(app.screen, ScanScreen)
            text = screen_text(app)
            assert " h Home" not in text and " h Sākums" not in text, lang
            await pilot.press("escape")
            assert not isinstance(app.screen, ScanScreen)


async def test_mailbox_shows_the_pdf_of_the_highlighted_message_at_80_columns(device: Device) -> None:
    from email.message import EmailMessage

    from textual.widgets import DataTable

    from panel_tui.cloud.mail_pane import MailPane

    from .test_webconfig_support import wait_until

    message = EmailMessage()
    message["From"] = "printer@contoso.onmicrosoft.com"
    message["To"] = "user@contoso.onmicrosoft.com"
    message["Subject"] = "Scanned document from EPSON123456"
    message["Date"] = "Fri, 27 Nov 2026 14:31:10 +0000"
    message.set_content("Scanned with the printer.")
    message.add_attachment(b"%PDF-1.3\n", maintype="application", subtype="pdf", filename="scan0001.pdf")
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        app.screen.show_tab("mail")
        await pilot.pause()
        pane = app.screen.query_one(MailPane)
        # the pane lays out its columns when mounted: rows given before that would have no cells
        await wait_until(pilot, lambda: len(pane.query_one(DataTable).columns) == 3, "the mailbox's columns")
        # the Cloud surface starts a tenant of its own: its first (empty) mailbox read must land
        # before the messages given here, not after them
        await wait_until(pilot, lambda: "ready" in screen_text(app), "the surface's own tenant")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane.show_messages(["user@contoso.onmicrosoft.com"], "user@contoso.onmicrosoft.com", [message])
        wanted = ("scan0001.pdf", "Scanned document from EPSON123456", "1 message.", "user@contoso.onmicrosoft.com")
        await wait_until(pilot, lambda: all(w in screen_text(app) for w in wanted), "the message and its PDF")


async def test_turning_the_lock_on_asks_the_password_and_logs_in(device: Device) -> None:
    """Nobody locks the panel without its password; the right one logs in, so the person stays
    in the menu they came from, and after logging out System Administration is locked."""
    from panel_tui.screens.home import HomeScreen
    from panel_tui.screens.keypad import KeypadScreen
    from panel_tui.screens.menu import MenuScreen

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        # Settings > General Settings > System Administration > Security Settings > Admin Settings
        await pilot.press("enter", "enter", *["down"] * 5, "enter", "enter", "enter")
        await pilot.press("down", "enter")  # Lock Setting
        assert "Lock Setting" in screen_text(app)
        await pilot.press("enter", "down", "enter")  # the Select: On
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, KeypadScreen) and not device.admin.lock_active
        await pilot.press(*"X4ZB000000", "enter")  # wrong: refused, still asking
        await pilot.pause()
        assert isinstance(app.screen, KeypadScreen) and not device.admin.lock_active
        assert "The administrator password is incorrect." in screen_text(app)
        await pilot.press(*SERIAL, "enter")
        for _ in range(3):
            await pilot.pause()
        assert device.admin.lock_active and device.admin.logged_in
        assert isinstance(app.screen, MenuScreen) and "Admin Password" in screen_text(app)
        assert "Unlocked" in screen_text(app)
        device.admin.logout()
        app.go_home()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and "🔒 Locked" in screen_text(app)
        await pilot.press("enter", "enter")
        assert "System Administration  🔒 locked" in screen_text(app)
        await pilot.press(*["down"] * 5, "enter")
        assert isinstance(app.screen, KeypadScreen)


async def test_ok_with_oauth2_but_no_sign_in_does_not_say_setup_complete_with_trainer_hints(device: Device) -> None:
    """A hint for a class (a printer itself says "Setup complete", the guide's trouble case)."""
    from .helpers import static_text

    device.update("basic", trainer_hints=True)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _webconfig_logged_in(app, pilot)
        await pilot.press("ctrl+o")  # Off: nothing else to do
        await pilot.pause()
        assert "Setup complete" in static_text(app, "#eb-result")
        screen.query_one("#eb-auth-method", Select).value = "oauth2"
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert device.settings.email_server.auth_method == "oauth2"
        result = static_text(app, "#eb-result")
        assert "Setup complete" not in result
        assert "not signed in" in result and "Sign In" in result


async def test_sign_in_dialog_keeps_a_focused_button_as_it_changes(device: Device) -> None:
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from panel_tui.webconfig.signin import SignInModal

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        screen = app.screen
        screen.logged_in = True
        await pilot.pause()
        await app.push_screen(SignInModal("exchange_online", screen.session))
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "signin-start"
        # "Sign in with Microsoft" pressed: the code shows and that button goes away
        screen.set_attempt(SimpleNamespace(
            state="waiting", user_code="FQ7KM2XD", verification_uri="https://microsoft.com/devicelogin",
            expires_at=datetime(2026, 3, 2, 9, 45, tzinfo=timezone.utc), account=None, error=None,
            aad_code=None, cancel=lambda: None,
        ))
        await pilot.pause()
        await pilot.pause()
        assert app.focused is not None and app.focused in app.screen.focus_chain
        assert app.focused.id == "signin-copy"
        screen.attempt.state = "expired"
        screen.session.announce()
        await pilot.pause()
        await pilot.pause()
        assert app.focused is not None and app.focused in app.screen.focus_chain
        await pilot.press("escape")
        assert app.screen is screen


async def test_after_switching_language_back_lands_on_language(device: Device) -> None:
    from textual.widgets import OptionList

    from panel_tui.screens.menu import MenuScreen

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "enter")  # Settings > General Settings > Basic Settings
        await pilot.press("down", "enter")  # Language
        await pilot.press("down", "enter")  # Latviešu
        await pilot.pause()
        assert device.settings.basic.language == "lv"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen) and app.screen.node.id == "basic_settings"
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.highlighted == 1  # still on Language/Valoda, not back on the first item
        assert app.focused is menu


def test_every_key_hint_line_fits_80_columns_in_both_languages() -> None:
    """The hint lines are one row with a 1-cell margin each side: longer ones lost their last
    keys at 80x24 (in Latvian: "F4 Mākonis", "Ctrl+Q Iziet", "F1 palīdzība")."""
    from rich.cells import cell_len

    from device_model.i18n import Catalog

    catalog = Catalog()
    for lang in ("en", "lv"):
        for key, text in catalog.messages(lang).items():
            if key.endswith(".hints") or key.startswith("panel.hints.") or key == "scan.hints":
                assert cell_len(text) <= 78, (lang, key, cell_len(text))


def test_latvian_cloud_help_names_the_consent_page_as_the_page_shows_it() -> None:
    """The Latvian help must quote the title the user sees on the consent page (shown in Latvian,
    as Microsoft shows its pages), not a wording that appears nowhere on screen."""
    from device_model.i18n import Catalog

    lv = Catalog().messages("lv")
    assert f'"{lv["cloud.page.consent.title"]}"' in lv["cloud.help"]
