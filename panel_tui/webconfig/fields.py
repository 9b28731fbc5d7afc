"""Web Config's rows of fields, built from the panel's form kit (``FieldSpec``).

A Web Config page lays a field out as the printer's pages do: the label and the widget on one
``field-row``, the field's message on the line below (``#<id>-error``, made when the field
first has one by :mod:`panel_tui.webconfig.field_errors`). The fields themselves are data, as on the panel's
settings screens; a page composes them in runs between its own rows (Current Status, Sign In).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from panel_tui.widgets.form import FieldSpec, FieldValue, field_widget


def compose_rows(
    specs: Sequence[FieldSpec], t: Callable[..., str], values: Mapping[str, FieldValue] | None = None,
) -> ComposeResult:
    """A labelled row for each field (its message line comes below it when it has one)."""
    for spec in specs:
        widget = field_widget(spec, (values or {}).get(spec.name), t)
        classes = f"field-row {spec.row_classes}".strip()
        yield Horizontal(Label(t(spec.label_key), classes="field-label", markup=False), widget,
                         classes=classes, id=spec.row_id)


def widget_ids(specs: Sequence[FieldSpec]) -> dict[str, str]:
    """Settings field -> the id of the widget that shows it (where its message goes)."""
    return {spec.name: spec.id for spec in specs}
