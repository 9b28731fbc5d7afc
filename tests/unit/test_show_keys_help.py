"""`--show-keys` is described where the keys appear (README, "Teaching a class": at the right
end of the key line, or on a row above it when the hints fill the line): both `--help`s said
"in a corner", and a trainer looked for them there."""

from __future__ import annotations

import pytest


def _serve_help() -> str:
    from panel_tui.serve.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices["ssh"].format_help() + sub.choices["web"].format_help()


def _panel_help() -> str:
    from panel_tui.cli import build_parser

    return build_parser().format_help()


@pytest.mark.parametrize("text", [_serve_help, _panel_help], ids=["serve", "panel"])
def test_show_keys_help_names_the_key_line(text) -> None:
    words = " ".join(text().split())
    assert "corner" not in words
    assert "right end of" in words and "key line" in words, words
