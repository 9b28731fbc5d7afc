"""F4 Cloud › Mailboxes at 80×24: mail that arrives while the list is hidden (another tab shown)
is in the list when the tab is shown again, each row whole (a DataTable filled while hidden
must not keep a stale render)."""

from __future__ import annotations

import re

from tests.acceptance.conftest import Launch


def test_mail_sent_while_the_mailbox_is_hidden_is_listed_when_it_is_shown(launch: Launch) -> None:
    t = launch("panel-tui")
    t.wait_for("Home")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    t.press("shift+tab", "left")  # the tab bar, then Scenarios (the last tab)
    t.wait_for("Signed in and saved: Scan to Email completes")
    t.press("tab", "s")  # apply the first scenario and send: mail 1
    t.wait_for("As expected: Completed.")
    t.press("left")  # Mailboxes, shown
    t.wait_for("Scanned document from", "1 message.")
    t.press("right")  # Scenarios again: the list is hidden now
    t.wait_for("Signed in and saved: Scan to Email completes")
    t.wait_gone("1 message.")
    t.press("tab", "s")  # mail 2 arrives while the list is hidden
    t.wait_for("As expected: Completed.")
    t.press("left")
    screen = t.wait_for("2 messages.")
    screen = t.wait_for(r"(?s)Scanned document from.*\.pdf.*\n.*Scanned document from.*\.pdf", regex=True)
    rows = [line for line in screen.splitlines() if "Scanned document from" in line]
    assert len(rows) == 2 and all(re.search(r"scan_\d+\.pdf", r) for r in rows), screen
