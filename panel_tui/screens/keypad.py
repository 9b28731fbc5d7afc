"""The admin password entry: a modal text field usable by keyboard alone.

The password has letters (the factory one is the serial number, e.g. X4ZB012345), so this is a
text field that says so, not a numeric keypad: characters are typed straight into the (masked)
field; Enter is OK, Esc cancels. Wrong passwords get a message; when the device throttles
retries the wait is shown, counting down, and OK is refused until it has passed (a password
typed meanwhile stays in the field, "not checked", for an Enter once the wait is over). An
empty field asks for the password and is not counted as a wrong one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from panel_tui.ui.host import host
from panel_tui.ui.lockout import LockoutCountdown, answer_lead, keep_selected, lockout_line, wait_on_opening
from panel_tui.widgets.chrome import KeyHints

if TYPE_CHECKING:
    from device_model.admin import LoginResult


def login_outcome(result: LoginResult) -> tuple[bool, float]:
    """(succeeded, seconds to wait before the next try) from the device's LoginResult."""
    return result.ok, float(result.retry_after)


class KeypadScreen(ModalScreen[bool]):
    """Ask for the administrator password and log in; dismisses with True on success."""

    HELP_KEY = "panel.help.keypad"
    BINDINGS = [
        Binding("escape", "cancel", show=False),
    ]
    DEFAULT_CSS = """
    KeypadScreen { align: center middle; }
    KeypadScreen > Vertical {
        width: 44; height: auto; border: thick $primary; background: $surface; padding: 0 1;
    }
    KeypadScreen #kp-title { text-style: bold; width: 1fr; content-align: center middle; }
    KeypadScreen #kp-message { height: auto; min-height: 1; color: $error; }
    KeypadScreen #kp-input { margin: 1 0 0 0; }
    KeypadScreen #kp-kind { color: $text-muted; }
    KeypadScreen #kp-hint { margin: 1 0 0 0; }
    KeypadScreen #kp-buttons { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    KeypadScreen #kp-buttons Button { margin: 0 0 0 2; }
    """

    def __init__(self, title_key: str = "panel.keypad.title", prompt_key: str = "panel.keypad.prompt") -> None:
        super().__init__()
        self.title_key = title_key
        #: what the password is asked for (logging in; turning the lock on)
        self.prompt_key = prompt_key
        #: the answer's first line (wrong / not checked / asks for it); the wait's line follows
        self._lead = ""
        self._countdown = LockoutCountdown(self, self._show_wait)

    def t(self, key: str, **params: object) -> str:
        return host(self).t(key, **params)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.t(self.title_key), id="kp-title", markup=False)
            yield Static(self.t(self.prompt_key), id="kp-prompt", markup=False)
            yield Input(
                password=True,
                id="kp-input",
                max_length=20,
                placeholder=self.t("panel.keypad.placeholder"),
            )
            yield Static(self.t("panel.keypad.kind"), id="kp-kind", markup=False)
            yield Static("", id="kp-message", markup=False)
            yield Static(self.t("panel.keypad.hint"), id="kp-hint", markup=False)
            with Horizontal(id="kp-buttons"):
                for button_id, key in (("kp-ok", "panel.common.ok"), ("kp-cancel", "panel.common.cancel")):
                    button = Button(self.t(key), id=button_id, compact=True)
                    button.can_focus = False  # for the mouse; the keyboard has Enter and Esc
                    yield button
        yield KeyHints(self.t("panel.hints.keypad"), id="hints")

    def on_mount(self) -> None:
        self.query_one("#kp-input", Input).focus()
        wait_on_opening(self, self._countdown, self._show_wait)

    @on(Button.Pressed)
    def _key(self, event: Button.Pressed) -> None:
        event.stop()
        field = self.query_one("#kp-input", Input)
        if event.button.id == "kp-cancel":
            self.action_cancel()
            return
        if event.button.id == "kp-ok":
            self._submit(field.value)
        field.focus()

    @on(Input.Submitted, "#kp-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def _submit(self, password: str) -> None:
        device = host(self).device
        field = self.query_one("#kp-input", Input)
        result = device.admin.login(password)
        ok, wait = login_outcome(result)
        if ok:
            self.dismiss(True)
            return
        if result.status == "wrong":
            field.value = ""
        elif result.status == "throttled":
            keep_selected(field)  # Enter once the wait is over tries it; typing replaces it
        self._lead = answer_lead(self, result)
        self._show_wait(int(wait + 0.999))
        self._countdown.follow(int(wait + 0.999))

    def _show_wait(self, seconds: int) -> None:
        """The answer, with the lock-out's line under it while (and just after) it lasts."""
        lines = [self._lead] if self._lead else []
        if seconds > 0 or self._countdown.running:
            lines.append(lockout_line(self, seconds))
        self.query_one("#kp-message", Static).update("\n".join(lines))

    def action_cancel(self) -> None:
        self.dismiss(False)
