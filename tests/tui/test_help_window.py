"""F1's window: when its text is longer than the box the key line names the scroll keys (a
scrollbar alone did not say so), and a help with its own keys paragraph (Web Config) has one
"Keys:" paragraph, not two in a row."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll

from device_model import Device
from panel_tui.screens.help import HelpScreen

from .conftest import make_app
from .helpers import static_text

SCROLL = {"en": "↑↓ PgUp PgDn Scroll  Enter/Esc/F1 Close", "lv": "↑↓ PgUp PgDn Ritināt  Enter/Esc/F1 Aizvērt"}
LABEL = {"en": "Keys:", "lv": "Taustiņi:"}


@pytest.mark.parametrize("lang", ["en", "lv"])
async def test_web_config_help_names_the_scroll_keys_and_its_keys_once(device: Device, lang: str) -> None:
    device.update("basic", language=lang)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        assert screen.query_one(VerticalScroll).max_scroll_y > 0, "the text is longer than the box"
        assert static_text(app, "#hints") == SCROLL[lang]
        shown = "\n".join(static_text(app, f"#{name}") for name in ("help-text", "help-aids")
                          if screen.query(f"#{name}"))
        shown += "\n" + (static_text(app, "#help-keys") if screen.query("#help-keys") else "")
        assert shown.count(LABEL[lang]) == 1, shown
        assert "Ctrl+Q" in shown  # the keys that work everywhere are still said
        # its keys paragraph names the two keys of the guide's Web Config steps (log in, OK):
        # it listed the moving keys only (trial 4)
        keys = " ".join(shown[shown.index(LABEL[lang]):].split())
        assert "Ctrl+L" in keys and "Ctrl+O" in keys, keys
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.query_one(VerticalScroll).scroll_y > 0


@pytest.mark.parametrize("lang", ["en", "lv"])
async def test_a_help_that_fits_says_only_how_to_close(device: Device, lang: str) -> None:
    device.update("basic", language=lang)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")  # Home's help
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.query_one(VerticalScroll).max_scroll_y == 0
        assert static_text(app, "#hints") == {"en": "Enter/Esc/F1 Close", "lv": "Enter/Esc/F1 Aizvērt"}[lang]
