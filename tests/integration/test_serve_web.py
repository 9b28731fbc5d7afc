"""`panel-tui serve web`: a browser session is a WebSocket (aiohttp's client here), each gets its
own panel process and state dir, the browser-friendly keys reach the panel as the keys it
expects, and closing the tab ends the panel."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import time
from pathlib import Path

import pyte
import pytest

from tests.integration.serve_helpers import BIN, STEP, panels_of, wait_no_panel

pytestmark = pytest.mark.integration
aiohttp = pytest.importorskip("aiohttp")


@pytest.fixture
def web(tmp_path: Path):
    root = tmp_path / "class"
    proc = subprocess.Popen([str(BIN / "panel-tui"), "serve", "web", "--state-dir", str(root),
                             "--port", "0", "--tenant-port", "0", "--max-sessions", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    url = ""
    deadline = time.monotonic() + STEP
    while time.monotonic() < deadline and not url:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        m = re.search(r"open (http://\S+)", line)
        url = m.group(1) if m else ""
    yield url, root
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0
    assert not panels_of(root / "students")


class Browser:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.stream.feed(msg.data)

    async def wait_for(self, *needles: str) -> None:
        deadline = time.monotonic() + STEP
        while time.monotonic() < deadline:
            text = "\n".join(self.screen.display)
            if all(n in text for n in needles):
                return
            await asyncio.sleep(0.05)
        raise AssertionError("\n".join(self.screen.display))

    async def key(self, data: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", data]))


async def test_each_tab_has_its_own_panel_and_the_browser_keys_work(web) -> None:
    url, root = web
    async with aiohttp.ClientSession() as session:
        page = await (await session.get(url)).text()
        assert "F8 Help" in page
        # the class tenant's CA, for the students' browsers (the sign-in page's TLS)
        ca = await session.get(f"{url}/class-ca.pem")
        assert ca.status == 200 and (await ca.text()).startswith("-----BEGIN CERTIFICATE-----")
        ws1 = await session.ws_connect(f"{url.replace('http', 'ws')}/ws?width=80&height=24")
        ws2 = await session.ws_connect(f"{url.replace('http', 'ws')}/ws?width=80&height=24")
        one, two = Browser(ws1), Browser(ws2)
        await asyncio.gather(one.wait_for("Home", "Scan"), two.wait_for("Home", "Scan"))
        dirs = sorted(p.name for p in (root / "students").iterdir())
        assert len(dirs) == 2 and all(d.startswith("web-") for d in dirs)
        # a third tab: the class is full (--max-sessions 2)
        ws3 = await session.ws_connect(f"{url.replace('http', 'ws')}/ws?width=80&height=24")
        msg = await ws3.receive(timeout=STEP)
        assert b"class is full" in msg.data
        await ws3.close()
        # F9 is Web Config (F3, which a browser keeps for "find")
        await one.key("\x1b[20~")
        await one.wait_for("Product Status", "Log in")
        # F8 is Help (F1)
        await two.key("\x1b[19~")
        await two.wait_for("Esc")
        await ws1.close()
        await ws2.close()
    for d in dirs:
        await wait_no_panel(root / "students" / d)


@pytest.mark.parametrize(("lang", "line"), [
    ("lv", "Klase ir pilna (0 sesijas); mēģiniet vēlāk."),
    (None, "The class is full (0 sessions); try again later."),
])
async def test_a_full_class_says_so_in_the_class_language(lang: str | None, line: str) -> None:
    """A browser join carries no language, so a full class refuses in the class's ``--lang``
    (a Latvian class read this one line in English)."""
    from panel_tui.serve.web import ClassWebServer

    server = ClassWebServer("true", max_sessions=0, host="127.0.0.1", port=0, lang=lang)
    runner = await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"ws://127.0.0.1:{server.port}/ws?width=80&height=24")
            msg = await ws.receive(timeout=STEP)
            assert msg.data.decode().strip() == line
            await ws.close()
    finally:
        await runner.cleanup()
