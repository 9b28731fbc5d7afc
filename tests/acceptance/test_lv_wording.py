"""What a new user tripped on at 80×24 in English and Latvian: raw labels, Latvian agreement and
terms, and small stumbles, read on the screen as a person does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.test_error_codes import TO, apply_scenario, start_panel

TERM = "xterm-16color"
#: A label as code spells it (``sender``, ``smtp_server``), at the start of a Job Details row.
RAW_LABEL = re.compile(r"^\s*[a-z]+(?:[_.][a-z]+)*\s{2,}\S")


def _job_details_rows(screen: str) -> list[str]:
    """The rows inside the Job Details frame."""
    return [line[line.index("█") + 1 : line.rindex("█")] for line in screen.splitlines() if line.count("█") >= 2]


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_job_details_has_no_raw_label(launch: Launch, state_dir: Path, lang: str) -> None:
    """Job Details showed the code's name `sender` as a label; every label is a word for people."""
    apply_scenario(launch, state_dir)
    panel = start_panel(launch, "--lang", lang)
    scan, done, title, sender = (
        ("Scan", "Completed", "Job Details", "Sender") if lang == "en" else ("Skenēt", "Pabeigts", "Darba informācija", "Sūtītājs")
    )
    panel.press("f5")
    panel.settle()
    panel.press("left", "enter")  # Home: Settings -> Scan
    panel.wait_for("Tīkla mape/FTP" if lang == "lv" else "Network Folder/FTP")
    panel.press("enter")  # Email
    panel.settle()
    panel.type(TO)
    panel.press("enter")
    panel.wait_for(done, timeout=40)
    panel.press("ctrl+j")
    panel.wait_until(lambda: done in panel.line(TO), "the log's newest row is the job")
    panel.press("enter")
    panel.wait_for(title, "admin@contoso.onmicrosoft.com")
    rows = _job_details_rows(panel.settle())
    raw = [row for row in rows if RAW_LABEL.match(row)]
    assert not raw, f"raw labels: {raw}\n{panel.text()}"
    assert any(row.strip().startswith(sender) for row in rows), panel.text()


def test_latvian_values_agree_with_feminine_labels(launch: Launch) -> None:
    """"Sūtītāja e-pasta adrese  Nav iestatīts", "Autentifikācijas metode  Izslēgts", "Atmiņas
    ierīce  (netiek emulēts)": a value after a feminine noun agrees with it."""
    t = launch("panel-tui", "--lang", "lv", term=TERM)
    t.wait_for("Darba statuss")
    t.press("enter")  # Settings
    t.wait_for("Vispārīgie iestatījumi")
    t.press("enter")
    t.wait_for("Tīkla iestatījumi")
    t.press("down", "down", "enter")
    t.wait_for("Tīkla statuss")
    t.press("down", "down", "enter")
    t.wait_for("E-pasta servera statuss")
    t.press("down", "down", "enter")
    t.wait_for("Sūtītāja e-pasta adrese")
    for label, value in (("Sūtītāja e-pasta adrese", "Nav iestatīta"), ("SMTP servera adrese", "Nav iestatīta"),
                         ("Autentifikācijas metode", "Izslēgta")):
        assert re.search(rf"{label}\s+{value}\b", t.line(label)), t.text()
    t.press("f5")
    t.wait_for("Sākums")
    t.settle()
    t.press("left", "enter")  # Scan
    t.wait_for("Tīkla mape/FTP")
    for label, value in (("Tīkla mape/FTP", "netiek emulēta"), ("Atmiņas ierīce", "netiek emulēta"),
                         ("Mākonis", "netiek emulēts"), ("Dators", "netiek emulēts")):
        assert re.search(rf"{re.escape(label)}\s+\({value}\)", t.line(label)), t.text()


PAS_MODEL = ("--model", "am-c4000")  # a model with Print Admin Serverless on Home


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_pas_log_in_with_empty_fields_asks_for_them(launch: Launch, lang: str) -> None:
    """Log In with nothing typed said the ID, password or card number "is incorrect": it asks for
    what is missing instead."""
    w = {
        "en": ("User ID", "Enter your user ID and password, or your card number.", "Enter your password.", "incorrect"),
        "lv": ("Lietotāja ID", "Ievadiet savu lietotāja ID un paroli vai kartes numuru.", "Ievadiet savu paroli.",
               "nav pareizs"),
    }[lang]
    t = launch("panel-tui", *PAS_MODEL, "--lang", lang, term=TERM)
    t.wait_for("Print Admin Serverless")
    t.press("left", "down", "down", "enter")  # Home opens on Settings; the fifth tile is under Scan
    t.wait_for(w[0])
    t.settle()
    t.press("enter")  # Log In with nothing typed
    t.wait_for(w[1])
    t.type("1002")
    t.press("enter")  # an ID, no password
    screen = t.wait_for(w[2])
    assert w[3] not in screen, screen


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_pas_to_email_jobs_are_named_to_email(launch: Launch, state_dir: Path, lang: str) -> None:
    """Print Admin Serverless' To Email jobs were listed as "Scan to Email" in Job Status."""
    apply_scenario(launch, state_dir, "pas-361-one-user")  # user 1002 sends twice with To Email
    to_email, scan_to_email = ("To Email", "Scan to Email") if lang == "en" else ("Uz e-pastu", "Skenēt uz e-pastu")
    panel = start_panel(launch, *PAS_MODEL, "--lang", lang)
    panel.wait_for("Print Admin Serverless")
    panel.settle()
    panel.press("down", "left", "enter")  # Home: Settings -> Web Config -> the Job/Status tile
    panel.wait_until(lambda: to_email in panel.line(TO), "the log names the job To Email")
    assert scan_to_email not in panel.text(), panel.text()


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_sign_in_window_drops_the_copy_keys_once_signed_in(launch: Launch, lang: str) -> None:
    """The Sign In window still said "c copy code  u copy URL" after Signed in: no code is left."""
    from tests.acceptance.journeys import ADMIN, WORDS, steps_2_to_7_start_the_sign_in, steps_8_to_11_sign_in_at_microsoft

    w = WORDS[lang]
    copy_keys = ("c Copy code", "u Copy URL") if lang == "en" else ("c Kopēt kodu", "u Kopēt URL")
    t = launch("panel-tui", "--lang", lang, term=TERM)
    t.wait_for(w["home"])
    code = steps_2_to_7_start_the_sign_in(t, w)
    footer = t.text().splitlines()[-1]
    assert all(key in footer for key in copy_keys), footer  # while there is a code to copy
    steps_8_to_11_sign_in_at_microsoft(t, w, code)
    t.press("f3")
    t.wait_for(f"Signed in: {ADMIN}")
    t.settle()
    footer = t.text().splitlines()[-1]
    assert not any(key in footer for key in copy_keys), footer
    assert "Esc" in footer, footer


def test_need_admin_approval_explains_before_start_again(launch: Launch, state_dir: Path) -> None:
    """On "Need admin approval" the Start again button sat above the explanation: it follows it."""
    from tests.acceptance.journeys import WORDS, steps_2_to_7_start_the_sign_in

    from tests.acceptance.test_error_codes import admin_centre, press_button

    w = WORDS["en"]
    t = launch("panel-tui", term=TERM)
    t.wait_for(w["home"])
    admin_centre(t)
    if "Not granted" not in t.line("Admin consent"):  # a fresh tenant has none yet
        press_button(t, "Revoke")  # Administrator consent: no consent for the organisation
    t.wait_for("Not granted")
    t.press("f2")
    t.wait_for(w["home"])
    code = steps_2_to_7_start_the_sign_in(t, w)
    t.press("f4")
    t.wait_for(w["enter_code"], code)
    t.press("enter")
    t.wait_for(w["account_page"])
    t.type("user@contoso.onmicrosoft.com")  # an ordinary user cannot consent for the organisation
    t.press("enter")
    t.wait_for(w["password_page"])
    t.type("Contoso-User-2025")
    t.press("enter")
    screen = t.wait_for("Need admin approval", "Start again", "ask an admin")
    assert screen.index("ask an admin") < screen.index("Start again"), screen


@pytest.mark.parametrize(("lang", "words"), [("en", ("refuses", "sends")), ("lv", ("noraida", "nosūta"))])
def test_scenarios_list_says_what_the_additional_network_scenario_ends_in(launch: Launch, lang: str,
                                                                          words: tuple[str, str]) -> None:
    """`scenarios list` said "completed" beside "OAuth2 on the additional network: refused": the
    setting is refused and Scan to Email then completes on the standard network; the row says both."""
    cli = launch("panel-tui", "scenarios", "list", "--lang", lang, cols=120)
    assert cli.wait_exit(timeout=30) == 0, cli.text()
    row = cli.line("additional-network-oauth2-refused")
    assert "completed" in row and all(word in row for word in words), row
