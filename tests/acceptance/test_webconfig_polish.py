"""Web Config and Print Admin Serverless stumbles a new user met at 80x24 (en, lv, 16 colours):
each test walks what the person did and reads what they saw."""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal

FAX_MODEL = ("--model", "am-c4000")
FAX_ADMIN_PASSWORD = "X7QA020406"

WORDS = {
    "en": {"user_id": "User ID", "to_email": "To Email", "logged_in": "Logged in: Ordinary User",
           "not_set": "The email server is not set", "code_filled": "The code of your To Email sign-in"},
    "lv": {"user_id": "Lietotāja ID", "to_email": "Uz e-pastu", "logged_in": "Pierakstījies: Ordinary User",
           "not_set": "E-pasta serveris nav iestatīts", "code_filled": "Jūsu Uz e-pastu pierakstīšanās kods"},
}


def pas_log_in(panel: Terminal, w: dict[str, str], user: str = "1002", password: str = "user-1002") -> None:
    """Home > Print Admin Serverless (under Scan), log in with ID and password."""
    panel.wait_for("Print Admin Serverless")
    panel.press("left", "down", "down", "enter")  # Home opens on Settings; the fifth tile is under Scan
    panel.wait_for(w["user_id"])
    panel.type(user)
    panel.press("tab")
    panel.type(password)
    panel.press("enter")
    panel.wait_for(w["logged_in"], w["to_email"])


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_pas_to_email_says_the_email_server_is_not_set_before_any_sign_in(launch: Launch, lang: str) -> None:
    """A new printer has no email server: To Email says so at once, and where it is set, rather
    than walking the user through Microsoft's sign-in first."""
    w = WORDS[lang]
    panel = launch("panel-tui", *FAX_MODEL, "--lang", lang, term="xterm-16color")
    pas_log_in(panel, w)
    panel.press("enter")  # To Email
    screen = panel.wait_for(w["not_set"], "Network > Email Server > Basic")
    assert w["code_filled"] not in screen and "devicelogin" not in screen, screen
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def email_server_smtp(panel: Terminal, server: str = "127.0.0.1") -> None:
    """Web Config > Network > Email Server > Basic: an SMTP Server Address (Authentication Method
    Off), OK; back to the panel. To Email then sends with the Email Server's settings."""
    web_config_network_basic(panel)
    panel.press("enter", "tab", "tab")  # into the page; Sender's Email Address; SMTP Server Address
    panel.type(server)
    panel.press("ctrl+o")
    panel.wait_for("Setup complete")
    panel.press("f2")


def test_pas_to_field_spans_the_row_after_web_config(launch: Launch) -> None:
    """After Web Config has been open (its page CSS is the app's from then on), To's field still
    begins where the login fields did and spans the rest of the row: what the user types starts
    at the field's left, not in the middle of the screen."""
    w = WORDS["en"]
    panel = launch("panel-tui", *FAX_MODEL, term="xterm-16color")
    email_server_smtp(panel)
    pas_log_in(panel, w)
    panel.press("enter")  # To Email: the Email Server's own authentication, no user sign-in
    panel.wait_for("To Email sends From user@contoso.onmicrosoft.com")
    address = "printer@contoso.onmicrosoft.com"
    panel.type(address)
    panel.wait_for(address)
    row = next(i for i, line in enumerate(panel.text().splitlines()) if address in line)
    cells = panel.cells(row)
    field = [i for i, cell in enumerate(cells) if cell.bg not in ("default", "black")]
    text_at = "".join(cell.char for cell in cells).index(address)
    assert field and field[0] == text_at, panel.text()
    assert text_at <= 24 and len(field) >= 50, (text_at, len(field), panel.text())
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def field_span(panel: Terminal, label: str) -> tuple[int, int]:
    """The first and last column of the field on the row that starts with ``label`` (a field is
    a box of its own colour; the left menu, left of column 25, is not looked at)."""
    row = next(i for i, line in enumerate(panel.text().splitlines()) if line[25:].lstrip().startswith(label))
    cols = [i for i, cell in enumerate(panel.cells(row)) if i > 25 and cell.bg not in ("default", "black")]
    assert cols, panel.text()
    return cols[0], cols[-1]


def web_config_network_basic(panel: Terminal, password: str = FAX_ADMIN_PASSWORD, rights: int = 4) -> None:
    """F3, Log in (English), right to Network (three tabs before it on a model without fax,
    four with): the left menu on Email Server > Basic, its page shown."""
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    panel.wait_for("Log in")
    panel.press("ctrl+l")
    panel.wait_for("Administrator Login")
    panel.settle()
    panel.type(password)
    panel.press("enter")
    panel.wait_for("Log out")
    panel.press(*["right"] * rights)
    panel.wait_for("Email Server > Basic", "Authentication Method")


def test_a_page_that_scrolls_keeps_its_fields_width(launch: Launch) -> None:
    """Email Server > Basic with OAuth2, then OK with three wrong fields: their messages make the
    page taller than the screen and it gains a scroll bar, but its fields keep their width
    ("Microsoft Exchange Online" whole, every field's right edge where it was); and Device
    Management > Email Notification, always taller than the screen, has fields as wide."""
    panel = launch("panel-tui", "--model", "wf-c5890", term="xterm-16color")
    web_config_network_basic(panel, "X4ZB012345", rights=3)
    panel.press("enter", "enter", "down", "down", "down", "enter")  # Authentication Method: OAuth2
    panel.wait_for("Microsoft Exchange Online", "Sign In")
    panel.settle()
    before = {label: field_span(panel, label) for label in ("Email service", "SMTP Server Address")}
    panel.press("tab", "tab", "tab")  # Email service, Sign In, Sender's Email Address
    panel.type("a(b")
    panel.press("tab", "ctrl+u")
    panel.type("bad_host!")
    panel.press("tab", "ctrl+u")
    panel.type("99999")
    panel.press("ctrl+o")
    panel.wait_for("The settings were not sent", "Enter a number from 1 to")
    panel.settle()
    assert "Microsoft Exchange Online" in panel.line("Email service"), panel.text()
    after = {label: field_span(panel, label) for label in before}
    assert after == before, panel.text()

    panel.press("ctrl+q")
    assert panel.wait_exit() == 0

    panel = launch("panel-tui", "--model", "wf-c5890", term="xterm-16color")
    web_config_network_basic(panel, "X4ZB012345", rights=3)
    panel.press("right", "right", "right", "down")  # Device Management > Email Notification
    panel.wait_for("Email Address 1")
    panel.settle()
    assert field_span(panel, "Email Address 1")[1] == before["SMTP Server Address"][1], panel.text()
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def _label_gaps(panel: Terminal) -> list[tuple[str, int]]:
    """Each labelled field on the page: (its label, the blanks between label and field)."""
    gaps = []
    for row in range(4, panel.rows - 1):
        cells = panel.cells(row)
        field = [i for i, cell in enumerate(cells) if i > 25 and cell.bg not in ("default", "black")]
        label = "".join(cell.char for cell in cells[25:field[0]]) if field else ""
        if label.strip():
            gaps.append((label.strip(), len(label) - len(label.rstrip())))
    return gaps


#: the pages of each tab's left menu on the AM-C4000 (Status ... Device Management)
AM_C4000_PAGES = (2, 1, 1, 1, 6, 2, 1, 4)


def test_every_latvian_web_config_page_reads_as_latvian_at_80x24(launch: Launch) -> None:
    """The Latvian key line says what Ctrl+L does in Latvian, logged out and in; then every page
    of every tab: no left-menu item wraps onto a second line (a word alone there reads as another
    item), every label stands at least two blanks from its field, and the Fax Server page's
    title is the guide's "Fax Server > Email Server Settings", as its menu item and the help say."""
    panel = launch("panel-tui", *FAX_MODEL, "--lang", "lv", term="xterm-16color")
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    panel.wait_for("Produkta statuss", "Log in")
    footer = panel.text().splitlines()[-1]
    assert "Ctrl+L Pierakstīties" in footer and "Log in" not in footer, footer
    panel.press("ctrl+l")
    panel.wait_for("Administratora pierakstīšanās")
    panel.settle()
    panel.type(FAX_ADMIN_PASSWORD)
    panel.press("enter")
    screen = panel.wait_for("Izrakstīties")
    assert "Ctrl+L Izrakstīties" in screen.splitlines()[-1], screen
    assert " Fax " in screen.splitlines()[2], screen  # the guide's "Fax cilnē"
    url = lambda: panel.text().splitlines()[0]  # noqa: E731 - the address bar names the page
    seen = []
    for tab, count in enumerate(AM_C4000_PAGES):
        for item in range(count):
            if tab or item:
                before = url()
                panel.press("down" if item else "right")  # the next page, or the next tab's first
                panel.wait_until(lambda: url() != before, "the next page")
            screen = panel.settle()
            seen.append(url())
            menu = [line[:23].rstrip() for line in screen.splitlines()[4:-1]]
            assert not [m for m in menu if m and m[0].islower()], screen
            gaps = _label_gaps(panel)
            assert all(blanks >= 2 for _, blanks in gaps), (gaps, screen)
            if "FAX_EMAILSERVER" in url():
                assert "│ Fax Server > Email Server Settings" in screen, screen
                assert "SMTP servera ports" in dict(gaps), (gaps, screen)
    assert len(set(seen)) == sum(AM_C4000_PAGES), seen
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
