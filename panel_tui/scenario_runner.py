"""Troubleshooting scenarios inside the running panel: one runner per app.

The Scenarios tab of the Cloud surface, the command palette ("Scenario: ...") and
``panel-tui --scenario ID`` all go through :func:`runner_for`, so only one scenario runs at a
time and its outcomes survive a surface switch or a language change (the worker belongs to
the app, not to a pane). The steps are the catalog's, carried out by
:class:`panel_tui.scenarios.engine.Session` on the app's device and the cloud link's tenant:
msal, the sign-in pages and the admin API block, so the engine runs them in threads and the
worker itself stays on the app's loop.

Scenarios need an admin API on the tenant: the embedded tenant, or ``--cloud URL`` on the
same machine (its admin secret readable). With real Microsoft, or a remote tenant without
admin access, :func:`unavailable_reason` says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from textual.signal import Signal

from device_model.i18n import Msg
from panel_tui.ui.host import PanelHost

if TYPE_CHECKING:
    from textual.app import App
    from textual.command import Provider

    from cloud_sim import TenantHandle
    from cloud_sim.admin import TenantAdmin
    from panel_tui.cloud_link import CloudLink
    from panel_tui.tenant_info import DefaultAccountHint
    from panel_tui.remote_admin import RemoteTenantAdmin
    from panel_tui.scenarios.catalog import Scenario
    from panel_tui.scenarios.engine import ScenarioResult, StepOutcome

log = logging.getLogger(__name__)

#: the worker group of a running scenario (one at a time per app)
WORKER_GROUP = "scenario"


@dataclass
class LinkTenant:
    """What the engine needs of a tenant, from a remote link that has an admin API."""

    base_url: str
    ca_cert_path: Path | None
    accounts: list[DefaultAccountHint]
    admin: TenantAdmin | RemoteTenantAdmin


def tenant_for(link: CloudLink | None) -> TenantHandle | LinkTenant | None:
    """The engine's tenant for this cloud link, or None (see :func:`unavailable_reason`)."""
    if link is None or link.state != "ready":
        return None
    if link.handle is not None:
        return link.handle
    if link.admin is None or not link.info.accounts:
        return None
    return LinkTenant(link.info.base_url, link.info.ca_cert_path, list(link.info.accounts), link.admin)


def unavailable_reason(link: CloudLink | None) -> Msg | None:
    """Why scenarios cannot run on this link right now (a message), or None when they can."""
    if link is None:
        return Msg.of("cloud.link.none")
    state = link.state
    if state == "failed":
        return Msg.of("cloud.link.failed", error=link.error or "")
    if link.mode == "microsoft":
        return Msg.of("cloud.scenarios.microsoft")
    if state != "ready":
        return Msg.of("cloud.link.starting")
    if tenant_for(link) is None:
        from panel_tui.class_options import ClassOptions

        if ClassOptions.from_environ().student:  # a student in a class: plain words, no paths
            return Msg.of("cloud.scenarios.class_student")
        return Msg.of("cloud.scenarios.remote_unavailable")
    return None


@dataclass
class ScenarioRun:
    """One run: its outcomes so far, the step being carried out, and how it ended."""

    scenario: Scenario
    send: bool
    outcomes: list[StepOutcome] = field(default_factory=list)
    current: str = ""
    #: the step being carried out, for its label in the panel's language (``scenarios.wording``)
    current_step: object = None
    running: bool = True
    #: a step that could not be carried out (engine.StepError's text)
    error: str | None = None
    result: ScenarioResult | None = None

    @property
    def ok(self) -> bool:
        return not self.running and self.error is None and all(o.ok for o in self.outcomes)


class RunnerHost(PanelHost, Protocol):
    """The app as the runner needs it: the panel host, plus the runner's own attributes."""

    scenario_runner: ScenarioRunner | None
    startup_scenario: str | None


def _host(app: App[None]) -> RunnerHost:
    return cast("RunnerHost", app)


class ScenarioRunner:
    """Runs scenarios on the app's device and tenant; publishes each change on ``changed``."""

    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.run: ScenarioRun | None = None
        #: the run after every change, on the app's loop (the Scenarios tab subscribes)
        self.changed: Signal[ScenarioRun] = Signal(app, "scenario-run")

    @property
    def busy(self) -> bool:
        return self.run is not None and self.run.running

    def _changed(self) -> None:
        if self.run is not None:
            self.changed.publish(self.run)
        _host(self.app).refresh_status()  # the status bar's "Setting up scenario ..." (setting_up)

    def start(self, scenario_id: str, *, send: bool = False) -> bool:
        """Apply the scenario (with ``send``, also Scan to Email and the check) in a worker.

        False (with a notification) when a scenario is already running or the tenant is not
        usable for scenarios.
        """
        from panel_tui.scenarios import catalog

        app = _host(self.app)
        scenario = catalog.get(scenario_id)
        if self.run is not None and self.run.running:
            self.app.notify(app.t("cloud.scenarios.busy", id=self.run.scenario.id), severity="warning")
            return False
        link = app.cloud_link
        reason = unavailable_reason(link)
        if reason is not None:
            self.app.notify(app.t("cloud.scenarios.cannot", reason=reason), severity="warning", timeout=8,
                            markup=False)
            return False
        self.run = ScenarioRun(scenario, send)
        self._changed()
        self.app.run_worker(self._run(self.run, tenant_for(link)), group=WORKER_GROUP, exit_on_error=False,
                       name=f"scenario {scenario.id}")
        return True

    async def _run(self, run: ScenarioRun, tenant: TenantHandle | LinkTenant | None) -> None:
        from panel_tui.scenarios import engine

        device = _host(self.app).device
        session = engine.Session(device, tenant)
        result = engine.ScenarioResult(run.scenario.id)
        steps = run.scenario.steps if run.send else run.scenario.setup
        try:
            for step in steps:
                run.current, run.current_step = step.describe(), step
                self._changed()
                outcome = await session.step(step)
                run.outcomes.append(outcome)
                result.outcomes.append(outcome)
        except engine.StepError as exc:
            run.error = str(exc)
        except Exception as exc:  # pragma: no cover - a bug in the engine: shown as the run's error, not a crash
            log.exception("scenario %s failed", run.scenario.id)
            run.error = engine._describe_error(exc)
        finally:
            result.job = session.job
            run.result = result
            run.current, run.current_step = "", None
            run.running = False
            self._changed()
        self._notify_end(run)

    def _notify_end(self, run: ScenarioRun) -> None:
        if _shown_in_place(self.app):
            return  # F4 > Scenarios has the cursor: its result lines say it (a toast covered them)
        app = _host(self.app)
        notify = self.app.notify
        sid = run.scenario.id
        if run.error is not None:
            notify(app.t("cloud.scenarios.notify_error", id=sid, error=run.error), severity="error", timeout=10,
                       markup=False)
        elif not run.ok:
            notify(app.t("cloud.scenarios.notify_failed", id=sid), severity="warning", timeout=8)
        elif run.send and run.result is not None:
            notify(app.t("cloud.scenarios.notify_sent", id=sid, code=code_text(app, run.result.code)), timeout=6)
        else:
            notify(app.t("cloud.scenarios.notify_applied", id=sid), timeout=6)


def _shown_in_place(app: App[None]) -> bool:
    """Whether the cursor is in a pane that shows the run's outcome itself (F4 > Scenarios,
    marked ``SHOWS_SCENARIO_RUNS``): there the end is said in its result lines, not a toast."""
    focused = app.focused
    return focused is not None and any(getattr(node, "SHOWS_SCENARIO_RUNS", False)
                                       for node in focused.ancestors_with_self)


def code_text(app: PanelHost, code: int | str) -> str:
    """An expected or resulting code as the panel says it: ``360``, or "Completed"."""
    if isinstance(code, str) and not code.isdigit():
        return str(app.t(f"device.job.status.{code}"))
    return str(code)


def runner_for(app: App[None]) -> ScenarioRunner:
    """The app's runner (created on first use)."""
    panel = _host(app)
    if panel.scenario_runner is None:
        panel.scenario_runner = ScenarioRunner(app)
    return panel.scenario_runner


async def open_and_apply(app: App[None], scenario_id: str, *, send: bool = False) -> None:
    """Apply a scenario and show its outcomes on the Cloud surface's Scenarios tab."""
    started = runner_for(app).start(scenario_id, send=send)
    panel = _host(app)
    if app.current_mode != "cloud":
        # A Cloud screen made now opens on the Scenarios tab: setting the tab right after its
        # mount would race with the tab bar's own first activation.
        panel.cloud_first_tab = "scenarios"
        try:
            await app.switch_mode("cloud")
        finally:
            panel.cloud_first_tab = None
    from textual.widgets import TabbedContent

    for tabs in app.screen.query("#cloud-tabs").results(TabbedContent):  # none under a dialog
        show_focused = getattr(app.screen, "show_tab_focused", None)
        if show_focused is not None:  # its pane built first if the surface was made before
            await show_focused("scenarios")
            break
        tabs.active = "cloud-scenarios"
        for scenarios in app.screen.query("#scn-list"):
            scenarios.focus()
    if not started:
        log.info("scenario %s not started", scenario_id)


def setting_up(app: App[object]) -> str | None:
    """The id of the scenario being set up on this printer now, or about to be (``--scenario
    ID`` waits for the tenant to be ready: several seconds on a loaded machine), else None.

    While it is, the status bar says so and a Scan to Email waits for it: a scan sent into a
    half-set-up printer gave a misleading 360 (signed out by the baseline, not yet signed in).
    """
    panel = cast("RunnerHost", app)
    runner = getattr(panel, "scenario_runner", None)
    if runner is not None and runner.run is not None and runner.run.running:
        return str(runner.run.scenario.id)
    pending = getattr(panel, "startup_scenario", None)
    return str(pending) if pending else None


def start_requested(app: App[None]) -> None:
    """``panel-tui --scenario ID``: apply it once the tenant is ready (called again on each link change)."""
    panel = _host(app)
    scenario_id = panel.startup_scenario
    if not scenario_id:
        return
    link = panel.cloud_link
    if link is None or link.state not in ("ready", "failed"):
        return  # wait for the next CloudLinkStatus
    panel.startup_scenario = None
    runner_for(app).start(scenario_id)


# -- the command palette ------------------------------------------------------------------------


def scenario_commands() -> type[Provider]:
    """The command palette's provider class (imported only when the palette opens)."""
    from collections.abc import Awaitable, Callable
    from functools import partial

    from textual.command import DiscoveryHit, Hit, Hits, Provider

    from panel_tui.scenarios import catalog

    class ScenarioCommands(Provider):
        """ "Scenario: <title>": apply it and watch the outcomes on the Scenarios tab."""

        def _entries(self) -> list[tuple[str, str, Callable[[], Awaitable[None]]]]:
            app = _host(self.app)
            entries = []
            for sc in catalog.SCENARIOS:
                name = app.t("cloud.scenarios.command", title=app.t(sc.title))
                help_text = app.t("cloud.scenarios.command_help", id=sc.id, code=code_text(app, sc.code))
                entries.append((name, help_text, partial(open_and_apply, self.app, sc.id)))
            return entries

        async def discover(self) -> Hits:
            for name, help_text, callback in self._entries():
                yield DiscoveryHit(name, callback, help=help_text)

        async def search(self, query: str) -> Hits:
            matcher = self.matcher(query)
            for name, help_text, callback in self._entries():
                score = max(matcher.match(name), matcher.match(help_text))
                if score > 0:
                    yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)

    return ScenarioCommands
