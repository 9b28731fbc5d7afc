"""Web Config as a printer shows it: Log out asks first, no Current Status before a sign-in,
"Signed in" with no word about OK unless trainer hints are on, the sender offered from the
signed-in account, the Sign In window's copy keys, one language per screen, 80x24 without cuts.

State is set directly (a fake pending sign-in, no network); keys are pressed only for the
behaviour under test.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.widgets import Input

from device_model import Device
from panel_tui.webconfig.login import LogoutModal
from panel_tui.webconfig.screens import WebConfigScreen
from panel_tui.webconfig.signin import SignInModal
from panel_tui.webconfig.tabstrip import layout_tabs

from .conftest import make_app, make_device, make_oauth2_device
from .helpers import screen_text, static_text

PRINTER = "printer@contoso.onmicrosoft.com"


def _attempt(state: str) -> Any:
    return SimpleNamespace(state=state, user_code="FQ7K-M2XD", verification_uri="https://microsoft.com/devicelogin",
                           expires_at=None, account=PRINTER if state == "signed_in" else None, error=None,
                           aad_code=None, cancel=lambda: None)


async def _basic_page(app: Any, pilot: Any) -> WebConfigScreen:
    await app.switch_mode("webconfig")
    screen = app.screen
    assert isinstance(screen, WebConfigScreen)
    screen.logged_in = True
    screen.open_page("network", "email_basic")
    await pilot.pause()
    return screen


async def test_web_config_opens_on_the_status_page(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        await pilot.pause()
        text = screen_text(app)
        assert "Product Status" in text and "X4ZB012345" in text
        assert "Authentication Method" not in text
        # Right from the left menu walks the tabs: Status, Print, Scan/Copy, Network
        await pilot.press("right", "right", "right")
        assert app.screen.tab == "network" and app.screen.page == "email_basic"


@pytest.mark.parametrize(("lang", "last_tab"), [("en", "Device Management"), ("lv", "Ierīces pārvaldība")])
async def test_every_tab_is_readable_at_80_columns(tmp_path: Path, lang: str, last_tab: str) -> None:
    app = make_app(make_device(tmp_path / "state", lang=lang))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        await pilot.pause()
        assert last_tab in screen_text(app)
    placed = layout_tabs([(str(i), "x" * 17) for i in range(8)], 80)
    assert all(p.end <= 80 for p in placed)


async def test_log_out_asks_with_cancel_focused(device: Device) -> None:
    """Connection Test's Start, Tab, Enter: the header's Log out asks; Enter keeps the session.
    Ctrl+L, pressed to log out, asks with Log out under the cursor: Enter logs out."""
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.open_page("network", "connection_test")
        await pilot.pause()
        screen.query_one("#ct-start").focus()
        await pilot.press("tab", "enter")
        assert isinstance(app.screen, LogoutModal)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.logged_in
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LogoutModal)
        await pilot.press("enter")  # Log out itself
        await pilot.pause()
        assert app.screen is screen and not screen.logged_in


async def test_no_current_status_before_sign_in_and_no_ok_hint_after(tmp_path: Path) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        assert not screen.query_one("#row-status").display
        assert "Current Status" not in screen_text(app) and "Sign In" in screen_text(app)
        screen.set_attempt(_attempt("signed_in"))
        await pilot.pause()
        assert screen.query_one("#row-status").display
        assert static_text(app, "#eb-status") == f"Signed in: {PRINTER}"
        text = screen_text(app)
        assert "OK to send" not in text and "not saved" not in text  # the guide's trap stays a trap


async def test_trainer_hints_explain_the_trap_and_persist(tmp_path: Path) -> None:
    device = make_oauth2_device(tmp_path / "state")
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.open_page("device_management", "trainer_hints")
        await pilot.pause()
        screen.query_one("#th-show").focus()
        await pilot.press("space")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert device.settings.basic.trainer_hints
        screen.open_page("network", "email_basic")
        screen.set_attempt(_attempt("signed_in"))
        await pilot.pause()
        assert "not saved to the printer yet" in static_text(app, "#eb-status-note")
    assert Device(tmp_path / "state").settings.basic.trainer_hints  # persisted


async def test_sender_is_offered_from_the_signed_in_account(tmp_path: Path) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        sender = screen.query_one("#eb-sender", Input)
        assert sender.value == "" and "Sender's Email Address" in screen_text(app)
        screen.set_attempt(_attempt("signed_in"))
        await pilot.pause()
        assert sender.value == PRINTER


async def test_sender_error_is_in_latvian_and_keeps_what_was_typed(tmp_path: Path) -> None:
    device = make_oauth2_device(tmp_path / "state", lang="lv", sender=PRINTER)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        sender = screen.query_one("#eb-sender", Input)
        sender.value = ".printer(x)@contoso.com"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "nav atļautas" in static_text(app, "#eb-sender-error")
        assert sender.value == ".printer(x)@contoso.com"  # nothing typed is lost
        assert device.settings.email_server.sender_address == PRINTER  # nothing saved


async def test_sign_in_window_shows_copy_keys_at_80x24(tmp_path: Path) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.set_attempt(_attempt("waiting"))
        await app.push_screen(SignInModal("exchange_online", screen.session))
        await pilot.pause()
        text = screen_text(app)
        assert "FQ7K-M2XD" in text and "devicelogin" in text
        assert "c Copy the code" in text and "u Copy the URL" in text
        keys = app.screen.query_one("#signin-keys")
        assert keys.region.bottom <= 24


async def test_basic_page_fits_80x24_and_focus_scrolls_into_view(tmp_path: Path) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state", hints=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.set_attempt(_attempt("signed_in"))
        await pilot.pause()
        screen.query_one("#eb-ok").focus()
        await pilot.pause()
        page = screen.query_one("#page-email-basic")
        for widget_id in ("#eb-ok", "#eb-test-send"):
            widget = screen.query_one(widget_id)
            widget.focus()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()  # the page scrolls the focus into view
            assert page.region.contains_region(widget.region), widget_id  # on screen, not below


async def test_basic_page_without_hints_needs_no_scrolling(tmp_path: Path) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.set_attempt(_attempt("signed_in"))
        await pilot.pause()
        page = screen.query_one("#page-email-basic")
        assert page.max_scroll_y == 0
        assert page.region.contains_region(screen.query_one("#eb-test-send").region)


FORBIDDEN_IN_LV = ("Cancel", "Close", "Log out", "Not signed in", "Copy code", "Sender's", "Administrator ")


async def test_latvian_screens_use_one_language(tmp_path: Path) -> None:
    """Only the labels the Latvian guide quotes in English stay English (see the lv catalog)."""
    app = make_app(make_oauth2_device(tmp_path / "state", lang="lv"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.set_attempt(_attempt("waiting"))
        await pilot.pause()
        texts = [screen_text(app)]
        await app.push_screen(SignInModal("exchange_online", screen.session))
        await pilot.pause()
        texts.append(screen_text(app))
        app.pop_screen()
        screen.set_attempt(_attempt("signed_in"))
        await pilot.pause()
        texts.append(screen_text(app))
        await pilot.press("ctrl+l")
        await pilot.pause()
        texts.append(screen_text(app))
        for text in texts:
            for word in FORBIDDEN_IN_LV:
                assert word not in text, (word, text)
            for line in text.splitlines():
                assert not ("Signed in" in line and "Nav pierakstījies" in line), line


async def test_dialogs_leave_no_page_text_at_their_edges(tmp_path: Path) -> None:
    """On a 16-colour terminal a see-through backdrop reads as stray words beside the dialog."""
    app = make_app(make_oauth2_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.logged_in = False
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        text = screen_text(app)
        assert "Administrator Login" in text
        for word in ("Wired LAN", "LDAP", "Email Server", "Ctrl+L Log in"):
            assert word not in text, (word, text)


@pytest.mark.parametrize(("lang", "label"), [("en", "SMTP Server Port Number"), ("lv", "SMTP servera ports")])
async def test_labels_and_values_never_run_together(tmp_path: Path, lang: str, label: str) -> None:
    app = make_app(make_oauth2_device(tmp_path / "state", lang=lang))
    async with app.run_test(size=(80, 24)) as pilot:
        await _basic_page(app, pilot)
        line = next(line for line in screen_text(app).splitlines() if label in line)
        assert f"{label} " in line and "587" in line.split(label, 1)[1], line


async def test_sign_in_window_being_closed_keeps_focus_without_crashing(tmp_path: Path) -> None:
    """A status change queues a focus check; if the window is closed meanwhile, its buttons are
    removed one by one, and the check must not fail on a button that is already gone."""
    app = make_app(make_oauth2_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _basic_page(app, pilot)
        screen.set_attempt(_attempt("signed_in"))
        await pilot.pause()
        modal = SignInModal("exchange_online", screen.session)
        await app.push_screen(modal)
        await pilot.pause()
        await modal.query_one("#signin-copy").remove()  # as a closing window loses it
        modal.set_focus(None)
        modal._keep_focus()
        await pilot.pause()
        assert modal.focused is not None


async def test_the_readmes_tabs_after_oauth2_reach_sign_in(device: Device) -> None:
    """README's guide step 5 said "Tab to Sign In": one Tab from Authentication Method lands on
    Email service, and Enter there opened its list. The Tabs the README gives, pressed after
    choosing OAuth2 as its step 4 says, reach the Sign In button."""
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    step = re.search(r"^5\. (.*?)\*\*Sign In\*\*", readme, re.M | re.S)
    assert step, "README's guide step 5 names **Sign In**"
    tabs = re.findall(r"\bTab\b", step.group(1))
    assert tabs, step.group(1)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _basic_page(app, pilot)
        app.screen.query_one("#eb-auth-method").focus()
        await pilot.press("enter", "down", "down", "down", "enter")  # step 4: OAuth2
        await pilot.pause()
        await pilot.press(*["tab"] * len(tabs))
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "eb-sign-in", (len(tabs), app.focused)
