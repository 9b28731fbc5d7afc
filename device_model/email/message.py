"""The message a printer sends, and its octets on the wire (what DATA sends, SIZE counts)."""

from __future__ import annotations

import re

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the email package is imported when a message is built
    from email.message import Message
    from email.policy import Policy

@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"

    @classmethod
    def coerce(cls, item: object) -> Attachment:
        """Accept an Attachment, a path, or a ``(filename, bytes[, mime])`` tuple."""
        if isinstance(item, Attachment):
            return item
        import mimetypes

        if isinstance(item, (str, Path)):
            p = Path(item)
            mime = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
            return cls(p.name, p.read_bytes(), mime)
        if isinstance(item, tuple) and len(item) in (2, 3):
            name, data = item[0], item[1]
            mime = item[2] if len(item) == 3 else (mimetypes.guess_type(name)[0] or "application/octet-stream")
            return cls(str(name), bytes(data), str(mime))
        raise TypeError(f"not an attachment: {type(item).__name__}")


def build_message(
    *,
    sender: str,
    to: str | Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
    domain: str | None = None,
) -> Message:
    """The message a printer sends: a plain-text body and the attachments as MIME parts.

    Built with the email package's classic (compat32) classes: about ten times faster than
    ``EmailMessage``'s header registry, which matters when a send takes a few milliseconds.
    Non-ASCII subjects (Latvian) are RFC 2047 encoded.

    A multipart message gets its boundary here: left unset, the generator makes one for each
    flattening and compiles a new regular expression to check it against the whole text (a
    quarter of a millisecond a job). This one cannot occur in the parts: "=_" never appears in
    base64 (the text and the attachments are base64) nor in quoted-printable.
    """
    from .lazy_email import defer_email_policy

    defer_email_policy()  # email.mime imports email.policy for a default it is given here
    from email._policybase import compat32
    from email.header import Header
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    from email.utils import format_datetime, make_msgid
    from secrets import token_hex

    text = MIMEText(body, "plain", "utf-8", policy=compat32)
    if attachments:
        msg: Message = MIMEMultipart(boundary=f"=_panel-tui_{token_hex(12)}", policy=compat32)
        msg.attach(text)
        for a in attachments:
            maintype, _, subtype = a.mime_type.partition("/")
            part = MIMEApplication(a.data, subtype or "octet-stream", policy=compat32)
            if maintype != "application":
                part.replace_header("Content-Type", a.mime_type)
            part.add_header("Content-Disposition", "attachment", filename=a.filename)
            msg.attach(part)
    else:
        msg = text
    msg["From"] = sender
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    if date is not None:
        msg["Date"] = format_datetime(date)
    msg["Message-ID"] = make_msgid(domain=domain or (sender.rsplit("@", 1)[-1] if "@" in sender else "printer.local"))
    msg["X-Mailer"] = "panel-tui emulated printer"
    return msg


def flatten(msg: Message) -> bytes:
    """The message as octets on the wire (CRLF line ends): what DATA sends and SIZE counts."""
    import io
    from email.generator import BytesGenerator

    buf = io.BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=_wire_policy()).flatten(msg)
    return buf.getvalue()


_WIRE_POLICY: Policy | None = None


def _wire_policy() -> Policy:
    """compat32 with CRLF line ends, folding short plain headers without the Header class.

    compat32 folds every header through ``email.header.Header``, half a millisecond for a
    printer's fifteen headers, all of which are one short ASCII line that folding leaves as it
    is. Those are written as they are; anything else (long, non-ASCII, multi-line, a
    ``Header``) is folded by compat32 itself, so the octets are the same either way."""
    global _WIRE_POLICY
    if _WIRE_POLICY is None:
        from email._policybase import Compat32

        class WirePolicy(Compat32):
            def fold_binary(self, name: str, value: object) -> bytes:
                if (
                    isinstance(value, str)
                    and value.isascii()
                    and value.isprintable()  # no line breaks of any kind (\f, \v, \x1c...)
                    and len(name) + 2 + len(value) <= (self.max_line_length or 78)
                ):
                    return f"{name}: {value}{self.linesep}".encode("ascii")
                return super().fold_binary(name, value)

        _WIRE_POLICY = WirePolicy(linesep="\r\n")
    return _WIRE_POLICY


def message_size(msg: Message) -> int:
    """Octets on the wire, as SIZE counts them."""
    return len(flatten(msg))


def envelope(msg: Message) -> tuple[str, list[str]]:
    """MAIL FROM and RCPT TO addresses from the From/To/Cc/Bcc headers.

    Headers holding bare addresses (what the panel and Web Config write) are read as they are;
    anything else (display names, quoting, groups) goes through the email package's parser,
    which takes a tenth of a millisecond a job even for ``user@example.com``."""
    from email.utils import getaddresses, parseaddr

    sender_field = str(msg["From"] or "")
    fields = [str(v) for k in ("To", "Cc", "Bcc") for v in msg.get_all(k, [])]
    bare = [_bare_addresses(f) for f in fields]
    plain = _plain(sender_field) and _BARE_ADDRESS.fullmatch(sender_field.strip())
    sender = sender_field.strip() if plain else parseaddr(sender_field)[1]
    if all(b is not None for b in bare):
        return sender, [a for b in bare for a in b or ()]
    rcpts = [addr for _, addr in getaddresses(fields) if addr]
    return sender, rcpts


#: an address with nothing the header parser would read differently: no display name, quotes,
#: comments, angle brackets, groups or whitespace
_BARE_ADDRESS = re.compile(r"[^\s<>()\[\],;:\\\"@]+@[^\s<>()\[\],;:\\\"@]+")


def _plain(field: str) -> bool:
    """Printable ASCII only: ``str.strip`` then removes just what the header parser skips (it
    also strips \\x1c-\\x1f, which the parser reads as part of an address)."""
    return field.isascii() and field.isprintable()


def _bare_addresses(field: str) -> list[str] | None:
    """The addresses of a header that lists only bare addresses (``a@x, b@y``), else None."""
    if not _plain(field):
        return None
    parts = [p.strip() for p in field.split(",")]
    if all(_BARE_ADDRESS.fullmatch(p) for p in parts if p):
        return [p for p in parts if p]
    return None
