"""Mail from anywhere may be malformed: the Cloud surface's message view reads what it can.

The view catches only what the standard library's email parser raises on bad mail
(``MALFORMED``), so these messages prove each kind of damage is among them.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from panel_tui.cloud.mail_message import attachments_of, body_text, mail_view, row_view


def _parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def test_an_unknown_charset_shows_no_text_instead_of_failing() -> None:
    message = _parse(b"Subject: x\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nbody\r\n")
    assert body_text(message) == ""


def test_a_malformed_date_is_shown_as_it_came() -> None:
    view = mail_view(_parse(b"Subject: hi\r\nDate: Mon, 99 Foo 2026 99:99\r\n\r\ntext\r\n"))
    assert (view.subject, view.date, view.body) == ("hi", "Mon, 99 Foo 2026 99:99", "text")


def test_a_broken_multipart_lists_what_it_can() -> None:
    raw = (
        b"Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        b"--b\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
        b"Content-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"%%%not base64%%%\r\n"  # no closing boundary either
    )
    names = [a.name for a in attachments_of(_parse(raw))]
    assert names == ["a.pdf"]


@pytest.mark.parametrize("attachments", [None, "a.pdf", 3, ["a.pdf", 7]])
def test_a_listing_row_with_odd_fields_never_fails(attachments: object) -> None:
    view = row_view({"from": None, "subject": 5, "date": "not a date", "attachments": attachments})
    assert view.subject == "5"
    assert view.date == "not a date"
    assert [a.name for a in view.attachments] == (["a.pdf", "7"] if isinstance(attachments, list) else [])
