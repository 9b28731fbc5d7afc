"""The panel's theme lookup answers exactly as Textual's (it only skips Textual's copies)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from panel_tui.app import PanelApp
from panel_tui.config import AppConfig, make_device


def test_get_theme_matches_textual(tmp_path: Path) -> None:
    config = AppConfig(state_dir=tmp_path / "state")
    app = PanelApp(make_device(config), config)
    names = list(app.available_themes) + [
        "no-such-theme",
        "no-such-theme, textual-light",
        " textual-dark ,textual-light",
        "",
        ",",
    ]
    for name in names:
        assert app.get_theme(name) is App.get_theme(app, name), name
    assert app.current_theme is App.get_theme(app, app.theme)
