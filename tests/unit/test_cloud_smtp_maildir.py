"""cloud_sim.maildir: the tenant's mail store (one Maildir per mailbox)."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from cloud_sim import maildir

UPN = "printer@contoso.onmicrosoft.com"


def raw(subject: str, body: str = "hello") -> bytes:
    return (
        f"From: {UPN}\nTo: user@contoso.onmicrosoft.com\nSubject: {subject}\n\n{body}\n"
    ).encode()


def test_deliver_list_and_read(tmp_path: Path) -> None:
    root = tmp_path / "maildir"
    first = maildir.deliver(root, UPN, raw("one"))
    maildir.deliver(root, UPN.upper(), raw("two", "second body"))
    assert first.parent.name == "new" and first.stat().st_mode & 0o777 == 0o600
    for sub in ("", "new", "cur", "tmp"):
        assert (root / UPN / sub).stat().st_mode & 0o777 == 0o700
    infos = maildir.list_messages(root, UPN)
    assert sorted(i.subject for i in infos) == ["one", "two"]
    assert all(i.from_ == UPN and i.size > 0 for i in infos)
    msgs = maildir.read_messages(root, UPN)
    assert sorted(m.get_content().strip() for m in msgs) == ["hello", "second body"]
    key = next(i.key for i in infos if i.subject == "two")
    assert maildir.read_message(root, UPN, key)["Subject"] == "two"
    assert maildir.list_mailboxes(root) == [UPN]


def test_any_mail_tool_can_read_it(tmp_path: Path) -> None:
    maildir.deliver(tmp_path, UPN, raw("for mutt"))
    box = mailbox.Maildir(tmp_path / UPN, create=False)
    assert [m["Subject"] for m in box] == ["for mutt"]


def test_messages_moved_to_cur_are_still_listed(tmp_path: Path) -> None:
    path = maildir.deliver(tmp_path, UPN, raw("read"))
    path.rename(path.parent.parent / "cur" / (path.name + ":2,S"))
    assert [i.subject for i in maildir.list_messages(tmp_path, UPN)] == ["read"]


def test_unknown_mailbox_is_empty(tmp_path: Path) -> None:
    assert maildir.list_messages(tmp_path, UPN) == []
    assert maildir.read_messages(tmp_path / "missing", UPN) == []
    assert maildir.list_mailboxes(tmp_path / "missing") == []
    with pytest.raises(KeyError):
        maildir.read_message(tmp_path, UPN, "nope")


def test_outbound_is_a_mailbox_too(tmp_path: Path) -> None:
    maildir.deliver(tmp_path, maildir.OUTBOUND, raw("away"))
    assert [i.subject for i in maildir.list_messages(tmp_path, "_outbound")] == ["away"]


@pytest.mark.parametrize(
    "name", ["../etc", "a/b@c.d", "..@x", ".hidden@x.y", "", "no-at-sign", "x@y/../z", "x@..", "a@b\x00"]
)
def test_names_cannot_escape_the_root(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        maildir.mailbox_dir(tmp_path, name)
    with pytest.raises(ValueError):
        maildir.deliver(tmp_path, name, raw("x"))


def test_mailbox_dir_is_lower_case(tmp_path: Path) -> None:
    assert maildir.mailbox_dir(tmp_path, " Printer@Contoso.OnMicrosoft.com ") == tmp_path / UPN
