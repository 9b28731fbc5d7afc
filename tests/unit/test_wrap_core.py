"""The two wrappers (Web Config's Current Status, the Job Status log's destination) on one greedy
core: the same lines as the two separate loops they replaced, on many random texts and widths.

The old loops are kept here, verbatim, as the reference."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, chop_cells
from rich.text import Text

from panel_tui.screens.job_status import wrap_destination
from panel_tui.ui.wrapped_static import wrap_between_words

# -- the reference: the code as it was before the shared core ---------------------------------

_BREAKS = re.compile(r"(?<= )|(?=\()")
_ADDRESS_BREAKS = re.compile(r"(?<= )|(?=\()|(?<=@)")


def old_wrap_between_words(text: str, width: int) -> list[str]:
    if width < 1 or cell_len(text) <= width:
        return [text]
    lines = _old_wrap(text, width, _BREAKS)
    if any(cell_len(line) > width for line in lines):
        lines = _old_wrap(text, width, _ADDRESS_BREAKS)
    return [chopped for line in lines for chopped in (chop_cells(line, width) if cell_len(line) > width else [line])
            if chopped]


def _old_wrap(text: str, width: int, breaks: re.Pattern[str]) -> list[str]:
    lines: list[str] = []
    line = ""
    for piece in (p for p in breaks.split(text) if p):
        if line.strip() and cell_len((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def old_wrap_destination(cell: Text, width: int) -> Text:
    if cell.cell_len <= width or width < 1:
        return cell
    pieces = [p for p in re.split(r"(?<=@)|(?<=, )", cell.plain) if p]
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and cell_len(line + piece) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
        if cell_len(line) > width:
            *full, line = chop_cells(line, width)
            lines.extend(part for part in full if part)
    if line:
        lines.append(line.rstrip())
    return Text("\n".join(lines), style=cell.style)


# -- random texts made of what the breaks are about -------------------------------------------

#: letters, the break characters, runs of spaces, a tab, 2-cell letters (Latvian has none, but
#: a name or a subject may), a zero-width combining mark
PIECES = st.sampled_from(["a", "ā", "Ž", "x", "@", "(", ")", ",", ", ", " ", "  ", "\t", ".", "-",
                          "漢", "字", "\u0301", "admin@contoso.onmicrosoft.com", "Sūtīt uz e-pastu "])
TEXTS = st.lists(PIECES, max_size=40).map("".join)
WIDTHS = st.integers(min_value=-1, max_value=45)


@settings(max_examples=3000, deadline=None)
@given(TEXTS, WIDTHS)
def test_current_status_wraps_as_before(text: str, width: int) -> None:
    assert wrap_between_words(text, width) == old_wrap_between_words(text, width)


@settings(max_examples=3000, deadline=None)
@given(TEXTS, WIDTHS)
def test_job_status_destination_wraps_as_before(text: str, width: int) -> None:
    new, old = wrap_destination(Text(text, style="bold"), width), old_wrap_destination(Text(text, style="bold"), width)
    assert new.plain == old.plain and new.style == old.style


def test_the_recorded_lines() -> None:
    """A few recorded outputs (what 80x24 shows), readable without the reference above."""
    assert wrap_between_words("Signed in (admin@contoso.onmicrosoft.com): OK", 20) == [
        "Signed in (admin@", "contoso.onmicrosoft.", "com):", "OK"]
    assert wrap_destination(Text("printer@contoso.onmicrosoft.com, b@c.lv"), 16).plain == (
        "printer@\ncontoso.onmicros\noft.com, b@c.lv")
