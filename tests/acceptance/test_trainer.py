"""A trainer walks the vendor guide in front of a class, from Home, keyboard only, at 80×24:
English and Latvian, typing what the README gives.

Steps 1-12 of "Setting up OAuth 2.0 for the email server", then "Checking the OAuth 2.0 status"
on the panel and the status sheet, then a Scan to Email that arrives in the F4 mailbox; and the
guide's "Enabling SMTP AUTH in Exchange Online" on a tenant as Microsoft ships it.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import (
    WORDS,
    check_status_on_the_panel,
    connection_test,
    scan_to_email,
    scan_to_email_arrives,
    step_1_read_the_ip,
    step_12_send_it_to_the_printer,
    steps_2_to_7_start_the_sign_in,
    steps_8_to_11_sign_in_at_microsoft,
)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_trainer_walks_the_guide_from_home_to_a_mail_in_the_mailbox(launch: Launch, lang: str) -> None:
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang)
    ip = step_1_read_the_ip(t, w)
    code = steps_2_to_7_start_the_sign_in(t, w, ip)
    steps_8_to_11_sign_in_at_microsoft(t, w, code)
    step_12_send_it_to_the_printer(t, w)
    connection_test(t, w)
    check_status_on_the_panel(t, w)
    scan_to_email_arrives(t, w)
    t.press("ctrl+q")
    assert t.wait_exit() == 0



def test_trainer_prepares_exchange_on_a_fresh_tenant_312_then_fixed(launch: Launch) -> None:
    """--tenant-preset fresh: security defaults on, SMTP AUTH off. The sign-in works, the send
    is refused (312, Exchange's 5.7.139 kept); the guide's preparation in F4 fixes it."""
    w = WORDS["en"]
    t = launch("panel-tui", "--tenant-preset", "fresh")
    ip = step_1_read_the_ip(t, w)
    code = steps_2_to_7_start_the_sign_in(t, w, ip)
    steps_8_to_11_sign_in_at_microsoft(t, w, code)
    step_12_send_it_to_the_printer(t, w)

    screen = scan_to_email(t, w)
    assert "312" in screen, screen
    t.press("ctrl+j")  # Job Status
    t.wait_for("Error 312")
    t.press("enter")
    t.wait_for("Job Details", "5.7.139")
    t.press("escape")

    t.press("f4")
    t.press("shift+tab", "right")  # the tab bar, Admin centre
    t.wait_for("[x] Security defaults", "[ ] SMTP AUTH for the organisation")
    t.press("tab", "space")  # guide: turn off security defaults ...
    t.wait_for("[ ] Security defaults")
    t.press("tab", "tab", "tab", "tab", "space")  # ... and enable SMTP AUTH
    t.wait_for("[x] SMTP AUTH for the organisation")
    # the printer administrator's mailbox follows the organisation: nothing more to switch

    screen = scan_to_email(t, w)
    assert w["completed"] in screen, screen
