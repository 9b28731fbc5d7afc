"""Keys typed at once after a page change, as a fast typist or a paste sends them, at 80×24.

Each test presses a key that changes the page and types straight after it, with no wait for the
new page: every character must land in the field the new page focuses, none lost, none elsewhere.
Only keys pressed and the screen read back; nothing from the app.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import (
    ADMIN,
    PRINTER_PASSWORD,
    WORDS,
    open_lock_setting,
    steps_2_to_7_start_the_sign_in,
    web_config_basic_page,
)
from tests.acceptance.terminal import Terminal


def _fast(t: Terminal, key: str, text: str) -> None:
    """Press `key` and type `text` in one burst (a paste after Enter)."""
    t.press(key, pause=0.0)
    t.type(text, pause=0.0)


def _field(t: Terminal) -> str:
    """The sign-in page's input field: the line two above its Next button."""
    lines = t.text().splitlines()
    row = next((i for i, line in enumerate(lines) if "Cancel" in line), 2)
    return lines[row - 2].strip()


def _slow_pages(launch: Launch, state_dir: Path) -> None:
    """Every page of the panel's embedded tenant answers 0.6 s late (a slow network), so keys
    typed after Enter surely arrive before the next page does."""
    for _ in range(40):  # the embedded tenant may still be starting: its admin API answers then
        admin = launch("cloud-sim", "--state-dir", str(state_dir / "tenant"), "admin", "fault", "latency",
                       "idp", "600", cols=120)
        if admin.wait_exit() == 0:
            return
        admin.pump(0.25)
    raise AssertionError(admin.text())


def _f4_code_page_on_a_slow_network(launch: Launch, state_dir: Path) -> Terminal:
    """The panel on F4's code page, its tenant's pages answering 0.6 s late. Web Config is opened
    first: the tenant is up once it shows (the latency command needs its admin API)."""
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("Product Status")
    _slow_pages(launch, state_dir)
    t.press("f4")
    t.wait_for("Enter code")
    return t


def test_f4_account_typed_right_after_enter_on_the_code_lands_whole(launch: Launch, state_dir: Path) -> None:
    t = launch("panel-tui")
    t.wait_for("Home")
    code = steps_2_to_7_start_the_sign_in(t, WORDS["en"])
    # the Sign In dialog covers Web Config's key hints: it says its own keys there
    assert "u Copy URL  Esc Close" in t.text().splitlines()[-1], t.text()
    _slow_pages(launch, state_dir)
    t.press("f4")
    t.wait_for("Enter code", code)
    _fast(t, "enter", ADMIN)
    t.wait_for("Enter your email, phone, or Skype")
    t.wait_until(lambda: _field(t) == ADMIN, f"{ADMIN} whole in the account field")
    assert code not in t.text(), t.text()
    # and the password page too: Enter then the password at once
    _fast(t, "enter", "Contoso-Admin-2025")
    t.wait_for("Enter password")
    t.wait_until(lambda: _field(t) == "•" * 18, "all 18 characters of the password in its field")
    t.press("enter")
    t.wait_for("Permissions requested")


def test_web_config_password_typed_right_after_ctrl_l_lands_whole(launch: Launch) -> None:
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("Product Status")
    _fast(t, "ctrl+l", PRINTER_PASSWORD)
    t.wait_for("Administrator Login")
    t.press("enter")
    t.wait_for("Log out")


def test_f4_sign_in_page_arriving_late_leaves_the_focus_on_the_tab_the_person_chose(
    launch: Launch, state_dir: Path
) -> None:
    """F4, and at once Shift+Tab → to the Admin centre: the sign-in page, arriving later, must not
    take the focus back (which would switch back to its tab and type the next keys into it)."""
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f3")  # the tenant is up once Web Config shows (its admin command needs it)
    t.wait_for("Product Status")
    _slow_pages(launch, state_dir)
    t.press("f4", "shift+tab", "right", pause=0.0)
    t.wait_for("Security defaults")
    t.pump(2.0)  # the slow code page arrives meanwhile (0.6 s per request)
    screen = t.text()
    assert "Security defaults" in screen and "Enter code" not in screen, screen
    t.press("right")
    t.wait_for("Mailboxes")
    t.wait_gone("Security defaults")


def test_web_config_not_emulated_note_lists_the_pages_that_work(launch: Launch) -> None:
    """Print > Paper Source Settings is not emulated: its note names the pages that do work (CA
    Certificate, Email Notification, not only Network > Email Server as it used to say)."""
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("Product Status")
    t.press("right")  # the Print tab: Paper Source Settings
    screen = t.wait_for("Paper Source Settings", "is not emulated")
    for page in ("Status > Product Status", "Network > Email Server > Basic",
                 "Network Security > CA Certificate", "Device Management > Email Notification"):
        assert page in screen, screen


def test_web_config_dialogs_say_their_keys_on_the_bottom_line(launch: Launch) -> None:
    """The login, Sign In and Log out dialogs cover the page's key hints: each says its own."""
    t = launch("panel-tui", "--lang", "lv", term="xterm-16color")
    t.wait_for("Sākums")
    t.press("f3")
    t.wait_for("Produkta statuss")
    t.press("ctrl+l")
    t.wait_for("Administratora pierakstīšanās")
    bottom = lambda: t.text().splitlines()[-1]  # noqa: E731
    t.wait_until(lambda: "Enter" in bottom() and "Esc" in bottom(), "the login dialog's keys at the bottom")
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_for("Izrakstīties")
    t.press("ctrl+l")  # Log out?
    t.wait_until(lambda: "Esc" in bottom() and "Ctrl+L" not in bottom(), "the log-out dialog's keys at the bottom")
    t.press("escape")
    t.wait_until(lambda: "Ctrl+L" in bottom(), "the page's own keys again")


def test_pas_log_out_leaves_no_user_id_for_the_next_person(launch: Launch) -> None:
    """Print Admin Serverless is shared: after Log Out the next person finds an empty User ID."""
    t = launch("panel-tui", "--model", "am-c4000")
    t.wait_for("Print Admin Serverless")
    t.press("left", "down", "down", "enter")  # the fifth tile, under Scan
    t.wait_for("User ID")
    t.type("1002")
    t.press("tab")
    t.type("user-1002")
    t.press("enter")
    t.wait_for("To Email", "Log Out")
    t.press("tab", "enter")  # To Email -> Log Out
    t.wait_for("User ID")
    assert "1002" not in t.line("User ID"), t.text()
    t.type("1001")  # the next person types into an empty field: only what they typed
    t.wait_until(lambda: t.line("User ID").split()[-1] == "1001", "User ID reads 1001 only")


def test_lock_setting_on_then_tab_and_enter_saves_as_the_hints_say(launch: Launch) -> None:
    """Enter opens the On/Off list (the bottom line says so while the list has the cursor), Enter
    picks On and the cursor stays on the field, as in every form; Tab goes on to Save, whose
    Enter (the bottom line now says "Enter Save") asks for the administrator password."""
    t = launch("panel-tui")
    open_lock_setting(t)
    # the key line follows the cursor once the form has it: a frame may come first (under load)
    t.wait_until(lambda: "Enter Open the list" in t.line("F1 Help"), "the key line for the field")
    assert "Enter Save" not in t.text(), t.text()
    t.press("enter")  # the list
    t.wait_for("On", "Off")
    t.press("up", "enter")
    field = lambda: next(line for line in t.text().splitlines() if line.strip().startswith("Lock Setting"))  # noqa: E731
    t.wait_until(lambda: field().split()[2] == "On" and "╭" not in t.text(), "On chosen, the list closed")
    t.wait_until(lambda: "Enter Open the list" in t.line("F1 Help"), "the key line for the field again")
    t.press("tab")
    t.wait_for("Enter Save")
    t.press("enter")
    t.wait_for("Administrator Password", "Enter the administrator password")
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_for("The lock is on")


def test_scan_to_typed_right_after_enter_on_email_lands_whole(launch: Launch) -> None:
    """Scan > Email opens with the cursor in To: an address typed with the Enter lands whole."""
    t = launch("panel-tui")
    t.wait_for("Home", "Scan")
    t.press("left", "enter")
    t.wait_for("Email")
    _fast(t, "enter", "someone@example.com")
    t.wait_for("Resolution", "Start")
    t.wait_until(lambda: t.line("To").split()[-1] == "someone@example.com", "the whole address in To", timeout=5)


def test_web_config_basic_page_entered_with_typing_goes_to_its_first_field(launch: Launch) -> None:
    """Network > Email Server > Basic, Enter into the page and at once Down: the keys act on the
    page's fields (Authentication Method's list opens on the next Enter), not on the menu."""
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("Product Status")
    _fast(t, "ctrl+l", PRINTER_PASSWORD)
    t.press("enter")
    t.wait_for("Log out")
    t.press("right", "right", "right", pause=0.0)
    t.wait_for("Email Server > Basic", "Authentication Method")
    t.press("enter", "enter", pause=0.0)  # into the page, then its first field's list
    t.wait_for("POP before SMTP", "OAuth2")


def test_a_menu_walk_typed_at_once_lands_on_the_page_it_names(launch: Launch) -> None:
    """Enter Enter Down Down Enter from Home in one write is Settings > General Settings >
    Network Settings, as typed one by one: the keys after each Enter wait for its page (they
    went to the page being left, or were lost, and one walk ended in Web Config)."""
    t = launch("panel-tui", term="xterm-16color")
    t.wait_for("Home", "Settings")
    t.burst("enter", "enter", "down", "down", "enter")
    t.wait_for("Settings > General Settings > Network Settings")
    t.burst("down", "down", "enter", "enter")  # Network Status > Wired LAN/Wi-Fi Status
    t.wait_for("IP Address", "Subnet Mask")


def test_scan_to_email_typed_at_once_from_anywhere(launch: Launch) -> None:
    """F5 Left Enter Enter and an address, one write: Scan > Email with the whole address in To
    (the second Enter was lost on the Scan list, and the address's first letters with it)."""
    t = launch("panel-tui", "--lang", "lv", term="xterm-16color")
    t.wait_for("Sākums")
    t.press("enter")
    t.wait_for("Vispārīgie iestatījumi")
    t.burst("f5", "left", "enter", "enter", *"someone@example.com")
    t.wait_for("Skenēt > E-pasts")
    t.wait_until(lambda: "someone@example.com" in t.line("Kam"), "the whole address in To", timeout=5)


def test_keys_typed_at_once_into_two_fields_land_in_each(launch: Launch) -> None:
    """Web Config's log-in: Ctrl+L, the password and Enter in one write log in (the password
    typed before its window was there went nowhere)."""
    t = launch("panel-tui", term="xterm-16color")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("Product Status", "Log in")
    t.burst("ctrl+l", *PRINTER_PASSWORD, "enter")
    t.wait_for("Log out")


def test_web_config_page_opened_and_used_in_one_burst(launch: Launch) -> None:
    """Esc Down Enter Enter from Email Server > Basic in one write: Connection Test opens and its
    Start runs. The second Enter reached the left menu while the page was still being built, and
    nothing ran (a trainer over ssh, whose keys come in one packet)."""
    t = launch("panel-tui", term="xterm-16color")
    t.wait_for("Home", "Settings")
    web_config_basic_page(t, WORDS["en"])
    t.burst("escape", "down", "enter", "enter")
    t.wait_for("Email Server > Connection Test")
    t.wait_for("SMTP Server Address", timeout=10)  # Start ran: the printer's finding (not set)


def test_a_drop_down_opened_and_picked_in_one_burst(launch: Launch) -> None:
    """Enter Enter on Email Server > Basic (into the page, open Authentication Method's list),
    then Down Down Down Enter: OAuth2, the fourth choice, as typed one by one."""
    t = launch("panel-tui", "--lang", "lv", term="xterm-16color")
    t.wait_for(WORDS["lv"]["home"])
    t.press("f3")
    t.wait_for(WORDS["lv"]["status_page"])
    t.burst("ctrl+l", *PRINTER_PASSWORD, "enter")
    t.wait_for(WORDS["lv"]["logout"])
    t.burst("right", "right", "right", "enter", "enter")
    t.burst("down", "down", "down", "enter")
    t.wait_for("OAuth2", "Email service", "Sign In")


def test_f4_code_account_and_password_typed_in_one_burst_each_reach_their_page(
    launch: Launch, state_dir: Path
) -> None:
    """The trial's worst finding: F4, Enter (the waiting code), the account, Enter, the password,
    Enter, all in one burst while the first code page is still on its way. Every key must wait
    for the page it was typed for: the password never in the code field in clear text, nothing
    lost, and the walk ends on "Permissions requested"."""
    t = launch("panel-tui")
    t.wait_for("Home")
    code = steps_2_to_7_start_the_sign_in(t, WORDS["en"])
    _slow_pages(launch, state_dir)
    t.press("f4", "enter", pause=0.0)
    t.type(ADMIN, pause=0.0)
    t.press("enter", pause=0.0)
    t.type("Contoso-Admin-2025", pause=0.0)
    t.press("enter", pause=0.0)
    t.wait_for("Permissions requested", timeout=20)
    screen = t.text()
    assert "Contoso-Admin-2025" not in screen and "AADSTS" not in screen and code not in screen, screen


def test_f4_keys_typed_ahead_of_a_refused_code_never_show_the_password(
    launch: Launch, state_dir: Path
) -> None:
    """A wrong code, Enter, the account, Enter, the password, Enter in one burst: the code page
    comes back refused, and what was typed for the next pages is dropped, not typed into the
    clear-text code field (the password shown on screen)."""
    t = _f4_code_page_on_a_slow_network(launch, state_dir)
    t.pump(1.0)
    # one write, as tmux send-keys or a paste delivers it (typing key by key here is slower
    # than the refused page, and what is typed after that page shows is the person's to type)
    t.child.send(f"WRONG1234\r{ADMIN}\rContoso-Admin-2025\r".encode())
    t.wait_for("AADSTS")
    t.pump(3.0)
    screen = t.text()
    assert "Admin-2025" not in screen and "admin@" not in screen, screen


def test_f4_letters_typed_while_a_code_is_checked_are_dropped_and_the_retry_lands(
        launch: Launch, state_dir: Path) -> None:
    """A wrong code, Enter, and the typist goes on typing while the slow network checks it: those
    letters were for the page they expected and are dropped with the refusal; what they type once
    "That code didn't work" is on the screen (after a person's pause) replaces the refused code.
    The race at the moment of drawing is the SOAK test below: it depends on the machine's load."""
    t = _f4_code_page_on_a_slow_network(launch, state_dir)
    t.type("WRONGCODE")
    t.press("enter", pause=0.0)
    for ch in "abc":  # well inside the 0.6 s the page takes: surely before the refusal
        t.child.send(ch.encode())
        t.pump(0.1)
    t.wait_for("didn't work")
    t.pump(0.4)  # a person reads it, then types again
    t.type("1234")
    t.wait_until(lambda: _code_field(t) == "1234", "only the keys typed once the refusal was shown")


@pytest.mark.skipif(not os.environ.get("SOAK"),
                    reason="soak: SOAK=1; which letter the typist sends before the screen shows the refusal "
                           "depends on how fast the terminal's output reaches it (failed once in three "
                           "full runs at -n 6 on 2 cores)")
def test_f4_keys_typed_before_a_refused_code_is_shown_do_not_land_in_its_field(
        launch: Launch, state_dir: Path) -> None:
    """A wrong code, Enter, and a slow typist goes on typing (a letter every 0.12 s) while the
    refusal comes back over a slow network: the letters typed before "That code didn't work" is
    on the screen were for the page they expected, and are dropped; what is typed once it is
    shown replaces the refused code. The last letter typed before the refusal was drawn used to
    land in the field (``d`` then ``1234``)."""
    t = _f4_code_page_on_a_slow_network(launch, state_dir)
    t.type("WRONGCODE")
    t.press("enter", pause=0.0)
    before: list[str] = []
    after: list[str] = []
    letters, digits = iter("abcdefghijklmnopqrstuvwxyz"), iter("123456789")
    while len(after) < 4:
        shown = "didn't work" in t.text()
        ch = next(digits) if shown else next(letters)  # (runs out after 26 letters: a failure)
        (after if shown else before).append(ch)
        t.child.send(ch.encode())
        t.pump(0.12)
    t.wait_until(lambda: _code_field(t) == "1234", "only the keys typed once the refusal was shown")


def _code_field(t: Terminal) -> str:
    """The code page's input field: the line two above its Next button (no Cancel there)."""
    lines = t.text().splitlines()
    row = next((i for i, line in enumerate(lines) if line.strip() == "Next"), 2)
    return lines[row - 2].strip()
