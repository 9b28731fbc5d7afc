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


def test_a_page_is_newest_first_and_opens_only_its_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mailbox is listed once and only the page's files are read: a page costs the same at
    10 and at 100 000 messages (reading each message used to re-list the whole Maildir)."""
    import builtins

    for i in range(30):
        maildir.deliver(tmp_path, UPN, raw(f"m{i:02d}"))
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *a, **kw):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", spy)
    total, page = maildir.list_page(tmp_path, UPN, offset=5, limit=4)
    assert total == 30
    assert [i.subject for i in page] == ["m24", "m23", "m22", "m21"]
    assert len(opened) == 4
    assert maildir.last_delivery(tmp_path, UPN) is not None
    assert maildir.last_delivery(tmp_path, "nobody@contoso.onmicrosoft.com") is None
    assert maildir.list_page(tmp_path, UPN, offset=28, limit=10)[1][-1].subject == "m00"


def test_a_page_names_the_attachments(tmp_path: Path) -> None:
    from email.message import EmailMessage

    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = UPN, UPN, "scan"
    m.set_content("see attached")
    m.add_attachment(b"%PDF-1.3\n", maintype="application", subtype="pdf", filename="scan0001.pdf")
    maildir.deliver(tmp_path, UPN, m.as_bytes())
    maildir.deliver(tmp_path, UPN, raw("plain"))
    _, page = maildir.list_page(tmp_path, UPN)
    assert [(i.subject, i.attachments) for i in page] == [("plain", ()), ("scan", ("scan0001.pdf",))]


def test_headers_only_listing_of_a_large_message(tmp_path: Path) -> None:
    path = maildir.deliver(tmp_path, UPN, raw("big", "x" * 3_000_000))
    [info] = maildir.list_messages(tmp_path, UPN)
    assert info.subject == "big" and info.size == path.stat().st_size


def test_read_message_finds_a_read_message_in_cur(tmp_path: Path) -> None:
    path = maildir.deliver(tmp_path, UPN, raw("read"))
    path.rename(path.parent.parent / "cur" / (path.name + ":2,S"))
    assert maildir.read_message(tmp_path, UPN, path.name)["Subject"] == "read"
    with pytest.raises(KeyError):
        maildir.read_message(tmp_path, UPN, "../x")


def test_listing_decodes_encoded_headers_and_names(tmp_path: Path) -> None:
    """What the SMTP client wrote (RFC 2047 words for non-ASCII) is shown as people read it."""
    from email.message import EmailMessage

    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = UPN, UPN, "Skenēts dokuments no EPSON"
    m.set_content("x")
    m.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="skenēts.pdf")
    maildir.deliver(tmp_path, UPN, m.as_bytes())
    assert b"=?utf-8?" in next((tmp_path / UPN / "new").iterdir()).read_bytes()
    [info] = maildir.list_page(tmp_path, UPN)[1]
    assert info.subject == "Skenēts dokuments no EPSON" and info.attachments == ("skenēts.pdf",)
    assert maildir.list_messages(tmp_path, UPN)[0].subject == "Skenēts dokuments no EPSON"
