"""Every reply a client can meet is listed in cloud_sim/README.md with the public source it
follows, the same source :data:`cloud_sim.replies.SOURCES` names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cloud_sim
from cloud_sim import replies

README = (Path(cloud_sim.__file__).parent / "README.md").read_text("utf-8")
ROWS = [line for line in README.splitlines() if line.startswith("| ")]


def pattern(reply: str) -> re.Pattern[str]:
    """The reply's first 100 characters, each ``{placeholder}`` standing for any text."""
    head = re.sub(r"\{[^}]*$", "", reply[:100])
    parts = re.split(r"\{[^}]*\}", head)
    return re.compile(".+?".join(re.escape(p) for p in parts))


@pytest.mark.parametrize("reply", list(replies.SOURCES), ids=lambda r: r[:24])
def test_the_readme_table_lists_the_reply_with_its_source(reply: str) -> None:
    rows = [row for row in ROWS if pattern(reply).search(row)]
    assert rows, f"no README row shows {reply[:60]!r}"
    assert any(replies.SOURCES[reply] in row for row in rows), (rows, replies.SOURCES[reply])


def test_banner_host_is_the_front_ends_office365_name() -> None:
    assert replies.banner_host(replies.DEFAULT_HOSTNAME) == "BN0PR00MB0000.outlook.office365.com"
    assert replies.banner_host("mail.example.test") == "mail.example.test"


def test_quote_command_keeps_printable_ascii_only() -> None:
    assert replies.quote_command("HELLO") == "HELLO"
    assert replies.quote_command("\x00\ufffd\x1b[2J") == "???[2J"
    assert len(replies.quote_command("X" * 500)) == 32
