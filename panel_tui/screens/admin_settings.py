"""Security Settings > Admin Settings: Admin Password (Register, Change, Reset) and Lock Setting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from panel_tui.screens.base import PanelScreen
from panel_tui.screens.form_screen import FormScreen
from panel_tui.widgets.form import FieldSpec, FormValues

if TYPE_CHECKING:
    from panel_tui.menu_tree import MenuNode


def _confirm_or_raise(new: str, confirm: str) -> None:
    from device_model.i18n import Msg
    from device_model.validation import ValidationError

    if new != confirm:
        raise ValidationError({"confirm_password": Msg.of("panel.admin.mismatch")})


def _password_field(name: str) -> FieldSpec:
    return FieldSpec(name, f"panel.field.{name}", password=True, max_length=20)


class _PasswordScreen(FormScreen):
    """The admin password forms: the new password twice, the rules above, nothing prefilled."""

    HELP_KEY = "panel.help.admin_password"

    def fields(self) -> Sequence[FieldSpec]:
        return (_password_field("new_password"), _password_field("confirm_password"))

    def current_values(self) -> FormValues:
        return {}

    def intro(self) -> str | None:
        return self.t("panel.admin.rules")


class RegisterPasswordScreen(_PasswordScreen):
    """Register an admin password where none is registered.

    ``log_in``: opened by Lock Setting to turn the lock on; the new password also logs the
    administrator in (they just typed it twice), so the lock goes on without a third entry.
    """

    def __init__(self, node: MenuNode | None = None, *, log_in: bool = False) -> None:
        super().__init__(node)
        self.log_in = log_in

    def save(self, values: FormValues) -> None:
        _confirm_or_raise(values["new_password"], values["confirm_password"])
        self.device.admin.register_password(values["new_password"])
        if self.log_in:
            self.device.admin.login(values["new_password"])


class ChangePasswordScreen(_PasswordScreen):
    """Change the admin password: the current one, then the new one twice."""

    def fields(self) -> Sequence[FieldSpec]:
        return (_password_field("old_password"), *super().fields())

    def save(self, values: FormValues) -> None:
        _confirm_or_raise(values["new_password"], values["confirm_password"])
        self.device.admin.change_password(values["old_password"], values["new_password"])


class ConfirmScreen(PanelScreen):
    """A yes/no confirmation with a message; subclasses act in `confirmed()`."""

    HINTS_KEY = "panel.hints.confirm"
    MESSAGE_KEY = ""
    OK_KEY = "panel.common.ok"

    def compose_body(self) -> ComposeResult:
        yield Static(self.t(self.MESSAGE_KEY), id="confirm-message", classes="message", markup=False)
        yield Static("", id="confirm-result", classes="message", markup=False)
        with Horizontal(classes="form-buttons"):
            yield Button(self.t(self.OK_KEY), id="ok", compact=True)
            yield Button(self.t("panel.common.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.confirmed()

    def confirmed(self) -> None:
        raise NotImplementedError


class ResetPasswordScreen(ConfirmScreen):
    """Reset the admin password to the factory value (the serial number)."""

    HELP_KEY = "panel.help.admin_password"
    MESSAGE_KEY = "panel.admin.reset_confirm"

    def confirmed(self) -> None:
        from device_model.admin import AdminError

        try:
            self.device.admin.reset_password()
        except AdminError as exc:
            self.query_one("#confirm-result", Static).update(self.device.t(exc.msg))
            return
        self.notify(self.t("panel.admin.reset_done"))
        self.app.pop_screen()


class RestoreDefaultSettingsScreen(ConfirmScreen):
    """System Administration > Restore Default Settings: the device as from the factory.

    Settings, the admin password, the email sign-in and the job log (``Device.factory_reset``,
    journalled so a kill halfway is finished at the next start). The admin session ends and the
    language may change with it, so the panel goes Home, as after Operation Time Out.
    """

    HELP_KEY = "panel.help.restore_default_settings"
    MESSAGE_KEY = "panel.admin.restore_confirm"

    def confirmed(self) -> None:
        done = self.t("device.notice.factory_reset_done")  # in the language the user confirmed in
        self.device.factory_reset()
        self.panel.note_login_change()
        self.notify(done, timeout=6)
        self.panel.go_home()


class LockSettingScreen(FormScreen):
    """Lock Setting On/Off.

    Turning the lock on asks for the administrator password first, as the printer does (and,
    where no password is registered yet, has one registered first): a person who cannot give
    it must not be able to lock the panel. The right password also logs the administrator in,
    so Save returns to the menu the person came from (inside System Administration, which is
    locked from now on) instead of leaving them in a menu they may no longer open.
    """

    SECTION = "admin"
    HELP_KEY = "panel.help.lock_setting"

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        #: the Register form was opened for the lock: coming back registered, ask the password
        self._registering = False

    def fields(self) -> Sequence[FieldSpec]:
        return (
            FieldSpec("lock_setting", "panel.field.lock_setting",
                      choices=(("panel.field.on", True), ("panel.field.off", False))),
        )

    def action_save(self) -> None:
        admin = self.device.admin
        turning_on = bool(self.values_to_save().get("lock_setting")) and not admin.lock_setting
        if turning_on and not admin.logged_in:
            self._ask_for_password()
            return
        if turning_on:
            # already logged in as administrator: the password was given at the login, as on the
            # printer; said the same way as after the password (the lock is on, still logged in)
            self._engage()
            return
        super().action_save()

    def save(self, values: FormValues) -> None:
        self.device.admin.set_lock(bool(values["lock_setting"]))
        self.panel.note_login_change()

    def _ask_for_password(self) -> None:
        """The administrator password (or, with none registered, a new one) before locking."""
        from panel_tui.screens.keypad import KeypadScreen

        if not self.device.admin.password_registered:
            from panel_tui import menu_tree

            self._registering = True
            self.notify(self.t("panel.lock.register_first"))
            self.app.push_screen(RegisterPasswordScreen(menu_tree.find("admin_password_register"), log_in=True))
            return
        self.app.push_screen(KeypadScreen(prompt_key="panel.lock.password_to_lock"), self._password_given)

    def _password_given(self, ok: bool | None) -> None:
        if ok:  # the keypad logged the administrator in; a wrong password never gets here
            self._engage()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self._registering:
            self._registering = False
            if self.device.admin.password_registered and self.device.admin.logged_in:
                self._engage()

    def _engage(self) -> None:
        """Lock Setting On with the administrator logged in; back to the menu."""
        self.device.admin.set_lock(True)
        self.panel.note_login_change()
        self.notify(self.t("panel.lock.engaged"), timeout=6)
        self.call_after_refresh(self.dismiss_form)
