"""The octets a printer's message puts on the wire, and the addresses it is sent to.

``device_model.email.message`` takes shortcuts that save a send about half a millisecond: it
writes short plain headers itself instead of through ``email.header.Header``, gives a multipart
message its boundary when built, and reads bare addresses without the header parser. A
receiving server must not be able to tell: these tests hold each shortcut to what the email
package itself produces, for any subject, body, attachment name and address list.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from email import message_from_bytes
from email.generator import BytesGenerator
from email.policy import compat32
from email.utils import getaddresses, parseaddr

from hypothesis import example, given, settings
from hypothesis import strategies as st

from device_model.email.message import Attachment, build_message, envelope, flatten


def _compat32_octets(msg: object) -> bytes:
    """The email package's own flattening: compat32, CRLF line ends."""
    buf = io.BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=compat32.clone(linesep="\r\n")).flatten(msg)  # type: ignore[arg-type]
    return buf.getvalue()


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
_local = st.text("abcdefghijklmnopqrstuvwxyz0123456789._-+ āē\"<>(),;:", min_size=1, max_size=20)
_address = st.builds(lambda a, b: f"{a}@{b}", _local, _local)


@settings(max_examples=150, deadline=None)
@given(subject=_text, body=_text, filename=_text.filter(bool), device=_text)
def test_the_octets_are_the_email_packages(subject: str, body: str, filename: str, device: str) -> None:
    """Long, non-ASCII, multi-line or plain, every header is written as compat32 writes it."""
    msg = build_message(
        sender="printer@contoso.onmicrosoft.com", to="user@contoso.onmicrosoft.com",
        subject=subject + device, body=body,
        attachments=[Attachment(filename, b"%PDF-1.4 " + body.encode("utf-8", "surrogatepass"), "application/pdf")],
        date=datetime(2026, 11, 28, 23, 30, tzinfo=timezone.utc),
    )
    assert flatten(msg) == _compat32_octets(msg)


@settings(max_examples=100, deadline=None)
@given(body=_text, data=st.binary(max_size=3000))
def test_the_boundary_is_in_no_part(body: str, data: bytes) -> None:
    """A mail reader splits the message into the parts that were put in."""
    msg = build_message(sender="p@contoso.com", to="u@contoso.com", subject="Scan", body=body,
                        attachments=[Attachment("scan.pdf", data, "application/pdf")])
    boundary = msg.get_boundary()
    assert boundary
    octets = flatten(msg)
    parts = message_from_bytes(octets).get_payload()
    assert isinstance(parts, list) and len(parts) == 2
    assert parts[0].get_payload(decode=True).decode("utf-8", "surrogatepass") == body
    assert parts[1].get_payload(decode=True) == data
    assert octets.count(f"--{boundary}".encode()) == 3  # two parts and the closing line


def test_two_messages_have_two_boundaries() -> None:
    """The boundary is drawn for each message, not a constant a document could contain."""
    a, b = (build_message(sender="p@x.lv", to="u@x.lv", subject="s", body="b",
                          attachments=[Attachment("f.pdf", b"1", "application/pdf")]) for _ in range(2))
    assert a.get_boundary() != b.get_boundary()


@settings(max_examples=300, deadline=None)
@given(sender=_address | _text, to=st.lists(_address | _text, min_size=1, max_size=4), sep=st.sampled_from([", ", ",", " , "]))
@example(sender="", to=["\x1f"], sep=", ")  # str.strip() ate it; the header parser reads it as an address
def test_the_envelope_is_what_the_header_parser_reads(sender: str, to: list[str], sep: str) -> None:
    """MAIL FROM and RCPT TO name the addresses the email package reads from From and To,
    bare (``a@x, b@y``) or not (display names, quotes, comments, groups)."""
    msg = build_message(sender=sender, to=sep.join(to), subject="s", body="b")
    fields = [str(v) for k in ("To", "Cc", "Bcc") for v in msg.get_all(k, [])]
    expected = (parseaddr(str(msg["From"] or ""))[1], [addr for _, addr in getaddresses(fields) if addr])
    assert envelope(msg) == expected
