"""The panel's one text-rendering rule: no widget parses markup.

Textual reads a plain ``str`` handed to ``Static``/``Label`` as markup, so a ``[/]`` in an
account name, a server reply or a typed address stops the app (``MarkupError``) and ``[red]``
changes what the user sees. Nothing the panel shows needs markup (styles live in the .tcss
files), so every such widget is built with ``markup=False`` and data is never mistaken for
markup, whichever code path fills it later. This test keeps the rule for new widgets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import panel_tui

WIDGETS = {"Static", "Label"}


def _offenders() -> list[str]:
    root = Path(panel_tui.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in WIDGETS
                    and not any(k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
                                for k in node.keywords)):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.func.id}(...)")
    return found


def test_every_static_and_label_in_the_panel_shows_text_not_markup() -> None:
    assert _offenders() == []
