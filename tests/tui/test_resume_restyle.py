"""A screen shown again is restyled only when app-wide styling changed while it was hidden
(`restyle_resumed_screens_only_when_stale`).

Textual restyled a screen's whole tree each time it was shown: every page pushed (styled as it
mounted), every page closed back to, every F2/F3/F4. The first F4 restyled all of Cloud twice.
"""

from __future__ import annotations

import pytest
from textual.dom import DOMNode
from textual.screen import Screen

from device_model import Device

from .conftest import make_app


def spy_screen_restyles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the screens whose whole tree is restyled from now on."""
    restyled: list[str] = []
    real = DOMNode.update_node_styles

    def update_node_styles(self: DOMNode, animate: bool = True) -> None:
        if isinstance(self, Screen):
            restyled.append(type(self).__name__)
        real(self, animate=animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", update_node_styles)
    return restyled


async def test_pages_and_surfaces_shown_again_are_not_restyled(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        restyled = spy_screen_restyles(monkeypatch)
        await pilot.press("enter")  # the Settings menu: pushed, styled as it mounted
        await pilot.pause()
        await pilot.press("escape")  # back to Home
        await pilot.pause()
        await pilot.press("f4")  # Cloud's first show: its mode's resume and the switch's
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CloudScreen"
        assert restyled == []


async def test_a_screen_hidden_while_the_app_restyled_is_restyled_when_shown(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The high-contrast aid sets a class on the app; Textual restyles only the screen shown,
    so Home, hidden behind F3, still needs its restyle when F2 shows it: every text bold."""
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert not home.styles.text_style.bold
        await pilot.press("f3")
        await pilot.pause()
        restyled = spy_screen_restyles(monkeypatch)
        app.set_class(True, "-high-contrast")
        await pilot.pause()
        assert not home.styles.text_style.bold  # hidden: not restyled yet (Textual's behaviour)
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is home
        assert "HomeScreen" in restyled
        assert home.styles.text_style.bold
        await pilot.press("f3")  # Web Config, restyled as the class changed while it was shown
        await pilot.pause()
        assert app.screen.styles.text_style.bold
