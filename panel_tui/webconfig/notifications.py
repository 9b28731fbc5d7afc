"""Device Management > Email Notification: four recipient addresses, each with its events.

The fields are the device's ``notifications`` settings (``address_N`` and ``<event>_N``). OK
validates all of them through ``device.update`` (messages at the fields, nothing saved on
error), as on the Email Server Basic page. Sending itself is the device's
(``device_model.notifications``): this page only edits who gets what, and offers a test
notification to the addresses typed in now (so a trainer can try before saving).
"""

from __future__ import annotations

import logging

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from panel_tui.ui import busy
from panel_tui.ui.host import host
from panel_tui.ui.text import describe_error, job_outcome_text, tr
from panel_tui.ui.widgets import TickBox
from panel_tui.ui.workers import reported
from panel_tui.widgets.form import FormValues
from panel_tui.webconfig.field_errors import clear_field_errors, show_field_errors

log = logging.getLogger(__name__)

#: the same order as device_model.settings.NOTIFICATION_EVENTS (kept here so the page composes
#: without importing the device model's settings module first)
EVENTS: tuple[str, ...] = ("job_error", "admin_password", "settings_changed", "status_sheet", "signin_expired")
SLOTS = 4


def address_id(n: int) -> str:
    """Widget id of slot ``n``'s address field (its message: ``<id>-error``)."""
    return f"en-address-{n}"


def event_id(event: str, n: int) -> str:
    """Widget id of the checkbox for ``event`` in slot ``n``."""
    return f"en-{event.replace('_', '-')}-{n}"


class EmailNotificationPage(VerticalScroll, can_focus=False):
    """Device Management > Email Notification (log-in required, like every settings page)."""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.email_notification"), classes="page-title", markup=False)
        yield Static(t("webconfig.notify.intro"), classes="page-note", markup=False)
        for n in range(1, SLOTS + 1):
            with Horizontal(classes="field-row notify-address"):
                yield Label(t("webconfig.notify.address", n=n), classes="field-label", markup=False)
                yield Input(id=address_id(n), compact=True)
            yield Static(id=f"{address_id(n)}-error", classes="field-error", markup=False)
            for event in EVENTS:
                yield TickBox(t(f"notifications.event.{event}"), id=event_id(event, n), compact=True,
                              classes="notify-event")
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ok"), id="en-ok", compact=True)
            yield Button(t("webconfig.notify.test"), id="en-test", compact=True)
        yield Static(id="en-result", classes="page-result", markup=False)
        yield Static(id="en-test-result", classes="page-result", markup=False)

    def on_mount(self) -> None:
        self.load_settings()

    # -- values -------------------------------------------------------------------------

    def load_settings(self) -> None:
        """Show what the printer holds now (a page left without OK forgets its edits)."""
        ns = host(self).device.settings.notifications
        for n in range(1, SLOTS + 1):
            # the slots are numbered fields of NotificationSettings: address_1..4, <event>_1..4
            self.query_one(f"#{address_id(n)}", Input).value = getattr(ns, f"address_{n}") or ""
            for event in EVENTS:
                self.query_one(f"#{event_id(event, n)}", TickBox).value = bool(getattr(ns, f"{event}_{n}"))
        self._clear_errors()

    def values(self) -> FormValues:
        """The page's fields as ``notifications`` settings values."""
        values: FormValues = {}
        for n in range(1, SLOTS + 1):
            values[f"address_{n}"] = self.query_one(f"#{address_id(n)}", Input).value.strip()
            for event in EVENTS:
                values[f"{event}_{n}"] = self.query_one(f"#{event_id(event, n)}", TickBox).value
        return values

    def _clear_errors(self) -> None:
        clear_field_errors(self, (address_id(n) for n in range(1, SLOTS + 1)))

    # -- OK -----------------------------------------------------------------------------

    @on(Button.Pressed, "#en-ok")
    def press_ok(self) -> None:
        """Save all four slots at once, or none of them with the messages at the fields."""
        from device_model.validation import ValidationError

        self._clear_errors()
        result = self.query_one("#en-result", Static)
        try:
            host(self).device.update("notifications", **self.values())
        except ValidationError as exc:
            messages = {address_id(int(name.rsplit("_", 1)[1])): tr(self, msg)
                        for name, msg in exc.errors.items() if name.startswith("address_")}
            result.update(tr(self, "webconfig.notify.invalid"))
            result.set_class(True, "-error")
            show_field_errors(self, messages)
            return
        result.set_class(False, "-error")
        result.update(tr(self, "webconfig.notify.saved"))

    # -- test notification --------------------------------------------------------------

    def test_recipients(self) -> list[str]:
        """The typed addresses that pass the sender-address rules (the test goes only there)."""
        from device_model.field_checks import check_sender_address

        out: list[str] = []
        for n in range(1, SLOTS + 1):
            address = self.query_one(f"#{address_id(n)}", Input).value.strip()
            if address and check_sender_address(address) is None and address not in out:
                out.append(address)
        return out

    @on(Button.Pressed, "#en-test")
    def send_test(self) -> None:
        result = self.query_one("#en-test-result", Static)
        to = self.test_recipients()
        if not to:
            result.update(tr(self, "webconfig.notify.test_need_address"))
            return
        result.update(tr(self, "webconfig.notify.test_sending", to=", ".join(to)))
        busy.hold(self.query_one("#en-test", Button))
        self._send_test_worker(to)

    @work(exclusive=True, group="webconfig-test-notification", exit_on_error=False)
    @reported
    async def _send_test_worker(self, to: list[str]) -> None:
        from device_model.notifications import send_notification

        result = self.query_one("#en-test-result", Static)
        try:
            job = await send_notification(host(self).device, "test", to)
        except OSError as exc:  # the job log could not be written (send failures end in the job)
            log.info("test notification failed: %s", type(exc).__name__)
            result.update(describe_error(self, exc))
        else:
            result.update(job_outcome_text(self, job))
        finally:
            busy.release(self.query_one("#en-test", Button))
