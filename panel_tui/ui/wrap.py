"""Greedy line wrapping by cells, shared by the panel's two wrappers of addresses and sentences.

Rich folds a word wider than the space left wherever the width ends (``…onmicrosoft.co`` /
``m)``), so two places wrap themselves: Web Config's Current Status
(:func:`panel_tui.ui.wrapped_static.wrap_between_words`: between words, before a "(", after an
"@" only when an address does not fit) and the Job Status log's destination column
(:func:`panel_tui.screens.job_status.wrap_destination`: after an "@" or a ", "). They differ in
where a line may end and in what happens to a piece wider than a line; the filling is the same:
:func:`greedy_wrap`, as many pieces on a line as fit.
"""

from __future__ import annotations

import re
from typing import Literal

from rich.cells import cell_len, chop_cells

#: what becomes of a piece wider than a line:
#: ``"inline"`` it is cut where the width ends and its last part goes on filling with the next
#: pieces (a log column: no cell wasted); ``"apart"`` it stays whole while the lines are filled,
#: then its line is cut into lines of its own; ``"never"`` it is left wider than the line (for a
#: caller that tries another break rule first)
Cut = Literal["inline", "apart", "never"]


def greedy_wrap(text: str, width: int, breaks: re.Pattern[str], *, cut: Cut,
                trim_spaces: bool = False) -> list[str]:
    """``text`` on lines of at most ``width`` cells, each line ending only where ``breaks``
    matches (zero-width matches: ``(?<= )``, ``(?=\\()``, ``(?<=@)``), with as many pieces on a
    line as fit; a line's trailing spaces are dropped.

    ``trim_spaces``: whitespace at a break belongs to neither line (not measured at a line's end,
    dropped at the next line's start, a line of only spaces is no line), as in a sentence;
    without it a piece is measured and kept as it is (an address list's ", ").
    """
    lines: list[str] = []
    line = ""
    for piece in (p for p in breaks.split(text) if p):
        # a line with something on it ends when the next piece would overflow it
        if _filled(line, trim_spaces) and cell_len(_measured(line + piece, trim_spaces)) > width:
            lines.append(line.rstrip())
            line = piece.lstrip() if trim_spaces else piece
        else:
            line += piece
        if cut == "inline" and cell_len(line) > width:
            *full, line = chop_cells(line, width)
            lines.extend(part for part in full if part)  # (a 2-cell letter in 1 cell: no empty line)
    if _filled(line, trim_spaces):
        lines.append(line.rstrip())
    if cut == "apart":
        return [part for line in lines for part in (chop_cells(line, width) if cell_len(line) > width else [line])
                if part]
    return lines


def _filled(line: str, trim_spaces: bool) -> bool:
    """The line has something on it (with ``trim_spaces``, something other than spaces)."""
    return bool(line.strip() if trim_spaces else line)


def _measured(line: str, trim_spaces: bool) -> str:
    """What of a line counts against the width (with ``trim_spaces``, not its trailing spaces)."""
    return line.rstrip() if trim_spaces else line
