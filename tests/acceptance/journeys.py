"""The steps people take again and again, named as the guide names them, for the journeys.

Each step presses keys and reads the screen, nothing else; each waits for what a person waits
for before going on. `WORDS` holds what each language's screens say.
"""

from __future__ import annotations

import re

from tests.acceptance.terminal import Terminal

#: As the README gives them.
PRINTER_PASSWORD = "X4ZB012345"
ADMIN = "admin@contoso.onmicrosoft.com"
ADMIN_PASSWORD = "Contoso-Admin-2025"
RECIPIENT = "printer@contoso.onmicrosoft.com"

WORDS = {
    "en": {
        "home": "Home",
        "general": "General Settings",
        "network_settings": "Network Settings",
        "network_status": "Network Status",
        "wired_status": "Wired LAN/Wi-Fi Status",
        "ip_label": "IP Address",
        "status_page": "Product Status",
        "login_title": "Administrator Login",
        "logout": "Log out",
        "enter_code": "Enter code",
        "account_page": "Enter your email, phone, or Skype",
        "password_page": "Enter password",
        "permissions": "Permissions requested",
        "consent_org": "Consent on behalf of your organization",
        "signed_in_page": "You have signed in",
        "setup_complete": "Setup complete",
        "connection_ok": "Connection test was successful",
        "connection_test": "Connection Test",
        "email_status": "Email Server Status",
        "status_signed_in": "Signed in",
        "print_sheet": "Print Status Sheet",
        "sheet_printed": "was printed",
        "scan_email": "Email",
        "to": "To",
        "completed": "Completed",
        "mailbox_count": "1 message.",
        "subject": "Scanned document from",
    },
    "lv": {
        "home": "Sākums",
        "general": "Vispārīgie iestatījumi",
        "network_settings": "Tīkla iestatījumi",
        "network_status": "Tīkla statuss",
        "wired_status": "Vadu LAN/Wi-Fi statuss",
        "ip_label": "IP adrese",
        "status_page": "Produkta statuss",
        "login_title": "Administratora pierakstīšanās",
        "logout": "Izrakstīties",
        "enter_code": "Ievadiet kodu",
        "account_page": "E-pasts, tālrunis vai Skype",
        "password_page": "Ievadiet paroli",
        "permissions": "Pieprasītās atļaujas",
        "consent_org": "Piekrist organizācijas vārdā",
        "signed_in_page": "Jūs esat pierakstījies",
        "setup_complete": "Iestatīšana pabeigta",
        "connection_ok": "Savienojuma pārbaude bija veiksmīga",
        "connection_test": "Savienojuma pārbaude",
        "email_status": "E-pasta servera statuss",
        "status_signed_in": "Pierakstījies",
        "print_sheet": "Drukāt statusa lapu",
        "sheet_printed": "izdrukāta",
        "scan_email": "E-pasts",
        "to": "Kam",
        "completed": "Pabeigts",
        "mailbox_count": "1 ziņojum",
        "subject": "Skenēts dokuments no",
    },
}


def open_lock_setting(t: Terminal) -> None:
    """Home > Settings > General Settings > System Administration > Security Settings > Admin
    Settings > Lock Setting: its window open (Save and Cancel shown), from a fresh start."""
    t.wait_for("Home", "Settings")
    t.press("enter")  # Settings (the current tile at start)
    t.wait_for("General Settings")
    t.press("enter")
    t.wait_for("System Administration")
    t.press("down", "down", "down", "down", "down", "enter")
    t.wait_for("Security Settings")
    t.press("enter")
    t.wait_for("Admin Settings")
    t.press("enter")
    t.wait_for("Lock Setting")
    t.press("down", "enter")
    t.wait_for("Lock Setting", "Save", "Cancel")
    # the field has the cursor once the key line says what Enter does there: the form's first
    # frame can come before its focus, and a colour read there is the unfocused one
    t.wait_until(lambda: "Enter Open the list" in t.line("F1 Help"), "Lock Setting's field has the cursor")


def step_1_read_the_ip(t: Terminal, w: dict[str, str]) -> str:
    """Settings > General Settings > Network Settings > Network Status > Wired LAN/Wi-Fi Status."""
    t.wait_for(w["home"])
    t.press("enter")  # the Settings tile has the focus on Home
    t.wait_for(w["general"])
    t.press("enter")
    t.wait_for(w["network_settings"])
    t.press("down", "down", "enter")
    t.wait_for(w["network_status"])
    t.press("down", "down", "enter")
    t.wait_for(w["wired_status"])
    t.press("enter")
    screen = t.wait_for(w["ip_label"])
    ip = re.search(rf"{re.escape(w['ip_label'])}\s+(\d+\.\d+\.\d+\.\d+)", screen)
    assert ip, screen
    return ip.group(1)


def web_config_basic_page(t: Terminal, w: dict[str, str], ip: str | None = None) -> None:
    """Guide steps 1-3: F3 Web Config (at the panel's IP), Log in, Network > Email Server > Basic;
    the cursor ends on Authentication Method."""
    t.press("f3")
    t.wait_for(f"https://{ip}/" if ip else "https://", w["status_page"])
    t.press("ctrl+l")
    t.wait_for(w["login_title"])
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_for(w["logout"])
    t.press("right", "right", "right")  # Status > Print > Scan/Copy > Network
    t.wait_for("Email Server > Basic", "Authentication Method")
    t.press("enter")  # into the page: Authentication Method


def choose_oauth2(t: Terminal) -> str:
    """Guide step 4: Authentication Method OAuth2 (Off, SMTP AUTH, POP before SMTP, OAuth2)."""
    t.press("enter")  # its list
    t.press("down", "down", "down", "enter")
    return t.wait_for("OAuth2", "Email service", "Sign In")


def sign_in_with_microsoft(t: Terminal) -> str:
    """Guide step 6: Sign In, Sign in with Microsoft (from Email service); the code shown."""
    t.press("tab", "enter")  # Sign In
    t.wait_for("Sign in with Microsoft")
    t.press("enter")
    screen = t.wait_for(r"(Code|Kods): [A-Z0-9]{6,}", "/devicelogin", regex=True)
    code = re.search(r"(?:Code|Kods): ([A-Z0-9]{6,})", screen)
    assert code, screen
    return code.group(1)


def steps_2_to_7_start_the_sign_in(t: Terminal, w: dict[str, str], ip: str | None = None) -> str:
    """F3 Web Config at the panel's IP, Log in, Network > Email Server > Basic, OAuth2, Sign In."""
    web_config_basic_page(t, w, ip)
    screen = choose_oauth2(t)
    assert "Microsoft Exchange Online" in screen, screen
    assert "Current Status" not in screen, "no Current Status before a sign-in, as on the printer"
    t.press("tab")  # Email service: Microsoft Exchange Online is already chosen
    return sign_in_with_microsoft(t)


def steps_8_to_11_sign_in_at_microsoft(t: Terminal, w: dict[str, str], code: str) -> None:
    """F4: the code, the Global Administrator's account and password, consent for the org."""
    t.press("f4")
    t.wait_for(w["enter_code"], code)
    t.press("enter")
    t.wait_for(w["account_page"])
    t.type(ADMIN)
    t.press("enter")
    t.wait_for(w["password_page"])
    t.type(ADMIN_PASSWORD)
    t.press("enter")
    t.wait_for(w["permissions"], f"[ ] {w['consent_org']}")
    t.press("space")
    t.wait_for(f"[x] {w['consent_org']}")
    t.press("tab", "enter")  # Accept
    t.wait_for(w["signed_in_page"])


def step_12_send_it_to_the_printer(t: Terminal, w: dict[str, str]) -> None:
    """Back in Web Config the window says Signed in by itself; close it, OK (Ctrl+O)."""
    t.press("f3")
    t.wait_for(f"Signed in: {ADMIN}")
    t.press("enter")  # Close
    t.wait_for("Current Status")
    t.press("ctrl+o")
    t.wait_for(w["setup_complete"])


#: Web Config's left menu marks the cursor row in the default theme's cursor colours.
MENU_CURSOR = ("d7ffff", "0087d7")


def _menu_has_cursor(t: Terminal) -> bool:
    return any(
        (c.fg, c.bg) == MENU_CURSOR and c.char.strip() for row in range(4, t.rows - 1) for c in t.cells(row)[:21]
    )


def to_web_config_menu(t: Terminal) -> None:
    """Esc from inside a page: the cursor goes back to Web Config's left menu (README step 8)."""
    t.settle(0.15)
    if _menu_has_cursor(t):
        return
    t.press("escape")
    t.wait_until(lambda: _menu_has_cursor(t), "Esc puts the cursor back in the left menu")


def connection_test(t: Terminal, w: dict[str, str]) -> None:
    """Network > Email Server > Connection Test, Start: the saved settings reach the server."""
    to_web_config_menu(t)
    t.press("down", "enter")  # Basic -> Connection Test
    # the page's own title (the menu on the left names it already): Start is there to press
    t.wait_for(f"Email Server > {w['connection_test']}")
    t.settle()
    t.press("enter")  # Start has the cursor
    t.wait_for(w["connection_ok"])


def check_status_on_the_panel(t: Terminal, w: dict[str, str]) -> None:
    """F2: Network Status > Email Server Status, then Print Status Sheet."""
    t.press("f2")
    t.wait_for(w["wired_status"])  # the panel is where it was left
    t.press("escape")
    t.wait_for(w["email_status"])
    t.press("down", "down", "enter")
    screen = t.wait_for("OAuth2", "Microsoft Exchange Online", ADMIN)
    assert re.search(rf"\s{w['status_signed_in']}\b", screen), screen
    t.press("escape")
    t.wait_for(w["print_sheet"])
    t.press("down", "enter")
    t.press("enter")  # Print
    t.wait_for(w["sheet_printed"], ".pdf")


def scan_to_email_arrives(t: Terminal, w: dict[str, str]) -> None:
    """F5 Home > Scan > Email, To, Start; F4 Mailboxes opens on the mailbox just mailed."""
    screen = scan_to_email(t, w)
    assert w["completed"] in screen, screen
    t.press("f4")
    t.press("shift+tab", "right", "right")  # the tab bar: Sign-in pages > Admin centre > Mailboxes
    screen = t.wait_for(w["mailbox_count"], w["subject"], ".pdf")
    assert RECIPIENT in screen, screen



def scan_to_email(t: Terminal, w: dict[str, str], to: str = RECIPIENT) -> str:
    """F5 Home > Scan > Email, type the address, Start; the screen once the job has ended."""
    t.press("f5")
    t.wait_for(w["home"])
    t.press("left", "enter")  # Scan
    t.wait_for(w["scan_email"])
    t.press("enter")
    t.wait_for(w["to"])
    t.type(to)
    t.press("enter")  # Start
    return t.wait_for(rf"{w['completed']}|\b3[0-9][0-9]\b", regex=True)
