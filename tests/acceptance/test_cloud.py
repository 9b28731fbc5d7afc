"""F4 Cloud at 80×24, as a person uses it: Microsoft's sign-in pages for the code Web Config shows,
the mailbox that just received a Scan to Email, the admin centre, and Latvian.

Each journey starts from a fresh state dir with the embedded tenant, presses keys and reads the
screen; nothing here imports the app.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import WORDS, steps_2_to_7_start_the_sign_in
from tests.acceptance.terminal import Terminal

ADMIN = "admin@contoso.onmicrosoft.com"
ADMIN_PASSWORD = "Contoso-Admin-2025"


def web_config_code(t: Terminal, lang: str = "en") -> str:
    """F3 Web Config: log in, Basic page, OAuth2, Sign In > Sign in with Microsoft; the code shown."""
    return steps_2_to_7_start_the_sign_in(t, WORDS[lang])


def input_line(t: Terminal, label_row_text: str) -> str:
    """The screen line just below `label_row_text` (the page's title or message)."""
    lines = t.text().splitlines()
    for i, line in enumerate(lines):
        if label_row_text in line:
            return lines[i + 1] if i + 1 < len(lines) else ""
    return ""


def test_sign_in_pages_follow_the_waiting_sign_in_and_take_the_readme_account(launch: Launch) -> None:
    """F4 left on the Admin centre; Web Config starts a sign-in; F4 shows its code, ready to go.

    The README's admin account and password, typed exactly, sign in (nothing prefilled to add to),
    the organisation's consent is ticked, Accept, and Web Config says Signed in by itself.
    """
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    t.press("shift+tab", "right")  # the tab bar, then Admin centre: F4 is left there
    t.wait_for("Security defaults")

    code = web_config_code(t)

    t.press("f4")
    t.wait_for("Enter code", code)  # the Sign-in tab, with Web Config's code in the field
    t.press("enter")
    t.wait_for("Enter your email, phone, or Skype")
    assert "printer@contoso.onmicrosoft.com" not in input_line(t, "Enter your email")
    t.type(ADMIN)
    t.press("enter")
    t.wait_for("Enter password")
    assert "•" not in t.text()  # no dots to add the typed password to
    t.type(ADMIN_PASSWORD)
    t.press("enter")
    t.wait_for("Permissions requested", "[ ] Consent on behalf of your organization")
    t.press("space")  # the focus is on the organisation's consent
    t.wait_for("[x] Consent on behalf of your organization")
    t.press("tab", "enter")  # Accept
    t.wait_for("You have signed in")

    t.press("f3")
    t.wait_for(f"Signed in: {ADMIN}")


def test_a_refused_account_or_password_is_typed_again_not_added_to(launch: Launch) -> None:
    """After AADSTS50034 or 50126 the field is never refilled: typing again replaces the value."""
    t = launch("panel-tui")
    t.wait_for("Home")
    code = web_config_code(t)
    t.press("f4")
    t.wait_for("Enter code", code)
    t.press("enter")
    t.wait_for("Enter your email, phone, or Skype")
    t.type("nobody@contoso.onmicrosoft.com")
    t.press("enter")
    t.wait_for("AADSTS50034")
    t.type(ADMIN)  # the refused name is selected: this replaces it
    t.press("enter")
    t.wait_for("Enter password")
    t.type("not-the-password")
    t.press("enter")
    t.wait_for("AADSTS50126")
    assert "•" not in t.text()  # the refused password is gone, nothing filled in again
    t.type(ADMIN_PASSWORD)
    t.press("enter")
    t.wait_for("Permissions requested")


def test_mailbox_opens_a_scan_to_email_with_its_subject_and_attachment(launch: Launch) -> None:
    """F4 Scenarios: S sends a Scan to Email; Mailboxes opens on the mailbox it went to; Enter
    opens the message: headers, the text, and the PDF with its size."""
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    t.press("shift+tab", "left")  # the tab bar, then Scenarios (the last tab)
    t.wait_for("Signed in and saved: Scan to Email completes")
    t.press("tab", "s")  # the list: apply the highlighted (first) scenario and send
    screen = t.wait_for("As expected: Completed.")
    recipient = re.search(r"Scan to Email to (\S+@\S+):", screen)  # the scenario's step, as listed
    assert recipient is not None
    t.press("left")  # Mailboxes
    screen = t.wait_for("Scanned document from", ".pdf", "1 message.")
    shown = re.search(r"^ Mailbox +(\S+)", screen, re.MULTILINE)
    assert shown is not None and shown.group(1) == recipient.group(1)  # the mailbox just mailed
    t.press("tab", "tab", "tab", "enter")  # Mailbox, Refresh, the list: open the message
    t.wait_for("From: ", f"To: {recipient.group(1)}", "Subject: Scanned document from", "Date: ")
    t.wait_for(r"Attachments: scan\S*\.pdf \(\d+(\.\d)? KB\)", regex=True)
    t.wait_for("This is a scanned document")
    t.press("escape")
    t.wait_for("Received", "Subject", "Attachments")


ADMIN_LABELS = {
    "en": (
        "Security defaults", "SMTP AUTH for the organisation", "SMTP AUTH for the mailbox",
        "Message size limit", "Set", "Revoke sessions", "New password", "Change password",
        "Block the user", "Block device code flow", "+1 hour", "+91 days", "Printer clock",
    ),
    "lv": (
        "Drošības noklusējumi", "SMTP AUTH organizācijai", "SMTP AUTH pastkastei",
        "Ziņojuma izmēra ierobežojums", "Iestatīt", "Atsaukt sesijas", "Jaunā parole", "Mainīt paroli",
        "Bloķēt lietotāju", "Bloķēt ierīces koda plūsmu", "+1 stunda", "+91 diena", "Printera: ",
    ),
}


def test_admin_centre_shows_every_switch_of_the_error_table_at_80x24(launch: Launch) -> None:
    for lang, labels in ADMIN_LABELS.items():
        t = launch("panel-tui", "--lang", lang)
        t.press("f4")
        t.wait_for({"en": "Enter code", "lv": "Ievadiet kodu"}[lang])
        t.press("shift+tab", "right")
        t.wait_for(*labels)
        t.press("ctrl+q")
        assert t.wait_exit() == 0


#: English labels of F4 that must not show on a Latvian screen.
ENGLISH = (
    "Enter code", "Sign in", "Next", "Cancel", "Accept", "Permissions requested", "Consent on behalf",
    "Enter password", "Enter your email", "Code", "Password", "Mailbox", "Received", "Subject",
    "Attachments", "Refresh", "Security defaults", "Revoke", "Time travel", "Apply", "message",
    "didn't work", "incorrect", "Default accounts", "You have signed in", "This app would like",
)


def english_on(screen: str) -> list[str]:
    # product names, Web Config's own English labels and Microsoft's buttons Next and Sign In
    # (the Latvian guide's steps 8-10 quote them in English) are not UI text here
    text = screen.replace("Web Config", "").replace("Sign In", "").replace("Email Server", "").replace("Next", "")
    return [word for word in ENGLISH if word in text]


def test_latvian_f4_pages_are_latvian(launch: Launch) -> None:
    """--lang lv: every F4 tab and each sign-in page, with Microsoft's pages in Latvian too."""
    t = launch("panel-tui", "--lang", "lv")
    t.wait_for("Sākums")
    t.press("f4")
    screen = t.wait_for("Ievadiet kodu", "Next")
    assert not english_on(screen), english_on(screen)
    t.type("WRONG1234")
    t.press("enter")
    screen = t.wait_for("AADSTS70018")
    assert not english_on(screen), english_on(screen)

    code = web_config_code(t, "lv")
    t.press("f4")
    t.wait_for("Ievadiet kodu", code)
    t.press("enter")
    pages = [t.wait_for("Pierakstīties", "E-pasts, tālrunis vai Skype")]
    t.type("nobody@contoso.onmicrosoft.com")
    t.press("enter")
    pages.append(t.wait_for("AADSTS50034"))
    t.type(ADMIN)
    t.press("enter")
    pages.append(t.wait_for("Ievadiet paroli"))
    t.type("wrong")
    t.press("enter")
    pages.append(t.wait_for("AADSTS50126"))
    t.type(ADMIN_PASSWORD)
    t.press("enter")
    pages.append(t.wait_for("Pieprasītās atļaujas", "Piekrist organizācijas vārdā", "Pieņemt"))
    t.press("space", "tab", "enter")
    pages.append(t.wait_for("Jūs esat pierakstījies"))
    for screen in pages:
        assert not english_on(screen), (english_on(screen), screen)

    t.press("shift+tab")  # the tab bar
    for needle in ("Drošības noklusējumi", "Pastkaste", "Lietot"):
        t.press("right")
        screen = t.wait_for(needle)
        assert not english_on(screen), (needle, english_on(screen))


def test_enter_or_down_on_the_tab_bar_goes_into_the_tab(launch: Launch) -> None:
    """Shift+Tab, ←→ to a tab, then Enter (or Down) goes into it, as its hint promises: on
    Mailboxes the list with the newest message highlighted (Enter opens it), on the Sign-in pages
    the field, on the Admin centre the first switch, on Scenarios the list."""
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    t.press("shift+tab", "left")  # the tab bar, then Scenarios
    t.wait_for("Signed in and saved: Scan to Email completes")
    t.press("enter", "s")  # into the list: apply the highlighted (first) scenario and send
    t.wait_for("As expected: Completed.")
    t.press("shift+tab", "left")  # back to the tab bar (from the list), then Mailboxes
    t.wait_for("1 message. Enter opens it.")
    t.press("enter", "enter")  # into the list, open the highlighted message
    t.wait_for("From: ", "Subject: Scanned document from")
    t.press("escape")
    t.wait_for("1 message.")
    t.press("shift+tab")
    t.press("left")  # Admin centre and back: the focus stays on the tab bar
    t.wait_for("Security defaults")
    t.press("right")
    t.wait_for("1 message.")
    t.press("down", "enter")  # Down goes in too
    t.wait_for("From: ", "Subject: Scanned document from")
    t.press("escape")
    t.wait_for("1 message.")

    t.press("shift+tab", "left")  # the tab bar: Admin centre
    t.wait_for("[ ] Security defaults")
    t.press("enter", "space")  # the first switch has the focus
    t.wait_for("[x] Security defaults")

    t.press("shift+tab", "shift+tab", "left")  # Security defaults < the tab bar: Sign-in pages
    t.wait_for("Enter code")
    t.press("enter")
    t.type("ABC")  # the code field has the cursor
    t.wait_for("ABC")


def test_admin_centre_user_is_the_account_the_printer_signed_in_with(launch: Launch, state_dir: Path) -> None:
    """README's 370 row: User / mailbox = the signed-in account. After `scenarios apply
    ok-signed-in` (admin@ signed in) the Admin centre offers admin@, not printer@; a sign-in
    made while F4 is open moves it along, unless the person picked a user."""
    cli = launch("panel-tui", "scenarios", "apply", "ok-signed-in", "--state-dir", str(state_dir))
    assert cli.wait_exit(timeout=60) == 0, cli.text()
    t = launch("panel-tui", "--state-dir", str(state_dir))
    t.wait_for("Home")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    t.press("shift+tab", "right")  # the tab bar, then Admin centre
    t.wait_for("Security defaults", "User / mailbox")
    t.wait_for(rf"User / mailbox +.*{re.escape(ADMIN)}", regex=True)
    assert "printer@" not in t.line("User / mailbox")


def test_admin_centre_user_follows_a_new_sign_in(launch: Launch) -> None:
    """A new printer: User / mailbox is printer@; F4 Scenarios signs admin@ in: it follows."""
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    t.press("shift+tab", "right")  # Admin centre
    t.wait_for(r"User / mailbox +printer@contoso", regex=True)
    t.press("right", "right", "enter", "enter")  # Scenarios, into the list, apply "Signed in and saved"
    t.wait_for("Set up. Scan to Email")
    t.press("shift+tab", "left", "left")  # the tab bar: Mailboxes, Admin centre
    t.wait_for(rf"User / mailbox +{re.escape(ADMIN)}", regex=True)



HINTS = {
    "en": ("Shift+Tab/←→ Tabs", "Enter Select", "Space Tick", "F2 Panel", "Security defaults"),
    # Latvian's longer words leave no room for Space beside Tab at 80 columns: Enter ticks a box too
    "lv": ("Shift+Tab/←→ Cilnes", "Enter Atlasīt", "Tab Tālāk", "F2 Panelis", "Drošības noklusējumi"),
}


def test_the_hint_bar_says_how_to_reach_the_tabs_and_it_is_true(launch: Launch) -> None:
    """The cursor starts in the code field, where ←→ move the cursor: the hint says Shift+Tab
    first, and names Enter, Space and the way back to the panel in Latvian as in English (Space
    ticks the org's consent), whole at 80 columns."""
    for lang, (tabs, enter, space, back, admin) in HINTS.items():
        t = launch("panel-tui", "--lang", lang)
        t.press("f4")
        t.wait_for({"en": "Enter code", "lv": "Ievadiet kodu"}[lang])
        hints = t.line(tabs)
        assert enter in hints and space in hints and back in hints, hints
        t.press("shift+tab", "right")  # as the hint says
        t.wait_for(admin)
        t.press("ctrl+q")
        assert t.wait_exit() == 0
