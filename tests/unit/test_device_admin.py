"""Admin lock: hashed password, lock, login, wrong password, throttling, timeout, logout."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from device_model import AdminError, Device, FrozenClock, ValidationError
from device_model import admin as admin_module
from device_model.admin import BASE_DELAY, FREE_ATTEMPTS, MAX_DELAY


class RealTime:
    """Stands in for the real clock the password throttle runs on (``admin.throttle_now``)."""

    def __init__(self) -> None:
        self.now = FrozenClock.DEFAULT

    def __call__(self):  # noqa: ANN204
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture(autouse=True)
def real_time(monkeypatch: pytest.MonkeyPatch) -> RealTime:
    fake = RealTime()
    monkeypatch.setattr(admin_module, "throttle_now", fake)
    return fake


@pytest.fixture
def dev(tmp_path: Path) -> Device:
    return Device(tmp_path, clock=FrozenClock())


SERIAL = "X4ZB012345"


def test_password_starts_as_serial_and_is_stored_hashed(dev: Device) -> None:
    assert dev.profile.serial_number == SERIAL
    raw = (dev.state_dir / "admin.json").read_text()
    assert SERIAL not in raw  # the factory password is the profile's serial: nothing stored
    assert '"factory"' in raw
    assert dev.admin.login(SERIAL).ok
    dev.admin.change_password(SERIAL, "N3w-Passw0rd")
    raw = (dev.state_dir / "admin.json").read_text()
    assert "N3w-Passw0rd" not in raw and SERIAL not in raw
    assert '"scrypt"' in raw and '"salt"' in raw
    assert not any("N3w-Passw0rd" in p.read_text(errors="replace") for p in dev.state_dir.glob("*.json"))


def test_lock_login_logout(dev: Device) -> None:
    events = []
    dev.subscribe(events.append)
    assert not dev.admin.lock_active and dev.admin.unlocked
    assert not dev.admin.is_locked("network_settings")
    dev.admin.set_lock(True)
    assert dev.settings.admin.lock_setting is True
    assert dev.admin.lock_active and not dev.admin.logged_in
    for item in ("network_settings", "web_service_settings", "system_administration"):
        assert dev.admin.is_locked(item)
    assert not dev.admin.is_locked("basic_settings")
    res = dev.admin.login(SERIAL)
    assert res.ok and dev.admin.logged_in and not dev.admin.is_locked("network_settings")
    dev.admin.logout()
    assert not dev.admin.logged_in and dev.admin.is_locked("network_settings")
    kinds = [(e.kind, e.detail) for e in events if e.kind == "admin"]
    assert ("admin", "login") in kinds and ("admin", "logout") in kinds


def test_lock_survives_restart_session_does_not(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    dev.admin.set_lock(True)
    assert dev.admin.login(SERIAL).ok
    dev2 = Device(tmp_path, clock=FrozenClock())
    assert dev2.admin.lock_active and not dev2.admin.logged_in


def test_wrong_password_and_throttle(dev: Device, real_time: RealTime) -> None:
    for i in range(1, FREE_ATTEMPTS):
        res = dev.admin.login("wrong-one")
        assert res.status == "wrong" and res.retry_after == 0 and res.failures == i
        assert res.message is not None and res.message.key == "admin.wrong_password"
    res = dev.admin.login("wrong-again")
    assert res.status == "wrong" and res.retry_after == BASE_DELAY
    # even the right password is refused while throttled
    res = dev.admin.login(SERIAL)
    assert res.status == "throttled" and res.retry_after == BASE_DELAY and not dev.admin.logged_in
    assert "30" in dev.t(res.message)
    real_time.advance(timedelta(seconds=BASE_DELAY - 1))
    assert dev.admin.login(SERIAL).status == "throttled"
    real_time.advance(timedelta(seconds=1))
    # a further wrong try doubles the wait
    res = dev.admin.login("still-wrong")
    assert res.retry_after == 2 * BASE_DELAY
    real_time.advance(timedelta(seconds=2 * BASE_DELAY))
    assert dev.admin.login(SERIAL).ok
    assert dev.admin.failures == 0
    assert dev.admin.login("wrong").retry_after == 0  # counter was reset by the success


def test_throttle_survives_restart_and_applies_to_webconfig(tmp_path: Path, real_time: RealTime) -> None:
    clock = FrozenClock()
    dev = Device(tmp_path, clock=clock)
    for _ in range(FREE_ATTEMPTS):
        dev.admin.verify("nope")
    dev2 = Device(tmp_path, clock=clock)
    assert dev2.admin.verify(SERIAL).status == "throttled"
    assert dev2.admin.login(SERIAL).status == "throttled"
    real_time.advance(timedelta(seconds=BASE_DELAY))
    res = dev2.admin.verify(SERIAL)
    assert res.ok and not dev2.admin.logged_in  # Web Config check opens no panel session


def test_moving_the_device_clock_does_not_lift_the_throttle(dev: Device, real_time: RealTime) -> None:
    """F4 time travel must not make thousands of guesses a minute possible."""
    for _ in range(FREE_ATTEMPTS):
        dev.admin.login("wrong-one")
    dev.clock.advance(timedelta(days=365))
    assert dev.admin.login(SERIAL).status == "throttled"
    real_time.advance(timedelta(seconds=BASE_DELAY))
    assert dev.admin.login(SERIAL).ok


def test_huge_failure_count_costs_nothing_and_caps_the_wait(tmp_path: Path, real_time: RealTime) -> None:
    import json
    import time

    Device(tmp_path, clock=FrozenClock())
    path = tmp_path / "admin.json"
    doc = json.loads(path.read_text())
    doc["data"]["failures"] = 999_999
    path.write_text(json.dumps(doc))
    dev = Device(tmp_path, clock=FrozenClock())
    t0 = time.perf_counter()
    res = dev.admin.login("wrong")
    assert time.perf_counter() - t0 < 1 and res.retry_after == MAX_DELAY


def test_year_9999_throttle_waits_at_most_the_maximum(tmp_path: Path, real_time: RealTime) -> None:
    import json

    Device(tmp_path, clock=FrozenClock())
    path = tmp_path / "admin.json"
    doc = json.loads(path.read_text())
    doc["data"].update(failures=5, throttled_until="9999-12-31T23:59:59")  # naive too
    path.write_text(json.dumps(doc))
    dev = Device(tmp_path, clock=FrozenClock())
    assert dev.admin.login(SERIAL).retry_after == MAX_DELAY
    real_time.advance(timedelta(seconds=MAX_DELAY))
    assert dev.admin.login(SERIAL).ok


def test_operation_timeout_on_device_clock(dev: Device) -> None:
    events = []
    dev.subscribe(events.append)
    dev.update("basic", operation_timeout_on=True, operation_timeout_minutes=5)
    dev.admin.set_lock(True)
    assert dev.admin.login(SERIAL).ok
    dev.clock.advance(timedelta(minutes=4))
    dev.admin.touch()
    dev.clock.advance(timedelta(minutes=4, seconds=59))
    assert dev.admin.logged_in
    dev.clock.advance(timedelta(seconds=1))
    assert not dev.admin.logged_in  # checked on query
    assert ("admin", "timeout") in [(e.kind, e.detail) for e in events]
    assert dev.admin.is_locked("network_settings")


def test_operation_timeout_off_keeps_session(dev: Device) -> None:
    dev.update("basic", operation_timeout_on=False)
    dev.admin.set_lock(True)
    dev.admin.login(SERIAL)
    dev.clock.advance(timedelta(days=2))
    assert dev.admin.logged_in and dev.admin.expire_if_idle() is False


def test_change_register_reset(dev: Device) -> None:
    with pytest.raises(ValidationError) as info:
        dev.admin.change_password(SERIAL, "short")
    assert info.value.errors["new_password"].key == "validation.password_length"
    with pytest.raises(ValidationError):
        dev.admin.change_password(SERIAL, "x" * 21)
    with pytest.raises(ValidationError) as info:
        dev.admin.change_password(SERIAL, "päss-wörd-1")
    assert info.value.errors["new_password"].key == "validation.password_chars"
    with pytest.raises(AdminError) as err:
        dev.admin.change_password("wrong-old", "GoodPass#1")
    assert err.value.msg.key == "admin.wrong_password"
    dev.admin.change_password(SERIAL, "GoodPass#1")
    assert not dev.admin.login(SERIAL).ok
    assert dev.admin.login("GoodPass#1").ok
    with pytest.raises(AdminError):
        dev.admin.register_password("Another#22")  # already registered
    dev.admin.set_lock(True)
    dev.admin.logout()
    with pytest.raises(AdminError) as err:
        dev.admin.reset_password()
    assert err.value.msg.key == "admin.login_required"
    dev.admin.login("GoodPass#1")
    dev.admin.reset_password()
    dev.admin.logout()
    assert dev.admin.login(SERIAL).ok


def test_register_when_factory_password_not_registered(tmp_path: Path) -> None:
    from dataclasses import replace

    from device_model import DeviceProfile

    profile = replace(DeviceProfile.default(), default_password_registered=False)
    dev = Device(tmp_path, profile=profile, clock=FrozenClock())
    assert not dev.admin.password_registered
    with pytest.raises(AdminError):
        dev.admin.set_lock(True)
    dev.admin.register_password("FirstPass1")
    dev.admin.set_lock(True)
    assert dev.admin.lock_active
    assert dev.admin.login("FirstPass1").ok


def test_an_empty_password_asks_for_one_and_does_not_count(dev: Device, real_time: RealTime) -> None:
    """Enter on an empty field is no wrong password: no failure, no wait (a slip of the finger
    must not lock the administrator out)."""
    for _ in range(FREE_ATTEMPTS + 2):
        res = dev.admin.login("")
        assert res.status == "empty" and res.retry_after == 0
        assert res.message is not None and res.message.key == "admin.password_needed"
    assert dev.admin.failures == 0 and dev.admin.retry_after() == 0
    assert dev.admin.verify("").status == "empty" and dev.admin.failures == 0
