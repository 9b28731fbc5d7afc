"""Job/Status: tabs Job Status (Active, Log) and Printer Status; a log row opens its details."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from panel_tui.messages import DeviceChanged
from panel_tui.screens.base import PanelScreen
from panel_tui.ui.host import host
from panel_tui.ui.wrap import greedy_wrap
from panel_tui.widgets.chrome import KeyHints
from panel_tui.widgets.facts import Facts

if TYPE_CHECKING:
    from device_model.jobs import Job
    from panel_tui.menu_tree import MenuNode


class JobStatusScreen(PanelScreen):
    """Job history with error codes (guide: Job Status > Job Status)."""

    HELP_KEY = "panel.help.job_status"
    HINTS_KEY = "panel.hints.job_status"

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__()

    def action_job_status(self) -> None:
        """Ctrl+J here: Job Status is open already (another one on top would need two Esc)."""

    def crumbs(self) -> list[str]:
        return [self.t("panel.home.tile.job_status")]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="job-tabs"):
            with TabPane(self.t("panel.jobs.tab_job_status"), id="tab-jobs"):
                with TabbedContent(id="job-subtabs"):
                    with TabPane(self.t("panel.jobs.tab_active"), id="tab-active"):
                        yield DataTable(id="active-table", cursor_type="row", zebra_stripes=False)
                    with TabPane(self.t("panel.jobs.tab_log"), id="tab-log"):
                        yield DataTable(id="log-table", cursor_type="row")
            # a scanner's tab says Scanner Status (the id stays: the tab is the same one)
            status = "panel.jobs.tab_printer_status" if self._prints() else "panel.jobs.tab_scanner_status"
            with TabPane(self.t(status), id="tab-printer"):
                yield Facts(self._printer_rows(), id="printer-facts")

    def on_mount(self) -> None:
        self.query_one("#job-subtabs", TabbedContent).active = "tab-log"
        self._fill()
        self.query_one("#log-table", DataTable).focus()

    def on_resize(self) -> None:
        if self.is_mounted:
            self._fill()

    def _prints(self) -> bool:
        """A printer (not the scanner, whose status tab and row say Scanner)."""
        return self.device.profile.has("print")

    def _printer_rows(self) -> list[tuple[str, str]]:
        profile = self.device.profile
        state = "panel.jobs.printer_state" if self._prints() else "panel.jobs.scanner_state"
        return [
            (self.t(state), self.t("panel.jobs.printer_ready")),
            (self.t("panel.jobs.printer_model"), profile.model),
            (self.t("panel.jobs.printer_serial"), profile.serial_number),
            (self.t("panel.jobs.printer_firmware"), profile.firmware_version),
        ]

    def _row(self, job: Job) -> tuple[Text, Text, Text, Text]:
        """One list row; Text, because a DataTable reads a plain str as markup (the destination is data)."""
        when = job.finished or job.started
        return (
            Text(self.device.t(job.kind_label)),
            Text(job.destination or "-"),
            Text(self.device.format_datetime(when)),
            Text(self.device.t(job.list_label)),  # one word; Enter shows the full result
        )

    def _fill(self) -> None:
        jobs = self.device.jobs
        headers = tuple(self.t(f"panel.jobs.col_{key}") for key in COLUMNS)
        for table_id, items in (("#active-table", jobs.active), ("#log-table", jobs.log)):
            table = self.query_one(table_id, DataTable)
            cursor = table.cursor_row
            rows = [self._row(job) for job in items]
            none = (Text(self.t("panel.jobs.none")), Text(""), Text(""), Text(""))
            # the rows below the tabs and the column headings; more than that: a scroll bar
            visible = self.app.size.height - CHROME_ROWS
            space = self.app.size.width - 2 * len(COLUMNS) * table.cell_padding
            widths = fit_columns(headers, rows or [none], space)
            cells = [_cells(row, widths) for row in rows]
            if sum(height for _, height in cells) > visible:
                widths = fit_columns(headers, rows, space - table.styles.scrollbar_size_vertical)
                cells = [_cells(row, widths) for row in rows]
            table.clear(columns=True)
            for key, header, width in zip(COLUMNS, headers, widths):
                table.add_column(Text(header), key=key, width=width)
            for job, (row_cells, height) in zip(items, cells):
                table.add_row(*row_cells, key=str(job.id), height=height)
            if not items:
                table.add_row(*none, key="none")
            elif cursor < table.row_count:
                table.move_cursor(row=cursor)
            # A DataTable measures its auto-width columns on its next idle, but caches each cell's
            # render without the width: a frame painted before that idle (likely on a loaded
            # machine) kept the first job cut at the widths of "No jobs" ("Status Shee") until
            # the next change (Textual issue #3533). call_next runs after that idle, and
            # notify_style_update drops the table's render caches and repaints it.
            table.call_next(table.notify_style_update)

    def device_changed(self, message: DeviceChanged) -> None:
        if message.kind == "jobs" and self.is_mounted:
            self._fill()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if not key or key == "none":
            return
        job = self.device.jobs.get(int(key))
        if job is not None:
            self.app.push_screen(JobDetailScreen(job))


#: the list's columns, left to right (``panel.jobs.col_<key>`` heads each)
COLUMNS = ("type", "destination", "time", "result")
#: screen rows that are not list rows: status bar, breadcrumbs, two tab bars (two rows
#: each), the column headings, the key hints
CHROME_ROWS = 8
#: the narrowest the destination gets before the result gives way too
MIN_DESTINATION = 12


def fit_columns(headers: tuple[str, ...], rows: list[tuple[Text, ...]], space: int) -> list[int]:
    """Column widths that fit ``space`` cells (the screen less the cells' padding).

    Each column is as wide as its widest cell or heading; when together they do not fit, the
    destination (an address, wrapped onto more lines: :func:`wrap_destination`) gives way first, down to
    ``MIN_DESTINATION``, then the result (whose full text Enter shows). The type and the time
    never shrink: the Latvian "Skenēt uz e-pastu" and a full date are what a log row is read by.
    """
    widths = [max([cell_len(h), *(row[i].cell_len for row in rows)]) for i, h in enumerate(headers)]
    dest, result = COLUMNS.index("destination"), COLUMNS.index("result")
    over = sum(widths) - space
    if over > 0:
        floor = max(cell_len(headers[dest]), min(widths[dest], MIN_DESTINATION))
        give = min(over, widths[dest] - floor)
        widths[dest] -= give
        over -= give
    if over > 0:
        widths[result] = max(cell_len(headers[result]), widths[result] - over)
    return widths


def _cells(row: tuple[Text, ...], widths: list[int]) -> tuple[list[Text], int]:
    """A row's cells within their widths, and the row's height: the destination goes on under
    itself (a person reads the whole address), every other cell is cut with an ellipsis."""
    dest = COLUMNS.index("destination")
    cells = [wrap_destination(cell, width) if i == dest else _cut(cell, width)
             for i, (cell, width) in enumerate(zip(row, widths))]
    return cells, max(len(cell.plain.split("\n")) for cell in cells)


#: where a destination's line may end: after an "@" or between addresses
DESTINATION_BREAKS = re.compile(r"(?<=@)|(?<=, )")


def wrap_destination(cell: Text, width: int) -> Text:
    """The destination on as many lines of ``width`` cells as it needs: after an "@" or a
    ", " where it can (``printer@`` / ``contoso.onmicrosoft.com``), else where the width ends."""
    if cell.cell_len <= width or width < 1:
        return cell
    return Text("\n".join(greedy_wrap(cell.plain, width, DESTINATION_BREAKS, cut="inline")), style=cell.style)


def _cut(cell: Text, width: int) -> Text:
    """The cell's text within ``width`` cells, an ellipsis where it was cut."""
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


class JobDetailScreen(ModalScreen[None]):
    """A job's details: the outcome, the code's status text and solution, then the reply.

    Laid out for 80x24 so that what a tester came for is on screen without scrolling: the
    result, status and solution first, then the server's reply on its own full-width lines
    (wrapped, verbatim, labelled as the server's words), and only then the job's facts. When
    no server replied, the printer's own finding (a catalog message, in the device language)
    takes the reply's place. Every value is plain text, never markup.
    """

    HELP_KEY = "panel.help.job_detail"
    BINDINGS = [Binding("escape,enter", "close", show=False)]
    DEFAULT_CSS = """
    JobDetailScreen { align: center middle; }
    JobDetailScreen > VerticalScroll {
        width: 78; max-width: 100%; height: auto; max-height: 100%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    JobDetailScreen #detail-title { text-style: bold; }
    JobDetailScreen #detail-reply-label { text-style: bold; }
    JobDetailScreen #detail-reply { padding: 0 0 0 2; }
    """

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def compose(self) -> ComposeResult:
        app = host(self)
        device = app.device
        job = self.job
        outcome: list[tuple[str, str]] = [(app.t("panel.jobs.col_result"), device.t(job.result_label))]
        entry = device.errors.for_job(job)
        if entry is not None:
            outcome.append((app.t("panel.jobs.status"), device.t(entry.status)))
            outcome.append((app.t("panel.jobs.solution"), device.t(entry.solution)))
        note = job.note
        if note is not None and not job.reply:
            outcome.append((app.t("panel.jobs.note"), device.t(note)))
        facts: list[tuple[str, str]] = [
            (app.t("panel.jobs.col_type"), device.t(job.kind_label)),
            (app.t("panel.jobs.col_destination"), job.destination or "-"),
            (app.t("panel.jobs.started"), device.format_datetime(job.started, seconds=True)),
        ]
        if job.finished:
            facts.append((app.t("panel.jobs.finished"), device.format_datetime(job.finished, seconds=True)))
        for key, value in sorted(job.details.items()):
            if key == "error" or key == "note" or key.startswith("note."):
                continue  # internal: the result, status, solution and finding say it
            label_key = f"panel.jobs.field.{key}"
            label = app.t(label_key)
            if key == "auth":
                value = device.t(f"status.email.auth.{value}")
            facts.append((key if label == label_key else label, value))
        with VerticalScroll():
            yield Static(app.t("panel.jobs.detail_title"), id="detail-title", markup=False)
            width = max(len(label) for label, _ in outcome + facts)
            yield Static(_facts(outcome, width), id="detail-outcome", markup=False)
            if job.reply:
                yield Static(app.t("panel.jobs.reply_verbatim"), id="detail-reply-label", markup=False)
                yield Static(Text(job.reply, overflow="fold"), id="detail-reply", markup=False)
            yield Static(_facts(facts, width), id="detail-facts", markup=False)
            yield Static(app.t("panel.hints.close"), classes="hint", markup=False)
        yield KeyHints(app.t("panel.hints.window"), id="hints")

    def action_close(self) -> None:
        self.dismiss(None)


def _facts(rows: list[tuple[str, str]], label_width: int) -> Table:
    """Label/value rows as a grid; values are Text (a reply's "[...]" is never markup).

    ``label_width``: the same for the grids above and below the reply, so they line up.
    """
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=label_width)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(Text(label), Text(value, overflow="fold"))
    return table
