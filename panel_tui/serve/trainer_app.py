"""``panel-tui serve trainer``: the trainer's screen, a table of the class that follows itself.

A separate small app (not a pane of the students' panel): the trainer runs it in their own
terminal, beside the projector, while ``serve ssh`` runs in another; it reads only files (see
:mod:`panel_tui.serve.trainer`) so it can be started, quit and restarted at any time.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.data_table import CellDoesNotExist
from textual.widgets.option_list import Option

from device_model.i18n import translate
from panel_tui.serve import trainer
from panel_tui.terminal_caps import PANEL_16, is_16_colour

#: seconds between two readings of the class's files
REFRESH = 1.0
STEP_KEYS = {"-": "serve.step.none", "connected": "serve.step.connected",
             "signed in": "serve.step.signed_in", "OK pressed": "serve.step.ok_pressed",
             "scan sent": "serve.step.scan_sent"}


class PushScreen(ModalScreen[str | None]):
    """The scenarios that can be pushed to one student (or, for everyone, all of them)."""

    BINDINGS = [Binding("escape", "dismiss(None)", show=False)]
    DEFAULT_CSS = """
    /* opaque, as the panel's windows: a see-through backdrop dimmed the table behind it to
       grey on grey (1:1 at 16 colours); the window's title names the student */
    PushScreen { align: center middle; background: $background; }
    PushScreen > Vertical { width: 70; height: auto; border: round $accent; background: $panel; }
    PushScreen OptionList { height: auto; max-height: 10; }
    """

    def __init__(self, lang: str, student: str | None) -> None:
        super().__init__()
        self.lang = lang
        self.student = student

    def compose(self) -> ComposeResult:
        t = self.lang
        title = (translate(t, "serve.push.title_one", student=self.student) if self.student
                 else translate(t, "serve.push.title_all"))
        options = [Option(translate(t, f"serve.push.{key}"), id=key)
                   for key, (_, _, per_student) in trainer.PUSHES.items()
                   if per_student or self.student is None]
        with Vertical():
            yield Static(title, id="push-title", markup=False)
            yield OptionList(*options, id="push-options", markup=False)
            yield Static(translate(t, "serve.push.hints"), id="push-hints", markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TrainerApp(App[int]):
    """The class table; Enter pushes to the highlighted student, ``a`` to everyone."""

    TITLE = "panel-tui serve trainer"
    BINDINGS = [Binding("ctrl+q", "quit", show=False), Binding("a", "push_all", show=False),
                Binding("enter", "push_one", show=False, priority=False)]
    DEFAULT_CSS = """
    #title { background: $primary; color: $text; text-style: bold; padding: 0 1; }
    DataTable { height: 1fr; }
    #summary, #message { padding: 0 1; }
    #hints { dock: bottom; background: $panel; padding: 0 1; }
    """

    def __init__(self, root: Path, lang: str = "en") -> None:
        super().__init__()
        self.root = Path(root)
        self.lang = lang
        self.rows: list[trainer.StudentProgress] = []
        self.register_theme(PANEL_16)

    def t(self, key: str, **params: object) -> str:
        return translate(self.lang, key, **params)

    def _on_mount_theme(self) -> None:
        """At 16 colours, the panel's theme of exactly those colours (README: at least 4.5:1):
        the default theme's title and highlighted row became bright white on cyan there, 2:1.
        (Headless test runs keep the default theme, as the panel's.)"""
        if is_16_colour(self.console.color_system) and not self.is_headless:
            self.theme = PANEL_16.name

    def compose(self) -> ComposeResult:
        yield Static(self.t("serve.trainer.title"), id="title", markup=False)
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=False, id="students")
        yield table
        yield Static("", id="summary", markup=False)
        yield Static("", id="message", markup=False)
        yield Static(self.t("serve.trainer.hints"), id="hints", markup=False)

    def on_mount(self) -> None:
        self._on_mount_theme()
        table = self.query_one(DataTable)
        for key in ("student", "step", "connected", "signed_in", "ok", "scan", "error"):
            table.add_column(Text(self.t(f"serve.col.{key}")), key=key)  # Text: a str label is markup
        self.reload()
        self.set_interval(REFRESH, self.reload)
        table.focus()

    def reload(self) -> None:
        """Read the class's files again and update the table in place (the cursor stays)."""
        self.rows = trainer.progress(self.root)
        table = self.query_one(DataTable)
        yes = self.t("serve.yes")
        seen = set()
        for row in self.rows:
            seen.add(row.name)
            cells = [Text(row.name), Text(self.t(STEP_KEYS.get(row.step, "serve.step.none"))),
                     Text(yes if row.connected else "-"), Text(self.t("serve.revoked") if row.revoked else yes if row.signed_in else "-"),
                     Text(yes if row.ok_pressed else "-"), Text(yes if row.scan_sent else "-"),
                     Text(row.last_error or "-")]
            if row.name in table.rows:
                # update_width: a column sized from the first reading ("-" everywhere, as the
                # trainer opens the table before the class) cut "OK pressed" to "OK presse"
                for column, cell in zip(table.columns, cells):
                    if table.get_cell(row.name, column) != cell:
                        table.update_cell(row.name, column, cell, update_width=True)
            else:
                table.add_row(*cells, key=row.name)
        for key in [k for k in table.rows if k.value not in seen]:
            table.remove_row(key)
        # As Job Status: cells updated just before a frame can keep a stale render until the
        # next change (Textual issue #3533); after the table's next idle, repaint it afresh.
        table.call_next(table.notify_style_update)
        summary = self.query_one("#summary", Static)
        if self.rows:
            summary.update(Text(self.t("serve.trainer.summary", done=sum(r.done for r in self.rows),
                                       total=len(self.rows))))
        else:
            summary.update(Text(self.t("serve.trainer.empty", join=_join_line(self.root))))

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        try:
            key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        except CellDoesNotExist:  # the table was just reloaded with fewer rows
            return None
        return str(key.value) if key.value else None

    def action_push_one(self) -> None:
        student = self._selected()
        if student:
            self.push_screen(PushScreen(self.lang, student), lambda what: self._push(what, student))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_push_one()

    def action_push_all(self) -> None:
        self.push_screen(PushScreen(self.lang, None), lambda what: self._push(what, None))

    def _push(self, what: str | None, student: str | None) -> None:
        if not what:
            return
        self.run_worker(lambda: self._push_now(what, student), thread=True, exclusive=True)

    def _push_now(self, what: str, student: str | None) -> None:
        try:
            trainer.push(self.root, what, [student] if student else None)
            text = self.t("serve.push.done", what=self.t(f"serve.push.{what}"),
                          who=student or self.t("serve.push.everyone"))
        # a push goes over HTTPS or through the tenant's files (OSError, ValueError from its
        # reply, KeyError, the tenant's lock): whatever it raises is shown in the message line,
        # in a worker thread where an exception would end the trainer's screen
        except Exception as exc:  # noqa: BLE001
            text = self.t("serve.push.failed", reason=str(exc)[:200])
        self.call_from_thread(self.query_one("#message", Static).update, Text(text))
        self.call_from_thread(self.reload)


def _join_line(root: Path) -> str:
    try:
        return (Path(root) / trainer.JOIN_FILE).read_text(encoding="utf-8").strip()[:200]
    except OSError:
        return "panel-tui serve ssh"
