"""A small form kit for the panel's settings screens: fields as data, errors at each field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Select, Static

from panel_tui.ui.lazy_select import LazySelect

#: Up/Down move between a form's fields like Shift+Tab/Tab (the README's "←↑→↓ move"). They
#: are priority bindings, so that a closed Select moves on rather than opening its list (a
#: person pressing Up Up Enter to reach a list must not press Start instead); on any widget with
#: its own use for them (an open list, a menu) the binding steps aside.
ARROW_FIELD_BINDINGS = [
    Binding("up", "field_previous", show=False, priority=True),
    Binding("down", "field_next", show=False, priority=True),
]


def arrow_moves_focus(screen: Screen[object], forward: bool) -> None:
    """Move the focus to the next/previous field when the focused widget has no use for Up/Down."""
    focused = screen.focused
    if not isinstance(focused, (Input, Button, Select)):
        raise SkipAction()
    if forward:
        screen.focus_next()
    else:
        screen.focus_previous()


#: A settings field's value as a form holds it: the text typed, or the value of a Select's
#: choice (a bool for On/Off, an int, a string; None where the setting is unset).
FieldValue = str | int | bool | None
#: A form's values by settings field name, as ``Device.update(section, **values)`` takes them.
FormValues = dict[str, FieldValue]


@dataclass(frozen=True)
class FieldSpec:
    """One field: `name` is the settings field it edits; `choices` makes it a Select."""

    name: str
    label_key: str
    choices: Sequence[tuple[str, FieldValue]] = ()  # (label key, value)
    password: bool = False
    max_length: int = 0
    #: The field is editable only when this returns True for the form's current values.
    enabled_when: Callable[[FormValues], bool] | None = field(default=None, compare=False)
    #: the widget's id (default ``field-<name>``); Web Config's pages name theirs per page
    widget_id: str = ""
    #: an Input's placeholder (a catalog key) and the characters it accepts (a regex)
    placeholder_key: str = ""
    restrict: str | None = None
    #: the row's id and classes, where a page shows or hides rows (Web Config's ``-oauth2``)
    row_id: str | None = None
    row_classes: str = ""

    @property
    def id(self) -> str:
        """The id of the field's widget; its message line is ``<id>-error`` on Web Config."""
        return self.widget_id or f"field-{self.name}"


def compose_fields(
    specs: Sequence[FieldSpec], values: FormValues, t: Callable[..., str]
) -> ComposeResult:
    """Label, widget and (hidden until needed) error line for each field."""
    for spec in specs:
        with Vertical(classes="form-field"):
            with Horizontal(classes="form-row", id=f"row-{spec.name}"):
                yield Label(t(spec.label_key), id=f"label-{spec.name}", markup=False)
                yield field_widget(spec, values.get(spec.name), t)
            error = Static("", id=f"error-{spec.name}", classes="field-error", markup=False)
            error.display = False
            yield error


def field_widget(spec: FieldSpec, value: FieldValue, t: Callable[..., str]) -> Input | Select[FieldValue]:
    """The field's widget: a Select of its choices (the first when ``value`` is none of them),
    else an Input showing ``value``."""
    if spec.choices:
        options = [(t(key), v) for key, v in spec.choices]
        known = [v for _, v in spec.choices]
        return LazySelect(
            options,
            value=value if value in known else known[0],
            allow_blank=False,
            id=spec.id,
            compact=True,
        )
    return Input(
        "" if value is None else str(value),
        placeholder=t(spec.placeholder_key) if spec.placeholder_key else "",
        password=spec.password,
        restrict=spec.restrict,
        max_length=spec.max_length,
        id=spec.id,
        compact=True,
    )


def read_fields(container: DOMNode, specs: Sequence[FieldSpec]) -> FormValues:
    """Current values of the form's widgets (Inputs as typed, Selects as their values)."""
    values: FormValues = {}
    for spec in specs:
        widget = cast("Input | Select[FieldValue]", container.query_one(f"#{spec.id}"))
        values[spec.name] = cast(FieldValue, widget.value)  # a Select here never allows a blank
    return values


def show_errors(container: DOMNode, specs: Sequence[FieldSpec], errors: dict[str, str]) -> None:
    """Put each message under its field; clear the others. Unknown fields go to #form-error."""
    names = {spec.name for spec in specs}
    for spec in specs:
        error = container.query_one(f"#error-{spec.name}", Static)
        text = errors.get(spec.name, "")
        error.update(text)
        error.display = bool(text)
    rest = [text for name, text in errors.items() if name not in names]
    general = container.query(f"#form-error")
    if general:
        general.first(Static).update("\n".join(rest))
        general.first(Static).display = bool(rest)
    first = next((spec.name for spec in specs if spec.name in errors), None)
    if first is not None:
        container.query_one(f"#field-{first}").focus()


def apply_enabled(container: DOMNode, specs: Sequence[FieldSpec]) -> None:
    """Disable fields whose `enabled_when` is false for the current values."""
    values = read_fields(container, specs)
    for spec in specs:
        if spec.enabled_when is not None:
            container.query_one(f"#{spec.id}").disabled = not spec.enabled_when(values)
