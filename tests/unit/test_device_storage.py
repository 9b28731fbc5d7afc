"""Persistence: atomic writes, owner-only files, recovery from corrupt state files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from device_model import Device, FrozenClock, Msg
from device_model.storage import atomic_write_bytes, atomic_write_json, load_document, write_document


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_creates_owner_only_file_and_dir(tmp_path: Path) -> None:
    target = tmp_path / "state" / "x.json"
    atomic_write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700
    # no temporary files left behind
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]


def test_atomic_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert _mode(target) == 0o600


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write_json(target, {"ok": True})
    with pytest.raises(TypeError):
        atomic_write_json(target, {"bad": object()})
    assert json.loads(target.read_text()) == {"ok": True}
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_load_document_roundtrip_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    assert load_document(path, 1).data is None and load_document(path, 1).problem is None
    write_document(path, 1, {"k": "v"})
    assert load_document(path, 1).data == {"k": "v"}


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2]", b'{"schema_version": 99, "data": {}}', b'{"schema_version": 1}', b""],
)
def test_corrupt_document_is_moved_aside_and_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(content)
    result = load_document(path, 1)
    assert result.data is None
    assert isinstance(result.problem, Msg) and result.problem.key == "device.problem.corrupt_file"
    assert not path.exists()
    assert result.moved_to is not None and result.moved_to.name.startswith("d.json.corrupt-")
    assert result.moved_to.read_bytes() == content  # the bad file is kept, byte for byte


def test_corrupt_settings_file_recovered_on_start(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    dev.update("network", device_name="PRINTER-1")
    settings = tmp_path / "settings.json"
    settings.write_text('{"schema_version": 1, "data": {"network": ')  # truncated by a crash
    dev2 = Device(tmp_path, clock=FrozenClock())  # must not raise
    assert dev2.settings.network.device_name == dev2.profile.default_device_name
    keys = [m.key for m in dev2.startup_problems]
    assert "device.problem.corrupt_file" in keys
    moved = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_text().endswith('"network": ')
    # the problem reads well in both languages
    assert "settings.json" in dev2.t(dev2.startup_problems[0])
    # defaults were written fresh; a third start is clean
    dev3 = Device(tmp_path, clock=FrozenClock())
    assert dev3.startup_problems == []


def test_corrupt_admin_joblog_and_clock_files_recovered(tmp_path: Path) -> None:
    Device(tmp_path, clock=FrozenClock())
    for name in ("admin.json", "joblog.json", "clock.json"):
        (tmp_path / name).write_text("\x00\x01 not json")
    dev = Device(tmp_path)
    assert len(dev.startup_problems) >= 3
    assert dev.admin.login(dev.profile.serial_number).ok
    assert dev.jobs.log == []
    for name in ("admin.json", "joblog.json", "clock.json"):
        assert list(tmp_path.glob(f"{name}.corrupt-*"))


def test_bad_value_in_settings_defaults_that_field_only(tmp_path: Path) -> None:
    write_document(
        tmp_path / "settings.json",
        1,
        {"email_server": {"smtp_port": 70000, "smtp_server": "mail.example.com"}, "basic": "oops"},
    )
    dev = Device(tmp_path, clock=FrozenClock())
    assert dev.settings.email_server.smtp_server == "mail.example.com"
    assert dev.settings.email_server.smtp_port == 25
    keys = {m.key for m in dev.startup_problems}
    assert {"device.problem.bad_value", "device.problem.bad_section"} <= keys


def test_state_files_are_0600_and_dir_0700(tmp_path: Path) -> None:
    state = tmp_path / "state"
    dev = Device(state, clock=FrozenClock())
    dev.update("email_server", auth_method="smtp_auth", account="a@b.c", password="secret-pw")
    dev.jobs.record("print", "x")
    dev.print_status_sheet()
    assert _mode(state) == 0o700
    files = [p for p in state.rglob("*") if p.is_file()]
    assert {"settings.json", "admin.json", "joblog.journal"} <= {p.name for p in files}
    dev.jobs.compact()  # the journal folded into the snapshot
    files = [p for p in state.rglob("*") if p.is_file()]
    assert "joblog.json" in {p.name for p in files}
    for p in files:
        assert _mode(p) == 0o600, p
    assert _mode(state / "prints") == 0o700


def test_an_oversized_state_file_is_set_aside_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-up does not grow with a state file's size: one larger than any we write is not parsed."""
    from device_model import storage

    Device(tmp_path, clock=FrozenClock()).update("network", proxy_port=3128)
    monkeypatch.setattr(storage, "MAX_STATE_FILE", 64)
    dev = Device(tmp_path, clock=FrozenClock())
    assert any("settings.json" in dev.t(p) for p in dev.startup_problems)
    assert dev.settings.network.proxy_port != 3128
    assert list(tmp_path.glob("settings.json.corrupt-*"))
