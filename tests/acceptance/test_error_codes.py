"""README "Reproducing the error codes", row by row, as a tester does it at 80×24 with keys only.

Each journey starts from a fresh state dir with the embedded "prepared" tenant. Rows that need a
printer that sends use the quickest honest set-up a tester has (README, docs/SCENARIOS.md):
`panel-tui scenarios apply ok-signed-in --state-dir DIR` before the panel starts. The README's
action itself is done by hand: F3 Web Config, F4 Admin centre, the panel's Scan and Settings.
The code is read in Job/Status > Job Status > Log, the reply (or the printer's finding) in Job
Details, on the screen.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import ScreenTimeout, Terminal

ADMIN_PASSWORD = "X4ZB012345"
SIGNED_IN = "admin@contoso.onmicrosoft.com"  # the account the ok-signed-in scenario signs in with
TO = "user@contoso.onmicrosoft.com"

#: How the default theme (256 colours) marks where the keys go: a focused drop-down, tick box or
#: highlighted option is bold light-cyan on blue, a focused button takes a focused field's
#: colours (white on blue), a focused field has its text selected (blue background).
BLOCK_CURSOR = ("d7ffff", "0087d7")
SELECTION_BG = {"005f87", "005f5f", "0087d7", "005fd7", "00aaaa"}  # selected text; a focused field or button (256 and 16 colours)
NOT_TEXT = set("▄▀█▆▂▁▃▅▇━╸╺▊▌▐")


# -- what a person looks at -----------------------------------------------------------------


def _marked(cell) -> bool:  # noqa: ANN001 - a terminal Cell
    return cell.reverse or (cell.fg, cell.bg) == BLOCK_CURSOR or cell.bg in SELECTION_BG


def focused_text(t: Terminal) -> str:
    """The text drawn as focused or highlighted, below the title bars and above the key bar."""
    runs: list[str] = []
    for row in range(2, t.rows - 1):
        run = ""
        for cell in t.cells(row)[: t.cols - 2]:  # the last columns hold scroll bars
            if _marked(cell) and cell.char not in NOT_TEXT:
                run += cell.char
                continue
            if run.strip():
                runs.append(run.strip())
            run = ""
        if run.strip():
            runs.append(run.strip())
    return " | ".join(runs)


def tab_to(t: Terminal, needle: str, *, key: str = "tab", limit: int = 40) -> None:
    """Press Tab (or `key`) until what is focused shows `needle`, as a person watching the focus."""
    for _ in range(limit):
        t.settle(0.15)
        if needle in focused_text(t):
            return
        t.press(key)
    raise AssertionError(f"never focused {needle!r}; focused: {focused_text(t)!r}\n{t.text()}")


def pick(t: Terminal, option: str) -> None:
    """Open the focused drop-down (Enter), move to `option`, choose it (Enter)."""
    t.press("enter")
    t.settle(0.2)
    for key in ("down", "up"):
        for _ in range(8):
            if option in focused_text(t):
                t.press("enter")
                t.settle(0.2)
                return
            t.press(key)
            t.settle(0.1)
    raise AssertionError(f"no option {option!r}: {focused_text(t)!r}\n{t.text()}")


# -- set-up and journeys ------------------------------------------------------------------


def apply_scenario(launch: Launch, state_dir: Path, scenario: str = "ok-signed-in") -> None:
    """`panel-tui scenarios apply ID --state-dir DIR`, as docs/SCENARIOS.md tells a tester."""
    cli = launch("panel-tui", "scenarios", "apply", scenario, "--state-dir", str(state_dir))
    assert cli.wait_exit(timeout=60) == 0, cli.text()


def start_panel(launch: Launch, *args: str) -> Terminal:
    panel = launch("panel-tui", *args)
    panel.wait_for("Job/Status" if "lv" not in args else "Darba statuss")
    return panel


def web_config_login(t: Terminal) -> None:
    """F3, Ctrl+L, the admin password, the Network tab: the cursor in Email Server > Basic."""
    t.press("f3")
    t.wait_for("Product Status")
    t.press("ctrl+l")
    t.wait_for("Administrator Login")
    t.type(ADMIN_PASSWORD)
    t.press("enter")
    t.wait_for("Log out")
    t.press("right", "right", "right")  # Status > Print > Scan/Copy > Network
    t.wait_for("Email Server > Basic", "Authentication Method")
    t.press("enter")  # into the page: Authentication Method
    t.settle()


def web_config_ok(t: Terminal) -> None:
    """Ctrl+O: the settings go to the printer."""
    t.press("ctrl+o")
    t.wait_for("sent to the printer")


def retype(t: Terminal, text: str) -> None:
    """Replace the focused field's text."""
    t.press("end")
    for _ in range(40):
        t.press("backspace", pause=0.01)
    t.type(text)


def admin_centre(t: Terminal) -> None:
    """F4, then Shift+Tab up to the tab row and Right to the Admin centre tab."""
    t.press("f4")
    t.wait_for("Sign-in pages", "Admin centre")
    t.settle()
    for _ in range(6):
        t.press("shift+tab", "right")
        try:
            # wait for the tab to show: a retry while a slow repaint is still coming would
            # press Right twice and land on Mailboxes
            t.wait_for("Time travel", timeout=5)
            break
        except ScreenTimeout:
            continue  # Shift+Tab had not reached the tab row yet
    screen = t.settle()
    if "Time travel" not in screen and "Received" in screen:  # a late Right went on to Mailboxes
        t.press("left")
    t.wait_for("SMTP AUTH for the organisation", "Time travel")
    t.settle()


def choose_user(t: Terminal, upn: str = SIGNED_IN) -> None:
    """Admin centre > User / mailbox (it shows the signed-in account first): pick `upn`."""
    tab_to(t, "@contoso.onmicrosoft.com")
    pick(t, upn)
    t.wait_for(upn)


def press_button(t: Terminal, label: str) -> None:
    tab_to(t, label)
    t.press("enter")
    t.settle()


def scan_to_email(t: Terminal, *, resolution: str | None = None) -> str:
    """F5 Home, Scan > Email to TO, Start; the outcome line the Scan screen shows."""
    t.press("f5")
    t.wait_for("Home")
    t.settle()
    t.press("left")  # from Settings (focused at start) to Scan
    t.press("enter")
    t.wait_for("Network Folder/FTP")  # Scan lists its destinations; Email is first
    t.press("enter")
    t.wait_for("Scan > Email", "Resolution")
    t.settle()
    t.type(TO)
    if resolution is not None:
        t.press("tab")  # To -> Resolution
        tab_to(t, "200 dpi")
        pick(t, resolution)
        t.press("tab", "tab")  # Resolution -> Pages -> Start
    t.press("enter")
    return t.wait_for(r"Error \d{3}|Completed|Not set|Sent to", regex=True, timeout=40)


def job_details(t: Terminal, result: str) -> str:
    """Ctrl+J: Job Status > Log, whose newest row shows `result`; Enter: that job's details."""
    t.press("ctrl+j")
    t.wait_for("Log", "Result")
    row = t.line(TO)
    assert result in row, f"the Log's newest row: {row!r}"
    t.press("enter")
    t.wait_for("Job Details")
    t.settle()
    return t.text()


def flat(screen: str) -> str:
    """The text inside a dialog's frame (or the whole screen), wrapped lines read as one."""
    lines = screen.splitlines()
    framed = [line[line.index("█") + 1 : line.rindex("█")] for line in lines if line.count("█") >= 2]
    return " ".join(" ".join(framed or lines).split())


# -- the rows -------------------------------------------------------------------------------


def test_a_new_printer_says_not_set_not_dns(launch: Launch) -> None:
    """No email server on a new printer: "Not set", never 311 with "Check the DNS settings"."""
    panel = start_panel(launch)
    outcome = scan_to_email(panel)
    assert "Not set" in outcome and "311" not in outcome
    assert outcome.count("DNS") == 0
    details = flat(job_details(panel, "Not set"))
    assert "Result Not set" in details
    assert "The email server is not set." in details
    assert "SMTP Server Address is empty" in details
    assert "DNS" not in details and "Server's reply" not in details


def test_360_oauth2_chosen_and_never_signed_in(launch: Launch) -> None:
    panel = start_panel(launch)
    web_config_login(panel)
    pick(panel, "OAuth2")
    screen = panel.wait_for("Email service", "Microsoft Exchange Online", "Sign In")
    assert "Current Status" not in screen  # no sign-in: only the Sign In button, as on the printer
    web_config_ok(panel)
    outcome = scan_to_email(panel)
    assert "Error 360" in outcome
    details = flat(job_details(panel, "Error 360"))
    assert "Error 360" in details
    assert "No connection to the cloud service or email service." in details
    assert "Server's reply" not in details  # the printer never reached a server


def test_360_signed_in_but_ok_not_pressed(launch: Launch, state_dir: Path) -> None:
    apply_scenario(launch, state_dir, "360-not-saved")
    panel = start_panel(launch)
    assert "Error 360" in scan_to_email(panel)


def test_361_time_travel_91_days(launch: Launch, state_dir: Path) -> None:
    apply_scenario(launch, state_dir)
    panel = start_panel(launch)
    admin_centre(panel)
    press_button(panel, "+91 days")
    panel.wait_for("Tenant clock", "2027")
    outcome = scan_to_email(panel)
    assert "Error 361" in outcome
    details = flat(job_details(panel, "Error 361"))
    assert "Server's reply, verbatim:" in details and "AADSTS700082" in details


@pytest.mark.parametrize(("button", "aadsts"), [("Revoke sessions", "AADSTS50173"), ("Block the user", "AADSTS53003")])
def test_370_revoke_sessions_or_conditional_access(launch: Launch, state_dir: Path, button: str, aadsts: str) -> None:
    """No time travel needed for Conditional Access: the printer refreshes the token once."""
    apply_scenario(launch, state_dir)
    panel = start_panel(launch)
    admin_centre(panel)
    choose_user(panel)
    press_button(panel, button)
    if button == "Block the user":
        panel.wait_for(SIGNED_IN + ")")  # the policy is listed
    outcome = scan_to_email(panel)
    assert "Error 370" in outcome
    details = flat(job_details(panel, "Error 370"))
    assert "You need to sign in to the cloud service again." in details
    assert aadsts in details


@pytest.mark.parametrize("switch", ["organisation", "mailbox", "security defaults"])
def test_312_smtp_auth_off_or_security_defaults(launch: Launch, state_dir: Path, switch: str) -> None:
    apply_scenario(launch, state_dir)
    panel = start_panel(launch)
    admin_centre(panel)
    if switch == "organisation":
        tab_to(panel, "SMTP AUTH for the organisation")
        panel.press("space")
        panel.wait_for("[ ] SMTP AUTH for the organisation")
    elif switch == "mailbox":
        choose_user(panel)
        tab_to(panel, "organisation's setting")
        pick(panel, "Off")
    else:
        tab_to(panel, "Security defaults")
        panel.press("space")
        panel.wait_for("[x] Security defaults")
    time.sleep(0.5)  # the switch reaches the tenant from a worker thread
    outcome = scan_to_email(panel)
    assert "Error 312" in outcome
    details = job_details(panel, "Error 312")
    text = flat(details)
    assert "An authentication error occurred." in text
    # 80×24: the whole reply is on screen, wrapped, under its label; nothing cut
    assert "Server's reply, verbatim:" in text
    assert "535 5.7.139 Authentication unsuccessful" in text
    assert ("for more information." in text) or ("Contact your administrator." in text)


def test_312_organisation_off_does_not_touch_a_mailbox_set_on(launch: Launch, state_dir: Path) -> None:
    """README: printer@'s own SMTP AUTH (On) wins over the organisation's, as in Exchange."""
    apply_scenario(launch, state_dir)
    panel = start_panel(launch)
    admin_centre(panel)
    tab_to(panel, "SMTP AUTH for the organisation")
    panel.press("space")
    panel.wait_for("[ ] SMTP AUTH for the organisation")
    choose_user(panel, "printer@contoso.onmicrosoft.com")  # admin@, signed in, is shown first
    panel.wait_for("SMTP AUTH for the mailbox     On")
    outcome = scan_to_email(panel)
    assert "Error 312" in outcome  # the printer is signed in as admin@, which follows the org


@pytest.mark.parametrize(
    ("field", "value", "finding"),
    [
        ("smtp.office365.com", "smtp.nowhere.example", "The name smtp.nowhere.example does not resolve"),
        ("587", "9", "Nothing accepted the connection at smtp.office365.com, port 9."),
        ("STARTTLS", "SSL/TLS", "No secure connection (SSL/TLS) could be made with smtp.office365.com, port 587."),
    ],
    ids=["311-unknown-name", "313-closed-port", "313-ssl-on-starttls-port"],
)
def test_311_313_server_settings(launch: Launch, state_dir: Path, field: str, value: str, finding: str) -> None:
    apply_scenario(launch, state_dir)
    panel = start_panel(launch)
    web_config_login(panel)
    tab_to(panel, field)
    if field == "STARTTLS":
        pick(panel, value)
    else:
        retype(panel, value)
    web_config_ok(panel)
    outcome = scan_to_email(panel)
    code = "311" if "nowhere" in value else "313"
    assert f"Error {code}" in outcome
    details = flat(job_details(panel, f"Error {code}"))
    assert "Printer's Finding" in details and finding in details
    assert "Server's reply" not in details


def test_314_the_printer_refuses_it(launch: Launch, state_dir: Path) -> None:
    apply_scenario(launch, state_dir)
    panel = start_panel(launch)
    panel.press("enter")  # Settings (focused at start)
    panel.wait_for("General Settings")
    tab_to(panel, "General Settings", key="down", limit=10)
    panel.press("enter")
    panel.wait_for("Scan Settings")
    tab_to(panel, "Scan Settings", key="down", limit=15)
    panel.press("enter")
    panel.wait_for("Attached File Max Size")
    panel.settle()
    retype(panel, "1")  # the form opens on its only field
    panel.press("ctrl+s")
    panel.wait_gone("Attached File Max Size")
    outcome = scan_to_email(panel, resolution="600 dpi")
    assert "Error 314" in outcome
    details = flat(job_details(panel, "Error 314"))
    assert "Data size exceeds the maximum size for attached files." in details
    assert "larger than Attached File Max Size (1 MB)" in details and "No server was asked." in details
    assert "552" not in details and "Server's reply" not in details


def test_314_the_server_refuses_it(launch: Launch, state_dir: Path) -> None:
    apply_scenario(launch, state_dir)
    panel = start_panel(launch)
    admin_centre(panel)
    tab_to(panel, "35")
    retype(panel, "1")
    tab_to(panel, "MB")
    pick(panel, "KB")
    press_button(panel, "Set")
    panel.wait_for("1          KB")
    outcome = scan_to_email(panel)
    assert "Error 314" in outcome
    details = flat(job_details(panel, "Error 314"))
    assert "Server's reply, verbatim: 552 5.3.4 Message size exceeds fixed maximum message size" in details
    assert "Attached File Max Size (1 MB)" not in details
    assert "Raise Attached File Max Size" not in details  # it cannot help: the server refused it
    assert "raise the server's message size limit" in details


def scan_to_email_in_latvian(t: Terminal) -> None:
    """From Home (Sākums): Skenēt > E-pasts, Kam = TO, Start; the outcome is left to the caller."""
    t.wait_for("Sākums")
    t.press("left", "enter")
    t.wait_for("Tīkla mape/FTP")  # Scan's destinations: E-pasts first
    t.press("enter")
    t.wait_for("Izšķirtspēja")
    t.settle()
    t.type(TO)
    t.press("enter")


def test_job_details_in_latvian_are_latvian_and_the_reply_stays_verbatim(launch: Launch, state_dir: Path) -> None:
    apply_scenario(launch, state_dir, "312-security-defaults")  # set up only; the send is by hand
    panel = start_panel(launch, "--lang", "lv")
    scan_to_email_in_latvian(panel)
    panel.wait_for("Kļūda 312", timeout=40)
    panel.press("ctrl+j")
    panel.wait_for("Žurnāls")
    panel.wait_until(lambda: "Kļūda 312" in panel.line(TO), "the log's row of the job says Kļūda 312")
    panel.press("enter")
    panel.wait_for("Darba informācija")
    text = flat(panel.settle())
    assert "Radās autentifikācijas kļūda." in text
    assert "Servera atbilde burtiski: 535 5.7.139" in text
    assert "OAuth2" in text and "Skenēt uz e-pastu" in text
    for english in ("An authentication error", "Solution", "Result", "Status ", "Scan to Email", "Off"):
        assert english not in text.replace("535 5.7.139 Authentication unsuccessful", ""), english


def test_a_new_printer_in_latvian_says_not_set_in_latvian(launch: Launch) -> None:
    panel = start_panel(launch, "--lang", "lv")
    scan_to_email_in_latvian(panel)
    outcome = panel.wait_for("Neiestatīts", timeout=40)
    assert "DNS" not in outcome
    panel.press("ctrl+j")
    panel.wait_for("Žurnāls")
    panel.wait_until(lambda: "Neiestatīts" in panel.line(TO), "the log's row of the job says Neiestatīts")
    panel.press("enter")
    panel.wait_for("Darba informācija")
    text = flat(panel.settle())
    assert "E-pasta serveris nav iestatīts." in text and "Printera secinājums" in text
    assert "Izslēgta" in text  # Authentication Method Off, in Latvian (metode: feminine)
    for english in ("Off", "Not set", "not set", "Server Reply", "Finding"):  # Web Config paths stay English, as the guide cites them
        assert english not in text, english
