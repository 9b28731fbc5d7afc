"""One message of the tenant's Maildir as the Cloud surface shows it: read into plain strings
(headers, body text, attachments with sizes), then opened in :class:`MailMessageScreen`.

Mail comes from anywhere and may be malformed: the standard library's parser then raises one of
:data:`MALFORMED`, and the message shows what could be read. Everything in a message is the
sender's data and is shown as text, never markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from panel_tui.ui.text import tr

#: What the standard library's email package raises on malformed mail: a broken MIME structure,
#: an undecodable part, a defective header or Date (its header parser is known to fail with
#: IndexError/AttributeError on some malformed addresses rather than a MessageError).
MALFORMED: tuple[type[Exception], ...] = (MessageError, ValueError, LookupError, TypeError, AttributeError)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int


@dataclass
class MailView:
    """One message as the pane shows it (plain strings, read in the worker thread)."""

    sender: str
    to: str
    subject: str
    date: str
    date_short: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    #: a listing row (headers only): the message file, read whole when the row is opened
    path: str = ""


def row_view(entry: Mapping[str, object]) -> MailView:
    """A listing row from the tenant's ``mail_page``: headers and attachment names, no body."""
    date, short = _date_texts(str(entry.get("date", "") or ""))
    names = entry.get("attachments")
    return MailView(
        sender=str(entry.get("from", "")), to=str(entry.get("to", "")),
        subject=str(entry.get("subject", "")), date=date, date_short=short, body="",
        attachments=[Attachment(str(n), "", 0) for n in names] if isinstance(names, list) else [],
        path=str(entry.get("path", "")),
    )


def attachment_names(message: EmailMessage) -> list[str]:
    """File names of a message's attachments."""
    return [a.name for a in attachments_of(message)]


def attachments_of(message: EmailMessage) -> list[Attachment]:
    """A message's attachments: file name (or type), content type and decoded size in bytes."""
    out = []
    try:
        parts = list(message.iter_attachments())
    except MALFORMED:  # a broken MIME structure: no attachments to list
        parts = []
    for part in parts:
        try:
            payload = part.get_payload(decode=True)
        except MALFORMED:  # a part the parser cannot decode: listed with size 0
            payload = None
        size = len(payload) if isinstance(payload, (bytes, bytearray)) else 0
        content_type = part.get_content_type()
        out.append(Attachment(str(part.get_filename() or content_type), content_type, size))
    return out


def body_text(message: EmailMessage) -> str:
    """The message's text (text/plain, else text/html with its tags dropped)."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        text = part.get_content()
    except MALFORMED:  # no text rather than a crash
        return ""
    if not isinstance(text, str):
        return ""
    if part.get_content_subtype() == "html":
        import html
        import re

        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    return text.strip()


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except MALFORMED:  # a malformed header the parser kept as a defect
        return ""


def _date_texts(raw: str) -> tuple[str, str]:
    """A Date header as the message view and the list show it (as it came when unreadable)."""
    try:
        when = parsedate_to_datetime(raw)
    except MALFORMED:  # no or a malformed Date: shown as it came
        return raw, raw[:11]
    return when.strftime("%Y-%m-%d %H:%M"), when.strftime("%m-%d %H:%M")


def mail_view(message: EmailMessage) -> MailView:
    date, short = _date_texts(_header(message, "Date"))
    return MailView(
        sender=_header(message, "From"),
        to=_header(message, "To"),
        subject=_header(message, "Subject"),
        date=date,
        date_short=short,
        body=body_text(message),
        attachments=attachments_of(message),
    )


def size_text(node: DOMNode, size: int) -> str:
    """A size as people read it: bytes, KB or MB (1024-based, as mail clients show them)."""
    if size < 1024:
        return tr(node, "cloud.mail.size_b", n=size)
    if size < 1024 * 1024:
        return tr(node, "cloud.mail.size_kb", n=_decimal(node, size / 1024))
    return tr(node, "cloud.mail.size_mb", n=_decimal(node, size / (1024 * 1024)))


def _decimal(node: DOMNode, value: float) -> str:
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return text.replace(".", tr(node, "cloud.mail.decimal_point"))


def attachments_text(node: DOMNode, view: MailView) -> str:
    if not view.attachments:
        return "-"
    return ", ".join(f"{a.name} ({size_text(node, a.size)})" for a in view.attachments)


class MailMessageScreen(ModalScreen[None]):
    """One message opened: From, To, Subject, Date, the attachments and the body text."""

    BINDINGS = [Binding("escape", "dismiss_message", "Close", show=False)]

    DEFAULT_CSS = """
    MailMessageScreen {
        align: center middle;
    }
    MailMessageScreen > Vertical {
        width: 78;
        height: 22;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    MailMessageScreen #msg-headers {
        height: auto;
    }
    MailMessageScreen #msg-body-box {
        height: 1fr;
        border-top: solid $primary;
    }
    MailMessageScreen #msg-close {
        width: auto;
        min-width: 8;
    }
    """

    def __init__(self, view: MailView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        v = self.view
        headers = tr(
            self,
            "cloud.mail.headers",
            sender=v.sender,
            to=v.to,
            subject=v.subject,
            date=v.date,
            attachments=attachments_text(self, v),
        )
        with Vertical():
            yield Static(headers, id="msg-headers", markup=False)
            with VerticalScroll(id="msg-body-box"):
                yield Static(v.body or tr(self, "cloud.mail.no_body"), id="msg-body", markup=False)
            yield Button(tr(self, "cloud.mail.close"), id="msg-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#msg-body-box").focus()

    @on(Button.Pressed, "#msg-close")
    def action_dismiss_message(self) -> None:
        self.dismiss(None)
