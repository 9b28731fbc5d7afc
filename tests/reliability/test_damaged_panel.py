"""A person starts the installed panel on a damaged state dir: Home, plus a notice saying what
was set aside. Before, one bad value (``192.168.1.²``, an offset of ``Infinity``) stopped every
start with a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch

pytestmark = pytest.mark.acceptance


def _doc(data: object) -> str:
    return json.dumps({"schema_version": 1, "data": data})


def test_panel_starts_on_home_with_a_notice_on_a_damaged_state_dir(launch: Launch, state_dir: Path) -> None:
    state_dir.mkdir(mode=0o700)
    (state_dir / "settings.json").write_text(_doc({"network": {"ip": "192.168.1.²", "dhcp": False}}))
    (state_dir / "clock.json").write_text('{"schema_version": 1, "data": {"offset_seconds": Infinity}}')
    (state_dir / "joblog.json").write_bytes(b"\0" * 64)
    (state_dir / "admin.json").write_text(_doc({"password": {"alg": "scrypt", "n": 3, "r": 8, "p": 1, "salt": "00",
                                                             "hash": "00" * 32}, "failures": 10**10}))
    (state_dir / ".joblog.json.k1ll3d9x.tmp").write_text("{")  # a write cut short by kill -9
    panel = launch("panel-tui")
    panel.wait_for("Home", "Scan", "Settings")
    panel.wait_for("damaged", "clock.json", "admin.json")  # one notice names every file set aside
    assert not (state_dir / ".joblog.json.k1ll3d9x.tmp").exists()
    assert list(state_dir.glob("clock.json.corrupt-*"))
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0
