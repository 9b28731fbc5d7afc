"""FormScreen: a settings screen that edits one device section and saves with validation."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from panel_tui.menu_tree import MenuNode
from panel_tui.screens.base import PanelScreen
from panel_tui.widgets.form import (
    ARROW_FIELD_BINDINGS,
    FieldSpec,
    FormValues,
    apply_enabled,
    arrow_moves_focus,
    compose_fields,
    read_fields,
    show_errors,
)


class FormScreen(PanelScreen):
    """Edit fields of `SECTION`; Save calls `device.update`; a ValidationError shows per field."""

    SECTION = ""
    HINTS_KEY = "panel.hints.form"
    FOCUS_HINTS = {"select": "panel.hints.form_list", "cancel": "panel.hints.form_cancel"}
    HELP_KEY = "panel.help.form"
    #: Esc leaves as Cancel does (saying "Not saved" when something was changed); an open
    #: drop-down list takes Esc first (it closes the list)
    BINDINGS = [
        Binding("ctrl+s", "save", show=False),
        Binding("escape", "cancel", show=False),
        *ARROW_FIELD_BINDINGS,
    ]

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self._draft: FormValues | None = None
        #: what the fields showed when the form opened (a change from it is unsaved until Save)
        self._opened_with: FormValues | None = None

    def fields(self) -> Sequence[FieldSpec]:
        raise NotImplementedError

    def current_values(self) -> FormValues:
        section = self.device.settings.section(self.SECTION)
        return {spec.name: getattr(section, spec.name) for spec in self.fields()}

    def intro(self) -> str | None:
        return None

    def compose_body(self) -> ComposeResult:
        values = self._draft if self._draft is not None else self.current_values()
        # not a Tab stop of its own: focused, the box shows nothing, and Tab seemed to go nowhere
        # (the focused field scrolls itself into view)
        with VerticalScroll(classes="form", id="form", can_focus=False):
            intro = self.intro()
            if intro:
                yield Static(intro, id="form-intro", markup=False)
            yield from compose_fields(self.fields(), values, self.t)
            general = Static("", id="form-error", classes="field-error", markup=False)
            general.display = False
            yield general
        with Horizontal(classes="form-buttons"):
            yield Button(self.t("panel.common.save"), id="save", compact=True)
            yield Button(self.t("panel.common.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        apply_enabled(self, self.fields())
        if self._opened_with is None:
            self._opened_with = read_fields(self, self.fields())
        self.query_one("#form").query("Input, Select").first().focus()

    def action_field_next(self) -> None:
        arrow_moves_focus(self, forward=True)

    def action_field_previous(self) -> None:
        arrow_moves_focus(self, forward=False)

    def language_changed(self) -> None:
        # Keep what the user typed across the recompose.
        if self.is_mounted and self.query("#form"):
            self._draft = read_fields(self, self.fields())
        super().language_changed()

    @on(Select.Changed)
    def _changed(self) -> None:
        apply_enabled(self, self.fields())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def has_unsaved_changes(self) -> bool:
        """Whether a field shows other than it did when the form opened."""
        if self._opened_with is None or not self.query("#form"):
            return False
        return read_fields(self, self.fields()) != self._opened_with

    def action_cancel(self) -> None:
        """Cancel or Esc: leave without saving. A change is said to be not saved: a trial user
        picked Lock Setting On, Tab landed on Cancel, Enter, and the lock stayed Off without a
        word."""
        if self.has_unsaved_changes():
            self.notify(self.t("panel.common.not_saved"))
        self.dismiss_form()

    def values_to_save(self) -> FormValues:
        """Only enabled fields are sent: a disabled manual IP keeps its stored value."""
        values = read_fields(self, self.fields())
        return {
            spec.name: values[spec.name]
            for spec in self.fields()
            if not self.query_one(f"#{spec.id}").disabled
        }

    def save(self, values: FormValues) -> None:
        """Hand the values to the device; raises ValidationError (or AdminError) on refusal."""
        self.device.update(self.SECTION, **values)

    def action_save(self) -> None:
        from device_model.admin import AdminError
        from device_model.validation import ValidationError

        try:
            self.save(self.values_to_save())
        except ValidationError as exc:
            show_errors(self, self.fields(), {name: self.device.t(msg) for name, msg in exc.errors.items()})
            return
        except AdminError as exc:  # a refused password change says why
            show_errors(self, self.fields(), {"_": self.device.t(exc.msg)})
            return
        show_errors(self, self.fields(), {})
        self.notify(self.t("panel.common.saved"))
        self.dismiss_form()

    def dismiss_form(self) -> None:
        if self.is_current and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
