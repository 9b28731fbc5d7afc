"""Breadcrumbs and key hints: the lines around every panel screen's content."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import Static

from panel_tui.ui.host import host


def fit_breadcrumbs(parts: Sequence[str], width: int, sep: str = " > ", ellipsis: str = "…") -> str:
    """Join the path; when it is too wide, drop leading parts behind an ellipsis."""
    text = sep.join(parts)
    if len(text) <= width:
        return text
    for start in range(1, len(parts)):
        text = ellipsis + sep + sep.join(parts[start:])
        if len(text) <= width:
            return text
    last = parts[-1]
    return last if len(last) <= width else last[: max(width - len(ellipsis), 0)] + ellipsis


class Breadcrumbs(Static):
    """Where the user is: "Settings > General Settings > …" in the current language."""

    DEFAULT_CSS = """
    Breadcrumbs { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    """

    def __init__(self, parts: Sequence[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.parts = list(parts)

    def on_mount(self) -> None:
        self._render_parts()

    def on_resize(self) -> None:
        self._render_parts()

    def set_parts(self, parts: Sequence[str]) -> None:
        self.parts = list(parts)
        self._render_parts()

    def _render_parts(self) -> None:
        width = max(self.size.width - 2, 20) if self.size.width else 78
        self.update(fit_breadcrumbs(self.parts, width, ellipsis=host(self).glyphs.ellipsis))


class KeyHints(Static):
    """The keys that work here, translated (Textual's Footer can't translate binding text)."""

    DEFAULT_CSS = """
    KeyHints { dock: bottom; height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """


def update_key_line(line: Static, text: str) -> None:
    """Say other keys on a screen's key line, and place the trainer's key box (``--show-keys``)
    again against its new length: keys placed beside a short line were left over the longer
    one that replaced it (the Sign In window's, once its code arrives). The same words again
    change nothing."""
    if str(line.content) == text:
        return
    line.update(text)
    aids = getattr(host(line), "aids", None)
    if aids is not None:
        line.call_after_refresh(aids.place)
