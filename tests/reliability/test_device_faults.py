"""Faults found while running, and the clock's bounds: each reaches the person, none stops anything."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from device_model import Device, FrozenClock
from device_model.clock import MAX_OFFSET, ClockRangeError
from device_model.storage import write_document
from tests.acceptance.conftest import Launch


def _signed_in(state: Path, cache: str) -> None:
    email = state / "email"
    email.mkdir(parents=True, mode=0o700)
    (email / "token_cache.json").write_text(cache)
    write_document(email / "signin.json", 1, {"service": "exchange_online", "account": "printer@contoso.example",
                                              "committed_at": "2026-03-02T09:30:00+00:00"})


@pytest.mark.parametrize("cache", ["[]", "null", '{"AccessToken": []}'])
def test_token_cache_of_the_wrong_shape_is_not_signed_in_and_reported(tmp_path: Path, cache: str) -> None:
    _signed_in(tmp_path, cache)
    dev = Device(tmp_path, clock=FrozenClock())
    assert dev.email_server_status().signin_state == "not_signed_in"
    assert [m.key for m in dev.startup_problems] == ["device.problem.corrupt_file"]
    assert list((tmp_path / "email").glob("token_cache.json.corrupt-*"))


def test_a_cache_damaged_while_running_reaches_the_running_panel(tmp_path: Path) -> None:
    _signed_in(tmp_path, json.dumps({"AccessToken": {}, "RefreshToken": {}}))
    dev = Device(tmp_path, clock=FrozenClock())
    assert dev.email_server_status().signin_state == "signed_in"
    events = []
    dev.subscribe(events.append)
    (tmp_path / "email" / "token_cache.json").write_text('{"AccessToken": {')  # truncated
    assert dev.email.store.read_cache_text() is None  # what the next send does first
    problems = [e.detail for e in events if e.kind == "problem"]
    assert [m.key for m in problems] == ["device.problem.corrupt_file"]
    assert dev.email_server_status().signin_state == "not_signed_in"


async def test_the_panel_shows_a_problem_found_while_running(tmp_path: Path) -> None:
    from device_model.i18n import Msg
    from panel_tui.app import PanelApp
    from panel_tui.config import AppConfig

    dev = Device(tmp_path, clock=FrozenClock())
    app = PanelApp(dev, AppConfig(state_dir=tmp_path), tick=False, cloud=False)
    async with app.run_test(size=(80, 24)) as pilot:
        dev.report_problem(Msg.of("device.problem.corrupt_file", file="token_cache.json",
                                  moved_to="token_cache.json.corrupt-x", reason="JSONDecodeError", kind="email"))
        await pilot.pause()
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("token_cache.json" in text for text in shown), shown


def test_the_device_clock_refuses_to_leave_its_range(tmp_path: Path) -> None:
    dev = Device(tmp_path)
    with pytest.raises(ClockRangeError):
        dev.clock.advance(timedelta(days=3_000_000))
    assert dev.clock.offset == timedelta(0)
    dev.clock.advance(MAX_OFFSET)
    assert Device(tmp_path).clock.offset == MAX_OFFSET and not Device(tmp_path).startup_problems


def test_script_advance_of_3000000_days_is_refused_and_leaves_the_state_dir_bootable(
        launch: Launch, tmp_path: Path, state_dir: Path) -> None:
    script_file = tmp_path / "far.panel"
    script_file.write_text("advance 3000000d --device-only\n")
    script = launch("panel-tui-script", str(script_file), "--state-dir", str(state_dir), cols=200)
    script.wait_for("cannot move", timeout=60)
    assert script.wait_exit(timeout=60) != 0
    dev = Device(state_dir)
    assert dev.startup_problems == [] and dev.clock.now().year < 2200


def test_start_restores_modes_and_removes_leftover_temp_files(tmp_path: Path) -> None:
    Device(tmp_path)
    os.chmod(tmp_path, 0o755)
    os.chmod(tmp_path / "settings.json", 0o644)
    (tmp_path / ".joblog.json.abc12345.tmp").write_text("{")
    (tmp_path / "notes.tmp").write_text("not ours")  # not of our temp-file shape: kept
    Device(tmp_path)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "settings.json").stat().st_mode) == 0o600
    assert not (tmp_path / ".joblog.json.abc12345.tmp").exists() and (tmp_path / "notes.tmp").exists()


def test_an_email_job_cut_short_by_a_kill_shows_interrupted(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    job = dev.jobs.start("scan_to_email", "a@b.lv")  # the process dies before finish()
    again = Device(tmp_path, clock=FrozenClock())
    logged = again.jobs.get(job.id)
    assert logged is not None and logged.status == "interrupted"
    assert again.t(logged.result_label) == "Interrupted — may have been delivered"
    assert again.jobs.start("email").id > job.id


def test_a_state_dir_that_refuses_writes_still_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user's state dir (or a full disk): every write fails with PermissionError."""
    from device_model import storage

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(storage, "atomic_write_bytes", refuse)
    dev = Device(tmp_path)
    assert [m.key for m in dev.startup_problems] == ["device.problem.unwritable"]
    assert dev.admin.login("wrong").status == "wrong"  # saving the counter fails, the login answers
    assert len(dev.startup_problems) == 1  # said once


def test_f4_time_travel_past_the_range_moves_neither_clock(tmp_path: Path) -> None:
    from panel_tui.cloud_link import CloudLink
    from panel_tui.config import AppConfig

    class TenantAdmin:
        moved: list[timedelta] = []

        def advance_clock(self, delta: timedelta) -> None:
            self.moved.append(delta)

    dev = Device(tmp_path, clock=FrozenClock())
    link = CloudLink(dev, AppConfig(state_dir=tmp_path))
    link.admin = TenantAdmin()
    link.advance_clock(timedelta(days=91))
    with pytest.raises(ClockRangeError):
        link.advance_clock(MAX_OFFSET)
    assert link.admin.moved == [timedelta(days=91)] and dev.clock.offset == timedelta(days=91)
