"""A Static whose text wraps between words and inside an address only after its "@".

Rich folds a word longer than the space left (``(admin@contoso.onmicrosoft.com):``) wherever
the width ends, which at 80x24 cut Web Config's Current Status as ``…onmicrosoft.co`` / ``m)``.
This one breaks after a space, before a "(" and after an "@" (as the Job Status log's
``wrap_destination`` does), and cuts a piece only when it alone is wider than the line.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Static

from panel_tui.ui.wrap import greedy_wrap

#: where a line may end: after a space, before "(" (an address is kept whole if it fits) ...
BREAKS = re.compile(r"(?<= )|(?=\()")
#: ... and after "@" when it does not
ADDRESS_BREAKS = re.compile(r"(?<= )|(?=\()|(?<=@)")


def wrap_between_words(text: str, width: int) -> list[str]:
    """``text`` on lines of at most ``width`` cells, broken after a space or before a "(";
    inside an address only after its "@" when the whole address does not fit a line; a piece
    wider than a line is cut where the width ends, on lines of its own."""
    if width < 1 or cell_len(text) <= width:
        return [text]
    lines = greedy_wrap(text, width, BREAKS, cut="never", trim_spaces=True)
    if all(cell_len(line) <= width for line in lines):
        return lines
    return greedy_wrap(text, width, ADDRESS_BREAKS, cut="apart", trim_spaces=True)


class WrappedText(Visual):
    """Plain text (never markup) that wraps by :func:`wrap_between_words` at whatever width it
    is given; ``str()`` is the text unwrapped (what a test or a screen reader reads)."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self._style = style
        self._by_width: dict[int, Content] = {}

    def __str__(self) -> str:
        return self.text

    def _at(self, width: int) -> Content:
        content = self._by_width.get(width)
        if content is None:
            content = Content("\n".join(wrap_between_words(self.text, width)))
            if self._style:
                content = content.stylize(self._style)
            self._by_width = {width: content}  # one width at a time: the widget's
        return content

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self._at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return Content(self.text).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at(width).get_height(rules, width)


class WrappedStatic(Static):
    """A Static for :class:`WrappedText`: ``update(str)`` wraps between words."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(WrappedText(text), id=id, classes=classes, markup=False)

    def update(self, content: object = "", *, layout: bool = True) -> None:  # type: ignore[override]
        super().update(WrappedText(str(content)), layout=layout)
