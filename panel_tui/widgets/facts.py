"""A read-only two-column list of facts (label: value), as the status screens show them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:
    from device_model.i18n import Msg
    from device_model.network import StatusRow


def facts_table(rows: Iterable[tuple[str, str]]) -> Table:
    """Labels and values as plain text: values are settings, accounts and server names (data)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(Text(label), Text(value))
    return table


def translate_rows(rows: Iterable[StatusRow], t: Callable[[Msg], str]) -> list[tuple[str, str]]:
    """StatusRow(id, label: Msg, value: str | Msg) -> translated (label, value) pairs."""
    out = []
    for row in rows:
        value = row.value if isinstance(row.value, str) else t(row.value)
        out.append((t(row.label), value))
    return out


class Facts(VerticalScroll):
    """Scrollable (and focusable, so arrows scroll) facts list."""

    DEFAULT_CSS = """
    Facts { height: 1fr; padding: 1 2; }
    """

    def __init__(self, rows: Iterable[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows = list(rows)

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(facts_table(self._rows), id="facts-table", markup=False)

    def set_rows(self, rows: Iterable[tuple[str, str]]) -> None:
        self._rows = list(rows)
        self.query_one("#facts-table", Static).update(facts_table(self._rows))
