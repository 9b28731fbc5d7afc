"""The admin password keypad: a modal usable by keyboard alone.

Characters are typed straight into the (masked) field; Enter is OK, Esc cancels. The on-screen
keys are for mouse users and for show; they never take focus. Wrong passwords get a message;
when the device throttles retries the wait is shown and OK is refused until it has passed.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK")


def login_outcome(result: Any) -> tuple[bool, float]:
    """(succeeded, seconds to wait before the next try) from the device's LoginResult."""
    if isinstance(result, bool):
        return result, 0.0
    ok = bool(getattr(result, "ok", getattr(result, "success", False)))
    wait = getattr(result, "wait_seconds", None)
    if wait is None:
        wait = getattr(result, "retry_after", 0) or 0
    if hasattr(wait, "total_seconds"):
        wait = wait.total_seconds()
    return ok, float(wait)


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
    KeypadScreen #kp-keys { grid-size: 3; grid-gutter: 0 1; height: auto; margin: 1 4 0 4; }
    KeypadScreen #kp-keys Button { width: 1fr; min-width: 5; }
    KeypadScreen #kp-hint { color: $text-muted; }
    KeypadScreen #kp-buttons { height: auto; align-horizontal: right; }
    """

    def __init__(self, title_key: str = "panel.keypad.title") -> None:
        super().__init__()
        self.title_key = title_key

    def t(self, key: str, **params: Any) -> str:
        return self.app.t(key, **params)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.t(self.title_key), id="kp-title")
            yield Static(self.t("panel.keypad.prompt"))
            yield Input(password=True, id="kp-input", max_length=20, compact=True)
            yield Static("", id="kp-message")
            with Grid(id="kp-keys"):
                for key in KEYS:
                    b = Button(key, id=f"kp-key-{KEYS.index(key)}", compact=True)
                    b.can_focus = False
                    yield b
            yield Static(self.t("panel.keypad.hint"), id="kp-hint")
            with Horizontal(id="kp-buttons"):
                cancel = Button(self.t("panel.common.cancel"), id="kp-cancel", compact=True)
                cancel.can_focus = False
                yield cancel

    def on_mount(self) -> None:
        self.query_one("#kp-input", Input).focus()

    @on(Button.Pressed)
    def _key(self, event: Button.Pressed) -> None:
        event.stop()
        field = self.query_one("#kp-input", Input)
        if event.button.id == "kp-cancel":
            self.action_cancel()
            return
        label = str(event.button.label)
        if label == "OK":
            self._submit(field.value)
        elif label == "⌫":
            field.value = field.value[:-1]
        else:
            field.insert_text_at_cursor(label)
        field.focus()

    @on(Input.Submitted, "#kp-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def _submit(self, password: str) -> None:
        device: Any = self.app.device  # type: ignore[attr-defined]
        message = self.query_one("#kp-message", Static)
        field = self.query_one("#kp-input", Input)
        result = device.admin.login(password)
        ok, wait = login_outcome(result)
        if ok:
            self.dismiss(True)
            return
        field.value = ""
        status = getattr(result, "status", "wrong")
        lines = []
        if status == "throttled":
            lines.append(self.t("panel.keypad.throttled", seconds=int(wait + 0.999)))
        else:
            msg = getattr(result, "message", None)
            lines.append(device.t(msg) if msg is not None else self.t("panel.keypad.wrong"))
            if wait > 0:
                lines.append(self.t("panel.keypad.throttled", seconds=int(wait + 0.999)))
        message.update("\n".join(lines))

    def action_cancel(self) -> None:
        self.dismiss(False)
