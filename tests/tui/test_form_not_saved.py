"""Leaving a settings form without Save: a change is said to be not saved (Cancel or Esc), in
both languages; with nothing changed it leaves without a word, as before."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from device_model import Device
from panel_tui import menu_tree
from panel_tui.app import PanelApp
from panel_tui.screens.admin_settings import LockSettingScreen

from .conftest import make_app

NOT_SAVED = {"en": "Not saved: the settings are as before.", "lv": "Nav saglabāts: iestatījumi ir kā iepriekš."}


def _notices(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def _open_lock_setting(app: PanelApp, pilot: Pilot[None]) -> LockSettingScreen:
    """Admin Settings > Lock Setting, a form with one drop-down (Off / On), shown."""
    form = LockSettingScreen(menu_tree.find("lock_setting"))
    await app.push_screen(form)
    await pilot.pause()
    return form


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize("how", ["escape", "cancel"])
async def test_leaving_a_changed_form_says_not_saved(device: Device, lang: str, how: str) -> None:
    device.update("basic", language=lang)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_lock_setting(app, pilot)
        form.query_one("#field-lock_setting", Select).value = True
        await pilot.pause()
        if how == "escape":
            await pilot.press("escape")
        else:
            form.query_one("#cancel").focus()
            await pilot.press("enter")
        await pilot.pause()
        assert form not in app.screen_stack and not device.admin.lock_setting
        assert NOT_SAVED[lang] in _notices(app)


async def test_leaving_an_unchanged_form_says_nothing(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_lock_setting(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert form not in app.screen_stack and _notices(app) == []


async def test_escape_on_an_open_list_closes_only_the_list(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_lock_setting(app, pilot)
        await pilot.press("enter")  # the list
        await pilot.pause()
        assert form.query_one("#field-lock_setting", Select).expanded
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and not form.query_one("#field-lock_setting", Select).expanded


@pytest.mark.parametrize(("lang", "words"), [("en", "Enter Cancel"), ("lv", "Enter Atcelt")])
async def test_the_key_line_on_cancel_says_enter_cancels(device: Device, lang: str, words: str) -> None:
    """Tab, Tab from Lock Setting's list reaches Cancel; the key line still said "Enter Save"."""
    from .helpers import screen_text

    device.update("basic", language=lang)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_lock_setting(app, pilot)
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        last = screen_text(app).splitlines()[-1]
        assert words in last and "Enter Save" not in last and "Enter Saglabāt" not in last, last
        await pilot.press("shift+tab")
        await pilot.pause()
        assert words not in screen_text(app).splitlines()[-1]
