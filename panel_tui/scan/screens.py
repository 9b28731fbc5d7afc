"""Scan: the destinations, as a real panel lists them first; Email is the one emulated.

Scan > Email scans the (generated) sample document and sends it as a PDF attachment.

The job shows in Job Status > Active while it runs and then in the Log with "Completed" or its
error code (360 when the printer holds no sign-in, 361 expired, 370 sign in again, 311-314);
this screen repeats the outcome with the panel's message for the code. Resolution and Pages set
how large the PDF is, so a scan larger than Attached File Max Size (314) can be made here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from panel_tui.scan.history import last_address, remember_address
from panel_tui.screens.base import PanelScreen
from panel_tui.ui.lazy_select import LazySelect
from panel_tui.ui.text import job_outcome_text
from panel_tui.ui.workers import reported
from panel_tui.widgets.form import ARROW_FIELD_BINDINGS, arrow_moves_focus

if TYPE_CHECKING:
    from textual.app import App

    from device_model.jobs import Job
    from panel_tui.menu_tree import MenuNode

#: Scan's destinations in the panel's order; only Email is emulated (the others say so).
DESTINATIONS: tuple[str, ...] = ("email", "network_folder", "cloud", "memory_device", "computer")
EMULATED = frozenset({"email"})

#: Resolution choices (dpi) as the device renders them; 200 dpi is Epson's default.
RESOLUTIONS: tuple[int, ...] = (200, 300, 600)
#: Pages fed through the (imaginary) ADF: enough to pass 10 MB at 600 dpi.
MAX_PAGES = 10


class ScanMenuScreen(PanelScreen):
    """Scan: choose where the scan goes. Email opens Scan to Email; the others explain."""

    HELP_KEY = "scan.menu.help"
    HINTS_KEY = "panel.hints.menu"
    #: focused as the screen mounts (on_mount focuses it too): Textual's default, "*", focused
    #: the status bar's lock icon first and on_mount moved it on, a focus and a blur that
    #: restyled the icon and refreshed the bar before every page change's first frame
    AUTO_FOCUS = "#menu"

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self._highlight = 0

    def crumbs(self) -> list[str]:
        return [self.t("panel.home.tile.scan")]

    def compose_body(self) -> ComposeResult:
        g = self.panel.glyphs
        options = []
        for dest in DESTINATIONS:
            label = self.t(f"scan.dest.{dest}")
            if dest not in EMULATED:
                label = f"{label}  ({self.t(f'scan.dest.{dest}.not_emulated_mark')})"
            else:
                label = f"{label}  {g.submenu}"
            options.append(Option(label, id=dest))
        menu = OptionList(*options, id="menu")
        menu.highlighted = self._highlight
        yield menu

    def on_mount(self) -> None:
        self.query_one("#menu", OptionList).focus()

    def language_changed(self) -> None:
        if self.is_mounted and self.query("#menu"):
            self._highlight = self.query_one("#menu", OptionList).highlighted or 0
        super().language_changed()
        if self.is_current:
            self.call_after_refresh(self.on_mount)

    @on(OptionList.OptionSelected, "#menu")
    def _select(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        dest = str(event.option.id)
        self._highlight = event.option_index
        if dest == "email":
            self.app.push_screen(scan_email_screen(self.app))
        else:
            self.app.push_screen(ScanNotEmulatedScreen(dest))


class ScanNotEmulatedScreen(PanelScreen):
    """A scan destination the emulator does not have: say so, and the way back."""

    HELP_KEY = "scan.menu.help"

    def __init__(self, dest: str) -> None:
        super().__init__()
        self.dest = dest

    def crumbs(self) -> list[str]:
        return [self.t("panel.home.tile.scan"), self.t(f"scan.dest.{self.dest}")]

    def compose_body(self) -> ComposeResult:
        yield Static(
            self.t("scan.dest.not_emulated", dest=self.t(f"scan.dest.{self.dest}")),
            id="not-available",
            classes="message", markup=False,
        )


class ScanScreen(PanelScreen):
    """Scan to Email: destination address -> ``device.email.scan_to_email(to)``.

    The To field offers the address used last (kept in the state dir), selected, so typing
    replaces it and Enter sends to it again.
    """

    CSS_PATH = "scan.tcss"
    HELP_KEY = "scan.help"
    HINTS_KEY = "scan.hints"
    #: Enter opens a list on Resolution and Pages, and Job Status on its button; elsewhere it starts
    FOCUS_HINTS = {"select": "scan.hints_list", "scan-jobs": "scan.hints_jobs"}
    #: Ctrl+S starts from any field, as it saves in the panel's forms: on Resolution or Pages
    #: Enter opens the list, and a person who read "Enter Start" there got the list again.
    #: Ctrl+J (Job Status): every panel screen's
    BINDINGS = [Binding("ctrl+s", "start", show=False), *ARROW_FIELD_BINDINGS]

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self.last_job: Job | None = None
        #: shown at least once (it may be built ahead, from the Scan list: `panel_tui.ui.warm_up`)
        self._shown = False

    def on_screen_resume(self) -> None:
        """(Besides `PanelScreen`'s.)"""
        self._shown = True

    def language_changed(self) -> None:
        """A page built ahead and not shown yet is composed again at once, in the new language,
        as it would be built on Enter (composed again as it is shown, its cursor was lost);
        otherwise as every page."""
        if not self._shown and self.is_mounted:
            self.refresh(recompose=True)
            self.call_after_refresh(self.on_mount)
        else:
            super().language_changed()

    def action_field_next(self) -> None:
        arrow_moves_focus(self, forward=True)

    def action_field_previous(self) -> None:
        arrow_moves_focus(self, forward=False)

    def action_start(self) -> None:
        """Ctrl+S: Start, from whichever field has the cursor (not while a scan runs)."""
        if not self.query_one("#scan-start", Button).disabled:
            self.start_scan()

    def crumbs(self) -> list[str]:
        return [self.t("panel.home.tile.scan"), self.t("scan.dest.email")]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="scan-body"):
            yield Static(self.t("scan.email.intro"), id="scan-intro", markup=False)
            with Horizontal(classes="scan-row"):
                yield Label(self.t("scan.email.to"), classes="scan-label", markup=False)
                yield Input(
                    self._to_value(),
                    id="scan-to",
                    placeholder=self.t("scan.email.to_placeholder"),
                    compact=True,
                )
            with Horizontal(classes="scan-row"):
                yield Label(self.t("scan.email.document"), classes="scan-label", markup=False)
                yield Static(self.t("scan.email.document_value"), id="scan-document", markup=False)
            with Horizontal(classes="scan-row"):
                yield Label(self.t("scan.email.resolution"), classes="scan-label", markup=False)
                yield LazySelect(
                    [(self.t("scan.email.dpi", dpi=dpi), dpi) for dpi in RESOLUTIONS],
                    value=RESOLUTIONS[0],
                    allow_blank=False,
                    id="scan-resolution",
                    compact=True,
                )
            with Horizontal(classes="scan-row"):
                yield Label(self.t("scan.email.pages"), classes="scan-label", markup=False)
                yield LazySelect(
                    [(str(n), n) for n in range(1, MAX_PAGES + 1)],
                    value=1,
                    allow_blank=False,
                    id="scan-pages",
                    compact=True,
                )
            with Horizontal(classes="scan-buttons"):
                yield Button(self.t("scan.email.start"), id="scan-start", compact=True)
                yield Button(self.t("scan.email.job_status"), id="scan-jobs", compact=True)
            yield Static(id="scan-result", markup=False)

    def _to_value(self) -> str:
        """What To shows: what was typed here before a recompose, else the last address."""
        if self.is_mounted and self.query("#scan-to"):
            return self.query_one("#scan-to", Input).value
        return last_address(self.device.state_dir)

    def on_mount(self) -> None:
        self.query_one("#scan-to", Input).focus()

    def start_over(self) -> None:
        """Opened again from the Scan list: as a new page would be (the address used last,
        the default Resolution and Pages, no result, the cursor in To)."""
        if not self.is_mounted or not self.query("#scan-to"):
            return
        to = self.query_one("#scan-to", Input)
        to.value = last_address(self.device.state_dir)
        self.query_one("#scan-resolution", Select).value = RESOLUTIONS[0]
        self.query_one("#scan-pages", Select).value = 1
        result = self.query_one("#scan-result", Static)
        result.update("")
        result.set_class(False, "-error")
        self.last_job = None
        self.set_focus(to)
        to.select_all()  # typing replaces the address, as on a new page (focus may not change)

    @on(Input.Submitted, "#scan-to")
    @on(Button.Pressed, "#scan-start")
    def start_scan(self) -> None:
        to = self.query_one("#scan-to", Input).value.strip()
        result = self.query_one("#scan-result", Static)
        if not _looks_like_address(to):
            result.update(self.t("scan.email.need_address"))
            result.set_class(True, "-error")
            return
        local = to.partition("@")[0]
        if len(local) > MAX_LOCAL or len(to) > MAX_ADDRESS:
            result.update(self.t("scan.email.too_long", local=len(local), total=len(to)))
            result.set_class(True, "-error")
            return
        result.set_class(False, "-error")
        remember_address(self.device.state_dir, to)
        result.update(self.t("scan.email.sending", to=to))
        self.query_one("#scan-start", Button).disabled = True
        dpi = self.query_one("#scan-resolution", Select).value
        pages = self.query_one("#scan-pages", Select).value
        self._scan(to, int(pages) if isinstance(pages, int) else 1, int(dpi) if isinstance(dpi, int) else None)

    @work(exclusive=True, group="scan-to-email", exit_on_error=False)
    @reported
    async def _scan(self, to: str, pages: int = 1, dpi: int | None = None) -> None:
        result = self.query_one("#scan-result", Static)
        await self._after_scenario(result, to)
        try:
            job = await self.device.email.scan_to_email(to, pages=pages, dpi=dpi)
        except OSError as exc:  # the job log could not be written (send failures end in the job)
            result.update(self.t("scan.email.crashed", detail=type(exc).__name__))
            result.set_class(True, "-error")
        else:
            self.last_job = job
            # the job's number and time first: the same outcome again (361 twice) reads as a new
            # job, not as a screen that did not change
            when = self.device.format_datetime(job.finished or job.started, seconds=True)
            result.update(self.t("scan.email.job_result", id=job.id, time=when.split(" ", 1)[-1],
                                 result=job_outcome_text(self, job)))
            result.set_class(job.status == "error", "-error")
        finally:
            self.query_one("#scan-start", Button).disabled = False

    async def _after_scenario(self, result: Static, to: str) -> None:
        """A scenario being set up (``--scenario ID`` at start, F4 > Scenarios): the scan waits
        until it is, saying so, and then sends on the printer as the scenario left it; sent
        half-way (signed out by the baseline, not yet signed in) it gave a misleading 360."""
        if getattr(self.app, "scenario_runner", None) is None and not getattr(self.app, "startup_scenario", None):
            return  # no scenario was asked for: nothing to import or wait for
        import asyncio

        from panel_tui.scenario_runner import setting_up

        scenario = setting_up(self.app)
        if scenario is None:
            return
        result.update(self.t("scan.email.waiting_scenario", id=scenario, to=to))
        while setting_up(self.app) is not None:
            await asyncio.sleep(0.1)
        result.update(self.t("scan.email.sending", to=to))

    @on(Button.Pressed, "#scan-jobs")
    def action_job_status(self) -> None:
        self.panel.open_item("job_status")


#: Kept for callers that name the screen by what it does.
ScanToEmailScreen = ScanScreen

#: the app's one Scan to Email page (``App.install_screen``)
SCAN_EMAIL = "scan-email"


def scan_email_screen(app: App[object]) -> ScanScreen:
    """The app's Scan to Email page, built once and kept when left, shown again as new.

    Building it took 45-90 ms on every Enter on Email (35 widgets, two drop-downs with their
    lists), the slowest key of a Scan to Email after the first; shown again it only lays out.
    """
    try:
        screen = app.get_screen(SCAN_EMAIL)
    except KeyError:
        screen = ScanScreen()
        app.install_screen(screen, SCAN_EMAIL)
        return screen
    assert isinstance(screen, ScanScreen)
    screen.start_over()
    return screen


def prepare_scan_email(app: App[object]) -> bool:
    """The Scan to Email page built now, not shown (`panel_tui.ui.warm_up`, once the Scan list
    has been opened: Enter on Email then only lays it out); False if it exists already."""
    try:
        app.get_screen(SCAN_EMAIL)
    except KeyError:
        from panel_tui.ui.host import host

        host(app).prepare_screen(scan_email_screen(app))
        return True
    return False


#: the longest local part (before the @) and address a mail server takes (RFC 5321 4.5.3.1)
MAX_LOCAL = 64
MAX_ADDRESS = 254


def _looks_like_address(text: str) -> bool:
    if text.count("@") != 1:
        return False
    local, _, domain = text.partition("@")
    return bool(local) and "." in domain and not any(c.isspace() for c in text)
