"""A mailbox viewer for the simulated tenant: what the printer's emails delivered.

Reads the tenant's Maildir through ``TenantAdmin.messages`` so a trainer can show that a Scan to
Email arrived From the signed-in address with its PDF attached.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Select, Static

from panel_tui.webconfig.common import tr


def attachment_names(message: EmailMessage) -> list[str]:
    """File names of a message's attachments."""
    names = []
    for part in message.iter_attachments():
        names.append(part.get_filename() or part.get_content_type())
    return names


def _date(message: EmailMessage) -> str:
    try:
        return parsedate_to_datetime(str(message["Date"])).strftime("%Y-%m-%d %H:%M")
    except Exception:
        return str(message.get("Date", ""))[:16]


class MailPane(Vertical):
    """Messages received by one mailbox of the tenant."""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(id="mail-unavailable", classes="page-note")
        with Horizontal(classes="field-row"):
            yield Label(t("cloud.mail.mailbox"), classes="field-label")
            yield Select([], id="mail-box", compact=True, allow_blank=True, prompt=t("cloud.admin.pick_user"))
            yield Button(t("cloud.mail.refresh"), id="mail-refresh", compact=True)
        yield DataTable(id="mail-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="mail-detail", classes="page-result")

    def on_mount(self) -> None:
        table = self.query_one("#mail-table", DataTable)
        table.add_columns(
            tr(self, "cloud.mail.date"),
            tr(self, "cloud.mail.from"),
            tr(self, "cloud.mail.subject"),
            tr(self, "cloud.mail.attachments"),
        )
        self.reload()

    @property
    def admin(self) -> Any:
        link = getattr(self.app, "cloud_link", None)
        return getattr(link, "admin", None) if link is not None else None

    def reload(self) -> None:
        admin = self.admin
        self.set_class(admin is None, "-unavailable")
        note = self.query_one("#mail-unavailable", Static)
        note.update("" if admin is not None else tr(self, "cloud.mail.unavailable"))
        note.display = admin is None
        if admin is not None:
            self._load(self.query_one("#mail-box", Select).value)

    @work(thread=True, exclusive=True, group="cloud-mail", exit_on_error=False)
    def _load(self, mailbox: Any) -> None:
        admin = self.admin
        try:
            users = [u["upn"] for u in admin.list_users()]
            box = mailbox if isinstance(mailbox, str) else next(
                (u for u in users if u.startswith("printer@")), users[0] if users else ""
            )
            messages = admin.messages(box) if box else []
        except Exception as exc:
            self._post(self._failed, f"{type(exc).__name__}: {exc}")
            return
        self._post(self.show_messages, users, box, messages)

    def _post(self, callback: Any, *args: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass

    def _failed(self, detail: str) -> None:
        self.query_one("#mail-detail", Static).update(tr(self, "cloud.admin.failed", detail=detail))

    def show_messages(self, users: list[str], box: str, messages: list[EmailMessage]) -> None:
        select = self.query_one("#mail-box", Select)
        with select.prevent(Select.Changed):
            select.set_options([(u, u) for u in users])
            if box in users:
                select.value = box
        table = self.query_one("#mail-table", DataTable)
        table.clear()
        self._rows = list(reversed(messages))  # newest first
        self._count_text = tr(self, "cloud.mail.count", count=len(messages), mailbox=box)
        for message in self._rows:
            table.add_row(
                _date(message),
                str(message.get("From", "")),
                str(message.get("Subject", "")),
                ", ".join(attachment_names(message)) or "-",
            )
        self._show_selected(0)

    def _show_selected(self, row: int | None) -> None:
        """The count, and the highlighted message in full: at 80 columns the table cuts the
        Subject and leaves the Attachments column (the PDF a trainer wants to show) off screen."""
        rows: list[EmailMessage] = getattr(self, "_rows", [])
        text = getattr(self, "_count_text", "")
        if row is not None and 0 <= row < len(rows):
            message = rows[row]
            text += "\n" + tr(
                self,
                "cloud.mail.selected",
                sender=str(message.get("From", "")),
                subject=str(message.get("Subject", "")),
                attachments=", ".join(attachment_names(message)) or "-",
            )
        self.query_one("#mail-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#mail-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected(event.cursor_row)

    @on(Select.Changed, "#mail-box")
    def _box_changed(self, event: Select.Changed) -> None:
        if self.admin is not None and isinstance(event.value, str):
            self._load(event.value)

    @on(Button.Pressed, "#mail-refresh")
    def _refresh(self) -> None:
        self.reload()
