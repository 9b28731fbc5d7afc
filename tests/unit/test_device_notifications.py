"""Email Notification: the settings section and the dispatcher's decisions (email layer faked)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from device_model import Device, FrozenClock
from device_model.i18n import Msg
from device_model.notifications import NotificationDispatcher, classify, send_notification
from device_model.settings import NOTIFICATION_EVENTS, NotificationSettings
from device_model.validation import ValidationError


class FakeEmail:
    """Records notify() calls and logs a notification job as the real client would."""

    def __init__(self, device: Device, *, fail: bool = False) -> None:
        self.device = device
        self.fail = fail
        self.sent: list[tuple[str, list[str]]] = []
        self.threads: list[str] = []

    def status(self) -> Any:
        return None

    async def notify(self, event: Msg, to: list[str] | None = None) -> Any:
        self.sent.append((event.key, list(to or [])))
        self.threads.append(threading.current_thread().name)
        status, code = ("error", 360) if self.fail else ("completed", None)
        return await asyncio.to_thread(self.device.jobs.record, "notification", ", ".join(to or []), status, code)


@pytest.fixture
def device(tmp_path: Path) -> Device:
    dev = Device(tmp_path / "state", clock=FrozenClock())
    dev.email = FakeEmail(dev)
    return dev


@pytest.fixture
def dispatcher(device: Device) -> Any:
    d = NotificationDispatcher(device).start()
    yield d
    d.stop()


def test_section_defaults_and_round_trip(tmp_path: Path) -> None:
    dev = Device(tmp_path / "s")
    assert dev.settings.notifications == NotificationSettings()
    dev.update("notifications", address_1="ops@contoso.com", job_error_1="on", status_sheet_1=True)
    again = Device(tmp_path / "s")
    assert again.settings.notifications.address_1 == "ops@contoso.com"
    assert again.settings.notifications.recipients("job_error") == ["ops@contoso.com"]
    assert again.settings.notifications.recipients("settings_changed") == []


def test_addresses_use_the_sender_rules_and_nothing_is_saved_on_error(device: Device) -> None:
    with pytest.raises(ValidationError) as exc:
        device.update("notifications", address_1="ok@contoso.com", address_2="bad(addr", address_3=".x@y")
    assert exc.value.errors["address_2"].key == "validation.sender_chars"
    assert exc.value.errors["address_3"].key == "validation.sender_leading_dot"
    assert device.settings.notifications.address_1 == ""


def test_an_event_for_an_empty_slot_needs_an_address(device: Device) -> None:
    with pytest.raises(ValidationError) as exc:
        device.update("notifications", admin_password_4=True)
    assert exc.value.errors == {"address_4": Msg.of("validation.required")}


def test_recipients_in_slot_order_without_repeats() -> None:
    s = NotificationSettings(address_1="a@x.y", job_error_1=True, address_2="b@x.y", job_error_2=True,
                             address_3="a@x.y", job_error_3=True, address_4="c@x.y")
    assert s.recipients("job_error") == ["a@x.y", "b@x.y"]


def test_event_names_are_translated_in_both_languages(device: Device) -> None:
    for lang in ("en", "lv"):
        for event in (*NOTIFICATION_EVENTS, "test"):
            text = device.catalog.translate(lang, f"notifications.event.{event}")
            assert text and text != f"notifications.event.{event}"


def test_classify_device_events(device: Device) -> None:
    assert classify(device, "admin", "password") == "admin_password"
    assert classify(device, "admin", "login") is None
    assert classify(device, "settings", "network") == "settings_changed"
    assert classify(device, "settings", "email_server") == "settings_changed"
    assert classify(device, "settings", "basic") is None
    assert classify(device, "settings", "notifications") is None
    assert classify(device, "signin", {"event": "expired"}) == "signin_expired"
    assert classify(device, "signin", {"event": "committed"}) is None
    active = device.jobs.start("email", "a@b.c")
    assert classify(device, "jobs", active.id) is None
    failed = device.jobs.finish(active, "error", 360)
    assert classify(device, "jobs", failed.id) == "job_error"
    scan = device.jobs.record("scan_to_email", "a@b.c", "error", 314)
    assert classify(device, "jobs", scan.id) == "job_error"
    ok = device.jobs.record("email", "a@b.c")
    assert classify(device, "jobs", ok.id) is None
    printed = device.jobs.record("print", "sheet")
    assert classify(device, "jobs", printed.id) == "status_sheet"
    assert classify(device, "jobs", None) is None


def test_failed_or_completed_notification_jobs_are_never_events(device: Device) -> None:
    failed = device.jobs.record("notification", "a@b.c", "error", 361)
    done = device.jobs.record("notification", "a@b.c")
    assert classify(device, "jobs", failed.id) is None
    assert classify(device, "jobs", done.id) is None


def test_each_event_goes_to_the_addresses_that_asked(device: Device, dispatcher: NotificationDispatcher) -> None:
    device.update("notifications", address_1="ops@contoso.com", settings_changed_1=True, status_sheet_1=True,
                  address_2="boss@contoso.com", settings_changed_2=True, admin_password_2=True)
    device.update("network", device_name="EPSON-OFFICE")
    device.jobs.record("print", "Network Status Sheet")
    device.emit("admin", "password")
    dispatcher.wait_idle(timeout=30)
    fake: FakeEmail = device.email
    assert sorted(fake.sent) == sorted([
        ("notifications.event.settings_changed", ["ops@contoso.com", "boss@contoso.com"]),
        ("notifications.event.status_sheet", ["ops@contoso.com"]),
        ("notifications.event.admin_password", ["boss@contoso.com"]),
    ])
    kinds = [j.kind for j in device.jobs.log]
    assert kinds.count("notification") == 3


def test_nobody_configured_sends_nothing(device: Device, dispatcher: NotificationDispatcher) -> None:
    device.update("network", device_name="EPSON-OFFICE")
    device.emit("admin", "password")
    assert dispatcher.wait_idle(timeout=30) == []
    assert device.email.sent == []


def test_a_failing_notification_does_not_notify_again(tmp_path: Path) -> None:
    dev = Device(tmp_path / "state", clock=FrozenClock())
    dev.email = fake = FakeEmail(dev, fail=True)
    dev.update("notifications", address_1="ops@contoso.com", job_error_1=True)
    d = NotificationDispatcher(dev).start()
    try:
        dev.jobs.record("email", "x@y.z", "error", 311)
        jobs = d.wait_idle(timeout=30)
        d.wait_idle(timeout=30)  # anything the failed notification might have caused
    finally:
        d.stop()
    assert fake.sent == [("notifications.event.job_error", ["ops@contoso.com"])]
    assert jobs[0].kind == "notification" and jobs[0].status == "error"


def test_wait_idle_reports_a_send_that_finished_before_it_was_called(device: Device,
                                                                      dispatcher: NotificationDispatcher) -> None:
    """A fast send (or a slow caller on a loaded machine) must not lose its result: the
    dispatcher's own bookkeeping of the finished send has run before wait_idle is called."""
    device.update("notifications", address_1="ops@contoso.com", admin_password_1=True)
    future = dispatcher.dispatch("admin_password")
    assert future is not None
    bookkept = threading.Event()
    future.add_done_callback(lambda _f: bookkept.set())  # runs after the dispatcher's own callback
    assert bookkept.wait(30)
    jobs = dispatcher.wait_idle(timeout=30)
    assert [(j.kind, j.status) for j in jobs] == [("notification", "completed")]
    assert dispatcher.wait_idle(timeout=30) == []  # each result once


def test_a_job_is_notified_once_and_expiry_once_per_sign_in(device: Device, dispatcher: NotificationDispatcher) -> None:
    device.update("notifications", address_1="ops@contoso.com", job_error_1=True, signin_expired_1=True)
    job = device.jobs.record("email", "x@y.z", "error", 311)
    device.emit("jobs", job.id)  # the same finished job reported again
    device.emit("signin", {"event": "expired"})
    device.emit("signin", {"event": "expired"})  # every refused refresh says so again
    dispatcher.wait_idle(timeout=30)
    device.emit("signin", {"event": "committed"})  # a new sign-in re-arms it
    device.emit("signin", {"event": "expired"})
    dispatcher.wait_idle(timeout=30)
    keys = [k for k, _ in device.email.sent]
    assert keys.count("notifications.event.job_error") == 1
    assert keys.count("notifications.event.signin_expired") == 2


def test_the_emitter_is_not_blocked_and_an_own_loop_thread_sends(device: Device) -> None:
    """Without a running loop the dispatcher starts its own thread; emit() returns at once."""
    gate = threading.Event()

    class SlowEmail(FakeEmail):
        async def notify(self, event: Msg, to: list[str] | None = None) -> Any:
            await asyncio.to_thread(gate.wait, 30)
            return await super().notify(event, to)

    device.email = slow = SlowEmail(device)
    device.update("notifications", address_1="ops@contoso.com", admin_password_1=True)
    d = NotificationDispatcher(device).start()
    try:
        device.emit("admin", "password")  # returns although the send waits for the gate
        assert slow.sent == []
        gate.set()
        d.wait_idle(timeout=30)
    finally:
        d.stop()
    assert slow.threads == ["notifications"]


async def test_a_running_loop_is_used_when_given(device: Device) -> None:
    loop = asyncio.get_running_loop()
    device.update("notifications", address_1="ops@contoso.com", admin_password_1=True)
    d = NotificationDispatcher(device, loop=loop).start()
    try:
        device.emit("admin", "password")  # from the loop's own thread
        future = await asyncio.to_thread(lambda: d.dispatch("admin_password"))  # and from another
        assert future is not None
        job = await asyncio.wrap_future(future)
        for pending in list(d._pending):
            await asyncio.wrap_future(pending)
    finally:
        d.stop()
    assert device.email.threads == [threading.current_thread().name] * 2
    assert job.kind == "notification"
    assert d._own_thread is None  # no extra thread was needed


async def test_send_notification_skips_empty_recipients(device: Device) -> None:
    assert await send_notification(device, "test", ["", ""]) is None
    job = await send_notification(device, "test", ["a@b.c", ""])
    assert job.kind == "notification"
    assert device.email.sent == [("notifications.event.test", ["a@b.c"])]


def test_unknown_event_is_refused(dispatcher: NotificationDispatcher) -> None:
    with pytest.raises(ValueError):
        dispatcher.dispatch("paper_jam")
