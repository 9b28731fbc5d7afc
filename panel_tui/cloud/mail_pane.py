"""A mailbox viewer for the simulated tenant: what the printer's emails delivered.

Reads the tenant's Maildir through ``TenantAdmin`` so a trainer can show that a Scan to Email
arrived From the signed-in address with its PDF attached: the list opens on the mailbox that
received mail last and is read a page at a time; Enter opens a message
(:mod:`panel_tui.cloud.mail_message`). Everything in a message is the sender's data and is shown
as text, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Select, Static

from panel_tui.cloud.mail_message import MALFORMED, MailMessageScreen, MailView, mail_view, row_view
from panel_tui.cloud.tenant_admin import tenant_admin
from panel_tui.cloud_link import ADMIN_FAILURES
from panel_tui.ui.host import host
from panel_tui.ui.lazy_select import LazySelect
from panel_tui.ui.text import held_account, tr
from panel_tui.ui.workers import call_in_ui, reported

#: Maildir of mail for recipients outside the tenant (``cloud_sim.maildir.OUTBOUND``).
OUTBOUND = "_outbound"
#: rows read at a time: the list opens as fast at 100 000 messages as at 10; the next page is
#: read when the cursor reaches the last row
PAGE = 50


class MailPane(Vertical):
    """Messages received by one mailbox of the tenant."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[MailView] = []
        self._count_text = ""
        #: the newest delivery seen (epoch seconds): newer mail makes the pane follow it
        self._newest_seen = 0.0
        self._box = ""
        self._total = 0
        self._more_pending = False

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(id="mail-unavailable", classes="page-note", markup=False)
        with Horizontal(classes="field-row"):
            yield Label(t("cloud.mail.mailbox"), classes="field-label", markup=False)
            yield LazySelect([], id="mail-box", compact=True, allow_blank=True, prompt=t("cloud.mail.pick_mailbox"))
            yield Button(t("cloud.mail.refresh"), id="mail-refresh", compact=True)
        yield DataTable(id="mail-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="mail-detail", classes="page-result", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#mail-table", DataTable)
        # 78 columns: the subject and the attachment (the PDF a trainer shows) both fit. The
        # headers are Text, as the rows: a str would be parsed as markup with emoji codes, which
        # loads rich's emoji table (≈ 0.8 MiB) for three words
        table.add_column(Text(tr(self, "cloud.mail.date")), width=11)
        table.add_column(Text(tr(self, "cloud.mail.subject")), width=33)
        table.add_column(Text(tr(self, "cloud.mail.attachments")), width=26)
        self.reload()

    def reload(self) -> None:
        admin = tenant_admin(self)
        self.set_class(admin is None, "-unavailable")
        note = self.query_one("#mail-unavailable", Static)
        note.update("" if admin is not None else tr(
            self, "cloud.mail.class_student" if host(self).class_options.student
            else "cloud.mail.unavailable"))
        note.display = admin is None
        if admin is not None:
            self._load(self.query_one("#mail-box", Select).value, follow=True)

    @work(thread=True, exclusive=True, group="cloud-mail", exit_on_error=False)
    @reported
    def _load(self, mailbox: object, follow: bool = False) -> None:
        """Read the mailbox list and one mailbox's messages (in a thread: files, maybe HTTPS).

        Which mailbox: the one picked; but when mail arrived since the last look (``follow``),
        the one that received it; with nothing picked yet, the newest mail's, else the signed-in
        sender's, else the printer's.
        """
        admin = tenant_admin(self)
        if admin is None:  # the link went away meanwhile: nothing to list
            return
        try:
            users = [str(u["upn"]) for u in admin.list_users()]
            boxes = admin.mail_summary()  # counts and newest delivery: file names only
            for entry in boxes:
                box = str(entry.get("mailbox", ""))
                if box and box not in users:
                    users.append(box)
            dated = [e for e in boxes if isinstance(e.get("newest"), (int, float))]
            newest = max(dated, key=lambda e: float(e["newest"]), default=None)
            newest_at = float(newest["newest"]) if newest else 0.0
            box = mailbox if isinstance(mailbox, str) and mailbox in users else ""
            if newest is not None and (not box or follow and newest_at > self._newest_seen):
                box = str(newest.get("mailbox", ""))
            if not box:
                sender = held_account(self)
                printer = [u for u in users if u.startswith("printer@")]
                box = sender if sender in users else (printer[0] if printer else (users[0] if users else ""))
            page = admin.mail_page(box, 0, PAGE) if box else {"total": 0, "messages": []}
            views = [row_view(m) for m in page["messages"]]
        except ADMIN_FAILURES as exc:  # files or a remote tenant's HTTPS: said on the pane
            call_in_ui(self, self._failed, f"{type(exc).__name__}: {exc}")
            return
        call_in_ui(self, self.show_messages, users, box, views, newest_at, int(page["total"]))

    @work(thread=True, exclusive=True, group="cloud-mail-more", exit_on_error=False)
    @reported
    def _load_more(self, box: str, offset: int) -> None:
        """The next page of the list, read when the cursor reaches its last row."""
        admin = tenant_admin(self)
        if admin is None:
            return
        try:
            page = admin.mail_page(box, offset, PAGE)
            views = [row_view(m) for m in page["messages"]]
        except ADMIN_FAILURES as exc:  # files or a remote tenant's HTTPS: said on the pane
            call_in_ui(self, self._failed, f"{type(exc).__name__}: {exc}")
            return
        call_in_ui(self, self._append, box, offset, views, int(page["total"]))

    @work(thread=True, exclusive=True, group="cloud-mail-open", exit_on_error=False)
    @reported
    def _open_file(self, view: MailView) -> None:
        """Read one listed message whole (body, attachment sizes) and open it."""
        from email import policy
        from email.parser import BytesParser

        try:
            with open(view.path, "rb") as fh:
                message = BytesParser(policy=policy.default).parse(fh)
            full = mail_view(message)  # type: ignore[arg-type]
        except (OSError, *MALFORMED):  # removed, unreadable or unparsable: what the list knew
            full = view
        call_in_ui(self, self.app.push_screen, MailMessageScreen(full))

    def _failed(self, detail: str) -> None:
        self.query_one("#mail-detail", Static).update(tr(self, "cloud.admin.failed", detail=detail))

    def _box_label(self, box: str) -> str:
        return tr(self, "cloud.mail.outbound") if box == OUTBOUND else box

    def show_messages(self, users: list[str], box: str, views: Sequence[MailView | EmailMessage],
                      newest_at: float = 0.0, total: int | None = None) -> None:
        """Show ``box``'s messages (``MailView`` or ``EmailMessage``, newest first); ``total``:
        how many the mailbox holds when ``views`` is its first page."""
        if newest_at > self._newest_seen:
            self._newest_seen = newest_at
        select = self.query_one("#mail-box", Select)
        with select.prevent(Select.Changed):
            select.set_options([(self._box_label(u), u) for u in users])
            if box in users:
                select.value = box
        rows = [v if isinstance(v, MailView) else mail_view(v) for v in views]
        total = len(rows) if total is None else max(total, len(rows))
        count = tr(self, "cloud.mail.count", count=total) if rows else tr(self, "cloud.mail.empty")
        self._fill(rows, count, box, total)

    def _fill(self, rows: list[MailView], count_text: str, box: str = "", total: int = 0) -> None:
        table = self.query_one("#mail-table", DataTable)
        table.clear()
        self._rows = []
        self._box, self._total, self._more_pending = box, total, False
        self._count_text = count_text
        self._add_rows(table, rows)
        if self._rows:
            # the newest row highlighted, whatever row the cursor was on before the reload:
            # Enter opens what the line below the list names
            table.move_cursor(row=0, column=0, animate=False, scroll=True)
        self._show_selected(0 if self._rows else None)

    def _add_rows(self, table: DataTable, rows: list[MailView]) -> None:
        self._rows.extend(rows)
        for view in rows:
            table.add_row(
                Text(view.date_short, no_wrap=True),
                Text(view.subject, no_wrap=True, overflow="ellipsis"),
                Text(", ".join(a.name for a in view.attachments) or "-", no_wrap=True, overflow="ellipsis"),
            )
        # As Job Status: a DataTable changed while hidden or just before a frame can keep a
        # stale render of its rows until the next change (Textual issue #3533); after its next
        # idle, drop its render caches and repaint.
        table.call_next(table.notify_style_update)

    def _append(self, box: str, offset: int, rows: list[MailView], total: int) -> None:
        """The next page arrived: add it unless the list was reloaded meanwhile."""
        self._more_pending = False
        if box != self._box or offset != len(self._rows):
            return
        self._total = max(total, offset + len(rows))
        self._add_rows(self.query_one("#mail-table", DataTable), rows)

    def focus_first(self) -> None:
        """Into the pane (Enter or Down on the tab bar): the list when it has messages, newest
        row highlighted; else the Mailbox drop-down."""
        table = self.query_one("#mail-table", DataTable)
        if self._rows:
            if not 0 <= table.cursor_row < len(self._rows):
                table.move_cursor(row=0, column=0, animate=False)
            table.focus()
        else:
            self.query_one("#mail-box", Select).focus()

    def _show_selected(self, row: int | None) -> None:
        """The count, and who sent the highlighted message to whom (Enter opens it)."""
        text = self._count_text
        if row is not None and 0 <= row < len(self._rows):
            view = self._rows[row]
            text += "\n" + tr(self, "cloud.mail.selected", sender=view.sender, to=view.to)
        self.query_one("#mail-detail", Static).update(text)

    def open_message(self, row: int) -> None:
        """Open one message of the list (Enter on its row)."""
        if 0 <= row < len(self._rows):
            view = self._rows[row]
            if view.path:
                self._open_file(view)
            else:
                self.app.push_screen(MailMessageScreen(view))

    @on(DataTable.RowHighlighted, "#mail-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected(event.cursor_row)
        if (event.cursor_row >= len(self._rows) - 1 and len(self._rows) < self._total
                and not self._more_pending and tenant_admin(self) is not None):
            self._more_pending = True
            self._load_more(self._box, len(self._rows))

    @on(DataTable.RowSelected, "#mail-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_message(event.cursor_row)

    @on(Select.Changed, "#mail-box")
    def _box_changed(self, event: Select.Changed) -> None:
        if tenant_admin(self) is None:
            return
        if isinstance(event.value, str):
            self._load(event.value)
        else:  # "Select a mailbox": nothing picked, nothing listed (never an older count)
            self._fill([], tr(self, "cloud.mail.none_picked"))

    @on(Button.Pressed, "#mail-refresh")
    def _refresh(self) -> None:
        self.reload()
