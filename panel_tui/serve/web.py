"""``panel-tui serve web``: the class in a browser, through textual-serve.

Every browser session (one WebSocket) runs its own panel process with its own state dir
(``students/web-<id>``, see :mod:`panel_tui.serve.web_session`), on the same class tenant as
``serve ssh``. Browsers keep some keys for themselves (F1 help, F3 find, F5 reload, Ctrl+P
print, Ctrl+W close the tab), so the server also accepts others and hands the panel the key it
expects: :data:`BROWSER_KEYS`. The page's title lists them.

The page is textual-serve's own template, rewritten once at start (:func:`class_page`): a
``<title>`` (the class and its keys, in ``--lang``), its few words in that language, and no
Google Fonts link, so an offline class network never reaches for the internet.
"""

from __future__ import annotations

import argparse
import html
import re
import shlex
import sys
from pathlib import Path

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from panel_tui.class_options import ClassOptions
from panel_tui.serve.students import said

#: browser-friendly key -> the panel's key, as terminal bytes (xterm sequences)
BROWSER_KEYS: dict[str, str] = {
    "\x1b[19~": "\x1bOP",  # F8  -> F1  Help
    "\x1b[20~": "\x1bOR",  # F9  -> F3  Web Config
    "\x1b[21~": "\x1b[15~",  # F10 -> F5  Home
    "\x1b[18~": "\x10",  # F7  -> Ctrl+P command palette
}
KEYS_TITLE = "F8 Help · F9 Web Config · F10 Home · F7 commands"
CA_ROUTE = "class-ca.pem"
#: textual-serve's page template, which :func:`class_page` rewrites
TEMPLATE = "app_index.html"
#: the template's link to Google Fonts ("Roboto Mono"): the page falls back to a local monospace
_FONT_LINK = re.compile(r"\s*<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)


def page_title(lang: str | None) -> str:
    """The browser tab's title: the class and the keys a browser leaves to the panel."""
    from device_model.i18n import translate

    return translate(lang or "en", "serve.web.title")


def class_page(template: str, lang: str | None) -> str:
    """textual-serve's page for the class: a ``<title>`` (the tab showed only the URL), the
    language's words for its Start / Session ended / Restart, and no fetch from the internet
    (Google Fonts). Jinja's own ``{{ ... }}`` placeholders are kept for textual-serve to fill."""
    from device_model.i18n import translate

    code = lang or "en"
    title = html.escape(page_title(code))
    page = _FONT_LINK.sub("", template)
    page = page.replace("<html>", f'<html lang="{code}">', 1)
    page = page.replace("<head>", f"<head>\n    <meta charset=\"utf-8\" />\n    <title>{title}</title>", 1)
    page = page.replace("{{ application.name or 'Textual Application' }}", title)
    for english, key in ((">Start</button>", "serve.web.start"), (">Session ended.</div>", "serve.web.ended"),
                         (">Restart</button>", "serve.web.restart")):
        closing = english[english.index("<"):]
        page = page.replace(english, f">{html.escape(translate(code, key))}{closing}")
    return page


def textual_serve_template() -> str:
    """The page template of the installed textual-serve (constraints.txt pins it)."""
    import textual_serve

    return (Path(textual_serve.__file__).parent / "templates" / TEMPLATE).read_text("utf-8")


def translate_keys(data: str) -> str:
    """The panel's keys for the browser-friendly ones in ``data`` (other input unchanged)."""
    for alt, key in BROWSER_KEYS.items():
        if alt in data:
            data = data.replace(alt, key)
    return data


class ClassWebServer(Server):
    """textual-serve's server with a session limit and the browser key map.

    ``lang`` is the language of what the server itself says to a browser (the class's ``--lang``):
    a browser's join carries no language of its own, so the class's is the student's.
    """

    def __init__(self, command: str, *, max_sessions: int, ca_path: Path | None = None,
                 host: str = "localhost", port: int = 8000, title: str | None = None,
                 lang: str | None = None) -> None:
        super().__init__(command, host=host, port=port, title=title or page_title(lang))
        self.max_sessions = max_sessions
        self.lang = lang
        self.active = 0
        self.ca_path = ca_path
        self.page = class_page(textual_serve_template(), lang)

    async def _make_app(self) -> web.Application:
        import aiohttp_jinja2
        import jinja2

        app = await super()._make_app()
        # the class's page instead of the package's file (same name, same placeholders)
        aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({TEMPLATE: self.page}))
        if self.ca_path is not None:
            app.router.add_get("/" + CA_ROUTE, self.handle_ca)
        return app

    async def handle_ca(self, request: web.Request) -> web.StreamResponse:
        """The class tenant's CA certificate, for a student's browser to trust its sign-in page."""
        return web.FileResponse(self.ca_path, headers={  # type: ignore[arg-type]
            "Content-Type": "application/x-pem-file",
            "Content-Disposition": f'attachment; filename="{CA_ROUTE}"'})

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        send_bytes = app_service.send_bytes

        async def send_translated(data: bytes) -> bool:
            return await send_bytes(translate_keys(data.decode("utf-8", "replace")).encode("utf-8"))

        app_service.send_bytes = send_translated
        await super()._process_messages(websocket, app_service)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.active >= self.max_sessions:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            line = said(self.lang, "serve.session.full", max=self.max_sessions)
            await ws.send_bytes(f"\r\n{line[:1].upper()}{line[1:]}.\r\n".encode())
            await ws.close()
            return ws
        self.active += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.active -= 1

    async def start(self) -> web.AppRunner:
        """Listen (port 0: a free one; :attr:`port` then says which) and return the runner."""
        self.initialize_logging()
        runner = web.AppRunner(await self._make_app(), handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.port = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        self.public_url = f"http://{self.host}:{self.port}"
        return runner

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: the class server prints its own join line."""


def session_command(root: Path, cloud_url: str, cloud_ca: Path, lang: str | None,
                    options: ClassOptions | None = None) -> str:
    argv = [sys.executable, "-m", "panel_tui.serve.web_session", str(root), cloud_url, str(cloud_ca)]
    for name, value in (options.environ() if options is not None else {}).items():
        argv += ["--env", f"{name}={value}"]
    if lang:
        argv += ["--lang", lang]
    return shlex.join(argv)


async def run_web(args: argparse.Namespace, root: Path) -> int:
    """Run until SIGINT/SIGTERM: the class tenant, then the web server."""
    from panel_tui.serve.tenant import STUDENT_PASSWORD, ClassTenant

    try:
        tenant = ClassTenant(root, port=args.tenant_port, bind=args.bind,
                             allow_remote=args.allow_remote, preset=args.tenant_preset)
    except (OSError, ValueError) as exc:
        print(f"panel-tui serve: cannot start the class tenant: {exc}", file=sys.stderr)
        return 2
    server = ClassWebServer(session_command(root, tenant.url, tenant.student_ca(args.student_admin),
                                            args.lang, ClassOptions.from_args(args)),
                            host=args.bind, port=args.port, max_sessions=args.max_sessions,
                            ca_path=tenant.ca_path, lang=args.lang)
    runner = None
    try:
        try:
            runner = await server.start()
        except OSError as exc:
            print(f"panel-tui serve: cannot listen on {args.bind}:{args.port}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"Join: open {server.public_url} in a browser   (keys: {KEYS_TITLE})", flush=True)
        print(f"Sign-in page: {tenant.verification_uri}   (CA: {server.public_url}/{CA_ROUTE})",
              flush=True)
        print(f"Sign in with admin@{tenant.domain} (password Contoso-Admin-2025) or a student "
              f"account (password {STUDENT_PASSWORD})", flush=True)
        print(f"Students' printers: {root / 'students'}   Ctrl+C stops the class.", flush=True)
        from panel_tui.serve import until_stopped

        await until_stopped()
        return 0
    finally:
        if runner is not None:
            await runner.cleanup()
        tenant.stop()
