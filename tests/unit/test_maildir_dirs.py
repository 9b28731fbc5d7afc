"""Maildir delivery makes a mailbox's directories once, not on every message, and makes them
again when someone removed them while the tenant runs; modes stay owner-only."""

from __future__ import annotations

import os
import shutil
import stat
from collections import Counter
from pathlib import Path

import pytest

from cloud_sim import maildir

MESSAGE = b"From: a@example.com\r\nTo: printer@contoso.onmicrosoft.com\r\nSubject: hi\r\n\r\nbody\r\n"
BOX = "printer@contoso.onmicrosoft.com"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many mkdir and chmod calls the deliveries make (wrappers around the real ones)."""
    counted: Counter[str] = Counter()
    mkdir, chmod = Path.mkdir, os.chmod

    def counting_mkdir(self: Path, *args: object, **kwargs: object) -> None:
        counted["mkdir"] += 1
        mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    def counting_chmod(path: object, mode: int, *args: object, **kwargs: object) -> None:
        counted["chmod"] += 1
        chmod(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", counting_mkdir)
    monkeypatch.setattr(os, "chmod", counting_chmod)
    return counted


def _owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_second_delivery_makes_no_directories(tmp_path: Path, calls: Counter[str]) -> None:
    root = tmp_path / "maildir"
    first = maildir.deliver(root, BOX, MESSAGE)
    made = dict(calls)
    assert made["mkdir"] >= 4, made  # the root, the mailbox, tmp/, new/, cur/
    second = maildir.deliver(root, BOX, MESSAGE)
    assert dict(calls) == made, "the second message made or chmod-ed directories again"
    assert first != second and first.read_bytes() == second.read_bytes() == MESSAGE
    box = maildir.mailbox_dir(root, BOX)
    for folder in (root, box, box / "tmp", box / "new", box / "cur"):
        assert _owner_only(folder), folder
    assert _owner_only(second) and second.parent == box / "new"
    assert not list((box / "tmp").iterdir())


@pytest.mark.parametrize("removed", ["", "tmp", "new"])
def test_delivery_after_the_mailbox_was_removed_makes_it_again(tmp_path: Path, removed: str) -> None:
    root = tmp_path / "maildir"
    maildir.deliver(root, BOX, MESSAGE)
    box = maildir.mailbox_dir(root, BOX)
    shutil.rmtree(box / removed)
    path = maildir.deliver(root, BOX, MESSAGE)
    assert path.read_bytes() == MESSAGE and path.parent == box / "new"
    for folder in (box, box / "tmp", box / "new", box / "cur"):
        assert folder.is_dir() and _owner_only(folder), folder
    assert [m.key for m in maildir.list_messages(root, BOX)][-1] == path.name
