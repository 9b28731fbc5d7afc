"""Each CSS source is parsed about once per session, and changing surface restyles nothing: the first
F3/F4 and F2 back to a panel page cost building, not re-parsing every stylesheet again."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual.css.stylesheet as stylesheet_module
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from tests.tui.conftest import make_app, make_device


async def test_each_css_source_is_parsed_once_and_surfaces_restyle_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[tuple[object, str]] = []
    parse = stylesheet_module.parse

    def counting(scope, css, read_from, **kw):  # type: ignore[no-untyped-def]
        parsed.append((read_from, css))
        return parse(scope, css, read_from, **kw)

    monkeypatch.setattr(stylesheet_module, "parse", counting)
    app = make_app(make_device(tmp_path / "state"))
    refreshes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        start = len(parsed)
        original_refresh = app.refresh_css
        monkeypatch.setattr(app, "refresh_css", lambda *a, **kw: (refreshes.append(app.current_mode), original_refresh(*a, **kw)))
        await pilot.press("f5", "left", "enter")  # Scan
        await pilot.pause()
        await pilot.press("enter")  # Scan to Email: a screen with a CSS file of its own
        await pilot.pause()
        for key in ("f3", "f4", "f2", "f3", "f2"):
            await pilot.press(key)
            await pilot.pause()
        assert type(app.screen).__name__ == "ScanScreen"
        assert refreshes == []
        after_start = parsed[start:]
        again = len(after_start) - len(set(after_start))
        # a few come back when a base class's DEFAULT_CSS gets another tie-breaker (Textual's
        # own doing); every stylesheet parsed again at each new widget class or screen CSS
        # file, as before, was ~200 here
        assert again <= 10, f"{again} CSS sources parsed again"


async def test_a_theme_changed_on_another_surface_restyles_the_panel_when_shown(tmp_path: Path) -> None:
    app = make_app(make_device(tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f5", "left", "enter")  # a panel page pushed since start-up
        await pilot.pause()
        before = app.screen.styles.background
        await pilot.press("f3")
        await pilot.pause()
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert type(app.screen).__name__ == "ScanMenuScreen"
        assert app.screen.styles.background != before


class _Dialog(ModalScreen[None]):
    """A dialog as Web Config leaves one open (Sign In) while the person goes to F4."""

    def compose(self) -> ComposeResult:
        yield Static("Sign in with Microsoft", id="dialog-text")


async def test_a_dialog_left_open_on_web_config_is_not_restyled_on_return(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(make_device(tmp_path / "state"))
    refreshes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await app.push_screen(_Dialog())
        await pilot.pause()
        original_refresh = app.refresh_css
        monkeypatch.setattr(app, "refresh_css", lambda *a, **kw: (refreshes.append(app.current_mode), original_refresh(*a, **kw)))
        for key in ("f4", "f3", "f2", "f3"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, _Dialog)
        assert refreshes == []
        # a theme changed meanwhile still restyles it when it is shown again
        await pilot.press("f4")
        await pilot.pause()
        dialog = app._screen_stacks["webconfig"][-1]
        before = dialog.styles.background
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is dialog and "webconfig" in refreshes
        assert dialog.styles.background != before
