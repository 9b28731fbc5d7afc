"""`serve web`'s page: a browser tab titled with the class and its keys (the README says "the
page's title says so"), in the class's language, and nothing fetched from the internet (an offline
class network: textual-serve's template links Google Fonts)."""

from __future__ import annotations

import pytest

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")


@pytest.mark.parametrize(("lang", "title", "start"), [
    (None, "panel-tui class — F8 Help · F9 Web Config · F10 Home · F7 commands", ">Start<"),
    ("lv", "panel-tui klase — F8 Palīdzība · F9 Web Config · F10 Sākums · F7 komandas", ">Sākt<"),
])
async def test_the_page_has_a_title_and_fetches_nothing_from_the_internet(lang: str | None, title: str,
                                                                         start: str) -> None:
    from panel_tui.serve.web import ClassWebServer

    server = ClassWebServer("true", host="127.0.0.1", port=0, max_sessions=1, lang=lang)
    runner = await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            page = await (await session.get(server.public_url + "/")).text()
    finally:
        await runner.cleanup()
    assert f"<title>{title}</title>" in page
    assert start in page
    assert "googleapis" not in page and "https://" not in page  # only the class server's own URLs
    assert "/ws" in page and "/static/" in page  # textual-serve's placeholders were filled
