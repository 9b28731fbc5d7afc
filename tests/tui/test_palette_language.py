"""The command palette speaks the panel's language and draws its search icon with the
terminal's glyphs: Textual's own "🔎 Search for commands…" was English in the Latvian panel and
an emoji on a 16-colour (ASCII) console."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandInput, SearchIcon

from panel_tui.app import PanelApp
from panel_tui.class_options import ClassOptions
from panel_tui.config import AppConfig

from .conftest import make_device


@pytest.mark.parametrize(("lang", "icons", "placeholder", "icon"), [
    ("lv", "ascii", "Meklēt komandas...", ">"),
    ("en", "unicode", "Search for commands...", "🔎"),
])
async def test_the_palette_placeholder_and_icon(tmp_path: Path, lang: str, icons: str, placeholder: str,
                                                icon: str) -> None:
    device = make_device(tmp_path / "state", lang=lang)
    app = PanelApp(device, AppConfig(state_dir=device.state_dir), tick=False, cloud=False, icons=icons,
                   class_options=ClassOptions())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == placeholder
        assert app.screen.query_one(SearchIcon).icon == icon
