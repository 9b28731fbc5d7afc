"""Web Config's page area: only the page shown is built; the others when first opened.

A person opens two or three of Web Config's pages in a session. Building all of them when F3
was first pressed made that key take half a second and kept ~150 widgets alive for nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import ContentSwitcher

from panel_tui.ui.keygate import hold_keys
from panel_tui.ui.renders import drop_renders
from panel_tui.webconfig.pages import LoginRequiredPage, NotEmulatedPage, ProductStatusPage, TrainerHintsPage
from panel_tui.webconfig.site_map import ADMIN_PAGES, EMULATED, EXTRA_PAGES

if TYPE_CHECKING:
    from textual.widget import AwaitMount, Widget

    from panel_tui.webconfig.session import SignInSession

#: the pages built in this package, by widget id (the others: `EXTRA_PAGES`)
BUILT_IN_PAGES: dict[str, type[Widget]] = {
    "page-product-status": ProductStatusPage,
    "page-trainer-hints": TrainerHintsPage,
    "page-login-required": LoginRequiredPage,
    "page-not-emulated": NotEmulatedPage,
}
#: the pages in modules of their own, imported when first built ("module:Class"): the first F3
#: shows Product Status, and importing these (Email Server > Basic with its form and drop-downs,
#: Email Notification, Connection Test: ~6 ms) made it the slowest key of Web Config
PAGE_MODULES: dict[str, str] = {
    "page-email-basic": "panel_tui.webconfig.email_basic:EmailBasicPage",
    "page-email-notification": "panel_tui.webconfig.notifications:EmailNotificationPage",
    "page-connection-test": "panel_tui.webconfig.connection_test:ConnectionTestPage",
}


def page_widget_id(page: str, *, logged_in: bool) -> str:
    """The id of the page widget that shows ``page`` (Log in first, for an admin page)."""
    if page in ADMIN_PAGES and not logged_in:
        return "page-login-required"
    if page in EXTRA_PAGES:
        return EXTRA_PAGES[page][0]
    return EMULATED.get(page, "page-not-emulated")


def build_page(widget_id: str, session: SignInSession) -> Widget:
    """The page widget ``widget_id``, new (pages in their own modules are imported now)."""
    if widget_id == "page-email-basic":
        basic: Any = _page_class(PAGE_MODULES[widget_id])  # the page of the session's sign-in
        return basic(session, id=widget_id)
    if widget_id in PAGE_MODULES:
        return _page_class(PAGE_MODULES[widget_id])(id=widget_id)
    for extra_id, target in EXTRA_PAGES.values():
        if extra_id == widget_id:
            return _page_class(target)(id=widget_id)
    return BUILT_IN_PAGES[widget_id](id=widget_id)


def _page_class(target: str) -> type[Widget]:
    """The page class named "module:Class"."""
    from importlib import import_module

    module, _, name = target.partition(":")
    page: type[Widget] = getattr(import_module(module), name)
    return page


class PageSwitcher(ContentSwitcher):
    """A ``ContentSwitcher`` that builds each page (by widget id) when it is first shown."""

    def __init__(self, build: Callable[[str], Widget], shown: str, *, id: str | None = None) -> None:
        super().__init__(id=id, initial=shown)
        self._build = build
        self._first = shown
        #: pages being built (mounted, not composed yet), and what waits for the one shown
        self._building: dict[str, AwaitMount] = {}
        self._waiting: list[Callable[[], object]] = []
        #: done once what waits for the page shown has run (keys typed meanwhile wait for it)
        self._ready: asyncio.Future[None] | None = None

    def compose(self) -> ComposeResult:
        yield self._build(self._first)

    def show(self, widget_id: str, then: Callable[[], object]) -> None:
        """Show page ``widget_id``; ``then()`` runs once its fields exist (now, or once built).

        Keys come faster than pages are built (→ → through three tabs at once): a page asked
        for again while it is still being built is filled once, when it is ready."""
        if not any(child.id == widget_id for child in self.children):
            building = self.mount(self._build(widget_id))
            self._building[widget_id] = building
            self.call_later(self._built, widget_id, building)
        if widget_id != self.current:
            self._waiting = []
            self.current = widget_id
        self._wait(then)

    def watch_current(self, old: str | None, new: str | None) -> None:
        """The page left lets go of the lines it drew (a page is drawn anew when shown), once
        the screen has been laid out without it (before, a repaint would draw it again)."""
        super().watch_current(old, new)
        left = next((child for child in self.children if old and child.id == old), None)
        if left is not None and old != new:
            self.call_after_refresh(self._let_go, left)

    def _let_go(self, page: Widget) -> None:
        if page.id != self.current:
            drop_renders(page)

    def when_built(self, action: Callable[[], object]) -> None:
        """Run ``action`` now, or once the page shown has been built."""
        self._wait(action)

    def _wait(self, action: Callable[[], object]) -> None:
        """``action`` now if the page shown is built, else once it is; keys typed meanwhile
        (Enter, then Enter on the page's Start) wait for it, not reach the left menu."""
        self._waiting.append(action)
        if not self._still_building():
            self._run_waiting()
            return
        if self._ready is None or self._ready.done():
            self._ready = asyncio.get_running_loop().create_future()
            hold_keys(self, self._ready)

    def _still_building(self) -> bool:
        """Whether the page shown is still being built: until its mount is complete, its
        fields and buttons included (a page mounted but not yet composed has nothing to
        focus)."""
        return self.current in self._building

    async def _built(self, widget_id: str, building: AwaitMount) -> None:
        await building
        self._building.pop(widget_id, None)
        if widget_id == self.current:
            self._run_waiting()

    def _run_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        try:
            for action in waiting:
                action()
        finally:
            if self._ready is not None and not self._ready.done():
                self._ready.set_result(None)
