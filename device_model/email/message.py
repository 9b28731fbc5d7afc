"""The message a printer sends, and its octets on the wire (what DATA sends, SIZE counts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the email package is imported when a message is built
    from email.message import Message

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
    """
    from email.header import Header
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    from email.utils import format_datetime, make_msgid

    text = MIMEText(body, "plain", "utf-8")
    if attachments:
        msg: Message = MIMEMultipart()
        msg.attach(text)
        for a in attachments:
            maintype, _, subtype = a.mime_type.partition("/")
            part = MIMEApplication(a.data, subtype or "octet-stream")
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
    from email.policy import compat32

    buf = io.BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=compat32.clone(linesep="\r\n")).flatten(msg)
    return buf.getvalue()


def message_size(msg: Message) -> int:
    """Octets on the wire, as SIZE counts them."""
    return len(flatten(msg))


def envelope(msg: Message) -> tuple[str, list[str]]:
    """MAIL FROM and RCPT TO addresses from the From/To/Cc/Bcc headers."""
    from email.utils import getaddresses, parseaddr

    sender = parseaddr(str(msg["From"] or ""))[1]
    rcpts = [addr for _, addr in getaddresses([str(v) for k in ("To", "Cc", "Bcc") for v in msg.get_all(k, [])]) if addr]
    return sender, rcpts
